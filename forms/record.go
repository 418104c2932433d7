package forms

import (
	"bytes"
	"encoding/json"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"
)

// Answer is one stored value of an interview, keyed by its path in the instance
// ("consent", "household[2]/age"). A repeat instance with no answers yet is kept as its path
// ("household[2]") with an empty value.
type Answer struct {
	Path  string
	Value string
}

// Answers returns what must be stored to resume the interview: every non-empty value that is
// not recomputed from others, and every repeat instance, in document order.
func (s *Session) Answers() []Answer {
	var out []Answer
	var walk func(it *item)
	walk = func(it *item) {
		for _, c := range it.children {
			switch {
			case c.holder:
				for _, inst := range c.children {
					out = append(out, Answer{Path: inst.path})
					walk(inst)
				}
			case c.node.Kind == KindGroup:
				walk(c)
			case c.value != "" && !(c.node.Kind == KindCalculate || (c.node.Calculation != nil && !c.node.editable())):
				out = append(out, Answer{Path: c.path, Value: c.value})
			}
		}
	}
	walk(s.root)
	return out
}

var instanceIndex = regexp.MustCompile(`\[(\d+)\]`)

// Restore puts stored answers back: repeat instances are recreated as their paths name them,
// values are set without validation (they were valid when saved), and everything is recomputed.
// Paths the form no longer has are returned.
func (s *Session) Restore(answers []Answer) (unknown []string) {
	sorted := answers
	if slices.ContainsFunc(answers, func(a Answer) bool { return strings.IndexByte(a.Path, '[') >= 0 }) {
		sorted = append([]Answer(nil), answers...)
		sort.SliceStable(sorted, func(i, j int) bool { return instanceDepth(sorted[i].Path) < instanceDepth(sorted[j].Path) })
	}
	for _, a := range sorted {
		if !s.ensureInstances(a.Path) {
			unknown = append(unknown, a.Path)
			continue
		}
		it := s.lookup(a.Path)
		if it == nil {
			unknown = append(unknown, a.Path)
			continue
		}
		if it.inst == 0 && !it.holder && it.node.Kind != KindGroup {
			it.value = a.Value
			if it.node.Type == "start" && s.zoneFromStart {
				s.adoptZone(a.Value)
			}
		}
	}
	s.recomputeAll()
	return unknown
}

// RestoreSession starts a session of f from stored answers: what NewSession followed by
// Restore gives (the same problems, record and, for answers a session saved, the same
// answers), with the form computed once instead of twice; the first computation, on the
// defaults alone, is redone in full once the answers are back. One difference: answers that
// leave out instances of a counted repeat inside a group that is not relevant get no such
// instances here, where NewSession would have counted them from the defaults. A server that
// checks every pushed interview starts its sessions this way. Paths the form does not have
// are returned.
func RestoreSession(f *Form, opt Options, answers []Answer) (s *Session, unknown []string) {
	s = newSession(f, opt)
	return s, s.Restore(answers)
}

// CheckAnswers checks stored answers as a server checks a pushed interview: it returns
// what RestoreSession followed by Problems gives, the problems of the restored interview
// and the paths the form does not have. The session it restores into is not handed out,
// so its memory is kept by the form and reused by the next check of that form: checking
// allocates a fraction of what RestoreSession does. It is safe for concurrent use.
func CheckAnswers(f *Form, opt Options, answers []Answer) (problems []*Problem, unknown []string) {
	mem, _ := f.memory.Get().(*sessionMemory)
	s := newSessionIn(f, opt, mem)
	unknown = s.Restore(answers)
	problems = s.Problems()
	f.memory.Put(s.release())
	return problems, unknown
}

// adoptZone makes the offset of a stored start time the session's time zone, so that
// today(), now() and typed times read the enumerator's calendar and clock.
func (s *Session) adoptZone(start string) {
	t, err := time.Parse("2006-01-02T15:04:05.000-07:00", start)
	if err != nil {
		return
	}
	s.opt.Location = t.Location()
	s.start = t
}

func instanceDepth(p string) int { return strings.Count(p, "[") }

