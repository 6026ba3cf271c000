package render

import (
	"fmt"
	"strings"

	"github.com/evipack/evipack/pkg/checklist"
)

// letter prints the document for the target (投诉书, 仲裁申请书, 催告函 or the
// payment-platform text), or the reason it could not be made.
func (r *renderer) letter() {
	d := r.rep.Letter
	if d == nil && r.rep.LetterRefusal == "" {
		return
	}
	title := "投诉文书"
	if d != nil {
		title = d.Title
	}
	r.section = title
	r.addPage("P")
	r.font("B", 16)
	r.pdf.Bookmark(r.s(title), 0, -1)
	r.cellFormat(0, 10, r.s(title), "", 1, "C", false, 0, "")
	r.pdf.Ln(3)
	if d == nil {
		r.para(r.rep.LetterRefusal, 10.5, 6, "")
		return
	}
	for _, sec := range d.Sections {
		if sec.Heading != "" {
			r.ensure(16)
			r.pdf.Ln(1.5)
			r.para(sec.Heading, 11.5, 6.5, "B")
		}
		for _, p := range sec.Paragraphs {
			r.para(p, 10.5, 6.2, "")
			r.pdf.Ln(1)
		}
	}
	if len(d.Attachments) > 0 && d.Target == "payment" {
		r.pdf.Ln(2)
		r.para("建议上传的证据：", 10.5, 6.2, "B")
		for _, a := range d.Attachments {
			r.para("· "+a, 10, 5.8, "")
		}
	}
	if len(d.Warnings) > 0 {
		r.pdf.Ln(2)
		r.pdf.SetTextColor(150, 70, 0)
		for _, w := range d.Warnings {
			r.para("注意："+w, 9, 5, "")
		}
		r.pdf.SetTextColor(0, 0, 0)
	}
}

// formPage splits the complaint into the 12315 web form's fields, with
// their lengths: the form blocks pasting, so users retype.
func (r *renderer) formPage() {
	if len(r.rep.Form) == 0 {
		return
	}
	r.section = "12315 填表页"
	r.addPage("P")
	r.heading("12315 填表页", 0)
	r.para("全国12315平台的网页表单不能粘贴，请对照下表逐项录入。右栏为字数（按字符计），供核对是否录全。", 9.5, 5.4, "")
	r.pdf.Ln(2)
	cols := []column{{"表单项", 34, "L"}, {"填写内容", 126, "L"}, {"字数", 20, "C"}}
	rows := make([][]string, 0, len(r.rep.Form))
	for _, f := range r.rep.Form {
		rows = append(rows, []string{f.Name, orDash(f.Value), fmt.Sprint(f.Runes)})
	}
	r.table(cols, rows, 9.5, 5, nil)
}

// timeline prints 事实经过, each event citing its exhibits.
func (r *renderer) timeline() {
	if len(r.rep.Timeline) == 0 {
		return
	}
	r.section = "事实经过"
	r.addPage("P")
	r.heading("事实经过", 0)
	cols := []column{{"时间", 36, "L"}, {"事件", 112, "L"}, {"证据", 32, "L"}}
	rows := make([][]string, 0, len(r.rep.Timeline))
	for _, e := range r.rep.Timeline {
		rows = append(rows, []string{e.When(), e.What, exhibitRefs(e.Exhibits)})
	}
	r.table(cols, rows, 9, 4.8, nil)
}

func exhibitRefs(idx []int) string {
	if len(idx) == 0 {
		return "（case.yaml）"
	}
	parts := make([]string, len(idx))
	for i, n := range idx {
		parts[i] = fmt.Sprintf("证据%d", n)
	}
	return strings.Join(parts, "、")
}

// checklistPage prints 证据链核查: every requirement of the three links with
// the exhibits that meet it or what is missing, then the cross-checks and
// deadlines.
func (r *renderer) checklistPage() {
	res := r.rep.Checklist
	if res == nil {
		return
	}
	r.section = "证据链核查"
	r.addPage("P")
	r.heading("证据链核查", 0)
	verdict := "结论：三个环节的必需证据齐全。"
	if m := res.Missing(); len(m) > 0 {
		verdict = fmt.Sprintf("结论：还缺少 %d 项必需证据（见下表“缺少”项的补充方法）。", len(m))
	} else if e := res.Errors(); len(e) > 0 {
		verdict = fmt.Sprintf("结论：证据齐全，但有 %d 个问题需要先处理。", len(e))
	}
	r.para(verdict, 10.5, 6, "B")
	r.pdf.Ln(1)
	cols := []column{{"环节", 14, "C"}, {"要求", 52, "L"}, {"状态", 14, "C"}, {"证据 / 补充方法", 100, "L"}}
	var rows [][]string
	for _, link := range []string{checklist.LinkTransaction, checklist.LinkBreach, checklist.LinkLoss} {
		for _, q := range res.Requirements {
			if q.Link != link {
				continue
			}
			status, detail := "满足", exhibitRefs(q.Exhibits)
			if !q.Met {
				status, detail = "缺少", q.Hint
				if !q.Required {
					status = "可选"
				}
			}
			rows = append(rows, []string{q.Link, q.Title, status, detail})
		}
	}
	r.table(cols, rows, 8.5, 4.4, nil)
	if len(res.Findings) > 0 {
		r.ensure(20)
		r.pdf.Ln(2)
		r.para("核对发现", 11.5, 6.5, "B")
		for _, f := range res.Findings {
			label := map[checklist.Severity]string{checklist.SeverityError: "【问题】", checklist.SeverityWarning: "【注意】", checklist.SeverityInfo: "【提示】"}[f.Severity]
			r.para(label+f.Title, 10, 5.6, "B")
			if f.Detail != "" {
				r.para(f.Detail, 9, 5, "")
			}
			if f.Fix != "" {
				r.para("处理："+f.Fix, 9, 5, "")
			}
			r.pdf.Ln(1)
		}
	}
	if len(res.Deadlines) > 0 {
		r.ensure(20)
		r.pdf.Ln(1)
		r.para("期限", 11.5, 6.5, "B")
		for _, d := range res.Deadlines {
			r.para(fmt.Sprintf("%s：%s。%s", d.Title, d.Due.Format("2006年1月2日"), d.Note), 9, 5, "")
		}
	}
}
