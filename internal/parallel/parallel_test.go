package parallel

import (
	"context"
	"sync/atomic"
	"testing"
	"time"
)

// TestFor: jobs bounds the calls in flight and is reached; every
// input is handed out exactly once; nothing starts after a cancel.
func TestFor(t *testing.T) {
	for _, jobs := range []int{1, 2, 5} {
		var inFlight, most atomic.Int32
		seen := make([]atomic.Int32, 40)
		For(context.Background(), len(seen), jobs, func(i int) {
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
	For(ctx, 100, 2, func(i int) {
		if started.Add(1) == 3 {
			cancel()
		}
	})
	if n := started.Load(); n > 5 {
		t.Errorf("%d inputs started after the cancel at the third", n)
	}
}
