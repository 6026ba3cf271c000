// Package letters writes the documents a consumer files — the 12315 投诉书
// and its form-filling fields, the WeChat Pay / Alipay complaint text, the
// 仲裁申请书 and the 催告函 to the merchant — and the 事实经过 timeline they
// share, from case.yaml, the evidence items and the checklist result.
//
// Layout and fixed wording live in text/template files (templates/letters/
// *.tmpl); the Go code decides which facts, requests and legal provisions a
// case supports. Every fact sentence cites its exhibit as （证据N）, amounts
// are printed to the cent and only the provisions on the verified list in
// LEGAL.md are cited. Output is deterministic: the packaging time is passed
// in, never read from the clock.
package letters

import "strings"

// Doc is one generated document.
type Doc struct {
	Target      string    // casefile.Target12315, TargetPayment, TargetArbitration or TargetMerchant
	Title       string    // e.g. 投诉书
	Sections    []Section // in order; a section may have an empty heading
	Attachments []string  // exhibits to enclose or upload, e.g. "证据1 微信支付凭证"
	Exhibits    []int     // the exhibit indices behind Attachments, in the same order
	Warnings    []string  // Chinese notes for the consumer, never part of the document text
}

// Section is a headed part of a document. Each paragraph is one line of text.
type Section struct {
	Heading    string
	Paragraphs []string
}

// Text renders the document as plain UTF-8 text with LF line ends: the title,
// then each section (heading line, one line per paragraph) separated by blank
// lines. Warnings are not part of the text.
func (d *Doc) Text() string {
	var b strings.Builder
	if d.Title != "" {
		b.WriteString(d.Title)
		b.WriteString("\n")
	}
	for _, s := range d.Sections {
		if b.Len() > 0 {
			b.WriteString("\n")
		}
		if s.Heading != "" {
			b.WriteString(s.Heading)
			b.WriteString("\n")
		}
		for _, p := range s.Paragraphs {
			b.WriteString(p)
			b.WriteString("\n")
		}
	}
	return b.String()
}

// Section returns the first section with the given heading and whether there
// is one.
func (d *Doc) Section(heading string) (Section, bool) {
	for _, s := range d.Sections {
		if s.Heading == heading {
			return s, true
		}
	}
	return Section{}, false
}

// FormField is one field of the 12315 web form, with its length in
// characters (runes) so the consumer can retype it into a form that blocks
// pasting.
type FormField struct {
	Name  string
	Value string
	Runes int
}
