package main

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"sort"
	"time"

	"tracer/survey"
	"tracer/survey/postgres"
	"tracer/survey/seal"
	"tracer/survey/sqlite"
	"tracer/sync/client"
	"tracer/sync/server"
	"tracer/sync/wire"
)

// syncTo writes the laptop's outbox into dir as sealed bundles.
func (m *Main) syncTo(ctx context.Context, dir, to string) error {
	enr, token, err := m.enrolled(dir)
	if err != nil {
		return err
	}
	db, err := m.openLaptopDB(ctx, dir)
	if err != nil {
		return err
	}
	defer db.Close()
	ivs, err := interviewStore(db, dir)
	if err != nil {
		return err
	}
	l := client.Laptop{Interviews: ivs, State: sqlite.NewSyncStateStore(db), Attempts: sqlite.NewAttemptStore(db),
		Updates: sqlite.NewRosterUpdateStore(db), FormsDir: filepath.Join(dir, "forms"), Account: enr.ownOnly()}
	wrote, err := client.WriteOutbox(ctx, l, to, enr.User, token, time.Now())
	if err != nil {
		return err
	}
	files := wrote.Files
	held, err := client.HeldBack(ctx, l)
	if err != nil {
		return err
	}
	if len(held) > 0 {
		sum := survey.SyncSummary{Held: held}
		fmt.Fprint(m.Stdout, survey.Plurals("not for sync: %d interview{s} made with a form the server did not publish (%s) {stays|stay} on this laptop; {it syncs|they sync} once the server publishes exactly that file\n",
			len(held), survey.Printable(sum.HeldForms())))
	}
	if len(files) == 0 && len(held) > 0 {
		fmt.Fprintln(m.Stdout, "nothing else to write")
		return nil
	}
	if len(files) == 0 {
		fmt.Fprintln(m.Stdout, "nothing to write: the outbox is empty")
		return nil
	}
	for _, f := range files {
		fmt.Fprintf(m.Stdout, "wrote %s\n", f)
	}
	fmt.Fprint(m.Stdout, survey.Plurals("%d interview{s}, %d attempt{s} and %d roster update{s} written; they stay in the outbox until their receipts come back (tracer sync --from %s)\n",
		wrote.Items, wrote.Attempts, wrote.Updates, to))
	return nil
}

// syncFrom reads the receipts in from on a laptop and marks what they confirm sent.
func (m *Main) syncFrom(ctx context.Context, dir, from string) error {
	enr, token, err := m.enrolled(dir)
	if err != nil {
		return err
	}
	db, err := m.openLaptopDB(ctx, dir)
	if err != nil {
		return err
	}
	defer db.Close()
	ivs, err := interviewStore(db, dir)
	if err != nil {
		return err
	}
	l := client.Laptop{Interviews: ivs, State: sqlite.NewSyncStateStore(db), Attempts: sqlite.NewAttemptStore(db),
		Updates: sqlite.NewRosterUpdateStore(db)}
	sum, bad, err := client.ReadReceipts(ctx, l, from, enr.User, token)
	for _, b := range bad {
		fmt.Fprintf(m.Stdout, "refused: %s\n", printable(b.Error()))
	}
	if err != nil {
		return err
	}
	for _, o := range sum.Outcomes {
		if o.Outcome.Final() {
			fmt.Fprintf(m.Stdout, "refused: %s revision %d: %s (%s)\n", o.InterviewID, o.Revision, survey.Printable(o.Reason), survey.Printable(o.Code))
		}
	}
	for _, o := range sum.Updates {
		switch {
		case o.Outcome.Final():
			fmt.Fprintf(m.Stdout, "refused: roster update %s: %s (%s)\n", survey.Printable(o.ID), survey.Printable(o.Reason), survey.Printable(o.Code))
		case o.Outcome == survey.OutcomeWaiting:
			fmt.Fprintf(m.Stdout, "not taken yet: roster update %s: %s (%s)\n", survey.Printable(o.ID), survey.Printable(o.Reason), survey.Printable(o.Code))
		}
	}
	fmt.Fprint(m.Stdout, survey.Plurals("receipts: %d interview{s} marked sent (%d already there), %d refused, %d waiting; %d attempt{s} marked sent; %d roster update{s} marked sent, %d refused, %d waiting\n",
		sum.Count(survey.OutcomeStored, survey.OutcomeDuplicate), sum.Count(survey.OutcomeDuplicate),
		sum.Count(survey.OutcomeConflict, survey.OutcomeRefused), sum.Count(survey.OutcomeWaiting),
		sum.AttemptCount(survey.OutcomeStored, survey.OutcomeDuplicate), sum.UpdateCount(survey.OutcomeStored, survey.OutcomeDuplicate),
		sum.UpdateCount(survey.OutcomeConflict, survey.OutcomeRefused), sum.UpdateCount(survey.OutcomeWaiting)))
	if sum.Relay != "" && sum.Count(survey.OutcomeStored, survey.OutcomeDuplicate) > 0 {
		fmt.Fprintf(m.Stdout, "safe on two machines: this laptop and the relay of %s (centre code %s); the relay sends them on to the centre\n",
			survey.Printable(sum.Relay), relayCode(enr.PublicKey))
	}
	if len(bad) > 0 {
		return silentError{1}
	}
	return nil
}

