package forms_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"tracer/forms"
)

// FuzzLoad feeds arbitrary Markdown XLSForms to the loader. Property: no panic; a form that
// loads starts a session, lists its stops and takes generated answers without panicking.
func FuzzLoad(f *testing.F) {
	f.Add(householdForm)
	f.Add("| survey |\n| | type | name | label |\n| | text | q | Q |\n")
	f.Add("| survey |\n| | type | name | relevant | calculation |\n| | calculate | a | | ${b}+1 |\n| | calculate | b | | 2 |\n")
	f.Add("| survey |\n| | type | name | label | repeat_count |\n| | begin repeat | r | R | 3 |\n| | integer | x | X | |\n| | end repeat | | | |\n")
	f.Add("| survey |\n| | type | name | label | repeat_count | calculation |\n| | integer | k | K | | |\n| | begin repeat | r | R | ${k} | |\n| | integer | x | X | | |\n| | calculate | o | | | count(${r}[x > current()/../x]) |\n| | end repeat | | | | |\n| | calculate | c | | | sum(${r}[x > 1][last()]/x) |\n")
	f.Add("| survey |\n| | type | name | label | relevant | constraint |\n| | select_one l or_other | a | A | | |\n| | begin group | g | G | ../a = 'x' | |\n| | integer | b | B | current()/../../a != '' | ${b} &gt; 1 |\n| | end group | | | | |\n| choices |\n| | list_name | name | label |\n| | l | x | X |\n")
	f.Add("| survey |\n| | type | name | label | appearance |\n| | select_one l | q | Q | minimal search('l', 'matches', 'a', ${q}, 'b', \"(x)\") |\n| choices |\n| | list_name | name | label |\n| | l | a | b |\n")
	if data, err := os.ReadFile(filepath.Join("builtin", "blk-tracer.md")); err == nil {
		f.Add(string(data))
	}
	f.Fuzz(func(t *testing.T, src string) {
		form, err := forms.Parse("fuzz.md", []byte(src))
		if err != nil {
			if err.Error() == "" {
				t.Fatal("load error with an empty message")
			}
			return
		}
		s := forms.NewSession(form, forms.Options{Now: func() time.Time { return fixedNow }})
		steps := 0
		for st, ok := s.First(); ok && steps < 200; st, ok = s.Next(st.Path) {
			steps++
			if st.Prompt {
				if s.Instances(st.Path) < 2 {
					_, _ = s.AddInstance(st.Path)
				}
				continue
			}
			for _, c := range candidates(s, st) {
				if p, err := s.Set(st.Path, c); err != nil || p == nil {
					break
				}
			}
		}
		_ = s.Problems()
		_ = s.Record()
		_ = s.Final()
	})
}

// FuzzRichText feeds arbitrary labels to RichText. Properties: no panic; valid UTF-8 in
// gives valid UTF-8 out; the runs join to PlainText; no run is empty, and two neighbours never
// share a style and link.
func FuzzRichText(f *testing.F) {
	for _, s := range []string{"*em* **strong** # h", "<span style=\"color:red\">x</span><h4>y</h4>", "[a](b) \\* _x_y_ ***z***", "a < b > c & d", "<b><i>x</b></i>", "# \n#\n**"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		spans := forms.RichText(s)
		var b strings.Builder
		for i, sp := range spans {
			if sp.Text == "" {
				t.Fatalf("RichText(%q): run %d is empty", s, i)
			}
			if i > 0 && spans[i-1].Style == sp.Style && spans[i-1].URL == sp.URL {
				t.Fatalf("RichText(%q): runs %d and %d share a style", s, i-1, i)
			}
			b.WriteString(sp.Text)
		}
		if utf8.ValidString(s) && !utf8.ValidString(b.String()) {
			t.Fatalf("RichText(%q) gives invalid UTF-8 %q", s, b.String())
		}
		if got := forms.PlainText(s); got != b.String() {
			t.Fatalf("PlainText(%q) = %q, runs join to %q", s, got, b.String())
		}
	})
}

// FuzzAttachment feeds arbitrary attached files to a form that chooses from them, looks up
// in them and filters them. Properties: no panic; a file that does not read gives an error
// with a message; one that reads offers only choices a select can record, and every choice
// offered can be set.
func FuzzAttachment(f *testing.F) {
	f.Add("name,label,region\na,A,1\nb,\"B, b\",2\n", "<root><item><name>x</name><label>X</label></item></root>")
	f.Add("name;label\n1;One\n;Blank\nc d;CD\n", "<root/>")
	f.Add("\xef\xbb\xbfname,label\n\"a\nb\",x\n", "<root><item><name>1</name></item><item/></root>")
	f.Add("name\n", "")
	f.Fuzz(func(t *testing.T, csv, xml string) {
		src := "| survey |\n| | type | name | label | choice_filter | calculation |\n" +
			"| | select_one_from_file l.csv | one | One | | |\n" +
			"| | select_multiple_from_file l.csv | many | Many | region != ${one} | |\n" +
			"| | select_one_from_file x.xml | x | X | | |\n" +
			"| | calculate | look | | | pulldata('l', 'label', 'name', ${one}) |\n" +
			"| | calculate | n | | | count(instance('x')/root/item[name = ${x}]) |\n"
		form, err := forms.Parse("f.zip", zipOf(t, "f.md", src, "l.csv", csv, "x.xml", xml))
		if err != nil {
			if err.Error() == "" {
				t.Fatal("load error with an empty message")
			}
			return
		}
		s := forms.NewSession(form, forms.Options{Now: func() time.Time { return fixedNow }})
		for _, q := range []string{"one", "many", "x"} {
			if !s.Relevant(q) || form.Node(q).Unsupported {
				continue
			}
			for _, c := range s.Choices(q) {
				if c.Name == "" || (q == "many" && strings.ContainsAny(c.Name, " \t\n")) {
					t.Fatalf("%s offers %q, which it cannot record", q, c.Name)
				}
				if p, err := s.Set(q, c.Name); err != nil || p != nil {
					t.Fatalf("%s: the offered %q does not set: %v %v", q, c.Name, err, p)
				}
			}
		}
		_ = s.Record()
	})
}
