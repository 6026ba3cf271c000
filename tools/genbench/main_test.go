package main

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"encoding/csv"
	"encoding/hex"
	"image/jpeg"
	"image/png"
	"io"
	"io/fs"
	"math/rand/v2"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/pdfcpu/pdfcpu/pkg/api"
	"github.com/rwcarlsen/goexif/exif"

	"github.com/evipack/evipack/pkg/casefile"
)

// smallSpec has every sort of file but few of each, so tests stay fast.
var smallSpec = spec{Screens: 6, RGBA: 2, Interlaced: 1, Longs: 1, Photos: 3, BasePhotos: 2,
	Chats: 2, ChatMsgs: 120, Bills: 2, BillRows: 300, PDFs: 2, PDFPages: 2, Videos: 3, VideoBytes: 1 << 20}

var (
	smallOnce sync.Once
	smallDir  string
	smallErr  error
)

// smallCase generates smallSpec once per test binary.
func smallCase(t *testing.T) string {
	t.Helper()
	smallOnce.Do(func() {
		smallDir, smallErr = os.MkdirTemp("", "genbench-small-")
		if smallErr == nil {
			_, smallErr = generate(smallDir, smallSpec, 4)
		}
	})
	if smallErr != nil {
		t.Fatal(smallErr)
	}
	return smallDir
}

func TestMain(m *testing.M) {
	code := m.Run()
	if smallDir != "" {
		os.RemoveAll(smallDir)
	}
	os.Exit(code)
}

func TestSpecFor(t *testing.T) {
	tests := []struct {
		kind      string
		scale     int
		files     int
		wantError bool
	}{
		{"typical", 1, 30, false},
		{"typical", 2, 60, false},
		{"typical", 4, 120, false},
		{"large", 1, 400, false},
		{"typical", 0, 0, true},
		{"typical", maxScale + 1, 0, true},
		{"huge", 1, 0, true},
	}
	for _, tt := range tests {
		sp, err := specFor(tt.kind, tt.scale)
		if (err != nil) != tt.wantError {
			t.Errorf("specFor(%q, %d) error = %v, want error %v", tt.kind, tt.scale, err, tt.wantError)
			continue
		}
		if err == nil && sp.Files() != tt.files {
			t.Errorf("specFor(%q, %d) has %d files, want %d", tt.kind, tt.scale, sp.Files(), tt.files)
		}
	}
	large, _ := specFor("large", 1)
	if n := large.Screens + large.Longs + large.Photos; n != 330 {
		t.Errorf("large case has %d images, want 330", n)
	}
	typ1, _ := specFor("typical", 1)
	typ2, _ := specFor("typical", 2)
	if typ2.Videos*int(typ2.VideoBytes) != 2*typ1.Videos*int(typ1.VideoBytes) || typ2.Photos != 2*typ1.Photos {
		t.Errorf("scale 2 does not double the bytes: %+v vs %+v", typ2, typ1)
	}
}

// hashTree maps every file of dir to its SHA-256 and modification time.
func hashTree(t *testing.T, dir string) map[string]string {
	t.Helper()
	out := map[string]string{}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		fi, err := d.Info()
		if err != nil {
			return err
		}
		sum := sha256.Sum256(b)
		rel, _ := filepath.Rel(dir, p)
		out[filepath.ToSlash(rel)] = hex.EncodeToString(sum[:]) + " " + fi.ModTime().UTC().Format(time.RFC3339)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func TestGenerateDeterministic(t *testing.T) {
	a := hashTree(t, smallCase(t))
	other := t.TempDir()
	if _, err := generate(other, smallSpec, 1); err != nil { // other parallelism
		t.Fatal(err)
	}
	b := hashTree(t, other)
	if len(a) != smallSpec.Files()+1 {
		t.Errorf("generated %d files, want %d", len(a), smallSpec.Files()+1)
	}
	if len(a) != len(b) {
		t.Fatalf("runs differ in file count: %d vs %d", len(a), len(b))
	}
	for name, h := range a {
		if b[name] != h {
			t.Errorf("%s differs between runs: %s vs %s", name, h, b[name])
		}
	}
}

func TestGenerateRefusesNonEmptyFolder(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "x"), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := generate(dir, smallSpec, 1); err == nil || !strings.Contains(err.Error(), "not empty") {
		t.Fatalf("generate into a non-empty folder: err = %v, want not empty", err)
	}
}

