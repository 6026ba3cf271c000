package main

import (
	"bytes"
	"errors"
	"fmt"
	"image"
	"image/jpeg"
	"image/png"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/rwcarlsen/goexif/exif"
	"github.com/rwcarlsen/goexif/tiff"
	"gopkg.in/yaml.v3"
)

// maxTotal is the size budget of the whole sample case.
const maxTotal = 5 << 20

// selfCheck re-reads the written case and checks what the rest of evipack
// relies on. It returns every problem found, joined.
func selfCheck(dir string, files []*output) error {
	var errs []error
	read := func(rel string) []byte {
		p := filepath.Join(dir, filepath.FromSlash(rel))
		b, err := os.ReadFile(p)
		if err != nil {
			errs = append(errs, fmt.Errorf("read %s: %w", p, err))
		}
		return b
	}
	total := 0
	for _, f := range files {
		b := read(f.path)
		total += len(b)
		if len(b) != f.size {
			errs = append(errs, fmt.Errorf("%s: size %d, wrote %d", f.path, len(b), f.size))
		}
	}
	if total > maxTotal {
		errs = append(errs, fmt.Errorf("total size %d exceeds %d", total, maxTotal))
	}

	checkImage := func(rel string, wantW, minH, maxH int, isPNG bool) {
		b := read(rel)
		var cfg image.Config
		var err error
		if isPNG {
			cfg, err = png.DecodeConfig(bytes.NewReader(b))
			if err == nil && (len(b) < 26 || b[25] != 2) {
				err = errors.New("not an RGB PNG (colour type 2)")
			}
		} else {
			cfg, err = jpeg.DecodeConfig(bytes.NewReader(b))
		}
		if err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", rel, err))
			return
		}
		if cfg.Width != wantW || cfg.Height < minH || cfg.Height > maxH {
			errs = append(errs, fmt.Errorf("%s: size %d×%d", rel, cfg.Width, cfg.Height))
		}
	}
	checkImage(pathListing, 1080, 2400, 2400, false)
	checkImage(pathPayment, 1080, 2400, 2400, true)
	checkImage(pathChat, 1080, 6000, 9000, true)
	checkImage(pathPhoto, storedW, storedH, storedH, false)
	if err := checkPhotoEXIF(read(pathPhoto)); err != nil {
		errs = append(errs, fmt.Errorf("%s: %w", pathPhoto, err))
	}
	if err := checkChatTXT(read(pathChatTXT)); err != nil {
		errs = append(errs, fmt.Errorf("%s: %w", pathChatTXT, err))
	}
	if pdf := read(pathOrder); !bytes.HasPrefix(pdf, []byte("%PDF-")) || !bytes.HasSuffix(bytes.TrimSpace(pdf), []byte("%%EOF")) {
		errs = append(errs, fmt.Errorf("%s: not a complete PDF", pathOrder))
	}
	if err := checkCaseYAML(read(pathCase), files); err != nil {
		errs = append(errs, fmt.Errorf("%s: %w", pathCase, err))
	}
	return errors.Join(errs...)
}

// checkPhotoEXIF reads the photo's EXIF back with goexif.
func checkPhotoEXIF(b []byte) error {
	x, err := exif.Decode(bytes.NewReader(b))
	if err != nil {
		return fmt.Errorf("goexif: %w", err)
	}
	wantStr := []struct {
		name exif.FieldName
		want string
	}{
		{exif.Make, "Xiaomi"},
		{exif.Model, "Redmi K60"},
		{exif.DateTimeOriginal, "2026:09:05 10:15:30"},
	}
	for _, w := range wantStr {
		tag, err := x.Get(w.name)
		if err != nil {
			return fmt.Errorf("goexif %s: %w", w.name, err)
		}
		if s, err := tag.StringVal(); err != nil || s != w.want {
			return fmt.Errorf("goexif %s = %q, want %q", w.name, s, w.want)
		}
	}
	tag, err := x.Get(exif.Orientation)
	if err != nil {
		return fmt.Errorf("goexif Orientation: %w", err)
	}
	if o, err := tag.Int(0); err != nil || o != 6 {
		return fmt.Errorf("goexif Orientation = %d, want 6", o)
	}
	// goexif does not know OffsetTimeOriginal (0x9011): walk the Exif IFD.
	ptr, err := x.Get(exif.ExifIFDPointer)
	if err != nil {
		return fmt.Errorf("goexif ExifIFDPointer: %w", err)
	}
	off, err := ptr.Int64(0)
	if err != nil {
		return fmt.Errorf("goexif ExifIFDPointer: %w", err)
	}
	r := bytes.NewReader(x.Raw)
	if _, err := r.Seek(off, 0); err != nil {
		return fmt.Errorf("seek Exif IFD: %w", err)
	}
	d, _, err := tiff.DecodeDir(r, x.Tiff.Order)
	if err != nil {
		return fmt.Errorf("decode Exif IFD: %w", err)
	}
	for _, t := range d.Tags {
		if t.Id == 0x9011 {
			if s, err := t.StringVal(); err != nil || s != "+08:00" {
				return fmt.Errorf("OffsetTimeOriginal = %q, want +08:00", s)
			}
			return nil
		}
	}
	return errors.New("OffsetTimeOriginal missing")
}

