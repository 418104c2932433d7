// Command gendb creates a real server database for measuring exports and reports: a roster
// of -roster rows and -n finalized interviews of the built-in form, one per roster row in
// turn, stored through the server's own stores (the roster upload and the submission
// store's ingest, in transactions of -batch rows) as "tracer serve" would store them.
//
//	go run ./sync/testbed/gendb -o /tmp/1m.db -n 1000000
//
// Every interview is the built-in form's employed persona with the roster row's identity
// (roster id, NIK, name, sex, birth date, kejuruan, batch), and answers that vary with its
// number so that every indicator, breakdown and median of the report has something to work
// on: the main activity cycles through its nine codes, one in 13 refuses consent, one in 4
// gives an income band instead of an exact income, and the interview date, months to the
// first job (answered, or from the first job's date), hours, job match, satisfaction,
// recommendation, job search and paid workers vary. One interview in 50 is
// a second interview of the previous person (the report keeps the later), one in 97 has no
// respondent id and is linked by the roster id it confirms, one in 199 is a walk-in outside
// the roster, and one in 20 is stored again as revision 2 with another main activity. In
// the roster, one row in 10 did not pass, training ends vary over a year, and one row in
// 1,000 shares the NIK of the row before (one person in two batches). No interview is
// approved: read them with --revisions latest.
package main

import (
	"context"
	"flag"
	"fmt"
	"log"
	"os"
	"strconv"
	"strings"
	"time"

	"tracer/survey"
	"tracer/survey/sqlite"
	"tracer/sync/testbed"
)

func main() {
	out := flag.String("o", "", "the server database to create (must not exist)")
	n := flag.Int("n", 10000, "interviews")
	rosterRows := flag.Int("roster", 0, "roster rows (default: as many as interviews)")
	batch := flag.Int("batch", 5000, "rows per transaction")
	flag.Parse()
	if *out == "" || *n < 0 {
		flag.Usage()
		os.Exit(2)
	}
	if *rosterRows <= 0 {
		*rosterRows = max(*n, 1)
	}
	if _, err := os.Stat(*out); err == nil {
		log.Fatalf("%s exists", *out)
	}
	if err := run(context.Background(), *out, *n, *rosterRows, *batch); err != nil {
		log.Fatal(err)
	}
}

var (
	kejuruan = []string{"LAS", "TIK", "OTOMOTIF", "LISTRIK", "MENJAHIT", "KULINER", "BANGUNAN", "PERTANIAN"}
	funding  = []string{"apbn", "apbd_prov", "apbd_kab_murni", "swasta"}
	regency  = []string{"6401", "6402", "6403", "6408", "6471", "6472", "6474"}
)

// respondent returns roster row i, with a NIK unique to it.
func respondent(i int) *survey.Respondent {
	d := i / 9999
	day, month, year := d%28+1, (d/28)%12+1, (80+d/336)%100
	sex := survey.SexMale
	if i%2 == 1 {
		sex, day = survey.SexFemale, day+40 // a woman's NIK adds 40 to the day
	}
	nik := fmt.Sprintf("640806%02d%02d%02d%04d", day, month, year, i%9999+1)
	completion := "pass"
	if i%10 == 7 {
		completion = "fail"
	}
	bday := day
	if bday > 40 {
		bday -= 40
	}
	return &survey.Respondent{
		RosterID: fmt.Sprintf("R%07d", i), NIK: nik, Name: fmt.Sprintf("Alumni %d", i), Sex: sex,
		BirthDate: fmt.Sprintf("19%02d-%02d-%02d", year, month, bday), Phone: fmt.Sprintf("+62857%08d", i),
		Education: "5", Institution: "UPTD BLKI Kota Bontang", Kejuruan: kejuruan[i%len(kejuruan)],
		ProgramName: "Program " + kejuruan[i%len(kejuruan)], BatchID: fmt.Sprintf("BTG-2025-%02d", i%12+1),
		TrainingStart: "2025-02-03", TrainingEnd: fmt.Sprintf("2025-%02d-%02d", i%12+1, i%28+1), BudgetYear: "2025",
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
		r.NIK = respondent(i - 1).NIK
	}
	return r
}

