package wire

import (
	"bufio"
	"bytes"
	"io"
	"math/rand/v2"
	"strings"
	"testing"
)

// TestSkipStringAsReadString checks that skipping a string a buffer at a time leaves the
// reader where reading it byte by byte does, with the same error: strings of quotes,
// backslashes and long plain runs, cut anywhere, across buffer boundaries of every phase.
func TestSkipStringAsReadString(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	pieces := []string{`a`, `"`, `\`, `\"`, `\\`, `,`, `}`, strings.Repeat("QUJD", 40), strings.Repeat("x", 5000)}
	for n := range 3000 {
		var b strings.Builder
		for range rng.IntN(12) {
			b.WriteString(pieces[rng.IntN(len(pieces))])
		}
		in := b.String()
		size := 16 + rng.IntN(64)
		want := bufio.NewReaderSize(strings.NewReader(in), size)
		got := bufio.NewReaderSize(strings.NewReader(in), size)
		// Start each reader at the same phase of its buffer.
		skip := rng.IntN(min(len(in)+1, size))
		want.Discard(skip)
		got.Discard(skip)
		werr := readString(want, nil)
		gerr := skipString(got)
		wrest, _ := io.ReadAll(want)
		grest, _ := io.ReadAll(got)
		if werr != gerr || !bytes.Equal(wrest, grest) {
			t.Fatalf("case %d: %q from %d, buffer %d: readString left %q (%v), skipString %q (%v)",
				n, in, skip, size, wrest, werr, grest, gerr)
		}
	}
}
