package render

import (
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"hash/crc32"
	"image"
	"image/color"
	"image/draw"
	_ "image/gif" // decoders for images that must be converted
	"image/jpeg"
	"image/png"
	"io"
	"os"
	"strconv"
	"sync"

	_ "golang.org/x/image/webp"

	"github.com/evipack/evipack/internal/leftover"
	"github.com/evipack/evipack/internal/parallel"
	"github.com/evipack/evipack/pkg/evidence"
	"github.com/evipack/evipack/pkg/pdfnorm"
)

// Images reach the PDF without passing through fpdf: fpdf is given a
// placeholder — the real image's headers and a marker instead of its data —
// so the document it builds in memory stays small whatever the images
// weigh, and Result.Expand streams the real bytes from the file into the
// output when a volume is written. JPEG files are carried whole (DCTDecode);
// PNG files without alpha or interlacing are carried as their IDAT data
// (FlateDecode with the PNG predictor), both unchanged. Everything else (a
// PNG with an alpha channel or interlacing, GIF, WebP) is decoded once,
// composited over white — the page it is drawn on — and encoded as an RGB
// PNG into a scratch file, in parallel and before the layout starts.

// imageSource is where one image's PDF stream comes from.
type imageSource struct {
	typ         string // fpdf image type: "JPG" or "PNG"
	placeholder []byte // what fpdf parses: real headers, marker as data
	file        string // scratch file of a converted image; "" = the original
	spans       []span // byte ranges of the file that make up the stream, in order
	length      int64  // sum of the spans
}

type span struct{ off, n int64 }

// markerPrefix starts every placeholder's data. A token derived from every
// exhibit's hash follows: an imported PDF cannot contain it (it would have
// to contain a hash of itself), so no stream of an exhibit can pose as a
// placeholder, and the output stays deterministic (fpdf names images by a
// hash of their data).
const markerPrefix = "%EVIPACK-IMAGE "

// maxConvertPixels bounds the pixels decoded at the same time by parallel
// conversions (8 bytes a pixel: decoded image and composited copy).
const maxConvertPixels = 24 << 20

// imageSet holds the prepared images of one Render.
type imageSet struct {
	marker  []byte                  // markerPrefix + token + " "
	sources map[string]*imageSource // by imageKey: identical files share one stream
	dir     string                  // scratch folder of converted images ("" until needed)
	open    func(it *evidence.Item) (io.ReadCloser, error)
	items   map[string]*evidence.Item // the item each source is read from
}

// imageKey identifies an image's content: its SHA-256, or its index when
// the caller did not hash it.
func imageKey(it *evidence.Item) string {
	if it.SHA256 != "" {
		return it.SHA256
	}
	return "#" + strconv.Itoa(it.Index)
}

func newImageSet(items []*evidence.Item, open func(it *evidence.Item) (io.ReadCloser, error)) *imageSet {
	h := sha256.New()
	io.WriteString(h, "evipack image placeholder\n")
	for _, it := range items {
		fmt.Fprintf(h, "%d %s %s\n", it.Index, it.SHA256, it.Path)
	}
	return &imageSet{
		marker:  []byte(markerPrefix + hex.EncodeToString(h.Sum(nil)[:16]) + " "),
		sources: map[string]*imageSource{},
		open:    open,
		items:   map[string]*evidence.Item{},
	}
}

// Images is the preparation of a report's image exhibits: reading their
// headers and converting those the PDF cannot carry as they are. Started by
// PrepareImages before Render, it overlaps whatever the caller does in
// between (the checklist, the letters); Render waits for it.
type Images struct {
	set      *imageSet
	cancel   context.CancelFunc
	done     chan struct{}
	failures map[string]error // why an image could not be prepared, by imageKey
	err      error
	closed   sync.Once
}

// PrepareImages starts preparing the image exhibits among items with jobs
// workers; converted images go to a scratch folder inside scratch ("" =
// the system's temporary folder). items and open must be those of the
// Report it is passed to. The caller must Close it unless Render took it.
func PrepareImages(ctx context.Context, items []*evidence.Item, open func(it *evidence.Item) (io.ReadCloser, error), scratch string, jobs int) *Images {
	ctx, cancel := context.WithCancel(ctx)
	im := &Images{set: newImageSet(items, open), cancel: cancel, done: make(chan struct{})}
	go func() {
		defer close(im.done)
		im.failures, im.err = im.set.prepare(ctx, items, scratch, jobs)
	}()
	return im
}

// wait returns what the preparation found once it is over.
func (im *Images) wait() (map[string]error, error) {
	<-im.done
	return im.failures, im.err
}

