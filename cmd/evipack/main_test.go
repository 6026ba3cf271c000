package main

import (
	"context"
	"io/fs"
	"os"
	"path/filepath"
	"testing"

	"github.com/rogpeppe/go-internal/testscript"

	"github.com/evipack/evipack/pkg/cli"
)

// TestMain makes "evipack" a command inside the scripts, run through the
// same cli.Main as the real binary.
func TestMain(m *testing.M) {
	testscript.Main(m, map[string]func(){
		"evipack": func() { os.Exit(cli.Main(context.Background(), os.Args[1:], cli.System())) },
	})
}

// TestScript runs the end-to-end scripts in testdata/script. Each script
// starts with the sample case copied to $WORK/sample and SOURCE_DATE_EPOCH
// fixed.
func TestScript(t *testing.T) {
	testscript.Run(t, testscript.Params{
		Dir:                 filepath.Join("..", "..", "testdata", "script"),
		RequireExplicitExec: true,
		Setup: func(env *testscript.Env) error {
			env.Setenv("SOURCE_DATE_EPOCH", "1790000000")
			return copyDir(filepath.Join("..", "..", "testdata", "cases", "sample"), filepath.Join(env.WorkDir, "sample"))
		},
	})
}

func copyDir(src, dst string) error {
	return filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(src, p)
		if err != nil {
			return err
		}
		target := filepath.Join(dst, rel)
		if d.IsDir() {
			return os.MkdirAll(target, 0o755)
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(target, b, 0o644)
	})
}