func TestRunArgs(t *testing.T) {
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"-kind", "typical"}, "missing -o"},
		{[]string{"-o", t.TempDir(), "-kind", "medium"}, "unknown kind"},
		{[]string{"-o", t.TempDir(), "-scale", "0"}, "out of range"},
		{[]string{"-o", t.TempDir(), "extra"}, "unexpected argument"},
	}
	for _, tt := range tests {
		err := run(tt.args, io.Discard, io.Discard)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("run(%q) = %v, want error containing %q", tt.args, err, tt.want)
		}
	}
}

func TestInterlacedPNGRoundTrip(t *testing.T) {
	for _, size := range [][2]int{{1, 1}, {3, 2}, {37, 23}, {64, 9}} {
		r := rand.New(rand.NewPCG(1, uint64(size[0])))
		c := newCanvas(size[0], size[1], 0x336699, r)
		c.noise(0, 0, size[0], size[1], 0x102030, 0xF0E0D0, 60)
		var buf bytes.Buffer
		if err := encodeInterlacedRGB(&buf, c.img); err != nil {
			t.Fatal(err)
		}
		if buf.Bytes()[28] != 1 {
			t.Errorf("%v: IHDR interlace method = %d, want 1 (Adam7)", size, buf.Bytes()[28])
		}
		got, err := png.Decode(&buf)
		if err != nil {
			t.Fatalf("%v: decode: %v", size, err)
		}
		for y := range size[1] {
			for x := range size[0] {
				r1, g1, b1, _ := got.At(x, y).RGBA()
				r2, g2, b2, _ := c.img.At(x, y).RGBA()
				if r1 != r2 || g1 != g2 || b1 != b2 {
					t.Fatalf("%v: pixel (%d,%d) = %v, want %v", size, x, y, got.At(x, y), c.img.At(x, y))
				}
			}
		}
	}
}

// pngHeader reads the colour type and interlace method from IHDR.
func pngHeader(b []byte) (colorType, interlace byte, ok bool) {
	if len(b) < 29 || string(b[:8]) != "\x89PNG\r\n\x1a\n" || string(b[12:16]) != "IHDR" {
		return 0, 0, false
	}
	return b[25], b[28], true
}

func TestScreenshots(t *testing.T) {
	dir := smallCase(t)
	files, _ := filepath.Glob(filepath.Join(dir, "截图", "*.png"))
	if len(files) != smallSpec.Screens+smallSpec.Longs {
		t.Fatalf("%d PNGs, want %d", len(files), smallSpec.Screens+smallSpec.Longs)
	}
	var rgba, interlaced, long int
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		ct, il, ok := pngHeader(b)
		if !ok {
			t.Fatalf("%s: not a PNG", f)
		}
		img, err := png.Decode(bytes.NewReader(b))
		if err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		w, h := img.Bounds().Dx(), img.Bounds().Dy()
		switch {
		case w == shotW && h == longShotH:
			long++
		case w != shotW || h != shotH:
			t.Errorf("%s: %d×%d, want %d×%d or %d×%d", f, w, h, shotW, shotH, shotW, longShotH)
		}
		switch ct {
		case 6:
			rgba++
			if _, _, _, a := img.At(0, 0).RGBA(); a != 0 {
				t.Errorf("%s: RGBA screenshot has an opaque corner", f)
			}
		case 2:
		default:
			t.Errorf("%s: colour type %d, want 2 or 6", f, ct)
		}
		if il == 1 {
			interlaced++
		}
	}
	if rgba != smallSpec.RGBA || interlaced != smallSpec.Interlaced || long != smallSpec.Longs {
		t.Errorf("rgba=%d interlaced=%d long=%d, want %d, %d, %d", rgba, interlaced, long, smallSpec.RGBA, smallSpec.Interlaced, smallSpec.Longs)
	}
}

