package wire

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"math"

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

// walk reads one JSON value token by token and fails as soon as a list holds more entries
// than lists allows or the value nests deeper than MaxDepth, before anything is built from
// it. It returns nil at the end of the value.
func walk(dec *json.Decoder, lists Lists) error {
	var stack []frame
	for {
		tok, err := dec.Token()
		if err != nil {
			return err
		}
		var top *frame
		if len(stack) > 0 {
			top = &stack[len(stack)-1]
		}
		d, isDelim := tok.(json.Delim)
		if isDelim && (d == '}' || d == ']') {
			stack = stack[:len(stack)-1]
			if len(stack) == 0 {
				return nil
			}
			if p := &stack[len(stack)-1]; p.obj {
				p.key = true
			}
			continue
		}
		if top != nil && top.obj && top.key {
			if top.n++; top.n > top.limit {
				return tooMany(top)
			}
			top.member, _ = tok.(string)
			top.key = false
			continue
		}
		if top != nil && !top.obj {
			if top.n++; top.n > top.limit {
				return tooMany(top)
			}
		}
		if !isDelim { // a scalar
			if top == nil {
				return nil
			}
			if top.obj {
				top.key = true
			}
			continue
		}
		if len(stack) >= MaxDepth {
			return survey.Errorf(survey.ETOOLARGE, "The request body nests deeper than %d levels.", MaxDepth)
		}
		f := frame{obj: d == '{', key: d == '{', limit: DefaultList}
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
func Decode(r io.Reader, v Validator) error {
	var lists Lists
	if l, ok := v.(Lister); ok {
		lists = l.Lists()
	}
	var buf bytes.Buffer
	dec := json.NewDecoder(io.TeeReader(r, &buf))
	dec.UseNumber()
	if err := walk(dec, lists); err != nil {
		return decodeError(err)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		if tooLarge(err) {
			return decodeError(err)
		}
		return survey.Errorf(survey.EINVALID, "The request body has data after its JSON value.")
	}
	vd := json.NewDecoder(&buf)
	vd.DisallowUnknownFields()
	if err := vd.Decode(v); err != nil {
		return decodeError(err)
	}
	return v.Validate()
}
