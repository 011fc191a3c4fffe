// Command envctl runs multi-container environments described by Compose files.
package main

import "os"

func main() {
	os.Exit(Main(os.Args[1:], Streams{In: os.Stdin, Out: os.Stdout, Err: os.Stderr}, os.Environ()))
}
