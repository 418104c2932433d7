package expr

import (
	"regexp"
	"regexp/syntax"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"
)

// maxLiterals bounds the strings a pattern may stand for to be matched without the
// regular-expression engine.
const maxLiterals = 64

// compileMatcher compiles the pattern of regex(s, pattern) into a function that reports
// whether s matches it anywhere, as regexp's MatchString does. A pattern that stands for a
// few fixed strings, such as '(0123456|1234567|...)', optionally anchored with ^ or $, is
// matched with strings.Contains, HasPrefix, HasSuffix or ==: Go's backtracker tries every
// alternative at every position of s, which for twenty runs of digits costs microseconds.
func compileMatcher(pattern string) (func(string) bool, error) {
	re, err := regexp.Compile(pattern)
	if err != nil {
		return nil, err
	}
	if m := literalMatcher(pattern); m != nil {
		return m, nil
	}
	return re.MatchString, nil
}

// literalMatcher returns a matcher for a pattern that stands for at most maxLiterals
// strings, or nil. The strings may be anchored with ^ or $, and wrapped in .* on either
// side, as forms write "contains" ('^.*(0123456|...).*$'): a .* next to its anchor lets the
// strings be found anywhere in the first line (or the last one; '.' does not match a newline
// unless the pattern sets (?s)), and a .* with no anchor changes nothing.
func literalMatcher(pattern string) func(string) bool {
	re, err := syntax.Parse(pattern, syntax.Perl)
	if err != nil {
		return nil
	}
	begin, end := false, false
	// firstLine and lastLine: a .* stands between ^ (or $) and the strings and stops at a
	// newline, so they must be found in the first (or last) line.
	firstLine, lastLine := false, false
	if re.Op == syntax.OpConcat && len(re.Sub) > 0 {
		subs := re.Sub
		if subs[0].Op == syntax.OpBeginText {
			begin, subs = true, subs[1:]
		}
		if len(subs) > 0 && subs[len(subs)-1].Op == syntax.OpEndText {
			end, subs = true, subs[:len(subs)-1]
		}
		if len(subs) > 0 && isDotStar(subs[0]) {
			firstLine = begin && subs[0].Sub[0].Op == syntax.OpAnyCharNotNL
			begin, subs = false, subs[1:]
		}
		if len(subs) > 0 && isDotStar(subs[len(subs)-1]) {
			lastLine = end && subs[len(subs)-1].Sub[0].Op == syntax.OpAnyCharNotNL
			end, subs = false, subs[:len(subs)-1]
		}
		re = &syntax.Regexp{Op: syntax.OpConcat, Sub: subs}
	}
	lits, ok := fixedStrings(re)
	if !ok {
		return nil
	}
	for _, l := range lits {
		// regexp reads each invalid byte of s as U+FFFD; a literal holding one must go
		// through it. Lines are told apart only for strings without a newline.
		if !utf8.ValidString(l) || strings.ContainsRune(l, utf8.RuneError) || (firstLine || lastLine) && strings.Contains(l, "\n") {
			return nil
		}
	}
	slices.Sort(lits)
	lits = slices.Compact(lits)
	var find func(s, lit string) bool
	switch {
	case begin && end:
		find = func(s, l string) bool { return s == l }
	case begin:
		find = strings.HasPrefix
	case end:
		find = strings.HasSuffix
	default:
		find = strings.Contains
	}
	return func(s string) bool {
		// A string found must lie in s[lo:hi]: the first line, the last, or all of s.
		lo, hi := 0, len(s)
		if firstLine {
			if i := strings.IndexByte(s, '\n'); i >= 0 {
				hi = i
			}
		}
		if lastLine {
			if i := strings.LastIndexByte(s, '\n'); i >= 0 {
				lo = i + 1
			}
		}
		if lo > hi || begin && lo > 0 || end && hi < len(s) {
			return false
		}
		for _, l := range lits {
			if find(s[lo:hi], l) {
				return true
			}
		}
		return false
	}
}

// isDotStar says whether re is .* ('.' with or without (?s), greedy or not).
func isDotStar(re *syntax.Regexp) bool {
	return re.Op == syntax.OpStar && (re.Sub[0].Op == syntax.OpAnyCharNotNL || re.Sub[0].Op == syntax.OpAnyChar)
}

// fixedStrings returns the strings re stands for, if it stands for at most maxLiterals
// strings and holds only literals (case-sensitive or not), character classes, groups,
// concatenations, alternations and optional parts.
func fixedStrings(re *syntax.Regexp) ([]string, bool) {
	switch re.Op {
	case syntax.OpEmptyMatch:
		return []string{""}, true
	case syntax.OpLiteral:
		if re.Flags&syntax.FoldCase == 0 {
			return []string{string(re.Rune)}, true
		}
		// Case-insensitive: each rune stands for its case-folding orbit, as regexp reads it.
		out := []string{""}
		for _, r := range re.Rune {
			orbit := []rune{r}
			for f := unicode.SimpleFold(r); f != r; f = unicode.SimpleFold(f) {
				orbit = append(orbit, f)
			}
			if len(out)*len(orbit) > maxLiterals {
				return nil, false
			}
			next := make([]string, 0, len(out)*len(orbit))
			for _, a := range out {
				for _, o := range orbit {
					next = append(next, a+string(o))
				}
			}
			out = next
		}
		return out, true
	case syntax.OpCharClass:
		var out []string
		for i := 0; i+1 < len(re.Rune); i += 2 {
			lo, hi := re.Rune[i], re.Rune[i+1]
			if int(hi-lo) >= maxLiterals-len(out) {
				return nil, false
			}
			for r := lo; r <= hi; r++ {
				out = append(out, string(r))
			}
		}
		return out, len(out) > 0
	case syntax.OpCapture:
		return fixedStrings(re.Sub[0])
	case syntax.OpQuest:
		sub, ok := fixedStrings(re.Sub[0])
		if !ok || len(sub) >= maxLiterals {
			return nil, false
		}
		return append(sub, ""), true
	case syntax.OpAlternate:
		var out []string
		for _, s := range re.Sub {
			sub, ok := fixedStrings(s)
			if !ok || len(out)+len(sub) > maxLiterals {
				return nil, false
			}
			out = append(out, sub...)
		}
		return out, true
	case syntax.OpConcat:
		out := []string{""}
		for _, s := range re.Sub {
			sub, ok := fixedStrings(s)
			if !ok || len(out)*len(sub) > maxLiterals {
				return nil, false
			}
			next := make([]string, 0, len(out)*len(sub))
			for _, a := range out {
				for _, b := range sub {
					next = append(next, a+b)
				}
			}
			out = next
		}
		return out, true
	}
	return nil, false
}
