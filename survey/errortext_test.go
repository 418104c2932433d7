package survey

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"unicode"
)

// refusalRoots are the folders whose code makes the messages a server or a laptop shows as
// a survey.Error: every refusal the server can send comes from them, and the laptop's
// program (cmd, tui) makes some of its own.
var refusalRoots = []string{".", "../sync", "../cmd", "../tui"}

// literal returns the string a constant expression of string literals joined by + gives.
func literal(e ast.Expr) (string, bool) {
	switch e := e.(type) {
	case *ast.BasicLit:
		if e.Kind != token.STRING {
			return "", false
		}
		s, err := strconv.Unquote(e.Value)
		return s, err == nil
	case *ast.BinaryExpr:
		if e.Op != token.ADD {
			return "", false
		}
		a, ok1 := literal(e.X)
		b, ok2 := literal(e.Y)
		return a + b, ok1 && ok2
	case *ast.ParenExpr:
		return literal(e.X)
	}
	return "", false
}

// refusalTexts returns the English texts of every survey.Errorf call and survey.Error
// literal outside tests, with where each is, and the places whose text is not a constant.
func refusalTexts(t *testing.T) (texts map[string]string, dynamic []string) {
	t.Helper()
	texts = map[string]string{}
	fset := token.NewFileSet()
	for _, root := range refusalRoots {
		err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if d.IsDir() && (d.Name() == "testdata" || d.Name() == "loadgen" || d.Name() == "testbed" || d.Name() == "node_modules") {
				return filepath.SkipDir
			}
			if d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
				return nil
			}
			f, err := parser.ParseFile(fset, path, nil, 0)
			if err != nil {
				return err
			}
			inSurvey := f.Name.Name == "survey"
			isSurvey := func(e ast.Expr, name string) bool {
				switch e := e.(type) {
				case *ast.SelectorExpr:
					x, ok := e.X.(*ast.Ident)
					return ok && x.Name == "survey" && e.Sel.Name == name
				case *ast.Ident:
					return inSurvey && e.Name == name
				}
				return false
			}
			ast.Inspect(f, func(n ast.Node) bool {
				switch n := n.(type) {
				case *ast.CallExpr:
					// a flag's reason (survey.NewFlag, or a helper taking the flag's
					// name, review.Flag..., then the reason's format)
					for i, a := range n.Args[:max(len(n.Args)-1, 0)] {
						if id, ok := a.(*ast.Ident); ok && strings.HasPrefix(id.Name, "Flag") && id.Name != "Flag" {
							if s, ok := literal(n.Args[i+1]); ok {
								texts[PluralKey(s)] = fset.Position(n.Pos()).String()
							}
						}
					}
					if isSurvey(n.Fun, "Errorf") && len(n.Args) >= 2 {
						if s, ok := literal(n.Args[1]); ok {
							texts[PluralKey(s)] = fset.Position(n.Pos()).String()
						} else {
							dynamic = append(dynamic, fset.Position(n.Pos()).String())
						}
					}
				case *ast.CompositeLit:
					if isSurvey(n.Type, "Error") {
						for _, el := range n.Elts {
							if kv, ok := el.(*ast.KeyValueExpr); ok {
								if k, ok := kv.Key.(*ast.Ident); ok && k.Name == "Message" {
									if s, ok := literal(kv.Value); ok {
										texts[s] = fset.Position(n.Pos()).String()
									} else {
										dynamic = append(dynamic, fset.Position(n.Pos()).String())
									}
								}
							}
						}
					}
				}
				return true
			})
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	return texts, dynamic
}

// TestRefusalsInIndonesian: every message made as a survey.Error (every refusal a server
// can send, and a laptop's own) has an Indonesian text taking the same arguments in the
// same order, and the catalogue holds no text nothing makes any more.
func TestRefusalsInIndonesian(t *testing.T) {
	texts, dynamic := refusalTexts(t)
	if len(texts) < 200 {
		t.Fatalf("only %d texts found: the walk missed the code", len(texts))
	}
	var missing []string
	for en, at := range texts {
		id, ok := indonesian[en]
		if !ok {
			missing = append(missing, at+": "+strconv.Quote(en))
			continue
		}
		if a, b := verbs(en), verbs(id); len(a) != len(b) {
			t.Errorf("%s: %q takes %d arguments, its Indonesian %q %d", at, en, len(a), id, len(b))
		}
		words := en
		for _, v := range verbs(en) {
			words = strings.Replace(words, v, "", 1)
		}
		if id == "" || (id == en && strings.ContainsFunc(words, unicode.IsLetter)) {
			t.Errorf("%s: %q has no Indonesian text", at, en)
		}
	}
	slices.Sort(missing)
	for _, m := range missing {
		t.Errorf("no Indonesian text: %s", m)
	}
	for en := range indonesian {
		if _, ok := texts[en]; !ok && !extraTexts[en] {
			t.Errorf("the catalogue's %q is made nowhere", en)
		}
	}
	t.Logf("%d texts; %d made from a value, left in English: %s", len(texts), len(dynamic), strings.Join(dynamic, ", "))
}

