// Command ssohelper-token is `ssohelper token` for scripts that ask for
// the token often: the same flags, output and exit codes, in a program a
// fraction of the size, so a cached token is printed in about the time
// any Go program takes to start.
//
// It answers only when the saved sign-in holds a token valid for long
// enough and the vault key is in the kernel key cache (Linux): it reads
// the config, the sealed file and the cache, and prints. Everything else
// (a renewal, a sign-in, an error to explain, a flag it does not know) it
// hands to the ssohelper program next to it, or on PATH, as `ssohelper
// token ARGS…`, which does the whole job. Install both together.
package main

import (
	"fmt"
	"os"
	"time"
)

func main() {
	args := os.Args[1:]
	if out, ok := cached(args, os.Getenv, time.Now()); ok {
		if _, err := os.Stdout.Write(out); err != nil {
			fmt.Fprintf(os.Stderr, "ssohelper-token: writing the token: %v\n", err)
			os.Exit(1)
		}
		return
	}
	full, err := fullProgram()
	if err != nil {
		fmt.Fprintf(os.Stderr, "ssohelper-token: %v\n", err)
		os.Exit(1)
	}
	os.Exit(handOff(full, args))
}
