package letters

// Refusal is a document evipack declines to write, with the reason for the
// consumer in Chinese.
type Refusal struct {
	Msg string // English, lowercase
	Zh  string // Simplified Chinese: why, and what to do instead
}

func (r *Refusal) Error() string { return r.Msg }

// ErrNoArbitrationClause is returned by Arbitration when the case names no
// arbitration clause: without an arbitration agreement no arbitration
// commission can hear the dispute.
var ErrNoArbitrationClause = &Refusal{
	Msg: "no arbitration clause in case.yaml: an arbitration commission has no jurisdiction without an arbitration agreement",
	Zh: "本案没有载明仲裁条款，因此不生成仲裁申请书。" +
		"依照《中华人民共和国仲裁法》，当事人申请仲裁须有双方事先达成的仲裁协议（合同中的仲裁条款或单独的仲裁协议）；" +
		"没有仲裁协议的，仲裁委员会不予受理。" +
		"请改为通过全国12315平台向市场监督管理部门投诉，或向有管辖权的人民法院提起诉讼。" +
		"如合同中确有仲裁条款，请将条款原文填入 case.yaml 的 arbitration_clause，并附上载有该条款的页面截图。",
}
