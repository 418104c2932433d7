// Package qr makes QR codes (ISO/IEC 18004, model 2) of a few hundred bytes, such as a
// server's URL or ODK Collect's settings, and draws them for a terminal.
//
// It encodes in byte mode only, at any of the four error correction levels, in the
// smallest version (1 to 40) the data fits, with the mask of the lowest penalty by the
// standard's four rules.
package qr

import (
	"errors"
	"fmt"
)

// Level is a QR code's error correction level: how much of the symbol a reader can
// restore when it is damaged or badly lit.
type Level int

// The four error correction levels, from the least to the most redundant.
const (
	Low      Level = iota // L: about 7% of the codewords can be restored
	Medium                // M: about 15%
	Quartile              // Q: about 25%
	High                  // H: about 30%
)

// String returns the level's letter.
func (l Level) String() string {
	if l < Low || l > High {
		return fmt.Sprintf("Level(%d)", int(l))
	}
	return "LMQH"[l : l+1]
}

// formatBits are the two bits each level has in the format information.
var formatBits = [4]int{Low: 1, Medium: 0, Quartile: 3, High: 2}

// MaxVersion is the largest QR code version: 177 modules a side.
const MaxVersion = 40

// ErrTooLong is returned for data that fits no version at the level asked for.
var ErrTooLong = errors.New("qr: too much data for a QR code")

// Code is a QR code symbol: Size modules a side, each dark or light.
type Code struct {
	Version int   // 1 to 40
	Level   Level // the error correction level
	Mask    int   // the data mask, 0 to 7
	Size    int   // modules a side: 17 + 4*Version
	dark    []bool
	fn      []bool // function patterns (finders, timing, alignment, format and version)
}

// Dark reports whether the module in column x and row y is dark; modules outside the
// symbol (the quiet zone) are light.
func (c *Code) Dark(x, y int) bool {
	if x < 0 || y < 0 || x >= c.Size || y >= c.Size {
		return false
	}
	return c.dark[y*c.Size+x]
}

// Encode makes the QR code of data at level, in the smallest version it fits, with the
// mask of the lowest penalty.
func Encode(data []byte, level Level) (*Code, error) {
	return encode(data, level, -1)
}

// EncodeMask is Encode with the data mask given (0 to 7) instead of chosen.
func EncodeMask(data []byte, level Level, mask int) (*Code, error) {
	if mask < 0 || mask > 7 {
		return nil, fmt.Errorf("qr: mask %d is not 0 to 7", mask)
	}
	return encode(data, level, mask)
}

func encode(data []byte, level Level, mask int) (*Code, error) {
	if level < Low || level > High {
		return nil, fmt.Errorf("qr: unknown level %d", level)
	}
	version := 0
	for v := 1; v <= MaxVersion; v++ {
		if len(data) <= capacity(v, level) {
			version = v
			break
		}
	}
	if version == 0 {
		return nil, fmt.Errorf("%w: %d bytes, at most %d at level %s", ErrTooLong, len(data), capacity(MaxVersion, level), level)
	}
	c := newCode(version, level)
	c.drawFunctionPatterns()
	c.drawCodewords(addECC(dataCodewords(data, version, level), version, level))
	if mask < 0 {
		best := -1
		for m := 0; m < 8; m++ {
			c.applyMask(m)
			c.drawFormat(m)
			if p := c.penalty(); best < 0 || p < best {
				best, mask = p, m
			}
			c.applyMask(m) // masks are XOR: applying one again removes it
		}
	}
	c.applyMask(mask)
	c.drawFormat(mask)
	c.Mask = mask
	return c, nil
}

// capacity is how many bytes version v holds at level in byte mode.
func capacity(v int, level Level) int {
	bits := numDataCodewords(v, level)*8 - 4 - countBits(v)
	return bits / 8
}

// countBits is the width of byte mode's character count in version v.
func countBits(v int) int {
	if v <= 9 {
		return 8
	}
	return 16
}

// dataCodewords is the bit stream of data in version v: byte mode, the count, the bytes,
// a terminator and padding up to the version's data capacity.
func dataCodewords(data []byte, v int, level Level) []byte {
	var bb bitBuffer
	bb.append(0b0100, 4)
	bb.append(len(data), countBits(v))
	for _, b := range data {
		bb.append(int(b), 8)
	}
	capBits := numDataCodewords(v, level) * 8
	bb.append(0, min(4, capBits-bb.n))
	bb.append(0, (8-bb.n%8)%8)
	for pad := 0xEC; bb.n < capBits; pad ^= 0xEC ^ 0x11 {
		bb.append(pad, 8)
	}
	return bb.bytes
}

