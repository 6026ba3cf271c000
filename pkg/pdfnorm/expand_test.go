package pdfnorm

import (
	"bytes"
	"errors"
	"io"
	"strings"
	"testing"
)

// TestExpandIdentity writes every JPEG stream through an External that
// supplies the same bytes: the result must equal Canonicalize's byte for
// byte, which checks /Length and every cross-reference offset after an
// external stream.
func TestExpandIdentity(t *testing.T) {
	font := loadFont(t)
	imgs := makeImages(t, 6, 64, 48, true)
	src := buildReport(t, font, imgs)
	want, err := Canonicalize(src)
	if err != nil {
		t.Fatal(err)
	}
	var plain bytes.Buffer
	if err := Expand(&plain, want, nil); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(plain.Bytes(), want) {
		t.Fatal("Expand without resolver differs from Canonicalize")
	}
	jpegs := map[string]bool{}
	for _, im := range imgs {
		if im.typ == "JPG" {
			jpegs[string(im.data)] = true
		}
	}
	calls := 0
	var got bytes.Buffer
	err = Expand(&got, want, func(stream []byte) (External, bool) {
		if !jpegs[string(stream)] {
			return External{}, false
		}
		calls++
		data := bytes.Clone(stream)
		// Written in small pieces, as a file copy would be.
		return External{Length: int64(len(data)), WriteTo: func(w io.Writer) error {
			for len(data) > 0 {
				n := min(len(data), 1000)
				if _, err := w.Write(data[:n]); err != nil {
					return err
				}
				data = data[n:]
			}
			return nil
		}}, true
	})
	if err != nil {
		t.Fatal(err)
	}
	if calls != len(jpegs) {
		t.Fatalf("resolver matched %d streams, want %d", calls, len(jpegs))
	}
	if !bytes.Equal(got.Bytes(), want) {
		t.Fatal("expanding with identical external bytes changed the output")
	}
}

// TestExpandPlaceholder replaces a small placeholder stream by a larger
// one and checks the result is a valid PDF holding the new bytes.
func TestExpandPlaceholder(t *testing.T) {
	font := loadFont(t)
	imgs := makeImages(t, 2, 64, 48, false)
	big := makeImages(t, 2, 640, 480, true)[1] // a JPEG of other size
	placeholder := imgs[1]                     // a JPEG
	if placeholder.typ != "JPG" || big.typ != "JPG" {
		t.Fatal("test images are not JPEG")
	}
	// The placeholder has the big image's header so the dictionary
	// (/Width, /Height) agrees with the data filled in.
	placeholder.data = big.data[:bytes.Index(big.data, []byte{0xff, 0xda})+4]
	placeholder.data = append(bytes.Clone(placeholder.data), "EVIPACK-TEST-PLACEHOLDER"...)
	doc, err := Canonicalize(buildReport(t, font, []testImage{imgs[0], placeholder}))
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	err = Expand(&out, doc, func(stream []byte) (External, bool) {
		if !bytes.HasSuffix(stream, []byte("EVIPACK-TEST-PLACEHOLDER")) {
			return External{}, false
		}
		return External{Length: int64(len(big.data)), WriteTo: func(w io.Writer) error {
			_, err := w.Write(big.data)
			return err
		}}, true
	})
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(out.Bytes(), []byte("EVIPACK-TEST-PLACEHOLDER")) {
		t.Fatal("placeholder left in the output")
	}
	if !bytes.Contains(out.Bytes(), big.data) {
		t.Fatal("external bytes missing from the output")
	}
	if again, err := Canonicalize(out.Bytes()); err != nil || !bytes.Equal(again, out.Bytes()) {
		t.Fatalf("expanded output is not canonical (err %v)", err)
	}
	validate(t, out.Bytes())
}

func TestExpandWrongLength(t *testing.T) {
	font := loadFont(t)
	imgs := makeImages(t, 2, 64, 48, false)
	doc, err := Canonicalize(buildReport(t, font, imgs))
	if err != nil {
		t.Fatal(err)
	}
	boom := errors.New("disk on fire")
	for name, ext := range map[string]External{
		"short":  {Length: 10, WriteTo: func(w io.Writer) error { _, err := w.Write([]byte("12345")); return err }},
		"long":   {Length: 2, WriteTo: func(w io.Writer) error { _, err := w.Write([]byte("12345")); return err }},
		"failed": {Length: 2, WriteTo: func(io.Writer) error { return boom }},
		"nil":    {Length: 2},
	} {
		err := Expand(io.Discard, doc, func(stream []byte) (External, bool) {
			return ext, bytes.Equal(stream, imgs[1].data)
		})
		if err == nil {
			t.Errorf("%s: no error", name)
		} else if name == "failed" && !errors.Is(err, boom) {
			t.Errorf("%s: error %v does not wrap the writer's", name, err)
		} else if !strings.HasPrefix(err.Error(), "expand: ") {
			t.Errorf("%s: error %q does not say expand", name, err)
		}
	}
}
