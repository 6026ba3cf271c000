// Command evipack turns a folder of consumer-dispute evidence into a
// verifiable BagIt bundle with a complaint-ready Chinese PDF.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"

	"github.com/evipack/evipack/pkg/cli"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := cli.Main(ctx, os.Args[1:], cli.System())
	stop()
	os.Exit(code)
}
