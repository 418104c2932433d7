package export

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
	"strings"
	"time"
)

// This file writes an SPSS system file (.sav), uncompressed, as PSPP's documentation of
// the format describes it: the file header, a variable record per variable (and a
// continuation record per further 8 bytes of a string), value labels, the machine
// records, long variable names, very long strings, the character encoding (UTF-8), then
// the cases. A string longer than 255 bytes (a very long string) is stored as segments:
// one per 252 bytes of width, each 255 wide but the last, its data packed 255 bytes per
// segment.

// savMaxString is the longest string written (SPSS's limit); longer values are cut (at a
// character).
const savMaxString = 32767

var (
	savSysmis = -math.MaxFloat64
	savEpoch  = time.Date(1582, 10, 14, 0, 0, 0, 0, time.UTC).Unix()
)

// SPSS format types.
const (
	savFmtA        = 1
	savFmtF        = 5
	savFmtDate     = 20
	savFmtDateTime = 22
)

func savFormat(typ, width, dec int) int32 { return int32(typ<<16 | width<<8 | dec) }

// savSegments returns the widths of the segments of a string of width w: w itself up to
// 255 bytes, else 255 for all but the last, which holds the rest of w at 252 a segment.
func savSegments(w int) []int {
	if w <= 255 {
		return []int{w}
	}
	n := (w + 251) / 252
	segs := make([]int, n)
	for i := range segs {
		segs[i] = 255
	}
	segs[n-1] = w - (n-1)*252
	return segs
}

// savWidth is the stored width of a string variable, or 0 for a numeric one.
func savWidth(v *statVar) int {
	if v.kind != varString {
		return 0
	}
	return min(max(v.width, 1), savMaxString)
}

type savWriter struct {
	w   *bufio.Writer
	err error
}

func (s *savWriter) put(vs ...any) {
	for _, v := range vs {
		if s.err != nil {
			return
		}
		switch v := v.(type) {
		case string:
			_, s.err = s.w.WriteString(v)
		case []byte:
			_, s.err = s.w.Write(v)
		default:
			s.err = binary.Write(s.w, binary.LittleEndian, v)
		}
	}
}

// putBytes writes b.
func (s *savWriter) putBytes(b []byte) {
	if s.err == nil {
		_, s.err = s.w.Write(b)
	}
}

// putPadded writes s followed by spaces up to n bytes (s is at most n bytes long).
func (s *savWriter) putPadded(v string, n int) {
	if s.err != nil {
		return
	}
	if _, s.err = s.w.WriteString(v); s.err != nil {
		return
	}
	for n -= len(v); n > 0 && s.err == nil; {
		k := min(n, len(spaces))
		_, s.err = s.w.WriteString(spaces[:k])
		n -= k
	}
}

// spaces pads strings.
var spaces = strings.Repeat(" ", 256)

// pad returns s cut or padded with spaces to n bytes.
func pad(s string, n int) string {
	s = truncate(s, n)
	return s + strings.Repeat(" ", n-len(s))
}

