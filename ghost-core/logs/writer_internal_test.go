package logs

import (
	"bytes"
	"math/rand/v2"
	"testing"
)

// TestLastNewlineIsLastIndexByte checks the fast search against the
// standard one on random buffers of every density of newlines.
func TestLastNewlineIsLastIndexByte(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for n := 0; n < 2000; n++ {
		q := make([]byte, r.IntN(3000))
		density := r.IntN(4) // none, rare, some, many
		for i := range q {
			q[i] = 'x'
			if density > 0 && r.IntN([]int{0, 2000, 100, 3}[density]) == 0 {
				q[i] = '\n'
			}
		}
		if got, want := lastNewline(q), bytes.LastIndexByte(q, '\n'); got != want {
			t.Fatalf("len %d density %d: lastNewline %d, LastIndexByte %d", len(q), density, got, want)
		}
	}
}

func BenchmarkLastNewlineNone(b *testing.B) {
	q := make([]byte, 128<<10)
	b.SetBytes(int64(len(q)))
	for b.Loop() {
		lastNewline(q)
	}
}