// bitBuffer collects bits most significant first.
type bitBuffer struct {
	bytes []byte
	n     int
}

func (b *bitBuffer) append(v, bits int) {
	for i := bits - 1; i >= 0; i-- {
		if b.n%8 == 0 {
			b.bytes = append(b.bytes, 0)
		}
		if v>>i&1 == 1 {
			b.bytes[b.n/8] |= 0x80 >> (b.n % 8)
		}
		b.n++
	}
}

// addECC splits data into the version's blocks, adds each block's Reed-Solomon codewords
// and interleaves them as the symbol carries them.
func addECC(data []byte, v int, level Level) []byte {
	nBlocks := eccBlocks[level][v]
	eccLen := eccPerBlock[level][v]
	raw := numRawModules(v) / 8
	nShort := nBlocks - raw%nBlocks
	shortLen := raw/nBlocks - eccLen // data codewords of a short block
	gen := rsGenerator(eccLen)
	blocks := make([][]byte, nBlocks)
	eccs := make([][]byte, nBlocks)
	k := 0
	for i := range blocks {
		n := shortLen
		if i >= nShort {
			n++
		}
		blocks[i] = data[k : k+n]
		k += n
		eccs[i] = rsRemainder(blocks[i], gen)
	}
	out := make([]byte, 0, raw)
	for i := 0; i <= shortLen; i++ {
		for _, b := range blocks {
			if i < len(b) {
				out = append(out, b[i])
			}
		}
	}
	for i := 0; i < eccLen; i++ {
		for _, e := range eccs {
			out = append(out, e[i])
		}
	}
	return out
}

// numRawModules is how many modules of version v carry codewords (data, error
// correction and remainder bits): all but the function patterns.
func numRawModules(v int) int {
	n := (16*v+128)*v + 64
	if v >= 2 {
		align := v/7 + 2
		n -= (25*align-10)*align - 55
		if v >= 7 {
			n -= 36
		}
	}
	return n
}

// numDataCodewords is how many data codewords version v holds at level.
func numDataCodewords(v int, level Level) int {
	return numRawModules(v)/8 - eccPerBlock[level][v]*eccBlocks[level][v]
}

// eccPerBlock and eccBlocks are the standard's table 9: the error correction codewords
// of each block and the number of blocks, by level and version (index 0 unused).
var eccPerBlock = [4][41]int{
	Low:      {0, 7, 10, 15, 20, 26, 18, 20, 24, 30, 18, 20, 24, 26, 30, 22, 24, 28, 30, 28, 28, 28, 28, 30, 30, 26, 28, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30},
	Medium:   {0, 10, 16, 26, 18, 24, 16, 18, 22, 22, 26, 30, 22, 22, 24, 24, 28, 28, 26, 26, 26, 26, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28},
	Quartile: {0, 13, 22, 18, 26, 18, 24, 18, 22, 20, 24, 28, 26, 24, 20, 30, 24, 28, 28, 26, 30, 28, 30, 30, 30, 30, 28, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30},
	High:     {0, 17, 28, 22, 16, 22, 28, 26, 26, 24, 28, 24, 28, 22, 24, 24, 30, 28, 28, 26, 28, 30, 24, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30},
}

var eccBlocks = [4][41]int{
	Low:      {0, 1, 1, 1, 1, 1, 2, 2, 2, 2, 4, 4, 4, 4, 4, 6, 6, 6, 6, 7, 8, 8, 9, 9, 10, 12, 12, 12, 13, 14, 15, 16, 17, 18, 19, 19, 20, 21, 22, 24, 25},
	Medium:   {0, 1, 1, 1, 2, 2, 4, 4, 4, 5, 5, 5, 8, 9, 9, 10, 10, 11, 13, 14, 16, 17, 17, 18, 20, 21, 23, 25, 26, 28, 29, 31, 33, 35, 37, 38, 40, 43, 45, 47, 49},
	Quartile: {0, 1, 1, 2, 2, 4, 4, 6, 6, 8, 8, 8, 10, 12, 16, 12, 17, 16, 18, 21, 20, 23, 23, 25, 27, 29, 34, 34, 35, 38, 40, 43, 45, 48, 51, 53, 56, 59, 62, 65, 68},
	High:     {0, 1, 1, 2, 4, 4, 4, 5, 6, 8, 8, 11, 11, 16, 16, 18, 16, 19, 21, 25, 25, 25, 34, 30, 32, 35, 37, 40, 42, 45, 48, 51, 54, 57, 60, 63, 66, 70, 74, 77, 81},
}

