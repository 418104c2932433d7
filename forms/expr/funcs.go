package expr

import (
	"math"
	"math/big"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// maxUUIDLength bounds the length uuid(n) may ask for.
const maxUUIDLength = 4096

// call compiles a call of a built-in function. An unknown function, or a call with
// the wrong number of arguments, evaluates to "" (Check reports both). A call of a function
// that reads nothing from the Env, with literal arguments, is evaluated here, once.
func (c compiler) call(n *CallNode) evalFn {
	spec, ok := funcs[n.Name]
	if !ok || !spec.takes(len(n.Args)) {
		return empty
	}
	args := make([]evalFn, len(n.Args))
	for i, a := range n.Args {
		args[i] = c.compile(a)
	}
	f := c.function(n, spec, args)
	if !readsEnv(spec.id, len(n.Args)) && literals(n.Args) {
		return constant(f(emptyEnv{}))
	}
	return f
}

// readsEnv reports whether a call of function id with n arguments reads the Env.
func readsEnv(id funcID, n int) bool {
	switch id {
	case fnToday, fnNow, fnUUID, fnRandom, fnPosition, fnLast, fnOnce, fnIndexedRepeat, fnChoiceName, fnDecimalDateTime,
		fnCurrent, fnParseTimestampToDate, fnFormatDate, fnFormatDateTime, fnDate, fnDateTime, fnDecimalTime,
		fnPulldata: // reads the form's attached files
		return true
	case fnString, fnNumber, fnStringLength, fnNormalizeSpace:
		return n == 0 // they read "."
	}
	return false
}

func literals(nodes []Node) bool {
	for _, n := range nodes {
		switch n.(type) {
		case *NumberNode, *StringNode:
		default:
			return false
		}
	}
	return true
}

func (c compiler) function(n *CallNode, spec funcSpec, args []evalFn) evalFn {
	// arg returns argument i, or "." if the call has no arguments.
	arg := func(i int) evalFn {
		if len(args) == 0 {
			return c.dot()
		}
		return args[i]
	}
	switch spec.id {
	case fnIf:
		cond, a, b := args[0], args[1], args[2]
		return func(env Env) Value {
			if ToBool(cond(env)) {
				return a(env)
			}
			return b(env)
		}
	case fnCoalesce:
		// The first argument that is not empty, as Enketo and ODK Web Forms take any number.
		return func(env Env) Value {
			var v Value = String("")
			for _, a := range args {
				if v = a(env); ToString(v) != "" {
					return v
				}
			}
			return v
		}
	case fnSelected:
		list, v := args[0], args[1]
		return func(env Env) Value {
			// As ODK Collect reads it: " " + value + " " is in " " + list + " ", the value
			// trimmed as Java trims. So an empty value is selected in an empty answer, and
			// 'a b' in 'a b c' (two choices in a row).
			want := strings.TrimFunc(ToString(v(env)), func(r rune) bool { return r <= ' ' })
			return Bool(strings.Contains(" "+ToString(list(env))+" ", " "+want+" "))
		}
	case fnCountSelected:
		list := args[0]
		return func(env Env) Value {
			n := 0
			eachSelected(ToString(list(env)), func(string) bool { n++; return true })
			return Number(n)
		}
	case fnSelectedAt:
		list, index := args[0], args[1]
		return func(env Env) Value {
			i := ToNumber(index(env))
			if math.IsNaN(i) || i < 0 {
				return String("")
			}
			var at string
			k := 0.0
			eachSelected(ToString(list(env)), func(s string) bool {
				if k == math.Trunc(i) {
					at = s
					return false
				}
				k++
				return true
			})
			return String(at)
		}
	case fnChoiceName:
		return compileChoiceName(n, args)
	case fnNot:
		return boolFn(args[0], func(b bool) bool { return !b })
	case fnTrue:
		return constant(Bool(true))
	case fnFalse:
		return constant(Bool(false))
	case fnBoolean:
		return boolFn(args[0], func(b bool) bool { return b })
	case fnBooleanFromString:
		// "true" in any case, or "1", as ODK Collect reads it (equalsIgnoreCase), the text
		// as it is: " true" is false in every ODK engine.
		a := args[0]
		return func(env Env) Value {
			s := ToString(a(env))
			return Bool(strings.EqualFold(s, "true") || s == "1")
		}
	case fnNumber:
		return numFn(arg(0), func(x float64) float64 { return x })
	case fnString:
		return strFn(arg(0), func(s string) string { return s })
	case fnInt:
		return numFn(args[0], math.Trunc)
	case fnRound:
		if len(args) == 1 {
			return numFn(args[0], func(x float64) float64 { return roundDigits(x, 0) })
		}
		return numFn2(args[0], args[1], roundDigits)
	case fnFloor:
		return numFn(args[0], math.Floor)
	case fnCeiling:
		return numFn(args[0], math.Ceil)
	case fnAbs:
		return numFn(args[0], math.Abs)
	case fnPow:
		return numFn2(args[0], args[1], math.Pow)
	case fnExp:
		return numFn(args[0], math.Exp)
	case fnExp10:
		return numFn(args[0], func(x float64) float64 { return math.Pow(10, x) })
	case fnLog:
		return numFn(args[0], math.Log)
	case fnLog10:
		return numFn(args[0], math.Log10)
	case fnSqrt:
		return numFn(args[0], math.Sqrt)
	case fnSin:
		return numFn(args[0], math.Sin)
	case fnCos:
		return numFn(args[0], math.Cos)
	case fnTan:
		return numFn(args[0], math.Tan)
	case fnAsin:
		return numFn(args[0], math.Asin)
	case fnAcos:
		return numFn(args[0], math.Acos)
	case fnAtan:
		return numFn(args[0], math.Atan)
	case fnAtan2:
		return numFn2(args[0], args[1], math.Atan2)
	case fnPi:
		return constant(Number(math.Pi))
	case fnSum:
		a := args[0]
		return func(env Env) Value {
			v := a(env)
			ns, ok := v.(Nodes)
			if !ok {
				return Number(ToNumber(v))
			}
			sum := 0.0
			for _, x := range flatten(nil, ns) {
				sum += ToNumber(x)
			}
			return Number(sum)
		}
	case fnCount:
		a := args[0]
		arg := n.Args[0]
		_, named := arg.(*RefNode)
		if p, ok := arg.(*PathNode); ok && p.Instance == "" && !c.pred {
			named = true
		}
		return func(env Env) Value {
			if named {
				if ce, ok := env.(CountEnv); ok {
					if k, ok := ce.NodeCount(arg); ok {
						return Number(k)
					}
				}
			}
			v := a(env)
			if ns, ok := v.(Nodes); ok {
				return Number(len(ns))
			}
			return Number(boolNumber(ToString(v) != ""))
		}
	case fnCountNonEmpty:
		a := args[0]
		return func(env Env) Value {
			n := 0
			for _, x := range flatten(nil, a(env)) {
				if ToString(x) != "" {
					n++
				}
			}
			return Number(n)
		}
	case fnMax:
		return extremum(args, math.Max)
	case fnMin:
		return extremum(args, math.Min)
	case fnConcat:
		return func(env Env) Value {
			var b strings.Builder
			for _, a := range args {
				for _, x := range flatten(nil, a(env)) {
					b.WriteString(ToString(x))
				}
			}
			return String(b.String())
		}
	case fnJoin:
		return func(env Env) Value {
			sep := ToString(args[0](env))
			var b strings.Builder
			first := true
			for _, a := range args[1:] {
				for _, x := range flatten(nil, a(env)) {
					if !first {
						b.WriteString(sep)
					}
					first = false
					b.WriteString(ToString(x))
				}
			}
			return String(b.String())
		}
	case fnStringLength:
		s := arg(0)
		return func(env Env) Value { return Number(utf16Len(ToString(s(env)))) }
	case fnSubstr:
		return compileSubstr(args)
	case fnSubstring:
		return compileSubstring(args)
	case fnSubstringBefore:
		return strFn2(args[0], args[1], func(s, t string) string {
			if i := strings.Index(s, t); i >= 0 {
				return s[:i]
			}
			return ""
		})
	case fnSubstringAfter:
		return strFn2(args[0], args[1], func(s, t string) string {
			if i := strings.Index(s, t); i >= 0 {
				return s[i+len(t):]
			}
			return ""
		})
	case fnContains:
		return strPred(args[0], args[1], strings.Contains)
	case fnStartsWith:
		return strPred(args[0], args[1], strings.HasPrefix)
	case fnEndsWith:
		return strPred(args[0], args[1], strings.HasSuffix)
	case fnTranslate:
		s, from, to := args[0], args[1], args[2]
		return func(env Env) Value {
			return String(translate(ToString(s(env)), ToString(from(env)), ToString(to(env))))
		}
	case fnNormalizeSpace:
		return strFn(arg(0), func(s string) string { return strings.Join(strings.Fields(s), " ") })
	case fnRegex:
		return compileRegex(n, args)
	case fnToday:
		return func(env Env) Value { return dateOnly(Date{T: env.Now()}) }
	case fnNow:
		return func(env Env) Value { return Date{T: env.Now(), HasTime: true} }
	case fnDate:
		a := args[0]
		return func(env Env) Value {
			v := a(env)
			d, ok := unpaddedDate(v)
			if !ok {
				return notADate(v)
			}
			if d.HasTime {
				// The day of a dateTime is its day on the session's clock, as in ODK.
				d.T = d.T.In(env.Now().Location())
			}
			return dateOnly(d)
		}
	case fnDateTime:
		a := args[0]
		return func(env Env) Value {
			v := a(env)
			d, ok := unpaddedDate(v)
			if !ok {
				return notADate(v)
			}
			if !d.HasTime || !zoned(v) {
				// A date, or a dateTime written without an offset, is a time on the
				// session's clock, as ODK Collect and ODK Web Forms read it.
				y, m, dd := d.T.Date()
				h, mi, sec := d.T.Clock()
				d.T = time.Date(y, m, dd, h, mi, sec, d.T.Nanosecond(), env.Now().Location())
			}
			return Date{T: d.T, HasTime: true}
		}
	case fnDecimalDateTime:
		a := args[0]
		return func(env Env) Value { return Number(decimalDateTime(a(env), env.Now().Location())) }
	case fnDecimalTime:
		// The time of day on the session's clock, as ODK reads it: a time or dateTime
		// written with another offset is that instant, so 09:15+07:00 is 02:15 in UTC.
		a := args[0]
		return func(env Env) Value {
			v := a(env)
			d, ok := v.(Date)
			if !ok {
				d, ok = parseDate(strings.TrimSpace(ToString(v)))
			}
			if ok {
				if !d.HasTime {
					return Number(0)
				}
				return Number(dayFraction(d.T.In(env.Now().Location())))
			}
			secs, offset, zoned, ok := parseTime(strings.TrimSpace(ToString(v)))
			if !ok {
				return Number(math.NaN())
			}
			if zoned {
				_, here := env.Now().Zone()
				if secs = math.Mod(secs+float64(here-offset), secondsPerDay); secs < 0 {
					secs += secondsPerDay
				}
			}
			return Number(secs / secondsPerDay)
		}
	case fnFormatDate, fnFormatDateTime:
		// Both keep the time, as ODK Collect and ODK Web Forms do (format-date(${start},
		// '%H:%M') is the hour the interview began), and read a dateTime on the session's
		// clock: one written with another offset is that instant.
		d, layout := args[0], args[1]
		return func(env Env) Value {
			date, ok := ToDate(d(env))
			if !ok {
				return String("")
			}
			if date.HasTime {
				date.T = date.T.In(env.Now().Location())
			}
			return String(formatDateODK(date, ToString(layout(env))))
		}
	case fnOnce:
		a := args[0]
		return func(env Env) Value {
			if cur := orEmpty(env.Current()); ToString(cur) != "" {
				return cur
			}
			return a(env)
		}
	case fnUUID:
		if len(args) == 0 {
			return func(env Env) Value { return String(env.UUID()) }
		}
		length := args[0]
		return func(env Env) Value {
			n := ToNumber(length(env))
			if math.IsNaN(n) || n < 0 {
				return String("")
			}
			return String(randomHex(env, int(math.Min(n, maxUUIDLength))))
		}
	case fnRandom:
		return func(env Env) Value { return Number(env.Random()) }
	case fnPosition:
		if len(n.Args) == 1 {
			if p, ok := n.Args[0].(*PathNode); ok {
				return func(env Env) Value {
					if pe, ok := env.(PositionEnv); ok {
						return Number(pe.PositionOf(p))
					}
					return Number(env.Position())
				}
			}
		}
		return func(env Env) Value { return Number(env.Position()) }
	case fnLast:
		return func(env Env) Value {
			if le, ok := env.(LastEnv); ok {
				return Number(le.Last())
			}
			return Number(1)
		}
	case fnIndexedRepeat:
		return compileIndexedRepeat(n, args)
	case fnChecklist:
		return compileChecklist(args, false)
	case fnWeightedChecklist:
		return compileChecklist(args, true)
	case fnCurrent:
		return func(env Env) Value { return orEmpty(env.Current()) }
	case fnPulldata:
		return compilePulldata(args)
	case fnRandomize:
		if len(args) == 1 {
			return args[0] // the order is kept: see the comment on randomize in ext.go
		}
		set, seed := args[0], args[1]
		return func(env Env) Value {
			nodes, ok := set(env).(Nodes)
			if !ok || len(nodes) < 2 {
				return set(env)
			}
			out := make(Nodes, len(nodes))
			for k, i := range Shuffle(len(nodes), ToNumber(seed(env))) {
				out[k] = nodes[i]
			}
			return out
		}
	case fnDigest:
		return compileDigest(args)
	case fnBase64Decode:
		return strFn(args[0], base64Decode)
	case fnArea:
		return compileArea(args)
	case fnDistance:
		return compileDistance(args)
	case fnGeofence:
		return compileGeofence(args)
	case fnDifferenceInMonths:
		return compileDifferenceInMonths(args)
	case fnAddDate:
		return compileAddDate(args)
	case fnParseTimestampToDate:
		return compileParseTimestamp(args[0])
	case fnCHTDifferenceInYears:
		return compileDateDiff(args, func(d1, d2 Date) float64 { return math.Trunc(monthsDiff(d1, d2) / 12) })
	case fnCHTDifferenceInWeeks:
		return compileDateDiff(args, func(d1, d2 Date) float64 { return math.Trunc(math.Trunc(days(d2)-days(d1)) / 7) })
	case fnCHTDifferenceInDays:
		return compileDateDiff(args, func(d1, d2 Date) float64 { return math.Trunc(days(d2) - days(d1)) })
	case fnCHTStripWhitespace:
		return strFn(args[0], stripWhitespace)
	case fnCHTValidateLuhn:
		return compileLuhn(args)
	}
	return empty
}

func boolFn(a evalFn, f func(bool) bool) evalFn {
	return func(env Env) Value { return Bool(f(ToBool(a(env)))) }
}

func numFn(a evalFn, f func(float64) float64) evalFn {
	return func(env Env) Value { return Number(f(ToNumber(a(env)))) }
}

func numFn2(a, b evalFn, f func(x, y float64) float64) evalFn {
	return func(env Env) Value { return Number(f(ToNumber(a(env)), ToNumber(b(env)))) }
}

func strFn(a evalFn, f func(string) string) evalFn {
	return func(env Env) Value { return String(f(ToString(a(env)))) }
}

func strFn2(a, b evalFn, f func(s, t string) string) evalFn {
	return func(env Env) Value { return String(f(ToString(a(env)), ToString(b(env)))) }
}

func strPred(a, b evalFn, f func(s, t string) bool) evalFn {
	return func(env Env) Value { return Bool(f(ToString(a(env)), ToString(b(env)))) }
}

// notADate is what date() and date-time() give for v, which is no date: NaN for a number
// that is NaN (the date of an empty answer plus 30 days), as ODK Collect gives it, so that it
// equals nothing, not even an empty answer; "" for anything else (an empty answer, no node).
func notADate(v Value) Value {
	if n, ok := v.(Number); ok && math.IsNaN(float64(n)) {
		return n
	}
	return String("")
}

// unpaddedDate is ToDate for date() and date-time(), which also read, as ODK does, a month
// or day of one digit, so that date(concat(${y}, '-', ${m}, '-', ${d})) needs no padding.
func unpaddedDate(v Value) (Date, bool) {
	d, ok := ToDate(v)
	if !ok {
		if s, padded := padMonthDay(strings.TrimSpace(ToString(v))); padded {
			d, ok = parseDate(s)
		}
	}
	return d, ok
}

// decimalDateTime is decimal-date-time(v): the days from 1970-01-01T00:00:00Z to the instant
// v names, as ODK Collect (JavaRosa divides the instant's milliseconds by a day), ODK Web
// Forms and Enketo count them. A dateTime written with an offset is that instant
// (1970-01-01T07:00:00+07:00 is 0 in any zone); one written without, and a date (its
// midnight), are read on the session's clock, loc; a number is itself.
func decimalDateTime(v Value, loc *time.Location) float64 {
	if n, ok := v.(Number); ok {
		return float64(n)
	}
	d, ok := ToDate(v)
	if !ok {
		return math.NaN()
	}
	t := d.T
	if !d.HasTime || !zoned(v) {
		y, m, dd := t.Date()
		h, mi, sec := t.Clock()
		if !d.HasTime {
			h, mi, sec = 0, 0, 0
		}
		t = time.Date(y, m, dd, h, mi, sec, t.Nanosecond(), loc)
	}
	return float64(t.UnixMilli()) / (secondsPerDay * 1000)
}

// zoned reports whether v, a date or dateTime, names an instant: a Date with a time (which
// carries its zone), or a string written with an offset or Z. A dateTime string without
// one is a time on the local clock.
func zoned(v Value) bool {
	switch v := v.(type) {
	case Nodes:
		if len(v) == 0 {
			return false
		}
		return zoned(v[0])
	case String:
		s := strings.TrimSpace(string(v))
		_, clock, ok := strings.Cut(s, "T")
		return ok && (strings.HasSuffix(clock, "Z") || strings.ContainsAny(clock, "+-"))
	}
	return true
}

// eachSelected calls f on each value of a space-separated list of choices until f returns
// false. As ODK Collect reads it (JavaRosa's count-selected and selected-at), the list is
// trimmed of whitespace and control characters at both ends, then split on spaces alone:
// a tab or a line break inside it belongs to a value, as it does for selected().
func eachSelected(list string, f func(string) bool) {
	list = strings.TrimFunc(list, func(r rune) bool { return r <= ' ' })
	for {
		list = strings.TrimLeft(list, " ")
		if list == "" {
			return
		}
		i := strings.IndexByte(list, ' ')
		if i < 0 {
			f(list)
			return
		}
		if !f(list[:i]) {
			return
		}
		list = list[i:]
	}
}

// roundDigits rounds x to the given number of decimal digits as ODK Collect does (JavaRosa's
// round): the digits are truncated to a whole number (NaN is 0); more than 30 either way
// give NaN. With 0 or more, x is rounded as it reads in decimal (2.675 is 2.68, not 2.67 as
// it is stored), a half toward positive infinity as XPath rounds: round(2.5) is 3,
// round(-2.5) is -2, round(-2.675, 2) is -2.67. With fewer, x scaled down is rounded by
// adding a half and cutting the fraction, as Collect does: round(1250, -2) is 1300,
// round(-1250, -2) is -1200.
func roundDigits(x, digits float64) float64 {
	if math.IsNaN(x) || math.IsInf(x, 0) {
		return x
	}
	d := 0
	if !math.IsNaN(digits) {
		d = int(math.Max(math.Min(math.Trunc(digits), math.MaxInt32), math.MinInt32))
	}
	if d > 30 || d < -30 {
		return math.NaN()
	}
	if d < 0 {
		p := math.Pow(10, float64(-d))
		scaled, _ := strconv.ParseFloat(strconv.FormatFloat(x, 'g', -1, 64), 64)
		return math.Trunc(scaled/p+0.5) * p
	}
	return roundDecimal(x, d)
}

// roundDecimal rounds x to d decimal digits on its shortest decimal form, a half toward
// positive infinity (up for a positive x, toward zero for a negative one).
func roundDecimal(x float64, d int) float64 {
	digits := strconv.FormatFloat(math.Abs(x), 'f', -1, 64)
	whole, frac, _ := strings.Cut(digits, ".")
	if len(frac) <= d {
		return x
	}
	keep := whole + frac[:d]
	next, rest := frac[d], strings.TrimRight(frac[d+1:], "0")
	up := next > '5' || next == '5' && (x > 0 || rest != "")
	n, ok := new(big.Int).SetString(keep, 10)
	if !ok {
		return x
	}
	if up {
		n.Add(n, big.NewInt(1))
	}
	r, _ := new(big.Float).SetPrec(200).Quo(new(big.Float).SetInt(n), new(big.Float).SetInt(new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(d)), nil))).Float64()
	if x < 0 {
		r = -r
	}
	return r
}