// Close stops the preparation, waits for its workers and removes the
// converted images. It may be called more than once.
func (im *Images) Close() {
	if im == nil {
		return
	}
	im.closed.Do(func() {
		im.cancel()
		<-im.done
		im.set.close()
	})
}

// close removes the converted images.
func (s *imageSet) close() {
	if s != nil && s.dir != "" {
		os.RemoveAll(s.dir)
		s.dir = ""
	}
}

// isImageExhibit says whether an item is shown as a picture.
func isImageExhibit(it *evidence.Item) bool {
	switch it.Type {
	case evidence.TypeJPEG, evidence.TypePNG, evidence.TypeGIF, evidence.TypeWebP:
		return it.Image != nil
	}
	return false
}

// prepare readies every image exhibit with jobs workers and returns
// why images could not be prepared, by imageKey; see warnFailed.
func (s *imageSet) prepare(ctx context.Context, items []*evidence.Item, scratch string, jobs int) (map[string]error, error) {
	var todo []*evidence.Item
	for _, it := range items {
		if !isImageExhibit(it) {
			continue
		}
		if _, dup := s.items[imageKey(it)]; !dup {
			todo = append(todo, it)
			s.items[imageKey(it)] = it
		}
	}
	if len(todo) == 0 {
		return nil, nil
	}
	var (
		mu       sync.Mutex
		dirErr   error
		mkdir    sync.Once
		pixels   = newWeighted(maxConvertPixels)
		failures = map[string]error{}
	)
	scratchDir := func() (string, error) {
		mkdir.Do(func() {
			s.dir, dirErr = os.MkdirTemp(scratch, leftover.Img+leftover.Tag())
		})
		return s.dir, dirErr
	}
	parallel.For(ctx, len(todo), jobs, func(i int) {
		it := todo[i]
		src, err := s.prepareOne(it, scratchDir, pixels)
		mu.Lock()
		defer mu.Unlock()
		if err != nil {
			failures[imageKey(it)] = err
		} else {
			s.sources[imageKey(it)] = src
		}
	})
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	return failures, nil
}

// warnFailed gives every image exhibit that could not be prepared an
// "image-embed" warning (it is shown as a card) and returns how many.
func warnFailed(items []*evidence.Item, failures map[string]error, pl *plan) int {
	n := 0
	for _, it := range items {
		if err, failed := failures[imageKey(it)]; failed && isImageExhibit(it) {
			pl.warn(it, "image-embed", "image cannot be embedded in the PDF: "+err.Error(),
				"图片无法嵌入 PDF（"+zhReason(err)+"），原件已保存在证据包中")
			n++
		}
	}
	return n
}

func (s *imageSet) prepareOne(it *evidence.Item, scratchDir func() (string, error), pixels *weighted) (*imageSource, error) {
	if s.open == nil {
		return nil, errNoOpen
	}
	if it.Size > maxImageBytes {
		return nil, tooBig(maxImageBytes)
	}
	id := append(append(bytes.Clone(s.marker), imageKey(it)...), '%')
	switch it.Type {
	case evidence.TypeJPEG:
		return s.prepareJPEG(it, id)
	case evidence.TypePNG:
		f, err := s.open(it)
		if err != nil {
			return nil, err
		}
		src, err := scanPNG(f, id)
		f.Close()
		if err == nil || !errors.Is(err, errConvert) {
			return src, err
		}
	}
	return s.convert(it, id, scratchDir, pixels)
}

