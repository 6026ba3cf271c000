package evidence

import (
	"path"
	"strings"
)

// kindWords maps words found in a file's folder or name to an evidence kind.
// The first match in this order wins, so more specific words come first.
var kindWords = []struct {
	kind  string
	words []string
}{
	{"payment", []string{"账单", "支付", "付款", "转账", "收据", "回单", "流水", "bill", "alipay_record", "payment"}},
	{"refusal", []string{"拒绝", "拉黑", "拒退"}},
	{"demand", []string{"催告", "退款申请", "退款要求", "律师函"}},
	{"identity", []string{"营业执照", "身份", "店铺信息", "商家信息", "资质"}},
	{"listing", []string{"商品", "详情", "宣传", "承诺", "listing"}},
	{"chat", []string{"聊天", "对话", "消息记录", "chat"}},
	{"result", []string{"未到账", "卡密无效", "无效", "到账", "结果"}},
}

// GuessKind proposes an evidence kind from what ingest learned about the
// file: its folder and name, its type, and the app a screenshot names. The
// user's case.yaml always overrides it.
func GuessKind(it *Item) string {
	switch {
	case it.Statement != nil:
		return "payment"
	case it.Chat != nil:
		return "chat"
	}
	lower := strings.ToLower(it.Path)
	for _, kw := range kindWords {
		for _, w := range kw.words {
			if strings.Contains(lower, w) {
				return kw.kind
			}
		}
	}
	switch it.Type {
	case TypeMP4:
		if strings.HasPrefix(it.MediaType, "audio/") {
			return "voice"
		}
		return "recording"
	case TypeAMR, TypeSILK:
		return "voice"
	case TypePDF:
		return "document"
	case TypeText:
		return "document"
	}
	if it.Type.IsImage() {
		if it.App == "支付宝" {
			return "payment" // a screenshot taken in Alipay is nearly always a payment record
		}
		for _, t := range it.Times {
			if t.Source == SourceEXIF {
				return "photo"
			}
		}
		if it.App != "" || strings.Contains(lower, "screenshot") || strings.Contains(lower, "截屏") || strings.Contains(lower, "截图") {
			return "screenshot"
		}
		return "photo"
	}
	return "other"
}

// DefaultTitle is the 证据名称 used when case.yaml gives none.
func DefaultTitle(it *Item) string {
	name := strings.TrimSuffix(path.Base(it.Path), path.Ext(it.Path))
	if it.App != "" {
		return it.App + "截图（" + name + "）"
	}
	return name
}
