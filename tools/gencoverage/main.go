// Command gencoverage writes the glyph coverage table of a TrueType font
// (which runes of the Basic Multilingual Plane it can draw), the table
// evipack embeds beside its font instead of computing it on every build.
//
//	go run ./tools/gencoverage -font templates/fonts/X.ttf -o templates/fonts/X.coverage
package main

import (
	"flag"
	"fmt"
	"os"

	"github.com/evipack/evipack/pkg/render"
)

func main() {
	font := flag.String("font", "", "TrueType font to read")
	out := flag.String("o", "", "coverage file to write")
	flag.Parse()
	if *font == "" || *out == "" {
		fmt.Fprintln(os.Stderr, "usage: gencoverage -font FONT.ttf -o FONT.coverage")
		os.Exit(2)
	}
	if err := run(*font, *out); err != nil {
		fmt.Fprintln(os.Stderr, "gencoverage:", err)
		os.Exit(1)
	}
}

func run(font, out string) error {
	ttf, err := os.ReadFile(font)
	if err != nil {
		return err
	}
	cov, err := render.NewCoverage(ttf)
	if err != nil {
		return fmt.Errorf("%s: %w", font, err)
	}
	b, err := cov.MarshalBinary()
	if err != nil {
		return err
	}
	return os.WriteFile(out, b, 0o644)
}
