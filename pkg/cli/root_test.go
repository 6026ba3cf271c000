package cli

import (
	"github.com/evipack/evipack/pkg/pack"
	"io"
	"reflect"
	"strings"
	"testing"

	"github.com/spf13/cobra"
)

// parse runs one command on args with a runF hook and returns the error.
func parse(t *testing.T, cmd *cobra.Command, args []string) error {
	t.Helper()
	cmd.SetArgs(args)
	cmd.SetOut(io.Discard)
	cmd.SetErr(io.Discard)
	return cmd.Execute()
}

func TestNewCmdBuild(t *testing.T) {
	tests := []struct {
		name string
		args []string
		want BuildOptions
	}{
		{"one case, defaults", []string{"case"}, BuildOptions{Cases: []string{"case"}, OutDir: "evipack-out", MaxPDF: pack.DefaultMaxPDFSize}},
		{"short out and json", []string{"a", "b", "-o", "out", "--json"}, BuildOptions{Cases: []string{"a", "b"}, OutDir: "out", JSON: true, MaxPDF: pack.DefaultMaxPDFSize}},
		{"long out with equals and jobs", []string{"--out=o/p", "a", "--jobs", "3"}, BuildOptions{Cases: []string{"a"}, OutDir: "o/p", Jobs: 3, MaxPDF: pack.DefaultMaxPDFSize}},
		{"dash-dash ends flags", []string{"a", "--", "-odd"}, BuildOptions{Cases: []string{"a", "-odd"}, OutDir: "evipack-out", MaxPDF: pack.DefaultMaxPDFSize}},
		{"chinese path", []string{"案件 一"}, BuildOptions{Cases: []string{"案件 一"}, OutDir: "evipack-out", MaxPDF: pack.DefaultMaxPDFSize}},
		{"batch flags", []string{"a", "--jobs", "2", "--quiet", "--zip", "--strict", "--redact", "--target", "payment", "--max-pdf-size", "0"},
			BuildOptions{Cases: []string{"a"}, OutDir: "evipack-out", Jobs: 2, Quiet: true, Zip: true, Strict: true, Redact: true, Target: "payment", MaxPDF: 0}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			env, _, _ := testEnv(nil)
			var got *BuildOptions
			cmd := NewCmdBuild(env, func(o *BuildOptions) error { got = o; return nil })
			if err := parse(t, cmd, tt.args); err != nil {
				t.Fatalf("parse %q: %v", tt.args, err)
			}
			if got == nil {
				t.Fatal("runF was not called")
			}
			if got.Env != env {
				t.Error("options do not carry the Env")
			}
			got.Env = nil
			if !reflect.DeepEqual(*got, tt.want) {
				t.Errorf("parse %q:\n got %+v\nwant %+v", tt.args, *got, tt.want)
			}
		})
	}
}

func TestNewCmdVerify(t *testing.T) {
	tests := []struct {
		name string
		args []string
		want VerifyOptions
	}{
		{"one bundle", []string{"b"}, VerifyOptions{Bundles: []string{"b"}}},
		{"two bundles json", []string{"b1", "--json", "b2"}, VerifyOptions{Bundles: []string{"b1", "b2"}, JSON: true}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			env, _, _ := testEnv(nil)
			var got *VerifyOptions
			cmd := NewCmdVerify(env, func(o *VerifyOptions) error { got = o; return nil })
			if err := parse(t, cmd, tt.args); err != nil {
				t.Fatalf("parse %q: %v", tt.args, err)
			}
			if got == nil {
				t.Fatal("runF was not called")
			}
			got.Env = nil
			if !reflect.DeepEqual(*got, tt.want) {
				t.Errorf("parse %q:\n got %+v\nwant %+v", tt.args, *got, tt.want)
			}
		})
	}
}