// extremum folds the numbers of all arguments with f; NaN if there are none or any is NaN.
func extremum(args []evalFn, f func(x, y float64) float64) evalFn {
	return func(env Env) Value {
		acc, seen := 0.0, false
		for _, a := range args {
			for _, x := range flatten(nil, a(env)) {
				n := ToNumber(x)
				if math.IsNaN(n) {
					return Number(math.NaN())
				}
				if !seen {
					acc, seen = n, true
				} else {
					acc = f(acc, n)
				}
			}
		}
		if !seen {
			return Number(math.NaN())
		}
		return Number(acc)
	}
}

// compileSubstr compiles ODK's substr(s, start[, end]): start is 0-based, end exclusive; a
// negative index counts from the end of s, as in JavaRosa; both are then clamped to the
// string. Indexes count UTF-16 code units, as string-length does.
func compileSubstr(args []evalFn) evalFn {
	return func(env Env) Value {
		s := ToString(args[0](env))
		n := utf16Len(s)
		start := clampIndex(ToNumber(args[1](env)), n)
		end := n
		if len(args) == 3 {
			end = clampIndex(ToNumber(args[2](env)), n)
		}
		if end <= start {
			return String("")
		}
		if n == len(s) {
			return String(s[start:end])
		}
		return String(utf16Slice(s, start, end))
	}
}

