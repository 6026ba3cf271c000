package checklist

import (
	"testing"
	"time"

	"github.com/evipack/evipack/pkg/casefile"
	"github.com/evipack/evipack/pkg/chat"
	"github.com/evipack/evipack/pkg/evidence"
)

// BenchmarkEvaluateLargeChat evaluates a case with a 200 000-message chat
// export: cost must grow linearly with the messages.
func BenchmarkEvaluateLargeChat(b *testing.B) {
	f := completeCase(b, casefile.TypeVirtualGoods)
	ms := make([]chat.Message, 200_000)
	for i := range ms {
		ms[i] = chat.Message{Sender: "客服小星", Text: "您好，系统维护中，请稍等，明天一定补发卡密", Time: cst(2026, 9, 3, 0, 0).Add(time.Duration(i) * time.Second), HasTime: true}
	}
	items := append(f.items, &evidence.Item{Index: 9, Path: "chat.txt", Kind: casefile.KindChat, Chat: &chat.Log{Messages: ms}})
	rs := loadEmbedded(b, casefile.TypeVirtualGoods)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		Evaluate(rs, f.c, items, f.now)
	}
}
