package main

import (
	"bufio"
	"io"
	"sync"
)

// output is a buffered writer shared by the commands and the signal handler: bulk output
// (lines) stays fast, and a line printed from another goroutine never splits a line.
type output struct {
	mu sync.Mutex
	w  *bufio.Writer
}

func newOutput(w io.Writer) *output {
	return &output{w: bufio.NewWriterSize(w, 64<<10)}
}

func (o *output) Write(p []byte) (int, error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.w.Write(p)
}

func (o *output) Flush() error {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.w.Flush()
}

// Println writes s and a newline and flushes, so the line is seen at once.
func (o *output) Println(s string) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.w.WriteString(s)
	o.w.WriteByte('\n')
	o.w.Flush()
}
