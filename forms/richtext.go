package forms

import (
	"html"
	"strings"
	"unicode"
	"unicode/utf8"
)

// This file reads the markup of labels and hints. ODK renders a subset of Markdown in them
// (*em* or _em_, **strong** or __strong__, # headings, [text](url), \ escapes) and inline
// HTML (<span style=...>, <b>, <i>, <h1>...<h6>, <br>, <p>). A screen that is not a browser
// shows the text and its emphasis, never the markup.

// Style is a set of emphases on a run of text.
type Style uint8

// The emphases. A run may carry several.
const (
	StyleEm      Style = 1 << iota // *em*, _em_, <i>, <em>
	StyleStrong                    // **strong**, __strong__, <b>, <strong>
	StyleHeading                   // # heading, <h1> ... <h6>
	StyleLink                      // [text](url): Span.URL holds the address
)

// Span is a run of plain text with one style.
type Span struct {
	Text  string
	Style Style
	URL   string // the link's address, for a StyleLink run
}

// RichText turns a label or hint written with ODK's Markdown subset and inline HTML into
// runs of plain text and their emphasis. Tags are dropped (their text kept), character
// references decoded, line breaks (<br>, <p>, headings) kept as "\n". Joining the runs'
// Text gives PlainText.
func RichText(s string) []Span {
	r := richReader{src: s}
	r.read()
	return r.out
}

// PlainText returns the text of a label or hint without its markup: what RichText's runs
// say, joined.
func PlainText(s string) string {
	var b strings.Builder
	for _, sp := range RichText(s) {
		b.WriteString(sp.Text)
	}
	return b.String()
}

type richReader struct {
	src   string
	out   []Span
	text  strings.Builder // the run being built
	style Style           // its style
	url   string

	em, strong    bool // Markdown emphasis open
	tagEm, tagStr int  // HTML emphasis depth
	tagHead       int  // HTML heading depth
	lineHead      bool // a "# " heading runs to the end of the line
}

func (r *richReader) current() Style {
	var st Style
	if r.em || r.tagEm > 0 {
		st |= StyleEm
	}
	if r.strong || r.tagStr > 0 {
		st |= StyleStrong
	}
	if r.lineHead || r.tagHead > 0 {
		st |= StyleHeading
	}
	return st
}

// emit adds text in the current style.
func (r *richReader) emit(s string) { r.emitStyled(s, r.current(), "") }

func (r *richReader) emitStyled(s string, st Style, url string) {
	if s == "" {
		return
	}
	if st != r.style || url != r.url {
		r.flush()
		r.style, r.url = st, url
	}
	r.text.WriteString(s)
}

func (r *richReader) flush() {
	if r.text.Len() == 0 {
		return
	}
	t := html.UnescapeString(r.text.String())
	t = strings.ReplaceAll(t, "\u00a0", " ")
	if n := len(r.out); n > 0 && r.out[n-1].Style == r.style && r.out[n-1].URL == r.url {
		r.out[n-1].Text += t
	} else {
		r.out = append(r.out, Span{Text: t, Style: r.style, URL: r.url})
	}
	r.text.Reset()
}

// newline ends a line: a "# " heading ends with it; blank lines do not pile up.
func (r *richReader) newline() {
	r.lineHead = false
	r.emitStyled("\n", 0, "")
}

func (r *richReader) read() {
	s := r.src
	lineStart := true
	for i := 0; i < len(s); {
		if lineStart {
			lineStart = false
			j := i
			for j < len(s) && (s[j] == ' ' || s[j] == '\t') {
				j++
			}
			k := j
			for k < len(s) && s[k] == '#' && k-j < 6 {
				k++
			}
			if k > j && k < len(s) && s[k] == ' ' {
				r.lineHead = true
				i = k + 1
				continue
			}
		}
		c := s[i]
		switch {
		case c == '\n':
			r.newline()
			lineStart = true
			i++
		case c == '\r':
			i++
		case c == '\\' && i+1 < len(s) && strings.IndexByte("\\*_[]()#<>`", s[i+1]) >= 0:
			r.emit(s[i+1 : i+2])
			i += 2
		case c == '<':
			if n := r.tag(s[i:]); n > 0 {
				i += n
			} else {
				r.emit("<")
				i++
			}
		case c == '[':
			if n := r.link(s[i:]); n > 0 {
				i += n
			} else {
				r.emit("[")
				i++
			}
		case (c == '*' || c == '_') && i+1 < len(s) && s[i+1] == c:
			if r.strong || closes(s[i+2:], s[i:i+2]) {
				r.flush()
				r.strong = !r.strong
			} else {
				r.emit(s[i : i+2])
			}
			i += 2
		case c == '*' || c == '_':
			if r.emphasis(s, i) {
				r.flush()
				r.em = !r.em
			} else {
				r.emit(s[i : i+1])
			}
			i++
		default:
			_, size := utf8.DecodeRuneInString(s[i:])
			r.emit(s[i : i+size])
			i += size
		}
	}
	r.flush()
	// Trim the line breaks that markup leaves at either end.
	for len(r.out) > 0 && strings.TrimSpace(r.out[0].Text) == "" {
		r.out = r.out[1:]
	}
	for len(r.out) > 0 && strings.TrimSpace(r.out[len(r.out)-1].Text) == "" {
		r.out = r.out[:len(r.out)-1]
	}
	if len(r.out) > 0 {
		r.out[0].Text = strings.TrimLeft(r.out[0].Text, "\n ")
		last := &r.out[len(r.out)-1]
		last.Text = strings.TrimRight(last.Text, "\n ")
	}
}

