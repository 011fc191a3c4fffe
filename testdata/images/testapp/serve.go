package main

import (
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
)

func (a *app) serveCmd(args []string) (step, error) {
	fs := a.flagSet("serve")
	addr := ":8080"
	var body string
	var logRequests bool
	fs.StringVar(&addr, "addr", addr, "listen address")
	fs.StringVar(&body, "body", "", "body of GET / (default: the hostname)")
	fs.BoolVar(&logRequests, "log", false, "print a line per request")
	pos, err := parseArgs(fs, args)
	if err != nil {
		return nil, err
	}
	if err := wantArgs(pos, 0, 0, "no arguments"); err != nil {
		return nil, err
	}
	return func() int {
		if body == "" {
			if body, err = a.hostname(); err != nil {
				a.errOut.Println("testapp serve: " + err.Error())
				return 1
			}
		}
		ln, err := net.Listen("tcp", addr)
		if err != nil {
			a.errOut.Println("testapp serve: " + err.Error())
			return 1
		}
		var h http.Handler = a.handler(body)
		if logRequests {
			h = a.logged(h)
		}
		a.note("serving HTTP on " + ln.Addr().String())
		a.ready()
		err = http.Serve(ln, h)
		a.errOut.Println("testapp serve: " + err.Error())
		return 1
	}, nil
}

// handler serves / (the body), /env, /health and /file?path=.
func (a *app) handler(body string) http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /{$}", func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, body+"\n")
	})
	mux.HandleFunc("GET /env", func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, sortedEnv(a.environ()))
	})
	mux.HandleFunc("GET /health", func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, "ok\n")
	})
	mux.HandleFunc("GET /file", func(w http.ResponseWriter, r *http.Request) {
		path := r.URL.Query().Get("path")
		if path == "" {
			http.Error(w, "want /file?path=PATH", http.StatusBadRequest)
			return
		}
		data, err := os.ReadFile(path)
		switch {
		case errors.Is(err, os.ErrNotExist):
			http.Error(w, err.Error(), http.StatusNotFound)
		case err != nil:
			http.Error(w, err.Error(), http.StatusInternalServerError)
		default:
			w.Header().Set("Content-Type", "application/octet-stream")
			w.Write(data)
		}
	})
	return mux
}

func (a *app) logged(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		a.out.Println(fmt.Sprintf("%s %s from %s", r.Method, r.URL.RequestURI(), r.RemoteAddr))
		h.ServeHTTP(w, r)
	})
}
