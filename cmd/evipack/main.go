// Command evipack turns a folder of consumer-dispute evidence into a
// verifiable BagIt bundle with a complaint-ready Chinese PDF.
package main

import (
	"context"
	"os"
	"os/signal"
	"runtime/debug"
	"syscall"

	"github.com/evipack/evipack/pkg/cli"
)

// softMemoryLimit keeps the garbage collector working before the heap
// grows past what a laptop (or many parallel jobs) can spare; the PDF
// library builds each volume in memory. A GOMEMLIMIT in the environment
// wins. It is a soft limit: a case that needs more still runs.
const softMemoryLimit = 192 << 20

func main() {
	if os.Getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(softMemoryLimit)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := cli.Main(ctx, os.Args[1:], cli.System())
	stop()
	os.Exit(code)
}
