package render

import (
	"bytes"
	"fmt"
	"strings"

	"codeberg.org/go-pdf/fpdf"

	"github.com/evipack/evipack/pkg/chat"
	"github.com/evipack/evipack/pkg/evidence"
	"github.com/evipack/evipack/pkg/payment"
)

// ---- payment records -----------------------------------------------------------

// statement prints the rows of a bill that concern the case, clearly marked,
// with the totals paid to and refunded by the respondent; every other row is
// only summarised, because it is the user's private business.
func (r *renderer) statement(it *evidence.Item, st *payment.Statement) {
	info := st.Label
	if st.Holder != "" {
		info += "，持有人 " + st.Holder
	}
	if st.Account != "" {
		info += "，账户 " + st.Account
	}
	info += fmt.Sprintf("，共 %d 笔交易", len(st.Txns))
	if !st.From.IsZero() && !st.To.IsZero() {
		info += "，" + st.From.In(evidence.CST).Format("2006-01-02") + " 至 " + st.To.In(evidence.CST).Format("2006-01-02")
	}
	r.para(info+"。", 9.5, 5.2, "")
	r.pdf.Ln(1)

	crit := r.rep.Criteria
	var matches []payment.Match
	if len(crit.Names) > 0 || crit.OrderNo != "" || crit.Cents > 0 {
		matches = st.Relevant(crit)
	}
	idx := make([]int, len(matches))
	for i, m := range matches {
		idx[i] = m.Index
	}
	r.font("B", 11)
	r.ensure(14)
	r.pdf.SetFillColor(255, 244, 204)
	r.cellFormat(0, 7, r.s(fmt.Sprintf("与本案有关的交易（%d 笔）", len(matches))), "", 1, "L", true, 0, "")
	r.pdf.Ln(1)
	if len(matches) == 0 {
		if len(crit.Names) == 0 && crit.OrderNo == "" && crit.Cents == 0 {
			r.para("case.yaml 未填写被投诉人、订单号或金额，无法从账单中筛选与本案有关的交易。请填写后重新生成；账单原件完整保存在证据包中。", 9.5, 5.2, "")
		} else {
			r.para("账单中没有找到与被投诉人名称、订单号或金额相符的交易。请核对 case.yaml 中的被投诉人名称和订单号。", 9.5, 5.2, "")
		}
	} else {
		cols := []column{
			{"行号", 11, "C"}, {"交易时间", 24, "L"}, {"交易对方", 30, "L"}, {"商品/说明", 30, "L"},
			{"收/支", 11, "C"}, {"金额（元）", 18, "R"}, {"状态", 20, "L"}, {"单号", 36, "L"},
		}
		rows := make([][]string, 0, len(matches))
		for _, m := range matches {
			t := st.Txns[m.Index]
			rows = append(rows, []string{
				fmt.Sprint(t.Line), txnTime(t), t.Counterparty, t.Item, direction(t),
				payment.FormatYuan(t.Cents), t.Status, strings.TrimSpace(t.TxnNo + "\n" + t.MerchantNo),
			})
		}
		r.table(cols, rows, 7.5, 3.6, nil)
		r.font("", 8)
		for _, m := range matches {
			if len(m.Reasons) > 0 {
				r.para(fmt.Sprintf("第 %d 行：%s", st.Txns[m.Index].Line, strings.Join(m.Reasons, "；")), 8, 4.2, "")
			}
		}
		tot := st.TotalsFor(idx)
		r.pdf.Ln(1)
		r.para(fmt.Sprintf("合计：向被投诉人付款 %s 元（%d 笔），收到退款 %s 元（%d 笔），净支付 %s 元。",
			payment.FormatYuan(tot.PaidCents), tot.Payments, payment.FormatYuan(tot.RefundedCents), tot.Refunds, payment.FormatYuan(tot.NetCents)), 10, 5.6, "B")
	}
	sum := st.Summary(idx)
	if sum.Omitted > 0 {
		r.pdf.Ln(1)
		line := fmt.Sprintf("其余 %d 笔与本案无关的交易未打印（保护个人隐私）：支出 %d 笔共 %s 元，收入 %d 笔共 %s 元，其他 %d 笔共 %s 元",
			sum.Omitted, sum.Out.Count, payment.FormatYuan(sum.Out.Cents), sum.In.Count, payment.FormatYuan(sum.In.Cents), sum.Neutral.Count, payment.FormatYuan(sum.Neutral.Cents))
		if !sum.First.IsZero() {
			line += "，时间范围 " + sum.First.In(evidence.CST).Format("2006-01-02") + " 至 " + sum.Last.In(evidence.CST).Format("2006-01-02")
		}
		r.para(line+"。完整账单原件见证据包 "+it.BagPath+"。", 8.5, 4.6, "")
	}
}