func checkChatTXT(b []byte) error {
	s := string(b)
	if !strings.HasPrefix(s, "\ufeff消息记录（此消息记录为文本格式，不支持重新导入）\r\n"+strings.Repeat("=", 64)+"\r\n") {
		return errors.New("missing QQ export header")
	}
	for _, want := range []string{"消息对象:" + sellerName + "\r\n", "😊", "[图片]", "2026-09-04 9:12:20 " + sellerName + "(" + sellerQQ + ")"} {
		if !strings.Contains(s, want) {
			return fmt.Errorf("missing %q", want)
		}
	}
	if n := strings.Count(s, "("+buyerQQ+")") + strings.Count(s, "("+sellerQQ+")"); n != len(chatScript()) {
		return fmt.Errorf("%d messages, want %d", n, len(chatScript()))
	}
	return nil
}

// caseFile mirrors the parts of case.yaml schema v1 the check looks at.
type caseFile struct {
	Version int    `yaml:"version"`
	Type    string `yaml:"type"`
	Target  string `yaml:"target"`
	Order   struct {
		OrderNo string `yaml:"order_no"`
		Amount  string `yaml:"amount"`
		PaidAt  string `yaml:"paid_at"`
	} `yaml:"order"`
	Events []struct {
		At       string   `yaml:"at"`
		What     string   `yaml:"what"`
		Evidence []string `yaml:"evidence"`
	} `yaml:"events"`
	Files map[string]struct {
		Kind   string `yaml:"kind"`
		Title  string `yaml:"title"`
		Proves string `yaml:"proves"`
	} `yaml:"files"`
}

func checkCaseYAML(b []byte, files []*output) error {
	var cf caseFile
	dec := yaml.NewDecoder(bytes.NewReader(b))
	dec.KnownFields(false)
	if err := dec.Decode(&cf); err != nil {
		return fmt.Errorf("yaml: %w", err)
	}
	if cf.Version != 1 || cf.Type != "virtual-goods" || cf.Target != "12315" {
		return fmt.Errorf("header: version %d type %q target %q", cf.Version, cf.Type, cf.Target)
	}
	if cf.Order.OrderNo != orderNo || cf.Order.Amount != amount || cf.Order.PaidAt != paidAt {
		return fmt.Errorf("order does not match the evidence: %+v", cf.Order)
	}
	var paths []string
	for _, f := range files {
		if f.path != pathCase {
			paths = append(paths, f.path)
		}
	}
	kinds := []string{"payment", "chat", "listing", "promise", "result", "demand", "refusal", "identity", "screenshot", "photo", "document", "recording", "voice", "other"}
	for _, p := range paths {
		fe, ok := cf.Files[p]
		if !ok {
			return fmt.Errorf("files: %s not described", p)
		}
		if !slices.Contains(kinds, fe.Kind) || fe.Title == "" || fe.Proves == "" {
			return fmt.Errorf("files: %s: incomplete entry %+v", p, fe)
		}
	}
	if len(cf.Files) != len(paths) {
		return fmt.Errorf("files: %d entries, %d files", len(cf.Files), len(paths))
	}
	for _, e := range cf.Events {
		if _, err := at2(e.At); err != nil {
			return fmt.Errorf("events: %q: %w", e.At, err)
		}
		for _, p := range e.Evidence {
			if !slices.Contains(paths, p) {
				return fmt.Errorf("events %s: unknown evidence %s", e.At, p)
			}
		}
	}
	return nil
}
