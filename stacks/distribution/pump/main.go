// Command pump receives the Distribution registry's notifications and writes
// its manifest push and pull events to the Elasticsearch index
// registry-events, one document per event id.
//
// Configuration comes from the environment:
//
//	PUMP_LISTEN_ADDR   address to listen on (default :8080)
//	PUMP_ES_URL        Elasticsearch base URL (default http://elasticsearch:9200)
//	PUMP_QUEUE_SIZE    events held while Elasticsearch is down (default 10000)
//	PUMP_MAX_BACKOFF   longest wait between two delivery attempts (default 30s)
//	PUMP_LOG_LEVEL     debug, info, warn or error (default info)
//
// "pump -healthcheck URL" only probes URL and exits 0 on a 2xx answer, so the
// FROM-scratch image can check its own health.
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
	"strconv"
	"syscall"
	"time"
)

type config struct {
	listen     string
	esURL      string
	queueSize  int
	maxBackoff time.Duration
	logLevel   slog.Level
}

func configFromEnv(getenv func(string) string) (config, error) {
	c := config{listen: ":8080", esURL: "http://elasticsearch:9200", queueSize: 10000, maxBackoff: 30 * time.Second}
	if v := getenv("PUMP_LISTEN_ADDR"); v != "" {
		c.listen = v
	}
	if v := getenv("PUMP_ES_URL"); v != "" {
		c.esURL = v
	}
	if v := getenv("PUMP_QUEUE_SIZE"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			return c, fmt.Errorf("PUMP_QUEUE_SIZE=%q: want a positive integer", v)
		}
		c.queueSize = n
	}
	if v := getenv("PUMP_MAX_BACKOFF"); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil || d <= 0 {
			return c, fmt.Errorf("PUMP_MAX_BACKOFF=%q: want a positive duration such as 30s", v)
		}
		c.maxBackoff = d
	}
	if v := getenv("PUMP_LOG_LEVEL"); v != "" {
		if err := c.logLevel.UnmarshalText([]byte(v)); err != nil {
			return c, fmt.Errorf("PUMP_LOG_LEVEL=%q: want debug, info, warn or error", v)
		}
	}
	return c, nil
}

func main() {
	healthcheck := flag.String("healthcheck", "", "probe `URL`, exit 0 if it answers 2xx, 1 otherwise")
	flag.Parse()
	if *healthcheck != "" {
		os.Exit(probe(*healthcheck))
	}
	cfg, err := configFromEnv(os.Getenv)
	if err != nil {
		fmt.Fprintln(os.Stderr, "pump:", err)
		os.Exit(2)
	}
	log := slog.New(slog.NewJSONHandler(os.Stdout, &slog.HandlerOptions{Level: cfg.logLevel}))
	if err := run(cfg, log); err != nil {
		log.Error("pump stopped", slog.String("error", err.Error()))
		os.Exit(1)
	}
}

func run(cfg config, log *slog.Logger) error {
	q := newQueue(cfg.queueSize)
	d := &deliverer{
		queue:      q,
		es:         &elastic{base: cfg.esURL, client: &http.Client{Timeout: 10 * time.Second}},
		log:        log,
		minBackoff: 250 * time.Millisecond,
		maxBackoff: cfg.maxBackoff,
	}
	s := &server{queue: q, log: log, maxBody: 8 << 20}
	srv := &http.Server{Addr: cfg.listen, Handler: s.routes(), ReadHeaderTimeout: 10 * time.Second}

	sigCtx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, syscall.SIGINT)
	defer stop()
	deliverCtx, stopDelivery := context.WithCancel(context.Background())
	delivered := make(chan struct{})
	go func() { d.run(deliverCtx); close(delivered) }()

	serveErr := make(chan error, 1)
	go func() { serveErr <- srv.ListenAndServe() }()
	log.Info("pump listening", slog.String("addr", cfg.listen), slog.String("elasticsearch", cfg.esURL), slog.Int("queue_size", cfg.queueSize))

	select {
	case err := <-serveErr:
		stopDelivery()
		return err
	case <-sigCtx.Done():
	}
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	_ = srv.Shutdown(shutdownCtx)
	// The queue lives in memory: give Elasticsearch a moment to take what is
	// left, and say how much is lost if it does not.
	for q.len() > 0 && shutdownCtx.Err() == nil {
		time.Sleep(50 * time.Millisecond)
	}
	stopDelivery()
	<-delivered
	if n := q.len(); n > 0 {
		log.Warn("stopping with undelivered events", slog.Int("lost", n))
	}
	if err := <-serveErr; !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
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