// utf16Len is the length of s in UTF-16 code units, as ODK's engines (Java and
// JavaScript strings) count a string: a character beyond U+FFFF, an emoji say, is 2.
func utf16Len(s string) int {
	n := 0
	for _, r := range s {
		n++
		if r > 0xFFFF {
			n++
		}
	}
	return n
}

// utf16Slice returns the characters of s at UTF-16 code units [start, end). Half of a
// character beyond U+FFFF (a surrogate, which ODK's engines would keep alone and no UTF-8
// text holds) becomes U+FFFD.
func utf16Slice(s string, start, end int) string {
	var b strings.Builder
	p := 0
	for _, r := range s {
		w := 1
		if r > 0xFFFF {
			w = 2
		}
		switch {
		case p >= start && p+w <= end:
			b.WriteRune(r)
		case p < end && p+w > start:
			b.WriteRune(utf8.RuneError)
		}
		p += w
		if p >= end {
			break
		}
	}
	return b.String()
}

// clampIndex truncates f to an index into a string of n characters, counting a negative f
// from the end; NaN is 0.
func clampIndex(f float64, n int) int {
	if math.IsNaN(f) {
		return 0
	}
	f = math.Trunc(f)
	if f < 0 {
		f += float64(n)
	}
	return int(math.Max(0, math.Min(f, float64(n))))
}

