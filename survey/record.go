package survey

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"maps"
	"slices"
	"strings"
	"sync"
	"time"
	"unsafe"
)

// Record is a frozen, finalized revision of an interview: its metadata and every answer.
// Its canonical bytes travel to the server and its hash identifies the content.
type Record struct {
	ID           string
	Revision     int
	FormID       string
	FormVersion  string
	FormHash     string
	RespondentID string
	Enumerator   string
	Lang         string
	StartedAt    time.Time
	FinalizedAt  time.Time
	// Mode is how the answers were captured: "" on a tracer laptop, CaptureCollect from ODK
	// Collect, CaptureWeb through an alumnus's self-response link.
	Mode string
	// Device names the device that captured a Collect submission (its deviceID), "" otherwise.
	Device string
	// Answers maps each answer's path to its value.
	Answers map[string]string
	// Latest and Approved say, of a record read with RevisionsLatestAndApproved, whether it
	// is its interview's latest revision and whether it is the approved one.
	Latest, Approved bool
	// Named holds the answers of a record read by name into a list (RecordFilter.ByName,
	// DecodeRecordByName); Answers is nil then.
	Named NamedValues
}

// NamedValues are a record's answers to the questions of a NameIndex: Values[i] answers
// the question called Names[i] outside any repeat, "" when the record has no answer to it.
// Names is the index's own list, shared by every record read with it.
type NamedValues struct {
	Names, Values []string
}

// Get returns the answer to the question called name and whether name is one of Names.
func (n NamedValues) Get(name string) (string, bool) {
	for i, m := range n.Names {
		if m == name {
			return n.Values[i], true
		}
	}
	return "", false
}

// The capture modes of a record other than a tracer laptop's.
const (
	CaptureCollect = "collect" // ODK Collect, through the OpenRosa routes of tracer serve
	CaptureWeb     = "web"     // the alumnus, in a phone's browser, through a self-response link
)

// NewRecord returns the record of iv's current revision with answers, finalized at at.
func NewRecord(iv *Interview, answers []Answer, at time.Time) *Record {
	m := make(map[string]string, len(answers))
	for _, a := range answers {
		m[a.Path] = a.Value
	}
	return &Record{
		ID: iv.ID, Revision: iv.Revision,
		FormID: iv.FormID, FormVersion: iv.FormVersion, FormHash: iv.FormHash,
		RespondentID: iv.RespondentID, Enumerator: iv.Enumerator, Lang: iv.Lang,
		StartedAt: iv.StartedAt, FinalizedAt: at, Answers: m,
	}
}

// AnswerList returns the record's answers sorted by path, as a session restores them.
func (r *Record) AnswerList() []Answer {
	out := make([]Answer, 0, len(r.Answers))
	for p, v := range r.Answers {
		out = append(out, Answer{Path: p, Value: v})
	}
	slices.SortFunc(out, func(a, b Answer) int { return strings.Compare(a.Path, b.Path) })
	return out
}

// recordJSON is the wire shape of a Record. Its keys are declared in sorted order so that
// the encoding is canonical; answers are a map, which encoding/json writes sorted.
type recordJSON struct {
	Answers      map[string]string `json:"answers"`
	Device       string            `json:"device,omitempty"`
	Enumerator   string            `json:"enumerator"`
	FinalizedAt  string            `json:"finalized_at"`
	FormHash     string            `json:"form_hash"`
	FormID       string            `json:"form_id"`
	FormVersion  string            `json:"form_version"`
	ID           string            `json:"id"`
	Lang         string            `json:"lang"`
	Mode         string            `json:"mode,omitempty"`
	RespondentID string            `json:"respondent_id"`
	Revision     int               `json:"revision"`
	StartedAt    string            `json:"started_at"`
}

// canonicalTime is the fixed-width UTC layout of times in canonical records.
const canonicalTime = "2006-01-02T15:04:05.000000000Z"

// Canonical returns the record as canonical JSON: keys sorted, no insignificant space, HTML
// characters not escaped, times in UTC with nanoseconds, no trailing newline. The same
// record always gives the same bytes.
func (r *Record) Canonical() ([]byte, error) {
	answers := r.Answers
	if answers == nil {
		answers = map[string]string{}
	}
	v := recordJSON{
		Answers: answers, Device: r.Device, Enumerator: r.Enumerator, Mode: r.Mode,
		FinalizedAt: r.FinalizedAt.UTC().Format(canonicalTime),
		FormHash:    r.FormHash, FormID: r.FormID, FormVersion: r.FormVersion,
		ID: r.ID, Lang: r.Lang, RespondentID: r.RespondentID, Revision: r.Revision,
		StartedAt: r.StartedAt.UTC().Format(canonicalTime),
	}
	return appendCanonical(make([]byte, 0, 4096), &v), nil
}