func TestPhotos(t *testing.T) {
	dir := smallCase(t)
	files, _ := filepath.Glob(filepath.Join(dir, "照片", "IMG_*.jpg"))
	if len(files) != smallSpec.Photos {
		t.Fatalf("%d photos, want %d", len(files), smallSpec.Photos)
	}
	seen := map[[32]byte]string{}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if len(b) < 2<<20 || len(b) > 4<<20 {
			t.Errorf("%s: %d bytes, want a realistic 2–4 MiB", f, len(b))
		}
		sum := sha256.Sum256(b)
		if prev, dup := seen[sum]; dup {
			t.Errorf("%s is identical to %s", f, prev)
		}
		seen[sum] = f
		cfg, err := jpeg.DecodeConfig(bytes.NewReader(b))
		if err != nil || cfg.Width != photoW || cfg.Height != photoH {
			t.Errorf("%s: config %+v, %v; want %d×%d", f, cfg, err, photoW, photoH)
		}
		if !bytes.Contains(b[:1024], []byte("genbench photo")) {
			t.Errorf("%s: no COM segment near the start", f)
		}
		x, err := exif.Decode(bytes.NewReader(b))
		if err != nil {
			t.Fatalf("%s: exif: %v", f, err)
		}
		taken, err := x.DateTime()
		if err != nil {
			t.Fatalf("%s: exif time: %v", f, err)
		}
		// The capture time is also in the file name (IMG_YYYYMMDD_HHMMSS).
		if want := strings.TrimSuffix(strings.TrimPrefix(filepath.Base(f), "IMG_"), ".jpg"); taken.Format("20060102_150405") != want {
			t.Errorf("%s: EXIF time %v does not match the name", f, taken)
		}
		if tag, err := x.Get(exif.Orientation); err != nil {
			t.Errorf("%s: no orientation: %v", f, err)
		} else if o, _ := tag.Int(0); o != 1 && o != 6 {
			t.Errorf("%s: orientation %d", f, o)
		}
		if _, err := jpeg.Decode(bytes.NewReader(b)); err != nil {
			t.Errorf("%s: does not decode: %v", f, err)
		}
	}
}

// topBoxes lists the top-level boxes of an MP4 and their sizes.
func topBoxes(b []byte) (types []string, sizes []int, ok bool) {
	for off := 0; off < len(b); {
		if len(b)-off < 8 {
			return nil, nil, false
		}
		n := int(binary.BigEndian.Uint32(b[off:]))
		if n < 8 || off+n > len(b) {
			return nil, nil, false
		}
		types = append(types, string(b[off+4:off+8]))
		sizes = append(sizes, n)
		off += n
	}
	return types, sizes, true
}

func TestVideos(t *testing.T) {
	dir := smallCase(t)
	files, _ := filepath.Glob(filepath.Join(dir, "录屏", "*.mp4"))
	if len(files) != smallSpec.Videos {
		t.Fatalf("%d videos, want %d", len(files), smallSpec.Videos)
	}
	var moovFirst int
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		types, sizes, ok := topBoxes(b)
		if !ok || len(types) != 3 || types[0] != "ftyp" {
			t.Fatalf("%s: top-level boxes %v, want ftyp + moov + mdat", f, types)
		}
		mdat := -1
		for i, ty := range types {
			if ty == "mdat" {
				mdat = i
			}
		}
		if mdat < 0 || sizes[mdat] < len(b)*9/10 {
			t.Errorf("%s: mdat is not the bulk of the file: %v %v", f, types, sizes)
		}
		if types[1] == "moov" {
			moovFirst++
		}
		for _, need := range []string{"mvhd", "tkhd", "vide", "soun"} {
			if !bytes.Contains(b[:2000], []byte(need)) && !bytes.Contains(b[len(b)-2000:], []byte(need)) {
				t.Errorf("%s: moov lacks %s", f, need)
			}
		}
	}
	if moovFirst == 0 || moovFirst == len(files) {
		t.Errorf("%d of %d videos have moov first; want both layouts", moovFirst, len(files))
	}
}

var (
	reCount = regexp.MustCompile(`^共(\d+)笔记录$`)
	reSum   = regexp.MustCompile(`^(收入|支出|中性交易)：(\d+)笔 (\d+)\.(\d\d)元$`)
)