// prepareJPEG reads the JPEG's header only: the placeholder is a JFIF
// header with the same size and number of components, which fpdf turns into
// the same image dictionary as the real file.
func (s *imageSet) prepareJPEG(it *evidence.Item, id []byte) (*imageSource, error) {
	f, err := s.open(it)
	if err != nil {
		return nil, err
	}
	cfg, err := jpeg.DecodeConfig(bufio.NewReaderSize(f, 16<<10))
	f.Close()
	if err != nil {
		return nil, fmt.Errorf("JPEG: %w", err)
	}
	var comps int
	switch cfg.ColorModel {
	case color.GrayModel:
		comps = 1
	case color.YCbCrModel, color.RGBAModel: // RGBA: Adobe RGB, also DCTDecode
		comps = 3
	case color.CMYKModel:
		comps = 4
	default:
		return nil, newProblem("JPEG 使用了不支持的颜色模式", "JPEG: unsupported colour model")
	}
	if cfg.Width <= 0 || cfg.Height <= 0 || cfg.Width > 0xffff || cfg.Height > 0xffff {
		return nil, newProblem(fmt.Sprintf("JPEG 的图像尺寸不合理：%d×%d 像素", cfg.Width, cfg.Height), "JPEG: size %d×%d", cfg.Width, cfg.Height)
	}
	var b bytes.Buffer
	b.Write([]byte{0xff, 0xd8}) // SOI
	// APP0 JFIF 1.1, no thumbnail: lets the config decoder stop at SOF.
	b.Write([]byte{0xff, 0xe0, 0, 16, 'J', 'F', 'I', 'F', 0, 1, 1, 0, 0, 1, 0, 1, 0, 0})
	b.Write([]byte{0xff, 0xc0}) // SOF0
	binary.Write(&b, binary.BigEndian, uint16(8+3*comps))
	b.WriteByte(8)
	binary.Write(&b, binary.BigEndian, uint16(cfg.Height))
	binary.Write(&b, binary.BigEndian, uint16(cfg.Width))
	b.WriteByte(byte(comps))
	for c := range comps {
		b.Write([]byte{byte(c + 1), 0x11, 0})
	}
	b.Write(id)
	return &imageSource{typ: "JPG", placeholder: b.Bytes(), spans: []span{{0, it.Size}}, length: it.Size}, nil
}

// errConvert marks a PNG that fpdf cannot carry as it is.
var errConvert = errors.New("needs conversion")

const pngSignature = "\x89PNG\r\n\x1a\n"

// scanPNG walks a PNG's chunks, reading only IHDR, PLTE and tRNS, and
// records where its IDAT data lies. A PNG with an alpha channel or
// interlacing returns errConvert.
func scanPNG(r io.Reader, id []byte) (*imageSource, error) {
	c, err := newPNGChunks(r, 4<<10)
	if err != nil {
		return nil, fmt.Errorf("PNG: %w", err)
	}
	var (
		ihdr, plte, trns []byte
		src              = &imageSource{typ: "PNG"}
	)
	for {
		typ, n, err := c.next()
		if err != nil {
			return nil, fmt.Errorf("PNG: %w", err)
		}
		if ihdr == nil && typ != "IHDR" {
			return nil, errBadIHDR("PNG: first chunk is not IHDR")
		}
		switch typ {
		case "IHDR":
			if n != 13 {
				return nil, errBadIHDR("PNG: bad IHDR")
			}
			if ihdr, err = c.data(typ, 13); err != nil {
				return nil, fmt.Errorf("PNG: %w", err)
			}
			depth, ct, interlace := ihdr[8], ihdr[9], ihdr[12]
			if interlace != 0 || ct == 4 || ct == 6 {
				return nil, errConvert
			}
			if !validPNGDepth(ct, depth) || ihdr[10] != 0 || ihdr[11] != 0 {
				return nil, newProblem(fmt.Sprintf("PNG 的颜色类型 %d 不能与位深 %d 组合", ct, depth), "PNG: colour type %d, bit depth %d", ct, depth)
			}
		case "PLTE", "tRNS":
			data, err := c.data(typ, 1024)
			if err != nil {
				return nil, fmt.Errorf("PNG: %w", err)
			}
			if typ == "PLTE" {
				plte = data
			} else {
				trns = data
			}
		case "IDAT":
			if n > 0 {
				src.spans = append(src.spans, span{c.pos, n})
				src.length += n
			}
		case "IEND":
			if src.length == 0 {
				return nil, fmt.Errorf("PNG: %w", errNoImageData)
			}
			if ihdr[9] == 3 && plte == nil {
				return nil, newProblem("PNG 缺少调色板", "PNG: palette missing")
			}
			if !validTRNS(ihdr[9], trns) {
				return nil, newProblem("PNG 的透明度数据无效", "PNG: bad tRNS chunk")
			}
			src.placeholder = pngPlaceholder(ihdr, plte, trns, id)
			return src, nil
		}
	}
}

func validPNGDepth(ct, depth byte) bool {
	switch ct {
	case 0:
		return depth == 1 || depth == 2 || depth == 4 || depth == 8 || depth == 16
	case 2:
		return depth == 8 || depth == 16
	case 3:
		return depth == 1 || depth == 2 || depth == 4 || depth == 8
	}
	return false
}

// validTRNS checks the sizes fpdf indexes without checking.
func validTRNS(ct byte, t []byte) bool {
	switch {
	case t == nil:
		return true
	case ct == 0:
		return len(t) >= 2
	case ct == 2:
		return len(t) >= 6
	}
	return true
}

