package expr

import (
	"math"
	"testing"
	"time"
)

func TestEval(t *testing.T) {
	tests := []struct {
		src  string
		cur  Value // the answer "." stands for
		want Value
	}{
		// Literals and references.
		{"12", nil, Number(12)},
		{"'x'", nil, String("x")},
		{"${name}", nil, String("Siti")},
		{"${unknown}", nil, String("")},
		{".", String("a"), String("a")},
		{".", nil, String("")},
		{"/data/hh/size", nil, String("4")},
		{"../sibling", nil, String("sib")},
		{"../missing", nil, String("")},

		// Comparisons: strings compare as strings for = and !=, as numbers for < <= > >=.
		{"${five} = 5", nil, Bool(true)},
		{"${five} = '5'", nil, Bool(true)},
		{"${five} = '5.0'", nil, Bool(false)},
		{"${five} = 5.0", nil, Bool(true)},
		{"${five} < ${ten}", nil, Bool(true)}, // as numbers: "5" < "10" would be false as strings
		{"${ten} > '9'", nil, Bool(true)},
		{"${pi} > 3", nil, Bool(true)},
		{"${name} = 'Siti'", nil, Bool(true)},
		{"${name} != 'siti'", nil, Bool(true)},
		{"${main_status} <= 5 and ${name} != ''", nil, Bool(true)},
		{"${main_status} <= 2 and ${name} != ''", nil, Bool(false)},

		// An empty answer is NaN in arithmetic and in number comparisons.
		{"${empty} + 1", nil, nan},
		{"${unknown} * 2", nil, nan},
		{"${empty} = 0", nil, Bool(false)},
		{"${empty} < 1", nil, Bool(false)},
		{"${empty} >= 1", nil, Bool(false)},
		{"${empty} != 0", nil, Bool(true)},
		{"${empty} = ''", nil, Bool(true)},
		{"${junk} > 0 or ${junk} <= 0", nil, Bool(false)},
		{"number('') = number('')", nil, Bool(false)},
		{"0 div 0 != 0 div 0", nil, Bool(true)},
		{". > 5", String(""), Bool(false)},

		// Booleans win: the other side is converted to a boolean.
		{"true() = 'false'", nil, Bool(true)},
		{"${name} = true()", nil, Bool(true)},
		{"${empty} = false()", nil, Bool(true)},
		{"true() > false()", nil, Bool(true)},
		{"(1 = 1) = 1", nil, Bool(true)},
		// but < <= > >= convert both sides to numbers.
		{"1 < 2 < 3", nil, Bool(true)},
		{"3 > 2 > 1", nil, Bool(false)},
		{"true() < 2", nil, Bool(true)},
		{"true() >= 'x'", nil, Bool(false)},
		{"true() = 2", nil, Bool(true)},

		// Dates.
		{". <= today()", String("2026-11-22"), Bool(true)},
		{". <= today()", String("2026-11-23"), Bool(false)},
		{". < today()", String("2026-11-21"), Bool(true)},
		{". = today()", String("2026-11-22"), Bool(true)},
		{". <= today()", String(""), Bool(false)},
		{". <= today()", Date{T: time.Date(2026, 11, 22, 0, 0, 0, 0, time.UTC)}, Bool(true)},
		{"${dob} < '2000-01-01'", nil, Bool(true)},
		{"${dob} > date('1997-12-31')", nil, Bool(true)},
		{"${today_date} = '2026-11-22'", nil, Bool(true)},
		{"${today_date} != '2026-11-22'", nil, Bool(false)},
		// = and != of a date with a string that is no date compare strings, as in ODK; with
		// a number, and < <= > >= with anything, they compare days.
		{"${today_date} = '20779'", nil, Bool(false)},
		{"${today_date} != '20779'", nil, Bool(true)},
		{"${today_date} = 20779", nil, Bool(true)},
		{"${today_date} = today()", nil, Bool(true)},
		{"${today_date} < '20780'", nil, Bool(true)},
		{"${today_date} = ${empty}", nil, Bool(false)},
		{"${today_date} != ${empty}", nil, Bool(true)},
		{"${today_date} > ${dob}", nil, Bool(true)},
		{"today() > 20000", nil, Bool(true)},
		{"today() = 'soon'", nil, Bool(false)},
		{"today()", nil, Date{T: time.Date(2026, 11, 22, 0, 0, 0, 0, time.UTC)}},
		{"today() + 1", nil, Number(20780)},
		{"date(today() + 1)", nil, Date{T: time.Date(2026, 11, 23, 0, 0, 0, 0, time.UTC)}},
		{"date(0)", nil, Date{T: time.Unix(0, 0).UTC()}},
		{"date('2026-02-30')", nil, String("")},
		{"date(${visit})", nil, Date{T: time.Date(2026, 11, 22, 0, 0, 0, 0, time.UTC)}},
		// The day of a dateTime is its day on the session's clock (+08:00).
		{"date('2026-11-22T20:00:00Z')", nil, Date{T: time.Date(2026, 11, 23, 0, 0, 0, 0, time.UTC)}},
		// date() and date-time() read a month or day of one digit, as ODK does; other
		// date functions do not.
		{"string(date('2025-1-5'))", nil, String("2025-01-05")},
		{"string(date(concat('2025', '-', 3, '-', 15)))", nil, String("2025-03-15")},
		{"string(date('2025-12-5T10:00:00Z'))", nil, String("2025-12-05")},
		{"string(date-time('2025-1-05T10:00:00Z'))", nil, String("2025-01-05T10:00:00.000Z")},
		// The date of NaN (an empty answer plus 30 days) is NaN, as in ODK Collect: it
		// equals nothing, not even an empty answer, which the date of "" still is.
		{"date(number('') + 30) = ''", nil, Bool(false)},
		{"date(number('') + 30) != ''", nil, Bool(true)},
		{"date-time(number('')) = ''", nil, Bool(false)},
		{"date('') = ''", nil, Bool(true)},
		{"date('2025-2-30')", nil, String("")},
		{"date('2025-0-5')", nil, String("")},
		{"date('2025-1-')", nil, String("")},
		{"date('25-1-5')", nil, String("")},
		{"date('2025-001-5')", nil, String("")},
		{"string(date('2024-02-29'))", nil, String("2024-02-29")},
		{"today() - ${dob}", nil, Number(10549)},
		{"int((today() - date(${dob})) div 365.25)", nil, Number(28)},
		{"now() > today()", nil, Bool(true)},
		// dateTimes with their offsets compare as instants, as in ODK.
		{"date-time('2026-01-02T23:30:00+07:00') = date-time('2026-01-02T16:30:00Z')", nil, Bool(true)},
		{"date-time('2026-01-02T23:30:00+07:00') < '2026-01-02T17:00:00Z'", nil, Bool(true)},
		{"date-time('2026-01-02T23:30:00+07:00') > date-time('2026-01-02T17:00:00+00:00')", nil, Bool(false)},
		{"now() < today() + 1", nil, Bool(true)},
		// decimal-date-time() counts the days from 1970-01-01T00:00Z to the instant, as ODK
		// does: a date is its midnight on the session's clock (here +08:00), a dateTime
		// with an offset the instant it names, one without a time on the session's clock,
		// and a number is itself.
		{"decimal-date-time('1970-01-02')", nil, Number(16.0 / 24)},
		{"decimal-date-time('1970-01-01T06:00:00Z')", nil, Number(6.0 / 24)},
		{"decimal-date-time('1970-01-01T18:00:00.000+07:00')", nil, Number(11.0 / 24)},
		{"decimal-date-time('1970-01-01T01:00:00+09:00')", nil, Number(-8.0 / 24)},
		{"decimal-date-time('1970-01-01T08:00:00')", nil, Number(0)},
		{"decimal-date-time(20455.5)", nil, Number(20455.5)},
		{"decimal-date-time('junk')", nil, nan},
		{"decimal-date-time(now())", nil, Number(20779 + (6*3600+5*60+9.123)/86400)},
		// decimal-time() reads a time or dateTime with an offset on the session's clock
		// (+08:00), as decimal-date-time() does; a time without one is read as written.
		{"decimal-time('06:00:00.000+07:00')", nil, Number(7.0 / 24)},
		{"decimal-time('23:00:00Z')", nil, Number(7.0 / 24)},
		{"decimal-time('01:00:00.000+09:00')", nil, Number(0)},
		{"decimal-time('20:00:00.000-04:00')", nil, Number(8.0 / 24)},
		{"decimal-time('01:00:00+14:00')", nil, Number(19.0 / 24)},
		{"decimal-time('2026-11-22T01:00:00Z')", nil, Number(9.0 / 24)},
		{"decimal-time(${visit})", nil, Number(10.5 / 24)},
		{"decimal-time('18:00')", nil, Number(0.75)},
		{"decimal-time('25:00')", nil, nan},
		{"format-date('2026-03-07', '%Y-%m-%d %e/%n/%y %b %a')", nil, String("2026-03-07 7/3/26 Mar Sat")},
		{"format-date(${dob}, '%d %b %Y')", nil, String("04 Jan 1998")},
		// format-date keeps the time, as format-date-time does, and both read a dateTime on
		// the session's clock (+08:00): 09:30 at +07:00 is 10:30, 23:30Z the next day.
		{"format-date(${visit}, '%H:%M')", nil, String("10:30")},
		{"format-date-time(${visit}, '%Y-%m-%d %H:%M:%S.%3 %h')", nil, String("2026-11-22 10:30:00.000 10")},
		{"format-date('2026-11-22T23:30:00Z', '%Y-%m-%d %H:%M %a')", nil, String("2026-11-23 07:30 Mon")},
		{"format-date(now(), '%H:%M')", nil, String("14:05")},
		{"format-date-time(now(), '%H:%M:%S.%3')", nil, String("14:05:09.123")},
		{"format-date(${junk}, '%Y')", nil, String("")},
		{"format-date(0, '%Y %q %%')", nil, String("1970 %q %")},
		{"string(now())", nil, String("2026-11-22T14:05:09.123+08:00")},
		// A date, or a dateTime written without an offset, is a time on the session's
		// clock (+08:00 here), as ODK Collect and ODK Web Forms read it.
		{"string(date-time('2026-11-22'))", nil, String("2026-11-22T00:00:00.000+08:00")},
		{"string(date-time('2026-11-22T10:30'))", nil, String("2026-11-22T10:30:00.000+08:00")},
		{"date-time('2026-11-22T10:30') = date-time('2026-11-22T10:30:00+08:00')", nil, Bool(true)},
		{"date-time('2026-11-22T10:30') = date-time('2026-11-22T10:30:00Z')", nil, Bool(false)},
		{"string(date-time('2026-11-22T10:30:00Z'))", nil, String("2026-11-22T10:30:00.000Z")},

		// Arithmetic.
		{"1 + 2 * 3", nil, Number(7)},
		{"7 div 2", nil, Number(3.5)},
		{"1 div 0", nil, Number(math.Inf(1))},
		{"-1 div 0", nil, Number(math.Inf(-1))},
		{"0 div 0", nil, nan},
		{"5 mod 3", nil, Number(2)},
		{"-5 mod 3", nil, Number(-2)},
		{"5 mod -3", nil, Number(2)},
		{"5.5 mod 2", nil, Number(1.5)},
		{"5 mod 0", nil, nan},
		{"-${five}", nil, Number(-5)},
		{"true() + 1", nil, Number(2)},
		{"${five} * ${ten}", nil, Number(50)},

		// and, or: short-circuit, converted to booleans.
		{"${name} and ${five}", nil, Bool(true)},
		{"${empty} or 0", nil, Bool(false)},
		{"${empty} or 'x'", nil, Bool(true)},

		// Node-sets (a field inside a repeat, seen from outside).
		{"${ages} > 60", nil, Bool(true)},
		{"${ages} > 61", nil, Bool(false)},
		{"${ages} = 7", nil, Bool(true)},
		{"${ages} != 7", nil, Bool(true)},
		{"${none} = ''", nil, Bool(false)},
		{"${none} != ''", nil, Bool(false)},
		{"${names} = ''", nil, Bool(true)},
		{"${ages} = ${names}", nil, Bool(false)},
		{"${ages} < ${ages}", nil, Bool(true)},
		{"${none} = false()", nil, Bool(true)},
		{"${ages} + 1", nil, Number(35)},
		{"sum(${ages})", nil, Number(102)},
		{"sum(${none})", nil, Number(0)},
		{"sum(${with_empty})", nil, nan},
		{"sum(${five})", nil, Number(5)},
		{"count(${ages})", nil, Number(3)},
		{"count(${members})", nil, Number(3)},
		{"count(${none})", nil, Number(0)},
		{"count(${five})", nil, Number(1)},
		{"count(${empty})", nil, Number(0)},
		{"count-non-empty(${names})", nil, Number(2)},
		{"max(${ages})", nil, Number(61)},
		{"min(${ages}, 5)", nil, Number(5)},
		{"max(${none})", nil, nan},
		{"max(${with_empty})", nil, nan},
		{"max(1, 2, 3)", nil, Number(3)},
		{"concat(${names}, '!')", nil, String("AniBudi!")},
		{"concat(${ages})", nil, String("34761")},
		{"join(', ', ${names})", nil, String("Ani, Budi, ")},
		{"join('-', 'a', ${ages}, 'b')", nil, String("a-34-7-61-b")},
		{"join('-')", nil, String("")},
		{"string(${ages})", nil, String("34")},
		{"string(${none})", nil, String("")},
		{"${ages} | ${five}", nil, Nodes{String("34"), String("7"), String("61"), String("5")}},
		{"count(${ages} | ${none})", nil, Number(3)},

		// Selection lists.
		{"selected(${symptoms}, 'fever')", nil, Bool(true)},
		{"selected(${symptoms}, ' fever ')", nil, Bool(true)},
		// A tab is no separator for Collect: 'cough' is followed by one here.
		{"selected(${symptoms}, 'cough')", nil, Bool(false)},
		{"selected(${symptoms}, 'headache')", nil, Bool(false)},
		{"selected(${symptoms}, 'cou')", nil, Bool(false)},
		{"selected(${symptoms}, '')", nil, Bool(true)}, // its two spaces in a row, for Collect
		{"selected('fever cough', '')", nil, Bool(false)},
		// An empty value is selected in an empty answer, as ODK reads it.
		{"selected(${empty}, '')", nil, Bool(true)},
		{"selected(' ', ${empty})", nil, Bool(true)},
		{"selected(${empty}, 'cough')", nil, Bool(false)},
		// Collect looks for " value " in " list ": two choices in a row are found, in their order.
		{"selected('a b c', 'a b')", nil, Bool(true)},
		{"selected('a b c', 'b\tc')", nil, Bool(false)},
		{"selected('a b c', 'c a')", nil, Bool(false)},
		{"selected('a  b', '')", nil, Bool(true)},
		{"selected(${consent}, 'yes')", nil, Bool(true)},
		// count-selected and selected-at split on spaces alone too: "cough\theadache" is one value.
		{"count-selected(${symptoms})", nil, Number(2)},
		{"count-selected(${empty})", nil, Number(0)},
		{"count-selected(' a\tb\n')", nil, Number(1)},
		{"selected-at(${symptoms}, 0)", nil, String("fever")},
		{"selected-at(${symptoms}, 1)", nil, String("cough\theadache")},
		{"selected-at(${symptoms}, 2)", nil, String("")},
		{"selected-at(${symptoms}, 3)", nil, String("")},
		{"selected-at(${symptoms}, -1)", nil, String("")},
		{"selected-at(${symptoms}, 'x')", nil, String("")},
		{"jr:choice-name(${district}, '${district}')", nil, String("Bontang")},
		{"jr:choice-name(${district}, '/data/g/district')", nil, String("Bontang")},
		{"jr:choice-name(${district}, ${district})", nil, String("Bontang")},
		{"jr:choice-name(${consent}, concat('${', 'q}'))", nil, String("Ya")},
		{"jr:choice-name('9999', '${district}')", nil, String("")},

		// Strings.
		{"concat(${name}, ' ', ${last})", nil, String("Siti Aminah")},
		{"concat()", nil, String("")},
		{"concat(1, true(), 2.50)", nil, String("1true2.5")},
		{"string-length('Siti')", nil, Number(4)},
		{"string-length('Sí')", nil, Number(2)},
		{"string-length()", String("abc"), Number(3)},
		{"string-length(${unknown})", nil, Number(0)},
		{"substr('abcdef', 2)", nil, String("cdef")},
		{"substr('abcdef', 0, 2)", nil, String("ab")},
		{"substr('abcdef', 2, 4)", nil, String("cd")},
		{"substr('abcdef', 4, 100)", nil, String("ef")},
		{"substr('abcdef', -2)", nil, String("ef")},
		{"substr('abcdef', 1, -1)", nil, String("bcde")},
		{"substr('abcdef', -10, 2)", nil, String("ab")},
		{"substr('abcdef', -3, 2)", nil, String("")},
		{"substr('abcdef', 1.9, 3.9)", nil, String("bc")},
		{"substr('abcdef', 4, 2)", nil, String("")},
		{"substr('abcdef', 10)", nil, String("")},
		{"substr('abcdef', 'x', 2)", nil, String("ab")},
		{"substr('añbc', 1, 3)", nil, String("ñb")},
		// Lengths and indexes count UTF-16 code units, as ODK Collect (Java) and ODK Web
		// Forms (JavaScript) do: an emoji is 2; half of one is U+FFFD.
		{"string-length('a😀b')", nil, Number(4)},
		{"string-length('é́a')", nil, Number(3)},
		{"substr('a😀b', 1)", nil, String("😀b")},
		{"substr('😀😀x', 0, 2)", nil, String("😀")},
		{"substr('a😀b', 0, 2)", nil, String("a\uFFFD")},
		{"substr('😀😀x', 1)", nil, String("\uFFFD😀x")},
		{"substr('a😀b', -1)", nil, String("b")},
		{"substring('a😀b', 2, 2)", nil, String("😀")},
		{"substring('😀😀x', 2, 2)", nil, String("\uFFFD\uFFFD")},
		{"substring('😀😀x', 5)", nil, String("x")},
		{"substring('12345', -42, 1 div 0)", nil, String("12345")},
		{"substring('12345', -1 div 0, 1 div 0)", nil, String("")},
		{"substring('12345', 1.5, 2.6)", nil, String("234")},
		{"substring('12345', 0, 3)", nil, String("12")},
		{"substring-before('a=b=c', '=')", nil, String("a")},
		{"substring-before('abc', 'x')", nil, String("")},
		{"substring-after('a=b=c', '=')", nil, String("b=c")},
		{"substring-after('abc', '')", nil, String("abc")},
		{"contains(${name}, 'it')", nil, Bool(true)},
		{"starts-with(${name}, 'Si')", nil, Bool(true)},
		{"ends-with(${name}, 'Si')", nil, Bool(false)},
		{"translate('bar', 'abc', 'ABC')", nil, String("BAr")},
		{"translate('--aaa--', 'a-', 'A')", nil, String("AAA")},
		{"normalize-space('  a \t b\n ')", nil, String("a b")},
		{"normalize-space()", String(" x  y "), String("x y")},
		{"string(1 div 3)", nil, String("0.3333333333333333")},
		{"string(-0)", nil, String("0")},
		{"string(1000000)", nil, String("1000000")},
		{"string(0 div 0)", nil, String("NaN")},
		{"string(-1 div 0)", nil, String("-Infinity")},
		{"string(true())", nil, String("true")},
		{"string()", String("cur"), String("cur")},

		// regex: the pattern matches anywhere unless anchored.
		{"regex('abc', 'b')", nil, Bool(true)},
		{"regex('abc', '^b')", nil, Bool(false)},
		{"regex('abc', '^a.c$')", nil, Bool(true)},
		{"regex(., '^[0-9]{3}$')", String("123"), Bool(true)},
		{"regex(., '^[0-9]{3}$')", String("1234"), Bool(false)},
		{"regex('abc', concat('^', 'a'))", nil, Bool(true)},
		{"regex('abc', '(')", nil, Bool(false)},
		{"regex('abc', concat('(', ''))", nil, Bool(false)},

		// Numbers.
		// round() is ODK Collect's: a half rounds toward positive infinity, as in XPath.
		{"round(2.5)", nil, Number(3)},
		{"round(-2.5)", nil, Number(-2)},
		{"round(-2.51)", nil, Number(-3)},
		{"round(-0.5)", nil, Number(0)},
		{"round(2.4)", nil, Number(2)},
		{"round(1.005, 2)", nil, Number(1.01)},
		{"round(2.675, 2)", nil, Number(2.68)},
		{"round(-2.675, 2)", nil, Number(-2.67)},
		{"round(-2.6751, 2)", nil, Number(-2.68)},
		{"round(1234.5678, -2)", nil, Number(1200)},
		{"round(1250, -2)", nil, Number(1300)},
		{"round(-1250, -2)", nil, Number(-1200)},
		{"round(1.5, 31)", nil, nan},
		{"round(0.1 + 0.2, 16)", nil, Number(0.3)},
		{"round(123.456, 1.9)", nil, Number(123.5)},
		{"round(1.5, 0)", nil, Number(2)},
		{"round(${empty})", nil, nan},
		{"round(1.23, 'x')", nil, Number(1)}, // digits that are no number are 0, as in Collect
		// Collect cuts the digits toward zero (Double.intValue) and, for negative digits, adds
		// a half and cuts the fraction toward zero: -12.6 + 0.5 is -12.
		{"round(12.75, 0.5)", nil, Number(13)},
		{"round(2.5, -0.9)", nil, Number(3)},
		{"round(1.2345, 1.5)", nil, Number(1.2)},
		{"round(1.2345, -1.5)", nil, Number(0)},
		{"round(-1260, -2)", nil, Number(-1200)},
		{"round(-33.33, -1)", nil, Number(-20)},
		{"round(36, -1)", nil, Number(40)},
		{"round(1.5, -31)", nil, nan},
		{"round(-0.5, 0)", nil, Number(0)},
		{"int(3.7)", nil, Number(3)},
		{"int(-3.7)", nil, Number(-3)},
		{"int('12.9')", nil, Number(12)},
		{"int(${empty})", nil, nan},
		{"floor(-1.5)", nil, Number(-2)},
		{"ceiling(1.2)", nil, Number(2)},
		{"abs(-4)", nil, Number(4)},
		{"pow(2, 10)", nil, Number(1024)},
		{"sqrt(16)", nil, Number(4)},
		{"exp10(2)", nil, Number(100)},
		{"log10(1000)", nil, Number(3)},
		{"log(exp(2))", nil, Number(2)},
		{"round(sin(pi() div 2), 6)", nil, Number(1)},
		{"atan2(0, -1) = pi()", nil, Bool(true)},
		{"number(' 42 ')", nil, Number(42)},
		{"number('1e3')", nil, nan},
		{"number('+1')", nil, nan},
		{"number('-.5')", nil, Number(-0.5)},
		{"number('1970-01-11')", nil, Number(10)},
		{"number(true())", nil, Number(1)},
		{"number()", String("7"), Number(7)},

		// Booleans.
		{"not(${empty})", nil, Bool(true)},
		{"not(0)", nil, Bool(true)},
		{"boolean('false')", nil, Bool(true)},
		{"boolean(0 div 0)", nil, Bool(false)},
		{"boolean(${none})", nil, Bool(false)},
		{"boolean(${ages})", nil, Bool(true)},
		{"boolean-from-string('true')", nil, Bool(true)},
		{"boolean-from-string('1')", nil, Bool(true)},
		{"boolean-from-string('yes')", nil, Bool(false)},
		{"boolean-from-string('TRUE')", nil, Bool(true)}, // Collect ignores the case
		{"boolean-from-string(' true')", nil, Bool(false)},
		{"boolean-from-string('1 ')", nil, Bool(false)},

		// if, coalesce, once: only the branch taken is evaluated.
		{"if(${five} > 3, 'big', 'small')", nil, String("big")},
		{"if(${empty}, 'a', 1 + 1)", nil, Number(2)},
		{"coalesce(${empty}, ${name})", nil, String("Siti")},
		{"coalesce(${five}, ${name})", nil, String("5")},
		{"coalesce(${unknown}, '')", nil, String("")},
		{"once(concat('ID-', ${name}))", String(""), String("ID-Siti")},
		{"once(concat('ID-', ${name}))", String("ID-old"), String("ID-old")},

		// checklist: count of true values; -1 means no bound.
		{"checklist(2, 2, ${yes}, ${no}, ${zero})", nil, Bool(true)},
		{"checklist(3, -1, ${yes}, ${no}, ${zero})", nil, Bool(false)},
		{"checklist(-1, 1, ${yes}, ${no})", nil, Bool(true)},
		{"checklist(-1, -1)", nil, Bool(true)},
		{"checklist(1, 3, ${names})", nil, Bool(true)},
		{"weighted-checklist(5, -1, ${yes}, 3, ${zero}, 2, ${no}, 10)", nil, Bool(true)},
		{"weighted-checklist(6, -1, ${yes}, 3, ${zero}, 2, ${no}, 10)", nil, Bool(false)},
		{"weighted-checklist(0, 2, ${yes}, 3)", nil, Bool(false)},
		{"weighted-checklist(-1, -1, ${ages}, ${names})", nil, Bool(true)},
		{"weighted-checklist(-1, -1, ${ages}, ${none})", nil, Bool(false)},

		// The session.
		{"position(..)", nil, Number(2)},
		{"position()", nil, Number(2)},
		{"uuid()", nil, String("0d9e1b5c-4f3a-4c1e-9a57-3f8f7c1d2e6b")},
		{"uuid(6)", nil, String("444444")},
		{"uuid(-1)", nil, String("")},
		{"random()", nil, Number(0.25)},
		{"indexed-repeat(${ages}, ${members}, 2)", nil, String("7")},
		{"indexed-repeat(${ages}, ${members}, position(..) + 1)", nil, String("61")},
		{"indexed-repeat(${ages}, ${members}, 9)", nil, String("")},

		// Paths from instance('name') and current(), with predicates, go to Env.Path.
		{"instance('list')/root/item[name = ${x}]/label", nil, String("Bontang")},
		{"instance(‘list’)/root/item[name=${x}]/label", nil, String("Bontang")},
		{"count(instance('list')/root/item)", nil, Number(3)},
		{"instance('missing')/root/item", nil, String("")},
		{"current()/../x", nil, String("cx")},
		{"current()", String("a"), String("a")},
		{"current() = .", String("a"), Bool(true)},
		{"./source = ‘user’", nil, Bool(true)},
		{"concat(“%Y”, ‘-’)", nil, String("%Y-")},

		// Enketo's difference-in-months: whole calendar months, by calendar day.
		{"difference-in-months('2024-01-31', '2024-02-29')", nil, Number(0)},
		{"difference-in-months('2024-01-31', '2024-03-01')", nil, Number(1)},
		{"difference-in-months('2024-01-15', '2024-02-15')", nil, Number(1)},
		{"difference-in-months('2014-10-01', '2015-10-01')", nil, Number(12)},
		{"difference-in-months('2015-10-01T11:11:11.111', '2014-10-01T11:11:11.111')", nil, Number(-12)},
		{"difference-in-months('2020-03-15', '2020-01-20')", nil, Number(-1)},
		{"difference-in-months('2020-01-20', '2020-03-15')", nil, Number(1)},
		{"difference-in-months(10, 50)", nil, Number(1)}, // days since 1970-01-01
		{"difference-in-months(${dob}, today())", nil, Number(346)},
		{"floor(difference-in-months(${dob}, today()) div 12)", nil, Number(28)},
		{"difference-in-months(., today()) < 1", String("2026-11-01"), Bool(true)},
		{"difference-in-months('junk', today())", nil, String("")},
		{"difference-in-months(${empty}, today())", nil, String("")},

		// CHT's add-date: a dateTime; missing or empty amounts are 0; months clamp the day.
		{"add-date('2024-01-31')", nil, Date{T: time.Date(2024, 1, 31, 0, 0, 0, 0, time.UTC), HasTime: true}},
		{"add-date('2024-01-31', 0, 1)", nil, Date{T: time.Date(2024, 2, 29, 0, 0, 0, 0, time.UTC), HasTime: true}},
		{"add-date('2024-02-29', -1)", nil, Date{T: time.Date(2023, 2, 28, 0, 0, 0, 0, time.UTC), HasTime: true}},
		{"add-date(today(), 0 - 28, 0 - 10)", nil, Date{T: time.Date(1998, 1, 22, 0, 0, 0, 0, time.UTC), HasTime: true}},
		{"add-date(today(), 0 - ${five}, 0 - ${empty})", nil, Date{T: time.Date(2021, 11, 22, 0, 0, 0, 0, time.UTC), HasTime: true}},
		{"add-date('2024-03-10', 1, 0, -10, 2, 30)", nil, Date{T: time.Date(2025, 2, 28, 2, 30, 0, 0, time.UTC), HasTime: true}},
		{"add-date('2024-01-31', 0, 1.5)", nil, Date{T: time.Date(2024, 3, 31, 0, 0, 0, 0, time.UTC), HasTime: true}},
		{"add-date('2024-01-01', 0, -13)", nil, Date{T: time.Date(2022, 12, 1, 0, 0, 0, 0, time.UTC), HasTime: true}},
		{"add-date('2024-01-01', 0, 0, 0, -0.5)", nil, Date{T: time.Date(2023, 12, 31, 23, 30, 0, 0, time.UTC), HasTime: true}},
		{"string(add-date(${visit}, 0, 0, 1))", nil, String("2026-11-23T09:30:00.000+07:00")},
		{"format-date(add-date(${dob}, 18), '%Y-%m-%d')", nil, String("2016-01-04")},
		{"add-date('x', 1)", nil, String("")},
		{"add-date('2024-01-01', 1000000000)", nil, String("")},
		{"add-date('2024-01-01', 0, 0, 0, 0, 1 div 0)", nil, String("")},

		// CHT's parse-timestamp-to-date: milliseconds since the epoch, on the session's clock.
		{"parse-timestamp-to-date(0)", nil, Date{T: time.Unix(0, 0).In(time.FixedZone("WITA", 8*3600)), HasTime: true}},
		{"string(parse-timestamp-to-date('1700000000123'))", nil, String("2023-11-15T06:13:20.123+08:00")},
		{"format-date-time(parse-timestamp-to-date(1700000000123.9), \"%e %b, %Y at %H:%M:%S\")", nil, String("15 Nov, 2023 at 06:13:20")},
		{"parse-timestamp-to-date(${empty})", nil, String("")},
		{"parse-timestamp-to-date(1 div 0)", nil, String("")},

		// ODK's digest and base64-decode.
		{"digest('abc', 'SHA-256', 'hex')", nil, String("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")},
		{"digest('abc', 'md5', 'hex')", nil, String("900150983cd24fb0d6963f7d28e17f72")},
		{"digest('abc', 'SHA-1')", nil, String("qZk+NkcGgWq6PiVxeFDCbJzQ2J0=")},
		{"digest('abc', 'SHA-1', 'base64')", nil, String("qZk+NkcGgWq6PiVxeFDCbJzQ2J0=")},
		{"digest('abc', 'sha-384', 'HEX')", nil, String("cb00753f45a35e8bb5a03d699ac65007272c32ab0eded1631a8b605a43ff5bed8086072ba1e7cc2358baeca134c825a7")},
		{"string-length(digest(${name}, 'SHA-512', 'hex'))", nil, Number(128)},
		{"digest('abc', ${junk})", nil, String("")},
		{"digest('abc', 'MD5', ${junk})", nil, String("")},
		{"base64-decode('SGVsbG8sIOS4lueVjA==')", nil, String("Hello, 世界")},
		{"base64-decode(' SGk ')", nil, String("Hi")},
		{"base64-decode('/w==')", nil, String("\uFFFD")},
		{"base64-decode('!!')", nil, String("")},
		{"base64-decode(digest('abc', 'MD5')) != ''", nil, Bool(true)},

		// What this device cannot answer: no attached CSV; randomize keeps the order.
		{"pulldata('fruits', 'name', 'id', ${five})", nil, String("")},
		{"randomize(${ages})", nil, Nodes{String("34"), String("7"), String("61")}},
		{"randomize(${ages}, 42)", nil, Nodes{String("34"), String("7"), String("61")}},

		// Calls Check rejects evaluate to "".
		{"nosuch(1)", nil, String("")},
		{"if(1, 2)", nil, String("")},
		{"indexed-repeat('x', ${members}, 1)", nil, String("")},
	}
	for _, tt := range tests {
		t.Run(tt.src, func(t *testing.T) {
			e := mustParse(t, tt.src)
			env := newTestEnv()
			env.current = tt.cur
			if got, want := show(e.Eval(env)), show(tt.want); got != want {
				t.Errorf("Eval(%q) = %s, want %s", tt.src, got, want)
			}
		})
	}
}

