package export

import (
	"bytes"
	"encoding/csv"
	"strings"
	"testing"
)

// checkCSVWriter checks that csvWriter writes record as encoding/csv's Writer does with
// comma, several times over so that the buffer is written out in between; and, set to
// write CR LF as LF, as encoding/csv writes the fields with CR LF replaced.
func checkCSVWriter(t *testing.T, record []string, comma byte) {
	t.Helper()
	dialect := CSVStandard
	if comma == ';' {
		dialect = CSVExcelID
	}
	replaced := make([]string, len(record))
	for i, f := range record {
		replaced[i] = strings.ReplaceAll(f, "\r\n", "\n")
	}
	for _, lf := range []bool{false, true} {
		var want, got bytes.Buffer
		std := csv.NewWriter(&want)
		std.Comma = rune(comma)
		mine := newCSVWriter(&got, dialect)
		mine.lf = lf
		if mine.comma != comma {
			t.Fatalf("dialect %s writes %q, want %q", dialect, mine.comma, comma)
		}
		stdRecord := record
		if lf {
			stdRecord = replaced
		}
		for range 3 {
			if err := std.Write(stdRecord); err != nil {
				t.Fatal(err)
			}
			if err := mine.Write(record); err != nil {
				t.Fatal(err)
			}
		}
		std.Flush()
		mine.Flush()
		if !bytes.Equal(got.Bytes(), want.Bytes()) {
			t.Fatalf("record %q with %q, CR LF as LF %v:\n%q\nencoding/csv:\n%q", record, comma, lf, got.Bytes(), want.Bytes())
		}
	}
}

// TestCSVWriterAgrees checks csvWriter against encoding/csv on the fields that quoting
// turns on: empty, \., the comma or semicolon, quotes, CR, LF, CR LF, a leading space of
// any kind (a tab, a no-break space, an ideographic space), invalid UTF-8; and on records
// long enough to be written out in pieces.
func TestCSVWriterAgrees(t *testing.T) {
	fields := []string{"", `\.`, `\.x`, "plain", "a,b", "a;b", `say "hi"`, `"`, `""`, "a\rb", "a\nb", "a\r\nb", " lead", "\tlead",
		"\u00a0lead", "\u3000lead", "trail ", "\xff", "\xffa,", "=1+2", "ü"}
	for _, comma := range []byte{',', ';'} {
		for _, f := range fields {
			checkCSVWriter(t, []string{f}, comma)
			checkCSVWriter(t, []string{f, f, "x"}, comma)
		}
		checkCSVWriter(t, fields, comma)
		long := make([]string, 0, 3000)
		for i := range cap(long) {
			long = append(long, fields[i%len(fields)])
		}
		checkCSVWriter(t, long, comma)
	}
}

// FuzzCSVWriter checks csvWriter against encoding/csv on any three fields.
func FuzzCSVWriter(f *testing.F) {
	f.Add("a", `b"c`, "\u00a0d", false)
	f.Add(`\.`, "x\r\ny", ";", true)
	f.Fuzz(func(t *testing.T, a, b, c string, semicolon bool) {
		comma := byte(',')
		if semicolon {
			comma = ';'
		}
		checkCSVWriter(t, []string{a, b, c}, comma)
	})
}
