package expr

import (
	"regexp"
	"testing"
)

// regexCases are patterns and strings for compileMatcher: fixed strings anchored or not,
// classes, optional parts, case folding, and patterns it leaves to regexp.
var regexCases = struct {
	patterns []string
	inputs   []string
}{
	patterns: []string{
		`(0123456|1234567|2345678|3456789|4567890|5678901|6789012|7890123|8901234|9012345|0987654|1098765|2109876|3210987|4321098|5432109|6543210|7654321|8765432|9876543)`,
		`^(1[1-9]|21|3[1-6]|5[1-4]|6[1-5]|7[1-6]|8[12]|9[1-6])`,
		`^\+62[2-79]`, `(ab|cd)$`, `^(ab|cd)$`, `^$`, `^`, `$`, ``, `a?b`, `^a?$`, `(?i)abc`, `[Aa]bc`,
		`é|ü`, `^(é)`, `[^a]`, `a.c`, `a+`, `\bab`, `(?m)^ab`, `a{2}`, `[0-9][0-9][0-9]`, `x\x{FFFD}`,
		`(a|)`, `(|b)c$`, `\d`, `[α-ω]x`, `(?i)k`, `(?i)ſ`, `(?i)abcdefg`,
		`^.*(0123456|1234567|9876543).*$`, `^.*(ab|cd)`, `(ab|cd).*$`, `^ab.*$`, `^.*ab$`, `.*ab.*`,
		`(?s)^.*ab.*$`, `^.*?(ab|cd).*?$`, `^.*$`, `^.*`, `.*$`, `^.*a\nb.*$`, `^.*(?s:.*)ab$`,
		`^.*ab.*cd.*$`, `^(.*)ab(.*)$`,
	},
	inputs: []string{
		"", "a", "b", "ab", "cd", "abcd", "xcd", "cdx", "+6281234567890", "+6221123", "081234567123",
		"6474014101980001", "1101", "11", "0987654", "x0987654x", "ABC", "aBc", "abc", "é", "eé", "ü!",
		"\xff", "a\xffc", "x\xff", "x\xef\xbf\xbd", "\xc3", "\xc3\xa9", "aac", "abc\nab", "123", "12",
		"βx", "c", "bc", "K", "\u212a", "s", "S", "ABCDEFG",
		"ab\ncd", "x\nab", "ab\n", "\nab", "cd\nab\nx", "a\nb", "\n", "x+6281234567890y", "81234567",
		"\xffab", "ab\xff\ncd\xfe",
	},
}

// TestMatcherAsRegexp checks compileMatcher against regexp's MatchString, and that the
// patterns of fixed strings take the fast path.
func TestMatcherAsRegexp(t *testing.T) {
	for _, p := range regexCases.patterns {
		match, err := compileMatcher(p)
		if err != nil {
			t.Fatalf("%q: %v", p, err)
		}
		re := regexp.MustCompile(p)
		for _, s := range regexCases.inputs {
			if got, want := match(s), re.MatchString(s); got != want {
				t.Errorf("regex(%q, %q) = %v, regexp says %v", s, p, got, want)
			}
		}
	}
	for _, p := range []string{regexCases.patterns[0], regexCases.patterns[1], `^\+62[2-79]`, `(ab|cd)$`, `^$`, `[Aa]bc`, `(?i)abc`, `a?b`,
		`^.*(0123456|1234567|9876543).*$`, `^.*(ab|cd)`, `(ab|cd).*$`, `^ab.*$`, `^.*ab$`, `.*ab.*`, `(?s)^.*ab.*$`,
		`^.*?(ab|cd).*?$`, `^.*$`} {
		if literalMatcher(p) == nil {
			t.Errorf("%q: not matched as fixed strings", p)
		}
	}
	for _, p := range []string{`(?i)abcdefg`, `a.c`, `a+`, `\bab`, `(?m)^ab`, `[^a]`, `x\x{FFFD}`, `\d\d\d`, `^.*a\nb.*$`, `^.*ab.*cd.*$`} {
		if literalMatcher(p) != nil {
			t.Errorf("%q: matched as fixed strings, which it is not", p)
		}
	}
	if _, err := compileMatcher(`(`); err == nil {
		t.Error("an invalid pattern compiled")
	}
}

func FuzzMatcher(f *testing.F) {
	for _, p := range regexCases.patterns {
		for _, s := range regexCases.inputs {
			f.Add(p, s)
		}
	}
	f.Fuzz(func(t *testing.T, pattern, s string) {
		re, err := regexp.Compile(pattern)
		match, err2 := compileMatcher(pattern)
		if (err == nil) != (err2 == nil) {
			t.Fatalf("%q: regexp error %v, compileMatcher error %v", pattern, err, err2)
		}
		if err != nil {
			return
		}
		if got, want := match(s), re.MatchString(s); got != want {
			t.Fatalf("regex(%q, %q) = %v, regexp says %v", s, pattern, got, want)
		}
	})
}

// BenchmarkMatcher matches a phone number against the built-in form's check for runs of
// digits, "regexp" with Go's engine, "matcher" as regex() does.
func BenchmarkMatcher(b *testing.B) {
	const pattern = `^.*(0123456|1234567|2345678|3456789|4567890|5678901|6789012|7890123|8901234|9012345|0987654|1098765|2109876|3210987|4321098|5432109|6543210|7654321|8765432|9876543).*$`
	const s = "+6285700000000"
	re := regexp.MustCompile(pattern)
	match, err := compileMatcher(pattern)
	if err != nil {
		b.Fatal(err)
	}
	if match(s) != re.MatchString(s) {
		b.Fatal("the matcher and regexp disagree")
	}
	b.Run("regexp", func(b *testing.B) {
		for b.Loop() {
			re.MatchString(s)
		}
	})
	b.Run("matcher", func(b *testing.B) {
		for b.Loop() {
			match(s)
		}
	})
}