// pngPlaceholder is a PNG with the given IHDR, PLTE and tRNS whose only
// IDAT chunk holds id instead of image data.
func pngPlaceholder(ihdr, plte, trns, id []byte) []byte {
	var b bytes.Buffer
	b.WriteString(pngSignature)
	chunk := func(typ string, data []byte) {
		binary.Write(&b, binary.BigEndian, uint32(len(data)))
		crc := crc32.NewIEEE()
		crc.Write([]byte(typ))
		crc.Write(data)
		b.WriteString(typ)
		b.Write(data)
		binary.Write(&b, binary.BigEndian, crc.Sum32())
	}
	chunk("IHDR", ihdr)
	if plte != nil {
		chunk("PLTE", plte)
	}
	if trns != nil {
		chunk("tRNS", trns)
	}
	chunk("IDAT", id)
	chunk("IEND", nil)
	return b.Bytes()
}

// convert turns an image fpdf cannot carry as it is into RGB or gray
// image data composited over white, in a scratch file. A PNG with an alpha
// channel is streamed row by row; anything else (interlaced PNG, GIF, WebP)
// is decoded whole, with the pixels decoded at once bounded across workers.
func (s *imageSet) convert(it *evidence.Item, id []byte, scratchDir func() (string, error), pixels *weighted) (*imageSource, error) {
	dir, err := scratchDir()
	if err != nil {
		return nil, err
	}
	out, err := os.CreateTemp(dir, "img-*.bin")
	if err != nil {
		return nil, err
	}
	keep := false
	defer func() {
		if !keep {
			out.Close()
			os.Remove(out.Name())
		}
	}()
	bw := bufio.NewWriterSize(out, 256<<10)
	var width, height, bpp int
	rows := func(w, h, b int) (*rowWriter, error) {
		width, height, bpp = w, h, b
		return newRowWriter(bw, w, b)
	}
	err = errConvert
	if it.Type == evidence.TypePNG {
		f, oerr := s.open(it)
		if oerr != nil {
			return nil, oerr
		}
		err = flattenPNGRows(f, maxFlattenPixels, pixels, rows)
		f.Close()
	}
	if errors.Is(err, errConvert) {
		err = s.decodeAndWrite(it, pixels, rows)
	}
	if err == nil {
		err = bw.Flush()
	}
	if err != nil {
		return nil, &problem{zh: "转换失败：" + zhReason(err), err: fmt.Errorf("convert: %w", err)}
	}
	size, err := out.Seek(0, io.SeekCurrent)
	if err == nil {
		err = out.Close()
	}
	if err != nil {
		return nil, err
	}
	keep = true
	ihdr := make([]byte, 13)
	binary.BigEndian.PutUint32(ihdr[0:], uint32(width))
	binary.BigEndian.PutUint32(ihdr[4:], uint32(height))
	ihdr[8] = 8
	if bpp == 3 {
		ihdr[9] = 2
	}
	return &imageSource{typ: "PNG", placeholder: pngPlaceholder(ihdr, nil, nil, id),
		file: out.Name(), spans: []span{{0, size}}, length: size}, nil
}

// maxFlattenPixels bounds a streamed PNG; its memory is two rows.
const maxFlattenPixels = 1 << 28

// decodeAndWrite decodes an image whole and writes it composited over white.
func (s *imageSet) decodeAndWrite(it *evidence.Item, pixels *weighted, rows func(w, h, bpp int) (*rowWriter, error)) error {
	px := int64(1)
	if it.Image != nil {
		px = max(1, int64(it.Image.Width)*int64(it.Image.Height))
	}
	pixels.acquire(px)
	defer pixels.release(px)
	// The decoders allocate the whole image from its header's size: a
	// small file can claim gigapixels.
	f, err := s.open(it)
	if err != nil {
		return err
	}
	cfg, _, err := image.DecodeConfig(bufio.NewReader(f))
	f.Close()
	if err != nil {
		return fmt.Errorf("decode: %w", err)
	}
	if int64(cfg.Width)*int64(cfg.Height) > maxDecodePixels {
		return errTooLarge(cfg.Width, cfg.Height)
	}
	if f, err = s.open(it); err != nil {
		return err
	}
	img, _, err := image.Decode(bufio.NewReaderSize(io.LimitReader(f, maxImageBytes), 64<<10))
	f.Close()
	if err != nil {
		return fmt.Errorf("decode: %w", err)
	}
	// An opaque image (an interlaced RGB or gray screenshot) is written
	// as decoded; anything else is composited over white first.
	switch m := img.(type) {
	case *image.Gray:
		return writeGrayRows(m.Pix, m.Stride, m.Rect.Dx(), m.Rect.Dy(), rows)
	case *image.RGBA:
		if m.Opaque() {
			return writeRGBARows(m.Pix, m.Stride, m.Rect.Dx(), m.Rect.Dy(), rows)
		}
	case *image.NRGBA:
		if m.Opaque() {
			return writeRGBARows(m.Pix, m.Stride, m.Rect.Dx(), m.Rect.Dy(), rows)
		}
	}
	rgba := flatten(img)
	return writeRGBARows(rgba.Pix, rgba.Stride, rgba.Rect.Dx(), rgba.Rect.Dy(), rows)
}