func TestWeChatBills(t *testing.T) {
	dir := smallCase(t)
	files, _ := filepath.Glob(filepath.Join(dir, "账单", "微信支付账单(*).csv"))
	if len(files) != smallSpec.Bills {
		t.Fatalf("%d bills, want %d", len(files), smallSpec.Bills)
	}
	foundOrder := false
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		lines := strings.Split(string(b), "\n")
		if !strings.HasPrefix(lines[16], "交易时间,交易类型,") || !strings.HasPrefix(lines[15], "----------------------微信支付账单明细列表") {
			t.Fatalf("%s: header not on line 17: %q", f, lines[16])
		}
		declared := -1
		want := map[string][2]int64{}
		for _, l := range lines[:16] {
			if strings.Count(l, ",") != 10 {
				t.Errorf("%s: preamble line %q not padded to 11 columns", f, l)
			}
			l = strings.TrimRight(l, ",")
			if m := reCount.FindStringSubmatch(l); m != nil {
				declared, _ = strconv.Atoi(m[1])
			}
			if m := reSum.FindStringSubmatch(l); m != nil {
				n, _ := strconv.ParseInt(m[2], 10, 64)
				y, _ := strconv.ParseInt(m[3]+m[4], 10, 64)
				want[m[1]] = [2]int64{n, y}
			}
		}
		cr := csv.NewReader(strings.NewReader(strings.Join(lines[17:], "\n")))
		cr.FieldsPerRecord = -1
		cr.LazyQuotes = true
		recs, err := cr.ReadAll()
		if err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		got := map[string][2]int64{}
		var prev string
		for _, rec := range recs {
			if len(rec) > 11 { // unquoted comma inside 交易对方
				rec = append(append(rec[:2:2], strings.Join(rec[2:len(rec)-8], ",")), rec[len(rec)-8:]...)
			}
			if len(rec) != 11 {
				t.Fatalf("%s: row %q has %d fields", f, rec, len(rec))
			}
			if prev != "" && rec[0] > prev {
				t.Errorf("%s: rows not newest first at %s", f, rec[0])
			}
			prev = rec[0]
			amt := strings.TrimPrefix(rec[5], "¥")
			y, err := strconv.ParseInt(strings.Replace(amt, ".", "", 1), 10, 64)
			if err != nil {
				t.Fatalf("%s: amount %q", f, rec[5])
			}
			k := map[string]string{"收入": "收入", "支出": "支出", "/": "中性交易"}[rec[4]]
			got[k] = [2]int64{got[k][0] + 1, got[k][1] + y}
			if !strings.HasSuffix(rec[8], "\t") {
				t.Errorf("%s: 交易单号 %q lacks the trailing TAB", f, rec[8])
			}
			if strings.TrimSpace(rec[9]) == orderNo && rec[0] == tOrderPaid.Format("2006-01-02 15:04:05") && rec[5] == "¥128.00" {
				foundOrder = true
			}
		}
		if declared != len(recs) {
			t.Errorf("%s: preamble says %d records, file has %d", f, declared, len(recs))
		}
		for k, v := range want {
			if got[k] != v {
				t.Errorf("%s: %s totals %v, preamble says %v", f, k, got[k], v)
			}
		}
	}
	if !foundOrder {
		t.Error("no bill holds the case's payment")
	}
}

var reQQHeader = regexp.MustCompile(`^\d{4}-\d{2}-\d{2} \d{1,2}:\d{2}:\d{2} (.+)\(\d+\)$`)

func TestQQChats(t *testing.T) {
	dir := smallCase(t)
	files, _ := filepath.Glob(filepath.Join(dir, "聊天记录", "*.txt"))
	if len(files) != smallSpec.Chats {
		t.Fatalf("%d chats, want %d", len(files), smallSpec.Chats)
	}
	for _, f := range files {
		fh, err := os.Open(f)
		if err != nil {
			t.Fatal(err)
		}
		sc := bufio.NewScanner(fh)
		var lines []string
		for sc.Scan() {
			lines = append(lines, strings.TrimSuffix(sc.Text(), "\r"))
		}
		fh.Close()
		if lines[0] != "\uFEFF消息记录（此消息记录为文本格式，不支持重新导入）" || lines[1] != strings.Repeat("=", 64) ||
			!strings.HasPrefix(lines[2], "消息分组:") || !strings.HasPrefix(lines[4], "消息对象:") {
			t.Fatalf("%s: bad header %q", f, lines[:6])
		}
		n := 0
		for _, l := range lines[7:] {
			if reQQHeader.MatchString(l) {
				n++
			}
		}
		if n != smallSpec.ChatMsgs {
			t.Errorf("%s: %d messages, want %d", f, n, smallSpec.ChatMsgs)
		}
	}
}

