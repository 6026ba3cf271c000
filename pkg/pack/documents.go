package pack

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/evipack/evipack/pkg/casefile"
	"github.com/evipack/evipack/pkg/checklist"
	"github.com/evipack/evipack/pkg/evidence"
	"github.com/evipack/evipack/pkg/letters"
)

// textFile is a document written beside the PDF as UTF-8 text, for copying
// into web forms.
type textFile struct {
	path string
	data []byte
}

// docSet is everything the target needs: the letter (or why there is none),
// the 12315 form fields, the timeline and the .txt copies.
type docSet struct {
	letter   *letters.Doc
	refusal  string
	form     []letters.FormField
	timeline []letters.Event
	texts    []textFile
}

// documents writes the documents for the case's target.
func documents(c *casefile.Case, items []*evidence.Item, res *checklist.Result, now time.Time) (*docSet, error) {
	ds := &docSet{timeline: letters.Timeline(c, items)}
	var err error
	switch c.Target {
	case casefile.TargetPayment:
		ds.letter, err = letters.PaymentComplaint(c, items, res)
	case casefile.TargetArbitration:
		ds.letter, err = letters.Arbitration(c, items, res, now)
	case casefile.TargetMerchant:
		ds.letter, err = letters.DemandLetter(c, items, res, now)
	default:
		ds.letter, err = letters.Complaint12315(c, items, res, now)
		ds.form = letters.FormFields12315(c, items, res)
	}
	var refusal *letters.Refusal
	switch {
	case errors.As(err, &refusal):
		ds.letter, ds.refusal = nil, refusal.Zh
	case err != nil:
		return nil, fmt.Errorf("documents: %w", err)
	}
	// Every printed citation must be on LEGAL.md's safe list; a template or
	// rule that slips is a bug, and the document is not written.
	var check []string
	if ds.letter != nil {
		check = append(check, ds.letter.Text())
	}
	for _, f := range res.Findings {
		check = append(check, f.Detail, f.Fix)
	}
	for _, q := range res.Requirements {
		check = append(check, q.Hint)
	}
	for _, d := range res.Deadlines {
		check = append(check, d.Note)
	}
	for _, text := range check {
		if bad := letters.CheckCitations(text); len(bad) > 0 {
			return nil, fmt.Errorf("documents: citation not on the verified list: %s", strings.Join(bad, "; "))
		}
	}
	if ds.letter != nil {
		ds.texts = append(ds.texts, textFile{"data/report/" + ds.letter.Title + ".txt", []byte(ds.letter.Text())})
	}
	if len(ds.form) > 0 {
		var b strings.Builder
		b.WriteString("12315 填表页（每项后为字数）\n\n")
		for _, f := range ds.form {
			fmt.Fprintf(&b, "【%s】（%d 字）\n%s\n\n", f.Name, f.Runes, f.Value)
		}
		ds.texts = append(ds.texts, textFile{"data/report/12315填表页.txt", []byte(b.String())})
	}
	if len(ds.timeline) > 0 {
		sec := letters.TimelineSection(ds.timeline)
		var b strings.Builder
		b.WriteString("事实经过\n\n")
		for _, p := range sec.Paragraphs {
			b.WriteString(p + "\n")
		}
		ds.texts = append(ds.texts, textFile{"data/report/事实经过.txt", []byte(b.String())})
	}
	return ds, nil
}
