package qr

import (
	"bytes"
	"errors"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	"tracer/survey/qr/qrtest"
)

// TestFormatAndVersionBits checks the BCH-coded format and version information against
// the values the standard lists (annex C and D).
func TestFormatAndVersionBits(t *testing.T) {
	for _, tc := range []struct {
		level Level
		mask  int
		want  string // bit 14 first
	}{
		{Low, 0, "111011111000100"},
		{Medium, 0, "101010000010010"},
		{Quartile, 0, "011010101011111"},
		{High, 0, "001011010001001"},
		{Medium, 5, "100000011001110"},
		{Low, 7, "110100101110110"},
	} {
		c := newCode(1, tc.level)
		c.drawFormat(tc.mask)
		var got strings.Builder
		// The copy beside the lower left finder holds bits 14 to 8 from top to bottom
		// below it, the one right of the upper left finder's row bits 7 to 0.
		for i := 14; i >= 8; i-- {
			got.WriteString(bit(c.Dark(8, c.Size-15+i)))
		}
		for i := 7; i >= 0; i-- {
			got.WriteString(bit(c.Dark(c.Size-1-i, 8)))
		}
		if got.String() != tc.want {
			t.Errorf("format %s mask %d: %s, want %s", tc.level, tc.mask, got.String(), tc.want)
		}
	}
	c := newCode(7, Medium)
	c.drawFunctionPatterns()
	var got strings.Builder
	for i := 17; i >= 0; i-- {
		got.WriteString(bit(c.Dark(c.Size-11+i%3, i/3)))
	}
	if want := "000111110010010100"; got.String() != want {
		t.Errorf("version 7 information: %s, want %s", got.String(), want)
	}
}

func bit(dark bool) string {
	if dark {
		return "1"
	}
	return "0"
}

// TestCapacity checks how many bytes fit against the standard's table 7.
func TestCapacity(t *testing.T) {
	for _, tc := range []struct {
		version int
		level   Level
		bytes   int
	}{
		{1, Low, 17}, {1, Medium, 14}, {1, Quartile, 11}, {1, High, 7},
		{2, Medium, 26}, {5, Medium, 84}, {7, Low, 154}, {10, Medium, 213}, {15, Medium, 412},
		{40, Low, 2953}, {40, Medium, 2331}, {40, Quartile, 1663}, {40, High, 1273},
	} {
		if got := capacity(tc.version, tc.level); got != tc.bytes {
			t.Errorf("version %d-%s holds %d bytes, want %d", tc.version, tc.level, got, tc.bytes)
		}
	}
	for _, n := range []int{14, 15} {
		c, err := Encode(bytes.Repeat([]byte("a"), n), Medium)
		if err != nil {
			t.Fatal(err)
		}
		if want := 1 + n/15; c.Version != want {
			t.Errorf("%d bytes at M: version %d, want %d", n, c.Version, want)
		}
	}
	_, err := Encode(make([]byte, 2332), Medium)
	if !errors.Is(err, ErrTooLong) {
		t.Errorf("2332 bytes at M: %v, want ErrTooLong", err)
	}
	if _, err := EncodeMask([]byte("x"), Medium, 8); err == nil {
		t.Error("mask 8 accepted")
	}
}

// TestFunctionPatterns checks the parts of a symbol every reader looks for first: the
// three finders with their light separators and the timing patterns between them.
func TestFunctionPatterns(t *testing.T) {
	c, err := Encode([]byte("http://192.168.43.17:8080"), Medium)
	if err != nil {
		t.Fatal(err)
	}
	if c.Version != 2 || c.Size != 25 {
		t.Fatalf("version %d size %d, want 2 and 25", c.Version, c.Size)
	}
	finder := []string{"1111111", "1000001", "1011101", "1011101", "1011101", "1000001", "1111111"}
	for _, corner := range [][2]int{{0, 0}, {c.Size - 7, 0}, {0, c.Size - 7}} {
		for dy, row := range finder {
			for dx, ch := range row {
				if c.Dark(corner[0]+dx, corner[1]+dy) != (ch == '1') {
					t.Fatalf("finder at %v: module (%d,%d) wrong", corner, dx, dy)
				}
			}
		}
	}
	for i := 8; i < c.Size-8; i++ {
		if c.Dark(i, 6) != (i%2 == 0) || c.Dark(6, i) != (i%2 == 0) {
			t.Fatalf("timing pattern wrong at %d", i)
		}
	}
	for i := 0; i < 8; i++ {
		if c.Dark(7, i) || c.Dark(i, 7) || c.Dark(c.Size-8, i) || c.Dark(7, c.Size-1-i) {
			t.Fatalf("a separator module is dark at %d", i)
		}
	}
}

