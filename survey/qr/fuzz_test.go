package qr

import (
	"bytes"
	"testing"
)

// FuzzEncode encodes any bytes at any level and checks what a reader relies on: the size
// of the version, both copies of the format information alike and naming the level and
// mask, and the codewords read back from the modules (mask removed, in placement order)
// equal to the data's codewords with their error correction.
func FuzzEncode(f *testing.F) {
	f.Add([]byte("http://192.168.43.17:8080"), uint8(1))
	f.Add([]byte{}, uint8(0))
	f.Add(bytes.Repeat([]byte{0xEC, 0x11}, 200), uint8(3))
	f.Fuzz(func(t *testing.T, data []byte, l uint8) {
		level := Level(l % 4)
		c, err := Encode(data, level)
		if len(data) > capacity(MaxVersion, level) {
			if err == nil {
				t.Fatalf("%d bytes at %s encoded", len(data), level)
			}
			return
		}
		if err != nil {
			t.Fatal(err)
		}
		if c.Size != 17+4*c.Version || len(data) > capacity(c.Version, level) || c.Version > 1 && len(data) <= capacity(c.Version-1, level) {
			t.Fatalf("%d bytes at %s: version %d, size %d", len(data), level, c.Version, c.Size)
		}
		var first, second int
		for i := 0; i <= 5; i++ {
			first |= b2i(c.Dark(8, i)) << i
		}
		first |= b2i(c.Dark(8, 7))<<6 | b2i(c.Dark(8, 8))<<7 | b2i(c.Dark(7, 8))<<8
		for i := 9; i < 15; i++ {
			first |= b2i(c.Dark(14-i, 8)) << i
		}
		for i := 0; i < 8; i++ {
			second |= b2i(c.Dark(c.Size-1-i, 8)) << i
		}
		for i := 8; i < 15; i++ {
			second |= b2i(c.Dark(8, c.Size-15+i)) << i
		}
		if first != second {
			t.Fatalf("the format copies differ: %015b, %015b", first, second)
		}
		if info := (first ^ 0x5412) >> 10; info != formatBits[level]<<3|c.Mask {
			t.Fatalf("format information %05b, want level %s mask %d", info, level, c.Mask)
		}
		want := addECC(dataCodewords(data, c.Version, level), c.Version, level)
		u := *c
		u.dark = append([]bool(nil), c.dark...)
		u.applyMask(c.Mask)
		if got := u.readCodewords(len(want)); !bytes.Equal(got, want) {
			t.Fatalf("the codewords read back differ from those written")
		}
	})
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

// readCodewords reads n codewords from the modules in placement order, as a reader does.
func (c *Code) readCodewords(n int) []byte {
	out := make([]byte, n)
	i := 0
	for right := c.Size - 1; right >= 1; right -= 2 {
		if right == 6 {
			right = 5
		}
		upward := (right+1)&2 == 0
		for vert := 0; vert < c.Size; vert++ {
			y := vert
			if upward {
				y = c.Size - 1 - vert
			}
			for j := 0; j < 2; j++ {
				x := right - j
				if c.fn[y*c.Size+x] || i >= n*8 {
					continue
				}
				if c.dark[y*c.Size+x] {
					out[i/8] |= 0x80 >> (i % 8)
				}
				i++
			}
		}
	}
	return out
}
