package pack

import (
	"context"
	"errors"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"golang.org/x/text/encoding/simplifiedchinese"
)

func needTool(t *testing.T, name string) string {
	t.Helper()
	p, err := exec.LookPath(name)
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("%s is required under CI=true: %v", name, err)
		}
		t.Skipf("%s not installed", name)
	}
	return p
}

func write(t *testing.T, dir, name string, data []byte) {
	t.Helper()
	p := filepath.Join(dir, filepath.FromSlash(name))
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, data, 0o644); err != nil {
		t.Fatal(err)
	}
}

const caseYAML = `version: 1
complainant: {name: 王芳, accounts: [{platform: QQ, id: "5550001111", name: 王芳}]}
respondent:
  name: 月光代刷
  accounts: [{platform: QQ, id: "7778889999", name: 月光客服}]
order: {item: 抖音点赞1万个, amount: "88.00", paid_at: "2026-10-02 21:03:11"}
`

// wechatCSV: one purchase from the respondent, a partial refund, and
// unrelated private rows that must not be printed.
const wechatCSV = `微信支付账单明细,,,,,,,,,,
微信昵称：[芳],,,,,,,,,,
起始时间：[2026-10-01 00:00:00] 终止时间：[2026-10-07 23:59:59],,,,,,,,,,
导出类型：[全部],,,,,,,,,,
导出时间：[2026-10-08 09:00:00],,,,,,,,,,
,,,,,,,,,,
共4笔记录,,,,,,,,,,
收入：1笔 20.00元,,,,,,,,,,
支出：3笔 145.50元,,,,,,,,,,
中性交易：0笔 0.00元,,,,,,,,,,
注：,,,,,,,,,,
1. 说明,,,,,,,,,,
2. 说明,,,,,,,,,,
3. 说明,,,,,,,,,,
,,,,,,,,,,
----------------------微信支付账单明细列表--------------------,,,,,,,,,,
交易时间,交易类型,交易对方,商品,收/支,金额(元),支付方式,当前状态,交易单号,商户单号,备注
2026-10-05 10:00:00,商户消费-退款,月光代刷,抖音点赞1万个,收入,¥20.00,零钱,已全额退款,4200009990002026100510000000	,DS20261002210311	,/
2026-10-04 12:00:00,商户消费,隐私餐厅,私人晚餐,支出,¥45.50,零钱,支付成功,4200001112222026100412000000	,PRIV0001	,/
2026-10-02 21:03:11,商户消费,月光代刷,抖音点赞1万个,支出,¥88.00,零钱,已退款(¥20.00),4200009990002026100221031100	,DS20261002210311	,/
2026-10-01 08:00:00,商户消费,秘密药店,私人药品,支出,¥12.00,零钱,支付成功,4200003334442026100108000000	,PRIV0002	,/
`

const alipayCSV = `------------------------------------------------------------------------------------
导出信息：
姓名：王芳
支付宝账户：wang***@example.com
起始时间：[2026-10-01 00:00:00]    终止时间：[2026-10-07 23:59:59]
导出交易类型：[全部]
导出时间：[2026-10-08 09:10:00]
共2笔记录
收入：0笔 0.00元
支出：2笔 60.00元
不计收支：0笔 0.00元

特别提示：
1. 说明

------------------------支付宝支付科技有限公司  电子客户回单------------------------
交易时间,交易分类,交易对方,对方账号,商品说明,收/支,金额,收/付款方式,交易状态,交易订单号,商家订单号,备注,
2026-10-03 09:00:00,数码电器,月光代刷,yg***@example.com,抖音点赞加单,支出,50.00,余额宝,交易成功,2026100322001400001111,DS20261003090000,,
2026-10-06 10:00:00,日用百货,隐私超市,cs***@example.com,私人用品,支出,10.00,余额宝,交易成功,2026100622001400002222,PRIV0003,,
`

