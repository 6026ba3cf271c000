package checklist

// Legal citations this package prints. Every one is on the "safe to print"
// list of LEGAL.md §7 (iv) and is named as that list names it; the test
// TestCitationsSafe checks every string of the package and every rule file.
// Article texts are never quoted here, only named.
const (
	citeLimitation  = "民法典第一百八十八条"
	citeDayCount    = "民法典第二百零一条"
	citeVoidAct     = "民法典第一百五十三条"
	citeRestitution = "民法典第一百五十七条"
	citeBreach      = "民法典第五百七十七条"
	citeRestart     = "最高人民法院关于审理民事案件适用诉讼时效制度若干问题的规定第八条"
	citeNoReason    = "消费者权益保护法第二十五条"
	citePlatform    = "消费者权益保护法第四十四条"
	citePrepayment  = "消费者权益保护法第五十三条"
	citeFraud       = "消费者权益保护法第五十五条"
	citeVoidFake    = "最高人民法院关于审理网络消费纠纷案件适用法律若干问题的规定（一）第九条"
)
