package client

import (
	"fmt"
	"reflect"
	"strings"
	"sync"
)

// missing returns where a decoded answer lacks what the code reading it relies on and a
// tracer server always sends, "" when nothing is missing: a null entry of a list or a map
// of objects, a null object in a field that is not omitempty, a null embedded object. A
// malformed or hostile answer is so refused before anything reads it. The place is named
// from path, the answer's name; it is spelled out only when something is missing. Only the
// parts of a type that can hold a pointer are walked (a plan made once per type), so a
// page of a thousand roster rows costs little more than its decoding.
func missing(v reflect.Value, path string) string {
	steps, ok := absent(v)
	if !ok {
		return ""
	}
	var b strings.Builder
	b.WriteString(path)
	for i := len(steps) - 1; i >= 0; i-- {
		b.WriteString(steps[i])
	}
	return b.String()
}

// absent reports whether something is missing in v, with the steps to it from v, the last
// step first.
func absent(v reflect.Value) ([]string, bool) {
	p := planOf(v.Type())
	if p.none {
		return nil, false
	}
	switch v.Kind() {
	case reflect.Pointer:
		if v.IsNil() {
			return nil, false
		}
		return absent(v.Elem())
	case reflect.Slice, reflect.Array:
		for i := range v.Len() {
			e := v.Index(i)
			if e.Kind() == reflect.Pointer && e.IsNil() {
				return []string{fmt.Sprintf("[%d]", i)}, true
			}
			if steps, ok := absent(e); ok {
				return append(steps, fmt.Sprintf("[%d]", i)), true
			}
		}
	case reflect.Map:
		for it := v.MapRange(); it.Next(); {
			e := it.Value()
			if e.Kind() == reflect.Pointer && e.IsNil() {
				return []string{fmt.Sprintf("[%v]", it.Key())}, true
			}
			if steps, ok := absent(e); ok {
				return append(steps, fmt.Sprintf("[%v]", it.Key())), true
			}
		}
	case reflect.Struct:
		for _, f := range p.fields {
			fv := v.Field(f.index)
			if fv.Kind() == reflect.Pointer && fv.IsNil() {
				if f.required {
					return []string{f.step}, true
				}
				continue
			}
			if steps, ok := absent(fv); ok {
				return append(steps, f.step), true
			}
		}
	}
	return nil, false
}

// plan is what absent looks at in a value of one type.
type plan struct {
	none   bool        // nothing in the type can be missing: no pointer, slice or map in it
	fields []fieldPlan // of a struct: the exported fields that can hold one
}

type fieldPlan struct {
	index    int
	step     string // ".name", "" for an embedded struct
	required bool   // a nil pointer here is missing: an embedded struct, or a struct not omitempty
}

var plans sync.Map // reflect.Type -> *plan

// planOf returns the plan of t, made once.
func planOf(t reflect.Type) *plan {
	if p, ok := plans.Load(t); ok {
		return p.(*plan)
	}
	p := makePlan(t, map[reflect.Type]bool{})
	plans.Store(t, p)
	return p
}

// makePlan makes the plan of t; seen holds the types being planned, so that a type that
// refers to itself is taken as one that can hold a pointer.
func makePlan(t reflect.Type, seen map[reflect.Type]bool) *plan {
	if seen[t] {
		return &plan{}
	}
	seen[t] = true
	defer delete(seen, t)
	switch t.Kind() {
	case reflect.Pointer:
		// A nil pointer is checked where it is held; what it points to, here.
		return &plan{none: makePlan(t.Elem(), seen).none}
	case reflect.Slice, reflect.Array, reflect.Map:
		if t.Elem().Kind() == reflect.Uint8 && t.Kind() != reflect.Map {
			return &plan{none: true}
		}
		if t.Elem().Kind() == reflect.Pointer {
			return &plan{} // an entry may be null
		}
		return &plan{none: makePlan(t.Elem(), seen).none}
	case reflect.Struct:
		p := &plan{}
		for i := range t.NumField() {
			f := t.Field(i)
			if !f.IsExported() {
				continue
			}
			name, opts, _ := strings.Cut(f.Tag.Get("json"), ",")
			if name == "-" {
				continue
			}
			fp := fieldPlan{index: i}
			if !f.Anonymous {
				if name == "" {
					name = f.Name
				}
				fp.step = "." + name
			}
			if f.Type.Kind() == reflect.Pointer {
				fp.required = f.Anonymous || f.Type.Elem().Kind() == reflect.Struct && !strings.Contains(","+opts+",", ",omitempty,")
				p.fields = append(p.fields, fp)
				continue
			}
			if !makePlan(f.Type, seen).none {
				p.fields = append(p.fields, fp)
			}
		}
		p.none = len(p.fields) == 0
		return p
	}
	return &plan{none: true}
}
