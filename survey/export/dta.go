package export

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"fmt"
	"math"
	"time"
	"unicode/utf8"
)

// This file writes a Stata dataset in format 118 (Stata 14 and later, UTF-8), as Stata's
// "dta" documentation specifies it: tagged sections, little-endian, fixed-width str#
// strings, a strL for a column with a value longer than str# holds, numbers as long
// (integers) or double, dates as %td (days since 1 January 1960) and date-times as %tc
// (milliseconds since then), empty values as Stata's missing value.

// dtaMaxString is the longest str# Stata allows; a column with a longer value is a strL.
const dtaMaxString = 2045

// Stata type codes.
const (
	dtaStrL   = 32768
	dtaDouble = 65526
	dtaLong   = 65528
)

// A strL cell holds (v, o), the variable and observation (from 1) of its GSO, the value
// in the strls section: v in the low 2 bytes, o in the high 6 (format 118), (0, 0) for an
// empty value. A GSO is "GSO", v (4 bytes), o (8 bytes), the type 130 (a string ending in
// NUL), the length with the NUL (4 bytes), the bytes and the NUL.
const dtaGSOHead = 3 + 4 + 8 + 1 + 4

var (
	dtaEpoch          = time.Date(1960, 1, 1, 0, 0, 0, 0, time.UTC).Unix()
	dtaMissingDouble  = math.Float64frombits(0x7fe0000000000000)
	dtaMissingLong    = int32(0x7fffffe5)
	dtaSectionsBefore = []string{"variable_types", "varnames", "sortlist", "formats", "value_label_names", "variable_labels", "characteristics"}
)

// dtaType is the Stata storage type of a variable: its str# width, long or double.
func dtaType(v *statVar) int {
	switch {
	case v.kind == varString && v.width > dtaMaxString:
		return dtaStrL
	case v.kind == varString:
		return max(v.width, 1)
	case v.kind == varDate, v.kind == varNumber && v.ints:
		return dtaLong
	}
	return dtaDouble
}

func dtaSize(typ int) int {
	switch typ {
	case dtaLong:
		return 4
	case dtaDouble, dtaStrL:
		return 8
	}
	return typ
}

// fixed returns s cut to at most n-1 bytes (at a character) and padded with NULs to n.
func fixed(s string, n int) []byte {
	b := make([]byte, n)
	copy(b, truncate(s, n-1))
	return b
}

