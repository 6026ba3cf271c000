package bundle

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"path"
	"path/filepath"
	"slices"
	"strings"
	"unicode/utf8"
)

// RootHashCommand recomputes the evidence root hash of a bag with standard
// tools, run in the bag's root folder. EvidenceRootHash and Verify compute
// exactly what it prints.
const RootHashCommand = "grep '  data/evidence/' manifest-sha256.txt | LC_ALL=C sort | sha256sum"

// EvidencePrefix is the bag path prefix of the originals covered by the root hash.
const EvidencePrefix = "data/evidence/"

// maxTagFileSize bounds how much of a tag file (manifest, bag-info.txt …) is
// held in memory.
const maxTagFileSize = 64 << 20

// Entry is one payload file: its bag path (slash-separated, relative to the
// bag root, not encoded) and its lower-case hex SHA-256.
type Entry struct {
	Path   string `json:"path"`
	SHA256 string `json:"sha256"`
}

// ManifestEntry is one parsed manifest line. Path is decoded (RFC 8493
// §2.1.3) and has any leading "./" removed; Sum is the checksum as written.
type ManifestEntry struct {
	Path string
	Sum  string
	Line int
}

// Field is one bag-info.txt element.
type Field struct {
	Label string `json:"label"`
	Value string `json:"value"`
}

// EvidenceRootHash returns the evidence root hash of entries: the hex SHA-256
// over the manifest-sha256.txt lines ("<hex>  <path>\n", exactly as the
// Writer writes them) of the entries under data/evidence/, sorted bytewise.
// It equals the output of RootHashCommand on the committed bag.
func EvidenceRootHash(entries []Entry) string {
	var lines []string
	for _, e := range entries {
		if strings.HasPrefix(e.Path, EvidencePrefix) {
			lines = append(lines, FormatManifestLine(strings.ToLower(e.SHA256), e.Path))
		}
	}
	slices.Sort(lines)
	h := sha256.New()
	for _, l := range lines {
		io.WriteString(h, l)
	}
	return hex.EncodeToString(h.Sum(nil))
}

// rootHashOfManifest computes RootHashCommand over the raw bytes of a
// manifest-sha256.txt: every LF-terminated line containing
// "  data/evidence/", sorted bytewise, each hashed with its "\n".
func rootHashOfManifest(b []byte) string {
	raw := bytes.Split(b, []byte("\n"))
	if len(raw) > 0 && len(raw[len(raw)-1]) == 0 {
		raw = raw[:len(raw)-1]
	}
	var lines [][]byte
	for _, l := range raw {
		if bytes.Contains(l, []byte("  "+EvidencePrefix)) {
			lines = append(lines, l)
		}
	}
	slices.SortFunc(lines, bytes.Compare)
	h := sha256.New()
	for _, l := range lines {
		h.Write(l)
		h.Write([]byte("\n"))
	}
	return hex.EncodeToString(h.Sum(nil))
}

// FormatManifestLine returns one manifest line, "<sum>  <encoded path>\n".
func FormatManifestLine(sum, p string) string {
	return sum + "  " + EncodePath(p) + "\n"
}

// EncodePath percent-encodes "%", LF and CR in a manifest path (RFC 8493 §2.1.3).
func EncodePath(p string) string {
	if !strings.ContainsAny(p, "%\r\n") {
		return p
	}
	var b strings.Builder
	for i := 0; i < len(p); i++ {
		switch p[i] {
		case '%':
			b.WriteString("%25")
		case '\n':
			b.WriteString("%0A")
		case '\r':
			b.WriteString("%0D")
		default:
			b.WriteByte(p[i])
		}
	}
	return b.String()
}

// DecodePath reverses EncodePath. Other "%" sequences are left as they are,
// as RFC 8493 only defines these three.
func DecodePath(p string) string {
	if !strings.Contains(p, "%") {
		return p
	}
	var b strings.Builder
	for i := 0; i < len(p); i++ {
		if p[i] == '%' && i+2 < len(p) {
			switch strings.ToUpper(p[i+1 : i+3]) {
			case "25":
				b.WriteByte('%')
				i += 2
				continue
			case "0A":
				b.WriteByte('\n')
				i += 2
				continue
			case "0D":
				b.WriteByte('\r')
				i += 2
				continue
			}
		}
		b.WriteByte(p[i])
	}
	return b.String()
}

