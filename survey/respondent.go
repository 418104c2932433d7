package survey

import (
	"context"
	"maps"
	"time"
)

// Sex codes as the roster and the questionnaire write them.
const (
	SexMale   = "L" // laki-laki
	SexFemale = "P" // perempuan
)

// Respondent is one row of the alumni roster: who was trained where, in which programme,
// batch and funding source. Dates are ISO 8601 (YYYY-MM-DD) strings, "" when unknown.
type Respondent struct {
	// RosterID is the centre's id of the alumnus in this roster, e.g. "BTG25-0001".
	RosterID string `json:"roster_id"`
	// NIK is the 16-digit national id, normalised (see ParseNIK); "" when unknown.
	NIK  string `json:"nik"`
	Name string `json:"full_name"`
	// Sex is SexMale, SexFemale or "".
	Sex       string `json:"sex"`
	BirthDate string `json:"birth_date"`
	// Phone is the main phone number in E.164 (+628...); PhoneRaw is what the roster said.
	Phone    string `json:"phone_main"`
	PhoneRaw string `json:"phone_raw"`
	// Education is the questionnaire's education code.
	Education     string `json:"education"`
	Institution   string `json:"institution"`
	Kejuruan      string `json:"kejuruan"`
	ProgramName   string `json:"program_name"`
	BatchID       string `json:"batch_id"`
	TrainingStart string `json:"training_start_date"`
	TrainingEnd   string `json:"training_end_date"`
	BudgetYear    string `json:"budget_year"`
	Funding       string `json:"funding"`
	Completion    string `json:"completion"`
	// Regency is the BPS code of the regency or city of domicile.
	Regency string `json:"domicile_regency"`
	// Extra keeps the roster's other columns by their header, so nothing is lost.
	Extra map[string]string `json:"extra,omitempty"`
	// UpdatedAt is when the row last changed in this store (UTC).
	UpdatedAt time.Time `json:"updated_at,omitzero"`
}

// Progress is how far the interviews of a respondent have come.
type Progress string

// The progress of a respondent: no interview yet, an interview being filled in (a draft or
// one returned for correction), or a finalized interview.
const (
	ProgressNone  Progress = "none"
	ProgressDraft Progress = "draft"
	ProgressDone  Progress = "done"
)

// ProgressOf returns the progress an interview in state s gives its respondent.
func ProgressOf(s State) Progress {
	switch s {
	case StateFinalized, StateSent:
		return ProgressDone
	case StateDraft, StateReturned:
		return ProgressDraft
	}
	return ProgressNone
}

// Rank says why a respondent matched a search; a lower rank is a better match.
type Rank int

// The ranks of search matches, best first.
const (
	RankExactID     Rank = iota // the query is the roster id
	RankIDPrefix                // the roster id starts with the query
	RankDigits                  // the NIK or the phone number ends with the query's digits
	RankWordPrefix              // every query word starts a word of the name
	RankSubstring               // every query word occurs in the name
	RankIDSubstring             // the roster id contains the query
)

// Match is one search result.
type Match struct {
	Respondent *Respondent
	Rank       Rank
	// Progress is the best progress among the respondent's interviews.
	Progress Progress
}

// UpsertResult counts what an upsert did with its rows.
type UpsertResult struct {
	Inserted  int `json:"inserted"`
	Updated   int `json:"updated"`
	Unchanged int `json:"unchanged"`
}

// RosterStore keeps the alumni roster and searches it.
type RosterStore interface {
	// Upsert inserts new rows and updates changed ones by roster id, in one transaction,
	// each stored row becoming the given one (a laptop's roster mirrors its server's rows;
	// an import keeps stored values itself, Respondent.KeepFrom); rows equal to the stored
	// ones are left alone, so upserting the same rows twice changes nothing. Returns
	// EINVALID for a row without roster id or name.
	Upsert(ctx context.Context, rows []*Respondent) (UpsertResult, error)

	// Get returns one respondent by roster id. Returns ENOTFOUND.
	Get(ctx context.Context, rosterID string) (*Respondent, error)

	// ByNIK returns the respondents with the given normalised NIK (the same person may be
	// in two batches).
	ByNIK(ctx context.Context, nik string) ([]*Respondent, error)

	// Search returns up to limit respondents matching query, best first (see Rank): by
	// roster id, by any part of the name ignoring case and accents, or by the last digits
	// (at least four) of the NIK or phone number. An empty query returns nothing.
	Search(ctx context.Context, query string, limit int) ([]Match, error)

	// Count returns the number of respondents.
	Count(ctx context.Context) (int, error)
}

// RosterRemover is implemented by a RosterStore that drops rows: a laptop's roster loses
// the alumni its server no longer gives it (survey.RosterDepartures).
type RosterRemover interface {
	// Remove deletes the rows with the given roster ids and returns how many it held.
	Remove(ctx context.Context, rosterIDs []string) (int, error)
}