// TestMaskChoice checks that the mask kept has the lowest penalty of the eight.
func TestMaskChoice(t *testing.T) {
	data := []byte("http://10.0.0.2:8080")
	c, err := Encode(data, Medium)
	if err != nil {
		t.Fatal(err)
	}
	best := c.penalty()
	for m := 0; m < 8; m++ {
		o, err := EncodeMask(data, Medium, m)
		if err != nil {
			t.Fatal(err)
		}
		if p := o.penalty(); p < best {
			t.Errorf("mask %d scores %d, below the chosen mask %d's %d", m, p, c.Mask, best)
		}
	}
}

// TestLinePenalty checks rules N1 and N3 on lines worked by hand.
func TestLinePenalty(t *testing.T) {
	for _, tc := range []struct {
		line string
		want int
	}{
		{"10101010101", 0},
		{"11111010101", 3},   // a run of five
		{"11111110101", 5},   // a run of seven: 3 + 2
		{"10111010000", 40},  // a finder pattern with four light after it
		{"00001011101", 40},  // light before it
		{"1011101", 40},      // the quiet zone around the symbol is light
		{"1101011101011", 0}, // no four light modules on either side
	} {
		line := make([]bool, len(tc.line))
		for i, ch := range tc.line {
			line[i] = ch == '1'
		}
		if got := linePenalty(line); got != tc.want {
			t.Errorf("%s: penalty %d, want %d", tc.line, got, tc.want)
		}
	}
}

// TestBlocksRoundTrip checks that the terminal drawing, read back as a terminal shows
// it, is the symbol with its quiet zone, in both polarities and with colours.
func TestBlocksRoundTrip(t *testing.T) {
	c, err := Encode([]byte("http://192.168.43.17:8080"), Medium)
	if err != nil {
		t.Fatal(err)
	}
	for _, inkDark := range []bool{true, false} {
		lines := c.Blocks(inkDark)
		if len(lines) != c.Height() {
			t.Fatalf("%d lines, want %d", len(lines), c.Height())
		}
		// Ink drawing dark modules is right on a light theme, the other on a dark one.
		assertSame(t, c, qrtest.ReadScreen(strings.Join(lines, "\n"), !inkDark))
	}
	for _, darkTheme := range []bool{true, false} {
		assertSame(t, c, qrtest.ReadScreen(c.ANSI(), darkTheme))
	}
}

// assertSame checks that a screen shows c, its quiet zone included, from its top left.
func assertSame(t *testing.T, c *Code, s qrtest.Screen) {
	t.Helper()
	if len(s) < c.Size+2*QuietZone || s.Width() != c.Width() {
		t.Fatalf("read back %d by %d modules, want %d by %d", s.Width(), len(s), c.Width(), c.Size+2*QuietZone)
	}
	for y := -QuietZone; y < c.Size+QuietZone; y++ {
		for x := -QuietZone; x < c.Size+QuietZone; x++ {
			if s.Dark(x+QuietZone, y+QuietZone) != c.Dark(x, y) {
				t.Fatalf("module (%d,%d) read back wrong", x, y)
			}
		}
	}
}

