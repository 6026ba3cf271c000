package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"sync"
)

// tally gathers the outcomes of a batch (check, verify, inspect) as they
// arrive from parallel workers and keeps the worst exit code.
type tally struct {
	mu     sync.Mutex
	done   int
	failed int
	code   int
}

// buffered returns an Env that writes to buffers, for one input of a batch
// to print into while it runs beside others, and the function that
// records the input's exit code and copies what it printed to env's
// streams in one piece, so that lines of two inputs never interleave.
func (t *tally) buffered(env *Env) (*Env, func(code int)) {
	var out, errOut bytes.Buffer
	e := *env
	e.Out, e.ErrOut = &out, &errOut
	return &e, func(code int) {
		t.mu.Lock()
		defer t.mu.Unlock()
		t.done++
		if code != ExitOK {
			t.failed++
		}
		t.code = max(t.code, code)
		env.ErrOut.Write(errOut.Bytes())
		env.Out.Write(out.Bytes())
	}
}

// finish ends a batch of n inputs, the noun naming them in the summary: a
// ^C before every input finished is reported as the interruption; with
// --json and more than one input a summary line follows the per-input
// lines; the worst exit code becomes the command's.
func (t *tally) finish(ctx context.Context, env *Env, asJSON bool, noun string, n int) error {
	if err := ctx.Err(); err != nil && t.done < n {
		return err
	}
	if asJSON && n > 1 {
		b, _ := json.Marshal(map[string]any{"summary": map[string]int{
			noun: n, "ok": t.done - t.failed, "failed": t.failed, "exit_code": t.code}})
		fmt.Fprintln(env.Out, string(b))
	}
	if t.code != ExitOK {
		return &exitError{t.code, ""}
	}
	return nil
}