// ensureInstances creates the repeat instances a path names, in order.
func (s *Session) ensureInstances(path string) bool {
	if strings.IndexByte(path, '[') < 0 {
		return true
	}
	locs := instanceIndex.FindAllStringSubmatchIndex(path, -1)
	for _, loc := range locs {
		holderPath := path[:loc[0]]
		want, _ := strconv.Atoi(path[loc[2]:loc[3]])
		h := s.lookup(holderPath)
		if h == nil || !h.holder || want < 1 || want > maxInstances {
			return false
		}
		for len(h.children) < want {
			s.appendInstance(h)
		}
	}
	return true
}

// Record returns the finished interview as ODK would submit it: every relevant question and
// calculation with a non-empty value, keyed by name (by group path where a name repeats),
// repeats as lists of objects, in form order. Answers of questions that became irrelevant are
// left out. The end metadata is stamped now.
func (s *Session) Record() *Record {
	now := s.now()
	for _, n := range s.form.Nodes {
		if n.Type == "end" {
			for _, it := range s.items[n.Index] {
				it.value = formatDateTime(now)
			}
		}
	}
	return s.record(s.root)
}

func (s *Session) record(parent *item) *Record {
	r := &Record{}
	var walk func(it *item)
	walk = func(it *item) {
		for _, c := range it.children {
			if !c.selfRel {
				continue
			}
			switch {
			case c.holder:
				var list []*Record
				for _, inst := range c.children {
					if inst.selfRel {
						list = append(list, s.record(inst))
					}
				}
				if len(list) > 0 {
					r.Fields = append(r.Fields, Field{Name: s.key(c.node), Repeat: list})
				}
			case c.node.Kind == KindGroup:
				walk(c)
			case c.value != "" && !c.node.Unsupported:
				r.Fields = append(r.Fields, Field{Name: s.key(c.node), Value: c.value})
			}
		}
	}
	walk(parent)
	return r
}

// key names a node in a record: its name, or its group path where the name is used twice.
func (s *Session) key(n *Node) string {
	if s.form.byName[n.Name] == n {
		return n.Name
	}
	var parts []string
	for p := n; p != nil && p.Parent != nil && p != n.Repeat; p = p.Parent {
		parts = append([]string{p.Name}, parts...)
	}
	return strings.Join(parts, "/")
}

// Record is a finished interview: fields in form order.
type Record struct {
	Fields []Field
}

// Field is one entry of a Record: a value, or a repeat's instances.
type Field struct {
	Name   string
	Value  string
	Repeat []*Record
}

// Get returns the value of the field named name, and whether there is one.
func (r *Record) Get(name string) (string, bool) {
	for _, f := range r.Fields {
		if f.Name == name && f.Repeat == nil {
			return f.Value, true
		}
	}
	return "", false
}

// MarshalJSON writes the record as one JSON object with keys in form order.
func (r *Record) MarshalJSON() ([]byte, error) {
	var b bytes.Buffer
	b.WriteByte('{')
	for i, f := range r.Fields {
		if i > 0 {
			b.WriteByte(',')
		}
		k, _ := json.Marshal(f.Name)
		b.Write(k)
		b.WriteByte(':')
		if f.Repeat != nil {
			b.WriteByte('[')
			for j, inst := range f.Repeat {
				if j > 0 {
					b.WriteByte(',')
				}
				sub, err := inst.MarshalJSON()
				if err != nil {
					return nil, err
				}
				b.Write(sub)
			}
			b.WriteByte(']')
			continue
		}
		v, err := json.Marshal(f.Value)
		if err != nil {
			return nil, err
		}
		b.Write(v)
	}
	b.WriteByte('}')
	return b.Bytes(), nil
}

// Final returns the finished interview as answers to freeze: every relevant non-empty value,
// calculations included, and every relevant repeat instance, in document order. Answers of
// questions that became irrelevant are left out, as ODK leaves them out of a submission. The
// end metadata is stamped now.
func (s *Session) Final() []Answer {
	s.Record() // stamps end
	var out []Answer
	var walk func(it *item)
	walk = func(it *item) {
		for _, c := range it.children {
			if !c.selfRel {
				continue
			}
			switch {
			case c.holder:
				for _, inst := range c.children {
					if inst.selfRel {
						out = append(out, Answer{Path: inst.path})
						walk(inst)
					}
				}
			case c.node.Kind == KindGroup:
				walk(c)
			case c.value != "" && !c.node.Unsupported:
				out = append(out, Answer{Path: c.path, Value: c.value})
			}
		}
	}
	walk(s.root)
	return out
}