// rsGenerator is the Reed-Solomon generator polynomial of degree n over GF(256), its
// coefficients from the highest power down, the leading 1 left out.
func rsGenerator(n int) []byte {
	g := make([]byte, n)
	g[n-1] = 1
	root := byte(1)
	for i := 0; i < n; i++ {
		for j := range g {
			g[j] = gfMul(g[j], root)
			if j+1 < n {
				g[j] ^= g[j+1]
			}
		}
		root = gfMul(root, 2)
	}
	return g
}

// rsRemainder is the remainder of data times x^len(gen) divided by the generator: the
// block's error correction codewords.
func rsRemainder(data, gen []byte) []byte {
	r := make([]byte, len(gen))
	for _, b := range data {
		f := b ^ r[0]
		copy(r, r[1:])
		r[len(r)-1] = 0
		for i, g := range gen {
			r[i] ^= gfMul(g, f)
		}
	}
	return r
}

// gfMul multiplies in GF(2^8) modulo x^8 + x^4 + x^3 + x^2 + 1.
func gfMul(x, y byte) byte {
	z := 0
	for i := 7; i >= 0; i-- {
		z = z<<1 ^ (z>>7)*0x11D
		z ^= int(y>>i&1) * int(x)
	}
	return byte(z)
}

func newCode(v int, level Level) *Code {
	size := 17 + 4*v
	return &Code{Version: v, Level: level, Size: size, dark: make([]bool, size*size), fn: make([]bool, size*size)}
}

func (c *Code) set(x, y int, dark bool) {
	c.dark[y*c.Size+x] = dark
	c.fn[y*c.Size+x] = true
}

// drawFunctionPatterns draws the finders and their separators, the timing patterns, the
// alignment patterns, the version information and the dark module, and reserves the
// format information's modules.
func (c *Code) drawFunctionPatterns() {
	n := c.Size
	for i := 0; i < n; i++ {
		c.set(6, i, i%2 == 0)
		c.set(i, 6, i%2 == 0)
	}
	for _, p := range [][2]int{{3, 3}, {n - 4, 3}, {3, n - 4}} {
		for dy := -4; dy <= 4; dy++ {
			for dx := -4; dx <= 4; dx++ {
				x, y := p[0]+dx, p[1]+dy
				if x < 0 || y < 0 || x >= n || y >= n {
					continue
				}
				d := max(abs(dx), abs(dy))
				c.set(x, y, d != 2 && d != 4)
			}
		}
	}
	pos := alignmentPositions(c.Version)
	last := len(pos) - 1
	for i, y := range pos {
		for j, x := range pos {
			if i == 0 && j == 0 || i == 0 && j == last || i == last && j == 0 {
				continue // the finders are there
			}
			for dy := -2; dy <= 2; dy++ {
				for dx := -2; dx <= 2; dx++ {
					c.set(x+dx, y+dy, max(abs(dx), abs(dy)) != 1)
				}
			}
		}
	}
	c.drawFormat(0) // reserves the modules; the real bits come with the mask
	if c.Version >= 7 {
		rem := c.Version
		for i := 0; i < 12; i++ {
			rem = rem<<1 ^ (rem>>11)*0x1F25
		}
		bits := c.Version<<12 | rem
		for i := 0; i < 18; i++ {
			dark := bits>>i&1 == 1
			a, b := n-11+i%3, i/3
			c.set(a, b, dark)
			c.set(b, a, dark)
		}
	}
}

// alignmentPositions are the rows (and columns) of version v's alignment patterns'
// centres.
func alignmentPositions(v int) []int {
	if v == 1 {
		return nil
	}
	n := v/7 + 2
	step := (v*8 + n*3 + 5) / (n*4 - 4) * 2
	pos := make([]int, n)
	pos[0] = 6
	for i, p := n-1, 17+4*v-7; i >= 1; i, p = i-1, p-step {
		pos[i] = p
	}
	return pos
}

// drawFormat draws the format information (the level and the mask, BCH-coded) in both
// of its places, and the dark module beside the lower left finder.
func (c *Code) drawFormat(mask int) {
	data := formatBits[c.Level]<<3 | mask
	rem := data
	for i := 0; i < 10; i++ {
		rem = rem<<1 ^ (rem>>9)*0x537
	}
	bits := (data<<10 | rem) ^ 0x5412
	bit := func(i int) bool { return bits>>i&1 == 1 }
	n := c.Size
	for i := 0; i <= 5; i++ {
		c.set(8, i, bit(i))
	}
	c.set(8, 7, bit(6))
	c.set(8, 8, bit(7))
	c.set(7, 8, bit(8))
	for i := 9; i < 15; i++ {
		c.set(14-i, 8, bit(i))
	}
	for i := 0; i < 8; i++ {
		c.set(n-1-i, 8, bit(i))
	}
	for i := 8; i < 15; i++ {
		c.set(8, n-15+i, bit(i))
	}
	c.set(8, n-8, true)
}

