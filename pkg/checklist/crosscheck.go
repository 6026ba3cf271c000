package checklist

import (
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/evipack/evipack/pkg/casefile"
	"github.com/evipack/evipack/pkg/evidence"
)

// warnMonths is how long before a deadline a warning is given.
const warnMonths = 6

func (s *state) crossChecks(res *Result) {
	var fs []Finding
	fs = append(fs, s.checkAmounts()...)
	fs = append(fs, s.checkPayee()...)
	fs = append(fs, s.checkTimeOrder()...)
	fs = append(fs, s.checkDemand(&res.Flags)...)
	dls, dfs := s.deadlines()
	res.Deadlines = append(res.Deadlines, dls...)
	fs = append(fs, dfs...)
	fs = append(fs, s.riskFlags(&res.Flags)...)
	for i := range fs {
		fs[i].Exhibits = sortedUnique(fs[i].Exhibits)
		if len(fs[i].Exhibits) == 0 {
			fs[i].Exhibits = nil
		}
	}
	rank := map[Severity]int{SeverityError: 0, SeverityWarning: 1, SeverityInfo: 2}
	sort.SliceStable(fs, func(i, j int) bool { return rank[fs[i].Severity] < rank[fs[j].Severity] })
	res.Findings = append(res.Findings, fs...)
	sort.SliceStable(res.Deadlines, func(i, j int) bool {
		if !res.Deadlines[i].Due.Equal(res.Deadlines[j].Due) {
			return res.Deadlines[i].Due.Before(res.Deadlines[j].Due)
		}
		return res.Deadlines[i].ID < res.Deadlines[j].ID
	})
}

// exhibitList writes "证据1、证据3".
func exhibitList(ex []int) string {
	ex = sortedUnique(ex)
	parts := make([]string, len(ex))
	for i, n := range ex {
		parts[i] = "证据" + strconv.Itoa(n)
	}
	return strings.Join(parts, "、")
}

func cite(ex []int) string {
	if len(ex) == 0 {
		return ""
	}
	return "（" + exhibitList(ex) + "）"
}

func dateZh(t time.Time) string {
	c := t.In(evidence.CST)
	return strconv.Itoa(c.Year()) + "年" + strconv.Itoa(int(c.Month())) + "月" + strconv.Itoa(c.Day()) + "日"
}

func timeZh(st stamp) string {
	if st.day {
		return dateZh(st.t)
	}
	return dateZh(st.t) + st.t.In(evidence.CST).Format(" 15:04")
}

func (s *state) checkAmounts() []Finding {
	a := s.amounts
	var out []Finding
	if a.Claimed == 0 {
		f := Finding{ID: "amount-missing", Severity: SeverityWarning, Title: "没有填写订单金额",
			Detail: "case.yaml 的 order.amount 为空，投诉请求中的退款金额无从核对。",
			Fix:    "在 case.yaml 的 order.amount 填写实付金额（例如 128.00），并确保付款截图或账单能显示这个金额。"}
		if len(a.PaidFrom) > 0 {
			f.Detail += "账单显示向被投诉人付款 " + yuan(a.Paid) + "、已退款 " + yuan(a.Refunded) + cite(append(a.PaidFrom, a.RefundedFrom...)) + "。"
			f.Fix = "在 case.yaml 的 order.amount 填写 " + yuan(a.Paid-a.Refunded) + "（实付金额减去已收到的退款）。"
			f.Exhibits = append(append([]int{}, a.PaidFrom...), a.RefundedFrom...)
		}
		out = append(out, f)
	}
	if len(s.searched) > 0 && len(a.PaidFrom) == 0 {
		out = append(out, Finding{ID: "payment-not-found", Severity: SeverityWarning, Title: "账单中没有找到向被投诉人的付款",
			Detail:   "已读取账单" + cite(s.searched) + "，但没有一笔付款的交易对方、订单号或金额与本案相符。",
			Fix:      "核对 case.yaml 中被投诉人的名称和账号、order.order_no、order.amount、order.paid_at 是否与账单一致；或补充付款截图——付款截图要同时显示订单号、金额、时间和收款方。",
			Exhibits: s.searched})
	}
	if len(a.PaidFrom) > 0 && a.Claimed > 0 && a.Claimed != a.Paid-a.Refunded {
		ex := append(append([]int{}, a.PaidFrom...), a.RefundedFrom...)
		out = append(out, Finding{ID: "amount-mismatch", Severity: SeverityWarning, Title: "订单金额与账单不一致",
			Detail: "case.yaml 填写的订单金额为 " + yuan(a.Claimed) + "；账单显示向被投诉人付款 " + yuan(a.Paid) + cite(a.PaidFrom) +
				"，已收到退款 " + yuan(a.Refunded) + cite(a.RefundedFrom) + "，实际损失为 " + yuan(a.Paid-a.Refunded) + "。",
			Fix:      "把 order.amount 改为实付金额减去已收到的退款（" + yuan(a.Paid-a.Refunded) + "）；如另有付款不在这些账单里，补充该笔付款的截图或账单。",
			Exhibits: ex})
	}
	return out
}

