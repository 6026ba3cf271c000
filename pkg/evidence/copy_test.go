package evidence

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"testing"
)

// memSink is an Options.Copy that keeps the copies in memory and can be
// told to fail.
type memSink struct {
	mu     sync.Mutex
	copies map[string]*memCopy

	failOpen  string // path whose Copy call fails
	failWrite string // path whose writes fail after 5000 bytes
	failClose string // path whose Close fails
}

type memCopy struct {
	s      *memSink
	path   string
	buf    bytes.Buffer
	closed int
}

var errSinkFull = errors.New("sink full")

func (s *memSink) copy(p string) (io.WriteCloser, error) {
	if p == s.failOpen {
		return nil, errSinkFull
	}
	c := &memCopy{s: s, path: p}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.copies == nil {
		s.copies = map[string]*memCopy{}
	}
	if s.copies[p] != nil {
		return nil, errors.New("copied twice: " + p)
	}
	s.copies[p] = c
	return c, nil
}

func (c *memCopy) Write(b []byte) (int, error) {
	if c.closed > 0 {
		return 0, errors.New("write after close")
	}
	if c.path == c.s.failWrite && c.buf.Len()+len(b) > 5000 {
		k := max(0, 5000-c.buf.Len())
		c.buf.Write(b[:k])
		return k, errSinkFull
	}
	return c.buf.Write(b)
}

func (c *memCopy) Close() error {
	c.closed++
	if c.path == c.s.failClose {
		return errSinkFull
	}
	return nil
}

func copyCase(t *testing.T) string {
	dir := t.TempDir()
	writeFile(t, dir, "case.yaml", []byte("version: 1\n"))
	writeFile(t, dir, "b/Screenshot_2026-09-03-20-16-02-918_com.tencent.mm.png", smallPNG(t, 20, 40))
	writeFile(t, dir, "a/聊天.txt", []byte("你好\n"))
	writeFile(t, dir, "a/empty.bin", nil)
	writeFile(t, dir, "a/head.bin", bytes.Repeat([]byte{7}, headSize))
	big := make([]byte, 3<<20+17)
	for i := range big {
		big[i] = byte(i * 31)
	}
	writeFile(t, dir, "c/big.bin", big)
	writeFile(t, dir, ".hidden", []byte("x"))
	writeFile(t, dir, "Thumbs.db", []byte("x"))
	if err := os.Symlink("/etc/passwd", filepath.Join(dir, "passwd")); err != nil {
		t.Fatal(err)
	}
	return dir
}

// TestCollectCopy: with Copy set, each evidence file is copied, byte for
// byte, once, in the pass that hashes it, and closed; nothing else is copied;
// and the result is the same as without Copy.
func TestCollectCopy(t *testing.T) {
	dir := copyCase(t)
	plain, err := Collect(context.Background(), dir, Options{Jobs: 3})
	if err != nil {
		t.Fatal(err)
	}
	sink := &memSink{}
	res, err := Collect(context.Background(), dir, Options{Jobs: 3, Copy: sink.copy})
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(plain, res) {
		t.Errorf("Collect with Copy differs from Collect without:\n%+v\n%+v", plain, res)
	}
	if len(sink.copies) != len(res.Items) || len(res.Items) != 5 {
		t.Errorf("%d copies of %d items, want 5", len(sink.copies), len(res.Items))
	}
	for _, it := range res.Items {
		c := sink.copies[it.Path]
		if c == nil {
			t.Errorf("%s: not copied", it.Path)
			continue
		}
		want, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(it.Path)))
		if err != nil {
			t.Fatal(err)
		}
		sum := sha256.Sum256(c.buf.Bytes())
		if !bytes.Equal(c.buf.Bytes(), want) || hex.EncodeToString(sum[:]) != it.SHA256 || c.closed != 1 {
			t.Errorf("%s: copy of %d bytes (file %d), hash %x (item %s), closed %d times",
				it.Path, c.buf.Len(), len(want), sum, it.SHA256, c.closed)
		}
	}

	f := filepath.Join(dir, "c", "big.bin")
	sink = &memSink{}
	it, err := InspectFile(context.Background(), f, Options{Copy: sink.copy})
	if err != nil {
		t.Fatal(err)
	}
	if c := sink.copies["big.bin"]; c == nil || int64(c.buf.Len()) != it.Size || c.closed != 1 {
		t.Errorf("InspectFile copy: %+v", sink.copies)
	}
}

// TestCollectCopyFails: a copy that cannot be made fails Collect, naming
// the file, and every copy that was started is closed.
func TestCollectCopyFails(t *testing.T) {
	dir := copyCase(t)
	for _, sink := range []*memSink{
		{failOpen: "a/聊天.txt"},
		{failWrite: "c/big.bin"},
		{failClose: "a/empty.bin"},
	} {
		bad := sink.failOpen + sink.failWrite + sink.failClose
		t.Run(bad, func(t *testing.T) {
			res, err := Collect(context.Background(), dir, Options{Jobs: 2, Copy: sink.copy})
			if err == nil || !errors.Is(err, errSinkFull) || !strings.Contains(err.Error(), bad) {
				t.Fatalf("Collect = %v, %v; want an error naming %s", res, err, bad)
			}
			for p, c := range sink.copies {
				if c.closed != 1 {
					t.Errorf("%s: closed %d times", p, c.closed)
				}
			}
		})
	}
}

// sumSink is a copy writer that hashes itself; it reports a hash of its
// own making so the test can tell whose hash Collect recorded.
type sumSink struct {
	buf    bytes.Buffer
	closed bool
}

func (s *sumSink) Write(b []byte) (int, error) { return s.buf.Write(b) }
func (s *sumSink) Close() error                { s.closed = true; return nil }
func (s *sumSink) Sum() string {
	sum := sha256.Sum256(append([]byte("sink:"), s.buf.Bytes()...))
	return hex.EncodeToString(sum[:])
}

// TestCollectCopyHashingSink: a copy writer with its own Sum is trusted for
// the file's SHA-256 (the bytes are hashed once), and it still receives
// every byte.
func TestCollectCopyHashingSink(t *testing.T) {
	dir := t.TempDir()
	data := bytes.Repeat([]byte("证据内容 0123456789\n"), 40000) // larger than the head and one buffer
	if err := os.WriteFile(filepath.Join(dir, "a.txt"), data, 0o644); err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	sinks := map[string]*sumSink{}
	res, err := Collect(context.Background(), dir, Options{Copy: func(p string) (io.WriteCloser, error) {
		mu.Lock()
		defer mu.Unlock()
		sinks[p] = &sumSink{}
		return sinks[p], nil
	}})
	if err != nil {
		t.Fatal(err)
	}
	s := sinks["a.txt"]
	if s == nil || !s.closed || !bytes.Equal(s.buf.Bytes(), data) {
		t.Fatal("the sink did not receive the whole file and a Close")
	}
	if len(res.Items) != 1 || res.Items[0].SHA256 != s.Sum() {
		t.Fatalf("SHA256 %q, want the sink's %q", res.Items[0].SHA256, s.Sum())
	}
}