func TestNewCmdInit(t *testing.T) {
	env, _, _ := testEnv(nil)
	var got *InitOptions
	cmd := NewCmdInit(env, func(o *InitOptions) error { got = o; return nil })
	if err := parse(t, cmd, []string{"my case"}); err != nil {
		t.Fatal(err)
	}
	if got == nil || got.Dir != "my case" || got.JSON {
		t.Fatalf("got %+v, want Dir %q", got, "my case")
	}
}

// TestUsageErrors runs the real commands: every usage mistake exits 2 with a
// message on stderr and nothing on stdout, before any work is done.
func TestUsageErrors(t *testing.T) {
	tests := []struct {
		name    string
		args    []string
		vars    map[string]string
		wantErr string // a piece of the stderr message
	}{
		{"build without case", []string{"build"}, nil, "at least 1"},
		{"build unknown flag", []string{"build", "x", "--bogus"}, nil, "bogus"},
		{"build jobs not a number", []string{"build", "x", "--jobs", "many"}, nil, "jobs"},
		{"build out without value", []string{"build", "x", "-o"}, nil, "needs an argument"},
		{"build bad SOURCE_DATE_EPOCH", []string{"build", "x"}, map[string]string{"SOURCE_DATE_EPOCH": "yesterday"}, "SOURCE_DATE_EPOCH"},
		{"build negative SOURCE_DATE_EPOCH", []string{"build", "x"}, map[string]string{"SOURCE_DATE_EPOCH": "-5"}, "SOURCE_DATE_EPOCH"},
		{"verify without bundle", []string{"verify"}, nil, "at least 1"},
		{"verify unknown flag", []string{"verify", "b", "--fast"}, nil, "fast"},
		{"init without folder", []string{"init"}, nil, "exactly 1"},
		{"init two folders", []string{"init", "a", "b"}, nil, "exactly 1"},
		{"version with argument", []string{"version", "x"}, nil, "exactly 0"},
		{"unknown command", []string{"frobnicate"}, nil, "frobnicate"},
		{"unknown root flag", []string{"--colour"}, nil, "colour"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			t.Chdir(dir) // a build that wrongly runs must not litter the package
			r := runCtx(t, t.Context(), tt.vars, tt.args...)
			if r.code != ExitUsage {
				t.Fatalf("exit %d, want %d\nstderr:\n%s", r.code, ExitUsage, r.errOut)
			}
			if !strings.Contains(r.errOut, tt.wantErr) {
				t.Errorf("stderr does not mention %q:\n%s", tt.wantErr, r.errOut)
			}
			if r.out != "" {
				t.Errorf("stdout should be empty on a usage error, got %q", r.out)
			}
			if entries, _ := readDirNames(dir); len(entries) != 0 {
				t.Errorf("a usage error wrote %v", entries)
			}
		})
	}
}

func TestVersionAndHelp(t *testing.T) {
	r := run(t, "version")
	if r.code != ExitOK || r.out != "evipack "+Version+"\n" {
		t.Errorf("version: exit %d, stdout %q", r.code, r.out)
	}
	for _, cmd := range []string{"build", "verify", "init"} {
		r := run(t, cmd, "--help")
		if r.code != ExitOK {
			t.Errorf("%s --help: exit %d", cmd, r.code)
		}
		for _, want := range []string{"EXIT STATUS", "130"} {
			if !strings.Contains(r.out, want) {
				t.Errorf("%s --help does not document %q:\n%s", cmd, want, r.out)
			}
		}
	}
}

// TestChineseMessages checks that a Chinese locale switches the messages.
func TestChineseMessages(t *testing.T) {
	r := runCtx(t, t.Context(), map[string]string{"LANG": "zh_CN.UTF-8"}, "build")
	if r.code != ExitUsage || !strings.Contains(r.errOut, "提示") {
		t.Errorf("exit %d, stderr %q: want a Chinese hint", r.code, r.errOut)
	}
	r = runCtx(t, t.Context(), map[string]string{"LANG": "en_US.UTF-8"}, "build")
	if r.code != ExitUsage || !strings.Contains(r.errOut, "hint:") {
		t.Errorf("exit %d, stderr %q: want an English hint", r.code, r.errOut)
	}
}
