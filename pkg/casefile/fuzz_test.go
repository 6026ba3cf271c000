package casefile

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"
	"unicode/utf8"
)

// FuzzLoad checks that Load never panics, that every failure is an Errors
// of *Error with the file name set and lines inside the document, that a
// success has the version and vocabularies right, and that it stays fast.
func FuzzLoad(f *testing.F) {
	seeds, _ := filepath.Glob("testdata/*.yaml")
	for _, p := range seeds {
		if b, err := os.ReadFile(p); err == nil {
			f.Add(b)
		}
	}
	f.Add(Template(templateFiles(), time.Time{}))
	for _, s := range []string{
		"", "version: 1\n", "version: 1\n---\n", "version: 2\n", "- a\n", "a: &a [*a]\n",
		"version: 1\nfiles:\n  a.jpg: {kind: payment, title: x, proves: y}\n",
		"version: 1\norder: {amount: 12.345, paid_at: 2026-09-03 20:15}\n",
		"version: 1\nevents:\n  - {at: 2026-09-05, what: x, evidence: [a, ../b]}\n",
		"version: 1\n\tbad: tab\n", "version: 1\nproblem: \xff\n",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		start := time.Now()
		c, err := Load(bytes.NewReader(data), "case.yaml")
		if d := time.Since(start); d > 5*time.Second {
			t.Errorf("Load took %v on %d bytes", d, len(data))
		}
		// An upper bound on the lines YAML can count: every CR, LF, NEL,
		// LS and PS may end one; in UTF-16 any two bytes may.
		lines := bytes.Count(data, []byte{'\n'}) + bytes.Count(data, []byte{'\r'}) +
			bytes.Count(data, []byte("\u0085")) + bytes.Count(data, []byte("\u2028")) + bytes.Count(data, []byte("\u2029")) + 1
		if len(data) >= 2 && (data[0] == 0xFF || data[0] == 0xFE) {
			lines = len(data)
		}
		if err != nil {
			if c != nil {
				t.Errorf("Load returned a case and an error")
			}
			var es Errors
			if !errors.As(err, &es) || len(es) == 0 {
				t.Fatalf("error %v (%T) is not a non-empty Errors", err, err)
			}
			for i, e := range es {
				if e == nil || e.File != "case.yaml" || e.Msg == "" || e.Zh == "" {
					t.Fatalf("incomplete error %#v", e)
				}
				if e.Line < 0 || e.Line > lines {
					t.Errorf("line %d outside a %d-line document: %v", e.Line, lines, e)
				}
				if i > 0 && es[i-1].Line > e.Line {
					t.Errorf("errors not sorted by line")
				}
			}
			return
		}
		if c.Version != Version || CaseTypeLabel(c.Type) == "" || TargetLabel(c.Target) == "" {
			t.Errorf("loaded case has version %d type %q target %q", c.Version, c.Type, c.Target)
		}
		if c.Order.Amount < 0 {
			t.Errorf("negative amount %d", c.Order.Amount)
		}
		var paths []string
		for _, fn := range c.Files {
			if fn.Kind != "" && !ValidKind(fn.Kind) {
				t.Errorf("kind %q outside the vocabulary", fn.Kind)
			}
			if !validRel(fn.Path) {
				t.Errorf("path %q escapes the case folder", fn.Path)
			}
			if got, ok := c.File(fn.Path); !ok || got.Path != fn.Path {
				t.Errorf("File(%q) = %+v, %v", fn.Path, got, ok)
			}
			paths = append(paths, fn.Path)
		}
		for _, ev := range c.Events {
			for _, p := range ev.Evidence {
				if !validRel(p) {
					t.Errorf("evidence path %q escapes the case folder", p)
				}
				paths = append(paths, p)
			}
		}
		if u := c.UnknownFiles(paths); len(u) != 0 {
			t.Errorf("UnknownFiles(all named paths) = %q", u)
		}
		// Times and amounts written back read back the same.
		for _, tm := range []Time{c.Order.PaidAt, c.Order.PromisedBy} {
			if tm.IsZero() {
				continue
			}
			back, err := ParseTime(tm.String())
			if err != nil || !back.Equal(tm.Time) || back.Precision != tm.Precision {
				t.Errorf("time %v does not round-trip: %v, %v", tm, back, err)
			}
		}
		if m, err := ParseMoney(c.Order.Amount.String()); c.Order.Amount != 0 && (err != nil || m != c.Order.Amount) {
			t.Errorf("amount %v does not round-trip: %v, %v", c.Order.Amount, m, err)
		}
	})
}

// FuzzTemplate checks that any file list gives a template that loads and
// lists every writable path exactly.
func FuzzTemplate(f *testing.F) {
	f.Add("a.jpg", "JPEG 图片", "payment", "付款")
	f.Add("截图/微信: \"x\".png", "PNG\n图片", "chat", "")
	f.Add("a\\b\x00c", "", "bogus", "\xff")
	f.Fuzz(func(t *testing.T, p, label, kind, title string) {
		files := []TemplateFile{{Path: p, TypeLabel: label, Kind: kind, Title: title}, {Path: "z.txt"}}
		out := Template(files, time.Time{})
		c, err := Load(bytes.NewReader(out), "case.yaml")
		if err != nil {
			t.Fatalf("template does not load: %v\n%s", err, out)
		}
		if _, ok := c.File("z.txt"); !ok {
			t.Errorf("z.txt missing")
		}
		if _, ok := c.File(p); validRel(p) && utf8.ValidString(p) && !ok {
			t.Errorf("path %q lost", p)
		}
	})
}
