package sqlite

import "testing"

// TestChunks checks that chunks covers every row once, within the limits, with few
// distinct sizes.
func TestChunks(t *testing.T) {
	sizes := map[int]bool{}
	for n := range 3000 {
		sum := 0
		for i, c := range chunks(n) {
			if c < 1 || c > maxChunk || (c < exactChunk && i != len(chunks(n))-1) {
				t.Fatalf("chunks(%d) = %v", n, chunks(n))
			}
			sum += c
			sizes[c] = true
		}
		if sum != n {
			t.Fatalf("chunks(%d) = %v, sum %d", n, chunks(n), sum)
		}
		if n > 0 && n < exactChunk && len(chunks(n)) != 1 {
			t.Fatalf("chunks(%d) = %v, want one chunk", n, chunks(n))
		}
	}
	if len(sizes) > 20 {
		t.Fatalf("%d distinct chunk sizes, want at most 20", len(sizes))
	}
}
