package expr

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// itemType identifies the type of a lexical item.
type itemType int

const (
	itemError       itemType = iota // a lexical error; val is the message
	itemEOF                         // end of the source
	itemNumber                      // 12, 1.5, .5
	itemString                      // 'x', "x", ‘x’ or “x”; val is the content
	itemRef                         // ${name}; val is the name
	itemName                        // a name: path step, function name or keyword operator
	itemDot                         // .
	itemDotDot                      // ..
	itemSlash                       // /
	itemDoubleSlash                 // //
	itemLParen                      // (
	itemRParen                      // )
	itemLBracket                    // [
	itemRBracket                    // ]
	itemComma                       // ,
	itemAt                          // @
	itemOp                          // = != < <= > >= + - * |
)

// item is a token of the source: its type, position and text.
type item struct {
	typ itemType
	pos Pos
	val string
}

func (i item) String() string {
	switch i.typ {
	case itemEOF:
		return "end of expression"
	case itemError:
		return "error: " + i.val
	case itemString:
		return fmt.Sprintf("string %q", i.val)
	case itemRef:
		return "'${" + i.val + "}'"
	case itemNumber:
		return "number " + i.val
	}
	return "'" + i.val + "'"
}

// lexer holds the state of the scanner.
type lexer struct {
	src   string
	start int // start of the current item
	pos   int // current position
	items []item
}

// stateFn is a state of the lexer, returning the next state.
type stateFn func(*lexer) stateFn

// lex scans src into items. The last item is itemEOF or itemError.
func lex(src string) []item {
	l := &lexer{src: src, items: make([]item, 0, len(src)/3+2)}
	for state := lexAny; state != nil; {
		state = state(l)
	}
	return l.items
}

const eof = -1

func (l *lexer) next() rune {
	if l.pos >= len(l.src) {
		return eof
	}
	r, w := utf8.DecodeRuneInString(l.src[l.pos:])
	l.pos += w
	return r
}

func (l *lexer) peek() rune {
	if l.pos >= len(l.src) {
		return eof
	}
	r, _ := utf8.DecodeRuneInString(l.src[l.pos:])
	return r
}

func (l *lexer) emit(t itemType) {
	l.items = append(l.items, item{t, Pos(l.start), l.src[l.start:l.pos]})
	l.start = l.pos
}

func (l *lexer) emitVal(t itemType, val string) {
	l.items = append(l.items, item{t, Pos(l.start), val})
	l.start = l.pos
}

// errorf emits an error item at the start of the current item and ends the scan.
func (l *lexer) errorf(format string, args ...any) stateFn {
	l.items = append(l.items, item{itemError, Pos(l.start), fmt.Sprintf(format, args...)})
	return nil
}

func isSpace(r rune) bool {
	return r == ' ' || r == '\t' || r == '\n' || r == '\r' || unicode.IsSpace(r)
}

func isDigit(r rune) bool { return '0' <= r && r <= '9' }

func isNameStart(r rune) bool { return r == '_' || unicode.IsLetter(r) }

func isNameChar(r rune) bool {
	return isNameStart(r) || isDigit(r) || r == '-' || r == '.' || unicode.IsDigit(r) ||
		unicode.In(r, unicode.Mn, unicode.Mc) || r == '\u00b7' || r == '\u203f' || r == '\u2040'
}

// IsName reports whether s is a name of a form's node as XLSForm takes it: an XML name of
// one part (an NCName: a letter or _, then letters, digits, combining marks, _ - . or ·),
// or of two joined by one colon, a namespace prefix and a local name (esri:code), as
// pyxform takes it.
func IsName(s string) bool {
	prefix, local, prefixed := strings.Cut(s, ":")
	if prefixed {
		return isNCName(prefix) && isNCName(local)
	}
	return isNCName(s)
}

func isNCName(s string) bool {
	for i, r := range s {
		if i == 0 && !isNameStart(r) || !isNameChar(r) {
			return false
		}
	}
	return s != ""
}