func txnTime(t payment.Txn) string {
	if t.Time.IsZero() {
		return "—"
	}
	if t.DateOnly {
		return t.Time.In(evidence.CST).Format("2006-01-02")
	}
	return t.Time.In(evidence.CST).Format("2006-01-02 15:04:05")
}

func direction(t payment.Txn) string {
	if t.IsRefund {
		return "退款"
	}
	switch t.Direction {
	case payment.Out:
		return "支出"
	case payment.In:
		return "收入"
	}
	return "其他"
}

// ---- chat transcripts --------------------------------------------------------------

// maxTranscriptMessages caps one transcript; the rest is summarised.
const maxTranscriptMessages = 3000

// transcript prints a chat export as a readable conversation: sender and time
// above each message, refund-relevant words highlighted.
func (r *renderer) transcript(it *evidence.Item, lg *chat.Log) {
	info := lg.Label
	if lg.Peer != "" {
		info += "，聊天对象 " + lg.Peer
	}
	info += fmt.Sprintf("，共 %d 条消息", len(lg.Messages))
	if lg.TimeNote != "" {
		info += "；" + lg.TimeNote
	}
	r.para(info+"。", 9.5, 5.2, "")
	kept, omitted := lg.Select(r.rep.ChatFilter)
	if omitted > 0 {
		r.para(fmt.Sprintf("按案件时间范围和当事人筛选后显示 %d 条，另有 %d 条未显示（完整记录见原件）。", len(kept), omitted), 9, 5, "")
	}
	r.para("标黄的词语与付款、承诺、退款、拉黑等争议事实有关，由软件自动标出，仅供快速查阅。", 8, 4.4, "")
	r.pdf.Ln(2)
	shown := 0
	for _, i := range kept {
		if shown == maxTranscriptMessages {
			r.para(fmt.Sprintf("（篇幅所限，其余 %d 条消息未打印；完整内容见原件 %s）", len(kept)-shown, it.BagPath), 9, 5, "B")
			break
		}
		if r.pdf.Err() {
			return
		}
		r.message(it, lg, &lg.Messages[i])
		shown++
	}
}

func (r *renderer) message(it *evidence.Item, lg *chat.Log, m *chat.Message) {
	const lineH = 4.8
	cw := r.contentWidth()
	head := m.Sender
	if m.Role != "" {
		head = "【" + m.Role + "】" + head
	}
	if m.SenderID != "" && m.SenderID != m.Sender {
		head += "（" + m.SenderID + "）"
	}
	if m.System {
		head = "系统消息"
	}
	if m.HasTime {
		head += "　" + m.Time.In(evidence.CST).Format("2006-01-02 15:04:05")
	}
	indent := 4.0
	r.ensure(2 * lineH)
	r.font("B", 8.5)
	switch {
	case m.System:
		r.pdf.SetTextColor(120, 120, 120)
	case m.Self || r.isSelf(m):
		r.pdf.SetTextColor(20, 90, 160)
	default:
		r.pdf.SetTextColor(160, 70, 20)
	}
	r.pdf.SetX(marginL)
	r.cellFormat(cw, lineH, r.s(head), "", 1, "L", false, 0, "")
	r.pdf.SetTextColor(0, 0, 0)
	text := m.Text
	if m.Quote != nil {
		r.font("", 8)
		r.pdf.SetTextColor(110, 110, 110)
		for _, l := range r.wrap("引用 "+m.Quote.Sender+"："+m.Quote.Text, cw-2*indent) {
			r.ensure(lineH)
			r.pdf.SetX(marginL + indent)
			r.cellFormat(cw-2*indent, lineH, l, "", 1, "L", false, 0, "")
		}
		r.pdf.SetTextColor(0, 0, 0)
	}
	if m.Transfer != nil {
		text = strings.TrimSpace(text + "\n[转账 " + payment.FormatYuan(m.Transfer.Cents) + " 元" + ifNote(m.Transfer.Note) + "]")
	}
	for _, para := range strings.Split(text, "\n") {
		r.font("", 9)
		lines := r.wrap(para, cw-indent)
		if len(lines) == 0 {
			lines = []string{""}
		}
		for _, l := range lines {
			r.ensure(lineH)
			r.highlighted(marginL+indent, l, lineH)
		}
	}
	for _, idx := range m.Images {
		if idx >= 0 && idx < len(lg.Images) {
			r.chatImage(it, idx, &lg.Images[idx], marginL+indent)
		}
	}
	r.pdf.Ln(1.5)
}

