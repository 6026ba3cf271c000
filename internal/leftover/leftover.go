// Package leftover names the temporary files and folders evipack makes
// beside its output after the process that makes them, and clears away
// those whose process is gone: a build killed outright (SIGKILL, a power
// cut, a CI time-out) cannot remove its staging folder, which may hold a
// copy of gigabytes of evidence.
//
// A temporary's name carries a tag, "<host>-<pid>-", right after its
// marker (".evipack-tmp-", ".evipack-old-" or ".evipack-img-"). Sweep only
// touches names with a tag of this host whose process no longer runs; a
// name without a tag, of another host (a shared network folder) or of a
// live process is left alone.
package leftover

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
)

// Markers of evipack's temporaries. Staging folders and zip files being
// written carry Tmp, bundles moved aside while being replaced carry Old,
// converted-image scratch folders carry Img.
const (
	Tmp = ".evipack-tmp-"
	Old = ".evipack-old-"
	Img = ".evipack-img-"
)

var host = sync.OnceValue(func() string {
	h, _ := os.Hostname()
	sum := sha256.Sum256([]byte(h))
	return hex.EncodeToString(sum[:4])
})

// Tag is the owner tag to put right after a marker, ending in "-" so the
// random part MkdirTemp or CreateTemp adds stays apart.
func Tag() string { return fmt.Sprintf("%s-%d-", host(), os.Getpid()) }

// owner parses the tag after the marker in name.
func owner(name string) (marker, hostTag string, pid int, ok bool) {
	if !strings.HasPrefix(name, ".") {
		return "", "", 0, false
	}
	at := -1
	for _, m := range []string{Tmp, Old, Img} {
		if i := strings.LastIndex(name, m); i > at {
			at, marker = i, m
		}
	}
	if at < 0 {
		return "", "", 0, false
	}
	rest := name[at+len(marker):]
	hostTag, rest, ok1 := strings.Cut(rest, "-")
	digits, _, ok2 := strings.Cut(rest, "-")
	pid, err := strconv.Atoi(digits)
	if !ok1 || !ok2 || err != nil || len(hostTag) != 8 || pid <= 0 {
		return "", "", 0, false
	}
	return marker, hostTag, pid, true
}

// Result says what Sweep did.
type Result struct {
	Removed  []string // temporaries removed
	Restored []string // bundles put back where an interrupted replacement had set them aside
}

// Sweep clears dir of the temporaries of this host's dead processes. A
// bundle set aside while being replaced (Old) goes back to its place if
// nothing took that place; otherwise it was replaced and is removed.
// Failures are not errors: what cannot be removed stays, as before.
func Sweep(dir string) Result {
	var res Result
	entries, err := os.ReadDir(dir)
	if err != nil {
		return res
	}
	for _, e := range entries {
		marker, h, pid, ok := owner(e.Name())
		if !ok || h != host() || pid == os.Getpid() || alive(pid) {
			continue
		}
		p := filepath.Join(dir, e.Name())
		if marker == Old && e.IsDir() {
			// .NAME.evipack-old-TAG…/NAME holds the old bundle.
			name := strings.TrimPrefix(e.Name()[:strings.LastIndex(e.Name(), Old)], ".")
			dest := filepath.Join(dir, name)
			if _, err := os.Lstat(dest); os.IsNotExist(err) && name != "" {
				if os.Rename(filepath.Join(p, name), dest) == nil {
					res.Restored = append(res.Restored, dest)
				}
			}
		}
		if os.RemoveAll(p) == nil {
			res.Removed = append(res.Removed, p)
		}
	}
	return res
}