func translate(s, from, to string) string {
	if from == "" {
		return s
	}
	if out, ok := translateASCII(s, from, to); ok {
		return out
	}
	return translateRunes(s, from, to)
}

// translateASCII is translate when from and to are ASCII and s is valid UTF-8, byte by
// byte: the bytes of a multi-byte character are never ASCII, so they are kept as they
// are, as translateRunes keeps the character. A string with nothing to replace is
// returned as it is, without a copy. ok is false when it does not apply.
func translateASCII(s, from, to string) (out string, ok bool) {
	var table [128]int16                  // 0: keep; -1: drop; c+1: replace with c
	for i := len(from) - 1; i >= 0; i-- { // the first occurrence of a character wins
		c := from[i]
		if c >= utf8.RuneSelf {
			return "", false
		}
		switch {
		case i >= len(to):
			table[c] = -1
		case to[i] >= utf8.RuneSelf:
			return "", false
		default:
			table[c] = int16(to[i]) + 1
		}
	}
	for i := len(from); i < len(to); i++ {
		if to[i] >= utf8.RuneSelf {
			return "", false
		}
	}
	first := -1
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < utf8.RuneSelf && table[c] != 0 {
			first = i
			break
		}
	}
	if !utf8.ValidString(s) {
		return "", false
	}
	if first < 0 {
		return s, true
	}
	b := make([]byte, first, len(s))
	copy(b, s[:first])
	for i := first; i < len(s); i++ {
		c := s[i]
		if c >= utf8.RuneSelf || table[c] == 0 {
			b = append(b, c)
		} else if t := table[c]; t > 0 {
			b = append(b, byte(t-1))
		}
	}
	return string(b), true
}

