package expr

import (
	"fmt"
	"regexp"
	"slices"
)

// funcID names a built-in function.
type funcID int

const (
	fnIf funcID = iota + 1
	fnCoalesce
	fnSelected
	fnCountSelected
	fnSelectedAt
	fnChoiceName
	fnNot
	fnTrue
	fnFalse
	fnBoolean
	fnBooleanFromString
	fnNumber
	fnString
	fnInt
	fnRound
	fnFloor
	fnCeiling
	fnAbs
	fnPow
	fnExp
	fnExp10
	fnLog
	fnLog10
	fnSqrt
	fnSin
	fnCos
	fnTan
	fnAsin
	fnAcos
	fnAtan
	fnAtan2
	fnPi
	fnSum
	fnCount
	fnCountNonEmpty
	fnMax
	fnMin
	fnConcat
	fnJoin
	fnStringLength
	fnSubstr
	fnSubstringBefore
	fnSubstringAfter
	fnContains
	fnStartsWith
	fnEndsWith
	fnTranslate
	fnNormalizeSpace
	fnRegex
	fnToday
	fnNow
	fnDate
	fnDateTime
	fnDecimalDateTime
	fnDecimalTime
	fnFormatDate
	fnFormatDateTime
	fnOnce
	fnUUID
	fnRandom
	fnPosition
	fnLast
	fnIndexedRepeat
	fnChecklist
	fnWeightedChecklist
	fnCurrent
	fnPulldata
	fnRandomize
	fnDigest
	fnBase64Decode
	fnArea
	fnDistance
	fnGeofence
	fnDifferenceInMonths
	fnAddDate
	fnParseTimestampToDate
	fnCHTDifferenceInYears
	fnCHTDifferenceInWeeks
	fnCHTDifferenceInDays
	fnCHTStripWhitespace
	fnCHTValidateLuhn
	fnSubstring
)

// funcSpec describes a built-in function and the numbers of arguments it takes: at least
// min, at most max (-1: no limit), and beyond min only in groups of step.
type funcSpec struct {
	id       funcID
	min, max int
	step     int
}

func (s funcSpec) takes(n int) bool {
	if n < s.min || (s.max >= 0 && n > s.max) {
		return false
	}
	return s.step <= 1 || (n-s.min)%s.step == 0
}

func (s funcSpec) arity() string {
	plural := func(n int) string {
		if n == 1 {
			return "1 argument"
		}
		return fmt.Sprintf("%d arguments", n)
	}
	switch {
	case s.min == s.max:
		return plural(s.min)
	case s.max < 0 && s.step > 1:
		return fmt.Sprintf("%d, %d, %d... arguments", s.min, s.min+s.step, s.min+2*s.step)
	case s.max < 0:
		return "at least " + plural(s.min)
	case s.max == s.min+1:
		return fmt.Sprintf("%d or %s", s.min, plural(s.max))
	}
	return fmt.Sprintf("%d to %d arguments", s.min, s.max)
}

