package client

import (
	"fmt"
	"reflect"
	"strings"
)

// missing returns where a decoded answer lacks what the code reading it relies on and a
// tracer server always sends, "" when nothing is missing: a null entry of a list or a map
// of objects, a null object in a field that is not omitempty, a null embedded object. A
// malformed or hostile answer is so refused before anything reads it.
func missing(v reflect.Value, path string) string {
	switch v.Kind() {
	case reflect.Pointer:
		if v.IsNil() {
			return ""
		}
		return missing(v.Elem(), path)
	case reflect.Slice, reflect.Array:
		if v.Type().Elem().Kind() == reflect.Uint8 {
			return ""
		}
		for i := range v.Len() {
			e := v.Index(i)
			if e.Kind() == reflect.Pointer && e.IsNil() {
				return fmt.Sprintf("%s[%d]", path, i)
			}
			if p := missing(e, fmt.Sprintf("%s[%d]", path, i)); p != "" {
				return p
			}
		}
	case reflect.Map:
		for it := v.MapRange(); it.Next(); {
			e := it.Value()
			at := fmt.Sprintf("%s[%v]", path, it.Key())
			if e.Kind() == reflect.Pointer && e.IsNil() {
				return at
			}
			if p := missing(e, at); p != "" {
				return p
			}
		}
	case reflect.Struct:
		t := v.Type()
		for i := range t.NumField() {
			f := t.Field(i)
			if !f.IsExported() {
				continue
			}
			name, opts, _ := strings.Cut(f.Tag.Get("json"), ",")
			if name == "-" {
				continue
			}
			if name == "" {
				name = f.Name
			}
			at := path + "." + name
			if f.Anonymous {
				at = path
			}
			fv := v.Field(i)
			if fv.Kind() == reflect.Pointer && fv.IsNil() {
				if f.Anonymous || fv.Type().Elem().Kind() == reflect.Struct && !strings.Contains(","+opts+",", ",omitempty,") {
					return at
				}
				continue
			}
			if p := missing(fv, at); p != "" {
				return p
			}
		}
	}
	return ""
}