// translateRunes is translate character by character, for any strings.
func translateRunes(s, from, to string) string {
	fr, tr := []rune(from), []rune(to)
	var b strings.Builder
	for _, c := range s {
		i := 0
		for i < len(fr) && fr[i] != c {
			i++
		}
		switch {
		case i == len(fr):
			b.WriteRune(c)
		case i < len(tr):
			b.WriteRune(tr[i])
		}
	}
	return b.String()
}

// compileRegex compiles regex(s, pattern). A literal pattern is compiled once, here; one
// that does not compile makes the call false (Check reports it). As in ODK Web Forms and
// Enketo, the pattern matches anywhere in s unless it is anchored (ODK Collect matches the
// whole of s: docs/XLSFORM.md, "Known differences not yet closed").
func compileRegex(n *CallNode, args []evalFn) evalFn {
	s := args[0]
	if lit, ok := n.Args[1].(*StringNode); ok {
		match, err := compileMatcher(lit.Value)
		if err != nil {
			return constant(Bool(false))
		}
		return func(env Env) Value { return Bool(match(ToString(s(env)))) }
	}
	pattern := args[1]
	return func(env Env) Value {
		re, err := regexp.Compile(ToString(pattern(env)))
		if err != nil {
			return Bool(false)
		}
		return Bool(re.MatchString(ToString(s(env))))
	}
}