// TestDecodeJSQR has jsQR, a decoder written by others, read codes of every version at
// every level, every mask, and lengths at each version's limits.
func TestDecodeJSQR(t *testing.T) {
	node := qrtest.Node(t)
	rng := rand.New(rand.NewPCG(1, 2))
	random := func(n int) []byte {
		b := make([]byte, n)
		for i := range b {
			b[i] = byte(rng.IntN(256))
		}
		return b
	}
	type sample struct {
		name string
		data []byte
		mask int
		lvl  Level
	}
	var samples []sample
	for v := 1; v <= MaxVersion; v++ {
		lvl := Level(v % 4)
		if v <= 15 {
			lvl = Medium
		}
		n := capacity(v, lvl)
		samples = append(samples, sample{fmt.Sprintf("v%d-%s-full", v, lvl), random(n), -1, lvl})
	}
	for v := 1; v <= 15; v++ {
		samples = append(samples, sample{fmt.Sprintf("v%d-L", v), random(capacity(v, Low)), -1, Low})
	}
	for _, lvl := range []Level{Low, Medium, Quartile, High} {
		for _, n := range []int{0, 1, 7, 100} {
			samples = append(samples, sample{fmt.Sprintf("%s-%d", lvl, n), random(n), -1, lvl})
		}
	}
	for m := 0; m < 8; m++ {
		for _, n := range []int{20, 60, 150} { // versions 2, 4 and 7 (version information) at M
			samples = append(samples, sample{fmt.Sprintf("mask%d-%d", m, n), random(n), m, Medium})
		}
	}
	samples = append(samples, sample{"url", []byte("http://192.168.43.17:8080"), -1, Medium})
	codes := make([]*Code, len(samples))
	images := make([]qrtest.Image, len(samples))
	for i, s := range samples {
		var c *Code
		var err error
		if s.mask < 0 {
			c, err = Encode(s.data, s.lvl)
		} else {
			c, err = EncodeMask(s.data, s.lvl, s.mask)
		}
		if err != nil {
			t.Fatalf("%s: %v", s.name, err)
		}
		codes[i] = c
		images[i] = qrtest.ImageOf(c.Size, c.Size, c.Dark, 3)
	}
	got := qrtest.Decode(t, node, images)
	versions := map[int]bool{}
	for i, s := range samples {
		if !got[i].Found {
			t.Errorf("%s (version %d-%s mask %d): jsQR found no code", s.name, codes[i].Version, codes[i].Level, codes[i].Mask)
			continue
		}
		if !bytes.Equal(got[i].Bytes, s.data) {
			t.Errorf("%s: jsQR read %d bytes %q..., want %d bytes", s.name, len(got[i].Bytes), head(got[i].Bytes), len(s.data))
		}
		if got[i].Version != codes[i].Version {
			t.Errorf("%s: jsQR read version %d, we drew %d", s.name, got[i].Version, codes[i].Version)
		}
		versions[codes[i].Version] = true
	}
	if len(versions) != MaxVersion {
		t.Errorf("%d versions decoded, want all %d", len(versions), MaxVersion)
	}
}

// TestDecodeTerminalDrawing has jsQR read the code as drawn for a terminal and read back
// from the characters, so that what a screen shows is what a phone scans.
func TestDecodeTerminalDrawing(t *testing.T) {
	node := qrtest.Node(t)
	var images []qrtest.Image
	var want [][]byte
	for _, n := range []int{25, 100, 200} {
		data := bytes.Repeat([]byte("http://192.168.43.17:8080/"), 8)[:n]
		c, err := Encode(data, Medium)
		if err != nil {
			t.Fatal(err)
		}
		for _, inkDark := range []bool{true, false} {
			images = append(images, qrtest.ReadScreen(strings.Join(c.Blocks(inkDark), "\n"), !inkDark).Image(4))
			want = append(want, data)
		}
		for _, darkTheme := range []bool{true, false} {
			images = append(images, qrtest.ReadScreen(c.ANSI(), darkTheme).Image(4))
			want = append(want, data)
		}
	}
	got := qrtest.Decode(t, node, images)
	for i := range images {
		if !got[i].Found || !bytes.Equal(got[i].Bytes, want[i]) {
			t.Errorf("drawing %d: jsQR found %v, %q, want %q", i, got[i].Found, got[i].Bytes, want[i])
		}
	}
}

func head(b []byte) []byte {
	return b[:min(len(b), 16)]
}