// checkBagPath reports why p is not an acceptable slash-separated path
// inside a bag, or returns nil. It rejects empty, absolute, non-canonical and
// escaping paths, backslashes, NUL, drive letters and invalid UTF-8.
func checkBagPath(p string) error {
	bad := func(msg string) error { return &PathError{Path: p, Msg: msg, Err: ErrInsecurePath} }
	switch {
	case p == "":
		return bad("empty path")
	case !utf8.ValidString(p):
		return bad("not valid UTF-8 (BagIt manifests hold UTF-8 names only; rename the file)")
	case strings.ContainsRune(p, 0):
		return bad("contains NUL")
	case strings.Contains(p, `\`):
		return bad("contains a backslash")
	case strings.HasPrefix(p, "/"):
		return bad("absolute path")
	case path.Clean(p) != p:
		return bad("not a clean path")
	case !filepath.IsLocal(filepath.FromSlash(p)):
		return bad("not local")
	}
	for _, c := range strings.Split(p, "/") {
		if c == ".." || c == "." {
			return bad("contains " + c)
		}
	}
	if first, _, _ := strings.Cut(p, "/"); strings.Contains(first, ":") {
		return bad("drive letter or stream name")
	}
	return nil
}

// splitLines splits text at LF, CR or CRLF. A final terminator does not
// produce an empty last line.
func splitLines(s string) []string {
	var lines []string
	for len(s) > 0 {
		i := strings.IndexAny(s, "\r\n")
		if i < 0 {
			lines = append(lines, s)
			break
		}
		lines = append(lines, s[:i])
		if s[i] == '\r' && i+1 < len(s) && s[i+1] == '\n' {
			i++
		}
		s = s[i+1:]
	}
	return lines
}

// readUTF8 reads at most maxTagFileSize bytes of UTF-8 text from r, dropping a
// leading BOM.
func readUTF8(r io.Reader, file string) (string, error) {
	b, err := io.ReadAll(io.LimitReader(r, maxTagFileSize+1))
	if err != nil {
		return "", fmt.Errorf("read %s: %w", file, err)
	}
	if len(b) > maxTagFileSize {
		return "", &ManifestError{File: file, Msg: fmt.Sprintf("larger than %d bytes", maxTagFileSize)}
	}
	b = bytes.TrimPrefix(b, []byte("\uFEFF"))
	if !utf8.Valid(b) {
		return "", &ManifestError{File: file, Msg: "not valid UTF-8"}
	}
	return string(b), nil
}

// ParseManifest parses a BagIt 1.0 manifest or tag manifest in UTF-8 from r.
// file names it in errors; alg ("sha256", "md5" …) fixes the checksum length
// when known. It returns the valid entries and, if any line was malformed,
// the first *ManifestError.
func ParseManifest(r io.Reader, file, alg string) ([]ManifestEntry, error) {
	text, err := readUTF8(r, file)
	if err != nil {
		return nil, err
	}
	entries, errs := parseManifestText(text, file, alg, true)
	if len(errs) > 0 {
		return entries, errs[0]
	}
	return entries, nil
}

// parseManifestText parses decoded manifest text. decode selects RFC 8493
// percent-decoding of paths (BagIt ≥ 1.0). Bad lines are skipped and reported.
func parseManifestText(text, file, alg string, decode bool) ([]ManifestEntry, []*ManifestError) {
	var (
		entries []ManifestEntry
		errs    []*ManifestError
		seen    = map[string]int{}
	)
	sumLen := 0
	if a, ok := lookupAlgorithm(alg); ok {
		sumLen = a.size * 2
	}
	for i, line := range splitLines(text) {
		n := i + 1
		fail := func(format string, args ...any) {
			errs = append(errs, &ManifestError{File: file, Line: n, Msg: fmt.Sprintf(format, args...)})
		}
		if strings.Trim(line, " \t") == "" {
			continue
		}
		sep := strings.IndexAny(line, " \t")
		if sep <= 0 {
			fail("want \"<checksum> <path>\"")
			continue
		}
		sum, rest := line[:sep], strings.TrimLeft(line[sep:], " \t")
		if !isHex(sum) {
			fail("checksum %q is not hexadecimal", truncate(sum))
			continue
		}
		if sumLen > 0 && len(sum) != sumLen {
			fail("checksum has %d hex digits, %s needs %d", len(sum), alg, sumLen)
			continue
		}
		p := rest
		if decode {
			p = DecodePath(p)
		}
		for strings.HasPrefix(p, "./") {
			p = p[2:]
		}
		if err := checkBagPath(p); err != nil {
			fail("%v", err)
			continue
		}
		if first, dup := seen[p]; dup {
			fail("%q already listed on line %d", truncate(p), first)
			continue
		}
		seen[p] = n
		entries = append(entries, ManifestEntry{Path: p, Sum: sum, Line: n})
	}
	return entries, errs
}

// FormatManifest returns manifest text for entries, sorted by encoded path.
func FormatManifest(entries []ManifestEntry) []byte {
	sorted := slices.Clone(entries)
	slices.SortStableFunc(sorted, func(a, b ManifestEntry) int {
		return strings.Compare(EncodePath(a.Path), EncodePath(b.Path))
	})
	var b strings.Builder
	for _, e := range sorted {
		b.WriteString(FormatManifestLine(e.Sum, e.Path))
	}
	return []byte(b.String())
}

// ParseBagInfo parses bag-info.txt in UTF-8 from r. Labels and values are
// trimmed of surrounding spaces and tabs (so "Label : value" is accepted);
// continuation lines (starting with a space or tab) are joined to the
// previous value with one space; blank lines are skipped. Repeated labels are
// kept in order. On malformed lines it returns the valid fields and the first
// *ManifestError.
func ParseBagInfo(r io.Reader) ([]Field, error) {
	text, err := readUTF8(r, "bag-info.txt")
	if err != nil {
		return nil, err
	}
	fields, errs := parseBagInfoText(text, "bag-info.txt")
	if len(errs) > 0 {
		return fields, errs[0]
	}
	return fields, nil
}

func parseBagInfoText(text, file string) ([]Field, []*ManifestError) {
	var (
		fields []Field
		errs   []*ManifestError
	)
	for i, line := range splitLines(text) {
		fail := func(msg string) { errs = append(errs, &ManifestError{File: file, Line: i + 1, Msg: msg}) }
		v := strings.Trim(line, " \t")
		if v == "" {
			continue
		}
		if line[0] == ' ' || line[0] == '\t' {
			if len(fields) == 0 {
				fail("continuation line before the first label")
				continue
			}
			f := &fields[len(fields)-1]
			if f.Value == "" {
				f.Value = v
			} else {
				f.Value += " " + v
			}
			continue
		}
		label, value, ok := strings.Cut(line, ":")
		if !ok {
			fail("want \"Label: value\"")
			continue
		}
		label = strings.Trim(label, " \t")
		if label == "" {
			fail("empty label")
			continue
		}
		fields = append(fields, Field{Label: label, Value: strings.Trim(value, " \t")})
	}
	return fields, errs
}

// FormatBagInfo returns bag-info.txt text, one "Label: value" line per
// field in the given order. Labels must be non-empty, without ":" and without
// surrounding whitespace; neither may contain CR or LF or be invalid UTF-8.
func FormatBagInfo(fields []Field) ([]byte, error) {
	var b strings.Builder
	for _, f := range fields {
		if err := checkField(f); err != nil {
			return nil, err
		}
		b.WriteString(f.Label)
		b.WriteString(": ")
		b.WriteString(f.Value)
		b.WriteString("\n")
	}
	return []byte(b.String()), nil
}

func checkField(f Field) error {
	bad := func(msg string) error {
		return fmt.Errorf("bag-info field %q: %s", truncate(f.Label), msg)
	}
	switch {
	case f.Label == "":
		return bad("empty label")
	case strings.Trim(f.Label, " \t") != f.Label:
		return bad("label starts or ends with whitespace")
	case strings.ContainsAny(f.Label, ":\r\n"):
		return bad("label contains \":\", CR or LF")
	case strings.ContainsAny(f.Value, "\r\n"):
		return bad("value contains CR or LF")
	case strings.Trim(f.Value, " \t") != f.Value:
		return bad("value starts or ends with whitespace")
	case !utf8.ValidString(f.Label) || !utf8.ValidString(f.Value):
		return bad("not valid UTF-8 (BagIt manifests hold UTF-8 names only; rename the file)")
	}
	return nil
}

func isHex(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F') {
			return false
		}
	}
	return true
}

func truncate(s string) string {
	const n = 80
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}