// Values returns the respondent's roster values keyed by the roster's column names, which
// are also the names of the questions they prefill in the built-in form (roster_id, nik,
// full_name, sex, birth_date, phone_main, ...). Columns the importer did not recognise keep
// their own names. The phone is given as the enumerator would type it (local 08... form).
func (r *Respondent) Values() map[string]string {
	if r == nil {
		return nil
	}
	m := make(map[string]string, len(r.Extra)+len(RosterColumnNames))
	for k, v := range r.Extra {
		m[k] = v
	}
	for _, k := range RosterColumnNames {
		if v := r.column(k); v != "" {
			m[k] = v
		}
	}
	return m
}

// RosterColumnNames are the names of the roster's own columns, the keys of Values besides
// the extra columns.
var RosterColumnNames = [...]string{"roster_id", "nik", "full_name", "sex", "birth_date", "phone_main", "education",
	"institution", "kejuruan", "program_name", "batch_id", "training_start_date", "training_end_date", "funding",
	"completion", "domicile_regency", "budget_year"}

// Value returns Values()[name] without making the map: one roster value by its column name.
func (r *Respondent) Value(name string) string {
	if r == nil {
		return ""
	}
	if v := r.column(name); v != "" {
		return v
	}
	return r.Extra[name]
}

// column returns the value of the roster's own column name, "" for another name.
func (r *Respondent) column(name string) string {
	switch name {
	case "roster_id":
		return r.RosterID
	case "nik":
		return r.NIK
	case "full_name":
		return r.Name
	case "sex":
		return r.Sex
	case "birth_date":
		return r.BirthDate
	case "phone_main":
		if r.PhoneRaw == "" && r.Phone != "" {
			return LocalPhone(r.Phone)
		}
		return r.PhoneRaw
	case "education":
		return r.Education
	case "institution":
		return r.Institution
	case "kejuruan":
		return r.Kejuruan
	case "program_name":
		return r.ProgramName
	case "batch_id":
		return r.BatchID
	case "training_start_date":
		return r.TrainingStart
	case "training_end_date":
		return r.TrainingEnd
	case "funding":
		return r.Funding
	case "completion":
		return r.Completion
	case "domicile_regency":
		return r.Regency
	case "budget_year":
		return r.BudgetYear
	}
	return ""
}

// KeepFrom returns r with each value it lacks taken from stored, the row of the same roster
// id already in a roster: a roster file re-imported without a column, or with a cell left
// empty, replaces no stored value by nothing. A value is replaced only by another value;
// the phone number goes with its raw text, and the extra columns are merged, r's winning.
func (r *Respondent) KeepFrom(stored *Respondent) *Respondent {
	c := *r
	for _, f := range []struct{ to, from *string }{
		{&c.NIK, &stored.NIK}, {&c.Name, &stored.Name}, {&c.Sex, &stored.Sex}, {&c.BirthDate, &stored.BirthDate},
		{&c.Education, &stored.Education}, {&c.Institution, &stored.Institution}, {&c.Kejuruan, &stored.Kejuruan},
		{&c.ProgramName, &stored.ProgramName}, {&c.BatchID, &stored.BatchID}, {&c.TrainingStart, &stored.TrainingStart},
		{&c.TrainingEnd, &stored.TrainingEnd}, {&c.BudgetYear, &stored.BudgetYear}, {&c.Funding, &stored.Funding},
		{&c.Completion, &stored.Completion}, {&c.Regency, &stored.Regency},
	} {
		if *f.to == "" {
			*f.to = *f.from
		}
	}
	if c.Phone == "" && c.PhoneRaw == "" {
		c.Phone, c.PhoneRaw = stored.Phone, stored.PhoneRaw
	}
	if len(stored.Extra) > 0 {
		extra := make(map[string]string, len(stored.Extra)+len(c.Extra))
		for k, v := range stored.Extra {
			extra[k] = v
		}
		for k, v := range c.Extra {
			extra[k] = v
		}
		c.Extra = extra
	}
	return &c
}

// KeepAccepted returns r, a roster row uploaded again, with each correction a supervisor
// accepted from the field (accepted, the row's accepted roster updates in the order they
// were decided) kept where r still holds the value that correction replaced and stored,
// the row as the server has it, still holds the correction: an office's file made before
// the correction does not undo it. A value the file changes to anything else replaces it.
func (r *Respondent) KeepAccepted(stored *Respondent, accepted []*RosterUpdate) *Respondent {
	c := r
	for _, u := range accepted {
		if u.Status != UpdateAccepted || u.Replaced == u.Value {
			continue
		}
		if u.Field.Of(c) == u.Replaced && u.Field.Of(stored) == u.Value {
			if c == r {
				cp := *r
				cp.Extra = maps.Clone(r.Extra)
				c = &cp
			}
			u.Field.Set(c, u.Value) // a phone keeps the replaced number as phone_previous
		}
	}
	return c
}
