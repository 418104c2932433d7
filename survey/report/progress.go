package report

import (
	"cmp"
	"fmt"
	"io"
	"iter"
	"slices"
	"strings"
	"text/tabwriter"
	"time"

	"tracer/forms/builtin"
	"tracer/survey"
)

// EnumeratorProgress counts one enumerator's work, today and in all: attempts, attempts
// that reached the alumnus (contacts: an outcome of class I, P, R or O, or a call-back
// request), alumni completed (a complete interview or outcome 1.1) and alumni who refused.
type EnumeratorProgress struct {
	Enumerator    string `json:"enumerator"`
	Assigned      int    `json:"assigned"`
	Attempts      int    `json:"attempts"`
	AttemptsToday int    `json:"attempts_today"`
	Contacts      int    `json:"contacts"`
	ContactsToday int    `json:"contacts_today"`
	Completes     int    `json:"completes"`
	CompleteToday int    `json:"completes_today"`
	Refusals      int    `json:"refusals"`
	RefusalsToday int    `json:"refusals_today"`
}

// Pending is an alumnus waiting for work: never tried, or a call-back that is due.
type Pending struct {
	RosterID   string    `json:"roster_id"`
	Enumerator string    `json:"enumerator,omitempty"`
	Callback   time.Time `json:"callback,omitzero"`
}

// Progress is the supervisor's view of the tracing.
type Progress struct {
	Day string `json:"day"`
	// Wave names the wave counted; "" when the study has no waves.
	Wave        string               `json:"wave,omitempty"`
	Enumerators []EnumeratorProgress `json:"enumerators"`
	// NotTried lists the alumni with no attempt and no interview yet, by enumerator (the
	// alumni not assigned first), then by roster id (R-2 before R-10): the order stays when
	// an assignment or a roster upload rewrites the rows.
	NotTried []Pending `json:"not_tried"`
	// Overdue lists the alumni whose latest outcome is a call-back request whose time has
	// passed.
	Overdue []Pending `json:"overdue"`
}

func contact(code string) bool {
	d, ok := survey.LookupDisposition(code)
	if !ok {
		return false
	}
	switch d.Class {
	case survey.ClassComplete, survey.ClassPartial, survey.ClassRefusal, survey.ClassOther:
		return true
	}
	return d.Code == survey.DispositionCallback
}

// nikKey starts the key of a NIK in ComputeProgress's maps, which a roster id never is.
const nikKey = "\x00nik:"

