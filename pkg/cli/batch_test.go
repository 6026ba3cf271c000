package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// TestParallel: jobs bounds the calls in flight and is reached; every
// input is handed out exactly once; nothing starts after a cancel.
func TestParallel(t *testing.T) {
	for _, jobs := range []int{1, 2, 5} {
		var inFlight, most atomic.Int32
		seen := make([]atomic.Int32, 40)
		parallel(context.Background(), len(seen), jobs, func(i int) {
			n := inFlight.Add(1)
			for {
				m := most.Load()
				if n <= m || most.CompareAndSwap(m, n) {
					break
				}
			}
			time.Sleep(2 * time.Millisecond) // long enough for the others to start
			seen[i].Add(1)
			inFlight.Add(-1)
		})
		if got := most.Load(); got != int32(jobs) {
			t.Errorf("--jobs %d: %d calls at once at most", jobs, got)
		}
		for i := range seen {
			if n := seen[i].Load(); n != 1 {
				t.Errorf("--jobs %d: input %d handled %d times", jobs, i, n)
			}
		}
	}

	ctx, cancel := context.WithCancel(context.Background())
	var started atomic.Int32
	parallel(ctx, 100, 2, func(i int) {
		if started.Add(1) == 3 {
			cancel()
		}
	})
	if n := started.Load(); n > 5 {
		t.Errorf("%d inputs started after the cancel at the third", n)
	}
}

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
