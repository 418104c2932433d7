// Command gendb creates a real server database for measuring exports and reports: a roster
// of -roster rows and -n finalized interviews of the built-in form, one per roster row in
// turn, stored as "tracer serve" stores what laptops push.
//
//	go run ./sync/testbed/gendb -o /tmp/1m.db -n 1000000
//
// Every interview is made by the form engine: one session per shape of interview (refused,
// each main activity, an exact income or a band, a first job before this one or not, looking
// for work or not, worked before or not), filled once from the built-in form's personas,
// then answered again for each interview with its roster row's identity (roster id, NIK,
// name, sex, birth date, regency, kejuruan, programme, batch, training end, funding,
// completion) and its own interview date, job dates, hours, income, ratings and so on, so
// that the engine recomputes what depends on them (age, months to the first job, the
// checks). An answer the engine refuses stops the run; every -check-th interview is also
// checked for problems left in it and the way the server checks a push (the record restored
// into a new session of the published form: no unknown question, no problem).
//
// Variations: the main activity cycles through its eight codes (1 twice as often), one
// interview in 13 refuses consent, one in 4 gives an income band instead of an exact income,
// one in 3 started with this job, two in 3 of those not working are looking for work, half
// have worked since the training. One interview in 50 is a second interview of the previous
// person (the report keeps the later; with -shuffle the rows are taken in a scattered order
// instead of the roster's, as people come in the field), one in 97 has no respondent id and is linked by the
// roster id it confirms, one in 199 is a walk-in outside the roster, and one in 20 is stored
// again as revision 2 with another main activity. In the roster, one row in 10 did not pass,
// training ends vary over 2025, and one row in 1,000 shares the NIK of the row before (one
// person in two batches). Interview ids are version 7 UUIDs of when each interview started,
// as laptops make them, their random bits derived from the interview's number, so the same
// flags make the same database. With -approve, a share of the interviews, scattered over
// them, is approved at its latest revision by a supervisor after every interview is
// received, as "tracer review approve" stores it; without it none is, and a report or an
// export reads them with --revisions latest. With -returned, a share of the interviews is
// returned for correction at its latest revision (and not approved) and waits for it, as "tracer review
// return" stores it. With -attempts, every roster row gets the contact attempts an
// enumerator would have pushed for it, several per alumnus with a mix of AAPOR outcomes
// (attempts.go), so that the response rates meet every class of docs/TRACING.md.
//
// The rows are written with prepared statements in large transactions, exactly as the
// roster upload and the submission store's ingest write them (sequence numbers, review
// state and history, the form's interview count); -stores writes through those stores
// instead, one revision per call, which is slower and makes the same rows (the tests
// compare the two).
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"log"
	"os"
	"runtime"
	"runtime/pprof"
	"strconv"
	"strings"
	"time"

	"github.com/google/uuid"

	"tracer/forms"
	"tracer/forms/builtin"
	"tracer/survey"
	"tracer/survey/sqlite"
	"tracer/sync/testbed"
)

