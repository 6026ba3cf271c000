package casefile

import (
	"bytes"
	"os"
	"testing"
)

func BenchmarkLoad(b *testing.B) {
	data, err := os.ReadFile("testdata/full.yaml")
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		if _, err := Load(bytes.NewReader(data), "case.yaml"); err != nil {
			b.Fatal(err)
		}
	}
}
