package evidence

import (
	"fmt"
	"time"

	"github.com/evipack/evipack/pkg/payment"
)

// Facts lists, in Chinese, what was read from the file's content, one line
// per fact, for `evipack inspect`.
func (it *Item) Facts() []string {
	var out []string
	if st := it.Statement; st != nil {
		line := fmt.Sprintf("%s：%d 笔交易", st.Label, len(st.Txns))
		if st.Holder != "" {
			line += "，持有人 " + st.Holder
		}
		if !st.From.IsZero() && !st.To.IsZero() {
			line += fmt.Sprintf("，%s 至 %s", day(st.From), day(st.To))
		}
		out = append(out, line)
		var outC, inC, refunds int64
		for _, t := range st.Txns {
			switch {
			case t.IsRefund:
				refunds += t.Cents
			case t.Direction == payment.Out:
				outC += t.Cents
			case t.Direction == payment.In:
				inC += t.Cents
			}
		}
		out = append(out, fmt.Sprintf("支出 %s 元，收入 %s 元，其中退款 %s 元", payment.FormatYuan(outC), payment.FormatYuan(inC), payment.FormatYuan(refunds)))
	}
	if lg := it.Chat; lg != nil {
		line := fmt.Sprintf("%s：%d 条消息", lg.Label, len(lg.Messages))
		if lg.Peer != "" {
			line += "，对象 " + lg.Peer
		}
		if len(lg.Images) > 0 {
			line += fmt.Sprintf("，内嵌图片 %d 张", len(lg.Images))
		}
		out = append(out, line)
		if lg.TimeNote != "" {
			out = append(out, lg.TimeNote)
		}
	}
	if c := it.Content; c != nil && c.Codec != "" {
		out = append(out, fmt.Sprintf("语音 %s，约 %.1f 秒", c.Codec, it.Duration))
	} else if c != nil && c.Format == "mp4" {
		out = append(out, fmt.Sprintf("%s，时长约 %.1f 秒", c.Label, it.Duration))
	}
	return out
}

func day(t time.Time) string { return t.In(CST).Format("2006-01-02") }