func main() {
	var o options
	flag.StringVar(&o.path, "o", "", "the server database to create (must not exist)")
	flag.IntVar(&o.n, "n", 10000, "interviews")
	flag.IntVar(&o.roster, "roster", 0, "roster rows (default: as many as interviews)")
	flag.IntVar(&o.batch, "batch", 20000, "rows per transaction")
	flag.IntVar(&o.workers, "workers", runtime.GOMAXPROCS(0), "goroutines making interviews")
	flag.IntVar(&o.check, "check", 50, "check every n-th interview for problems and as the server checks a push (1: all)")
	flag.BoolVar(&o.stores, "stores", false, "write through the server's stores, one revision per call (slow)")
	flag.BoolVar(&o.shuffle, "shuffle", false, "interview the roster's rows in a scattered order instead of the roster's")
	flag.Float64Var(&o.approve, "approve", 0, "the share of interviews approved at their latest revision, 0 to 1")
	flag.Float64Var(&o.returned, "returned", 0, "the share of interviews returned for correction at their latest revision (never approved), 0 to 1")
	flag.BoolVar(&o.attempts, "attempts", false, "make contact attempts for every roster row, with a mix of AAPOR outcomes")
	cpuprofile := flag.String("cpuprofile", "", "write a CPU profile to this file")
	flag.Parse()
	if o.path == "" || o.n < 0 || o.batch < 1 || o.workers < 1 || o.check < 1 || !(o.approve >= 0 && o.approve <= 1) || !(o.returned >= 0 && o.returned <= 1) {
		flag.Usage()
		os.Exit(2)
	}
	if o.roster <= 0 {
		o.roster = max(o.n, 1)
	}
	if _, err := os.Stat(o.path); err == nil {
		log.Fatalf("%s exists", o.path)
	}
	if *cpuprofile != "" {
		f, err := os.Create(*cpuprofile)
		if err != nil {
			log.Fatal(err)
		}
		if err := pprof.StartCPUProfile(f); err != nil {
			log.Fatal(err)
		}
	}
	err := run(context.Background(), o, os.Stdout)
	if *cpuprofile != "" {
		pprof.StopCPUProfile()
	}
	if err != nil {
		log.Fatal(err)
	}
}

// options are the command's flags.
type options struct {
	path                             string
	n, roster, batch, workers, check int
	stores, shuffle, attempts        bool
	approve, returned                float64
}

var (
	kejuruan = []string{"LAS", "OTO", "LIS", "REF", "ALB", "K3", "TIK", "PAR", "KEC", "GAR", "PRO", "BIS", "BAN"}
	funding  = []string{"apbn", "apbd_prov_murni", "apbd_kab_murni", "apbd_kab_perubahan", "csr"}
	regency  = []string{"6401", "6402", "6403", "6408", "6471", "6472", "6474"}
	given    = []string{"Dimas", "Hana", "Rahmat", "Maya", "Budi", "Sari", "Agus", "Dewi", "Eko", "Putri", "Joko", "Rina", "Andi", "Lestari", "Yusuf", "Wulan"}
	syllable = []string{"ra", "di", "su", "wan", "to", "ni", "ka", "ma", "ti", "ya", "no", "sa", "ri", "de", "lu", "pe"}
)

// rosterAt is when the roster was uploaded; the interviews are finalized from firstDay on.
var (
	rosterAt = time.Date(2026, 8, 20, 8, 0, 0, 0, time.UTC)
	firstDay = time.Date(2026, 9, 1, 8, 0, 0, 0, time.UTC)
)

// name returns a name made of letters only, unique to i.
func name(i int) string {
	var b strings.Builder
	b.WriteString(given[i%len(given)])
	b.WriteByte(' ')
	start := b.Len()
	for n := i / len(given); ; n /= len(syllable) {
		b.WriteString(syllable[n%len(syllable)])
		if n < len(syllable) {
			break
		}
	}
	s := b.String()
	return s[:start] + strings.ToUpper(s[start:start+1]) + s[start+1:] + "wati"[:2*(i%2)]
}

// respondent returns roster row i, with a NIK unique to it that agrees with its sex and
// birth date.
func respondent(i int) *survey.Respondent {
	d := i / 9999
	day, month, year := d%28+1, (d/28)%12+1, 76+i%23
	sex, nikDay := survey.SexMale, day
	if i%2 == 1 {
		sex, nikDay = survey.SexFemale, day+40 // a woman's NIK adds 40 to the day
	}
	nik := fmt.Sprintf("640806%02d%02d%02d%04d", nikDay, month, year, i%9999+1)
	completion := "pass"
	switch i % 10 {
	case 7:
		completion = "finished_not_pass"
	case 9:
		if i%20 == 19 {
			completion = "dropout"
		}
	}
	k := kejuruan[(i/2)%len(kejuruan)]
	// Training of six to nine weeks, ending in the batch's month.
	end := time.Date(2025, time.Month(i%12+1), i%28+1, 0, 0, 0, 0, time.UTC)
	start := end.AddDate(0, 0, -7*(6+i%4))
	return &survey.Respondent{
		RosterID: fmt.Sprintf("R%07d", i), NIK: nik, Name: name(i), Sex: sex,
		BirthDate: fmt.Sprintf("19%02d-%02d-%02d", year, month, day), Phone: fmt.Sprintf("+62857%08d", i),
		Education: strconv.Itoa(3 + i%5), Institution: "UPTD BLKI Kota Bontang", Kejuruan: k,
		ProgramName: "Program " + k, BatchID: fmt.Sprintf("BTG-2025-%02d", i%12+1),
		TrainingStart: start.Format(time.DateOnly), TrainingEnd: end.Format(time.DateOnly), BudgetYear: "2025",
		Funding: funding[i%len(funding)], Completion: completion, Regency: regency[i%len(regency)],
	}
}