// importDB returns the relay's or server's database that --from imports into: dbFlag, or
// else the relay's or server's database in the data folder of a machine that is not an
// enrolled laptop; "" on a laptop.
func (m *Main) importDB(dir, dbFlag string) string {
	if dbFlag != "" {
		return dbFlag
	}
	if _, err := os.Stat(filepath.Join(dir, serverFile)); err == nil {
		return ""
	}
	for _, name := range []string{relayDBName, serverDBName} {
		if _, err := os.Stat(filepath.Join(dir, name)); err == nil {
			return filepath.Join(dir, name)
		}
	}
	return ""
}

// importBundles imports the outbox bundles in from into the relay's or server's database
// at path (a SQLite file, or a server's postgres:// URL with its keys in the data folder
// data) and writes each one's receipts beside them.
func (m *Main) importBundles(ctx context.Context, path, from, data string) error {
	if postgres.IsURL(path) {
		st, err := m.openServerStores(ctx, path, data, dbMustExist)
		if err != nil {
			return err
		}
		defer st.Close()
		if _, err := os.Stat(st.KeyPath); err != nil {
			return fmt.Errorf("no server key at %s: give the --data folder of the servers on %s", st.KeyPath, st.Name)
		}
		key, err := seal.LoadOrCreate(st.KeyPath)
		if err != nil {
			return err
		}
		return m.importInto(ctx, server.New(st.config(key, slog.New(slog.DiscardHandler))), from)
	}
	if _, err := os.Stat(path); err != nil {
		return fmt.Errorf("no relay or server database at %s", path)
	}
	db, err := sqlite.Open(ctx, path)
	if err != nil {
		return err
	}
	defer db.Close()
	log := slog.New(slog.DiscardHandler)
	var cfg server.Config
	if info, err := os.ReadFile(path + relayInfoSuffix); err == nil {
		var enr enrollment
		if err := json.Unmarshal(info, &enr); err != nil {
			return fmt.Errorf("%s is damaged", path+relayInfoSuffix)
		}
		if err := m.unlockRelayDB(db, path); err != nil {
			return err
		}
		cfg = relayConfig(db, &enr, nil, nil, log)
	} else {
		if _, err := os.Stat(path + seal.KeyFileSuffix); err != nil {
			return fmt.Errorf("%s has no key beside it (%s): it is not a relay's or server's database", path, path+seal.KeyFileSuffix)
		}
		key, err := seal.LoadOrCreate(path + seal.KeyFileSuffix)
		if err != nil {
			return err
		}
		cfg = centreConfig(db, key, log)
	}
	return m.importInto(ctx, server.New(cfg), from)
}

// importInto imports the outbox bundles in from through srv and writes each one's
// receipts beside it.
func (m *Main) importInto(ctx context.Context, srv *server.Server, from string) error {
	paths, err := filepath.Glob(filepath.Join(from, "*"+client.OutboxExt))
	if err != nil {
		return err
	}
	sort.Strings(paths)
	if len(paths) == 0 {
		fmt.Fprintf(m.Stdout, "no bundles (*%s) in %s\n", client.OutboxExt, from)
		return nil
	}
	failed := 0
	for _, p := range paths {
		data, err := client.ReadFileLimited(p)
		var imp *server.Import
		if err == nil {
			imp, err = srv.ImportBundle(ctx, data)
		}
		if err != nil {
			failed++
			fmt.Fprintf(m.Stdout, "refused: %s\n", printable((&client.BundleError{Path: p, Err: err}).Error()))
			continue
		}
		rp := client.ReceiptFile(p)
		if err := writePrivate(rp, imp.Sealed); err != nil {
			return fmt.Errorf("write the receipts of %s: %w", p, err)
		}
		fmt.Fprint(m.Stdout, survey.Plurals("imported %s from %s: %s; %d attempt{s}; %d roster update{s}; receipts in %s\n", p, survey.Printable(imp.User),
			receiptCounts(imp.Receipts.Receipts), len(imp.Receipts.Attempts), len(imp.Receipts.Updates), rp))
	}
	if failed > 0 {
		return silentError{1}
	}
	return nil
}

// receiptCounts says in words how many receipts had each outcome.
func receiptCounts(rcs []wire.Receipt) string {
	n := map[survey.Outcome]int{}
	for _, rc := range rcs {
		n[rc.Outcome()]++
	}
	return fmt.Sprintf("%d new, %d already there, %d refused, %d waiting", n[survey.OutcomeStored], n[survey.OutcomeDuplicate],
		n[survey.OutcomeConflict]+n[survey.OutcomeRefused], n[survey.OutcomeWaiting])
}
