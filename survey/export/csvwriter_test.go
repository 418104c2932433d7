package export

import (
	"bytes"
	"encoding/csv"
	"strings"
	"testing"
)

// checkCSVWriter checks that csvWriter writes record as encoding/csv's Writer does with
// comma, several times over so that the buffer is written out in between.
func checkCSVWriter(t *testing.T, record []string, comma byte) {
	t.Helper()
	var want, got bytes.Buffer
	std := csv.NewWriter(&want)
	std.Comma = rune(comma)
	dialect := CSVStandard
	if comma == ';' {
		dialect = CSVExcelID
	}
	mine := newCSVWriter(&got, dialect)
	if mine.comma != comma {
		t.Fatalf("dialect %s writes %q, want %q", dialect, mine.comma, comma)
	}
	for range 3 {
		if err := std.Write(record); err != nil {
			t.Fatal(err)
		}
		if err := mine.Write(record); err != nil {
			t.Fatal(err)
		}
	}
	std.Flush()
	mine.Flush()
	if !bytes.Equal(got.Bytes(), want.Bytes()) {
		t.Fatalf("record %q with %q:\n%q\nencoding/csv:\n%q", record, comma, got.Bytes(), want.Bytes())
	}
	// Writing CR LF as LF is encoding/csv on the fields with CR LF replaced.
	want.Reset()
	got.Reset()
	lf := newCSVWriter(&got, dialect)
	lf.lf = true
	replaced := make([]string, len(record))
	for i, f := range record {
		replaced[i] = strings.ReplaceAll(f, "\r\n", "\n")
	}
	if err := std.Write(replaced); err != nil {
		t.Fatal(err)
	}
	if err := lf.Write(record); err != nil {
		t.Fatal(err)
	}
	std.Flush()
	lf.Flush()
	if !bytes.Equal(got.Bytes(), want.Bytes()) {
		t.Fatalf("record %q with %q, CR LF as LF:\n%q\nencoding/csv:\n%q", record, comma, got.Bytes(), want.Bytes())
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
