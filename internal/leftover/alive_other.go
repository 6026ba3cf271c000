//go:build !unix && !windows

package leftover

// alive cannot tell here: every process counts as running, so nothing is
// swept.
func alive(int) bool { return true }