// closes reports whether marker appears in rest, so that an opening marker has its closer.
func closes(rest, marker string) bool { return strings.Contains(rest, marker) }

// emphasis reports whether the single * or _ at s[i] opens or closes emphasis. An opener
// must be followed by a non-space and have a closer later; an underscore inside a word
// (snake_case) is a letter, not markup.
func (r *richReader) emphasis(s string, i int) bool {
	c := s[i]
	prev, _ := utf8.DecodeLastRuneInString(s[:i])
	next, _ := utf8.DecodeRuneInString(s[i+1:])
	word := func(x rune) bool { return unicode.IsLetter(x) || unicode.IsDigit(x) }
	if r.em {
		return !(c == '_' && word(next)) && prev != ' '
	}
	if c == '_' && word(prev) {
		return false
	}
	if i+1 >= len(s) || next == ' ' {
		return false
	}
	return strings.IndexByte(s[i+1:], c) >= 0
}

// link reads [text](url) at the start of s and returns its length, or 0 if s does not
// start with one.
func (r *richReader) link(s string) int {
	end := strings.Index(s, "](")
	if end < 0 || strings.ContainsAny(s[1:end], "[\n") {
		return 0
	}
	close := strings.IndexByte(s[end+2:], ')')
	if close < 0 || strings.ContainsAny(s[end+2:end+2+close], " \n") {
		return 0
	}
	text, url := s[1:end], s[end+2:end+2+close]
	r.emitStyled(text, r.current()|StyleLink, url)
	return end + 2 + close + 1
}

// tag reads an HTML tag at the start of s, applies what it means, and returns its length,
// or 0 if s does not start with a tag ("x < 5" stays as written).
func (r *richReader) tag(s string) int {
	end := strings.IndexByte(s, '>')
	if end < 2 {
		return 0
	}
	body := s[1:end]
	closing := strings.HasPrefix(body, "/")
	body = strings.TrimPrefix(body, "/")
	name := body
	if k := strings.IndexAny(body, " \t\n/"); k >= 0 {
		name = body[:k]
	}
	name = strings.ToLower(name)
	if name == "" || !isTagName(name) {
		return 0
	}
	delta := 1
	if closing {
		delta = -1
	}
	switch name {
	case "b", "strong":
		r.flush()
		r.tagStr = max(0, r.tagStr+delta)
	case "i", "em":
		r.flush()
		r.tagEm = max(0, r.tagEm+delta)
	case "h1", "h2", "h3", "h4", "h5", "h6":
		if !closing {
			r.newline()
		}
		r.flush()
		r.tagHead = max(0, r.tagHead+delta)
		if closing {
			r.newline()
		}
	case "br":
		r.newline()
	case "p", "div", "li", "tr":
		if closing {
			r.newline()
		}
	}
	return end + 1
}

// htmlTags are the tags labels carry; anything else between < and > is text.
var htmlTags = map[string]bool{
	"b": true, "strong": true, "i": true, "em": true, "u": true, "span": true, "font": true, "br": true,
	"p": true, "div": true, "h1": true, "h2": true, "h3": true, "h4": true, "h5": true, "h6": true,
	"ul": true, "ol": true, "li": true, "small": true, "big": true, "sup": true, "sub": true, "center": true,
	"table": true, "tr": true, "td": true, "th": true, "a": true, "hr": true, "img": true,
}

func isTagName(name string) bool { return htmlTags[name] }
