package main

import (
	"os"
	"os/signal"
	"path/filepath"
	"syscall"
	"time"
)

// stopSignals are the signals -term applies to: the ones docker stop, docker kill and a
// terminal send to stop a program.
var stopSignals = []os.Signal{syscall.SIGTERM, syscall.SIGINT, syscall.SIGQUIT, syscall.SIGHUP}

var signalNames = map[os.Signal]string{
	syscall.SIGTERM: "SIGTERM",
	syscall.SIGINT:  "SIGINT",
	syscall.SIGQUIT: "SIGQUIT",
	syscall.SIGHUP:  "SIGHUP",
}

// setupSignals applies -term. With default the Go runtime's behaviour stays: the process
// dies of the signal (as PID 1 in a container, where that cannot happen, it exits 2).
func (a *app) setupSignals() {
	switch a.common.term {
	case "ignore":
		signal.Ignore(stopSignals...)
	case "trap":
		ch := make(chan os.Signal, 1)
		signal.Notify(ch, stopSignals...)
		go a.trap(ch)
	}
}

func (a *app) trap(ch <-chan os.Signal) {
	sig := <-ch
	a.out.Println("got " + signalNames[sig])
	if a.common.termDelay > 0 {
		time.Sleep(a.common.termDelay)
	}
	a.out.Flush()
	a.errOut.Flush()
	a.exit(0)
}

// startReadyFile creates -ready-file after -ready-after, in the background.
func (a *app) startReadyFile() {
	if a.common.readyFile == "" {
		return
	}
	path, after := a.common.readyFile, a.common.readyAfter
	go func() {
		time.Sleep(after)
		if err := writeFile(path, []byte("ready\n"), false); err != nil {
			a.errOut.Println("testapp: ready file: " + err.Error())
		}
	}()
}

// writeFile writes data to path, creating the parent directories.
func writeFile(path string, data []byte, appendTo bool) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	mode := os.O_WRONLY | os.O_CREATE | os.O_TRUNC
	if appendTo {
		mode = os.O_WRONLY | os.O_CREATE | os.O_APPEND
	}
	f, err := os.OpenFile(path, mode, 0o644)
	if err != nil {
		return err
	}
	if _, err := f.Write(data); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}