// lexAny scans the next item between tokens.
func lexAny(l *lexer) stateFn {
	for isSpace(l.peek()) {
		l.next()
	}
	l.start = l.pos
	r := l.next()
	switch {
	case r == eof:
		l.emit(itemEOF)
		return nil
	case r == '\'' || r == '"':
		return lexString
	case r == '‘' || r == '“':
		return lexTypographicString
	case r == '$':
		return lexRef
	case isDigit(r):
		return lexNumber
	case r == '.':
		switch {
		case isDigit(l.peek()):
			return lexNumber
		case l.peek() == '.':
			l.next()
			l.emit(itemDotDot)
		default:
			l.emit(itemDot)
		}
	case r == '/':
		if l.peek() == '/' {
			l.next()
			l.emit(itemDoubleSlash)
		} else {
			l.emit(itemSlash)
		}
	case r == '(':
		l.emit(itemLParen)
	case r == ')':
		l.emit(itemRParen)
	case r == '[':
		l.emit(itemLBracket)
	case r == ']':
		l.emit(itemRBracket)
	case r == ',':
		l.emit(itemComma)
	case r == '@':
		l.emit(itemAt)
	case r == '=' || r == '+' || r == '-' || r == '*' || r == '|':
		l.emit(itemOp)
	case r == '!':
		if l.peek() != '=' {
			return l.errorf("unexpected '!' (write != for 'not equal', not(x) for negation)")
		}
		l.next()
		l.emit(itemOp)
	case r == '<' || r == '>':
		if l.peek() == '=' {
			l.next()
		}
		l.emit(itemOp)
	case isNameStart(r):
		return lexName
	case r == utf8.RuneError:
		return l.errorf("invalid UTF-8")
	default:
		return l.errorf("unexpected character %q", r)
	}
	return lexAny
}

// lexString scans a quoted literal; the opening quote has been read.
func lexString(l *lexer) stateFn {
	quote := l.src[l.start]
	for i := l.pos; i < len(l.src); i++ {
		if l.src[i] == quote {
			l.pos = i + 1
			l.emitVal(itemString, l.src[l.start+1:i])
			return lexAny
		}
	}
	return l.errorf("unterminated string")
}

// lexTypographicString scans a literal in typographic quotes, ‘x’ or “x”, as word processors
// write them into forms; the opening quote has been read. The literal closes with the
// matching closing quote, ’ or ”, and may hold ASCII quotes.
func lexTypographicString(l *lexer) stateFn {
	closing := "’"
	if l.src[l.start:l.pos] == "“" {
		closing = "”"
	}
	i := strings.Index(l.src[l.pos:], closing)
	if i < 0 {
		return l.errorf("unterminated string")
	}
	val := l.src[l.pos : l.pos+i]
	l.pos += i + len(closing)
	l.emitVal(itemString, val)
	return lexAny
}

// lexNumber scans Digits ('.' Digits?)? or '.' Digits; the first character has been read.
func lexNumber(l *lexer) stateFn {
	dot := l.src[l.start] == '.'
	for {
		r := l.peek()
		switch {
		case isDigit(r):
			l.next()
		case r == '.' && !dot:
			dot = true
			l.next()
		default:
			l.emit(itemNumber)
			return lexAny
		}
	}
}

// lexName scans a name; the first character has been read. A name may carry one prefix,
// as in jr:choice-name.
func lexName(l *lexer) stateFn {
	prefixed := false
	for {
		r := l.peek()
		switch {
		case isNameChar(r):
			l.next()
		case r == ':' && !prefixed && l.pos+1 < len(l.src) && isNameStartAt(l.src, l.pos+1):
			prefixed = true
			l.next()
		default:
			l.emit(itemName)
			return lexAny
		}
	}
}

func isNameStartAt(s string, i int) bool {
	r, _ := utf8.DecodeRuneInString(s[i:])
	return isNameStart(r)
}

// lexRef scans ${name}; the '$' has been read.
func lexRef(l *lexer) stateFn {
	if l.next() != '{' {
		return l.errorf("unexpected '$' (references are written ${name})")
	}
	nameStart := l.pos
	if !isNameStart(l.next()) {
		return l.errorf("expected name after ${")
	}
	for isNameChar(l.peek()) {
		l.next()
	}
	if l.peek() == ':' && l.pos+1 < len(l.src) && isNameStartAt(l.src, l.pos+1) {
		l.next() // a prefixed name, ${esri:code}
		for isNameChar(l.peek()) {
			l.next()
		}
	}
	name := l.src[nameStart:l.pos]
	if name == "last-saved" && l.peek() == '#' {
		rest, _, _ := strings.Cut(l.src[l.pos+1:], "}")
		return l.errorf("${last-saved#%s} reads the interview saved last on the device (ODK Collect's last-saved instance), which tracer does not keep: give the question a default, or ask it", rest)
	}
	if l.next() != '}' {
		return l.errorf("missing '}' after ${%s", name)
	}
	l.emitVal(itemRef, name)
	return lexAny
}
