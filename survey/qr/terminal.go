package qr

import "strings"

// QuietZone is the light border, in modules, that a reader needs around the symbol.
const QuietZone = 4

// Width is how many terminal columns c takes when drawn, its quiet zone included.
func (c *Code) Width() int { return c.Size + 2*QuietZone }

// Height is how many terminal lines c takes when drawn: two rows of modules a line.
func (c *Code) Height() int { return (c.Size + 2*QuietZone + 1) / 2 }

// Blocks draws c, quiet zone included, as Height lines of Width half blocks ('▀', '▄',
// '█' and ' '), the upper half of a character the upper of its two rows of modules.
//
// Which modules the glyphs draw depends on the terminal's colours, which a program
// cannot always know: with inkDark a glyph's drawn part is a dark module, right for dark
// text on a light background; without it the drawn part is a light module, right for
// light text on a dark background. A scanner needs dark modules on light; ANSI gives the
// colours explicitly and so is right on any background.
func (c *Code) Blocks(inkDark bool) []string {
	lines := make([]string, 0, c.Height())
	var b strings.Builder
	for y := -QuietZone; y < c.Size+QuietZone; y += 2 {
		b.Reset()
		for x := -QuietZone; x < c.Size+QuietZone; x++ {
			top, bottom := c.Dark(x, y) == inkDark, c.Dark(x, y+1) == inkDark
			if y+1 >= c.Size+QuietZone {
				bottom = !inkDark // a half line of quiet zone below an odd count of rows
			}
			b.WriteRune(halfBlock(top, bottom))
		}
		lines = append(lines, b.String())
	}
	return lines
}

// halfBlock is the character drawing the upper half, the lower half, both or neither.
func halfBlock(top, bottom bool) rune {
	switch {
	case top && bottom:
		return '█'
	case top:
		return '▀'
	case bottom:
		return '▄'
	}
	return ' '
}

// The colours ANSI draws with: black and white of the 256-colour palette's cube, which
// terminal themes leave as they are (the first sixteen colours they change).
const (
	sgrBlackOnWhite = "\x1b[38;5;16;48;5;231m"
	sgrReset        = "\x1b[0m"
)

// ANSI draws c as Blocks(true) with each line's colours given (black on white), so that
// it scans on a dark terminal as on a light one; lines end in a newline.
func (c *Code) ANSI() string {
	var b strings.Builder
	for _, l := range c.Blocks(true) {
		b.WriteString(sgrBlackOnWhite)
		b.WriteString(l)
		b.WriteString(sgrReset)
		b.WriteByte('\n')
	}
	return b.String()
}
