package export

import (
	"bufio"
	"fmt"
	"io"
	"iter"
	"strconv"
	"unicode/utf8"

	"tracer/forms"
	"tracer/survey"
)

// writeJSONL writes one JSON object per record and line: the metadata, the roster fields
// (roster_<name>, when joined), then every non-empty value in form order, keyed as the
// columns are; a repeat is an array of objects, one per instance, at the repeat's place.
func writeJSONL(w io.Writer, s *schema, interviews iter.Seq2[Interview, error], st *Stats) error {
	bw := bufio.NewWriterSize(w, 64<<10)
	rw := newRowWriter(s, Options{}, nil)
	var b []byte
	for iv, err := range interviews {
		if err != nil {
			return fmt.Errorf("read records: %w", err)
		}
		rec := iv.Record
		b = b[:0]
		b = append(b, '{')
		metaValues(rw.meta, rec)
		for i, m := range metaColumns {
			if i > 0 {
				b = append(b, ',')
			}
			b = appendJSONString(b, m.name)
			b = append(b, ':')
			if m.name == "revision" {
				b = strconv.AppendInt(b, int64(rec.Revision), 10)
			} else {
				b = appendJSONString(b, rw.meta[i])
			}
		}
		rw.rosterValues(iv)
		for i, r := range s.roster {
			if rw.roster[i] == "" {
				continue
			}
			b = append(b, ',')
			b = appendJSONString(b, "roster_"+r)
			b = append(b, ':')
			b = appendJSONString(b, rw.roster[i])
		}
		if s.derived != nil {
			rw.derived = rw.derived[:0]
			rw.derived = append(rw.derived, make([]string, len(s.derived.Columns))...)
			s.derived.Values(rec, iv.Answers, rw.row, rw.derived)
			for i, d := range s.derived.Columns {
				if rw.derived[i] == "" {
					continue
				}
				b = append(b, ',')
				b = appendJSONString(b, d.Name)
				b = append(b, ':')
				b = append(b, rw.derived[i]...)
			}
		}
		if s.repeats {
			rw.inst.collect(iv.Answers)
		}
		g := s.versionOf(rec.FormVersion)
		b = s.appendFields(b, g, rw.inst, iv.Answers, g.Root, "", true)
		b = append(b, '}', '\n')
		if _, err := bw.Write(b); err != nil {
			return err
		}
		st.Interviews++
		st.Rows["interviews"]++
	}
	return bw.Flush()
}

// appendFields appends the values below group n of form g, the version the record was made
// with, of the instance at prefix as object members.
func (s *schema) appendFields(b []byte, g *forms.Form, inst instances, answers []survey.Answer, n *forms.Node, prefix string, comma bool) []byte {
	member := func(k string) {
		if comma {
			b = append(b, ',')
		}
		comma = true
		b = appendJSONString(b, k)
		b = append(b, ':')
	}
	for _, c := range n.Children {
		switch {
		case c.Kind == forms.KindRepeat:
			holder := prefix + c.Name
			idx := inst[holder]
			if len(idx) == 0 {
				continue
			}
			member(key(g, c))
			b = append(b, '[')
			for j, i := range idx {
				if j > 0 {
					b = append(b, ',')
				}
				b = append(b, '{')
				b = s.appendFields(b, g, inst, answers, c, holder+"["+strconv.Itoa(i)+"]/", false)
				b = append(b, '}')
			}
			b = append(b, ']')
		case c.Kind == forms.KindGroup:
			before := len(b)
			b = s.appendFields(b, g, inst, answers, c, prefix+c.Name+"/", comma)
			if len(b) > before {
				comma = true
			}
		case exported(c):
			v := answerOf(answers, prefix+c.Name)
			if v == "" {
				continue
			}
			member(key(g, c))
			col := column{node: c, single: c.Type == "select_one", multi: c.Type == "select_multiple"}
			b = appendJSONString(b, s.label(&col, v))
		}
	}
	return b
}

const hexDigits = "0123456789abcdef"

// appendJSONString appends s as a JSON string, escaping only what JSON requires (and U+2028,
// U+2029 for JavaScript readers); invalid UTF-8 becomes U+FFFD.
func appendJSONString(b []byte, s string) []byte {
	b = append(b, '"')
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			switch {
			case c == '"' || c == '\\':
				b = append(b, '\\', c)
			case c == '\n':
				b = append(b, '\\', 'n')
			case c == '\r':
				b = append(b, '\\', 'r')
			case c == '\t':
				b = append(b, '\\', 't')
			case c < 0x20:
				b = append(b, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xf])
			default:
				b = append(b, c)
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			b = append(b, "\ufffd"...)
		case r == '\u2028' || r == '\u2029':
			b = append(b, '\\', 'u', '2', '0', '2', hexDigits[r&0xf])
		default:
			b = append(b, s[i:i+size]...)
		}
		i += size
	}
	return append(b, '"')
}
