package forms

import (
	"encoding/json"
	"fmt"
	"sort"
	"strconv"
	"strings"
)

// FillError is one answer the form refused during Fill, or a required answer missing.
type FillError struct {
	Name    string `json:"name"`
	Message string `json:"message"`
}

// Fill walks the form in order and gives each relevant question its answer from answers, the
// way an enumerator would: answers maps question names (or group paths, where a name repeats)
// to values, and a repeat's name to a list of such objects, one per instance. It returns the
// problems found: refused answers, answers for questions the form does not have, and required
// answers still missing at the end. No problems means the record is complete.
func (s *Session) Fill(answers map[string]any) []FillError {
	var errs []FillError
	used := map[string]bool{}
	s.fillItem(s.root, answers, used, &errs)
	var unused []string
	for k := range answers {
		if !used[k] && s.findNode(k) == nil {
			unused = append(unused, k)
		}
	}
	sort.Strings(unused)
	for _, k := range unused {
		msg := s.texts().NoQuestion
		if paths := s.pathsNamed(k); len(paths) > 1 {
			msg = fmt.Sprintf(s.texts().SameName, strings.Join(paths, ", "))
		}
		errs = append(errs, FillError{Name: k, Message: msg})
	}
	for _, p := range s.Problems() {
		if !hasError(errs, p.Name) {
			errs = append(errs, FillError{Name: p.Name, Message: p.Message})
		}
	}
	return errs
}

func hasError(errs []FillError, name string) bool {
	for _, e := range errs {
		if e.Name == name {
			return true
		}
	}
	return false
}

// pathsNamed returns the paths of the questions and groups named name.
func (s *Session) pathsNamed(name string) []string {
	var out []string
	for _, n := range s.form.Nodes {
		if n.Name == name {
			out = append(out, n.Path())
		}
	}
	return out
}

func (s *Session) findNode(key string) *Node {
	if n := s.form.byName[key]; n != nil {
		return n
	}
	if strings.IndexByte(key, '[') >= 0 {
		return nil // answers are keyed by name or group path, never by an instance's
	}
	return s.form.NodeAt(key)
}

func (s *Session) fillItem(parent *item, answers map[string]any, used map[string]bool, errs *[]FillError) {
	for _, it := range parent.children {
		n := it.node
		key := s.key(n)
		raw, ok := answers[key]
		if !ok && key != n.Name {
			raw, ok = answers[n.Path()]
		}
		switch {
		case it.holder:
			if !it.relevant() && !it.parent.relevant() {
				continue
			}
			used[key] = true
			list, _ := raw.([]any)
			if ok && list == nil {
				*errs = append(*errs, FillError{Name: key, Message: s.texts().RepeatList})
				continue
			}
			if n.RepeatCount == nil {
				for len(it.children) < len(list) {
					s.propagate(s.appendInstance(it))
				}
			}
			for i, inst := range it.children {
				if i >= len(list) {
					break
				}
				obj, isObj := list[i].(map[string]any)
				if !isObj {
					*errs = append(*errs, FillError{Name: fmt.Sprintf("%s[%d]", key, i+1), Message: s.texts().InstanceObject})
					continue
				}
				s.fillItem(inst, obj, map[string]bool{}, errs)
			}
		case n.Kind == KindGroup:
			s.fillItem(it, answers, used, errs)
		case ok:
			used[key] = true
			if !it.relevant() || n.Kind != KindQuestion && n.Kind != KindHidden || n.Unsupported {
				continue
			}
			v, err := answerString(raw)
			if err != nil {
				*errs = append(*errs, FillError{Name: key, Message: s.texts().AnswerType})
				continue
			}
			p, err := s.Set(it.path, v)
			if err != nil {
				*errs = append(*errs, FillError{Name: key, Message: err.Error()})
			} else if p != nil {
				*errs = append(*errs, FillError{Name: key, Message: p.Message})
			}
		}
	}
}

// answerString accepts the JSON value of an answer: a string, or a number or boolean written
// as one.
func answerString(v any) (string, error) {
	switch x := v.(type) {
	case string:
		return x, nil
	case json.Number:
		return x.String(), nil
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64), nil
	case bool:
		if x {
			return "true", nil
		}
		return "false", nil
	case nil:
		return "", nil
	case []any:
		// A list of strings for a select_multiple.
		out := ""
		for i, e := range x {
			s, ok := e.(string)
			if !ok {
				return "", fmt.Errorf("answer must be a string, not a list of %T", e)
			}
			if i > 0 {
				out += " "
			}
			out += s
		}
		return out, nil
	}
	return "", fmt.Errorf("answer must be a string, not %T", v)
}
