package chat

import (
	"bufio"
	"bytes"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"net/textproto"
	"path"
	"strings"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

const labelQQMHT = "QQ 消息管理器导出（MHT）"

// looksMHT reports a MIME multipart/related document (an .mht/.mhtml file).
func looksMHT(b []byte) bool {
	if len(b) > 4096 {
		b = b[:4096]
	}
	l := bytes.ToLower(b)
	return bytes.Contains(l, []byte("content-type:")) && bytes.Contains(l, []byte("multipart/related"))
}

// countLines counts lines the way splitAll splits them.
func countLines(b []byte) int { return countLinesString(b) }

// multipartBoundary reads the media type and boundary of a Content-Type
// header. QQ writes the parameters without separating semicolons
// (`multipart/related; charset="utf-8" type="text/html"; boundary="…"`), which
// mime.ParseMediaType rejects, so the boundary is also looked up by hand.
func multipartBoundary(ct string) (string, string) {
	if mt, params, err := mime.ParseMediaType(ct); err == nil {
		return mt, params["boundary"]
	}
	mt, _, _ := strings.Cut(ct, ";")
	mt = strings.ToLower(strings.TrimSpace(mt))
	i := strings.Index(lowerASCII(ct), "boundary=")
	if i < 0 {
		return mt, ""
	}
	v := ct[i+len("boundary="):]
	if strings.HasPrefix(v, `"`) {
		v, _, _ = strings.Cut(v[1:], `"`)
	} else if j := strings.IndexAny(v, "; \t\r\n"); j >= 0 {
		v = v[:j]
	}
	if len(v) > 200 {
		return mt, ""
	}
	return mt, v
}

// lowerASCII lowercases A–Z only, so byte offsets stay valid for any input.
func lowerASCII(s string) string {
	b := []byte(s)
	for i, c := range b {
		if c >= 'A' && c <= 'Z' {
			b[i] = c + 0x20
		}
	}
	return string(b)
}

// spaceDropper removes blanks and tabs that some writers leave in base64
// bodies; the base64 decoder already skips CR and LF.
type spaceDropper struct{ r io.Reader }

func (d spaceDropper) Read(b []byte) (int, error) {
	n, err := d.r.Read(b)
	j := 0
	for _, c := range b[:n] {
		if c != ' ' && c != '\t' {
			b[j] = c
			j++
		}
	}
	return j, err
}

// parseMHT parses a QQ 消息管理器 MHT export: MIME multipart/related with one
// HTML part and images referenced by Content-Location.
func (p *parser) parseMHT(data []byte) error {
	p.log.Format, p.log.Label = FormatQQMHT, labelQQMHT
	p.log.TimeNote = "消息时间按导出文件所写的北京时间（UTC+8）读取，日期取自“日期:”分组行"
	p.log.Lines = countLines(data)
	br := bufio.NewReader(bytes.NewReader(data))
	hdr, err := textproto.NewReader(br).ReadMIMEHeader()
	if err != nil && len(hdr) == 0 {
		return newError(p.file, 1, ErrCorrupt, "read mime header", "MHT 文件头无法读取")
	}
	mt, boundary := multipartBoundary(hdr.Get("Content-Type"))
	if !strings.HasPrefix(mt, "multipart/") || boundary == "" {
		return newError(p.file, 1, ErrCorrupt, "no multipart boundary", "MHT 文件缺少分段边界，无法读取")
	}
	mr := multipart.NewReader(br, boundary)
	var htmlBytes []byte
	decodedLeft := p.lim.decoded
	parts := 0
	for {
		part, err := mr.NextPart()
		if err == io.EOF {
			break
		}
		if err != nil {
			if parts == 0 {
				return newError(p.file, 0, ErrCorrupt, "no mime parts", "MHT 文件中没有可读取的内容")
			}
			p.warn("truncated", 0, "mht ends without its final boundary", "MHT 文件不完整（缺少结尾边界），已读取可用部分")
			break
		}
		parts++
		if parts > p.lim.parts {
			return newError(p.file, 0, ErrTooManyParts, fmt.Sprintf("more than %d parts", p.lim.parts), fmt.Sprintf("MHT 文件超过 %d 个分段，无法处理", p.lim.parts))
		}
		var r io.Reader = part
		if strings.EqualFold(strings.TrimSpace(part.Header.Get("Content-Transfer-Encoding")), "base64") {
			r = base64.NewDecoder(base64.StdEncoding, spaceDropper{part})
		}
		body, rerr := io.ReadAll(io.LimitReader(r, int64(decodedLeft)+1))
		if len(body) > decodedLeft {
			return newError(p.file, 0, ErrTooLarge, fmt.Sprintf("decoded parts exceed %d bytes", p.lim.decoded), "MHT 解码后的内容过大，无法处理")
		}
		decodedLeft -= len(body)
		ct, _, _ := mime.ParseMediaType(part.Header.Get("Content-Type"))
		loc := strings.TrimSpace(part.Header.Get("Content-Location"))
		isHTML := ct == "text/html" || (ct == "" && htmlBytes == nil && bytes.Contains(bytes.ToLower(body[:min(len(body), 512)]), []byte("<html")))
		var corrupt base64.CorruptInputError
		switch {
		case rerr == nil:
		case errors.As(rerr, &corrupt):
			if isHTML {
				return newError(p.file, 0, ErrCorrupt, "bad base64 in html part", "MHT 正文的 base64 编码损坏")
			}
			p.warn("bad-base64", 0, fmt.Sprintf("part %q has broken base64", loc), fmt.Sprintf("图片 %s 的编码已损坏，未能取出", loc))
			continue
		default:
			p.warn("truncated", 0, fmt.Sprintf("part %q is truncated", loc), fmt.Sprintf("MHT 分段 %s 不完整，已读取可用部分", loc))
		}
		switch {
		case isHTML && htmlBytes == nil:
			htmlBytes = body
		case isHTML:
			p.warn("extra-html", 0, "extra html part ignored", "MHT 中多余的网页分段已忽略")
		case strings.HasPrefix(ct, "image/") || loc != "":
			p.log.Images = append(p.log.Images, Image{Name: loc, ContentType: ct, Data: body})
		}
		if rerr != nil && !errors.As(rerr, &corrupt) {
			break
		}
	}
	if htmlBytes == nil {
		return newError(p.file, 0, ErrCorrupt, "no html part", "MHT 文件中没有聊天记录正文")
	}
	text, enc := decodeText(htmlBytes)
	p.log.Encoding = enc
	base := 1
	if first, _, _ := bytes.Cut(htmlBytes, []byte("\n")); len(first) >= 8 {
		if i := bytes.Index(data, first[:min(len(first), 64)]); i >= 0 {
			base = countLines(data[:i+1])
		}
	}
	return p.parseMHTHTML(text, base)
}

// chunk is the text of one block element (div, td, …) of the HTML.
type chunk struct {
	line int
	text strings.Builder
	imgs []string
}

// htmlChunks tokenizes the HTML into block-level text chunks; <br> becomes a
// newline and <img> the placeholder [图片] plus a reference to its src.
func htmlChunks(src string) []*chunk {
	z := html.NewTokenizer(strings.NewReader(src))
	line := 1
	var out []*chunk
	cur := &chunk{line: 1}
	skip := 0
	newChunk := func() {
		if cur.text.Len() > 0 || len(cur.imgs) > 0 {
			out = append(out, cur)
		}
		cur = &chunk{line: line}
	}
	for {
		tt := z.Next()
		if tt == html.ErrorToken {
			break
		}
		raw := z.Raw()
		startLine := line
		line += bytes.Count(raw, []byte("\n"))
		switch tt {
		case html.TextToken:
			if skip > 0 {
				continue
			}
			t := strings.Map(func(r rune) rune {
				switch r {
				case '\n', '\r', '\t', '\u00a0':
					return ' '
				}
				return r
			}, string(z.Text()))
			if cur.text.Len() == 0 && len(cur.imgs) == 0 {
				if strings.TrimSpace(t) == "" {
					cur.line = line
					continue
				}
				cur.line = startLine
			}
			cur.text.WriteString(t)
		case html.StartTagToken, html.EndTagToken, html.SelfClosingTagToken:
			name, hasAttr := z.TagName()
			a := atom.Lookup(name)
			switch a {
			case atom.Style, atom.Script, atom.Title, atom.Head:
				if tt == html.StartTagToken {
					skip++
				} else if tt == html.EndTagToken && skip > 0 {
					skip--
				}
			case atom.Br:
				cur.text.WriteByte('\n')
			case atom.Img:
				if tt == html.EndTagToken {
					continue
				}
				var srcAttr string
				for hasAttr {
					var k, v []byte
					k, v, hasAttr = z.TagAttr()
					if string(k) == "src" {
						srcAttr = string(v)
					}
				}
				if cur.text.Len() == 0 && len(cur.imgs) == 0 {
					cur.line = startLine
				}
				cur.text.WriteString("[图片]")
				cur.imgs = append(cur.imgs, srcAttr)
			case atom.Div, atom.Tr, atom.Td, atom.Th, atom.P, atom.Table, atom.Li, atom.Body, atom.Html,
				atom.H1, atom.H2, atom.H3, atom.H4, atom.H5, atom.H6:
				newChunk()
				cur.line = line
			}
		}
	}
	newChunk()
	return out
}

// chunkText normalises a chunk: spaces trimmed on every line, blank lines at
// either end dropped.
func chunkText(c *chunk) string {
	lines := strings.Split(c.text.String(), "\n")
	for i, l := range lines {
		lines[i] = strings.TrimSpace(l)
	}
	return joinBody(lines)
}

// mhtDate reads a "日期: YYYY-MM-DD" group row.
func mhtDate(s string) (stamp, bool) {
	rest, ok := strings.CutPrefix(s, "日期")
	if !ok {
		return stamp{}, false
	}
	rest = strings.TrimSpace(rest)
	if r, ok := strings.CutPrefix(rest, ":"); ok {
		rest = r
	} else if r, ok := strings.CutPrefix(rest, "："); ok {
		rest = r
	} else {
		return stamp{}, false
	}
	rest = strings.TrimSpace(rest)
	st, n, ok := scanLoose(rest + " 0:00")
	if !ok || n != len(rest)+len(" 0:00") {
		return stamp{}, false
	}
	return st, true
}

func (p *parser) parseMHTHTML(src string, base int) error {
	chunks := htmlChunks(src)
	texts := make([]string, len(chunks))
	for i, c := range chunks {
		texts[i] = chunkText(c)
	}
	lineOf := func(c *chunk) int {
		l := base + c.line - 1
		return max(1, min(l, p.log.Lines))
	}
	var date stamp
	haveDate := false
	var cur *Message
	var body []string
	var refs []string
	var pend []msgRefs
	flush := func() error {
		if cur == nil {
			return nil
		}
		if err := p.addBody(cur, body); err != nil {
			return err
		}
		if len(refs) > 0 {
			pend = append(pend, msgRefs{len(p.log.Messages) - 1, refs})
		}
		cur, body, refs = nil, nil, nil
		return nil
	}
	for i := 0; i < len(chunks); i++ {
		t := texts[i]
		if st, ok := mhtDate(t); ok {
			if err := flush(); err != nil {
				return err
			}
			date, haveDate = st, true
			continue
		}
		if cur == nil {
			if v, ok := cutLabel(t, "消息分组"); ok {
				p.log.Group = v
				continue
			}
			if v, ok := cutLabel(t, "消息对象"); ok {
				p.log.Peer = v
				continue
			}
		}
		if i+1 < len(chunks) && t != "" && !strings.Contains(t, "\n") && len(chunks[i].imgs) == 0 {
			if clock, ok := isClockOnly(texts[i+1]); ok {
				if _, self := isClockOnly(t); !self {
					if err := flush(); err != nil {
						return err
					}
					sd := parseSender(t)
					cur = &Message{Line: lineOf(chunks[i]), Sender: sd.name, SenderID: sd.id, Role: sd.role, System: isSystemSender(sd)}
					if haveDate {
						clock.y, clock.mo, clock.d, clock.hasDate = date.y, date.mo, date.d, true
						p.setTime(cur, clock)
					} else {
						p.warn("no-date", cur.Line, "message time without a date row", "消息时间前没有“日期”行，无法确定日期")
					}
					i++
					continue
				}
			}
		}
		if cur == nil {
			continue
		}
		if t != "" {
			body = append(body, t)
		}
		refs = append(refs, chunks[i].imgs...)
	}
	if err := flush(); err != nil {
		return err
	}
	p.linkImages(pend)
	return nil
}

// msgRefs are the img references of one message.
type msgRefs struct {
	msg  int
	refs []string
}

// imageKey normalises a Content-Location or an img src for matching.
func imageKey(s string) string {
	s = strings.ToLower(strings.TrimSpace(s))
	s = strings.TrimPrefix(s, "cid:")
	s = strings.TrimPrefix(s, "file:///")
	s = strings.ReplaceAll(s, "\\", "/")
	return path.Base(s)
}

// linkImages resolves each message's img references to Log.Images indices.
func (p *parser) linkImages(pend []msgRefs) {
	byKey := make(map[string]int, len(p.log.Images))
	for i, im := range p.log.Images {
		if k := imageKey(im.Name); k != "" && k != "." {
			if _, dup := byKey[k]; !dup {
				byKey[k] = i
			}
		}
	}
	for _, pr := range pend {
		m := &p.log.Messages[pr.msg]
		for _, ref := range pr.refs {
			if i, ok := byKey[imageKey(ref)]; ok && ref != "" {
				m.Images = append(m.Images, i)
				continue
			}
			p.warn("missing-image", m.Line, fmt.Sprintf("image %q not found in the mht", ref), fmt.Sprintf("消息引用的图片 %s 不在 MHT 文件中", ref))
		}
	}
}