// Hash returns the hex SHA-256 of the record's canonical bytes.
func (r *Record) Hash() (string, error) {
	b, err := r.Canonical()
	if err != nil {
		return "", err
	}
	return HashBytes(b), nil
}

// HashBytes returns the hex SHA-256 of b, the hash of a record's canonical bytes.
func HashBytes(b []byte) string {
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

// DecodeRecord parses a record's canonical bytes. Returns EINVALID for malformed input.
func DecodeRecord(b []byte) (*Record, error) {
	r := new(Record)
	if err := decodeRecord(r, b, "", nil); err != nil {
		return nil, err
	}
	return r, nil
}

// DecodeRecordNamed is DecodeRecord keeping only the answers whose paths keep accepts
// (NamedAnswers makes one): the others are read past without a copy, for a reader of many
// records that looks at a few questions (the report, the review flags). Every string is
// its own copy, as DecodeRecord's. A record DecodeRecord refuses is refused.
func DecodeRecordNamed(b []byte, keep func(path string) bool) (*Record, error) {
	// base is b seen as a string, without a copy: every string the decoder slices from it
	// and the record keeps is cloned below or in answers, and b does not change meanwhile.
	d := recordDecoder{JSONScanner: JSONScanner{Buf: b}, keep: keep}
	if len(b) > 0 {
		d.base = unsafe.String(&b[0], len(b))
	}
	v, ok := d.record()
	if !ok { // what the fast decoder leaves is read whole, then cut
		r, err := DecodeRecord(b)
		if err != nil {
			return nil, err
		}
		maps.DeleteFunc(r.Answers, func(path, _ string) bool { return !keep(path) })
		return r, nil
	}
	r := new(Record)
	if err := v.record(r, nil, !d.oddPath); err != nil {
		return nil, err
	}
	r.ownFields()
	return r, nil
}

// ownFields makes the record's own fields copies of their own: a decoder that reads past
// most of its input slices them from it until then. The answers kept are copies already.
func (r *Record) ownFields() {
	for _, s := range [...]*string{&r.ID, &r.FormID, &r.FormVersion, &r.FormHash, &r.RespondentID,
		&r.Enumerator, &r.Lang, &r.Mode, &r.Device} {
		*s = strings.Clone(*s)
	}
}

// DecodeRecordByName is DecodeRecordNamed keeping the answers to the questions of x in
// Record.Named instead of a map, for a reader of many records that asks each for a few
// answers by name (the report): Named.Values[i] answers x's i-th name. When two paths
// answer one name (a form names each question once, so only a record not of its form
// does), the first in path order counts. A record DecodeRecord refuses is refused.
func DecodeRecordByName(b []byte, x *NameIndex) (*Record, error) {
	d := recordDecoder{JSONScanner: JSONScanner{Buf: b}, byName: x, named: make([]string, len(x.names))}
	if len(b) > 0 {
		d.base = unsafe.String(&b[0], len(b))
	}
	v, ok := d.record()
	if !ok { // what the fast decoder leaves is read whole, then picked
		r, err := DecodeRecord(b)
		if err != nil {
			return nil, err
		}
		named := make([]string, len(x.names))
		found := make([]bool, len(x.names))
		for _, path := range slices.Sorted(maps.Keys(r.Answers)) {
			if i := x.Index(path); i >= 0 && !found[i] {
				named[i], found[i] = r.Answers[path], true
			}
		}
		r.Answers, r.Named = nil, NamedValues{Names: x.names, Values: named}
		return r, nil
	}
	r := new(Record)
	// Each path was checked as it was read; an empty list of answers asks for no map.
	if err := v.record(r, []Answer{}, true); err != nil {
		return nil, err
	}
	r.ownFields()
	r.Answers, r.Named = nil, NamedValues{Names: x.names, Values: d.named}
	return r, nil
}

// QuestionName returns the name of the question answered at path (its last element), and
// false for an answer inside a repeat, which a reader by name does not take.
func QuestionName(path string) (string, bool) {
	if strings.IndexByte(path, '[') >= 0 {
		return "", false
	}
	return path[strings.LastIndexByte(path, '/')+1:], true
}

// NamedAnswers returns a keep function for DecodeRecordNamed: the answers outside any
// repeat whose question name (QuestionName) is one of names.
func NamedAnswers(names ...string) func(path string) bool {
	x := NewNameIndex(names)
	return func(path string) bool { return x.Index(path) >= 0 }
}

// NameIndex finds, from an answer's path, which of a list of question names it answers.
type NameIndex struct {
	names []string
	// byBit holds the indexes i of names under nameBit(names[i]): most paths of questions
	// not named find no index under their bit and are turned away without a comparison,
	// the others are compared with the few names that share it, with no hashing.
	byBit [256][]int32
}

// NewNameIndex indexes names; a name given twice is found at its first place.
func NewNameIndex(names []string) *NameIndex {
	x := &NameIndex{names: slices.Clone(names)}
	for i, n := range x.names {
		if slices.Index(x.names, n) == i {
			b := nameBit(n)
			x.byBit[b] = append(x.byBit[b], int32(i))
		}
	}
	return x
}

// Names returns the names indexed, in their order. The caller must not change them.
func (x *NameIndex) Names() []string { return x.names }

// Index returns the place in Names of the question answered at path, -1 when path is in a
// repeat or answers a question not named.
func (x *NameIndex) Index(path string) int {
	name, ok := QuestionName(path)
	if !ok {
		return -1
	}
	for _, i := range x.byBit[nameBit(name)] {
		if x.names[i] == name {
			return int(i)
		}
	}
	return -1
}

// nameBit mixes a name's length and its first and last bytes into a number below 256.
func nameBit(name string) uint {
	if name == "" {
		return 0
	}
	return (uint(len(name))*37 + uint(name[0])*7 + uint(name[len(name)-1])) % 256
}

// RecordReader decodes one stored record after another as DecodeRecord does, for a reader
// that keeps none of them (an export): it reuses one Record and its Answers map, and the
// strings of a record share one copy of its bytes instead of one allocation each. The zero
// value is ready to use.
type RecordReader struct {
	rec     Record
	answers map[string]string
	list    []Answer
}

// Decode parses a record's canonical bytes as DecodeRecord does. The Record and its Answers
// map are overwritten by the next Decode; a string taken from them stays valid but keeps
// the whole record's bytes in memory. Returns EINVALID for malformed input.
func (rr *RecordReader) Decode(b []byte) (*Record, error) {
	if rr.answers == nil {
		rr.answers = make(map[string]string, 80)
	}
	rr.rec = Record{}
	if err := decodeRecord(&rr.rec, b, string(b), rr.answers); err != nil {
		return nil, err
	}
	return &rr.rec, nil
}

// DecodeSorted parses a record's canonical bytes as Decode does, but gives its answers as
// AnswerList would, sorted by path and each path once, instead of a map: the Record's
// Answers is nil. The Record and the list are overwritten by the next Decode or
// DecodeSorted; a string taken from them stays valid but keeps the whole record's bytes in
// memory. Returns EINVALID for malformed input.
//
// A stored record is canonical, its answers already sorted: they are read in order into
// the list, without a map. Any other input (paths out of order or repeated, what only
// encoding/json reads) is decoded as Decode does, then its answers are sorted.
func (rr *RecordReader) DecodeSorted(b []byte) (*Record, []Answer, error) {
	if rr.list == nil {
		rr.list = make([]Answer, 0, 80)
	}
	rr.list = rr.list[:0]
	d := recordDecoder{JSONScanner: JSONScanner{Buf: b}, base: string(b), list: &rr.list}
	if v, ok := d.record(); ok && !d.unsorted {
		rr.rec = Record{}
		if err := v.record(&rr.rec, rr.list, !d.oddPath); err != nil {
			return nil, nil, err
		}
		return &rr.rec, rr.list, nil
	}
	r, err := rr.Decode(b)
	if err != nil {
		return nil, nil, err
	}
	rr.list = rr.list[:0]
	for p, v := range r.Answers {
		rr.list = append(rr.list, Answer{Path: p, Value: v})
	}
	slices.SortFunc(rr.list, func(a, b Answer) int { return strings.Compare(a.Path, b.Path) })
	r.Answers = nil
	return r, rr.list, nil
}

// decodeRecord parses b into r; base and answers are decodeRecordJSONShared's.
func decodeRecord(r *Record, b []byte, base string, answers map[string]string) error {
	v, plain, ok := decodeRecordJSONShared(b, base, answers)
	if !ok { // what the fast decoder leaves is read by encoding/json, from scratch
		v = recordJSON{}
		dec := json.NewDecoder(bytes.NewReader(b))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&v); err != nil {
			return Errorf(EINVALID, "Malformed record: %v.", err)
		}
	}
	return v.record(r, nil, plain)
}

