package wire

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"math"
	"sync"

	"tracer/survey"
)

// Lists names the lists a request may carry and the most entries each may hold, by JSON
// path: object members are joined with ".", array elements add "[]", and the entries of an
// object named here (a map, such as a roster row's extra columns) add ".*". A list whose
// limit is Raw is kept as bytes, so nothing below it is limited but its depth. A list not
// named here may hold at most DefaultList entries, and an object not named here (a struct)
// at most DefaultList members.
type Lists map[string]int

// Raw marks a path in Lists whose value is kept as raw bytes (json.RawMessage).
const Raw = -1

// DefaultList is the most entries of an array or members of an object that a request's
// Lists does not name.
const DefaultList = 64

// MaxDepth is the most arrays and objects a request body may nest.
const MaxDepth = 64

// Lister is a request that names its lists; see Lists.
type Lister interface {
	Lists() Lists
}

// frame is one open array or object of the walk.
type frame struct {
	path   string
	obj    bool
	mapped bool   // an object of arbitrary keys named in Lists
	raw    bool   // below a Raw path
	key    bool   // an object expecting a member name next
	member string // the last member name read
	n      int
	limit  int
}

func (f *frame) child() string {
	switch {
	case !f.obj:
		return f.path + "[]"
	case f.mapped:
		return f.path + ".*"
	case f.path == "":
		return f.member
	}
	return f.path + "." + f.member
}

// maxKey is the most bytes of a member name the walk keeps to match paths; no request has
// a longer field name.
const maxKey = 64

// walk reads one JSON value byte by byte and fails as soon as a list holds more entries
// than lists allows or the value nests deeper than MaxDepth, before anything is built from
// it; nothing it reads is kept but the name of the last member of each open object. It
// returns nil at the end of the value, and also where the JSON is malformed: the decoder
// that follows reports that, having built nothing yet.
func walk(r *bufio.Reader, lists Lists) error {
	var stack []frame
	key := make([]byte, 0, maxKey)
	for {
		c, err := r.ReadByte()
		if err != nil {
			return err
		}
		var top *frame
		if len(stack) > 0 {
			top = &stack[len(stack)-1]
		}
		switch c {
		case ' ', '\t', '\n', '\r':
			continue
		case ',':
			if top != nil && top.obj {
				top.key = true
			}
			continue
		case ':':
			continue
		case '}', ']':
			if top == nil {
				return nil
			}
			stack = stack[:len(stack)-1]
			if len(stack) == 0 {
				return nil
			}
			continue
		}
		if top != nil && top.obj && top.key {
			if c != '"' {
				return nil
			}
			if top.n++; top.n > top.limit {
				return tooMany(top)
			}
			key = key[:0]
			if err := readString(r, func(b byte) {
				if len(key) < maxKey {
					key = append(key, b)
				}
			}); err != nil {
				return err
			}
			top.member, top.key = string(key), false
			continue
		}
		if top != nil && !top.obj {
			if top.n++; top.n > top.limit {
				return tooMany(top)
			}
		}
		switch c {
		case '"':
			if err := skipString(r); err != nil {
				return err
			}
		case '{', '[':
			if len(stack) >= MaxDepth {
				return survey.Errorf(survey.ETOOLARGE, "The request body nests deeper than %d levels.", MaxDepth)
			}
			f := frame{obj: c == '{', key: c == '{', limit: DefaultList}
			if top != nil {
				f.path, f.raw = top.child(), top.raw
			}
			limit, named := lists[f.path]
			switch {
			case f.raw || limit == Raw:
				f.raw, f.limit = true, math.MaxInt
			case named:
				f.limit, f.mapped = limit, f.obj
			}
			stack = append(stack, f)
			continue
		default: // a number or a literal: its bytes up to the next delimiter are skipped
			if c < '-' || c > 'z' {
				return nil
			}
			if err := skipScalar(r); err != nil {
				return err
			}
		}
		if top == nil {
			return nil
		}
	}
}

// skipScalar reads the rest of a number or literal, up to the delimiter after it.
func skipScalar(r *bufio.Reader) error {
	for {
		c, err := r.ReadByte()
		if err != nil {
			return err
		}
		switch c {
		case ',', ']', '}', ':', '"', '[', '{', ' ', '\t', '\n', '\r':
			return r.UnreadByte()
		}
	}
}

