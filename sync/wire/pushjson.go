package wire

import (
	"encoding/base64"
	"time"

	"tracer/survey"
)

// decodePush reads b into r, which must be the zero PushRequest, without reflection when b
// is a push in the shape laptops send: each key once and spelled exactly, items of id,
// revision, hash and sealed, strings without escapes or bytes outside printable ASCII, a
// whole-number revision, spaces anywhere between tokens. It reports false for anything else
// (a body, a key in another case, a duplicate key, a null, an escape...), which
// encoding/json then reads with its own rules, so that both give the same request for any
// input this one reads.
func decodePush(b []byte, r *PushRequest) bool {
	if !r.DeviceTime.IsZero() || r.Items != nil {
		return false
	}
	d := pushDecoder{JSONScanner: survey.JSONScanner{Buf: b}}
	var v PushRequest
	var seen [2]bool
	ok := d.object(func(key []byte) bool {
		switch string(key) {
		case "device_time":
			return !seen[0] && d.time(&v.DeviceTime) && d.mark(&seen[0])
		case "items":
			return !seen[1] && d.items(&v.Items) && d.mark(&seen[1])
		}
		return false
	})
	d.Space()
	if !ok || d.Pos != len(d.Buf) {
		return false
	}
	*r = v
	return true
}

// pushDecoder is the state of decodePush.
type pushDecoder struct {
	survey.JSONScanner
}

func (d *pushDecoder) mark(b *bool) bool { *b = true; return true }

// object reads an object, calling field after each key and its colon; field reads the
// value.
func (d *pushDecoder) object(field func(key []byte) bool) bool {
	if !d.Next('{') {
		return false
	}
	if d.Next('}') {
		return true
	}
	for {
		key, ok := d.raw()
		if !ok || !d.Next(':') || !field(key) {
			return false
		}
		if d.Next('}') {
			return true
		}
		if !d.Next(',') {
			return false
		}
	}
}

// raw reads a string of printable ASCII without escapes and returns its bytes, which stay
// those of d.Buf.
func (d *pushDecoder) raw() ([]byte, bool) {
	if !d.Next('"') {
		return nil, false
	}
	start := d.Pos
	for d.Pos < len(d.Buf) {
		c := d.Buf[d.Pos]
		switch {
		case c == '"':
			d.Pos++
			return d.Buf[start : d.Pos-1], true
		case c == '\\' || c < 0x20 || c >= 0x7f:
			return nil, false
		}
		d.Pos++
	}
	return nil, false
}

func (d *pushDecoder) str(out *string) bool {
	b, ok := d.raw()
	*out = string(b)
	return ok
}

// time reads a time as encoding/json does, with time.Time's UnmarshalJSON.
func (d *pushDecoder) time(t *time.Time) bool {
	d.Space()
	start := d.Pos
	if _, ok := d.raw(); !ok {
		return false
	}
	return t.UnmarshalJSON(d.Buf[start:d.Pos]) == nil
}

// bytes reads base64 (standard, padded) as encoding/json reads a []byte.
func (d *pushDecoder) bytes(out *[]byte) bool {
	s, ok := d.raw()
	if !ok {
		return false
	}
	b := make([]byte, base64.StdEncoding.DecodedLen(len(s)))
	n, err := base64.StdEncoding.Decode(b, s)
	*out = b[:n]
	return err == nil
}

// items reads the list of items.
func (d *pushDecoder) items(out *[]PushItem) bool {
	if !d.Next('[') {
		return false
	}
	items := []PushItem{}
	if d.Next(']') {
		*out = items
		return true
	}
	for {
		var it PushItem
		var seen [4]bool
		if !d.object(func(key []byte) bool {
			switch string(key) {
			case "id":
				return !seen[0] && d.str(&it.ID) && d.mark(&seen[0])
			case "revision":
				return !seen[1] && d.Integer(&it.Revision) && d.mark(&seen[1])
			case "hash":
				return !seen[2] && d.str(&it.Hash) && d.mark(&seen[2])
			case "sealed":
				return !seen[3] && d.bytes(&it.Sealed) && d.mark(&seen[3])
			}
			return false
		}) {
			return false
		}
		items = append(items, it)
		if d.Next(']') {
			*out = items
			return true
		}
		if !d.Next(',') {
			return false
		}
	}
}
