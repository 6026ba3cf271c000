package main

import (
	"bytes"
	"encoding/binary"
	"hash/crc32"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestGenerateDeterministic generates the case twice and requires
// byte-identical files that pass the self-check.
func TestGenerateDeterministic(t *testing.T) {
	if testing.Short() {
		t.Skip("renders about 2 MB of images")
	}
	a, b := t.TempDir(), t.TempDir()
	fa, err := generate(a)
	if err != nil {
		t.Fatal(err)
	}
	if err := selfCheck(a, fa); err != nil {
		t.Fatalf("self-check: %v", err)
	}
	if _, err := generate(b); err != nil {
		t.Fatal(err)
	}
	for _, f := range fa {
		x, err := os.ReadFile(filepath.Join(a, filepath.FromSlash(f.path)))
		if err != nil {
			t.Fatal(err)
		}
		y, err := os.ReadFile(filepath.Join(b, filepath.FromSlash(f.path)))
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(x, y) {
			t.Errorf("%s differs between two runs", f.path)
		}
		fi, err := os.Stat(filepath.Join(a, filepath.FromSlash(f.path)))
		if err != nil {
			t.Fatal(err)
		}
		if !fi.ModTime().Equal(f.mtime) {
			t.Errorf("%s: mtime %v, want %v", f.path, fi.ModTime(), f.mtime)
		}
	}
}

// TestSelfCheckDetectsDamage makes sure the self-check is not a no-op.
func TestSelfCheckDetectsDamage(t *testing.T) {
	if testing.Short() {
		t.Skip("renders about 2 MB of images")
	}
	tests := []struct {
		name   string
		path   string
		mutate func([]byte) []byte
		want   string // part of the expected error
	}{
		{"exif orientation", pathPhoto, func(b []byte) []byte {
			// Orientation is the fifth IFD0 entry: SOI (2) + APP1 marker
			// and length (4) + "Exif\0\0" (6) + TIFF header (8) + entry
			// count (2) + 4 entries × 12; the value sits 8 bytes in.
			i := 2 + 4 + 6 + 8 + 2 + 4*12 + 8
			b[i] = 1
			return b
		}, "Orientation = 1"},
		{"chat export header", pathChatTXT, func(b []byte) []byte { return b[3:] }, "missing QQ export header"},
		{"case yaml file list", pathCase, func(b []byte) []byte {
			return bytes.Replace(b, []byte("kind: payment"), []byte("kind: bogus"), 1)
		}, "incomplete entry"},
		{"png alpha", pathPayment, func(b []byte) []byte {
			// Colour type 6 (RGBA) in IHDR, with a matching CRC.
			b[25] = 6
			binary.BigEndian.PutUint32(b[29:33], crc32.ChecksumIEEE(b[12:29]))
			return b
		}, "not an RGB PNG"},
	}
	dir := t.TempDir()
	files, err := generate(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := filepath.Join(dir, filepath.FromSlash(tt.path))
			orig, err := os.ReadFile(p)
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { os.WriteFile(p, orig, 0o644) })
			if err := os.WriteFile(p, tt.mutate(bytes.Clone(orig)), 0o644); err != nil {
				t.Fatal(err)
			}
			sizes := make([]*output, len(files))
			for i, f := range files {
				g := *f
				if f.path == tt.path {
					g.size = len(tt.mutate(bytes.Clone(orig)))
				}
				sizes[i] = &g
			}
			err = selfCheck(dir, sizes)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("self-check on a damaged %s: error %v, want one containing %q", tt.path, err, tt.want)
			}
		})
	}
}
