package engine

import (
	"context"
	"errors"
	"net/http"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// blockingTransport counts requests in flight and holds each until released.
type blockingTransport struct {
	inFlight, peak atomic.Int32
	entered        chan struct{}
	release        chan struct{}
}

func (b *blockingTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	n := b.inFlight.Add(1)
	for {
		p := b.peak.Load()
		if n <= p || b.peak.CompareAndSwap(p, n) {
			break
		}
	}
	b.entered <- struct{}{}
	<-b.release
	b.inFlight.Add(-1)
	return &http.Response{StatusCode: 200, Body: http.NoBody, Request: r}, nil
}

func TestLimitedTransportBoundsRequestsInFlight(t *testing.T) {
	const limit, total = 3, 20
	fake := &blockingTransport{entered: make(chan struct{}, total), release: make(chan struct{})}
	lt := &limitedTransport{base: fake, slots: make(chan struct{}, limit)}
	var wg sync.WaitGroup
	errs := make(chan error, total)
	for range total {
		wg.Add(1)
		go func() {
			defer wg.Done()
			req, _ := http.NewRequest("GET", "http://engine/containers/json", nil)
			resp, err := lt.RoundTrip(req)
			if err == nil {
				resp.Body.Close()
			}
			errs <- err
		}()
	}
	// the first `limit` requests get through and are held there
	for range limit {
		<-fake.entered
	}
	select {
	case <-fake.entered:
		t.Fatalf("a request past the limit of %d reached the engine", limit)
	case <-time.After(100 * time.Millisecond):
	}
	close(fake.release)
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	if p := fake.peak.Load(); p != limit {
		t.Errorf("peak in flight %d, want %d", p, limit)
	}
}

func TestLimitedTransportWaitEndsWithContext(t *testing.T) {
	fake := &blockingTransport{entered: make(chan struct{}, 2), release: make(chan struct{})}
	defer close(fake.release)
	lt := &limitedTransport{base: fake, slots: make(chan struct{}, 1)}
	go func() {
		req, _ := http.NewRequest("GET", "http://engine/events", nil)
		_, _ = lt.RoundTrip(req)
	}()
	<-fake.entered
	ctx, cancel := context.WithCancel(context.Background())
	req, _ := http.NewRequestWithContext(ctx, "GET", "http://engine/info", nil)
	done := make(chan error, 1)
	go func() {
		_, err := lt.RoundTrip(req)
		done <- err
	}()
	cancel()
	if err := <-done; !errors.Is(err, context.Canceled) {
		t.Errorf("waiting request ended with %v, want context.Canceled", err)
	}
	if n := fake.inFlight.Load(); n != 1 {
		t.Errorf("%d requests reached the engine, want 1", n)
	}
}