// funcs holds the built-in functions by name. It is never written after initialization.
var funcs = map[string]funcSpec{
	"if":                  {fnIf, 3, 3, 0},
	"coalesce":            {fnCoalesce, 2, -1, 0},
	"selected":            {fnSelected, 2, 2, 0},
	"count-selected":      {fnCountSelected, 1, 1, 0},
	"selected-at":         {fnSelectedAt, 2, 2, 0},
	"jr:choice-name":      {fnChoiceName, 2, 2, 0},
	"not":                 {fnNot, 1, 1, 0},
	"true":                {fnTrue, 0, 0, 0},
	"false":               {fnFalse, 0, 0, 0},
	"boolean":             {fnBoolean, 1, 1, 0},
	"boolean-from-string": {fnBooleanFromString, 1, 1, 0},
	"number":              {fnNumber, 0, 1, 0},
	"string":              {fnString, 0, 1, 0},
	"int":                 {fnInt, 1, 1, 0},
	"round":               {fnRound, 1, 2, 0},
	"floor":               {fnFloor, 1, 1, 0},
	"ceiling":             {fnCeiling, 1, 1, 0},
	"abs":                 {fnAbs, 1, 1, 0},
	"pow":                 {fnPow, 2, 2, 0},
	"exp":                 {fnExp, 1, 1, 0},
	"exp10":               {fnExp10, 1, 1, 0},
	"log":                 {fnLog, 1, 1, 0},
	"log10":               {fnLog10, 1, 1, 0},
	"sqrt":                {fnSqrt, 1, 1, 0},
	"sin":                 {fnSin, 1, 1, 0},
	"cos":                 {fnCos, 1, 1, 0},
	"tan":                 {fnTan, 1, 1, 0},
	"asin":                {fnAsin, 1, 1, 0},
	"acos":                {fnAcos, 1, 1, 0},
	"atan":                {fnAtan, 1, 1, 0},
	"atan2":               {fnAtan2, 2, 2, 0},
	"pi":                  {fnPi, 0, 0, 0},
	"sum":                 {fnSum, 1, 1, 0},
	"count":               {fnCount, 1, 1, 0},
	"count-non-empty":     {fnCountNonEmpty, 1, 1, 0},
	"max":                 {fnMax, 1, -1, 0},
	"min":                 {fnMin, 1, -1, 0},
	"concat":              {fnConcat, 0, -1, 0},
	"join":                {fnJoin, 1, -1, 0},
	"string-length":       {fnStringLength, 0, 1, 0},
	"substr":              {fnSubstr, 2, 3, 0},
	"substring-before":    {fnSubstringBefore, 2, 2, 0},
	"substring":           {fnSubstring, 2, 3, 0},
	"substring-after":     {fnSubstringAfter, 2, 2, 0},
	"contains":            {fnContains, 2, 2, 0},
	"starts-with":         {fnStartsWith, 2, 2, 0},
	"ends-with":           {fnEndsWith, 2, 2, 0},
	"translate":           {fnTranslate, 3, 3, 0},
	"normalize-space":     {fnNormalizeSpace, 0, 1, 0},
	"regex":               {fnRegex, 2, 2, 0},
	"today":               {fnToday, 0, 0, 0},
	"now":                 {fnNow, 0, 0, 0},
	"date":                {fnDate, 1, 1, 0},
	"date-time":           {fnDateTime, 1, 1, 0},
	"decimal-date-time":   {fnDecimalDateTime, 1, 1, 0},
	"decimal-date":        {fnDecimalDateTime, 1, 1, 0}, // Enketo's name for decimal-date-time
	"decimal-time":        {fnDecimalTime, 1, 1, 0},
	"format-date":         {fnFormatDate, 2, 2, 0},
	"format-date-time":    {fnFormatDateTime, 2, 2, 0},
	"once":                {fnOnce, 1, 1, 0},
	"uuid":                {fnUUID, 0, 1, 0},
	"random":              {fnRandom, 0, 0, 0},
	"position":            {fnPosition, 0, 1, 0},
	"last":                {fnLast, 0, 0, 0},
	"indexed-repeat":      {fnIndexedRepeat, 3, -1, 2},
	"checklist":           {fnChecklist, 2, -1, 0},
	"weighted-checklist":  {fnWeightedChecklist, 2, -1, 2},
	"current":             {fnCurrent, 0, 0, 0},
	"pulldata":            {fnPulldata, 4, 4, 0},
	"randomize":           {fnRandomize, 1, 2, 0},
	"digest":              {fnDigest, 2, 3, 0},
	"base64-decode":       {fnBase64Decode, 1, 1, 0},
	"area":                {fnArea, 1, 1, 0},
	"distance":            {fnDistance, 1, -1, 0},
	"geofence":            {fnGeofence, 2, 2, 0},

	// Extensions of Enketo and of the Community Health Toolkit (CHT), used by CHT's forms.
	"difference-in-months":     {fnDifferenceInMonths, 2, 2, 0},
	"add-date":                 {fnAddDate, 1, 6, 0},
	"parse-timestamp-to-date":  {fnParseTimestampToDate, 1, 1, 0},
	"cht:difference-in-years":  {fnCHTDifferenceInYears, 2, 2, 0},
	"cht:difference-in-months": {fnDifferenceInMonths, 2, 2, 0},
	"cht:difference-in-weeks":  {fnCHTDifferenceInWeeks, 2, 2, 0},
	"cht:difference-in-days":   {fnCHTDifferenceInDays, 2, 2, 0},
	"cht:strip-whitespace":     {fnCHTStripWhitespace, 1, 1, 0},
	"cht:validate-luhn":        {fnCHTValidateLuhn, 1, 2, 0},
}

// refused names the functions of other form engines that public forms call and that
// tracer cannot evaluate, with the reason given when a form uses one.
var refused = map[string]string{
	"z-score":           "is a Community Health Toolkit (CHT) extension, not in ODK: it reads CHT's growth-chart tables, which tracer does not have",
	"to-bikram-sambat":  "is a Community Health Toolkit (CHT) extension, not in ODK: tracer has no Bikram Sambat calendar",
	"cht:extension-lib": "is a Community Health Toolkit (CHT) extension, not in ODK: it runs JavaScript that only CHT has",
	"pulldata-csv":      "is not in ODK",
	"intersect":         "is a Kobo/Enketo extension, not in ODK",
	"jr:itext":          "reads translations of the XForm itself, not in XLSForm expressions",
}

