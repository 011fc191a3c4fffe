package main

import (
	"io"
	"net/http"
	"net/http/httptest"
	"testing"
)

func TestCheck(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/" {
			http.NotFound(w, r)
		}
	}))
	defer srv.Close()
	if got := check(srv.URL+"/", io.Discard); got != 0 {
		t.Errorf("2xx: exit %d, want 0", got)
	}
	if got := check(srv.URL+"/missing", io.Discard); got != 1 {
		t.Errorf("404: exit %d, want 1", got)
	}
	if got := check("http://127.0.0.1:1/", io.Discard); got != 1 {
		t.Errorf("refused: exit %d, want 1", got)
	}
}
