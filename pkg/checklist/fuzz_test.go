package checklist

import (
	"bytes"
	"errors"
	"io/fs"
	"testing"
	"time"

	"github.com/evipack/evipack/pkg/casefile"
	"github.com/evipack/evipack/templates"
)

func FuzzLoadRules(f *testing.F) {
	entries, err := fs.ReadDir(templates.FS, Dir)
	if err != nil {
		f.Fatal(err)
	}
	for _, e := range entries {
		b, err := fs.ReadFile(templates.FS, Dir+"/"+e.Name())
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Add([]byte(rule1("{any: [{kind: [payment]}, {amount: loss >= claimed}, {time-order: [paid, demand]}, {keyword: {in: [chat, problem], any: [退款]}}]}")))
	f.Add([]byte(rule1("{fact: promise}")))
	f.Add([]byte("version: 1\ncase_type: x\nrequirements: [&a {id: b}, *a]\n"))
	f.Add([]byte(""))
	f.Fuzz(func(t *testing.T, data []byte) {
		rs, err := LoadFile(bytes.NewReader(data), "fuzz.yaml")
		if err != nil {
			var le *LoadError
			if !errors.As(err, &le) {
				t.Fatalf("error %T %v is not *LoadError", err, err)
			}
			return
		}
		seen := map[string]bool{}
		for _, r := range rs.Rules {
			if r.ID == "" || r.Title == "" || r.Hint == "" || seen[r.ID] {
				t.Fatalf("invalid rule accepted: %+v", r)
			}
			seen[r.ID] = true
			if r.Link != LinkTransaction && r.Link != LinkBreach && r.Link != LinkLoss {
				t.Fatalf("bad link accepted: %q", r.Link)
			}
		}
		fx := completeCase(t, casefile.TypeVirtualGoods)
		res := Evaluate(rs, fx.c, fx.items, fx.now)
		if len(res.Requirements) != len(rs.Rules) {
			t.Fatalf("%d requirements for %d rules", len(res.Requirements), len(rs.Rules))
		}
		for _, q := range res.Requirements {
			if q.Met != (q.Hint == "") {
				t.Fatalf("requirement %s met=%v hint=%q", q.ID, q.Met, q.Hint)
			}
		}
		if res.Complete != (len(res.Missing()) == 0 && len(res.Errors()) == 0) {
			t.Fatal("Complete inconsistent")
		}
		n := 0
		for _, q := range res.Requirements {
			if !q.Met {
				n++
			}
		}
		if got := len(Prompts(rs, res)); got != n {
			t.Fatalf("%d prompts for %d unmet requirements", got, n)
		}
	})
}

func FuzzParseDeadline(f *testing.F) {
	for _, s := range []string{"请于2026年9月8日前退款", "请在三日内退款", "请于1月3日前退款", "请在24小时内退款", "请在5个工作日内退款", "2026-02-30前", "九十九天内"} {
		f.Add(s, int64(1788573600))
	}
	f.Fuzz(func(t *testing.T, text string, unix int64) {
		if unix < 0 || unix > 1<<34 {
			return
		}
		sent := time.Unix(unix, 0)
		d, ok := parseDeadline(text, sent)
		if !ok {
			return
		}
		if d.Before(sent.Add(-48*time.Hour)) || d.After(sent.Add(maxDeadline+48*time.Hour)) {
			t.Fatalf("deadline %v for %q sent %v is out of range", d, text, sent)
		}
	})
}
