package main

import (
	"context"
	"fmt"

	"tracer/survey"
	"tracer/survey/sqlite"
)

// runServeEnrollments lists the enrollments a relay made while it could not reach the
// centre, and releases the held interviews of one the centre refused.
func (m *Main) runServeEnrollments(ctx context.Context, args []string) error {
	fs := m.newFlagSet("serve enrollments", "tracer serve enrollments [--db FILE] [--data DIR] [--release ID]\n\n"+
		"Lists the laptops a relay enrolled while it could not reach the centre: the account, the\n"+
		"device, when, whether the centre confirmed or refused it (and why), and the interviews held\n"+
		"here for it. --release ID lets the held interviews of a refused enrollment go to the centre\n"+
		"under its account, which checks each one as usual: do it after review, when the interviews\n"+
		"are that account's own. The relay's PIN is asked for (or TRACER_PIN).\n")
	dbFlag, dataFlag := relayDBFlags(fs)
	release := fs.String("release", "", "release the held interviews of the refused enrollment `ID`")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usageError("serve enrollments takes no arguments, got %q", fs.Arg(0))
	}
	db, path, err := m.openRelayDB(ctx, *dbFlag, *dataFlag, "enrollments are a relay's")
	if err != nil {
		return err
	}
	defer db.Close()
	if err := m.unlockRelayDB(db, path); err != nil {
		return err
	}
	store := sqlite.NewRelayStore(db)
	if *release != "" {
		if err := store.Release(ctx, *release); err != nil {
			return fmt.Errorf("release %s: %s", survey.Printable(*release), survey.ErrorMessage(err))
		}
		fmt.Fprintf(m.Stdout, "released %s: its held interviews go to the centre at the relay's next round online\n", survey.Printable(*release))
		return nil
	}
	list, err := store.Enrollments(ctx, false)
	if err != nil {
		return err
	}
	if len(list) == 0 {
		fmt.Fprintln(m.Stdout, "no laptop enrolled here while the centre was out of reach")
		return nil
	}
	for _, e := range list {
		line := survey.Plurals("%s  %s on %s, %s: %s, %d interview{s} held", e.ID, survey.Printable(e.User), survey.Printable(e.Device),
			e.EnrolledAt.UTC().Format("2006-01-02 15:04"), e.State, e.Held)
		if e.Message != "" {
			line += " (" + survey.Printable(e.Message) + ")"
		}
		fmt.Fprintln(m.Stdout, line)
	}
	return nil
}
