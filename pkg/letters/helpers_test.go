package letters

import (
	"os"
	"strconv"
	"testing"

	"github.com/evipack/evipack/pkg/casefile"
	"github.com/evipack/evipack/pkg/evidence"
)

// loadTemplates loads the repository's templates from disk, so a test sees
// the edited files without a rebuild of the embedded FS.
func loadTemplates(t testing.TB) *Templates {
	t.Helper()
	ts, err := Load(os.DirFS("../../templates"))
	if err != nil {
		t.Fatal(err)
	}
	return ts
}

func clauseItem() *evidence.Item {
	return &evidence.Item{Index: 7, Path: "clause.png", Type: evidence.TypePNG, MediaType: "image/png", Kind: casefile.KindDocument, Title: "用户协议中的仲裁条款"}
}

func itoaTest(n int) string { return strconv.Itoa(n) }
