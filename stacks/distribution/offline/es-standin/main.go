// Command es-standin is the Elasticsearch stand-in of the offline
// distribution stack: a small server that speaks the subset of the
// Elasticsearch REST API the event pump and the search page use, for
// machines where Elasticsearch cannot be had. It is not Elasticsearch.
//
// It keeps documents in memory and in a journal file in its data directory,
// so they survive restarts. Settings (flags win over the environment):
//
//	-addr  ES_STANDIN_ADDR  listen address (default :9200)
//	-data  ES_STANDIN_DATA  data directory (default /usr/share/elasticsearch/data)
//
// "es-standin -healthcheck URL" only probes URL and exits 0 on a 2xx answer,
// so the FROM-scratch image can check its own health.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"
)

func main() {
	addr := flag.String("addr", envOr("ES_STANDIN_ADDR", ":9200"), "listen `address`")
	data := flag.String("data", envOr("ES_STANDIN_DATA", "/usr/share/elasticsearch/data"), "data `directory`")
	healthcheck := flag.String("healthcheck", "", "probe `URL`, exit 0 if it answers 2xx, 1 otherwise")
	flag.Parse()
	if *healthcheck != "" {
		os.Exit(probe(*healthcheck))
	}
	log := slog.New(slog.NewJSONHandler(os.Stderr, nil))
	if err := run(*addr, *data, log); err != nil {
		log.Error("Elasticsearch stand-in stopped", slog.String("error", err.Error()))
		os.Exit(1)
	}
}

func run(addr, data string, log *slog.Logger) error {
	st, err := openStore(data)
	if err != nil {
		return fmt.Errorf("open data directory %s: %w", data, err)
	}
	defer st.close()
	srv := &http.Server{Addr: addr, Handler: (&server{store: st, maxBody: 16 << 20}).routes(), ReadHeaderTimeout: 10 * time.Second}
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, syscall.SIGINT)
	defer stop()
	errc := make(chan error, 1)
	go func() { errc <- srv.ListenAndServe() }()
	log.Info("Elasticsearch stand-in listening", slog.String("addr", addr), slog.String("data", data))
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	shutdown, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutdown); err != nil {
		return err
	}
	if err := <-errc; !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

func envOr(key, def string) string {
	if v := os.Getenv(key); v != "" {
		return v
	}
	return def
}

func probe(url string) int {
	client := &http.Client{Timeout: 3 * time.Second}
	resp, err := client.Get(url)
	if err != nil {
		fmt.Fprintln(os.Stderr, "healthcheck:", err)
		return 1
	}
	resp.Body.Close()
	if resp.StatusCode/100 != 2 {
		fmt.Fprintln(os.Stderr, "healthcheck:", url, "answered", resp.Status)
		return 1
	}
	return 0
}
