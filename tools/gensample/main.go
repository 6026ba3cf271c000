// Command gensample writes the bundled, fictional sample case
// testdata/cases/sample: phone screenshots, a camera photo with EXIF, a QQ
// chat export, an order page PDF and case.yaml.
//
// Usage:
//
//	go run ./tools/gensample -o testdata/cases/sample
//
// The output is deterministic: the same sources always give byte-identical
// files (no clock, no map iteration, no randomness without a fixed seed).
// After writing, the generator re-reads every file and checks it (image
// sizes and colour types, the EXIF tags through goexif, case.yaml syntax and
// file references); a failed check exits with status 1.
package main

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"image"
	"image/jpeg"
	"image/png"
	"io"
	"os"
	"path/filepath"
	"time"
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

func run(args []string, stdout, stderr io.Writer) int {
	fl := flag.NewFlagSet("gensample", flag.ContinueOnError)
	fl.SetOutput(stderr)
	out := fl.String("o", filepath.Join("testdata", "cases", "sample"), "output `directory`")
	if err := fl.Parse(args); err != nil {
		return 2
	}
	if fl.NArg() != 0 {
		fmt.Fprintln(stderr, "gensample: unexpected arguments")
		fl.Usage()
		return 2
	}
	files, err := generate(*out)
	if err != nil {
		fmt.Fprintln(stderr, "gensample:", err)
		return 1
	}
	if err := selfCheck(*out, files); err != nil {
		fmt.Fprintln(stderr, "gensample: self-check:", err)
		return 1
	}
	for _, f := range files {
		fmt.Fprintf(stdout, "%8d  %s\n", f.size, f.path)
	}
	return 0
}

// output is one generated file.
type output struct {
	path  string    // slash-separated, relative to the case folder
	mtime time.Time // modification time set after writing
	build func() ([]byte, error)
	size  int
}

// at parses a Beijing wall-clock time written in the source; the values
// are constants, so a bad one is a programming error caught by at2 in the
// self-check.
func at(s string) time.Time {
	t, err := at2(s)
	if err != nil {
		return time.Unix(0, 0)
	}
	return t
}

func at2(s string) (time.Time, error) {
	return time.ParseInLocation("2006-01-02 15:04:05", s, cst)
}

// Paths of the generated files, relative to the case folder.
const (
	pathListing = "截图/Screenshot_2026-09-03-20-12-44-518_com.tencent.mobileqq.jpg"
	pathPayment = "截图/Screenshot_2026-09-03-20-16-02-77_e39d2c7de19156b0683cd93e8735f348.png"
	pathChat    = "截图/Screenshot_20260906_213015_com.tencent.mobileqq.png"
	pathPhoto   = "照片/IMG_20260905_101530.jpg"
	pathChatTXT = "聊天记录/与星辰客服的聊天记录.txt"
	pathOrder   = "订单/订单详情.pdf"
	pathCase    = "case.yaml"
)

// Times the fictional evidence was made.
const (
	chatShotAt  = "2026-09-06 21:30:15"
	photoAt     = "2026-09-05 10:15:30"
	orderPrint  = "2026-09-04 08:32:47"
	exportAt    = "2026-09-07 19:42:08"
	caseWriteAt = "2026-09-07 20:06:31"
)

func generate(dir string) ([]*output, error) {
	fonts, err := loadFonts()
	if err != nil {
		return nil, err
	}
	msgs := chatScript()
	files := []*output{
		{path: pathListing, mtime: at("2026-09-03 20:12:45"), build: func() ([]byte, error) {
			return encodeJPEG(renderListing(fonts), 85)
		}},
		{path: pathPayment, mtime: at("2026-09-03 20:16:03"), build: func() ([]byte, error) {
			return encodePNG(renderPayment(fonts))
		}},
		{path: pathChat, mtime: at("2026-09-06 21:30:19"), build: func() ([]byte, error) {
			return encodePNG(renderChat(fonts, msgs, at(chatShotAt)))
		}},
		{path: pathPhoto, mtime: at("2026-09-05 10:15:31"), build: func() ([]byte, error) {
			return buildPhoto(fonts)
		}},
		{path: pathChatTXT, mtime: at(exportAt), build: func() ([]byte, error) {
			return qqExportTXT(msgs), nil
		}},
		{path: pathOrder, mtime: at("2026-09-04 08:32:52"), build: func() ([]byte, error) {
			return buildOrderPDF(fonts, at(orderPrint))
		}},
		{path: pathBill, mtime: at("2026-09-07 19:55:40"), build: func() ([]byte, error) {
			return wechatBillCSV(), nil
		}},
		{path: pathCase, mtime: at(caseWriteAt), build: func() ([]byte, error) {
			return []byte(caseYAML), nil
		}},
	}
	for _, f := range files {
		data, err := f.build()
		if err != nil {
			return nil, fmt.Errorf("build %s: %w", f.path, err)
		}
		p := filepath.Join(dir, filepath.FromSlash(f.path))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return nil, fmt.Errorf("create %s: %w", filepath.Dir(p), err)
		}
		if err := os.WriteFile(p, data, 0o644); err != nil {
			return nil, fmt.Errorf("write %s: %w", p, err)
		}
		if err := os.Chtimes(p, f.mtime, f.mtime); err != nil {
			return nil, fmt.Errorf("set times %s: %w", p, err)
		}
		f.size = len(data)
	}
	return files, nil
}

func encodePNG(img image.Image) ([]byte, error) {
	var b bytes.Buffer
	enc := png.Encoder{CompressionLevel: png.BestCompression}
	if err := enc.Encode(&b, img); err != nil {
		return nil, fmt.Errorf("encode png: %w", err)
	}
	// Screenshots are RGB without alpha: colour type 2 in IHDR.
	if b.Len() < 26 || b.Bytes()[25] != 2 {
		return nil, errors.New("encode png: not an RGB image")
	}
	return b.Bytes(), nil
}

func encodeJPEG(img image.Image, quality int) ([]byte, error) {
	var b bytes.Buffer
	if err := jpeg.Encode(&b, img, &jpeg.Options{Quality: quality}); err != nil {
		return nil, fmt.Errorf("encode jpeg: %w", err)
	}
	return b.Bytes(), nil
}