// sharesNIK reports whether roster row i carries the NIK of row i-1.
func sharesNIK(i int) bool { return i%1000 == 999 }

// rosterRow returns roster row i as stored: row i, with the NIK of row i-1 when they are one
// person.
func rosterRow(i int) *survey.Respondent {
	r := respondent(i)
	if sharesNIK(i) {
		p := respondent(i - 1)
		r.NIK, r.Sex, r.BirthDate = p.NIK, p.Sex, p.BirthDate
	}
	return r
}

// idSpace makes the random bits of the interview ids: those of the name-based UUID of the
// interview's number.
var idSpace = uuid.MustParse("3f0c8c1e-6a52-4c57-9a7e-4b1f0d2b9e11")

// interviewID returns the id of interview i of n: a version 7 UUID, as a laptop makes when
// the interview starts (survey.NewID), of the time its first revision started, its random
// bits taken from its number so that the same flags make the same ids. Ids made in time
// order put the server's lookups by interview id near one another, as they are in the
// field; random ones would make every lookup read a page of its own.
func interviewID(i, n int) string {
	id := uuid.NewSHA1(idSpace, []byte(strconv.Itoa(i)))
	ms := uint64(startedAt(i, n, 1).UnixMilli())
	for k := range 6 {
		id[k] = byte(ms >> (40 - 8*k))
	}
	id[6] = 0x70 | id[6]&0x0f // version 7
	id[8] = 0x80 | id[8]&0x3f // RFC 9562's variant
	return id.String()
}

// startedAt returns when revision rev of interview i of n was started: 15 to 44 minutes
// before it was finalized.
func startedAt(i, n, rev int) time.Time {
	return finalAt(i, n, rev).Add(-time.Duration(15+i%30) * time.Minute)
}

// finalAt returns when revision rev of interview i of n was finalized: the interviews are
// spread over 90 days from firstDay, a second revision a day later.
func finalAt(i, n, rev int) time.Time {
	step := 90 * 24 * time.Hour / time.Duration(max(n, 1))
	return firstDay.Add(time.Duration(i)*step + time.Duration(rev-1)*24*time.Hour).Truncate(time.Second)
}

// receivedAt returns when the server received a revision finalized at final.
func receivedAt(final time.Time) time.Time {
	return final.Add(5*time.Minute + time.Duration(final.Unix()%300)*time.Second)
}

// shape is what decides which questions of an interview are relevant.
type shape struct {
	refused    bool
	status     int  // main activity, 1 to 8
	band       bool // an income band, not an exact income
	firstJob   bool // this job is the first since the training
	searching  bool
	everWorked bool
}

// shapeOf returns the shape of revision rev of interview i.
func shapeOf(i, rev int) shape {
	if i%13 == 5 {
		return shape{refused: true}
	}
	st := (i+rev-1)%9 + 1
	if st == 9 {
		st = 1
	}
	sh := shape{status: st}
	if st <= 5 {
		sh.band = i%4 == 1
		sh.firstJob = i%3 == 0
	} else {
		sh.searching = i%3 != 2
		sh.everWorked = i%2 == 0
	}
	return sh
}