// drawCodewords places the codewords in the modules left free, two columns at a time
// from the right, up and down in turn; remainder bits stay light.
func (c *Code) drawCodewords(words []byte) {
	n := c.Size
	i := 0
	for right := n - 1; right >= 1; right -= 2 {
		if right == 6 {
			right = 5 // the vertical timing pattern takes a column
		}
		upward := (right+1)&2 == 0
		for vert := 0; vert < n; vert++ {
			y := vert
			if upward {
				y = n - 1 - vert
			}
			for j := 0; j < 2; j++ {
				x := right - j
				if c.fn[y*n+x] || i >= len(words)*8 {
					continue
				}
				c.dark[y*n+x] = words[i/8]>>(7-i%8)&1 == 1
				i++
			}
		}
	}
}

// applyMask flips the non-function modules where mask's condition holds.
func (c *Code) applyMask(mask int) {
	n := c.Size
	for y := 0; y < n; y++ {
		for x := 0; x < n; x++ {
			if c.fn[y*n+x] {
				continue
			}
			var flip bool
			switch mask {
			case 0:
				flip = (x+y)%2 == 0
			case 1:
				flip = y%2 == 0
			case 2:
				flip = x%3 == 0
			case 3:
				flip = (x+y)%3 == 0
			case 4:
				flip = (x/3+y/2)%2 == 0
			case 5:
				flip = x*y%2+x*y%3 == 0
			case 6:
				flip = (x*y%2+x*y%3)%2 == 0
			case 7:
				flip = ((x+y)%2+x*y%3)%2 == 0
			}
			if flip {
				c.dark[y*n+x] = !c.dark[y*n+x]
			}
		}
	}
}

// The penalty weights of the standard's mask evaluation.
const (
	penaltyRun    = 3  // N1: a run of five same-coloured modules in a row or column, plus one per module more
	penaltyBlock  = 3  // N2: each 2x2 block of one colour
	penaltyFinder = 40 // N3: each 1:1:3:1:1 pattern with four light modules on one side
	penaltyDark   = 10 // N4: each 5% the dark share is away from half
)

// penalty scores the symbol as masked now by the standard's four rules; the mask with the
// lowest score is the one kept.
func (c *Code) penalty() int {
	n := c.Size
	p := 0
	line := make([]bool, n)
	for _, vertical := range []bool{false, true} {
		for a := 0; a < n; a++ {
			for b := 0; b < n; b++ {
				if vertical {
					line[b] = c.dark[b*n+a]
				} else {
					line[b] = c.dark[a*n+b]
				}
			}
			p += linePenalty(line)
		}
	}
	dark := 0
	for y := 0; y < n; y++ {
		for x := 0; x < n; x++ {
			d := c.dark[y*n+x]
			if d {
				dark++
			}
			if x+1 < n && y+1 < n && d == c.dark[y*n+x+1] && d == c.dark[(y+1)*n+x] && d == c.dark[(y+1)*n+x+1] {
				p += penaltyBlock
			}
		}
	}
	total := n * n
	k := (abs(dark*20-total*10)+total-1)/total - 1
	return p + k*penaltyDark
}

// linePenalty scores one row or column by rules N1 and N3; what lies beyond the symbol
// counts as light, as the quiet zone is.
func linePenalty(line []bool) int {
	n := len(line)
	p := 0
	for i := 0; i < n; {
		j := i
		for j < n && line[j] == line[i] {
			j++
		}
		if run := j - i; run >= 5 {
			p += penaltyRun + run - 5
		}
		i = j
	}
	at := func(i int) bool { return i >= 0 && i < n && line[i] }
	light := func(from int) bool {
		for k := from; k < from+4; k++ {
			if at(k) {
				return false
			}
		}
		return true
	}
	finder := [7]bool{true, false, true, true, true, false, true}
	for i := 0; i+7 <= n; i++ {
		match := true
		for k, d := range finder {
			if line[i+k] != d {
				match = false
				break
			}
		}
		if match && (light(i-4) || light(i+7)) {
			p += penaltyFinder
		}
	}
	return p
}

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}