const qqTXT = "消息记录（此消息记录为文本格式，不支持重新导入）\n" +
	"================================================================\n" +
	"消息分组:我的好友\n" +
	"================================================================\n" +
	"消息对象:月光客服\n" +
	"================================================================\n\n" +
	"2026-10-02 20:58:01 王芳(5550001111)\n你好，点赞什么时候到账？\n\n" +
	"2026-10-02 20:59:30 月光客服(7778889999)\n保证24小时内到账，不到包退款\n\n" +
	"2026-10-04 11:00:00 王芳(5550001111)\n两天了还没到账，请退款\n\n" +
	"2026-10-04 11:30:00 月光客服(7778889999)\n不退，再等等\n\n"

var spaces = regexp.MustCompile(`\s+`)

func TestBuildPaymentAndChatExhibits(t *testing.T) {
	pdftotext := needTool(t, "pdftotext")
	dir := filepath.Join(t.TempDir(), "case")
	gbk, err := simplifiedchinese.GBK.NewEncoder().String(alipayCSV)
	if err != nil {
		t.Fatal(err)
	}
	write(t, dir, "case.yaml", []byte(caseYAML))
	write(t, dir, "账单/微信支付账单(20261001-20261007).csv", []byte(wechatCSV))
	write(t, dir, "账单/支付宝交易明细(20261001-20261007).csv", []byte(gbk))
	write(t, dir, "聊天/月光客服.txt", []byte(qqTXT))
	out := filepath.Join(t.TempDir(), "out")
	res, err := Build(context.Background(), dir, Options{OutDir: out, Packaging: time.Date(2026, 10, 9, 0, 0, 0, 0, time.UTC), PackagingSource: "SOURCE_DATE_EPOCH", Version: "test"})
	if err != nil {
		t.Fatal(err)
	}
	kinds := map[string]string{}
	for _, it := range res.Manifest.Items {
		kinds[it.Path] = it.Kind
		if it.Content == nil {
			t.Errorf("%s: no content parsed (warnings %v)", it.Path, it.Warnings)
		}
	}
	for p, want := range map[string]string{
		"账单/微信支付账单(20261001-20261007).csv":  "payment",
		"账单/支付宝交易明细(20261001-20261007).csv": "payment",
		"聊天/月光客服.txt":                       "chat",
	} {
		if kinds[p] != want {
			t.Errorf("%s: kind %q, want %q", p, kinds[p], want)
		}
	}
	txt, err := exec.Command(pdftotext, "-enc", "UTF-8", filepath.Join(res.Bundle, ReportPath), "-").Output()
	if err != nil {
		t.Fatal(err)
	}
	flat := spaces.ReplaceAllString(string(txt), "")
	for _, want := range []string{
		// WeChat: purchase and its refund row, totals net of the refund.
		"与本案有关的交易（2笔）", "付款88.00元（1笔），收到退款20.00元（1笔），净支付68.00元",
		// Alipay: the respondent's row only.
		"与本案有关的交易（1笔）", "付款50.00元（1笔），收到退款0.00元（0笔），净支付50.00元",
		// Unrelated rows only summarised.
		"其余2笔与本案无关的交易未打印", "其余1笔与本案无关的交易未打印",
		// The transcript reads like a chat.
		"月光客服（7778889999）2026-10-0220:59:30", "保证24小时内到账，不到包退款", "不退，再等等",
	} {
		if !strings.Contains(flat, want) {
			t.Errorf("PDF text lacks %q", want)
		}
	}
	for _, private := range []string{"隐私餐厅", "秘密药店", "隐私超市", "私人药品"} {
		if strings.Contains(flat, private) {
			t.Errorf("PDF prints the unrelated private row %q", private)
		}
	}
	// The originals, private rows included, are in the bag untouched.
	var bagPath string
	for _, it := range res.Manifest.Items {
		if strings.HasSuffix(it.Path, "微信支付账单(20261001-20261007).csv") {
			bagPath = it.BagPath
		}
	}
	b, err := os.ReadFile(filepath.Join(res.Bundle, filepath.FromSlash(bagPath)))
	if err != nil || string(b) != wechatCSV {
		t.Errorf("original bill not carried byte-identical: %v", err)
	}
}

