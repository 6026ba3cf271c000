package payment

import (
	"fmt"
	"strings"
	"testing"
)

func benchWeChat(n int) []byte {
	var b strings.Builder
	b.WriteString(wechatCSV(nil, ""))
	for i := 0; i < n; i++ {
		fmt.Fprintf(&b, "2025-03-%02d 10:%02d:%02d,商户消费,商户%d,\"商品%d\",支出,¥%d.%02d,零钱,支付成功,\"42000%010d\"\t,M%08d\t,\"/\"\n",
			1+i%28, i/60%60, i%60, i%500, i, i%1000, i%100, i, i)
	}
	return []byte(b.String())
}

func benchAlipay(tb testing.TB, n int) []byte {
	rows := make([]alipayRow, n)
	for i := range rows {
		rows[i] = alipayRow{fmt.Sprintf("2025-05-%02d 12:%02d:%02d", 1+i%28, i/60%60, i%60), "日用百货", fmt.Sprintf("商家%d", i%300), "/",
			fmt.Sprintf("商品%d", i), "支出", fmt.Sprintf("%d.%02d", i%1000, i%100), "余额", "交易成功", fmt.Sprintf("2025%016d", i), fmt.Sprintf("T%010d", i), ""}
	}
	return gbk(tb, alipayCSV(rows, true))
}

func benchParse(b *testing.B, name string, data []byte, rows int) {
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		st, err := Parse(name, data)
		if err != nil || len(st.Txns) != rows {
			b.Fatalf("err=%v rows=%d", err, len(st.Txns))
		}
	}
	b.ReportMetric(float64(rows)*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
}

func BenchmarkParseWeChatCSV50k(b *testing.B) {
	benchParse(b, "w.csv", benchWeChat(50_000), 50_000)
}

func BenchmarkParseAlipay50k(b *testing.B) {
	benchParse(b, "a.csv", benchAlipay(b, 50_000), 50_000)
}
