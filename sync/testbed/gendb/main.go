// Command gendb creates a real server database for measuring exports and reports: a roster
// of -roster rows and -n finalized interviews of the built-in form, one per roster row in
// turn, stored through the server's own stores (the roster upload and the submission
// store's ingest, in transactions of -batch rows) as "tracer serve" would store them.
//
//	go run ./sync/testbed/gendb -o /tmp/1m.db -n 1000000
//
// Every interview is the built-in form's employed persona with the roster row's identity
// (roster id, NIK, name, sex, birth date, kejuruan, batch) and an income that varies, so
// the report's breakdowns and medians have something to work on. No interview is approved:
// read them with --revisions latest.
package main

import (
	"context"
	"flag"
	"fmt"
	"log"
	"os"
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
	bday := day
	if bday > 40 {
		bday -= 40
	}
	return &survey.Respondent{
		RosterID: fmt.Sprintf("R%07d", i), NIK: nik, Name: fmt.Sprintf("Alumni %d", i), Sex: sex,
		BirthDate: fmt.Sprintf("19%02d-%02d-%02d", year, month, bday), Phone: fmt.Sprintf("+62857%08d", i),
		Education: "5", Institution: "UPTD BLKI Kota Bontang", Kejuruan: kejuruan[i%len(kejuruan)],
		ProgramName: "Program " + kejuruan[i%len(kejuruan)], BatchID: fmt.Sprintf("BTG-2025-%02d", i%12+1),
		TrainingStart: "2025-02-03", TrainingEnd: "2025-04-03", BudgetYear: "2025",
		Funding: funding[i%len(funding)], Completion: "pass", Regency: regency[i%len(regency)],
	}
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
		rows = append(rows, respondent(i))
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
	for i := range n {
		r := respondent(i % rosterRows)
		as := make([]survey.Answer, len(persona))
		copy(as, persona)
		for k := range as {
			switch as[k].Path {
			case "roster_id":
				as[k].Value = r.RosterID
			case "nik":
				as[k].Value = r.NIK
			case "full_name":
				as[k].Value = r.Name
			case "sex":
				as[k].Value = r.Sex
			case "birth_date":
				as[k].Value = r.BirthDate
			case "kejuruan":
				as[k].Value = r.Kejuruan
			case "batch_id":
				as[k].Value = r.BatchID
			case "funding":
				as[k].Value = r.Funding
			case "domicile_regency":
				as[k].Value = r.Regency
			case "income_exact":
				as[k].Value = fmt.Sprint(2_000_000 + (i*7919)%6_000_000)
			}
		}
		iv := &survey.Interview{ID: survey.NewID(), Revision: 1, FormID: f.ID, FormVersion: f.Version, FormHash: f.Hash,
			RespondentID: r.RosterID, Enumerator: enumerator, StartedAt: at.Add(-20 * time.Minute)}
		body, err := survey.NewRecord(iv, as, at).Canonical()
		if err != nil {
			return err
		}
		pending = append(pending, &survey.Submission{InterviewID: iv.ID, Revision: 1, Hash: survey.HashBytes(body), Body: body,
			FormID: f.ID, FormVersion: f.Version, RespondentID: r.RosterID, Enumerator: enumerator, SubmittedBy: enumerator,
			DeviceTime: at})
		if len(pending) == batch || i == n-1 {
			if _, err := subs.Ingest(ctx, pending); err != nil {
				return fmt.Errorf("interviews to %d: %w", i+1, err)
			}
			pending = pending[:0]
		}
	}
	fmt.Printf("interviews: %d in %v\n", n, time.Since(t1).Round(time.Millisecond))
	return nil
}