// ComputeProgress counts the work per enumerator over the attempts and the interviews
// (latest revision of each), "today" being now's day in loc, and lists the alumni never
// tried and the call-backs overdue at now. The roster, attempts and records stream: it keeps
// a few fields per alumnus and per interview, not the rows.
func ComputeProgress(roster iter.Seq2[*survey.Respondent, error], attempts iter.Seq2[*survey.Attempt, error], records iter.Seq2[*survey.Record, error],
	assignments map[string]string, now time.Time, loc *time.Location) (*Progress, error) {
	y, m, d := now.In(loc).Date()
	dayStart := time.Date(y, m, d, 0, 0, 0, 0, loc)
	today := func(t time.Time) bool { return !t.Before(dayStart) && t.Before(dayStart.AddDate(0, 0, 1)) }
	p := &Progress{Day: dayStart.Format(time.DateOnly)}
	by := map[string]*EnumeratorProgress{}
	get := func(name string) *EnumeratorProgress {
		if by[name] == nil {
			by[name] = &EnumeratorProgress{Enumerator: name}
		}
		return by[name]
	}
	for _, name := range assignments {
		get(name).Assigned++
	}
	touched := map[string]bool{}
	type done struct{ who, id string }
	completes, completesToday := map[done]bool{}, map[done]bool{}
	refusals, refusalsToday := map[done]bool{}, map[done]bool{}
	// The latest attempt of each alumnus, as much of it as an overdue call-back needs.
	type lastAttempt struct {
		at, callback time.Time // callback: zero unless the outcome is a call-back
		enumerator   string
	}
	last := map[string]lastAttempt{}
	names := map[string]string{} // one copy of each enumerator's name
	intern := func(name string) string {
		if n, ok := names[name]; ok {
			return n
		}
		name = strings.Clone(name)
		names[name] = name
		return name
	}
	for a, err := range attempts {
		if err != nil {
			return nil, err
		}
		touched[a.RosterID] = true
		e := get(a.Enumerator)
		e.Attempts++
		t := today(a.At)
		if t {
			e.AttemptsToday++
		}
		if contact(a.Outcome) {
			e.Contacts++
			if t {
				e.ContactsToday++
			}
		}
		k := done{a.Enumerator, a.RosterID}
		if dd, _ := survey.LookupDisposition(a.Outcome); dd.Class == survey.ClassComplete {
			completes[k] = true
			if t {
				completesToday[k] = true
			}
		} else if dd.Class == survey.ClassRefusal {
			refusals[k] = true
			if t {
				refusalsToday[k] = true
			}
		}
		if l, ok := last[a.RosterID]; !ok || !a.At.Before(l.at) {
			l = lastAttempt{at: a.At, enumerator: intern(a.Enumerator)}
			if a.Outcome == survey.DispositionCallback {
				l.callback = a.Callback
			}
			last[strings.Clone(a.RosterID)] = l
		}
	}
	// Only what the counts need is kept of each interview's latest revision, not the
	// record: the records stream, and a server may hold a million of them.
	type outcome struct {
		revision       int
		enumerator, id string
		nik            string // nikKey and the NIK of a walk-in, else ""
		complete, done bool   // done: a complete or a refusal
		today          bool
	}
	latest := map[string]outcome{}
	for rec, err := range records {
		if err != nil {
			return nil, fmt.Errorf("read records: %w", err)
		}
		if old, ok := latest[rec.ID]; ok && rec.Revision <= old.revision {
			continue
		}
		o := outcome{revision: rec.Revision, today: today(rec.FinalizedAt)}
		o.enumerator = intern(rec.Enumerator)
		resp, confirmed, nik := LinkKeys(rec, nil)
		o.id = strings.Clone(linkID(resp, confirmed))
		if nik = survey.NormalizeNIK(nik); nik != "" {
			// A walk-in counts for the rows of its NIK too (Roster.LinkRow links it by
			// NIK when its roster id names no row): its person was reached.
			o.nik = nikKey + nik
			if o.id == "" {
				o.id = o.nik
			}
		}
		switch consent := AnswerNamed(rec, builtin.Consent); {
		case consent == "yes" && AnswerNamed(rec, builtin.MainStatus) != "":
			o.complete, o.done = true, true
		case consent != "" && consent != "yes":
			o.done = true
		}
		latest[strings.Clone(rec.ID)] = o
	}
	closed := map[string]bool{}
	for _, o := range latest {
		if o.id == "" {
			continue
		}
		touched[o.id] = true
		if o.nik != "" {
			touched[o.nik] = true
			closed[o.nik] = closed[o.nik] || o.done
		}
		k := done{o.enumerator, o.id}
		get(o.enumerator)
		switch {
		case o.complete:
			completes[k], closed[o.id] = true, true
			if o.today {
				completesToday[k] = true
			}
		case o.done:
			refusals[k], closed[o.id] = true, true
			if o.today {
				refusalsToday[k] = true
			}
		}
	}
	for k := range completes {
		by[k.who].Completes++
	}
	for k := range completesToday {
		by[k.who].CompleteToday++
	}
	for k := range refusals {
		by[k.who].Refusals++
	}
	for k := range refusalsToday {
		by[k.who].RefusalsToday++
	}
	// A row not tried is listed unless its person (its NIK) was reached on another row:
	// the NIKs of the rows not tried wait, beside the list, for the roster's end.
	var notTriedNIK []string
	for r, err := range roster {
		if err != nil {
			return nil, err
		}
		byNIK := nikKey + r.NIK
		if r.NIK == "" {
			byNIK = "" // never a key the records set
		}
		if !touched[r.RosterID] && (byNIK == "" || !touched[byNIK]) {
			p.NotTried = append(p.NotTried, Pending{RosterID: r.RosterID, Enumerator: assignments[r.RosterID]})
			notTriedNIK = append(notTriedNIK, byNIK)
			continue
		}
		if byNIK != "" {
			touched[byNIK] = true
		}
		l := last[r.RosterID]
		if !closed[r.RosterID] && !closed[byNIK] && !l.callback.IsZero() && l.callback.Before(now) {
			who := assignments[r.RosterID]
			if who == "" {
				who = l.enumerator
			}
			p.Overdue = append(p.Overdue, Pending{RosterID: r.RosterID, Enumerator: who, Callback: l.callback})
		}
	}
	kept := p.NotTried[:0]
	for i, n := range p.NotTried {
		if notTriedNIK[i] == "" || !touched[notTriedNIK[i]] {
			kept = append(kept, n)
		}
	}
	p.NotTried = kept
	slices.SortFunc(p.NotTried, func(a, b Pending) int {
		if c := strings.Compare(a.Enumerator, b.Enumerator); c != 0 {
			return c
		}
		return compareIDs(a.RosterID, b.RosterID)
	})
	slices.SortFunc(p.Overdue, func(a, b Pending) int { return a.Callback.Compare(b.Callback) })
	for _, e := range by {
		p.Enumerators = append(p.Enumerators, *e)
	}
	slices.SortFunc(p.Enumerators, func(a, b EnumeratorProgress) int { return strings.Compare(a.Enumerator, b.Enumerator) })
	return p, nil
}

