package bundle

import (
	"bytes"
	"errors"
	"reflect"
	"strings"
	"testing"
)

// FuzzParseManifest asserts that the manifest parser never panics, reports
// malformed input only as *ManifestError, yields only local, unique paths, and
// that its output formats and re-parses to the same entries.
func FuzzParseManifest(f *testing.F) {
	h := strings.Repeat("a", 64)
	f.Add([]byte(h+"  data/evidence/E01/a.png\n"+h+"  data/report/r.pdf\n"), "sha256")
	f.Add([]byte(h+" data/x\r\n"+h+"\t./data/y\r"), "sha256")
	f.Add([]byte(h+"  data/100%25%0A%0Dx\n"), "sha256")
	f.Add([]byte(h+"  data/README\n"+h+"  data/README\n"), "sha256")
	f.Add([]byte(h+"  ../../../README.md\n"+h+"  /tmp/foo\n"+h+`  C:\Windows`), "sha256")
	f.Add([]byte("751e32179ec8acd71081654527f2e771  data/bare-filename\n"), "md5")
	f.Add([]byte("\uFEFF751e32179ec8acd71081654527f2e771 *data/x\n\n  \n"), "")
	f.Add([]byte("zz  data/x\nnospace\n"), "sha512")
	f.Fuzz(func(t *testing.T, in []byte, alg string) {
		entries, err := ParseManifest(bytes.NewReader(in), "manifest-x.txt", alg)
		if err != nil {
			var me *ManifestError
			if !errors.As(err, &me) {
				t.Fatalf("error %T %v is not *ManifestError", err, err)
			}
		}
		seen := map[string]bool{}
		for _, e := range entries {
			if checkBagPath(e.Path) != nil {
				t.Fatalf("entry with bad path %q", e.Path)
			}
			if seen[e.Path] {
				t.Fatalf("duplicate path %q", e.Path)
			}
			seen[e.Path] = true
			if !isHex(e.Sum) {
				t.Fatalf("non-hex sum %q", e.Sum)
			}
		}
		out := FormatManifest(entries)
		again, err := ParseManifest(bytes.NewReader(out), "manifest-x.txt", alg)
		if err != nil {
			t.Fatalf("re-parse of formatted manifest: %v\n%q", err, out)
		}
		if !samePathsAndSums(entries, again) {
			t.Fatalf("round trip changed entries:\n%+v\n%+v", entries, again)
		}
		if !bytes.Equal(FormatManifest(again), out) {
			t.Fatalf("format not stable")
		}
	})
}

func samePathsAndSums(a, b []ManifestEntry) bool {
	m := map[string]string{}
	for _, e := range a {
		m[e.Path] = e.Sum
	}
	if len(a) != len(b) {
		return false
	}
	for _, e := range b {
		if s, ok := m[e.Path]; !ok || s != e.Sum {
			return false
		}
	}
	return true
}

// FuzzParseBagInfo asserts that bag-info parsing never panics, reports only
// *ManifestError, and that parsed fields format and re-parse unchanged.
func FuzzParseBagInfo(f *testing.F) {
	f.Add([]byte("Bag-Software-Agent: evipack 0.1.0\nBagging-Date: 2025-03-14\nPayload-Oxum: 10.2\n"))
	f.Add([]byte("Test-Tag: 1\nTest-Tag:   2\nTest-Tag : 3\nTest-Tag    :   5\n"))
	f.Add([]byte("External-Description: Uncompressed greyscale TIFF images from the\r\n         Yoshimuri papers collection.\r\n"))
	f.Add([]byte("\uFEFFSource-Organization: 个人\r"))
	f.Add([]byte("  leading continuation\nno colon here\n: empty label\n"))
	f.Add([]byte("A:\nB:\t\t\n  x\n\n"))
	f.Fuzz(func(t *testing.T, in []byte) {
		fields, err := ParseBagInfo(bytes.NewReader(in))
		if err != nil {
			var me *ManifestError
			if !errors.As(err, &me) {
				t.Fatalf("error %T %v is not *ManifestError", err, err)
			}
		}
		out, err := FormatBagInfo(fields)
		if err != nil {
			t.Fatalf("parsed fields do not format: %v\n%+v", err, fields)
		}
		again, err := ParseBagInfo(bytes.NewReader(out))
		if err != nil {
			t.Fatalf("re-parse: %v\n%q", err, out)
		}
		if len(fields) == 0 && len(again) == 0 {
			return
		}
		if !reflect.DeepEqual(fields, again) {
			t.Fatalf("round trip changed fields:\n%+v\n%+v", fields, again)
		}
	})
}
