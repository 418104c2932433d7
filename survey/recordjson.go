package survey

import (
	"encoding/binary"
	"math/bits"
	"slices"
	"strconv"
	"strings"
	"unicode/utf16"
	"unicode/utf8"
)

// decodeRecordJSON parses a record's JSON without reflection: the shape canonical records
// have (every key once, in any order, spelled exactly; strings; a whole-number revision;
// answers an object of strings), with or without spaces between tokens. It reports false
// for anything else, which encoding/json then reads with its own rules (a key in another
// case, a null, a duplicate key, a surrogate escape, a byte that is not UTF-8, bytes after
// the object...), so both decoders give the same record for any input this one accepts.
//
// Every string is its own copy, never a slice of a larger one, so that a value kept
// from a record does not keep the whole record in memory.
func decodeRecordJSON(b []byte) (v recordJSON, ok bool) {
	v, _, ok = decodeRecordJSONShared(b, "", nil)
	return v, ok
}

// decodeRecordJSONShared is decodeRecordJSON, with two savings for a reader of many records
// that keeps none of them: when base is string(b), every unescaped string is a slice of it
// instead of its own copy; when answers is not nil, it is cleared and filled instead of a
// new map. plainPaths reports that every answer path was printable ASCII written without
// an escape, so that none of them can hold a hidden character (HasHidden).
func decodeRecordJSONShared(b []byte, base string, answers map[string]string) (v recordJSON, plainPaths, ok bool) {
	d := recordDecoder{JSONScanner: JSONScanner{Buf: b}, base: base, reuse: answers}
	v, ok = d.record()
	return v, ok && !d.oddPath, ok
}

// record reads the whole of d.Buf as a record.
func (d *recordDecoder) record() (v recordJSON, ok bool) {
	if !d.object(func(key string) bool {
		switch key {
		case "answers":
			return d.answers(&v.Answers)
		case "device":
			return d.str(&v.Device)
		case "enumerator":
			return d.str(&v.Enumerator)
		case "finalized_at":
			return d.str(&v.FinalizedAt)
		case "form_hash":
			return d.str(&v.FormHash)
		case "form_id":
			return d.str(&v.FormID)
		case "form_version":
			return d.str(&v.FormVersion)
		case "id":
			return d.str(&v.ID)
		case "lang":
			return d.str(&v.Lang)
		case "mode":
			return d.str(&v.Mode)
		case "respondent_id":
			return d.str(&v.RespondentID)
		case "revision":
			return d.Integer(&v.Revision)
		case "started_at":
			return d.str(&v.StartedAt)
		}
		return false
	}) {
		return recordJSON{}, false
	}
	d.Space()
	return v, d.Pos == len(d.Buf)
}

// recordKeys are the keys of recordJSON, for the duplicate check.
var recordKeys = [...]string{"answers", "device", "enumerator", "finalized_at", "form_hash", "form_id", "form_version",
	"id", "lang", "mode", "respondent_id", "revision", "started_at"}

// recordDecoder is the state of decodeRecordJSON.
type recordDecoder struct {
	JSONScanner
	seen uint16 // bits of recordKeys met, to refuse a duplicate key
	// base, when not "", is s as a string: strings are sliced from it.
	base string
	// reuse, when not nil, is the map answers fills.
	reuse map[string]string
	// keep, when not nil, says which answer paths the answers map keeps: the others are
	// read past (base must then be set: the kept ones are copied out of it).
	keep func(path string) bool
	// byName, when not nil, has the answers to its questions copied into named, in its
	// order, and the others read past (base must then be set); a question answered at two
	// paths fails.
	byName *NameIndex
	named  []string
	// list, when not nil, gets the answers in the order they come instead of a map;
	// unsorted is then set when a path does not sort after the one before it.
	list     *[]Answer
	unsorted bool
	// plain tells whether the last string read was printable ASCII without an escape;
	// oddPath is set once an answer path was not.
	plain, oddPath bool
}

