//go:build !linux

package bundle

import "os"

// startWriteback does nothing where there is no portable way to start
// write-back early; Commit's fsync does all the work.
func startWriteback(*os.File) {}
