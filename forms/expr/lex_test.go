package expr

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestLex(t *testing.T) {
	type tok struct {
		typ itemType
		pos Pos
		val string
	}
	eof := func(pos Pos) tok { return tok{itemEOF, pos, ""} }
	tests := []struct {
		src  string
		want []tok
	}{
		{"", []tok{eof(0)}},
		{"${a} <= 5 and ${b_2} != ''", []tok{
			{itemRef, 0, "a"}, {itemOp, 5, "<="}, {itemNumber, 8, "5"}, {itemName, 10, "and"},
			{itemRef, 14, "b_2"}, {itemOp, 21, "!="}, {itemString, 24, ""}, eof(26),
		}},
		{"jr:choice-name(., '${q}')", []tok{
			{itemName, 0, "jr:choice-name"}, {itemLParen, 14, "("}, {itemDot, 15, "."},
			{itemComma, 16, ","}, {itemString, 18, "${q}"}, {itemRParen, 24, ")"}, eof(25),
		}},
		{"../x/y", []tok{
			{itemDotDot, 0, ".."}, {itemSlash, 2, "/"}, {itemName, 3, "x"}, {itemSlash, 4, "/"},
			{itemName, 5, "y"}, eof(6),
		}},
		{".5+1.*12.25", []tok{
			{itemNumber, 0, ".5"}, {itemOp, 2, "+"}, {itemNumber, 3, "1."}, {itemOp, 5, "*"},
			{itemNumber, 6, "12.25"}, eof(11),
		}},
		// '-' belongs to a name, not after a '}' or a number.
		{"a-b - c ${x}-1 2-1", []tok{
			{itemName, 0, "a-b"}, {itemOp, 4, "-"}, {itemName, 6, "c"}, {itemRef, 8, "x"},
			{itemOp, 12, "-"}, {itemNumber, 13, "1"}, {itemNumber, 15, "2"}, {itemOp, 16, "-"},
			{itemNumber, 17, "1"}, eof(18),
		}},
		{`"it's" 'say "hi"'`, []tok{{itemString, 0, "it's"}, {itemString, 7, `say "hi"`}, eof(17)}},
		{"‘user’ “it's \"x\"”", []tok{{itemString, 0, "user"}, {itemString, 11, `it's "x"`}, eof(25)}},
		{"‘a’b’", []tok{{itemString, 0, "a"}, {itemName, 7, "b"}, {itemError, 8, "unexpected character '’'"}}},
		{"“a", []tok{{itemError, 0, "unterminated string"}}},
		{"//a[1]@b|c", []tok{
			{itemDoubleSlash, 0, "//"}, {itemName, 2, "a"}, {itemLBracket, 3, "["}, {itemNumber, 4, "1"},
			{itemRBracket, 5, "]"}, {itemAt, 6, "@"}, {itemName, 7, "b"}, {itemOp, 8, "|"},
			{itemName, 9, "c"}, eof(10),
		}},
		{"a<b>=c>d<=e=f", []tok{
			{itemName, 0, "a"}, {itemOp, 1, "<"}, {itemName, 2, "b"}, {itemOp, 3, ">="},
			{itemName, 5, "c"}, {itemOp, 6, ">"}, {itemName, 7, "d"}, {itemOp, 8, "<="},
			{itemName, 10, "e"}, {itemOp, 11, "="}, {itemName, 12, "f"}, eof(13),
		}},
		{"\t\n kota_é\u00a0", []tok{{itemName, 3, "kota_é"}, eof(12)}},
		// A colon belongs to a name only when a name follows it.
		{"a:b c: d", []tok{{itemName, 0, "a:b"}, {itemName, 4, "c"}, {itemError, 5, "unexpected character ':'"}}},
		{"'abc", []tok{{itemError, 0, "unterminated string"}}},
		{"1 + 'abc", []tok{{itemNumber, 0, "1"}, {itemOp, 2, "+"}, {itemError, 4, "unterminated string"}}},
		{"${ x}", []tok{{itemError, 0, "expected name after ${"}}},
		{"${}", []tok{{itemError, 0, "expected name after ${"}}},
		{"${x", []tok{{itemError, 0, "missing '}' after ${x"}}},
		{"$x", []tok{{itemError, 0, "unexpected '$' (references are written ${name})"}}},
		// pyxform's ${last-saved#name} reads the device's last saved interview.
		{"${last-saved#nama}", []tok{{itemError, 0, "${last-saved#nama} reads the interview saved last on the device (ODK Collect's last-saved instance), which tracer does not keep: give the question a default, or ask it"}}},
		{"${esri:code} + ${a:b", []tok{{itemRef, 0, "esri:code"}, {itemOp, 13, "+"}, {itemError, 15, "missing '}' after ${a:b"}}},
		{"a ! b", []tok{{itemName, 0, "a"}, {itemError, 2, "unexpected '!' (write != for 'not equal', not(x) for negation)"}}},
		{"a # b", []tok{{itemName, 0, "a"}, {itemError, 2, "unexpected character '#'"}}},
		{"\xff", []tok{{itemError, 0, "invalid UTF-8"}}},
	}
	for _, tt := range tests {
		t.Run(tt.src, func(t *testing.T) {
			var got []tok
			for _, it := range lex(tt.src) {
				got = append(got, tok(it))
			}
			if diff := cmp.Diff(tt.want, got, cmp.AllowUnexported(tok{})); diff != "" {
				t.Errorf("lex(%q) mismatch (-want +got):\n%s", tt.src, diff)
			}
		})
	}
}
