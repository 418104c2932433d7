package survey

import "strconv"

// JSONScanner is the position of a hand-written JSON decoder in its input, with the reading
// every such decoder of the project shares: spaces, one byte of punctuation, a whole
// number. The decoders of records, respondents and pushes embed it and add what their
// shapes need; what a scanner reports false for, encoding/json then reads.
type JSONScanner struct {
	// Buf is the input; Pos the index of the next byte to read in it.
	Buf []byte
	Pos int
}

// Space skips the spaces JSON allows between tokens.
func (d *JSONScanner) Space() {
	for d.Pos < len(d.Buf) {
		switch d.Buf[d.Pos] {
		case ' ', '\t', '\n', '\r':
			d.Pos++
		default:
			return
		}
	}
}

// Next skips spaces and reports whether the next byte is c, consuming it if so.
func (d *JSONScanner) Next(c byte) bool {
	d.Space()
	if d.Pos < len(d.Buf) && d.Buf[d.Pos] == c {
		d.Pos++
		return true
	}
	return false
}

// Integer reads a whole number that fits an int, as JSON writes it (no leading zero, no
// fraction, no exponent).
func (d *JSONScanner) Integer(n *int) bool {
	d.Space()
	start := d.Pos
	if d.Pos < len(d.Buf) && d.Buf[d.Pos] == '-' {
		d.Pos++
	}
	digits := d.Pos
	for d.Pos < len(d.Buf) && d.Buf[d.Pos] >= '0' && d.Buf[d.Pos] <= '9' {
		d.Pos++
	}
	if d.Pos == digits || d.Buf[digits] == '0' && d.Pos-digits > 1 {
		return false
	}
	if d.Pos < len(d.Buf) && (d.Buf[d.Pos] == '.' || d.Buf[d.Pos] == 'e' || d.Buf[d.Pos] == 'E') {
		return false
	}
	v, err := strconv.Atoi(string(d.Buf[start:d.Pos]))
	*n = v
	return err == nil
}