// TestLocalMessage: a message in Indonesian takes its arguments as the English one printed
// them; one the catalogue does not know, or in English, stays as it came.
func TestLocalMessage(t *testing.T) {
	for _, tc := range []struct {
		err       error
		lang, out string
	}{
		{Errorf(ENOTFOUND, "Interview %s is not stored.", "abc"), "id", "Wawancara abc tidak tersimpan."},
		{Errorf(ENOTFOUND, "Interview %s is not stored.", "abc"), "en", "Interview abc is not stored."},
		{Errorf(EINVALID, "A push may carry at most %d interviews, not %d.", 500, 501), "id", "Satu kiriman paling banyak memuat 500 wawancara, bukan 501."},
		{Errorf(EINVALID, "Form %s version %s was published with other content (sha256 %.12s); this interview was made with a form whose sha256 is %.12s, which was never published.", "f", "1", "0123456789abcdef", "fedcba9876543210"),
			"id", "Formulir f versi 1 diterbitkan dengan isi lain (sha256 0123456789ab); wawancara ini dibuat dengan formulir bersha256 fedcba987654, yang tidak pernah diterbitkan."},
		{Errorf(EINVALID, "Alumni %q tidak ada di daftar server; unduh formulir lagi (Get Blank Form). / Roster id %q is not in the server's roster: download the form again (Get Blank Form) and choose the alumnus from the list.", "X1", "X1"),
			"id", `Alumni "X1" tidak ada di daftar server; unduh formulir lagi (Get Blank Form) dan pilih alumni dari daftar.`},
		{&Error{Code: ECONFLICT, Message: "It already exists."}, "id", "Sudah ada."},
		{Errorf(EINVALID, "Something new %d.", 3), "id", "Something new 3."},
		{&Error{Code: EINVALID, Message: "Sent by a newer server", Key: "Sent by a %s server", Args: []string{"newer"}}, "id", "Sent by a newer server"},
		{&Error{Code: ENOTFOUND, Message: "Interview x is not stored.", Key: "Interview %s is not stored.", Args: []string{"x", "y"}}, "id", "Interview x is not stored."},
		{fmt.Errorf("open: %w", os.ErrNotExist), "id", "Kesalahan internal."},
		// an argument that is a message of the catalogue (a cause) is put in Indonesian too
		{Errorf(EFULL, "%d interviews are safe on the server; this laptop could not record that: %s", 12, "The disk is full: free some disk space, then try again. Everything saved before is kept."),
			"id", "12 wawancara sudah aman di server; laptop ini tidak dapat mencatatnya: Disk penuh: kosongkan sebagian ruang disk, lalu coba lagi. Semua yang tersimpan sebelumnya tetap ada."},
		{Errorf(EINTERNAL, "%d roster updates are safe on the server; this laptop could not record that: %s", 2, "Something new."),
			"id", "2 pembaruan daftar sudah aman di server; laptop ini tidak dapat mencatatnya: Something new."},
		{Errorf(EINVALID, "Interview %s is not stored.", "Internal error."), "en", "Interview Internal error. is not stored."},
		// a float rounded to a whole number is printed, not dropped as "%.0s" is
		{&Error{Code: EINVALID, Message: "x", Key: "Finished in %.0f min; the median of form version %s is %.0f min (n=%d).", Args: []string{"4", "2026.11.1", "25", "40"}},
			"id", "Selesai dalam 4 menit; median versi formulir 2026.11.1 adalah 25 menit (n=40)."},
	} {
		if got := LocalMessage(tc.err, tc.lang); got != tc.out {
			t.Errorf("LocalMessage(%q, %s) = %q, want %q", ErrorMessage(tc.err), tc.lang, got, tc.out)
		}
	}
}
