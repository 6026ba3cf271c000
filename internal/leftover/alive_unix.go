//go:build unix

package leftover

import (
	"errors"
	"syscall"
)

// alive reports whether process pid runs (signal 0 probes without
// sending); a process of another user counts as running.
func alive(pid int) bool {
	err := syscall.Kill(pid, 0)
	return err == nil || errors.Is(err, syscall.EPERM)
}
