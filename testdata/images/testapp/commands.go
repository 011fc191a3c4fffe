package main

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"slices"
	"strconv"
	"time"
)

func (a *app) exitCmd(args []string) (step, error) {
	fs := a.flagSet("exit")
	var after time.Duration
	fs.Var((*durationValue)(&after), "after", "wait this long before exiting")
	pos, err := parseArgs(fs, args)
	if err != nil {
		return nil, err
	}
	if err := wantArgs(pos, 1, 1, "CODE"); err != nil {
		return nil, err
	}
	code, err := strconv.Atoi(pos[0])
	if err != nil || code < 0 || code > 255 {
		return nil, fmt.Errorf("CODE must be 0 to 255, not %q", pos[0])
	}
	return func() int {
		if after > 0 {
			a.ready()
			time.Sleep(after)
		}
		return code
	}, nil
}

func (a *app) sleepCmd(args []string) (step, error) {
	pos, err := parseArgs(a.flagSet("sleep"), args)
	if err != nil {
		return nil, err
	}
	if err := wantArgs(pos, 0, 1, "[DURATION]"); err != nil {
		return nil, err
	}
	forever := len(pos) == 0 || pos[0] == "infinity"
	var d time.Duration
	if !forever {
		if d, err = parseDuration(pos[0]); err != nil {
			return nil, err
		}
	}
	return func() int {
		if forever {
			a.waitForever()
		}
		a.ready()
		time.Sleep(d)
		return 0
	}, nil
}

func (a *app) healthCmd(args []string) (step, error) {
	fs := a.flagSet("health")
	var file, url string
	timeout := 2 * time.Second
	fs.StringVar(&file, "file", "", "healthy iff this file exists")
	fs.StringVar(&url, "url", "", "healthy iff GET of this URL answers 200")
	fs.Var((*durationValue)(&timeout), "timeout", "timeout of the GET")
	pos, err := parseArgs(fs, args)
	if err != nil {
		return nil, err
	}
	if err := wantArgs(pos, 0, 0, "no arguments besides -file or -url"); err != nil {
		return nil, err
	}
	if (file == "") == (url == "") {
		return nil, errors.New("give one of -file PATH or -url URL")
	}
	return func() int {
		var err error
		if file != "" {
			_, err = os.Stat(file)
		} else {
			err = checkURL(url, timeout)
		}
		if err != nil {
			a.errOut.Println("unhealthy: " + err.Error())
			return 1
		}
		return 0
	}, nil
}

func checkURL(url string, timeout time.Duration) error {
	client := &http.Client{Timeout: timeout}
	resp, err := client.Get(url)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	io.Copy(io.Discard, resp.Body)
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("GET %s: %s", url, resp.Status)
	}
	return nil
}

func (a *app) writeCmd(args []string) (step, error) {
	fs := a.flagSet("write")
	var appendTo bool
	fs.BoolVar(&appendTo, "append", false, "append instead of replacing the file")
	pos, err := parseArgs(fs, args)
	if err != nil {
		return nil, err
	}
	if err := wantArgs(pos, 2, -1, "PATH TEXT..."); err != nil {
		return nil, err
	}
	return func() int {
		if err := writeFile(pos[0], []byte(joinArgs(pos[1:])+"\n"), appendTo); err != nil {
			a.errOut.Println("testapp write: " + err.Error())
			return 1
		}
		return 0
	}, nil
}

func (a *app) readCmd(args []string) (step, error) {
	pos, err := parseArgs(a.flagSet("read"), args)
	if err != nil {
		return nil, err
	}
	if err := wantArgs(pos, 1, 1, "PATH"); err != nil {
		return nil, err
	}
	return func() int {
		data, err := os.ReadFile(pos[0])
		if err != nil {
			a.errOut.Println("testapp read: " + err.Error())
			return 1
		}
		a.out.Write(data)
		return 0
	}, nil
}

// sortedEnv is the environment, one NAME=value a line, sorted.
func sortedEnv(environ []string) string {
	env := slices.Clone(environ)
	slices.Sort(env)
	var s string
	for _, kv := range env {
		s += kv + "\n"
	}
	return s
}

func (a *app) envCmd(args []string) (step, error) {
	pos, err := parseArgs(a.flagSet("env"), args)
	if err != nil {
		return nil, err
	}
	if err := wantArgs(pos, 0, 0, "no arguments"); err != nil {
		return nil, err
	}
	return func() int {
		io.WriteString(a.out, sortedEnv(a.environ()))
		return 0
	}, nil
}

// echoCmd prints its arguments as they are: it takes no flags, so "-x" is printed too.
func (a *app) echoCmd(args []string) (step, error) {
	return func() int {
		io.WriteString(a.out, joinArgs(args)+"\n")
		return 0
	}, nil
}

// catCmd copies stdin to stdout, flushing each read so an attached terminal sees echoes.
func (a *app) catCmd(args []string) (step, error) {
	pos, err := parseArgs(a.flagSet("cat"), args)
	if err != nil {
		return nil, err
	}
	if err := wantArgs(pos, 0, 0, "no arguments"); err != nil {
		return nil, err
	}
	return func() int {
		buf := make([]byte, 32<<10)
		for {
			n, err := a.stdin.Read(buf)
			if n > 0 {
				a.out.Write(buf[:n])
				a.out.Flush()
			}
			if err == io.EOF {
				return 0
			}
			if err != nil {
				a.errOut.Println("testapp cat: " + err.Error())
				return 1
			}
		}
	}, nil
}

func (a *app) hostnameCmd(args []string) (step, error) {
	pos, err := parseArgs(a.flagSet("hostname"), args)
	if err != nil {
		return nil, err
	}
	if err := wantArgs(pos, 0, 0, "no arguments"); err != nil {
		return nil, err
	}
	return func() int {
		name, err := a.hostname()
		if err != nil {
			a.errOut.Println("testapp hostname: " + err.Error())
			return 1
		}
		a.out.Println(name)
		return 0
	}, nil
}