func writeDTA(bw *bufio.Writer, st *statTable, rows *spooled, now time.Time) error {
	le := binary.LittleEndian
	k := len(st.vars)
	if k > 32767 {
		return fmt.Errorf("%d variables: a Stata 118 file holds at most 32,767", k)
	}
	if uint64(st.n) >= 1<<48 {
		return fmt.Errorf("%d rows: a Stata 118 strL holds at most 2^48", st.n)
	}
	types := make([]int, k)
	rowSize := 0
	strls := uint64(0) // the size of the GSOs
	for i := range st.vars {
		types[i] = dtaType(&st.vars[i])
		rowSize += dtaSize(types[i])
		if types[i] == dtaStrL {
			strls += uint64(st.vars[i].filled)*(dtaGSOHead+1) + uint64(st.vars[i].bytes)
		}
	}

	var head bytes.Buffer
	head.WriteString("<stata_dta><header><release>118</release><byteorder>LSF</byteorder><K>")
	head.Write(le.AppendUint16(nil, uint16(k)))
	head.WriteString("</K><N>")
	head.Write(le.AppendUint64(nil, uint64(st.n)))
	head.WriteString("</N><label>")
	head.Write(le.AppendUint16(nil, 0))
	head.WriteString("</label><timestamp>")
	ts := now.UTC().Format("02 Jan 2006 15:04")
	head.WriteByte(byte(len(ts)))
	head.WriteString(ts)
	head.WriteString("</timestamp></header>")

	sections := map[string]*bytes.Buffer{}
	for _, s := range dtaSectionsBefore {
		b := &bytes.Buffer{}
		b.WriteString("<" + s + ">")
		sections[s] = b
	}
	for i := range st.vars {
		v := &st.vars[i]
		sections["variable_types"].Write(le.AppendUint16(nil, uint16(types[i])))
		sections["varnames"].Write(fixed(v.name, 129))
		var format string
		switch {
		case types[i] == dtaStrL:
			format = "%-9s"
		case v.kind == varString:
			format = fmt.Sprintf("%%-%ds", min(types[i], 244))
		case v.kind == varDate:
			format = "%td"
		case v.kind == varDateTime:
			format = "%tc"
		case types[i] == dtaLong:
			format = "%12.0g"
		default:
			format = "%10.0g"
		}
		sections["formats"].Write(fixed(format, 57))
		lname := ""
		if v.labels != nil && types[i] == dtaLong && v.kind == varNumber {
			lname = v.labels.name
		}
		sections["value_label_names"].Write(fixed(lname, 129))
		label := v.label
		if utf8.RuneCountInString(label) > 80 {
			label = string([]rune(label)[:80])
		}
		sections["variable_labels"].Write(fixed(label, 321))
	}
	sections["sortlist"].Write(make([]byte, 2*(k+1)))
	for _, s := range dtaSectionsBefore {
		sections[s].WriteString("</" + s + ">")
	}

	var labels bytes.Buffer
	labels.WriteString("<value_labels>")
	done := map[*valueLabels]bool{}
	for i := range st.vars {
		vl := st.vars[i].labels
		if vl == nil || done[vl] || types[i] != dtaLong || st.vars[i].kind != varNumber {
			continue
		}
		done[vl] = true
		var txt []byte
		var off, val []byte
		for j, c := range vl.codes {
			off = le.AppendUint32(off, uint32(len(txt)))
			val = le.AppendUint32(val, uint32(int32(c)))
			txt = append(txt, truncate(vl.labels[j], 32000)...)
			txt = append(txt, 0)
		}
		n := len(vl.codes)
		table := le.AppendUint32(nil, uint32(n))
		table = le.AppendUint32(table, uint32(len(txt)))
		table = append(append(append(table, off...), val...), txt...)
		labels.WriteString("<lbl>")
		labels.Write(le.AppendUint32(nil, uint32(len(table))))
		labels.Write(fixed(vl.name, 129))
		labels.Write([]byte{0, 0, 0})
		labels.Write(table)
		labels.WriteString("</lbl>")
	}
	labels.WriteString("</value_labels>")

	// The map: where each section starts, computed from the sizes above.
	const mapSize = len("<map>") + 14*8 + len("</map>")
	offsets := make([]uint64, 0, 14)
	pos := uint64(0)
	offsets = append(offsets, 0)
	pos += uint64(head.Len())
	offsets = append(offsets, pos)
	pos += uint64(mapSize)
	for _, s := range dtaSectionsBefore {
		offsets = append(offsets, pos)
		pos += uint64(sections[s].Len())
	}
	offsets = append(offsets, pos) // data
	pos += uint64(len("<data>")+len("</data>")) + uint64(st.n)*uint64(rowSize)
	offsets = append(offsets, pos) // strls
	pos += uint64(len("<strls></strls>")) + strls
	offsets = append(offsets, pos) // value_labels
	pos += uint64(labels.Len())
	offsets = append(offsets, pos) // </stata_dta>
	pos += uint64(len("</stata_dta>"))
	offsets = append(offsets, pos)

	w := &savWriter{w: bw}
	w.put(head.Bytes(), "<map>")
	for _, o := range offsets {
		w.put(o)
	}
	w.put("</map>")
	for _, s := range dtaSectionsBefore {
		w.put(sections[s].Bytes())
	}
	w.put("<data>")
	row := make([]byte, 0, rowSize)
	for o := range st.n {
		cells, err := rows.next()
		if err != nil {
			return fmt.Errorf("read spooled rows: %w", err)
		}
		row = row[:0]
		for i, c := range cells {
			switch t := types[i]; t {
			case dtaStrL:
				var vo uint64
				if c != "" {
					vo = uint64(i+1) | uint64(o+1)<<16
				}
				row = le.AppendUint64(row, vo)
			case dtaLong:
				row = le.AppendUint32(row, uint32(dtaInt(st.vars[i].kind, st.vars[i].labels.number(c))))
			case dtaDouble:
				row = le.AppendUint64(row, math.Float64bits(dtaFloat(st.vars[i].kind, st.vars[i].labels.number(c))))
			default: // str t: the text cut to t bytes, padded with zero bytes
				v := truncate(c, t)
				row = append(row, v...)
				row = append(row, make([]byte, t-len(v))...)
			}
		}
		w.put(row)
	}
	w.put("</data><strls>")
	if strls > 0 {
		// The GSOs, in the order of the cells: the spooled rows read again.
		again, err := st.rows()
		if err != nil {
			return err
		}
		var gso []byte
		for o := range st.n {
			cells, err := again.next()
			if err != nil {
				return fmt.Errorf("read spooled rows: %w", err)
			}
			for i, c := range cells {
				if types[i] != dtaStrL || c == "" {
					continue
				}
				gso = append(gso[:0], "GSO"...)
				gso = le.AppendUint32(gso, uint32(i+1))
				gso = le.AppendUint64(gso, uint64(o+1))
				gso = append(gso, 130)
				gso = le.AppendUint32(gso, uint32(len(c)+1))
				gso = append(append(gso, c...), 0)
				w.put(gso)
			}
		}
	}
	w.put("</strls>", labels.Bytes(), "</stata_dta>")
	return w.err
}

// dtaInt is the stored value of a long cell: an integer or days since 1960; missing when
// empty.
func dtaInt(k varKind, c string) int32 {
	if k == varDate {
		if t, ok := parseDay(c); ok {
			return int32((t.Unix() - dtaEpoch) / 86400)
		}
		return dtaMissingLong
	}
	if f, ok := parseNumber(c); ok {
		return int32(f)
	}
	return dtaMissingLong
}

// dtaFloat is the stored value of a double cell: a number or milliseconds since 1960;
// missing when empty.
func dtaFloat(k varKind, c string) float64 {
	if k == varDateTime {
		if t, err := time.Parse(time.RFC3339, c); err == nil {
			return float64((t.Unix()-dtaEpoch)*1000) + float64(t.Nanosecond()/1e6)
		}
		return dtaMissingDouble
	}
	if f, ok := parseNumber(c); ok {
		return f
	}
	return dtaMissingDouble
}