// TestEvalNIK checks the constraint on the Indonesian national identity number (NIK): 16
// digits with a district code, a birth date (day + 40 for women) and a serial that is not
// 0000.
func TestEvalNIK(t *testing.T) {
	const constraint = `regex(., '^[1-9][0-9]{5}(0[1-9]|[12][0-9]|3[01]|4[1-9]|[56][0-9]|7[01])(0[1-9]|1[0-2])[0-9]{2}[0-9]{4}$') and substr(.,12,16) != '0000'`
	e := mustParse(t, constraint)
	if err := Check(e); err != nil {
		t.Fatalf("Check: %v", err)
	}
	tests := []struct {
		nik  string
		want bool
	}{
		{"6474014101980001", true},  // woman born 1 January 1998
		{"6474010101980001", true},  // man born 1 January 1998
		{"6474017112990123", true},  // woman born 31 December 1999
		{"6474010101980000", false}, // serial 0000
		{"0474010101980001", false}, // district code starts with 0
		{"6474013201980001", false}, // day 32
		{"6474010113980001", false}, // month 13
		{"6474010100980001", false}, // month 00
		{"647401010198001", false},  // 15 digits
		{"64740101019800011", false},
		{"6474O10101980001", false},
		{"", false},
		{" 6474014101980001", false},
	}
	for _, tt := range tests {
		t.Run(tt.nik, func(t *testing.T) {
			env := newTestEnv()
			env.current = String(tt.nik)
			if got := ToBool(e.Eval(env)); got != tt.want {
				t.Errorf("NIK %q: constraint = %t, want %t", tt.nik, got, tt.want)
			}
		})
	}
}

