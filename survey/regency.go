package survey

import (
	"slices"
	"strings"
	"sync"
	"unicode"

	"tracer/forms/builtin"
)

// regencyIndex finds the regencies and cities of the built-in form's list (the Kepmendagri
// list, 514 regencies and cities) by code and by folded name without its kind.
type regencyIndex struct {
	byCode map[string]builtin.Regency
	byName map[string][]builtin.Regency // "bandung" -> Kabupaten Bandung, Kota Bandung
}

var regencies = sync.OnceValue(func() *regencyIndex {
	ix := &regencyIndex{byCode: map[string]builtin.Regency{}, byName: map[string][]builtin.Regency{}}
	for _, r := range builtin.Regencies() {
		ix.byCode[r.Code] = r
		_, rest := regencyKind(foldRegency(r.Name))
		ix.byName[rest] = append(ix.byName[rest], r)
	}
	return ix
})

// foldRegency lowercases s and keeps its letters and digits, words separated by one space:
// "KAB. TANAH-LAUT" -> "kab tanah laut".
func foldRegency(s string) string {
	return strings.Join(strings.FieldsFunc(strings.ToLower(s), func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r)
	}), " ")
}

// regencyKind splits a folded name into its kind ("kabupaten", "kota" or "" when it names
// none) and the rest: "kab bandung" -> "kabupaten", "bandung".
func regencyKind(s string) (kind, rest string) {
	w := strings.Fields(s)
	if len(w) > 1 {
		switch w[0] {
		case "kab", "kabupaten", "kb":
			kind, w = "kabupaten", w[1:]
		case "kota", "kodya", "kotamadya", "kot":
			kind, w = "kota", w[1:]
		}
	}
	if len(w) > 1 && (w[0] == "administrasi" || w[0] == "adm") { // DKI Jakarta's
		w = w[1:]
	}
	return kind, strings.Join(w, " ")
}

// codeSeparators are dropped from a code: "32.73", "32 73".
var codeSeparators = strings.NewReplacer(".", "", " ", "")

// ParseRegency returns the BPS code of a regency or city of domicile written as its code
// ("3273", or "32.73" as Kemendagri writes it) or as its name in the built-in form's list,
// in any case and punctuation, with or without its kind ("Kota Bandung", "KOTA BANDUNG",
// "Kab. Bandung", "Kabupaten Bandung", "Kutai Kartanegara"). A name that two of them bear
// ("Bandung") is refused naming both, as is a code or name not on the list; an empty value
// is returned empty. The errors are EINVALID.
func ParseRegency(s string) (string, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return "", nil
	}
	ix := regencies()
	code := codeSeparators.Replace(s)
	if len(code) == 4 && strings.Trim(code, "0123456789") == "" {
		if _, ok := ix.byCode[code]; ok {
			return code, nil
		}
		return "", Errorf(EINVALID, "%q is not the code of a regency or city of the Kepmendagri list (3204 Kabupaten Bandung, 3273 Kota Bandung).", s)
	}
	kind, rest := regencyKind(foldRegency(s))
	var found []builtin.Regency
	for _, r := range ix.byName[rest] {
		if k, _ := regencyKind(foldRegency(r.Name)); kind == "" || k == kind {
			found = append(found, r)
		}
	}
	switch len(found) {
	case 1:
		return found[0].Code, nil
	case 0:
		return "", Errorf(EINVALID, "%q is not a regency or city of the Kepmendagri list: give its code (3273) or its name (Kota Bandung, Kab. Bandung).", s)
	}
	names := make([]string, len(found))
	for i, r := range found {
		names[i] = r.Code + " " + r.Name
	}
	slices.Sort(names)
	return "", Errorf(EINVALID, "%q names more than one regency or city (%s): give the code, or Kab. or Kota before the name.", s, strings.Join(names, ", "))
}