// object reads the top-level object, calling field after each key and its colon; field
// reads the value. Each key may come once.
func (d *recordDecoder) object(field func(key string) bool) bool {
	if !d.Next('{') {
		return false
	}
	if d.Next('}') {
		return true
	}
	for {
		var key string
		if !d.str(&key) || !d.Next(':') {
			return false
		}
		bit := -1
		for n, k := range recordKeys {
			if k == key {
				bit = n
			}
		}
		if bit < 0 || d.seen&(1<<bit) != 0 {
			return false
		}
		d.seen |= 1 << bit
		if !field(key) {
			return false
		}
		if d.Next('}') {
			return true
		}
		if !d.Next(',') {
			return false
		}
	}
}

// answers reads an object of strings into a new map; a repeated path fails.
func (d *recordDecoder) answers(m *map[string]string) bool {
	if !d.Next('{') {
		return false
	}
	if d.list != nil {
		return d.answerList()
	}
	if d.keep != nil {
		return d.keptAnswers(m)
	}
	if d.byName != nil {
		return d.namedAnswers()
	}
	out := d.reuse
	switch {
	case out == nil:
		out = make(map[string]string, 80)
	default:
		clear(out)
	}
	*m = out
	if d.Next('}') {
		return true
	}
	for {
		var k, v string
		if !d.str(&k) {
			return false
		}
		d.oddPath = d.oddPath || !d.plain
		if !d.Next(':') || !d.str(&v) {
			return false
		}
		n := len(out)
		if out[k] = v; len(out) == n { // a path met before
			return false
		}
		if d.Next('}') {
			return true
		}
		if !d.Next(',') {
			return false
		}
	}
}

// keptAnswers is answers for a decoder with keep: the paths keep accepts go, copied, into
// a map made once their number is known; the others are read past. A repeated kept path
// fails.
func (d *recordDecoder) keptAnswers(m *map[string]string) bool {
	var buf [64]Answer
	kept := buf[:0]
	for more := !d.Next('}'); more; {
		var k, v string
		if !d.str(&k) {
			return false
		}
		keyPlain := d.plain
		d.oddPath = d.oddPath || !d.plain
		if !d.Next(':') || !d.str(&v) {
			return false
		}
		switch {
		case d.keep(k):
			kept = append(kept, Answer{Path: k, Value: v})
		case !keyPlain && HasHidden(k):
			return false // encoding/json reads it, and the record is refused
		}
		if d.Next('}') {
			more = false
		} else if !d.Next(',') {
			return false
		}
	}
	out := make(map[string]string, len(kept))
	for _, a := range kept {
		out[strings.Clone(a.Path)] = strings.Clone(a.Value)
	}
	if len(out) < len(kept) {
		return false // a path twice
	}
	*m = out
	return true
}

// namedAnswers is answers for a decoder with byName.
func (d *recordDecoder) namedAnswers() bool {
	var seenBuf [4]uint64
	seen := seenBuf[:]
	if n := (len(d.named) + 63) / 64; n > len(seen) {
		seen = make([]uint64, n)
	}
	for more := !d.Next('}'); more; {
		var k, v string
		if !d.str(&k) {
			return false
		}
		keyPlain := d.plain
		if !d.Next(':') || !d.str(&v) {
			return false
		}
		if !keyPlain && HasHidden(k) {
			return false // encoding/json reads it, and the record is refused
		}
		if i := d.byName.Index(k); i >= 0 {
			if seen[i/64]&(1<<(i%64)) != 0 {
				return false // a path twice, or two paths of one name: read whole
			}
			seen[i/64] |= 1 << (i % 64)
			d.named[i] = strings.Clone(v)
		}
		if d.Next('}') {
			more = false
		} else if !d.Next(',') {
			return false
		}
	}
	return true
}

// answerList reads an object of strings into d.list, in order, noting whether the paths
// come sorted and once each.
func (d *recordDecoder) answerList() bool {
	if d.Next('}') {
		return true
	}
	out := (*d.list)[:0]
	defer func() { *d.list = out }()
	for {
		var k, v string
		if !d.str(&k) {
			return false
		}
		d.oddPath = d.oddPath || !d.plain
		if !d.Next(':') || !d.str(&v) {
			return false
		}
		if len(out) > 0 && k <= out[len(out)-1].Path {
			d.unsorted = true
		}
		out = append(out, Answer{Path: k, Value: v})
		if d.Next('}') {
			return true
		}
		if !d.Next(',') {
			return false
		}
	}
}