// chatImage shows an image embedded in a chat export (QQ MHT) below its
// message, at most 60 mm wide; one that cannot be shown is named instead.
func (r *renderer) chatImage(it *evidence.Item, idx int, img *chat.Image, x float64) {
	typ, _ := evidence.Detect(img.Data)
	var info evidence.ImageInfo
	var err error
	switch typ {
	case evidence.TypeJPEG, evidence.TypePNG, evidence.TypeGIF:
		info, err = evidence.CheckImage(bytes.NewReader(img.Data), int64(len(img.Data)), typ)
	default:
		err = fmt.Errorf("unsupported image type %s", typ)
	}
	if err == nil && (info.Width <= 0 || info.Height <= 0) {
		err = fmt.Errorf("no image size")
	}
	if err != nil {
		r.font("", 8)
		r.ensure(4.5)
		r.pdf.SetX(x)
		r.cellFormat(0, 4.5, r.s("[内嵌图片 "+img.Name+" 无法显示，原件中保留]"), "", 1, "L", false, 0, "")
		return
	}
	name := fmt.Sprintf("chat%d_%d", it.Index, idx)
	w := min(60.0, float64(info.Width)*0.2646)
	h := w * float64(info.Height) / float64(info.Width)
	if maxH := r.pageBottom() - marginTop - 10; h > maxH {
		h = maxH
		w = h * float64(info.Width) / float64(info.Height)
	}
	r.ensure(h + 2)
	y := r.pdf.GetY() + 1
	if !r.dry {
		data, imgType := img.Data, "JPG"
		switch {
		case typ == evidence.TypePNG && !pngInterlaced(data):
			imgType = "PNG"
		case typ != evidence.TypeJPEG:
			if conv, cerr := toPNG(data); cerr == nil {
				data, imgType = conv, "PNG"
			} else {
				data = nil
			}
		}
		ok := func() (ok bool) {
			defer func() {
				if recover() != nil {
					ok = false
				}
			}()
			if data == nil {
				return false
			}
			r.pdf.RegisterImageOptionsReader(name, fpdf.ImageOptions{ImageType: imgType}, bytes.NewReader(data))
			return r.pdf.Error() == nil
		}()
		if ok {
			r.pdf.ImageOptions(name, x, y, w, h, false, fpdf.ImageOptions{}, 0, "")
		} else {
			// Keep the space the measuring pass reserved, so page
			// numbers stay right; frame it so the gap is explained.
			r.pdf.ClearError()
			r.pdf.SetDrawColor(200, 200, 200)
			r.pdf.Rect(x, y, w, h, "D")
			r.pdf.SetDrawColor(0, 0, 0)
		}
	}
	r.pdf.SetY(y + h + 1)
}

func ifNote(n string) string {
	if n == "" {
		return ""
	}
	return "，说明：" + n
}

// highlighted writes one already-wrapped line at x, with keyword hits on a
// yellow background.
func (r *renderer) highlighted(x float64, line string, lineH float64) {
	hits := chat.Highlights(line)
	r.pdf.SetX(x)
	if len(hits) == 0 {
		r.cellFormat(0, lineH, line, "", 1, "L", false, 0, "")
		return
	}
	runes := []rune(line)
	pos := 0
	r.pdf.SetFillColor(255, 235, 120)
	// Segments are placed at their measured widths: no cell padding.
	cm := r.pdf.GetCellMargin()
	r.pdf.SetCellMargin(0)
	defer r.pdf.SetCellMargin(cm)
	r.pdf.SetX(x + cm)
	seg := func(from, to int, hl bool) {
		if from >= to {
			return
		}
		s := string(runes[from:to])
		w := 0.0
		for _, c := range s {
			w += r.runeWidth(c)
		}
		r.cellFormat(w, lineH, s, "", 0, "L", hl, 0, "")
	}
	for _, h := range hits {
		if h[0] < pos || h[1] > len(runes) {
			continue
		}
		seg(pos, h[0], false)
		seg(h[0], h[1], true)
		pos = h[1]
	}
	seg(pos, len(runes), false)
	r.pdf.Ln(lineH)
}

// isSelf reports whether a message was sent by the complainant, by name or
// account id from case.yaml.
func (r *renderer) isSelf(m *chat.Message) bool {
	for _, n := range r.rep.SelfNames {
		if n != "" && (n == m.Sender || n == m.SenderID) {
			return true
		}
	}
	return false
}