func (s *state) checkPayee() []Finding {
	if len(s.respNames) == 0 && len(s.respIDs) == 0 {
		return nil
	}
	var names []string
	var ex []int
	for _, pr := range s.payRows {
		cp := fold(pr.txn.Counterparty)
		acc := fold(pr.txn.CounterpartyAccount)
		if matchesName(cp, s.respNames) || matchesName(acc, s.respNames) || (acc != "" && containsAny(acc, s.respIDs)) {
			continue
		}
		shown := strings.TrimSpace(pr.txn.Counterparty)
		if shown == "" {
			shown = "（空）"
		}
		if !contains(names, shown) {
			names = append(names, shown)
		}
		ex = append(ex, pr.exhibit)
	}
	if len(names) == 0 {
		return nil
	}
	who := s.c.Respondent.Name
	if who == "" {
		who = s.c.Respondent.Shop
	}
	return []Finding{{ID: "payee-mismatch", Severity: SeverityWarning, Title: "收款方与被投诉人不一致",
		Detail:   "付款记录" + cite(ex) + "的收款方为“" + strings.Join(names, "”“") + "”，与被投诉人“" + who + "”不一致。",
		Fix:      "如果商家让你付给个人收款码或其他收款方，请补充商家发来收款码或付款方式的聊天截图，并把收款方名称写进 case.yaml 的 respondent.accounts；否则请核对被投诉人是否写对。",
		Exhibits: ex}}
}

var stageLabel = map[string]string{
	StagePaid:     "付款",
	StagePromised: "承诺的履行期限",
	StageFailure:  "未履行或履行失败",
	StageDemand:   "催告",
	StageRefusal:  "商家拒绝",
}

func (s *state) checkTimeOrder() []Finding {
	pairs := [][2]string{
		{StagePaid, StagePromised}, {StagePaid, StageFailure}, {StagePaid, StageDemand}, {StagePaid, StageRefusal},
		{StageFailure, StageDemand}, {StageDemand, StageRefusal},
	}
	var msgs []string
	var ex []int
	for _, p := range pairs {
		early, ok1 := s.first(p[0])
		late, ok2 := s.first(p[1])
		if !ok1 || !ok2 || !before(late, early) {
			continue
		}
		msgs = append(msgs, stageLabel[p[1]]+"（"+late.src+"，"+timeZh(late)+"）早于"+stageLabel[p[0]]+"（"+early.src+"，"+timeZh(early)+"）")
		ex = append(ex, early.exhibits...)
		ex = append(ex, late.exhibits...)
	}
	if len(msgs) == 0 {
		return nil
	}
	return []Finding{{ID: "time-order", Severity: SeverityWarning, Title: "事件先后顺序不合理",
		Detail:   "应为付款→承诺的履行期限→未履行→催告→商家拒绝，但" + strings.Join(msgs, "；") + "。",
		Fix:      "核对 case.yaml 中的时间（order.paid_at、order.promised_by、events 的 at）和截图上的时间，写错的改正；确实如此的，在事实与理由中说明原因。",
		Exhibits: ex}}
}