// str reads a JSON string. A control byte, a byte that is not UTF-8 or a
// surrogate escape fails. It sets d.plain.
func (d *recordDecoder) str(out *string) bool {
	d.plain = false
	if !d.Next('"') {
		return false
	}
	start := d.Pos
	ascii := true // and no DEL
	for d.Pos < len(d.Buf) {
		// Eight bytes at a time up to the next byte that needs a look.
		for d.Pos+8 <= len(d.Buf) {
			n := firstSpecial(binary.LittleEndian.Uint64(d.Buf[d.Pos:]))
			d.Pos += n
			if n < 8 {
				break
			}
		}
		if d.Pos >= len(d.Buf) {
			break
		}
		c := d.Buf[d.Pos]
		switch {
		case c == '"':
			s := d.Buf[start:d.Pos]
			d.Pos++
			if !ascii && !utf8.Valid(s) {
				return false
			}
			d.plain = ascii
			if d.base != "" {
				*out = d.base[start : d.Pos-1]
			} else {
				*out = string(s)
			}
			return true
		case c == '\\':
			return d.escaped(start, out)
		case c < 0x20:
			return false
		case c >= 0x7f:
			ascii = false
		}
		d.Pos++
	}
	return false
}

// firstSpecial returns the index of the first of the eight bytes of w (little-endian)
// that str must look at: '"', '\\', a byte below 0x20 or above 0x7e; 8 when there is
// none. The tests are the "any byte" forms of Bit Twiddling Hacks' hasless, hasmore and
// haszero: a borrow or carry can only mark a byte above one that is truly special, so the
// lowest mark is exact.
func firstSpecial(w uint64) int {
	const ones, highs = 0x0101010101010101, 0x8080808080808080
	const quotes, backslashes = ones * '"', ones * '\\'
	control := (w - ones*0x20) &^ w & highs // a byte below 0x20
	high := ((w + ones) | w) & highs        // a byte above 0x7e
	quote := (w ^ quotes - ones) &^ (w ^ quotes) & highs
	backslash := (w ^ backslashes - ones) &^ (w ^ backslashes) & highs
	return bits.TrailingZeros64(control|high|quote|backslash) / 8
}

// escaped finishes a string that has an escape at d.Pos, started at start.
func (d *recordDecoder) escaped(start int, out *string) bool {
	buf := append([]byte(nil), d.Buf[start:d.Pos]...)
	for d.Pos < len(d.Buf) {
		c := d.Buf[d.Pos]
		switch {
		case c == '"':
			d.Pos++
			if !utf8.Valid(buf) {
				return false
			}
			*out = string(buf)
			return true
		case c < 0x20:
			return false
		case c != '\\':
			buf = append(buf, c)
			d.Pos++
			continue
		}
		if d.Pos+1 >= len(d.Buf) {
			return false
		}
		e := d.Buf[d.Pos+1]
		d.Pos += 2
		switch e {
		case '"', '\\', '/':
			buf = append(buf, e)
		case 'b':
			buf = append(buf, '\b')
		case 'f':
			buf = append(buf, '\f')
		case 'n':
			buf = append(buf, '\n')
		case 'r':
			buf = append(buf, '\r')
		case 't':
			buf = append(buf, '\t')
		case 'u':
			if d.Pos+4 > len(d.Buf) {
				return false
			}
			r, err := strconv.ParseUint(string(d.Buf[d.Pos:d.Pos+4]), 16, 32)
			if err != nil || utf16.IsSurrogate(rune(r)) {
				return false
			}
			buf = utf8.AppendRune(buf, rune(r))
			d.Pos += 4
		default:
			return false
		}
	}
	return false
}

