package main

import (
	"fmt"
	"strconv"
	"strings"
)

// note is a case.yaml files: entry for one generated file.
type note struct {
	path, kind, title, proves string
}

// caseYAML returns a schema-1 case.yaml telling the story the generated
// files show. evidence names a few generated files by role.
func caseYAML(ev caseRefs) string {
	var b strings.Builder
	p := func(format string, a ...any) { fmt.Fprintf(&b, format+"\n", a...) }
	q := strconv.Quote
	p("# evipack 案件描述文件（case.yaml，格式版本 1）")
	p("# 由 tools/genbench 生成的基准测试案件：人物、商家和单号均为虚构。")
	p("version: 1")
	p("type: virtual-goods")
	p(`target: "12315"`)
	p("")
	p("complainant:")
	p("  name: %s", userName)
	p(`  phone: "138****5678"`)
	p("  address: 浙江省杭州市西湖区示例路88号2幢301室")
	p("  accounts:")
	p("    - platform: QQ")
	p("      id: %s", q(userQQ))
	p("      name: %s", userNick)
	p("")
	p("respondent:")
	p("  name: %s", merchant)
	p("  platform: 独立网站")
	p("  url: http://xingchen-km.example")
	p("  accounts:")
	p("    - platform: QQ")
	p("      id: %s", q(merchantQQ))
	p("      name: %s", merchantNick)
	p("")
	p("order:")
	p("  item: 腾讯视频VIP年卡")
	p("  order_no: %s", q(orderNo))
	p(`  amount: "128.00"`)
	p("  paid_at: %s", q(tOrderPaid.Format("2006-01-02 15:04:05")))
	p("  payment_method: 微信支付")
	p("  promised: 自动发卡，付款后5分钟内到账，不到账全额退款")
	p(`  promised_by: "2026-09-03 20:20"`)
	p("")
	p("problem: |")
	p("  2026年9月3日20时15分，我在“星辰卡盟”网站购买腾讯视频VIP年卡（卡密），通过微信支付128.00元。商家承诺“自动发卡，付款后5分钟内到账，不到账全额退款”。")
	p("  付款后卡密未按时发放；客服补发的卡密兑换时提示“卡密无效或已被使用”。我多次要求退款，商家拖延至今未退款。")
	p("")
	p("demands:")
	p("  - 退还货款128元")
	p("  - 依法查处商家虚假承诺并拒不退款的行为")
	p("")
	p("events:")
	event := func(at, what string, paths ...string) {
		var ps []string
		for _, x := range paths {
			if x != "" {
				ps = append(ps, x)
			}
		}
		if len(ps) == 0 {
			return
		}
		p("  - at: %s", q(at))
		p("    what: %s", what)
		p("    evidence:")
		for _, x := range ps {
			p("      - %s", x)
		}
	}
	event("2026-09-03 20:11:05", "商家客服在QQ中承诺“自动发卡，付款后5分钟内到账，不到账全额退款”", ev.chat, ev.shot)
	event("2026-09-03 20:15:37", "通过微信支付向星辰卡盟付款128.00元", ev.bill, ev.pdf)
	event("2026-09-05 10:15:30", "再次兑换卡密，仍提示“卡密无效或已被使用”，拍照留存", ev.photo)
	event("2026-09-05 11:00:00", "录屏记录兑换失败的全过程", ev.video)
	p("")
	p("files:")
	for _, n := range ev.notes {
		p("  %s:", q(n.path))
		p("    kind: %s", n.kind)
		p("    title: %s", n.title)
		p("    proves: %s", n.proves)
	}
	return b.String()
}

// caseRefs are the generated files case.yaml refers to ("" when absent).
type caseRefs struct {
	chat, shot, bill, pdf, photo, video string
	notes                               []note
}