// template returns the answers of the persona that fits sh, adjusted to sh.
func template(sh shape) (map[string]any, error) {
	persona := "employed"
	switch {
	case sh.refused:
		persona = "refused"
	case sh.status == 3:
		persona = "self-employed"
	case sh.status >= 6:
		persona = "unemployed"
	}
	data, err := builtin.Persona(persona)
	if err != nil {
		return nil, err
	}
	var a map[string]any
	if err := json.Unmarshal(data, &a); err != nil {
		return nil, err
	}
	if sh.refused {
		return a, nil
	}
	a["main_status"] = strconv.Itoa(sh.status)
	switch sh.status {
	case 1, 4, 5:
	case 2:
		a["work_country"] = "MY"
		a["employer_name"] = "Sdn Bhd Kuching Fabrication"
	case 3:
	default:
		a["further_training"] = "lpk"
		a["obstacles"] = "experience_req"
		a["searching_4w"] = map[bool]string{true: "yes", false: "no"}[sh.searching]
		a["ever_worked"] = map[bool]string{true: "yes", false: "no"}[sh.everWorked]
		a["first_job_date_nw"] = "2025-07-01"
	}
	if sh.status <= 5 {
		if sh.band {
			delete(a, "income_exact")
			a["income_band"] = "4"
		} else {
			a["income_exact"] = "4500000"
			delete(a, "income_band")
		}
		if sh.firstJob {
			a["first_after_training"] = "yes_first"
		} else {
			a["first_after_training"] = "earlier_job"
			a["first_job_date"] = "2025-05-12"
			a["job_start_date"] = "2025-09-01"
		}
	}
	return a, nil
}

// maker makes interviews: one session per shape, answered again for each interview.
type maker struct {
	form     *forms.Form
	n        int
	check    int
	now      time.Time
	sessions map[shape]*forms.Session
	paths    map[string]string
}

func newMaker(f *forms.Form, n, check int) *maker {
	return &maker{form: f, n: n, check: check, sessions: map[shape]*forms.Session{}, paths: map[string]string{}}
}

// path returns the path of the question called name.
func (m *maker) path(name string) string {
	p, ok := m.paths[name]
	if !ok {
		node := m.form.Node(name)
		if node == nil {
			panic("the built-in form has no question " + name)
		}
		p = node.Path()
		m.paths[name] = p
	}
	return p
}

// session returns the session of shape sh, filled from its template the first time.
func (m *maker) session(sh shape) (*forms.Session, error) {
	if s := m.sessions[sh]; s != nil {
		return s, nil
	}
	a, err := template(sh)
	if err != nil {
		return nil, err
	}
	m.now = time.Date(2026, 11, 20, 9, 0, 0, 0, time.UTC) // the personas were interviewed that day
	s := forms.NewSession(m.form, forms.Options{Now: func() time.Time { return m.now }, Location: time.UTC})
	if errs := s.Fill(a); len(errs) > 0 {
		return nil, fmt.Errorf("shape %+v: %v", sh, errs)
	}
	m.sessions[sh] = s
	return s, nil
}

func day(t time.Time) string { return t.Format(time.DateOnly) }