func TestPDFsValidate(t *testing.T) {
	dir := smallCase(t)
	files, _ := filepath.Glob(filepath.Join(dir, "订单", "*.pdf"))
	if len(files) != smallSpec.PDFs {
		t.Fatalf("%d PDFs, want %d", len(files), smallSpec.PDFs)
	}
	for _, f := range files {
		fh, err := os.Open(f)
		if err != nil {
			t.Fatal(err)
		}
		err = api.Validate(fh, nil)
		fh.Close()
		if err != nil {
			t.Errorf("%s: pdfcpu: %v", f, err)
		}
	}
}

func TestCaseYAMLLoadsAndRefersToFiles(t *testing.T) {
	dir := smallCase(t)
	c, err := casefile.LoadFile(filepath.Join(dir, "case.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	var paths []string
	for _, e := range c.Events {
		paths = append(paths, e.Evidence...)
	}
	for _, n := range c.Files {
		paths = append(paths, n.Path)
	}
	if len(c.Events) < 4 || len(c.Files) < 6 {
		t.Errorf("case.yaml has %d events and %d file notes, want ≥ 4 and ≥ 6", len(c.Events), len(c.Files))
	}
	for _, p := range paths {
		if _, err := os.Stat(filepath.Join(dir, filepath.FromSlash(p))); err != nil {
			t.Errorf("case.yaml names %s: %v", p, err)
		}
	}
	if c.Order.OrderNo != orderNo {
		t.Errorf("order number %q, want %q", c.Order.OrderNo, orderNo)
	}
}

// TestTypicalCaseSize generates the real typical case: about 30 files and
// 40 MB, most of them images.
func TestTypicalCaseSize(t *testing.T) {
	if testing.Short() {
		t.Skip("generates 40 MB")
	}
	sp, err := specFor("typical", 1)
	if err != nil {
		t.Fatal(err)
	}
	st, err := generate(t.TempDir(), sp, 4)
	if err != nil {
		t.Fatal(err)
	}
	if st.Files != 30 || st.Images != 25 {
		t.Errorf("typical case: %d files, %d images; want 30 and 25", st.Files, st.Images)
	}
	if st.Bytes < 35e6 || st.Bytes > 50e6 {
		t.Errorf("typical case: %d bytes, want about 40 MB", st.Bytes)
	}
}

// TestScaleMultipliesVideoBytes checks that ×N repeats the base mix's video
// sizes, so the scaled cases hold N times the bytes, not merely N times the
// files.
func TestScaleMultipliesVideoBytes(t *testing.T) {
	videoBytes := func(kind string, scale int) (n int, sum int64) {
		sp, err := specFor(kind, scale)
		if err != nil {
			t.Fatal(err)
		}
		js, _ := plan(sp, []*basePhoto{{}})
		for _, j := range js {
			if strings.HasSuffix(j.rel, ".mp4") {
				n++
				sum += j.cost
			}
		}
		return n, sum
	}
	for _, kind := range []string{"typical", "large"} {
		n1, b1 := videoBytes(kind, 1)
		for _, scale := range []int{2, 4} {
			n, b := videoBytes(kind, scale)
			if n != scale*n1 || b != int64(scale)*b1 {
				t.Errorf("%s ×%d: %d videos, %d bytes; want %d and %d", kind, scale, n, b, scale*n1, int64(scale)*b1)
			}
		}
	}
	if _, b := videoBytes("large", 1); b < 500e6 || b > 600e6 {
		t.Errorf("large case videos: %d bytes, want about 550 MB", b)
	}
}
