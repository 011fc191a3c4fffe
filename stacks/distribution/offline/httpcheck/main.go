// Command httpcheck is the health check of offline images that have no
// shell or curl: "httpcheck URL" exits 0 when URL answers 2xx within 3 s,
// 1 otherwise. The offline build copies it into the FROM-scratch registry.
package main

import (
	"fmt"
	"io"
	"net/http"
	"os"
	"time"
)

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: httpcheck URL")
		os.Exit(2)
	}
	os.Exit(check(os.Args[1], os.Stderr))
}

func check(url string, stderr io.Writer) int {
	client := &http.Client{Timeout: 3 * time.Second}
	resp, err := client.Get(url)
	if err != nil {
		fmt.Fprintln(stderr, "httpcheck:", err)
		return 1
	}
	resp.Body.Close()
	if resp.StatusCode/100 != 2 {
		fmt.Fprintln(stderr, "httpcheck:", url, "answered", resp.Status)
		return 1
	}
	return 0
}