func TestBuildRedact(t *testing.T) {
	pdftotext := needTool(t, "pdftotext")
	dir := filepath.Join(t.TempDir(), "case")
	yaml := `version: 1
complainant: {name: 李四, phone: "13912345678", id_number: "110101199003077571"}
respondent: {name: 某卡盟}
problem: 我的银行卡6222021234567890128被扣款，卖家电话13800001111不接。
`
	chatTXT := "2026-10-02 20:58:01 李四(5550001111)\n我的手机号13912345678，身份证110101199003077571\n\n"
	write(t, dir, "case.yaml", []byte(yaml))
	write(t, dir, "聊天.txt", []byte(chatTXT))
	before := map[string]string{}
	for _, name := range []string{"case.yaml", "聊天.txt"} {
		b, _ := os.ReadFile(filepath.Join(dir, name))
		before[name] = string(b)
	}
	res, err := Build(context.Background(), dir, Options{OutDir: filepath.Join(t.TempDir(), "out"), Packaging: time.Unix(1790000000, 0), Version: "test", Redact: true})
	if err != nil {
		t.Fatal(err)
	}
	txt, err := exec.Command(pdftotext, "-enc", "UTF-8", filepath.Join(res.Bundle, ReportPath), "-").Output()
	if err != nil {
		t.Fatal(err)
	}
	flat := spaces.ReplaceAllString(string(txt), "")
	for _, secret := range []string{"13912345678", "110101199003077571", "6222021234567890128", "13800001111"} {
		if strings.Contains(flat, secret) {
			t.Errorf("PDF still shows %s", secret)
		}
	}
	for _, masked := range []string{"139****5678", "110101********7571", "***************0128", "手机号2处、身份证号1处、银行卡号1处"} {
		if !strings.Contains(flat, masked) {
			t.Errorf("PDF lacks %q", masked)
		}
	}
	// The originals are untouched, in the folder and in the bag.
	for name, want := range before {
		b, _ := os.ReadFile(filepath.Join(dir, name))
		if string(b) != want {
			t.Errorf("original %s changed", name)
		}
	}
	for _, it := range res.Manifest.Items {
		b, err := os.ReadFile(filepath.Join(res.Bundle, filepath.FromSlash(it.BagPath)))
		if err != nil || string(b) != before[it.Path] {
			t.Errorf("bag copy of %s differs from the original", it.Path)
		}
	}
}

// TestFlushingBeforeCommit: Flushing is called once, when every file of
// the bundle is written (the report PDF among them) but the bundle is not
// yet in place; a batch relies on that to start its next case.
func TestFlushingBeforeCommit(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "case")
	write(t, dir, "case.yaml", []byte(caseYAML))
	write(t, dir, "聊天/月光客服.txt", []byte(qqTXT))
	out := filepath.Join(t.TempDir(), "out")
	calls := 0
	res, err := Build(context.Background(), dir, Options{OutDir: out, Packaging: time.Unix(1790000000, 0), Version: "test",
		Flushing: func() {
			calls++
			if _, err := os.Stat(filepath.Join(out, "case")); !errors.Is(err, fs.ErrNotExist) {
				t.Errorf("bundle already in place when Flushing is called (%v)", err)
			}
			pdfs, _ := filepath.Glob(filepath.Join(out, ".case.evipack-tmp-*", ReportPath))
			if len(pdfs) != 1 {
				t.Errorf("report PDF not written when Flushing is called: %v", pdfs)
			}
		}})
	if err != nil {
		t.Fatal(err)
	}
	if calls != 1 {
		t.Errorf("Flushing called %d times, want 1", calls)
	}
	if _, err := os.Stat(filepath.Join(res.Bundle, ReportPath)); err != nil {
		t.Errorf("bundle not in place after Build: %v", err)
	}
}