func (s *state) checkDemand(fl *Flags) []Finding {
	demands := s.stages[StageDemand]
	if len(demands) == 0 {
		if s.c.Target == casefile.TargetMerchant {
			return nil
		}
		return []Finding{{ID: "no-demand", Severity: SeverityWarning, Title: "没有向商家书面催告的记录",
			Detail: "没有找到注明时间的退款要求。先向商家催告，商家拒绝或逾期不理，投诉时更容易被受理，也能中断诉讼时效。",
			Fix:    "写明退款期限的书面催告（微信/QQ消息或短信），并截图保存发送时间；可用 evipack build --target merchant 生成催告函。"}}
	}
	fl.DemandSent = true
	last := demands[len(demands)-1]
	var deadline time.Time
	var from stamp
	found := false
	for i := len(demands) - 1; i >= 0 && !found; i-- {
		if t, ok := parseDeadline(demands[i].text, demands[i].t); ok {
			deadline, from, found = t, demands[i], true
		}
	}
	refusal, refused := s.last(StageRefusal)
	refusedAfter := refused && !before(refusal, last)
	if !found {
		due := last.t.AddDate(0, 0, 7)
		fl.DemandDeadlineOK = !s.now.Before(due)
		f := Finding{ID: "demand-no-deadline", Severity: SeverityInfo, Title: "催告没有写明退款期限",
			Detail:   "最近一次催告（" + last.src + "，" + timeZh(last) + "）没有写明退款期限。",
			Fix:      "再发一次写明退款期限的书面催告（例如“请于" + dateZh(s.now.AddDate(0, 0, 7)) + "前退还货款”），并截图保存发送时间。",
			Exhibits: last.exhibits}
		if !fl.DemandDeadlineOK && !refusedAfter && s.c.Target != casefile.TargetMerchant {
			f.Severity = SeverityWarning
			f.Detail += "距催告发出还不到 7 天，商家可能以尚在处理为由抗辩。"
		}
		return []Finding{f}
	}
	fl.DemandDeadlineOK = s.now.After(deadline)
	if fl.DemandDeadlineOK || s.c.Target == casefile.TargetMerchant {
		return nil
	}
	f := Finding{ID: "demand-deadline-pending", Severity: SeverityWarning, Title: "催告期限尚未届满",
		Detail:   "催告（" + from.src + "，" + timeZh(from) + "）要求商家在 " + dateZh(deadline) + " 前处理，期限尚未届满。",
		Fix:      "等到 " + dateZh(deadline) + " 之后商家仍未退款，再向 12315 或支付平台投诉；期间商家的回复要截图保存。",
		Exhibits: from.exhibits}
	if refusedAfter {
		f.Severity = SeverityInfo
		f.Detail += "商家已明确拒绝（" + refusal.src + "），可以不等期限届满。"
		f.Fix = "在事实与理由中写明商家已于 " + timeZh(refusal) + " 拒绝退款，并附上拒绝的截图。"
		f.Exhibits = append(f.Exhibits, refusal.exhibits...)
	}
	return []Finding{f}
}

// knew is when the consumer knew or should have known of the harm: the
// first sign of failure, else the promised date once passed, else payment.
func (s *state) knew() (stamp, bool) {
	if st, ok := s.first(StageFailure); ok {
		return st, true
	}
	if st, ok := s.first(StagePromised); ok && st.t.Before(s.now) {
		return st, true
	}
	return s.first(StagePaid)
}