func writeSAV(bw *bufio.Writer, st *statTable, rows *spooled, now time.Time) error {
	w := &savWriter{w: bw}
	segments := 0
	for i := range st.vars {
		if wd := savWidth(&st.vars[i]); wd > 0 {
			for _, sw := range savSegments(wd) {
				segments += (sw + 7) / 8
			}
		} else {
			segments++
		}
	}
	w.put("$FL2", pad("@(#) SPSS DATA FILE tracer", 60), int32(2), int32(segments), int32(0), int32(0), int32(st.n), float64(100),
		pad(now.UTC().Format("02 Jan 06"), 9), pad(now.UTC().Format("15:04:05"), 8), pad("", 64), []byte{0, 0, 0})

	short := map[string]bool{}
	var longNames, veryLong []string
	extra := 0                           // segment names made so far
	index := make([]int32, len(st.vars)) // 1-based dictionary position of each variable
	pos := int32(1)
	for i := range st.vars {
		v := &st.vars[i]
		sn := strings.ToUpper(v.name)
		if len(sn) > 8 {
			sn = sn[:8]
		}
		if short[sn] || reservedNames[strings.ToLower(sn)] {
			sn = fmt.Sprintf("V%07d", i+1)
		}
		short[sn] = true
		longNames = append(longNames, sn+"="+v.name)
		width := savWidth(v)
		segs := savSegments(width)
		if len(segs) > 1 {
			veryLong = append(veryLong, fmt.Sprintf("%s=%05d\x00", sn, width))
		}
		var f int32
		switch {
		case v.kind == varString:
			f = savFormat(savFmtA, segs[0], 0)
		case v.kind == varDate:
			f = savFormat(savFmtDate, 11, 0)
		case v.kind == varDateTime:
			f = savFormat(savFmtDateTime, 20, 0)
		case v.ints:
			f = savFormat(savFmtF, 11, 0)
		default:
			f = savFormat(savFmtF, 16, 4)
		}
		label := truncate(v.label, 255)
		hasLabel := int32(0)
		if label != "" {
			hasLabel = 1
		}
		if v.kind != varString {
			segs = []int{0}
		}
		index[i] = pos
		for k, sw := range segs {
			name, hl := sn, hasLabel
			if k > 0 {
				// A later segment: a name of its own, the format of its width, no label.
				for {
					extra++
					name = fmt.Sprintf("S%07d", extra)
					if !short[name] {
						break
					}
				}
				short[name] = true
				hl, f = 0, savFormat(savFmtA, sw, 0)
			}
			w.put(int32(2), int32(sw), hl, int32(0), f, f, pad(name, 8))
			if hl == 1 {
				w.put(int32(len(label)), pad(label, (len(label)+3)/4*4))
			}
			pos++
			for j := 1; j < (sw+7)/8; j++ {
				w.put(int32(2), int32(-1), int32(0), int32(0), int32(0), int32(0), pad("", 8))
				pos++
			}
		}
	}

	// Value labels, one record pair per set, naming the variables that use it.
	done := map[*valueLabels]bool{}
	for i := range st.vars {
		vl := st.vars[i].labels
		if vl == nil || done[vl] || st.vars[i].kind != varNumber {
			continue
		}
		done[vl] = true
		w.put(int32(3), int32(len(vl.codes)))
		for j, c := range vl.codes {
			l := truncate(vl.labels[j], 120)
			w.put(float64(c), uint8(len(l)), pad(l, (len(l)+1+7)/8*8-1))
		}
		var vars []int32
		for k := range st.vars {
			if st.vars[k].labels == vl && st.vars[k].kind == varNumber {
				vars = append(vars, index[k])
			}
		}
		w.put(int32(4), int32(len(vars)), vars)
	}

	// Machine integer and floating-point information, long names, encoding.
	w.put(int32(7), int32(3), int32(4), int32(8), int32(1), int32(0), int32(0), int32(-1), int32(1), int32(1), int32(2), int32(65001))
	w.put(int32(7), int32(4), int32(8), int32(3), savSysmis, math.MaxFloat64, math.Float64frombits(0xffeffffffffffffe))
	// Display parameters, one per segment: labelled numbers and strings are nominal, other
	// numbers scale.
	nseg := 0
	for i := range st.vars {
		if st.vars[i].kind == varString {
			nseg += len(savSegments(savWidth(&st.vars[i])))
		} else {
			nseg++
		}
	}
	w.put(int32(7), int32(11), int32(4), int32(3*nseg))
	for i := range st.vars {
		v := &st.vars[i]
		if v.kind == varString {
			for range len(savSegments(savWidth(v))) - 1 {
				w.put(int32(1), int32(8), int32(0))
			}
		}
		measure, align := int32(1), int32(0)
		if v.kind != varString {
			align = 1
			if v.labels == nil {
				measure = 3
			}
		}
		w.put(measure, int32(min(max(len(v.name), 8), 40)), align)
	}
	ln := strings.Join(longNames, "\t")
	w.put(int32(7), int32(13), int32(1), int32(len(ln)), ln)
	if len(veryLong) > 0 {
		vl := strings.Join(veryLong, "\t") + "\t"
		w.put(int32(7), int32(14), int32(1), int32(len(vl)), vl)
	}
	w.put(int32(7), int32(20), int32(1), int32(5), "UTF-8")
	w.put(int32(999), int32(0))

	segs := make([][]int, len(st.vars))
	for i := range st.vars {
		if st.vars[i].kind == varString {
			segs[i] = savSegments(savWidth(&st.vars[i]))
		}
	}
	var num [8]byte
	for range st.n {
		cells, err := rows.next()
		if err != nil {
			return fmt.Errorf("read spooled rows: %w", err)
		}
		for i, c := range cells {
			v := &st.vars[i]
			switch v.kind {
			case varString:
				c = truncate(c, savMaxString)
				for k, sw := range segs[i] {
					chunk := ""
					if start := k * 255; start < len(c) {
						chunk = c[start:min(start+255, len(c))]
					}
					w.putPadded(chunk, (sw+7)/8*8)
				}
			default:
				binary.LittleEndian.PutUint64(num[:], math.Float64bits(savNumber(v.kind, v.labels.number(c))))
				w.putBytes(num[:])
			}
		}
	}
	if w.err != nil && !errors.Is(w.err, io.EOF) {
		return w.err
	}
	return w.err
}

// savNumber is the stored value of a numeric, date or date-time cell: SPSS dates are
// seconds since 14 October 1582; empty is the system-missing value.
func savNumber(k varKind, c string) float64 {
	switch k {
	case varDate:
		if t, ok := parseDay(c); ok {
			return float64(t.Unix() - savEpoch)
		}
	case varDateTime:
		if t, err := time.Parse(time.RFC3339, c); err == nil {
			return float64(t.Unix()-savEpoch) + float64(t.Nanosecond())/1e9
		}
	default:
		if f, ok := parseNumber(c); ok {
			return f
		}
	}
	return savSysmis
}