// submission returns revision rev of interview i, of roster row r (respondent id resp), as
// the server stores it.
func (m *maker) submission(i, rev int, r *survey.Respondent, resp, enumerator string) (*survey.Submission, error) {
	sh := shapeOf(i, rev)
	s, err := m.session(sh)
	if err != nil {
		return nil, err
	}
	final := finalAt(i, m.n, rev)
	m.now = final
	interview := final.AddDate(0, 0, -(i % 3))
	trainingEnd, err := time.Parse(time.DateOnly, r.TrainingEnd)
	if err != nil {
		return nil, err
	}
	var problem error
	set := func(name, value string) {
		if problem != nil || s.Value(m.path(name)) == value || !s.Relevant(m.path(name)) {
			return
		}
		p, err := s.Set(m.path(name), value)
		switch {
		case err != nil:
			problem = err
		case p != nil:
			problem = fmt.Errorf("%s = %q: %s", name, value, p.Message)
		}
	}
	nik := r.NIK
	if i%37 == 4 {
		nik = nik[:6] + " " + nik[6:12] + " " + nik[12:] // spaced as on the card; the form cleans it
	}
	set("interview_date", day(interview))
	set("roster_id", r.RosterID)
	set("nik", nik)
	set("full_name", r.Name)
	set("sex", r.Sex)
	set("birth_date", r.BirthDate)
	set("domicile_regency", r.Regency)
	set("education", r.Education)
	set("kejuruan", r.Kejuruan)
	set("program_name", r.ProgramName)
	set("batch_id", r.BatchID)
	set("training_end_date", r.TrainingEnd)
	set("funding", r.Funding)
	set("completion", r.Completion)
	set("status_before", strconv.Itoa(i%7+1))
	set("interview_mode", []string{"phone", "wa", "visit", "phone"}[i%4])
	if !sh.refused {
		since := int(interview.Sub(trainingEnd).Hours() / 24) // days from the training's end to the interview
		if sh.status <= 5 {
			start := trainingEnd.AddDate(0, 0, (i*37)%max(since, 1))
			if i%17 == 0 {
				start = trainingEnd.AddDate(0, 0, -45) // a job from before the training ended
			}
			set("job_start_date", day(start))
			if !sh.firstJob {
				before := int(start.Sub(trainingEnd).Hours() / 24)
				first := start
				if before > 0 {
					first = trainingEnd.AddDate(0, 0, (i*13)%before)
				}
				set("first_job_date", day(first))
			}
			set("hours_week", strconv.Itoa(20+i%40))
			if sh.band {
				set("income_band", strconv.Itoa(i%8+1))
			} else {
				set("income_exact", strconv.Itoa(1_500_000+(i*7919)%6_500_000))
			}
			set("job_match", strconv.Itoa((i+rev)%5+1))
			set("job_satisfaction", strconv.Itoa((i/5+rev)%5+1))
			set("skill_use", strconv.Itoa((i/3+rev)%5+1))
			set("training_helped", strconv.Itoa((i/13)%5+1))
			set("contract", []string{"pkwtt", "pkwt", "none", "pkwt"}[i%4])
			set("work_regency", regency[(i/3)%len(regency)])
			set("sector_kbli", string(rune('A'+i%21)))
			set("biz_paid_workers", strconv.Itoa(i%5))
		} else {
			set("applications", strconv.Itoa(i%30))
			if sh.everWorked {
				set("first_job_date_nw", day(trainingEnd.AddDate(0, 0, (i*11)%max(since, 1))))
			}
		}
		set("sat_overall", strconv.Itoa((i/7)%5+1))
		set("sat_relevance", strconv.Itoa((i/11)%5+1))
		set("sat_instructor", strconv.Itoa((i/17)%5+1))
		set("sat_practice", strconv.Itoa((i/19)%5+1))
		set("recommend", strconv.Itoa(i%11))
	}
	if problem != nil {
		return nil, fmt.Errorf("interview %d revision %d: %w", i, rev, problem)
	}
	checked := i%m.check == 0
	if checked {
		// Each answer was checked as it was set; this finds what an answer set later broke.
		if probs := s.Problems(); len(probs) > 0 {
			return nil, fmt.Errorf("interview %d revision %d: question %s: %s", i, rev, probs[0].Name, probs[0].Message)
		}
	}
	started := startedAt(i, m.n, rev)
	answers := s.Final()
	for k := range answers {
		switch answers[k].Path {
		case "start":
			answers[k].Value = started.Format("2006-01-02T15:04:05.000-07:00")
		case "today":
			answers[k].Value = day(started)
		}
	}
	iv := &survey.Interview{ID: interviewID(i, m.n), Revision: rev, FormID: m.form.ID, FormVersion: m.form.Version, FormHash: m.form.Hash,
		RespondentID: resp, Enumerator: enumerator, StartedAt: started}
	body, err := survey.NewRecord(iv, answers, final).Canonical()
	if err != nil {
		return nil, err
	}
	if checked {
		if err := serverCheck(m.form, body); err != nil {
			return nil, fmt.Errorf("interview %d revision %d: %w", i, rev, err)
		}
	}
	return &survey.Submission{InterviewID: iv.ID, Revision: rev, Hash: survey.HashBytes(body), Body: body,
		FormID: m.form.ID, FormVersion: m.form.Version, RespondentID: resp, Enumerator: enumerator, SubmittedBy: enumerator,
		DeviceTime: final}, nil
}

