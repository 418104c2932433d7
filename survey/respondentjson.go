package survey

import (
	"encoding/json"
	"fmt"
)

// respondentKeys are the JSON keys of Respondent in declaration order.
var respondentKeys = [...]string{"roster_id", "nik", "full_name", "sex", "birth_date", "phone_main", "phone_raw",
	"education", "institution", "kejuruan", "program_name", "batch_id", "training_start_date", "training_end_date",
	"budget_year", "funding", "completion", "domicile_regency", "extra", "updated_at"}

// DecodeRespondent parses a roster row's JSON (as json.Marshal writes a Respondent) into a
// new Respondent, exactly as json.Unmarshal would. The strings of the row share one copy of
// b; r.Extra is a new map.
func (rr *RecordReader) DecodeRespondent(b []byte) (*Respondent, error) {
	r := new(Respondent)
	if decodeRespondentJSON(b, string(b), r) {
		return r, nil
	}
	*r = Respondent{}
	if err := json.Unmarshal(b, r); err != nil {
		return nil, fmt.Errorf("roster row: %w", err)
	}
	return r, nil
}

// UnmarshalRespondent parses a roster row's JSON into r exactly as json.Unmarshal does on
// a zero Respondent, without reflection for the rows the server writes. Every string is
// its own copy: a caller may keep any of them without keeping the row's bytes.
func UnmarshalRespondent(b []byte, r *Respondent) error {
	if decodeRespondentJSON(b, "", r) {
		return nil
	}
	*r = Respondent{}
	return json.Unmarshal(b, r)
}

// decodeRespondentJSON parses a roster row without reflection: an object whose keys are
// Respondent's, each once and spelled exactly, with string values (extra an object of
// strings, updated_at a time as time.Time reads it from JSON), with or without spaces. It
// reports false for anything else (an unknown key, a null, a key in another case, a
// duplicate, an escape it does not take), which encoding/json then reads with its own rules.
// base is string(b), the strings are sliced from it.
func decodeRespondentJSON(b []byte, base string, r *Respondent) bool {
	d := recordDecoder{JSONScanner: JSONScanner{Buf: b}, base: base}
	if !d.Next('{') {
		return false
	}
	if d.Next('}') {
		d.Space()
		return d.Pos == len(d.Buf)
	}
	var seen uint32
	fields := [...]*string{&r.RosterID, &r.NIK, &r.Name, &r.Sex, &r.BirthDate, &r.Phone, &r.PhoneRaw,
		&r.Education, &r.Institution, &r.Kejuruan, &r.ProgramName, &r.BatchID, &r.TrainingStart, &r.TrainingEnd,
		&r.BudgetYear, &r.Funding, &r.Completion, &r.Regency}
	for {
		var key string
		if !d.str(&key) || !d.Next(':') {
			return false
		}
		bit := -1
		for n, k := range respondentKeys {
			if k == key {
				bit = n
				break
			}
		}
		if bit < 0 || seen&(1<<bit) != 0 {
			return false
		}
		seen |= 1 << bit
		switch {
		case bit < len(fields):
			if !d.str(fields[bit]) {
				return false
			}
		case key == "extra":
			if !d.Next('{') {
				return false
			}
			r.Extra = map[string]string{}
			if !d.Next('}') {
				for {
					var k, v string
					if !d.str(&k) || !d.Next(':') || !d.str(&v) {
						return false
					}
					if _, dup := r.Extra[k]; dup {
						return false
					}
					r.Extra[k] = v
					if d.Next('}') {
						break
					}
					if !d.Next(',') {
						return false
					}
				}
			}
		default: // updated_at
			d.Space()
			start := d.Pos
			var s string
			if !d.str(&s) {
				return false
			}
			if err := r.UpdatedAt.UnmarshalJSON(d.Buf[start:d.Pos]); err != nil {
				return false
			}
		}
		if d.Next('}') {
			d.Space()
			return d.Pos == len(d.Buf)
		}
		if !d.Next(',') {
			return false
		}
	}
}