func TestEvalIndexedRepeatArgs(t *testing.T) {
	e := mustParse(t, "indexed-repeat(${ages}, ${hh}, 1, ${members}, position(..))")
	env := newTestEnv()
	e.Eval(env)
	if env.repeatName != "ages" || len(env.repeatRepeats) != 2 || env.repeatRepeats[0] != "hh" ||
		env.repeatRepeats[1] != "members" || env.repeatIndexes[0] != 1 || env.repeatIndexes[1] != 2 {
		t.Errorf("IndexedRepeat(%q, %q, %v), want (ages, [hh members], [1 2])",
			env.repeatName, env.repeatRepeats, env.repeatIndexes)
	}
}

func TestEvalNilEnv(t *testing.T) {
	tests := []struct {
		src  string
		want Value
	}{
		{"${a} = ''", Bool(true)},
		{". + 1", nan},
		{"today()", Date{T: time.Unix(0, 0).UTC()}},
		{"concat(uuid(), jr:choice-name(1, '${q}'), indexed-repeat(${a}, ${r}, 1))", String("")},
	}
	for _, tt := range tests {
		if got, want := show(mustParse(t, tt.src).Eval(nil)), show(tt.want); got != want {
			t.Errorf("Eval(%q, nil) = %s, want %s", tt.src, got, want)
		}
	}
}