// serverCheck checks a record as the server checks a pushed one: its answers restored into a
// new session of the form at its finalization time name only the form's questions and leave
// no problem.
func serverCheck(f *forms.Form, body []byte) error {
	rec, err := survey.DecodeRecord(body)
	if err != nil {
		return err
	}
	finalized := rec.FinalizedAt
	sess, unknown := forms.RestoreSession(f, forms.Options{Now: func() time.Time { return finalized }}, rec.AnswerList())
	if len(unknown) > 0 {
		return fmt.Errorf("the form has no question %q", unknown[0])
	}
	if probs := sess.Problems(); len(probs) > 0 {
		return fmt.Errorf("question %s: %s", probs[0].Name, probs[0].Message)
	}
	return nil
}

// enumerators are the accounts the interviews are spread over.
const enumerators = 25

func enumeratorName(i int) string { return fmt.Sprintf("enum%02d", i%enumerators+1) }

// interviews makes the revisions of interviews from to to-1.
func (m *maker) interviews(from, to int, order rosterOrder) ([]*survey.Submission, error) {
	var out []*survey.Submission
	for i := from; i < to; i++ {
		row, ok := rowOf(i, order)
		var r *survey.Respondent
		var resp string
		switch {
		case !ok:
			resp, r = fmt.Sprintf("WALKIN-%07d", i), respondent(order.n+i) // outside the roster
			r.RosterID = resp                                              // the id its record answers with
		case i%97 == 3:
			r = rosterRow(row) // linked by the roster id it confirms
		default:
			r = rosterRow(row)
			resp = r.RosterID
		}
		revs := 1
		if i%20 == 13 {
			revs = 2
		}
		for rev := 1; rev <= revs; rev++ {
			sub, err := m.submission(i, rev, r, resp, enumeratorName(i))
			if err != nil {
				return nil, err
			}
			out = append(out, sub)
		}
	}
	return out, nil
}

// rowOf returns the roster row interview i is made of, false for a walk-in outside the
// roster (one in 199 of those with a respondent id).
func rowOf(i int, order rosterOrder) (int, bool) {
	if i%199 == 11 && i%97 != 3 {
		return 0, false
	}
	turn := i % order.n
	if i%50 == 49 && turn > 0 {
		turn-- // a second interview of the previous person
	}
	return order.row(turn), true
}

// rosterOrder is the order in which the roster's n rows are interviewed: the roster's own
// order, or with a multiplier a scattered one (row = turn * a mod n, a coprime to n, so each
// row has one turn), as in the field, where the people who come to an event or answer the
// phone are in no order of the roster's, and the export's roster join reads at random.
type rosterOrder struct{ n, a int }

func newRosterOrder(n int, shuffle bool) rosterOrder {
	if !shuffle || n < 3 {
		return rosterOrder{n: n, a: 1}
	}
	a := int(float64(n)*0.6180339887) | 1 // near the golden ratio: neighbours land far apart
	for gcd(a, n) != 1 {
		a += 2
	}
	return rosterOrder{n: n, a: a % n}
}

// row returns the roster row interviewed at turn (0 <= turn < n).
func (o rosterOrder) row(turn int) int { return int(uint64(turn) * uint64(o.a) % uint64(o.n)) }

func gcd(a, b int) int {
	for b != 0 {
		a, b = b, a%b
	}
	return a
}

// chunk is how many interviews a worker makes at a time.
const chunk = 500

// generate makes the n interviews on workers goroutines and hands them to put in order.
func generate(o options, f *forms.Form, put func([]*survey.Submission) error) error {
	type result struct {
		subs []*survey.Submission
		err  error
	}
	order := make(chan chan result, 4*o.workers)
	type job struct {
		from int
		out  chan result
	}
	work := make(chan job)
	for range o.workers {
		go func() {
			m := newMaker(f, o.n, o.check)
			for j := range work {
				subs, err := m.interviews(j.from, min(j.from+chunk, o.n), newRosterOrder(o.roster, o.shuffle))
				j.out <- result{subs, err}
			}
		}()
	}
	stop := make(chan struct{})
	go func() {
		defer close(order)
		defer close(work)
		for from := 0; from < o.n; from += chunk {
			out := make(chan result, 1)
			select {
			case order <- out:
			case <-stop:
				return
			}
			select {
			case work <- job{from, out}:
			case <-stop:
				return
			}
		}
	}()
	defer close(stop)
	for out := range order {
		r := <-out
		if r.err != nil {
			return r.err
		}
		if err := put(r.subs); err != nil {
			return err
		}
	}
	return nil
}

