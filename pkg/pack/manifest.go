package pack

import (
	"bytes"
	"encoding/json"
	"time"

	"github.com/evipack/evipack/pkg/bundle"
	"github.com/evipack/evipack/pkg/casefile"
	"github.com/evipack/evipack/pkg/checklist"
	"github.com/evipack/evipack/pkg/evidence"
	"github.com/evipack/evipack/pkg/render"
)

// ManifestFormat identifies the layout of evipack.json.
const ManifestFormat = "evipack-manifest/1"

// Manifest is evipack.json: everything the bundle knows, for machines. It is
// built from slices and structs only, so its bytes never depend on map order.
type Manifest struct {
	Format    string            `json:"format"`
	Tool      Tool              `json:"tool"`
	Case      ManifestCase      `json:"case"`
	Packaging PackagingTime     `json:"packaging"`
	RootHash  RootHash          `json:"root_hash"`
	Report    ReportInfo        `json:"report"`
	Items     []*evidence.Item  `json:"items"`
	Skipped   []SkippedPath     `json:"skipped"`
	Problems  []CaseProblem     `json:"case_problems"`
	Checklist *checklist.Result `json:"checklist"`
}

// Tool names the program that built the bundle.
type Tool struct {
	Name    string `json:"name"`
	Version string `json:"version"`
}

// ManifestCase is the case as the manifest records it.
type ManifestCase struct {
	Folder      string `json:"folder"`
	HasCaseFile bool   `json:"has_case_yaml"`
	Type        string `json:"type"`
	Target      string `json:"target"`
	Complainant string `json:"complainant,omitempty"`
	Respondent  string `json:"respondent,omitempty"`
	Item        string `json:"item,omitempty"`
	OrderNo     string `json:"order_no,omitempty"`
	AmountCents int64  `json:"amount_cents,omitempty"`
}

// PackagingTime is when the bundle was made, by an unverified clock.
type PackagingTime struct {
	Time     time.Time `json:"time"`
	Source   string    `json:"source"` // "SOURCE_DATE_EPOCH" or "clock"
	Verified bool      `json:"verified"`
}

// RootHash identifies the evidence set and says how to recompute it.
type RootHash struct {
	SHA256  string `json:"sha256"`
	Method  string `json:"method"`
	Command string `json:"command"`
}

// ReportInfo describes the PDF in data/report.
type ReportInfo struct {
	Path         string        `json:"path"`
	Pages        int           `json:"pages"`
	ExhibitPages []ExhibitPage `json:"exhibit_pages"`
	Texts        []string      `json:"texts"` // the documents as .txt, for copying
	Volumes      []VolumeInfo  `json:"volumes"`
}

// VolumeInfo is one PDF file of the report.
type VolumeInfo struct {
	Path      string `json:"path"`
	Number    int    `json:"number"`
	FirstPage int    `json:"first_page"`
	Pages     int    `json:"pages"`
	Exhibits  []int  `json:"exhibits"`
}

// ExhibitPage is where one exhibit starts in the PDF.
type ExhibitPage struct {
	Index int `json:"index"`
	Page  int `json:"page"`
}

// SkippedPath is a path of the case folder that is not in the bag.
type SkippedPath struct {
	Path    string `json:"path"`
	Code    string `json:"code"`
	Message string `json:"message"`
	Zh      string `json:"message_zh"`
}

// CaseProblem is a doubtful value in case.yaml that did not stop the build.
type CaseProblem struct {
	Line    int    `json:"line"`
	Key     string `json:"key"`
	Message string `json:"message"`
	Zh      string `json:"message_zh"`
}

func newManifest(folder string, c *casefile.Case, res *evidence.Result, rootHash string, opts Options, rr *render.Result, problems casefile.Errors) *Manifest {
	m := &Manifest{
		Format: ManifestFormat,
		Tool:   Tool{Name: "evipack", Version: opts.Version},
		Case: ManifestCase{
			Folder: folder, HasCaseFile: res.HasCase, Type: c.Type, Target: c.Target,
			Complainant: c.Complainant.Name, Respondent: c.Respondent.Name,
			Item: c.Order.Item, OrderNo: c.Order.OrderNo, AmountCents: int64(c.Order.Amount),
		},
		Packaging: PackagingTime{Time: opts.Packaging, Source: opts.PackagingSource},
		RootHash: RootHash{
			SHA256:  rootHash,
			Method:  "SHA-256 over the byte-wise sorted lines of manifest-sha256.txt whose path starts with data/evidence/, each line with its newline",
			Command: bundle.RootHashCommand,
		},
		Report:   ReportInfo{Path: ReportVolumePath(1, len(rr.Volumes)), Pages: rr.Pages},
		Items:    res.Items,
		Skipped:  []SkippedPath{},
		Problems: []CaseProblem{},
	}
	for _, it := range res.Items {
		if it.Times == nil {
			it.Times = []evidence.TimeRecord{}
		}
		m.Report.ExhibitPages = append(m.Report.ExhibitPages, ExhibitPage{Index: it.Index, Page: rr.ExhibitPages[it.Index]})
	}
	for _, v := range rr.Volumes {
		m.Report.Volumes = append(m.Report.Volumes, VolumeInfo{Path: ReportVolumePath(v.Number, len(rr.Volumes)), Number: v.Number, FirstPage: v.FirstPage, Pages: v.Pages, Exhibits: v.Items})
	}
	for _, s := range res.Skipped {
		m.Skipped = append(m.Skipped, SkippedPath{Path: s.Path, Code: s.Code, Message: s.Msg, Zh: s.Zh})
	}
	for _, p := range append(append(casefile.Errors{}, c.Warnings...), problems...) {
		m.Problems = append(m.Problems, CaseProblem{Line: p.Line, Key: p.Key, Message: p.Msg, Zh: p.Zh})
	}
	return m
}

// JSON encodes the manifest with two-space indentation and a final newline,
// without HTML escaping so Chinese and "<>&" stay readable.
func (m *Manifest) JSON() ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(m); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}
