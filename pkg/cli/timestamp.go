package cli

import "github.com/evipack/evipack/pkg/bundle"

// TimestampResult is what verify reports about an attached RFC 3161 token.
type TimestampResult struct {
	Present bool   `json:"present"`
	OK      bool   `json:"ok"`
	Error   string `json:"error,omitempty"`
}

// verifyTimestamp checks the RFC 3161 token attached to the bag in dir, if
// any, against the bag's root hash.
func verifyTimestamp(env *Env, dir string, caFile string, rep *bundle.Report) *TimestampResult {
	return &TimestampResult{}
}