func run(ctx context.Context, o options, log io.Writer) error {
	t0 := time.Now()
	db, err := testbed.OpenServerDB(ctx, o.path)
	if err != nil {
		return err
	}
	defer db.Close()
	users := sqlite.NewUserStore(db)
	for e := range enumerators {
		if _, _, err := users.CreateUser(ctx, enumeratorName(e), survey.RoleEnumerator); err != nil {
			return err
		}
	}
	f, _, err := testbed.Builtin()
	if err != nil {
		return err
	}
	var w writer
	if o.stores {
		w = &storeWriter{db: db, rosterStore: sqlite.NewServerRosterStore(db), subs: sqlite.NewSubmissionStore(db), reviews: sqlite.NewReviewStore(db), ledger: sqlite.NewAttemptLedger(db)}
	} else {
		w = &sqlWriter{db: db.SQL(), batch: o.batch}
	}
	rows := make([]*survey.Respondent, 0, o.batch)
	for i := range o.roster {
		rows = append(rows, rosterRow(i))
		if len(rows) == o.batch || i == o.roster-1 {
			if err := w.roster(ctx, rows); err != nil {
				return fmt.Errorf("roster rows to %d: %w", i+1, err)
			}
			rows = rows[:0]
		}
	}
	fmt.Fprintf(log, "roster: %d rows in %v\n", o.roster, time.Since(t0).Round(time.Millisecond))
	t1 := time.Now()
	if err := generate(o, f, func(subs []*survey.Submission) error { return w.submissions(ctx, subs) }); err != nil {
		return err
	}
	if err := w.close(ctx); err != nil {
		return err
	}
	fmt.Fprintf(log, "interviews: %d in %v\n", o.n, time.Since(t1).Round(time.Millisecond))
	if o.attempts {
		t2 := time.Now()
		first := interviewedRows(o)
		var as []*survey.Attempt
		total := 0
		for r := range o.roster {
			as = append(as, rowAttempts(r, int(first[r]), o)...)
			if len(as) >= o.batch || r == o.roster-1 {
				if err := w.attempts(ctx, as); err != nil {
					return err
				}
				total += len(as)
				as = as[:0]
			}
		}
		if err := w.close(ctx); err != nil {
			return err
		}
		fmt.Fprintf(log, "attempts: %d in %v\n", total, time.Since(t2).Round(time.Millisecond))
	}
	if o.approve > 0 || o.returned > 0 {
		if _, _, err := users.CreateUser(ctx, supervisor, survey.RoleSupervisor); err != nil {
			return err
		}
	}
	if o.returned > 0 {
		t2 := time.Now()
		all := returns(o)
		for rs := all; len(rs) > 0; {
			k := min(len(rs), o.batch)
			if err := w.returnFor(ctx, rs[:k]); err != nil {
				return err
			}
			rs = rs[k:]
		}
		if err := w.close(ctx); err != nil {
			return err
		}
		fmt.Fprintf(log, "returned: %d in %v\n", len(all), time.Since(t2).Round(time.Millisecond))
	}
	if o.approve > 0 {
		t2 := time.Now()
		all := approvals(o)
		for as := all; len(as) > 0; {
			k := min(len(as), o.batch)
			if err := w.approve(ctx, as[:k]); err != nil {
				return err
			}
			as = as[k:]
		}
		if err := w.close(ctx); err != nil {
			return err
		}
		fmt.Fprintf(log, "approvals: %d in %v\n", len(all), time.Since(t2).Round(time.Millisecond))
	}
	return nil
}

