package export

import (
	"strconv"
	"strings"
)

// maxVarName is the longest variable name written: Stata's limit (SPSS allows 64 bytes).
const maxVarName = 32

// reservedNames are words neither SPSS nor Stata accept as a variable name (compared in
// lower case; Stata's str1..str2045 are checked apart).
var reservedNames = map[string]bool{
	// SPSS
	"all": true, "and": true, "by": true, "eq": true, "ge": true, "gt": true, "le": true,
	"lt": true, "ne": true, "not": true, "or": true, "to": true, "with": true,
	// Stata
	"_all": true, "_b": true, "byte": true, "_coef": true, "_cons": true, "double": true,
	"float": true, "if": true, "in": true, "int": true, "long": true, "_n": true, "_pi": true,
	"_pred": true, "_rc": true, "_skip": true, "strl": true, "using": true,
}

// varNames returns a variable name for each column name that SPSS and Stata both accept:
// ASCII letters, digits and _, starting with a letter, at most 32 characters, not a
// reserved word, unique without regard to case. Other characters (the / of a choice column,
// letters with accents) become _, a name not starting with a letter gets a v in front, and
// a name already taken gets _2, _3, ... (cut so that it still fits). The columns marked
// first (a question's own column) whose name is already such a name keep it: they are named
// before the others, in order, so that a made name (how_found/other, a choice's 0/1 column,
// made how_found_other) never takes a question's (the text question how_found_other).
func varNames(cols []string, first []bool) []string {
	used := map[string]bool{}
	out := make([]string, len(cols))
	name := func(i int) {
		base := varName(cols[i])
		name := base
		for n := 2; used[strings.ToLower(name)]; n++ {
			suffix := "_" + strconv.Itoa(n)
			b := base
			if len(b)+len(suffix) > maxVarName {
				b = b[:maxVarName-len(suffix)]
			}
			name = b + suffix
		}
		used[strings.ToLower(name)] = true
		out[i] = name
	}
	for i, c := range cols {
		if first[i] && varName(c) == c && !used[strings.ToLower(c)] {
			name(i)
		}
	}
	for i := range cols {
		if out[i] == "" {
			name(i)
		}
	}
	return out
}

func varName(c string) string {
	var b strings.Builder
	for _, r := range c {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', r == '_':
			b.WriteRune(r)
		default:
			b.WriteByte('_')
		}
	}
	name := b.String()
	if name == "" || !(name[0] >= 'a' && name[0] <= 'z' || name[0] >= 'A' && name[0] <= 'Z') {
		name = "v" + name
	}
	if len(name) > maxVarName {
		name = name[:maxVarName]
	}
	if low := strings.ToLower(name); reservedNames[low] || stataStrType(low) {
		if len(name) == maxVarName {
			name = name[:maxVarName-1]
		}
		name += "_"
	}
	return name
}

// stataStrType reports whether s is str1 ... str2045, a Stata type name.
func stataStrType(s string) bool {
	if !strings.HasPrefix(s, "str") {
		return false
	}
	n, err := strconv.Atoi(s[3:])
	return err == nil && n >= 1 && n <= 2045 && strconv.Itoa(n) == s[3:]
}
