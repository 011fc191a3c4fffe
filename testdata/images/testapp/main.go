// Command testapp is the program end-to-end tests of envctl run in containers: one static
// binary that serves HTTP, prints lines, sleeps, exits with a code, handles signals in a
// chosen way and reads and writes files. See README.md for the commands.
package main

import (
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"time"
)

const usage = `usage: testapp [common flags] COMMAND [ARGS and flags] [+ COMMAND ...]

commands:
  serve [-addr :8080] [-body TEXT] [-log]   HTTP: / (body, default hostname), /env, /health, /file?path=
  lines N [-width W] [-prefix P] [-fill C] [-every D] [-stderr] [-then exit|sleep]
  exit CODE [-after D]
  sleep [D]                                 forever when D is omitted
  health -file PATH | -url URL [-timeout D] exit 0 iff PATH exists / URL answers 200
  write [-append] PATH TEXT...              TEXT and a newline, parent dirs created
  read PATH                                 print PATH, exit 1 if missing
  env | echo ARGS... | cat | hostname

common flags (before the command or among its flags):
  -term default|trap|ignore  SIGTERM/SIGINT/SIGQUIT/SIGHUP: runtime default, print "got SIGTERM" and exit 0, or ignore
  -term-delay D              with -term trap: wait D before exiting
  -ready-file PATH           create PATH (and its parent dirs) ...
  -ready-after D             ... after D
  -quiet                     do not print "ready" and startup lines

A lone "+" argument separates commands run one after the other: write /data/x hi + sleep
Durations are Go durations (1.5s, 200ms) or plain seconds (3, 0.5).
`

// app holds the process's streams and environment so commands can be tested in-process.
type app struct {
	stdin    io.Reader
	out      *output
	errOut   *output
	environ  func() []string
	hostname func() (string, error)
	exit     func(code int) // used by signal handlers, which end the process
	common   common
}

// common are the flags every command accepts.
type common struct {
	term       string
	termDelay  time.Duration
	readyFile  string
	readyAfter time.Duration
	quiet      bool
}

// step is one parsed command, ready to run; it returns the exit code.
type step func() int

func main() {
	a := &app{
		stdin:    os.Stdin,
		out:      newOutput(os.Stdout),
		errOut:   newOutput(os.Stderr),
		environ:  os.Environ,
		hostname: os.Hostname,
		exit:     os.Exit,
	}
	code := a.run(os.Args[1:])
	a.out.Flush()
	a.errOut.Flush()
	os.Exit(code)
}

// run parses every command first (so a flag error anywhere creates nothing), sets up the
// signal behaviour and the ready file, then runs the commands in order.
func (a *app) run(args []string) int {
	a.common = common{term: "default"}
	global := a.flagSet("testapp")
	if err := global.Parse(args); err != nil {
		return 2
	}
	args = global.Args()
	if len(args) == 0 {
		fmt.Fprint(a.errOut, usage)
		return 2
	}
	if args[0] == "help" || args[0] == "-h" {
		fmt.Fprint(a.out, usage)
		return 0
	}
	var steps []step
	for _, cmdArgs := range splitCommands(args) {
		s, code := a.parse(cmdArgs)
		if s == nil {
			return code
		}
		steps = append(steps, s)
	}
	if err := a.validateCommon(); err != nil {
		a.errOut.Println("testapp: " + err.Error())
		return 2
	}
	a.setupSignals()
	a.startReadyFile()
	for _, s := range steps {
		if code := s(); code != 0 {
			return code
		}
	}
	return 0
}

// splitCommands splits the arguments at lone "+" arguments.
func splitCommands(args []string) [][]string {
	var cmds [][]string
	start := 0
	for i, arg := range args {
		if arg == "+" {
			cmds = append(cmds, args[start:i])
			start = i + 1
		}
	}
	return append(cmds, args[start:])
}

func (a *app) parse(args []string) (step, int) {
	if len(args) == 0 {
		a.errOut.Println(`testapp: empty command around "+"`)
		return nil, 2
	}
	cmd, ok := commands[args[0]]
	if !ok {
		a.errOut.Println(fmt.Sprintf("testapp: unknown command %q (run testapp help)", args[0]))
		return nil, 2
	}
	s, err := cmd(a, args[1:])
	if err != nil {
		if err != flag.ErrHelp {
			a.errOut.Println(fmt.Sprintf("testapp %s: %v", args[0], err))
		}
		return nil, 2
	}
	return s, 0
}

// commands maps a command name to its parser.
var commands = map[string]func(a *app, args []string) (step, error){
	"serve":    (*app).serveCmd,
	"lines":    (*app).linesCmd,
	"exit":     (*app).exitCmd,
	"sleep":    (*app).sleepCmd,
	"health":   (*app).healthCmd,
	"write":    (*app).writeCmd,
	"read":     (*app).readCmd,
	"env":      (*app).envCmd,
	"echo":     (*app).echoCmd,
	"cat":      (*app).catCmd,
	"hostname": (*app).hostnameCmd,
}

func (a *app) validateCommon() error {
	switch a.common.term {
	case "default", "trap", "ignore":
		return nil
	}
	return fmt.Errorf("-term must be default, trap or ignore, not %q", a.common.term)
}

// ready prints the line tests wait for before they signal or probe the program.
func (a *app) ready() {
	if !a.common.quiet {
		a.out.Println("ready")
	}
}

// note prints a startup line unless -quiet.
func (a *app) note(line string) {
	if !a.common.quiet {
		a.out.Println(line)
	}
}

// waitForever blocks until a signal ends the process. A timer, not select{}, so the
// runtime never sees a deadlock when no signal handler goroutine exists.
func (a *app) waitForever() {
	a.ready()
	for {
		time.Sleep(time.Hour)
	}
}

func joinArgs(args []string) string { return strings.Join(args, " ") }