// supervisor is the account that approves interviews.
const supervisor = "spv01"

// approval is one interview's approval: its latest revision, who sent it, when it was
// approved.
type approval struct {
	id, enumerator, comment string
	revision                int
	at                      time.Time
}

// approved reports whether interview i is among the share approved: a share of each
// thousand interviews, scattered over them by a multiplicative hash.
func approved(i int, share float64) bool {
	return uint64(i)*2654435761%1000 < uint64(share*1000+0.5)
}

// approvals returns the approvals of o's interviews in the order they are made: each
// chosen interview's latest revision, a day after the server received it; an interview
// returned for correction is not approved.
func approvals(o options) []approval {
	var out []approval
	for i := range o.n {
		if !approved(i, o.approve) || returned(i, o.returned) {
			continue
		}
		rev := 1
		if i%20 == 13 {
			rev = 2
		}
		out = append(out, approval{id: interviewID(i, o.n), enumerator: enumeratorName(i), revision: rev,
			at: receivedAt(finalAt(i, o.n, rev)).Add(24 * time.Hour)})
	}
	return out
}

// writer stores roster rows and submissions.
type writer interface {
	roster(ctx context.Context, rows []*survey.Respondent) error
	submissions(ctx context.Context, subs []*survey.Submission) error
	approve(ctx context.Context, as []approval) error
	attempts(ctx context.Context, as []*survey.Attempt) error
	returnFor(ctx context.Context, rs []approval) error
	close(ctx context.Context) error
}

// storeWriter writes through the server's stores, one revision per ingest.
type storeWriter struct {
	db          *sqlite.DB
	rosterStore *sqlite.ServerRosterStore
	subs        *sqlite.SubmissionStore
	reviews     *sqlite.ReviewStore
	ledger      *sqlite.AttemptLedger
}

func (w *storeWriter) roster(ctx context.Context, rows []*survey.Respondent) error {
	w.db.Now = func() time.Time { return rosterAt }
	_, err := w.rosterStore.Upload(ctx, rows)
	return err
}

func (w *storeWriter) submissions(ctx context.Context, subs []*survey.Submission) error {
	for _, s := range subs {
		at := receivedAt(s.DeviceTime)
		w.db.Now = func() time.Time { return at }
		rs, err := w.subs.Ingest(ctx, []*survey.Submission{s})
		if err != nil {
			return err
		}
		if rs[0].Status != survey.ReceiptStored {
			return fmt.Errorf("interview %s revision %d: %s %s", s.InterviewID, s.Revision, rs[0].Status, rs[0].Message)
		}
	}
	return nil
}

func (w *storeWriter) approve(ctx context.Context, as []approval) error {
	for _, a := range as {
		w.db.Now = func() time.Time { return a.at }
		if _, err := w.reviews.Approve(ctx, a.id, a.revision, "", supervisor); err != nil {
			return fmt.Errorf("approve interview %s revision %d: %w", a.id, a.revision, err)
		}
	}
	return nil
}

// attempts pushes each attempt as its enumerator's laptop does, received a few minutes
// after it was made.
func (w *storeWriter) attempts(ctx context.Context, as []*survey.Attempt) error {
	for _, a := range as {
		at := receivedAt(a.At)
		w.db.Now = func() time.Time { return at }
		rs, err := w.ledger.Ingest(ctx, []*survey.Attempt{a}, a.Enumerator, true)
		if err != nil {
			return err
		}
		if rs[0].Status != survey.ReceiptStored {
			return fmt.Errorf("attempt %s of %s: %s %s", a.ID, a.RosterID, rs[0].Status, rs[0].Message)
		}
	}
	return nil
}

func (w *storeWriter) returnFor(ctx context.Context, rs []approval) error {
	for _, r := range rs {
		w.db.Now = func() time.Time { return r.at }
		if _, err := w.reviews.ReturnWithComments(ctx, r.id, r.revision, r.comment, nil, supervisor); err != nil {
			return fmt.Errorf("return interview %s revision %d: %w", r.id, r.revision, err)
		}
	}
	return nil
}

func (w *storeWriter) close(context.Context) error { return nil }
