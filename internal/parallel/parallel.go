// Package parallel runs indexed work on a bounded number of goroutines.
package parallel

import (
	"context"
	"runtime"
	"sync"
)

// For calls fn(i) for every i in [0, n), jobs calls at a time (0 or less:
// one per CPU), and returns when every call it started has returned. It
// starts no call once ctx is done, so a caller that cancels ctx (or whose
// ctx is cancelled) must not assume every i was handed out; a call that
// has started decides for itself how to stop.
func For(ctx context.Context, n, jobs int, fn func(i int)) {
	if jobs <= 0 {
		jobs = runtime.GOMAXPROCS(0)
	}
	next := make(chan int)
	var wg sync.WaitGroup
	for range max(1, min(jobs, n)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				fn(i)
			}
		}()
	}
feed:
	for i := range n {
		select {
		case next <- i:
		case <-ctx.Done():
			break feed
		}
	}
	close(next)
	wg.Wait()
}