// compileChoiceName compiles jr:choice-name(value, 'question'), where the question is
// named by a string such as '${q}' or '/data/q' (or, leniently, by a reference ${q}).
func compileChoiceName(n *CallNode, args []evalFn) evalFn {
	value := args[0]
	var question evalFn
	switch q := n.Args[1].(type) {
	case *StringNode:
		question = constant(String(questionName(q.Value)))
	case *RefNode:
		question = constant(String(q.Name))
	default:
		question = func(env Env) Value { return String(questionName(ToString(args[1](env)))) }
	}
	return func(env Env) Value {
		q := ToString(question(env))
		if q == "" {
			return String("")
		}
		return String(env.ChoiceLabel(q, ToString(value(env))))
	}
}

// questionName extracts the question name from "${q}" or from a path "/data/g/q".
func questionName(s string) string {
	s = strings.TrimSpace(s)
	if strings.HasPrefix(s, "${") && strings.HasSuffix(s, "}") {
		return strings.TrimSpace(s[2 : len(s)-1])
	}
	if i := strings.LastIndexByte(s, '/'); i >= 0 {
		return s[i+1:]
	}
	return s
}

// compileIndexedRepeat compiles indexed-repeat(${name}, ${repeat1}, i1[, ${repeat2}, i2...]).
// The references are not evaluated: their names go to Env.IndexedRepeat.
func compileIndexedRepeat(n *CallNode, args []evalFn) evalFn {
	name, ok := n.Args[0].(*RefNode)
	if !ok {
		return empty
	}
	var repeats []string
	var indexes []evalFn
	for i := 1; i+1 < len(n.Args); i += 2 {
		r, ok := n.Args[i].(*RefNode)
		if !ok {
			return empty
		}
		repeats = append(repeats, r.Name)
		indexes = append(indexes, args[i+1])
	}
	return func(env Env) Value {
		idx := make([]int, len(indexes))
		for i, f := range indexes {
			x := ToNumber(f(env))
			if math.IsNaN(x) || x < 0 {
				x = 0
			}
			idx[i] = int(math.Min(x, math.MaxInt32))
		}
		return orEmpty(env.IndexedRepeat(name.Name, repeats, idx))
	}
}