// readString reads the rest of a JSON string whose opening quote was read, handing each
// byte of it (escapes as written) to keep when that is not nil.
func readString(r io.ByteReader, keep func(byte)) error {
	escaped := false
	for {
		c, err := r.ReadByte()
		if err != nil {
			return err
		}
		switch {
		case escaped:
			escaped = false
		case c == '\\':
			escaped = true
		case c == '"':
			return nil
		}
		if keep != nil {
			keep(c)
		}
	}
}

// skipString reads the rest of a JSON string whose opening quote was read, as readString
// does with nothing to keep, a buffer at a time: a sealed record's few kilobytes of
// base64 are passed over with a search for the closing quote, not byte by byte.
func skipString(r *bufio.Reader) error {
	for {
		if r.Buffered() == 0 {
			if _, err := r.Peek(1); err != nil {
				return err
			}
		}
		b, _ := r.Peek(r.Buffered())
		end := bytes.IndexByte(b, '"')
		if end < 0 {
			end = len(b)
		}
		if esc := bytes.IndexByte(b[:end], '\\'); esc >= 0 {
			// An escape: the byte after the backslash, a quote maybe, is part of the string.
			if _, err := r.Discard(esc + 1); err != nil {
				return err
			}
			if _, err := r.ReadByte(); err != nil {
				return err
			}
			continue
		}
		if end == len(b) {
			if _, err := r.Discard(end); err != nil {
				return err
			}
			continue
		}
		_, err := r.Discard(end + 1)
		return err
	}
}

func tooMany(f *frame) error {
	what := "entries"
	if f.obj && !f.mapped {
		what = "fields"
	}
	name := f.path
	if name == "" {
		name = "body"
	}
	return survey.Errorf(survey.ETOOLARGE, "The request's %s may hold at most %d %s.", name, f.limit, what)
}

// Decode reads exactly one JSON value from r into v, refusing unknown fields and trailing
// data, then validates it. The value is first walked as a stream, so a list longer than
// v's Lists allow (see Lister) is refused at its first entry too many, before any of it is
// built; only then is it decoded from the bytes read. Every failure is an EINVALID
// *survey.Error, except a body or list over a limit, which is ETOOLARGE. r must be bounded
// by the caller (the server's body limits).
func Decode(r io.Reader, v Validator) error { return DecodeSized(r, -1, v) }

// maxPresize bounds the buffer DecodeSized makes ahead for a body of announced size: a
// client announcing more than it sends makes the server hold no more than this for it.
const maxPresize = 1 << 20

// walkReaders are the read buffers of the walks, kept between requests.
var walkReaders = sync.Pool{New: func() any { return bufio.NewReaderSize(nil, 4<<10) }}

// DecodeSized is Decode for a body that announced its size (an HTTP Content-Length; -1 if
// unknown): the bytes read are kept in a buffer of that size (at most maxPresize) made
// once, instead of one that grows as it fills. The size is only a hint: a body of
// another size decodes the same.
func DecodeSized(r io.Reader, size int64, v Validator) error {
	var lists Lists
	if l, ok := v.(Lister); ok {
		lists = l.Lists()
	}
	var buf bytes.Buffer
	if size > 0 {
		buf.Grow(int(min(size, maxPresize)))
	}
	tee := walkReaders.Get().(*bufio.Reader)
	tee.Reset(io.TeeReader(r, &buf))
	defer func() {
		tee.Reset(nil)
		walkReaders.Put(tee)
	}()
	if err := walk(tee, lists); err != nil && !errors.Is(err, io.EOF) {
		return decodeError(err)
	}
	// The rest (nothing, in a well-formed body) is read too, so that trailing data is seen.
	if _, err := io.Copy(io.Discard, tee); err != nil {
		return decodeError(err)
	}
	if r, ok := v.(*PushRequest); ok && decodePush(buf.Bytes(), r) {
		return v.Validate()
	}
	dec := json.NewDecoder(bytes.NewReader(buf.Bytes()))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return decodeError(err)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return survey.Errorf(survey.EINVALID, "The request body has data after its JSON value.")
	}
	return v.Validate()
}
