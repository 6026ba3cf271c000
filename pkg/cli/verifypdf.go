package cli

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/evipack/evipack/pkg/bundle"
	"github.com/evipack/evipack/pkg/pack"
	"github.com/evipack/evipack/pkg/pdfnorm"
)

// maxVerifyPDF bounds the PDF read into memory by verify.
const maxVerifyPDF = 1 << 30

// PDFExhibit is one exhibit a report PDF declares, and what was found when
// its original was re-hashed.
type PDFExhibit struct {
	Index   int    `json:"index"`
	Path    string `json:"path"`
	BagPath string `json:"bag_path"`
	SHA256  string `json:"sha256"`
	Status  string `json:"status,omitempty"` // ok, changed, missing; "" when no originals were given
	Found   string `json:"found,omitempty"`  // where the original was read
}

// PDFReport is what `verify FILE.pdf` finds.
type PDFReport struct {
	File         string       `json:"file"`
	RootHash     string       `json:"root_hash"`      // declared by the embedded evipack.json
	MetadataHash bool         `json:"metadata_match"` // the PDF's metadata names the same root hash
	Originals    string       `json:"originals,omitempty"`
	Computed     string       `json:"computed_root_hash,omitempty"`
	Exhibits     []PDFExhibit `json:"exhibits"`
	OK           bool         `json:"ok"`
}

var errNoManifest = errors.New("the PDF carries no evipack.json: it was not made by evipack ≥ 0.1, or the attachment was removed")

// verifyPDF reads the manifest a report PDF carries and, when the originals
// are available (originals, or the bag the PDF sits in), re-hashes them.
func verifyPDF(ctx context.Context, path, originals string) (*PDFReport, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("verify %s: %w", path, err)
	}
	data, err := io.ReadAll(io.LimitReader(f, maxVerifyPDF+1))
	f.Close()
	if err != nil {
		return nil, fmt.Errorf("verify %s: %w", path, err)
	}
	if len(data) > maxVerifyPDF {
		return nil, fmt.Errorf("verify %s: larger than %d bytes", path, maxVerifyPDF)
	}
	files, err := pdfnorm.Attachments(data)
	if err != nil {
		return nil, fmt.Errorf("verify %s: %w", path, err)
	}
	var raw []byte
	for _, a := range files {
		if a.Name == pack.ManifestName {
			raw = a.Data
		}
	}
	if raw == nil {
		return nil, fmt.Errorf("verify %s: %w", path, errNoManifest)
	}
	var m pack.Manifest
	if err := json.Unmarshal(raw, &m); err != nil {
		return nil, fmt.Errorf("verify %s: embedded %s: %w", path, pack.ManifestName, err)
	}
	rep := &PDFReport{File: path, RootHash: m.RootHash.SHA256}
	if info, err := pdfnorm.Info(data); err == nil {
		rep.MetadataHash = strings.Contains(info["Subject"], m.RootHash.SHA256) && m.RootHash.SHA256 != ""
	}
	// The declared exhibits must give the declared root hash.
	entries := make([]bundle.Entry, 0, len(m.Items))
	for _, it := range m.Items {
		rep.Exhibits = append(rep.Exhibits, PDFExhibit{Index: it.Index, Path: it.Path, BagPath: it.BagPath, SHA256: it.SHA256})
		entries = append(entries, bundle.Entry{Path: it.BagPath, SHA256: it.SHA256})
	}
	declaredOK := bundle.EvidenceRootHash(entries) == m.RootHash.SHA256 && rep.MetadataHash
	rep.OK = declaredOK

	if originals == "" {
		// Inside a bag: <bag>/data/report/<name>.pdf.
		bag := filepath.Dir(filepath.Dir(filepath.Dir(path)))
		if _, err := os.Stat(filepath.Join(bag, "bagit.txt")); err == nil && filepath.Base(filepath.Dir(path)) == "report" {
			originals = bag
		}
	}
	if originals == "" {
		return rep, nil
	}
	rep.Originals = originals
	got := make([]bundle.Entry, 0, len(rep.Exhibits))
	for i := range rep.Exhibits {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		ex := &rep.Exhibits[i]
		ex.Status = "missing"
		// A bag keeps originals at their bag path, a case folder at their
		// original path.
		for _, p := range []string{ex.BagPath, ex.Path} {
			full := filepath.Join(originals, filepath.FromSlash(p))
			sum, err := fileSHA256(full)
			if err != nil {
				continue
			}
			ex.Found = full
			ex.Status = "ok"
			if sum != ex.SHA256 {
				ex.Status = "changed"
				rep.OK = false
			}
			got = append(got, bundle.Entry{Path: ex.BagPath, SHA256: sum})
			break
		}
		if ex.Status == "missing" {
			rep.OK = false
		}
	}
	if len(got) == len(rep.Exhibits) {
		rep.Computed = bundle.EvidenceRootHash(got)
		if rep.Computed != rep.RootHash {
			rep.OK = false
		}
	}
	return rep, nil
}

func fileSHA256(p string) (string, error) {
	f, err := os.Open(p)
	if err != nil {
		return "", err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil || !st.Mode().IsRegular() {
		return "", fmt.Errorf("%s: not a regular file", p)
	}
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return "", err
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

func printPDFVerify(env *Env, rep *PDFReport) {
	fmt.Fprintf(env.ErrOut, "  %s %s\n", env.msg("declared root hash", "PDF 声明的根哈希"), rep.RootHash)
	if !rep.MetadataHash {
		fmt.Fprintf(env.ErrOut, "  %s\n", env.msg("the PDF metadata does not carry this root hash", "PDF 元数据中的根哈希与内嵌清单不一致"))
	}
	for _, ex := range rep.Exhibits {
		line := fmt.Sprintf("  证据%d  %s  %s", ex.Index, ex.SHA256[:min(16, len(ex.SHA256))], ex.Path)
		if ex.Status != "" {
			line += "  " + ex.Status
		}
		fmt.Fprintln(env.ErrOut, line)
	}
	switch {
	case rep.Originals == "":
		fmt.Fprintf(env.ErrOut, "%s %s: %s\n", mark(rep.OK), rep.File, env.msg(
			"the PDF is consistent; pass --originals DIR (the case folder or the bag) to re-hash the originals",
			"PDF 内容自洽；用 --originals 指定案件文件夹或证据包，可重新核对原件"))
	case rep.OK:
		fmt.Fprintf(env.ErrOut, "✓ %s: %s\n", rep.File, env.msg(
			fmt.Sprintf("all %d originals in %s match, root hash ok", len(rep.Exhibits), rep.Originals),
			fmt.Sprintf("%s 中的 %d 份原件全部一致，根哈希一致", rep.Originals, len(rep.Exhibits))))
	default:
		fmt.Fprintf(env.ErrOut, "✗ %s: %s\n", rep.File, env.msg("originals do not match what the PDF declares", "原件与 PDF 声明的不一致"))
	}
}

func mark(ok bool) string {
	if ok {
		return "✓"
	}
	return "✗"
}