func (s *state) deadlines() ([]Deadline, []Finding) {
	var dls []Deadline
	var fs []Finding
	soon := s.now.AddDate(0, warnMonths, 0)
	if k, ok := s.knew(); ok {
		start, restarted := k, false
		if d, ok := s.last(StageDemand); ok && before(k, d) {
			start, restarted = d, true
		}
		due := dayOf(start.t).AddDate(3, 0, 0)
		note := "诉讼时效期间为三年（" + citeLimitation + "），自 " + timeZh(k) + "（" + k.src + "）知道权利受到损害时起算，开始的当日不计入（" + citeDayCount + "）。"
		if restarted {
			note += "因 " + timeZh(start) + " 的书面催告（" + start.src + "）到达商家，时效从该日重新起算（" + citeRestart + "）。"
		}
		dls = append(dls, Deadline{ID: "limitation", Title: "诉讼时效届满日", Due: due, Note: note})
		end := due.AddDate(0, 0, 1)
		switch {
		case !s.now.Before(end):
			fs = append(fs, Finding{ID: "limitation-expired", Severity: SeverityError, Title: "诉讼时效可能已经届满",
				Detail:   "按现有时间，诉讼时效已于 " + dateZh(due) + " 届满（" + citeLimitation + "）。",
				Fix:      "如果期间曾向商家书面催告、向 12315 或其他有权部门投诉，把这些记录（含日期）加入证据，时效可能因此重新起算（" + citeRestart + "）；否则请咨询律师。",
				Exhibits: start.exhibits})
		case soon.After(due):
			fs = append(fs, Finding{ID: "limitation-soon", Severity: SeverityWarning, Title: "诉讼时效不足六个月",
				Detail:   "诉讼时效将于 " + dateZh(due) + " 届满（" + citeLimitation + "），剩余不足六个月。",
				Fix:      "尽快投诉或起诉；也可以再向商家发一次写明退款期限的书面催告并截图保存，使时效重新起算（" + citeRestart + "）。",
				Exhibits: start.exhibits})
		}
		bar := dayOf(k.t).AddDate(3, 0, 0)
		dls = append(dls, Deadline{ID: "12315-bar", Title: "12315 投诉受理期限", Due: bar,
			Note: "市场监督管理部门对自知道或者应当知道权益受到侵害之日起超过三年的投诉不予受理；此期限不因催告而重新起算。"})
		barEnd := bar.AddDate(0, 0, 1)
		switch {
		case !s.now.Before(barEnd):
			sev := SeverityWarning
			if s.c.Target == casefile.Target12315 {
				sev = SeverityError
			}
			fs = append(fs, Finding{ID: "12315-bar-passed", Severity: sev, Title: "已超过 12315 投诉的三年期限",
				Detail:   "自 " + timeZh(k) + "（" + k.src + "）起已超过三年，12315 将不予受理。",
				Fix:      "改为向人民法院起诉（诉讼时效另行计算），或向支付平台投诉。",
				Exhibits: k.exhibits})
		case soon.After(bar):
			fs = append(fs, Finding{ID: "12315-bar-soon", Severity: SeverityWarning, Title: "12315 投诉期限不足六个月",
				Detail:   "自 " + timeZh(k) + " 起满三年（" + dateZh(bar) + "）后 12315 将不予受理，剩余不足六个月。",
				Fix:      "尽快在 " + dateZh(bar) + " 之前提交 12315 投诉。",
				Exhibits: k.exhibits})
		}
	}
	switch s.c.Type {
	case casefile.TypeVirtualGoods:
		f := Finding{ID: "no-reason-return", Severity: SeverityInfo, Title: "七日无理由退货一般不适用",
			Detail: "在线下载或者已激活、已使用的卡密、会员、点卡等数字化商品，不适用七日无理由退货（" + citeNoReason + "）。",
			Fix:    "诉求以商家未按约定履行为依据（" + citeBreach + "），要求退还货款，不要只写“七日无理由退货”。"}
		if p, ok := s.first(StagePaid); ok {
			due := dayOf(p.t).AddDate(0, 0, 7)
			dls = append(dls, Deadline{ID: "no-reason-return", Title: "七日无理由退货期限", Due: due,
				Note: "自收到商品的次日起算七日（" + citeDayCount + "），按付款日估算；已激活或在线下载的数字化商品不适用（" + citeNoReason + "）。"})
		}
		fs = append(fs, f)
	default:
		f := Finding{ID: "no-reason-return", Severity: SeverityInfo, Title: "七日无理由退货不适用于服务",
			Detail: "七日无理由退货针对网购商品（" + citeNoReason + "），本案购买的是服务。",
			Fix:    "诉求以商家未按约定提供服务为依据（" + citeBreach + "），预付的服务费可要求退回（" + citePrepayment + "）。"}
		if _, void := s.voidContract(); void {
			f.Fix = "诉求写成返还已支付的款项（" + citeRestitution + "），不要以七日无理由退货或违约为由。"
		}
		fs = append(fs, f)
	}
	return dls, fs
}

// voidContract reports whether the purchase looks like fake engagement
// (刷赞、刷单 …), whose contract may be void, and the exhibits that say so.
func (s *state) voidContract() ([]int, bool) {
	c := s.c
	caseText := fold(c.Problem + "\n" + strings.Join(c.Demands, "\n") + "\n" + c.Order.Item + "\n" + c.Order.Promised)
	var ex []int
	for _, in := range s.items {
		if containsAny(in.fTitle, voidWords) || containsAny(in.fProves, voidWords) {
			ex = append(ex, in.it.Index)
		}
	}
	return ex, c.Type == casefile.TypeEngagementService || containsAny(caseText, voidWords) || len(ex) > 0
}

