//go:build windows

package leftover

import (
	"errors"

	"golang.org/x/sys/windows"
)

// alive reports whether process pid runs. A process that cannot be
// opened for another reason than not existing (another user's) counts as
// running.
func alive(pid int) bool {
	h, err := windows.OpenProcess(windows.PROCESS_QUERY_LIMITED_INFORMATION, false, uint32(pid))
	if err != nil {
		return !errors.Is(err, windows.ERROR_INVALID_PARAMETER)
	}
	defer windows.CloseHandle(h)
	var code uint32
	if err := windows.GetExitCodeProcess(h, &code); err != nil {
		return true
	}
	const stillActive = 259
	return code == stillActive
}
