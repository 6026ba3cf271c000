// Command genbench writes a synthetic consumer-dispute case folder for the
// benchmarks run by `make bench` (bench/run.sh).
//
//	go run ./tools/genbench -o DIR -kind typical|large [-scale N]
//
// The folder has the mix of a real phone case: screenshots (PNG 1080×2400,
// some with an alpha channel, a few Adam7-interlaced), long screenshots
// (1080×8000), camera photos (JPEG 4000×3000 with EXIF), a QQ chat export,
// WeChat Pay bills (CSV, pre-2025 layout), order PDFs, screen recordings
// (MP4 with a large mdat) and a case.yaml. Output is deterministic: every
// file is derived from a fixed seed and its index, never from the clock, so
// two runs produce byte-identical folders whatever the number of CPUs.
//
// "typical" is about 30 files and 40 MB, "large" about 400 files and 1 GB;
// -scale N multiplies every file count (and so the bytes) by N.
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"runtime"
	"time"
)

func main() {
	if err := run(os.Args[1:], os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "genbench:", err)
		os.Exit(1)
	}
}

// run parses the command line and generates the case folder.
func run(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("genbench", flag.ContinueOnError)
	fs.SetOutput(stderr)
	out := fs.String("o", "", "output folder (created; must not exist or be empty)")
	kind := fs.String("kind", "typical", "case size: typical or large")
	scale := fs.Int("scale", 1, "multiply every file count by N (1-64)")
	jobs := fs.Int("jobs", runtime.GOMAXPROCS(0), "files generated in parallel (does not change the output)")
	quiet := fs.Bool("q", false, "do not print the summary line")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() != 0 {
		return fmt.Errorf("unexpected argument %q", fs.Arg(0))
	}
	if *out == "" {
		return errors.New("missing -o DIR")
	}
	sp, err := specFor(*kind, *scale)
	if err != nil {
		return err
	}
	start := time.Now() // only for the summary line, never for content
	st, err := generate(*out, sp, max(*jobs, 1))
	if err != nil {
		return err
	}
	if !*quiet {
		fmt.Fprintf(stdout, "genbench: %s ×%d → %s: %d files, %.1f MB (%d images, %.1f MB) in %.1fs\n",
			*kind, *scale, *out, st.Files, float64(st.Bytes)/1e6, st.Images, float64(st.ImageBytes)/1e6,
			time.Since(start).Seconds())
	}
	return nil
}
