package survey

import (
	"strings"

	"tracer/forms"
)

// The events a migration writes.
const (
	// EventMigrate: a draft moved from form version Old to version New.
	EventMigrate EventKind = "migrate"
	// EventDrop: an answer (Old) that did not fit the version the draft moved to, removed
	// for the reason in New.
	EventDrop EventKind = "drop"
)

// Misfit is an answer, or the part of one, that does not fit the form version a draft
// moves to: its path, the value left behind and why.
type Misfit struct {
	Path   string `json:"path"`
	Value  string `json:"value"`
	Reason string `json:"reason"`
}

// Migration is what moving a draft to another version of its form did.
type Migration struct {
	Interview   *Interview `json:"interview"`
	FromVersion string     `json:"from_version"`
	// Kept counts the answers carried over; Dropped lists what did not fit, also kept as
	// "drop" events in the interview's history.
	Kept    int      `json:"kept"`
	Dropped []Misfit `json:"dropped"`
}

// FitAnswers splits a draft's answers made with form from into those that carry over to
// form to and those that do not. An answer carries over by question name when the
// question keeps its kind and type (a name to gives two questions, by path); one that
// moved between groups takes its new path (inside a repeat only when the repeat is the
// same). A select keeps the choices to's list
// still has; a choice no longer listed is a misfit, as are a removed question and a
// question whose type changed.
func FitAnswers(from, to *forms.Form, answers []Answer) (keep []Answer, misfits []Misfit) {
	for _, a := range answers {
		bare := forms.Unnumbered(a.Path)
		name := bare[strings.LastIndex(bare, "/")+1:]
		fn, tn := from.NodeAt(bare), to.Node(name)
		if tn == nil {
			tn = to.NodeAt(bare) // a name two groups use: the question at the same path
		}
		switch {
		case fn == nil:
			misfits = append(misfits, Misfit{a.Path, a.Value, "not a question of version " + from.Version})
			continue
		case tn == nil:
			misfits = append(misfits, Misfit{a.Path, a.Value, "question removed in version " + to.Version})
			continue
		case fn.Kind != tn.Kind || fn.Type != tn.Type:
			misfits = append(misfits, Misfit{a.Path, a.Value, "type changed from " + fn.Type + " to " + tn.Type})
			continue
		}
		path := a.Path
		if tp := tn.Path(); tp != bare {
			if strings.Contains(a.Path, "[") || tn.Repeat != nil {
				misfits = append(misfits, Misfit{a.Path, a.Value, "moved into or out of a repeat (now " + tp + ")"})
				continue
			}
			path = tp
		}
		if tn.ListName != "" && !tn.External && a.Value != "" {
			values := []string{a.Value} // a select_one's choice name may hold spaces
			if tn.Type == "select_multiple" || tn.Type == "rank" {
				values = strings.Fields(a.Value)
			}
			var ok, gone []string
			for _, v := range values {
				if to.ChoiceOf(tn, v) != nil {
					ok = append(ok, v)
				} else {
					gone = append(gone, v)
				}
			}
			if len(gone) > 0 {
				misfits = append(misfits, Misfit{a.Path, strings.Join(gone, " "), "choice no longer in the list " + tn.ListName})
			}
			if len(ok) == 0 {
				continue
			}
			a.Value = strings.Join(ok, " ")
		}
		keep = append(keep, Answer{Path: path, Value: a.Value})
	}
	return keep, misfits
}