// Check reports the first static problem of e, in source order: an unknown function, a
// wrong number of arguments, an argument of indexed-repeat that should be a ${name}
// reference, a literal pattern of regex that does not compile, or a literal algorithm or
// encoding of digest that it does not know. Calls inside predicates are checked too. The error is a
// *SyntaxError at the position of the call.
func Check(e *Expr) error {
	if e == nil || e.Root == nil {
		return &SyntaxError{Msg: "empty expression"}
	}
	var err error
	walk(e.Root, func(n Node) bool {
		c, ok := n.(*CallNode)
		if !ok {
			return true
		}
		if msg := checkCall(c); msg != "" {
			err = &SyntaxError{Pos: c.Pos, Msg: msg}
			return false
		}
		return true
	})
	return err
}

func checkCall(c *CallNode) string {
	spec, ok := funcs[c.Name]
	if !ok {
		if why, known := refused[c.Name]; known {
			return c.Name + "() " + why
		}
		return "unknown function " + c.Name
	}
	if !spec.takes(len(c.Args)) {
		return fmt.Sprintf("%s() takes %s, got %d", c.Name, spec.arity(), len(c.Args))
	}
	switch spec.id {
	case fnIndexedRepeat:
		for i, a := range c.Args {
			if _, ok := a.(*RefNode); !ok && (i == 0 || i%2 == 1) {
				return fmt.Sprintf("indexed-repeat() argument %d must be a ${name} reference", i+1)
			}
		}
	case fnDigest:
		return checkDigest(c)
	case fnRegex:
		if s, ok := c.Args[1].(*StringNode); ok {
			if _, err := regexp.Compile(s.Value); err != nil {
				return fmt.Sprintf("invalid pattern in regex(): %v", err)
			}
		}
	}
	return ""
}

// walk calls f on n and its descendants in source order, depth first, as long as f returns
// true. It reports whether the walk went to the end.
func walk(n Node, f func(Node) bool) bool {
	if n == nil || !f(n) {
		return n == nil
	}
	switch n := n.(type) {
	case *UnaryNode:
		return walk(n.X, f)
	case *BinaryNode:
		return walk(n.L, f) && walk(n.R, f)
	case *CallNode:
		for _, a := range n.Args {
			if !walk(a, f) {
				return false
			}
		}
	case *PathNode:
		for _, preds := range n.Preds {
			for _, x := range preds {
				if !walk(x, f) {
					return false
				}
			}
		}
	}
	return true
}

// Refs returns the distinct ${name} references of e in source order, those inside the
// predicates of paths and those that start a path (${name}[...]/x) included.
func (e *Expr) Refs() []string {
	var refs []string
	if e == nil {
		return refs
	}
	walk(e.Root, func(n Node) bool {
		name := ""
		switch n := n.(type) {
		case *RefNode:
			name = n.Name
		case *PathNode:
			name = n.Ref
		}
		if name != "" && !slices.Contains(refs, name) {
			refs = append(refs, name)
		}
		return true
	})
	return refs
}

// Paths returns the location paths of e in source order, those inside the predicates of
// paths included, instance('name') paths included.
func (e *Expr) Paths() []*PathNode {
	var out []*PathNode
	if e == nil {
		return out
	}
	walk(e.Root, func(n Node) bool {
		if p, ok := n.(*PathNode); ok {
			out = append(out, p)
		}
		return true
	})
	return out
}

// Calls reports whether e calls the function of that name anywhere, in predicates too.
func (e *Expr) Calls(name string) bool {
	if e == nil {
		return false
	}
	return !walk(e.Root, func(n Node) bool {
		c, ok := n.(*CallNode)
		return !ok || c.Name != name
	})
}

// UsesCurrent reports whether e refers to "." (the current answer), explicitly or through
// a function that reads it: current(), string-length, normalize-space, string and number
// without arguments, and once. A "." inside a predicate, which stands for the node being
// tested, counts too: the answer is on the safe side.
func (e *Expr) UsesCurrent() bool {
	if e == nil {
		return false
	}
	return !walk(e.Root, func(n Node) bool {
		switch n := n.(type) {
		case *PathNode:
			return !isCurrent(n)
		case *CallNode:
			switch funcs[n.Name].id {
			case fnOnce, fnCurrent:
				return false
			case fnStringLength, fnNormalizeSpace, fnString, fnNumber:
				return len(n.Args) > 0
			}
		}
		return true
	})
}

// isCurrent reports whether p is ".".
func isCurrent(p *PathNode) bool {
	return !p.Absolute && !p.Current && p.Instance == "" && p.Ref == "" && len(p.Steps) == 1 && p.Steps[0] == "."
}