// record checks v, a decoded record, and fills r. When answers is not nil it holds the
// answers (v.Answers is then ignored), and r.Answers is left nil. plainPaths says the
// decoder saw every answer path to be printable ASCII: they are not checked again.
func (v *recordJSON) record(r *Record, answers []Answer, plainPaths bool) error {
	started, err1 := time.Parse(time.RFC3339Nano, v.StartedAt)
	finalized, err2 := time.Parse(time.RFC3339Nano, v.FinalizedAt)
	if err1 != nil || err2 != nil {
		return Errorf(EINVALID, "Malformed record times.")
	}
	if v.ID == "" || v.Revision < 1 {
		return Errorf(EINVALID, "Record needs an id and a revision of at least 1.")
	}
	for _, f := range [...]struct{ name, value string }{{"id", v.ID}, {"form_id", v.FormID}, {"form_version", v.FormVersion},
		{"form_hash", v.FormHash}, {"respondent_id", v.RespondentID}, {"enumerator", v.Enumerator}, {"lang", v.Lang},
		{"mode", v.Mode}, {"device", v.Device}} {
		if HasHidden(f.value) {
			return Errorf(EINVALID, "Record field %s holds a control character.", f.name)
		}
	}
	hidden := func(path string) error {
		if HasHidden(path) {
			return Errorf(EINVALID, "An answer path holds a control character: %s.", Printable(path))
		}
		return nil
	}
	switch {
	case plainPaths:
	case answers != nil:
		for _, a := range answers {
			if err := hidden(a.Path); err != nil {
				return err
			}
		}
	default:
		for path := range v.Answers {
			if err := hidden(path); err != nil {
				return err
			}
		}
	}
	if answers == nil && v.Answers == nil {
		v.Answers = map[string]string{}
	}
	*r = Record{
		ID: v.ID, Revision: v.Revision, FormID: v.FormID, FormVersion: v.FormVersion,
		FormHash: v.FormHash, RespondentID: v.RespondentID, Enumerator: v.Enumerator,
		Lang: v.Lang, StartedAt: started.UTC(), FinalizedAt: finalized.UTC(), Mode: v.Mode, Device: v.Device, Answers: v.Answers,
	}
	if answers != nil {
		r.Answers = nil
	}
	return nil
}