// compileChecklist compiles checklist(min, max, v...) and weighted-checklist(min, max, v1,
// w1, ...): whether the number of true values (or the sum of the weights of the true
// values) lies between min and max, where a negative bound (or NaN) means none.
func compileChecklist(args []evalFn, weighted bool) evalFn {
	lo, hi := args[0], args[1]
	return func(env Env) Value {
		total := 0.0
		if !weighted {
			for _, a := range args[2:] {
				for _, x := range flatten(nil, a(env)) {
					total += boolNumber(ToBool(x))
				}
			}
		} else {
			for i := 2; i+1 < len(args); i += 2 {
				vs, ws := flatten(nil, args[i](env)), flatten(nil, args[i+1](env))
				if len(vs) != len(ws) {
					return Bool(false)
				}
				for k := range vs {
					if ToBool(vs[k]) {
						total += ToNumber(ws[k])
					}
				}
			}
		}
		low, high := ToNumber(lo(env)), ToNumber(hi(env))
		return Bool((!(low >= 0) || total >= low) && (!(high >= 0) || total <= high))
	}
}

// randomHex returns n random hexadecimal digits drawn from env.Random.
func randomHex(env Env, n int) string {
	const digits = "0123456789abcdef"
	b := make([]byte, n)
	for i := range b {
		k := int(env.Random() * 16)
		b[i] = digits[min(max(k, 0), 15)]
	}
	return string(b)
}

// compileSubstring compiles XPath 1.0's substring(s, start[, length]), which Enketo and ODK
// Web Forms accept beside ODK's substr: the characters of s at 1-based positions p with
// round(start) <= p < round(start) + round(length), rounding as XPath's round() does; NaN
// selects nothing.
func compileSubstring(args []evalFn) evalFn {
	return func(env Env) Value {
		s := ToString(args[0](env))
		from := xpathRound(ToNumber(args[1](env)))
		to := math.Inf(1)
		if len(args) == 3 {
			to = from + xpathRound(ToNumber(args[2](env)))
		}
		// The 1-based positions p of s's UTF-16 code units with from <= p < to.
		n := utf16Len(s)
		if !(from < to) || math.IsNaN(from) || math.IsNaN(to) {
			return String("")
		}
		start := int(max(0, math.Ceil(from)-1))
		end := n
		if to <= float64(n)+1 {
			end = int(math.Ceil(to) - 1)
		}
		if end <= start {
			return String("")
		}
		return String(utf16Slice(s, start, end))
	}
}

// xpathRound rounds half up, as XPath 1.0's round() does (round(-0.5) is -0).
func xpathRound(f float64) float64 {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return f
	}
	return math.Floor(f + 0.5)
}