// resolve recognises a placeholder stream and returns the real bytes.
func (s *imageSet) resolve(stream []byte) (pdfnorm.External, bool) {
	if len(stream) > 4096 {
		return pdfnorm.External{}, false
	}
	i := bytes.Index(stream, s.marker)
	if i < 0 {
		return pdfnorm.External{}, false
	}
	rest := stream[i+len(s.marker):]
	end := bytes.IndexByte(rest, '%')
	if end < 0 {
		return pdfnorm.External{}, false
	}
	key := string(rest[:end])
	src, ok := s.sources[key]
	if !ok {
		return pdfnorm.External{}, false
	}
	return pdfnorm.External{Length: src.length, WriteTo: func(w io.Writer) error {
		return s.copyImage(w, key, src)
	}}, true
}

// copyImage writes an image's spans to w.
func (s *imageSet) copyImage(w io.Writer, key string, src *imageSource) error {
	var r io.ReadCloser
	var err error
	if src.file != "" {
		r, err = os.Open(src.file)
	} else {
		it := s.items[key]
		if it == nil || s.open == nil {
			return fmt.Errorf("image %s: no source", key)
		}
		r, err = s.open(it)
	}
	name := "image " + key
	if it := s.items[key]; it != nil {
		name = it.Path
	}
	if err != nil {
		return err
	}
	defer r.Close()
	var pos int64
	for _, sp := range src.spans {
		if gap := sp.off - pos; gap > 0 {
			if sk, ok := r.(io.Seeker); ok {
				_, err = sk.Seek(sp.off, io.SeekStart)
			} else {
				_, err = io.CopyN(io.Discard, r, gap)
			}
			if err != nil {
				return fmt.Errorf("%s: %w", name, err)
			}
		}
		if _, err := io.CopyN(w, r, sp.n); err != nil {
			if errors.Is(err, io.EOF) {
				err = errors.New("the file is shorter than when it was read; was it changed during packaging?")
			}
			return fmt.Errorf("%s: %w", name, err)
		}
		pos = sp.off + sp.n
	}
	return nil
}

// weighted is a counting semaphore; a request larger than the capacity
// waits until it can take the whole capacity.
type weighted struct {
	mu   sync.Mutex
	cond *sync.Cond
	cap  int64
	used int64
}

func newWeighted(capacity int64) *weighted {
	w := &weighted{cap: capacity}
	w.cond = sync.NewCond(&w.mu)
	return w
}

func (w *weighted) acquire(n int64) {
	n = min(n, w.cap)
	w.mu.Lock()
	for w.used+n > w.cap {
		w.cond.Wait()
	}
	w.used += n
	w.mu.Unlock()
}

func (w *weighted) release(n int64) {
	n = min(n, w.cap)
	w.mu.Lock()
	w.used -= n
	w.mu.Unlock()
	w.cond.Broadcast()
}

// flatten composites img over white into an opaque RGBA image, which the
// PNG encoder writes as 8-bit RGB.
func flatten(img image.Image) *image.RGBA {
	b := img.Bounds()
	rgba := image.NewRGBA(image.Rect(0, 0, b.Dx(), b.Dy()))
	draw.Draw(rgba, rgba.Bounds(), image.White, image.Point{}, draw.Src)
	draw.Draw(rgba, rgba.Bounds(), img, b.Min, draw.Over)
	return rgba
}

// pngInterlaced reads the interlace byte of the IHDR chunk.
func pngInterlaced(b []byte) bool {
	return len(b) > 28 && bytes.HasPrefix(b, []byte(pngSignature)) && b[28] != 0
}

// toPNG decodes a small in-memory image (GIF, WebP, interlaced PNG embedded
// in a chat export) and encodes it as an RGB PNG fpdf can carry.
func toPNG(data []byte) ([]byte, error) {
	img, _, err := image.Decode(bytes.NewReader(data))
	if err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	enc := png.Encoder{CompressionLevel: png.BestSpeed}
	if err := enc.Encode(&buf, flatten(img)); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}