func (s *state) riskFlags(fl *Flags) []Finding {
	var fs []Finding
	c := s.c
	voidEx, void := s.voidContract()
	fl.VoidContract = void
	if fl.VoidContract {
		amount := ""
		if s.amounts.Loss > 0 {
			amount = " " + yuan(s.amounts.Loss)
		}
		fs = append(fs, Finding{ID: "void-contract", Severity: SeverityWarning, Title: "刷量类交易的合同可能被认定无效",
			Detail: "本案涉及刷赞、刷粉、刷播放量、刷单或好评等服务。依据" + citeVoidFake +
				"：“电子商务经营者与他人签订的以虚构交易、虚构点击量、编造用户评价等方式进行虚假宣传的合同，人民法院应当依法认定无效。”合同无效的（" + citeVoidAct + "），不能主张违约赔偿或三倍赔偿；12315 也可能认为这类购买不属于生活消费而不予受理。",
			Fix:      "把诉求写成“返还已支付的款项" + amount + "”（" + citeRestitution + "），不要写违约金、赔偿损失或三倍赔偿；事实部分如实写明服务内容、付款和实际完成情况。",
			Exhibits: voidEx})
	}
	r := c.Respondent
	hasAccount := false
	for _, a := range r.Accounts {
		if strings.TrimSpace(a.ID) != "" {
			hasAccount = true
		}
	}
	named := strings.TrimSpace(r.Name) != "" || strings.TrimSpace(r.Shop) != ""
	identified := strings.TrimSpace(r.CreditCode) != "" || (named && (hasAccount || strings.TrimSpace(r.URL) != ""))
	if !identified {
		fl.NoIdentity = true
		var miss []string
		if !named {
			miss = append(miss, "商家名称或店铺名")
		}
		if !hasAccount && strings.TrimSpace(r.URL) == "" {
			miss = append(miss, "统一社会信用代码、微信号/QQ号/支付宝账号或店铺网址")
		}
		fs = append(fs, Finding{ID: "no-identity", Severity: SeverityError, Title: "被投诉人身份不明",
			Detail: "case.yaml 的 respondent 缺少" + strings.Join(miss, "，以及") + "。投诉书必须写明被投诉人，身份不明的投诉会被退回。",
			Fix:    "补充商家的微信号/QQ号/支付宝账号或店铺页面截图（含统一社会信用代码），并写进 case.yaml 的 respondent；商家在平台上经营的，可以要求平台提供商家的真实名称、地址和有效联系方式（" + citePlatform + "）。"})
	}
	if strings.TrimSpace(c.ArbitrationClause) == "" {
		fl.NoArbitration = true
		f := Finding{ID: "no-arbitration", Severity: SeverityInfo, Title: "没有仲裁条款",
			Detail: "case.yaml 没有写明仲裁条款；没有仲裁协议就不能申请仲裁，不会生成仲裁申请书。",
			Fix:    "向 12315 投诉、向支付平台投诉，或向人民法院起诉。"}
		if c.Target == casefile.TargetArbitration {
			f.ID, f.Severity = "arbitration-no-clause", SeverityError
			f.Fix = "在 case.yaml 的 arbitration_clause 中写明合同里的仲裁条款并附上截图；没有仲裁条款的，把 target 改为 12315、payment 或 merchant。"
		}
		fs = append(fs, f)
	}
	fl.FraudAlleged = containsAny(fold(c.Problem+"\n"+strings.Join(c.Demands, "\n")), fraudWords)
	fl.TripleDamages = fl.FraudAlleged && !fl.VoidContract
	asksTriple := containsAny(fold(strings.Join(c.Demands, "\n")), tripleWords)
	switch {
	case fl.TripleDamages:
		price := s.amounts.Claimed
		if price <= 0 {
			price = s.amounts.Loss
		}
		extra := ""
		if price > 0 {
			tri := 3 * price
			if tri < 50000 {
				tri = 50000
			}
			extra = "按价款 " + yuan(price) + " 计，为 " + yuan(tri) + "。"
		}
		fs = append(fs, Finding{ID: "triple-damages", Severity: SeverityInfo, Title: "可以主张三倍赔偿",
			Detail: "投诉中主张商家欺诈。经营者有欺诈行为的，可以要求增加赔偿，金额为价款的三倍，不足五百元的为五百元（" + citeFraud + "）。" + extra,
			Fix:    "在投诉请求中另列一项增加赔偿，并在事实与理由中写明欺诈的具体表现（如虚假宣传页面、卖家明知卡密无效仍出售的聊天），每一项都注明证据编号。"})
	case asksTriple && fl.VoidContract:
		fs = append(fs, Finding{ID: "triple-damages-unsupported", Severity: SeverityWarning, Title: "合同可能无效，不宜主张三倍赔偿",
			Detail: "投诉请求中有三倍赔偿，但本案合同可能被认定无效（" + citeVoidFake + "）。",
			Fix:    "删去三倍赔偿，只要求返还已支付的款项（" + citeRestitution + "）。"})
	case asksTriple:
		fs = append(fs, Finding{ID: "triple-damages-unsupported", Severity: SeverityWarning, Title: "主张三倍赔偿但没有写明欺诈",
			Detail: "投诉请求中有三倍赔偿，但问题描述没有写明商家欺诈（" + citeFraud + "）。",
			Fix:    "在 problem 中写明商家欺诈的具体事实并附证据；没有欺诈事实的，删去三倍赔偿，只要求退款。"})
	}
	return fs
}