// TestEvalHandBuilt evaluates an Expr built without Parse: it compiles on the fly.
func TestEvalHandBuilt(t *testing.T) {
	e := &Expr{Root: &BinaryNode{Op: OpAdd, L: &RefNode{Name: "five"}, R: &NumberNode{Value: 1}}}
	if got := show(e.Eval(newTestEnv())); got != show(Number(6)) {
		t.Errorf("Eval = %s, want Number(6)", got)
	}
	var nilExpr *Expr
	if got := show(nilExpr.Eval(newTestEnv())); got != show(String("")) {
		t.Errorf("nil Expr: Eval = %s, want String(\"\")", got)
	}
	odd := &Expr{Root: &BinaryNode{Op: Op(99), L: &UnaryNode{Op: OpInvalid, X: nil}, R: nil}}
	if got := show(odd.Eval(newTestEnv())); got != show(String("")) {
		t.Errorf("unknown operators: Eval = %s, want String(\"\")", got)
	}
}

// TestEvalConcurrent evaluates one Expr from several goroutines, for the race detector.
func TestEvalConcurrent(t *testing.T) {
	e := mustParse(t, "if(regex(., '^[0-9]+$') and . <= today() + 1, concat(${name}, ':', .), 'no')")
	done := make(chan string)
	for range 4 {
		go func() {
			env := newTestEnv()
			env.current = String("12")
			var got string
			for range 100 {
				got = ToString(e.Eval(env))
			}
			done <- got
		}()
	}
	for range 4 {
		if got := <-done; got != "Siti:12" {
			t.Errorf("Eval = %q, want %q", got, "Siti:12")
		}
	}
}