// DecodeCanonical decodes b as DecodeRecord does, and reports whether b is the record's
// canonical encoding (what Canonical returns for it), for a reader that checks records as
// they come (the server, for every pushed one). The answers come as AnswerList returns
// them, sorted by path, and the Record's Answers map is left nil. Malformed input gives
// DecodeRecord's error.
//
// A canonical record's answers come sorted, each path once: those are read in order into
// the list and the record is encoded once from it to compare, without a map or a sort.
// Any other input is read by DecodeRecord, then compared with Canonical's bytes.
func DecodeCanonical(b []byte) (r *Record, answers []Answer, canonical bool, err error) {
	r = new(Record)
	list := make([]Answer, 0, 80)
	d := recordDecoder{JSONScanner: JSONScanner{Buf: b}, base: string(b), list: &list}
	if v, ok := d.record(); ok && !d.unsorted {
		if err := v.record(r, list, !d.oddPath); err != nil {
			return nil, nil, false, err
		}
		w := recordJSON{
			Device: r.Device, Enumerator: r.Enumerator, Mode: r.Mode,
			FinalizedAt: r.FinalizedAt.Format(canonicalTime),
			FormHash:    r.FormHash, FormID: r.FormID, FormVersion: r.FormVersion,
			ID: r.ID, Lang: r.Lang, RespondentID: r.RespondentID, Revision: r.Revision,
			StartedAt: r.StartedAt.Format(canonicalTime),
		}
		buf := canonicalBuffers.Get().(*[]byte)
		*buf = appendCanonicalSorted((*buf)[:0], &w, list)
		canonical = bytes.Equal(*buf, b)
		canonicalBuffers.Put(buf)
		return r, list, canonical, nil
	}
	if r, err = DecodeRecord(b); err != nil {
		return nil, nil, false, err
	}
	c, err := r.Canonical()
	canonical, answers = err == nil && bytes.Equal(c, b), r.AnswerList()
	r.Answers = nil
	return r, answers, canonical, nil
}

// canonicalBuffers holds the buffers DecodeCanonical encodes into.
var canonicalBuffers = sync.Pool{New: func() any { b := make([]byte, 0, 8192); return &b }}