// appendCanonical appends v as encoding/json writes it with HTML escaping off and without
// the final newline: fields in declaration order (sorted), answers sorted by path.
func appendCanonical(dst []byte, v *recordJSON) []byte {
	answers := make([]Answer, 0, len(v.Answers))
	for p, a := range v.Answers {
		answers = append(answers, Answer{Path: p, Value: a})
	}
	slices.SortFunc(answers, func(a, b Answer) int { return strings.Compare(a.Path, b.Path) })
	return appendCanonicalSorted(dst, v, answers)
}

// appendCanonicalSorted is appendCanonical with the answers given, sorted by path, instead
// of v.Answers.
func appendCanonicalSorted(dst []byte, v *recordJSON, answers []Answer) []byte {
	dst = append(dst, `{"answers":{`...)
	for i, a := range answers {
		if i > 0 {
			dst = append(dst, ',')
		}
		dst = appendJSONString(dst, a.Path)
		dst = append(dst, ':')
		dst = appendJSONString(dst, a.Value)
	}
	dst = append(dst, '}')
	if v.Device != "" { // omitempty
		dst = append(dst, `,"device":`...)
		dst = appendJSONString(dst, v.Device)
	}
	dst = append(dst, `,"enumerator":`...)
	dst = appendJSONString(dst, v.Enumerator)
	dst = append(dst, `,"finalized_at":`...)
	dst = appendJSONString(dst, v.FinalizedAt)
	dst = append(dst, `,"form_hash":`...)
	dst = appendJSONString(dst, v.FormHash)
	dst = append(dst, `,"form_id":`...)
	dst = appendJSONString(dst, v.FormID)
	dst = append(dst, `,"form_version":`...)
	dst = appendJSONString(dst, v.FormVersion)
	dst = append(dst, `,"id":`...)
	dst = appendJSONString(dst, v.ID)
	dst = append(dst, `,"lang":`...)
	dst = appendJSONString(dst, v.Lang)
	if v.Mode != "" { // omitempty
		dst = append(dst, `,"mode":`...)
		dst = appendJSONString(dst, v.Mode)
	}
	dst = append(dst, `,"respondent_id":`...)
	dst = appendJSONString(dst, v.RespondentID)
	dst = append(dst, `,"revision":`...)
	dst = strconv.AppendInt(dst, int64(v.Revision), 10)
	dst = append(dst, `,"started_at":`...)
	dst = appendJSONString(dst, v.StartedAt)
	return append(dst, '}')
}

// appendJSONString appends s quoted as encoding/json quotes it with HTML escaping off:
// '"' and '\\' escaped, \b \f \n \r \t by their letters, other bytes under 0x20 as \u00XX,
// U+2028 and U+2029 as \u2028 and \u2029, each byte that is not UTF-8 as \ufffd.
func appendJSONString(dst []byte, s string) []byte {
	const hex = "0123456789abcdef"
	dst = append(dst, '"')
	start := 0
	for i := 0; i < len(s); {
		if b := s[i]; b < utf8.RuneSelf {
			if b >= 0x20 && b != '"' && b != '\\' {
				i++
				continue
			}
			dst = append(dst, s[start:i]...)
			switch b {
			case '\\', '"':
				dst = append(dst, '\\', b)
			case '\b':
				dst = append(dst, '\\', 'b')
			case '\f':
				dst = append(dst, '\\', 'f')
			case '\n':
				dst = append(dst, '\\', 'n')
			case '\r':
				dst = append(dst, '\\', 'r')
			case '\t':
				dst = append(dst, '\\', 't')
			default:
				dst = append(dst, '\\', 'u', '0', '0', hex[b>>4], hex[b&0xF])
			}
			i++
			start = i
			continue
		}
		c, size := utf8.DecodeRuneInString(s[i:])
		if c == utf8.RuneError && size == 1 {
			dst = append(dst, s[start:i]...)
			dst = append(dst, `\ufffd`...)
			i += size
			start = i
			continue
		}
		if c == '\u2028' || c == '\u2029' {
			dst = append(dst, s[start:i]...)
			dst = append(dst, '\\', 'u', '2', '0', '2', hex[c&0xF])
			i += size
			start = i
			continue
		}
		i += size
	}
	dst = append(dst, s[start:]...)
	return append(dst, '"')
}
