package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"
)

// TestTallyKeepsInputsWhole: inputs that print several lines each, from
// many goroutines at once, come out one after another, never interleaved;
// the worst exit code and the counts are kept, and the summary says so.
func TestTallyKeepsInputsWhole(t *testing.T) {
	var out, errOut bytes.Buffer
	base := &Env{Out: &out, ErrOut: &errOut, Getenv: func(string) string { return "" }}
	var tl tally
	var wg sync.WaitGroup
	const inputs, lines = 30, 6
	for i := range inputs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			env, done := tl.buffered(base)
			for l := range lines {
				fmt.Fprintf(env.Out, "input %d line %d\n", i, l)
				fmt.Fprintf(env.ErrOut, "input %d note %d\n", i, l)
				time.Sleep(100 * time.Microsecond)
			}
			code := ExitOK
			switch i {
			case 7:
				code = ExitError
			case 11:
				code = ExitFailed
			}
			done(code)
		}()
	}
	wg.Wait()
	for _, s := range []string{out.String(), errOut.String()} {
		ls := strings.Split(strings.TrimSuffix(s, "\n"), "\n")
		if len(ls) != inputs*lines {
			t.Fatalf("%d lines, want %d", len(ls), inputs*lines)
		}
		for k := 0; k < len(ls); k += lines {
			first := strings.Fields(ls[k])[1]
			for _, l := range ls[k : k+lines] {
				if strings.Fields(l)[1] != first {
					t.Fatalf("lines of two inputs interleave:\n%s", strings.Join(ls[k:k+lines], "\n"))
				}
			}
		}
	}
	out.Reset()
	err := tl.finish(context.Background(), base, true, "files", inputs)
	var ee *exitError
	if !errors.As(err, &ee) || ee.code != ExitFailed {
		t.Errorf("finish = %v, want exit %d (the worst)", err, ExitFailed)
	}
	var sum struct {
		Summary map[string]int `json:"summary"`
	}
	if err := json.Unmarshal(out.Bytes(), &sum); err != nil {
		t.Fatalf("summary %q: %v", out.String(), err)
	}
	want := map[string]int{"files": inputs, "ok": inputs - 2, "failed": 2, "exit_code": ExitFailed}
	for k, v := range want {
		if sum.Summary[k] != v {
			t.Errorf("summary %s = %d, want %d", k, sum.Summary[k], v)
		}
	}
}
