package checklist

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/evipack/evipack/pkg/casefile"
	"github.com/evipack/evipack/pkg/evidence"
)

// TestSampleCase runs the checklist on the repository's sample case folder
// (testdata/cases/sample), read by the real ingest.
func TestSampleCase(t *testing.T) {
	dir := filepath.Join("..", "..", "testdata", "cases", "sample")
	if _, err := os.Stat(dir); err != nil {
		t.Fatalf("sample case: %v", err)
	}
	c, err := casefile.LoadFile(filepath.Join(dir, "case.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	col, err := evidence.Collect(context.Background(), dir, evidence.Options{Jobs: 1})
	if err != nil {
		t.Fatal(err)
	}
	var items []*evidence.Item
	billIdx := 0
	for _, it := range col.Items {
		if it.Path == evidence.CaseFileName {
			continue
		}
		if it.Statement != nil {
			billIdx = it.Index
		}
		items = append(items, it)
	}
	if billIdx == 0 {
		t.Fatal("the sample bill was not parsed")
	}
	now := cst(2026, 9, 20, 12, 0)
	res := Evaluate(loadEmbedded(t, c.Type), c, items, now)
	if !res.Complete {
		b, _ := json.MarshalIndent(res, "", " ")
		t.Fatalf("sample case not complete:\n%s", b)
	}
	a := res.Amounts
	if a.Claimed != 12800 || a.Paid != 12800 || a.Refunded != 0 || a.Loss != 12800 || !reflect.DeepEqual(a.PaidFrom, []int{billIdx}) {
		t.Errorf("amounts %+v, want 128.00 paid from 证据%d", a, billIdx)
	}
	for _, id := range []string{"amount-mismatch", "payee-mismatch", "time-order", "demand-deadline-pending", "no-identity", "void-contract"} {
		if f, ok := finding(res, id); ok {
			t.Errorf("unexpected finding %+v", f)
		}
	}
	if !res.Flags.DemandSent || !res.Flags.DemandDeadlineOK || !res.Flags.NoArbitration || res.Flags.VoidContract {
		t.Errorf("flags %+v", res.Flags)
	}
	// Before 2026-09-08 the demand's deadline has not passed, but the seller
	// has already blocked the consumer: an info, not a warning.
	early := Evaluate(loadEmbedded(t, c.Type), c, items, cst(2026, 9, 7, 9, 0))
	if f, ok := finding(early, "demand-deadline-pending"); !ok || f.Severity != SeverityInfo {
		t.Errorf("before the deadline: %+v %v; findings %v", f, ok, findingIDs(early))
	}
}