// WriteProgressText writes the progress view for people: one line per enumerator, then
// the call-backs overdue and the alumni never tried (the first 50 of each).
func WriteProgressText(w io.Writer, p *Progress, loc *time.Location) error {
	if p.Wave != "" {
		fmt.Fprintf(w, "wave: %s\n", survey.Printable(p.Wave))
	}
	tw := tabwriter.NewWriter(w, 2, 8, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintf(tw, "enumerator\tassigned\tattempts today/all\tcontacts today/all\tcompletes today/all\trefusals today/all\t\n")
	for _, e := range p.Enumerators {
		fmt.Fprintf(tw, "%s\t%d\t%d/%d\t%d/%d\t%d/%d\t%d/%d\t\n", survey.Printable(e.Enumerator), e.Assigned, e.AttemptsToday, e.Attempts,
			e.ContactsToday, e.Contacts, e.CompleteToday, e.Completes, e.RefusalsToday, e.Refusals)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	fmt.Fprintf(w, "\ncall-backs overdue: %d\n", len(p.Overdue))
	for i, o := range p.Overdue {
		if i == 50 {
			fmt.Fprintf(w, "  ... and %d more\n", len(p.Overdue)-50)
			break
		}
		fmt.Fprintf(w, "  %s  %s  due %s\n", survey.Printable(o.RosterID), survey.Printable(o.Enumerator), o.Callback.In(loc).Format("2006-01-02 15:04"))
	}
	fmt.Fprintf(w, "alumni with no attempt yet: %d\n", len(p.NotTried))
	for i, o := range p.NotTried {
		if i == 50 {
			fmt.Fprintf(w, "  ... and %d more\n", len(p.NotTried)-50)
			break
		}
		who := o.Enumerator
		if who == "" {
			who = "(not assigned)"
		}
		fmt.Fprintf(w, "  %s  %s\n", survey.Printable(o.RosterID), survey.Printable(who))
	}
	return nil
}

// compareIDs orders ids as people read them: runs of digits by their value ("R-2" before
// "R-10"), the rest byte by byte; ids that differ only in leading zeros by their bytes.
func compareIDs(a, b string) int {
	i, j := 0, 0
	for i < len(a) && j < len(b) {
		if isDigit(a[i]) && isDigit(b[j]) {
			ei, ej := i, j
			for ei < len(a) && isDigit(a[ei]) {
				ei++
			}
			for ej < len(b) && isDigit(b[ej]) {
				ej++
			}
			na, nb := strings.TrimLeft(a[i:ei], "0"), strings.TrimLeft(b[j:ej], "0")
			if c := cmp.Compare(len(na), len(nb)); c != 0 {
				return c
			}
			if c := strings.Compare(na, nb); c != 0 {
				return c
			}
			i, j = ei, ej
			continue
		}
		if c := cmp.Compare(a[i], b[j]); c != 0 {
			return c
		}
		i, j = i+1, j+1
	}
	if c := cmp.Compare(len(a)-i, len(b)-j); c != 0 {
		return c
	}
	return strings.Compare(a, b)
}

func isDigit(c byte) bool { return '0' <= c && c <= '9' }
