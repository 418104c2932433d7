package tui

import (
	"reflect"
	"strconv"
	"strings"
	"testing"

	"tracer/survey"
	"tracer/survey/review"
)

// Every text is set in both languages: a text added to one language only fails here instead
// of showing an empty line. (A text the code names and the struct lacks does not compile.)
func TestTextsComplete(t *testing.T) {
	for _, lang := range uiLangs {
		tx, ok := textsFor(lang)
		if !ok {
			t.Fatalf("%s: no texts", lang)
		}
		if got := emptyTexts(reflect.ValueOf(*tx), ""); len(got) > 0 {
			t.Errorf("%s: empty texts: %v", lang, got)
		}
	}
	if _, ok := textsFor("fr"); ok {
		t.Error("fr has texts")
	}
}

// emptyTexts lists the paths of the empty strings in v, a texts value or a part of one.
func emptyTexts(v reflect.Value, path string) []string {
	var out []string
	switch v.Kind() {
	case reflect.String:
		if v.String() == "" {
			out = append(out, path)
		}
	case reflect.Struct:
		for i := range v.NumField() {
			out = append(out, emptyTexts(v.Field(i), v.Type().Field(i).Name)...)
		}
	case reflect.Array, reflect.Slice:
		if v.Len() == 0 {
			out = append(out, path)
		}
		for i := range v.Len() {
			out = append(out, emptyTexts(v.Index(i), path+"["+strconv.Itoa(i)+"]")...)
		}
	default:
		out = append(out, path+" (not text: "+v.Kind().String()+")")
	}
	return out
}

// TestTextsEmptyFound: the completeness check finds an empty text, a plain one and one in an
// array, so that TestTextsComplete can fail.
func TestTextsEmptyFound(t *testing.T) {
	tx := textsEN
	tx.ReviewFilterState = ""
	tx.Months[11] = ""
	got := emptyTexts(reflect.ValueOf(tx), "")
	if !reflect.DeepEqual(got, []string{"Months[11]", "ReviewFilterState"}) {
		t.Errorf("empty texts = %v", got)
	}
}

// Every closed set a text is looked up by has a text for each of its values.
func TestTextLookups(t *testing.T) {
	for _, lang := range uiLangs {
		tx, _ := textsFor(lang)
		for sc := range numScreens {
			if tx.title(sc) == "" {
				t.Errorf("%s: screen %d has no title", lang, sc)
			}
		}
		for p := liveNone + 1; p < nLive; p++ {
			if tx.live(p) == "" {
				t.Errorf("%s: problem %d has no text", lang, p)
			}
		}
		for m := 1; m <= 12; m++ {
			if tx.month(m) == "" {
				t.Errorf("%s: month %d has no name", lang, m)
			}
		}
		for _, s := range listStates[1:] {
			if tx.state(s) == "" {
				t.Errorf("%s: state %s has no name", lang, s)
			}
		}
		for _, l := range uiLangs {
			if tx.langName(l) == "" {
				t.Errorf("%s: language %s has no name", lang, l)
			}
		}
		for _, s := range survey.ReviewStates {
			if tx.reviewState(s) == "" {
				t.Errorf("%s: review state %s has no name", lang, s)
			}
		}
		for _, d := range review.CoverageDimensions {
			if tx.coverageBy(d) == d {
				t.Errorf("%s: coverage by %s has no name", lang, d)
			}
		}
		for _, code := range []string{"L", "P"} {
			if tx.sex(code) == "" {
				t.Errorf("%s: sex %s has no name", lang, code)
			}
		}
	}
}

// The Indonesian screens call the enumerator "pencacah" everywhere, as Home and the review
// do: a supervisor does not meet "Enumerator" on one screen and "Pencacah" on the next.
func TestIndonesianTextsSayPencacah(t *testing.T) {
	for name, v := range map[string]any{"texts": textsID, "tracing": tracingID, "links": linksID,
		"refused": refusedID, "address": addressID} {
		for _, s := range allTexts(reflect.ValueOf(v)) {
			if strings.Contains(strings.ToLower(s), "enumerator") {
				t.Errorf("%s: %q says enumerator, not pencacah", name, s)
			}
		}
	}
}

// allTexts lists the strings in v, a texts value or a part of one.
func allTexts(v reflect.Value) []string {
	switch v.Kind() {
	case reflect.String:
		return []string{v.String()}
	case reflect.Struct:
		var out []string
		for i := range v.NumField() {
			out = append(out, allTexts(v.Field(i))...)
		}
		return out
	case reflect.Array, reflect.Slice:
		var out []string
		for i := range v.Len() {
			out = append(out, allTexts(v.Index(i))...)
		}
		return out
	}
	return nil
}
