package forms

// walk calls fn for every stop in interview order until fn returns false.
func (s *Session) walk(fn func(Stop) bool) {
	s.walkItem(s.root, func(st Stop, _ *item) bool { return fn(st) })
}

// walkItem calls fn for every stop below parent, with the stop's item, in interview order
// until fn returns false.
func (s *Session) walkItem(parent *item, fn func(Stop, *item) bool) bool {
	for _, it := range parent.children {
		if !it.selfRel {
			continue
		}
		n := it.node
		switch {
		case it.holder:
			for _, inst := range it.children {
				if inst.selfRel && !s.walkItem(inst, fn) {
					return false
				}
			}
			// The question whether to add another is asked only while the repeat is
			// relevant, as Collect asks it only when the repeat's template is: a repeat
			// whose relevance fails is passed over whole.
			if n.RepeatCount == nil && (n.Relevant == nil || s.evalBool(n.Relevant, it)) &&
				!fn(Stop{Path: it.path, Node: n, Prompt: true}, it) {
				return false
			}
		case n.Kind == KindGroup:
			if !s.walkItem(it, fn) {
				return false
			}
		case n.Answerable():
			if !fn(Stop{Path: it.path, Node: n}, it) {
				return false
			}
		}
	}
	return true
}

// EveryQuestion calls fn for every question and note of the interview as it stands, in
// order, relevant or not, with whether it is relevant now (it and every group and repeat
// instance around it). A reader of a record whose answers it cannot all see (personal data
// masked) can list what the record holds where the relevance computed from the masks says
// otherwise.
func (s *Session) EveryQuestion(fn func(st Stop, relevant bool)) {
	var walk func(parent *item, rel bool)
	walk = func(parent *item, rel bool) {
		for _, it := range parent.children {
			r := rel && it.selfRel
			switch n := it.node; {
			case it.holder:
				for _, inst := range it.children {
					walk(inst, r && inst.selfRel)
				}
			case n.Kind == KindGroup:
				walk(it, r)
			case n.Answerable():
				fn(Stop{Path: it.path, Node: n}, r)
			}
		}
	}
	walk(s.root, true)
}

// Stops returns every stop of the interview as it stands, in order: relevant questions and
// notes, and each repeat's add-another prompt.
func (s *Session) Stops() []Stop {
	var out []Stop
	s.walk(func(st Stop) bool { out = append(out, st); return true })
	return out
}

// First returns the first stop; false when the form has nothing to ask.
func (s *Session) First() (Stop, bool) {
	var first Stop
	found := false
	s.walk(func(st Stop) bool { first, found = st, true; return false })
	return first, found
}

// Next returns the stop after the one at path; false at the end of the interview. A path that
// is no longer a stop (its question became irrelevant) continues from where it stood.
func (s *Session) Next(path string) (Stop, bool) {
	var next Stop
	found, passed := false, false
	target := s.lookup(path)
	s.walk(func(st Stop) bool {
		if passed {
			next, found = st, true
			return false
		}
		if st.Path == path {
			passed = true
		} else if target != nil && s.after(s.lookup(st.Path), target) {
			next, found = st, true
			return false
		}
		return true
	})
	return next, found
}

// Prev returns the stop before the one at path; false at the start.
func (s *Session) Prev(path string) (Stop, bool) {
	var prev Stop
	found := false
	target := s.lookup(path)
	s.walk(func(st Stop) bool {
		if st.Path == path || (target != nil && s.after(s.lookup(st.Path), target)) {
			return false
		}
		prev, found = st, true
		return true
	})
	return prev, found
}

// after reports whether item a comes after item b in interview order. A repeat's holder
// stands for its add-another prompt, the only stop at its path.
func (s *Session) after(a, b *item) bool {
	if a == nil || b == nil {
		return false
	}
	ka, kb := s.orderKey(a), s.orderKey(b)
	for i := 0; i < len(ka) && i < len(kb); i++ {
		if ka[i] != kb[i] {
			return ka[i] > kb[i]
		}
	}
	return len(ka) > len(kb)
}

// orderKey is the position of an item in the tree: child indexes from the root. A repeat's
// holder (its prompt) sorts after all its instances.
func (s *Session) orderKey(it *item) []int {
	var key []int
	if it.holder {
		key = append(key, 1<<30)
	}
	for p := it; p.parent != nil; p = p.parent {
		for i, c := range p.parent.children {
			if c == p {
				key = append(key, i)
				break
			}
		}
	}
	for i, j := 0, len(key)-1; i < j; i, j = i+1, j-1 {
		key[i], key[j] = key[j], key[i]
	}
	return key
}

// Index returns the 0-based position of the stop at path among all stops, and their number.
func (s *Session) Index(path string) (int, int) {
	idx, n := -1, 0
	s.walk(func(st Stop) bool {
		if st.Path == path {
			idx = n
		}
		n++
		return true
	})
	return idx, n
}

// Problems returns the problems of every relevant question, in interview order.
func (s *Session) Problems() []*Problem {
	var out []*Problem
	s.walkItem(s.root, func(st Stop, it *item) bool {
		if !st.Prompt {
			if p := s.check(it); p != nil {
				out = append(out, p)
			}
		}
		return true
	})
	return out
}
