package bundle

import (
	"context"
	"crypto/md5"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/hex"
	"fmt"
	"hash"
	"io"
	"io/fs"
)

// algorithm is a checksum algorithm a manifest may name.
type algorithm struct {
	name string
	size int // digest size in bytes
	new  func() hash.Hash
	weak bool // md5 and sha1: accepted, but not collision resistant
}

// lookupAlgorithm returns the algorithm for a manifest name such as
// "sha256" (manifest-sha256.txt).
func lookupAlgorithm(name string) (algorithm, bool) {
	switch name {
	case "md5":
		return algorithm{name, md5.Size, md5.New, true}, true
	case "sha1":
		return algorithm{name, sha1.Size, sha1.New, true}, true
	case "sha224":
		return algorithm{name, sha256.Size224, sha256.New224, false}, true
	case "sha256":
		return algorithm{name, sha256.Size, sha256.New, false}, true
	case "sha384":
		return algorithm{name, sha512.Size384, sha512.New384, false}, true
	case "sha512":
		return algorithm{name, sha512.Size, sha512.New, false}, true
	}
	return algorithm{}, false
}

// copyBufSize is the buffer used when streaming files through hashes.
const copyBufSize = 256 << 10

// hashFile streams name from fsys through every algorithm in algs and
// returns the lower-case hex digests by algorithm name. It checks ctx
// between reads so that a huge file can be cancelled.
func hashFile(ctx context.Context, fsys fs.FS, name string, algs []algorithm) (map[string]string, int64, error) {
	f, err := fsys.Open(name)
	if err != nil {
		return nil, 0, err
	}
	defer f.Close()
	hs := make([]hash.Hash, len(algs))
	ws := make([]io.Writer, len(algs))
	for i, a := range algs {
		hs[i] = a.new()
		ws[i] = hs[i]
	}
	n, err := io.CopyBuffer(io.MultiWriter(ws...), ctxReader{ctx, f}, make([]byte, copyBufSize))
	if err != nil {
		return nil, n, fmt.Errorf("read %s: %w", name, err)
	}
	out := make(map[string]string, len(algs))
	for i, a := range algs {
		out[a.name] = hex.EncodeToString(hs[i].Sum(nil))
	}
	return out, n, nil
}

// ctxReader fails reads once ctx is done.
type ctxReader struct {
	ctx context.Context
	r   io.Reader
}

func (c ctxReader) Read(p []byte) (int, error) {
	if err := c.ctx.Err(); err != nil {
		return 0, err
	}
	return c.r.Read(p)
}
