package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"tracer/survey"
	"tracer/survey/sqlite"
	"tracer/sync/client"
)

func (m *Main) runSync(ctx context.Context, args []string) error {
	fs := m.newFlagSet("sync", "tracer sync [--data DIR] [--server URL]\n"+
		"tracer sync --to DIR | --from DIR [--db FILE]\n\n"+
		"Pushes every finalized interview to the server and pulls forms, the roster and the\n"+
		"interviews returned for correction. An interview is marked sent only when the server\n"+
		"confirms it. Exits 0 when everything was pushed. The token comes from $TRACER_TOKEN or\n"+
		"the token file \"tracer login\" wrote.\n\n"+
		"With no network at all: --to DIR writes the outbox as one sealed bundle file per batch;\n"+
		"on the relay or server, --from DIR --db FILE imports them and writes receipts beside them;\n"+
		"back on the laptop, --from DIR reads the receipts and only then marks the interviews sent.\n")
	dataFlag := fs.String("data", "", "data `DIR` (default: $TRACER_DATA, else the user's config folder/tracer)")
	serverFlag := fs.String("server", "", "sync with the server or relay at `URL`, and from now on once it answers (a relay at an event prints its URL)")
	toFlag := fs.String("to", "", "no network: write the outbox as a sealed bundle into `DIR` (a USB stick) instead of pushing")
	fromFlag := fs.String("from", "", "no network: on a laptop, read the receipts in `DIR`; on a relay or server (--db), import the laptops' bundles in DIR and write their receipts there")
	dbFlag := fs.String("db", "", "with --from: the relay's or server's database `FILE` (or the server's postgres:// URL, with --data its data folder) to import into")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usageError("sync takes no arguments, got %q", fs.Arg(0))
	}
	dir, err := m.dataDir(*dataFlag)
	if err != nil {
		return err
	}
	switch {
	case *toFlag != "" && (*fromFlag != "" || *serverFlag != "" || *dbFlag != ""):
		return usageError("--to goes alone")
	case *toFlag != "":
		if err := usbFolder("--to", *toFlag); err != nil {
			return err
		}
		return m.syncTo(ctx, dir, *toFlag)
	case *fromFlag != "" && *serverFlag != "":
		return usageError("--from and --server do not go together")
	case *fromFlag != "":
		if err := usbFolder("--from", *fromFlag); err != nil {
			return err
		}
		if db := m.importDB(dir, *dbFlag); db != "" {
			return m.importBundles(ctx, db, *fromFlag, *dataFlag)
		}
		return m.syncFrom(ctx, dir, *fromFlag)
	case *dbFlag != "":
		return usageError("--db goes with --from")
	}
	enr, token, err := m.enrolled(dir)
	if err != nil {
		return err
	}
	enrolledURL := enr.URL
	if *serverFlag != "" {
		enr.URL = *serverFlag
	}
	c, err := client.NewClient(enr.URL, client.WithToken(token), client.WithRetry(4, 250*time.Millisecond, 4*time.Second))
	if err != nil {
		return err
	}
	if enr.URL != enrolledURL {
		// Another address: before anything is sent or pulled, it must know this laptop's
		// account, as the centre and its relays do. A mistyped address that answers
		// anything (another service, a stub) is not adopted.
		u, err := c.Me(ctx)
		if err != nil {
			return syncError(c, err)
		}
		if u.Name != enr.User {
			return fmt.Errorf("%s answered, but not as a tracer server or relay that knows account %s (it named %q): nothing was sent or pulled; this laptop still syncs with %s",
				enr.URL, enr.User, survey.Printable(u.Name), enrolledURL)
		}
	}
	db, err := m.openLaptopDB(ctx, dir)
	if err != nil {
		return err
	}
	defer db.Close()
	fmt.Fprintf(m.Stdout, "syncing with %s as %s\n", enr.URL, enr.User)
	state := sqlite.NewSyncStateStore(db)
	ivs, err := interviewStore(db, dir)
	if err != nil {
		return err
	}
	sum, err := c.Sync(ctx, client.Laptop{
		Interviews: ivs, Roster: sqlite.NewRosterStore(db), State: state, Attempts: sqlite.NewAttemptStore(db),
		Updates: sqlite.NewRosterUpdateStore(db), Waves: sqlite.NewPulledWaves(db), FormsDir: filepath.Join(dir, "forms"),
		Account: enr.ownOnly(),
	}, func(p survey.SyncProgress) {
		if p.Done == p.Total || p.Done%100 == 0 {
			fmt.Fprintf(m.Stdout, "pushed %d/%d\n", p.Done, p.Total)
		}
	})
	if err != nil {
		if sum != nil && sum.Count(survey.OutcomeStored, survey.OutcomeDuplicate) > 0 {
			fmt.Fprintf(m.Stdout, "before the failure: pushed %d new, %d already there\n",
				sum.Count(survey.OutcomeStored), sum.Count(survey.OutcomeDuplicate))
		}
		return syncError(c, err)
	}
	for _, o := range sum.Outcomes {
		switch {
		case o.Outcome.Final():
			fmt.Fprintf(m.Stdout, "refused: %s revision %d: %s (%s)\n", o.InterviewID, o.Revision, survey.Printable(o.Reason), survey.Printable(o.Code))
		case o.Outcome == survey.OutcomeWaiting:
			fmt.Fprintf(m.Stdout, "not taken yet: %s revision %d: %s (%s)\n", o.InterviewID, o.Revision, survey.Printable(o.Reason), survey.Printable(o.Code))
		}
	}
	for _, o := range sum.RefusedLater {
		fmt.Fprintf(m.Stdout, "refused at the centre after a relay took it: %s: %s (%s); it stays on this laptop, not sent again\n",
			lateItem(o.Kind, o.InterviewID, o.Revision), survey.Printable(o.Reason), survey.Printable(o.Code))
	}
	for _, o := range sum.Attempts {
		switch {
		case o.Outcome.Final():
			fmt.Fprintf(m.Stdout, "refused: attempt for %s: %s (%s)\n", survey.Printable(o.RosterID), survey.Printable(o.Reason), survey.Printable(o.Code))
		case o.Outcome == survey.OutcomeWaiting:
			fmt.Fprintf(m.Stdout, "not taken yet: attempt for %s: %s (%s)\n", survey.Printable(o.RosterID), survey.Printable(o.Reason), survey.Printable(o.Code))
		}
	}
	for _, o := range sum.Updates {
		switch {
		case o.Outcome.Final():
			fmt.Fprintf(m.Stdout, "refused: roster update for %s: %s (%s)\n", survey.Printable(o.RosterID), survey.Printable(o.Reason), survey.Printable(o.Code))
		case o.Outcome == survey.OutcomeWaiting:
			fmt.Fprintf(m.Stdout, "not taken yet: roster update for %s: %s (%s)\n", survey.Printable(o.RosterID), survey.Printable(o.Reason), survey.Printable(o.Code))
		}
	}
	if len(sum.Updates) > 0 {
		fmt.Fprintf(m.Stdout, "roster updates: proposed %d new, %d already there, %d refused, %d waiting\n",
			sum.UpdateCount(survey.OutcomeStored), sum.UpdateCount(survey.OutcomeDuplicate),
			sum.UpdateCount(survey.OutcomeConflict, survey.OutcomeRefused), sum.UpdateCount(survey.OutcomeWaiting))
	}
	if len(sum.Attempts) > 0 {
		fmt.Fprintf(m.Stdout, "attempts: pushed %d new, %d already there, %d refused, %d waiting\n",
			sum.AttemptCount(survey.OutcomeStored), sum.AttemptCount(survey.OutcomeDuplicate),
			sum.AttemptCount(survey.OutcomeConflict, survey.OutcomeRefused), sum.AttemptCount(survey.OutcomeWaiting))
	}
	fmt.Fprintf(m.Stdout, "pushed %d new, %d already there, %d refused, %d waiting",
		sum.Count(survey.OutcomeStored), sum.Count(survey.OutcomeDuplicate),
		sum.Count(survey.OutcomeConflict, survey.OutcomeRefused)+sum.Skipped, sum.Count(survey.OutcomeWaiting))
	if sum.Skipped > 0 {
		fmt.Fprintf(m.Stdout, " (%d refused earlier, not sent again)", sum.Skipped)
	}
	fmt.Fprint(m.Stdout, survey.Plurals("; pulled %d form{s}, %d roster row{s}, %d returned interview{s}\n", sum.Forms, sum.RosterRows, sum.Returned))
	if sum.RosterGone > 0 {
		fmt.Fprint(m.Stdout, survey.Plurals("dropped %d roster row{s} no longer assigned to %s\n", sum.RosterGone, survey.Printable(enr.User)))
	}
	if sum.FormsRemoved > 0 {
		fmt.Fprint(m.Stdout, survey.Plurals("removed %d old form version{s} no draft or unsent interview on this laptop needs\n", sum.FormsRemoved))
	}
	if sum.Relay != "" && sum.Count(survey.OutcomeStored, survey.OutcomeDuplicate) > 0 {
		fmt.Fprintf(m.Stdout, "safe on two machines: this laptop and the relay of %s (centre code %s); the relay sends them on to the centre\n",
			survey.Printable(sum.Relay), relayCode(enr.PublicKey))
	}
	if sum.AttemptsPulled > 0 {
		fmt.Fprintf(m.Stdout, "earlier attempts by others on your alumni, kept for context: %d\n", sum.AttemptsPulled)
	}
	if sum.Purged > 0 {
		fmt.Fprint(m.Stdout, survey.Plurals("approved on the server, their content dropped from this laptop: %d interview{s}\n", sum.Purged))
	}
	if sum.Others > 0 {
		fmt.Fprint(m.Stdout, survey.Plurals("left on this laptop: %d interview revision{s}, contact attempt{s} or roster update{s} another account made; the server takes an enumerator's own only, so {it goes|they go} at that account's login\n", sum.Others))
	}
	if len(sum.Held) > 0 {
		fmt.Fprint(m.Stdout, survey.Plurals("not for sync: %d interview{s} made with a form the server did not publish (%s) {stays|stay} on this laptop; {it syncs|they sync} once the server publishes exactly that file\n",
			len(sum.Held), survey.Printable(sum.HeldForms())))
	}
	// A server or relay that answered is the one this laptop syncs with from now on, the
	// TUI's syncs too, until another --server.
	if *serverFlag != "" && c.BaseURL() != enrolledURL {
		enr.URL = c.BaseURL()
		info, _ := json.MarshalIndent(enr, "", "  ")
		if err := writePrivate(filepath.Join(dir, serverFile), append(info, '\n')); err != nil {
			return fmt.Errorf("save the server address: %w", err)
		}
		fmt.Fprintf(m.Stdout, "this laptop syncs with %s from now on (tracer sync --server URL changes it)\n", enr.URL)
	}
	// The interview screens show when the laptop last synced.
	if err := state.SetCursor(ctx, cursorLastSync, time.Now().Unix()); err != nil {
		return fmt.Errorf("store the time of the sync: %w", err)
	}
	if len(sum.Outcomes)+len(sum.Attempts)+len(sum.Updates)+sum.Skipped+sum.Others+len(sum.Held)+sum.Forms+sum.RosterRows+sum.RosterGone+sum.Returned+len(sum.RefusedLater) == 0 {
		fmt.Fprintln(m.Stdout, "nothing new")
	}
	if !sum.Complete() {
		return silentError{1}
	}
	return nil
}

// lateItem names in one line what a late refusal refused: "ID revision N" for an
// interview, "attempt ID" or "roster update ID".
func lateItem(kind survey.ItemKind, id string, revision int) string {
	switch kind.Of() {
	case survey.ItemAttempt:
		return "attempt " + survey.Printable(id)
	case survey.ItemRosterUpdate:
		return "roster update " + survey.Printable(id)
	}
	return fmt.Sprintf("%s revision %d", survey.Printable(id), revision)
}

// usbFolder checks the folder of sync --to or --from: it must be there, a folder. A stick not
// mounted leaves a path that is no folder, or an empty one on the laptop's own disk: writing
// the bundles there would leave the stick empty, and reading receipts from it would say
// nothing was found as if the stick held none.
func usbFolder(flag, dir string) error {
	fi, err := os.Stat(dir)
	switch {
	case errors.Is(err, os.ErrNotExist):
		return fmt.Errorf("%s %s: no such folder: is the USB stick plugged in and mounted there?", flag, dir)
	case err != nil:
		return fmt.Errorf("%s %s: %w", flag, dir, err)
	case !fi.IsDir():
		return fmt.Errorf("%s %s is a file: give the folder the bundles are in (the USB stick)", flag, dir)
	}
	return nil
}