// answers returns interview i of roster row r at revision rev: the persona's answers with
// r's identity and the variations of the package comment.
func answers(persona []survey.Answer, i, rev int, r *survey.Respondent) []survey.Answer {
	as := make([]survey.Answer, 0, len(persona)+1)
	band := ""
	for _, a := range persona {
		name := a.Path[strings.LastIndexByte(a.Path, '/')+1:]
		switch name {
		case "roster_id":
			a.Value = r.RosterID
		case "nik":
			a.Value = r.NIK
		case "full_name":
			a.Value = r.Name
		case "sex":
			a.Value = r.Sex
		case "birth_date":
			a.Value = r.BirthDate
		case "kejuruan":
			a.Value = r.Kejuruan
		case "batch_id":
			a.Value = r.BatchID
		case "funding":
			a.Value = r.Funding
		case "domicile_regency":
			a.Value = r.Regency
		case "training_end_date":
			a.Value = r.TrainingEnd
		case "consent":
			if i%13 == 5 {
				a.Value = "no"
			}
		case "main_status":
			a.Value = strconv.Itoa((i+rev-1)%9 + 1)
			if a.Value == "9" {
				a.Value = "1"
			}
		case "interview_date":
			a.Value = fmt.Sprintf("2026-%02d-%02d", 9+i%3, i%28+1)
		case "income_exact":
			if i%4 == 1 {
				a.Value, band = "", strconv.Itoa(i%9+1)
			} else {
				a.Value = strconv.Itoa(2_000_000 + (i*7919)%6_000_000)
			}
		case "hours_week":
			a.Value = strconv.Itoa(20 + i%40)
		case "job_match", "job_satisfaction", "sat_overall", "sat_relevance":
			a.Value = strconv.Itoa((i+len(name))%5 + 1)
		case "recommend":
			a.Value = strconv.Itoa(i % 11)
		case "first_job_date":
			a.Value = fmt.Sprintf("2025-%02d-%02d", (i/7)%12+1, i%28+1)
		case "status_before":
			a.Value = strconv.Itoa(i%7 + 1)
		case "contract":
			a.Value = []string{"pkwtt", "pkwt", "none", "pkwt"}[i%4]
		case "work_regency":
			a.Value = regency[(i/3)%len(regency)]
		case "sector_kbli":
			a.Value = string(rune('A' + i%21))
		case "months_to_first_job":
			if i%3 != 0 {
				a.Value = "" // from the first job's date
			} else {
				a.Value = strconv.Itoa(i%16 - 2)
			}
		}
		if a.Value != "" {
			as = append(as, a)
		}
	}
	if band != "" {
		as = append(as, survey.Answer{Path: "income_band", Value: band})
	}
	if i%3 != 2 {
		as = append(as, survey.Answer{Path: "searching_4w", Value: "yes"}, survey.Answer{Path: "available_2w", Value: "yes"})
	}
	if i%6 == 2 {
		as = append(as, survey.Answer{Path: "biz_paid_workers", Value: strconv.Itoa(i % 5)})
	}
	return as
}

func run(ctx context.Context, path string, n, rosterRows, batch int) error {
	t0 := time.Now()
	db, err := testbed.OpenServerDB(ctx, path)
	if err != nil {
		return err
	}
	defer db.Close()
	users := sqlite.NewUserStore(db)
	const enumerator = "gen"
	if _, _, err := users.CreateUser(ctx, enumerator, survey.RoleEnumerator); err != nil {
		return err
	}
	roster := sqlite.NewServerRosterStore(db)
	rows := make([]*survey.Respondent, 0, batch)
	for i := range rosterRows {
		rows = append(rows, rosterRow(i))
		if len(rows) == batch || i == rosterRows-1 {
			if _, err := roster.Upload(ctx, rows); err != nil {
				return fmt.Errorf("roster rows to %d: %w", i+1, err)
			}
			rows = rows[:0]
		}
	}
	fmt.Printf("roster: %d rows in %v\n", rosterRows, time.Since(t0).Round(time.Millisecond))

	f, persona, err := testbed.Builtin()
	if err != nil {
		return err
	}
	subs := sqlite.NewSubmissionStore(db)
	at := time.Date(2026, 11, 20, 10, 0, 0, 0, time.UTC)
	pending := make([]*survey.Submission, 0, batch)
	t1 := time.Now()
	add := func(s *survey.Submission) error {
		pending = append(pending, s)
		if len(pending) < batch {
			return nil
		}
		_, err := subs.Ingest(ctx, pending)
		pending = pending[:0]
		return err
	}
	for i := range n {
		row := i % rosterRows
		if i%50 == 49 && row > 0 {
			row-- // a second interview of the previous person
		}
		r := rosterRow(row)
		resp := r.RosterID
		switch {
		case i%97 == 3:
			resp = "" // linked by the roster id it confirms
		case i%199 == 11:
			resp, r = fmt.Sprintf("WALKIN-%07d", i), respondent(rosterRows+i) // outside the roster
		}
		id := survey.NewID()
		revs := 1
		if i%20 == 13 {
			revs = 2
		}
		for rev := 1; rev <= revs; rev++ {
			iv := &survey.Interview{ID: id, Revision: rev, FormID: f.ID, FormVersion: f.Version, FormHash: f.Hash,
				RespondentID: resp, Enumerator: enumerator, StartedAt: at.Add(-20 * time.Minute)}
			final := at.Add(time.Duration(i)*time.Second + time.Duration(rev-1)*time.Hour)
			body, err := survey.NewRecord(iv, answers(persona, i, rev, r), final).Canonical()
			if err != nil {
				return err
			}
			if err := add(&survey.Submission{InterviewID: id, Revision: rev, Hash: survey.HashBytes(body), Body: body,
				FormID: f.ID, FormVersion: f.Version, RespondentID: resp, Enumerator: enumerator, SubmittedBy: enumerator,
				DeviceTime: final}); err != nil {
				return fmt.Errorf("interviews to %d: %w", i+1, err)
			}
		}
	}
	if len(pending) > 0 {
		if _, err := subs.Ingest(ctx, pending); err != nil {
			return fmt.Errorf("interviews to %d: %w", n, err)
		}
	}
	fmt.Printf("interviews: %d in %v\n", n, time.Since(t1).Round(time.Millisecond))
	return nil
}
