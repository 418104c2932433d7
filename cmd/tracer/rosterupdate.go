package main

import (
	"context"
	"fmt"
	"strings"
	"text/tabwriter"
	"time"

	"tracer/survey"
	"tracer/survey/sqlite"
)

// updateFlags are the flags that propose roster updates, shared by "roster propose" and
// "attempt add".
type updateFlags struct {
	phone, regency, address, name *string
}

func addUpdateFlags(fs interface {
	String(name, value, usage string) *string
}, prefix string) updateFlags {
	return updateFlags{
		phone:   fs.String(prefix+"phone", "", "propose a new phone `NUMBER` for the alumnus' roster row"),
		regency: fs.String(prefix+"regency", "", "propose a new regency or city of domicile"),
		address: fs.String(prefix+"address", "", "propose a new address"),
		name:    fs.String(prefix+"name", "", "propose a corrected full name"),
	}
}

// updates returns one proposal per flag set, by the field's order.
func (f updateFlags) updates(rosterID, by string, at time.Time) []*survey.RosterUpdate {
	var out []*survey.RosterUpdate
	for _, x := range []struct {
		field survey.UpdateField
		v     string
	}{{survey.FieldPhone, *f.phone}, {survey.FieldRegency, *f.regency}, {survey.FieldAddress, *f.address}, {survey.FieldName, *f.name}} {
		if strings.TrimSpace(x.v) == "" {
			continue
		}
		out = append(out, &survey.RosterUpdate{ID: survey.NewID(), RosterID: rosterID, Field: x.field, Value: x.v,
			ProposedBy: by, ProposedAt: at.UTC()})
	}
	return out
}

// checkUpdates normalises the proposals' values, so that a malformed one stops the
// command before anything is saved.
func checkUpdates(us []*survey.RosterUpdate) error {
	for _, u := range us {
		if _, err := survey.NormalizeUpdateValue(u.Field, u.Value); err != nil {
			return fmt.Errorf("--%s: %s", u.Field, survey.ErrorMessage(err))
		}
	}
	return nil
}

// proposeAll saves each proposal on the laptop and says what it did.
func (m *Main) proposeAll(ctx context.Context, store *sqlite.RosterUpdateStore, us []*survey.RosterUpdate) error {
	for _, u := range us {
		saved, err := store.Propose(ctx, u)
		if err != nil {
			if code := survey.ErrorCode(err); code == survey.EINVALID || code == survey.ENOTFOUND {
				return fmt.Errorf("%s", survey.ErrorMessage(err))
			}
			return err
		}
		if saved.ID != u.ID {
			fmt.Fprintf(m.Stdout, "already proposed %s: %s %s %s (nothing new saved)\n", saved.ID, saved.RosterID, saved.Field, saved.Field.Shown(saved.Value))
			continue
		}
		fmt.Fprintf(m.Stdout, "proposed %s: %s %s %s (was %s); \"tracer sync\" sends it to the supervisor\n",
			saved.ID, saved.RosterID, saved.Field, survey.Printable(saved.Field.Shown(saved.Value)), orNone(survey.Printable(saved.Field.Shown(saved.Old))))
	}
	return nil
}

func orNone(s string) string {
	if s == "" {
		return "empty"
	}
	return s
}

// runRosterPropose proposes roster updates learnt in the field from this laptop.
func (m *Main) runRosterPropose(ctx context.Context, args []string) error {
	fs := m.newFlagSet("roster propose", "tracer roster propose ROSTER_ID (--phone N | --regency R | --address A | --name N)... [--note TEXT] [--attempt ID] [--data DIR]\n\n"+
		"Proposes a correction of an alumnus' row of the central roster, learnt in a call, a visit\n"+
		"or an interview: saved at once on this laptop, sent by \"tracer sync\", accepted or rejected\n"+
		"by the supervisor. The alumnus must be on this laptop's roster (assigned to you).\n")
	dataFlag := fs.String("data", "", "data `DIR` (default: $TRACER_DATA, else the user's config folder/tracer)")
	uf := addUpdateFlags(fs, "")
	note := fs.String("note", "", "a note for the supervisor")
	attempt := fs.String("attempt", "", "the id of the attempt in which it was learnt")
	interview := fs.String("interview", "", "the id of the interview in which it was learnt")
	if err := parseInterspersed(fs, args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		fs.Usage()
		return usageError("roster propose needs exactly one ROSTER_ID")
	}
	dir, err := m.dataDir(*dataFlag)
	if err != nil {
		return err
	}
	us := uf.updates(fs.Arg(0), m.enumeratorName(dir), time.Now())
	if len(us) == 0 {
		return usageError("roster propose needs at least one of --phone, --regency, --address, --name")
	}
	if err := checkUpdates(us); err != nil {
		return err
	}
	for _, u := range us {
		u.Note, u.AttemptID, u.InterviewID = *note, *attempt, *interview
	}
	db, err := m.openLaptopDB(ctx, dir)
	if err != nil {
		return err
	}
	defer db.Close()
	if err := m.noteUnenrolled(ctx, db, dir, us[0].ProposedBy); err != nil {
		return err
	}
	return m.proposeAll(ctx, sqlite.NewRosterUpdateStore(db), us)
}

// runRosterProposed lists the roster updates proposed on this laptop.
func (m *Main) runRosterProposed(ctx context.Context, args []string) error {
	fs := m.newFlagSet("roster proposed", "tracer roster proposed [ROSTER_ID] [--data DIR]\n\n"+
		"Lists the roster updates proposed on this laptop, oldest first, with whether the server has\n"+
		"them (sent), refused them (with the reason) or not yet.\n")
	dataFlag := fs.String("data", "", "data `DIR` (default: $TRACER_DATA, else the user's config folder/tracer)")
	if err := parseInterspersed(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 1 {
		return usageError("roster proposed takes at most one ROSTER_ID")
	}
	dir, err := m.dataDir(*dataFlag)
	if err != nil {
		return err
	}
	db, err := m.openLaptopDB(ctx, dir)
	if err != nil {
		return err
	}
	defer db.Close()
	list, err := sqlite.NewRosterUpdateStore(db).List(ctx, survey.UpdateFilter{RosterID: fs.Arg(0)})
	if err != nil {
		return err
	}
	for _, u := range list {
		state := "not sent"
		switch {
		case u.Refusal != "": // refused at push, or at the centre after a relay took it
			state = "refused: " + u.Refusal
		case !u.Sent.IsZero():
			state = "sent"
		}
		fmt.Fprintln(m.Stdout, survey.Printable(fmt.Sprintf("%s  %-10s %-8s %s (was %s)  %s", u.ProposedAt.Local().Format("2006-01-02 15:04"),
			u.RosterID, u.Field, u.Field.Shown(u.Value), orNone(u.Field.Shown(u.Old)), state)))
	}
	fmt.Fprint(m.Stdout, survey.Plurals("%d roster update{s}\n", len(list)))
	return nil
}

// runRosterShow prints one alumnus' row of this laptop's roster, as the last sync left it.
func (m *Main) runRosterShow(ctx context.Context, args []string) error {
	fs := m.newFlagSet("roster show", "tracer roster show ROSTER_ID [--data DIR]\n\n"+
		"Prints one alumnus' row of this laptop's roster (the phone number in full, to call it).\n")
	dataFlag := fs.String("data", "", "data `DIR` (default: $TRACER_DATA, else the user's config folder/tracer)")
	if err := parseInterspersed(fs, args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		fs.Usage()
		return usageError("roster show needs exactly one ROSTER_ID")
	}
	dir, err := m.dataDir(*dataFlag)
	if err != nil {
		return err
	}
	db, err := m.openLaptopDB(ctx, dir)
	if err != nil {
		return err
	}
	defer db.Close()
	r, err := sqlite.NewRosterStore(db).Get(ctx, fs.Arg(0))
	if err != nil {
		if survey.ErrorCode(err) == survey.ENOTFOUND {
			return fmt.Errorf("%s is not on this laptop's roster", fs.Arg(0))
		}
		return err
	}
	tw := tabwriter.NewWriter(m.Stdout, 0, 0, 2, ' ', 0)
	for _, x := range [][2]string{{"roster_id", r.RosterID}, {"full_name", r.Name}, {"phone", survey.LocalPhone(r.Phone)},
		{"regency", r.Regency}, {"address", r.Extra[survey.ExtraAddress]}, {"phone_previous", survey.LocalPhone(r.Extra[survey.ExtraPreviousPhone])},
		{"batch_id", r.BatchID}, {"kejuruan", r.Kejuruan}} {
		if x[1] != "" {
			fmt.Fprintf(tw, "%s\t%s\n", x[0], survey.Printable(x[1]))
		}
	}
	return tw.Flush()
}

// runRosterUpdates lists the roster updates on the server (supervisor).
func (m *Main) runRosterUpdates(ctx context.Context, args []string) error {
	fs := m.newFlagSet("roster updates", "tracer roster updates [ROSTER_ID] [--status pending|accepted|rejected|all] [--data DIR]\n\n"+
		"Lists the roster updates proposed from the field, on the server this laptop is enrolled\n"+
		"with: by default those waiting for a decision; --status all gives the whole history (who\n"+
		"proposed, when, old and new value, who decided, when, why). Needs a supervisor login.\n")
	dataFlag := fs.String("data", "", "data `DIR` (default: $TRACER_DATA, else the user's config folder/tracer)")
	status := fs.String("status", "pending", "pending, accepted, rejected or all")
	if err := parseInterspersed(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 1 {
		return usageError("roster updates takes at most one ROSTER_ID")
	}
	st := survey.UpdateStatus(*status)
	switch st {
	case survey.UpdatePending, survey.UpdateAccepted, survey.UpdateRejected:
	case "all":
		st = ""
	default:
		return usageError("--status must be pending, accepted, rejected or all, not %q", *status)
	}
	c, _, err := m.enrolledClient(*dataFlag)
	if err != nil {
		return err
	}
	list, err := c.ListRosterUpdates(ctx, st, fs.Arg(0))
	if err != nil {
		return syncError(c, err)
	}
	tw := tabwriter.NewWriter(m.Stdout, 0, 0, 2, ' ', 0)
	for _, u := range list {
		p := survey.Printable
		line := fmt.Sprintf("%s\t%s\t%s\t%s\twas %s\tby %s %s\t%s", p(u.ID), p(u.RosterID), p(string(u.Field)), p(u.Value), p(orNone(u.Old)),
			p(u.ProposedBy), u.ProposedAt.Local().Format("2006-01-02 15:04"), p(string(u.Status)))
		if u.Status != survey.UpdatePending {
			line += fmt.Sprintf(" by %s %s", p(u.DecidedBy), u.DecidedAt.Local().Format("2006-01-02 15:04"))
			if u.Reason != "" {
				line += ": " + p(u.Reason)
			}
			if u.Status == survey.UpdateAccepted {
				line += " (replaced " + p(orNone(u.Replaced)) + ")"
			}
		}
		if u.Note != "" {
			line += "\tnote: " + p(u.Note)
		}
		fmt.Fprintln(tw, line)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	fmt.Fprint(m.Stdout, survey.Plurals("%d roster update{s}\n", len(list)))
	return nil
}

// runRosterDecide accepts or rejects a roster update on the server (supervisor).
func (m *Main) runRosterDecide(ctx context.Context, args []string, accept bool) error {
	verb := "reject"
	if accept {
		verb = "accept"
	}
	fs := m.newFlagSet("roster "+verb, "tracer roster "+verb+" (UPDATE_ID | ROSTER_ID FIELD) [--reason TEXT] [--data DIR]\n\n"+
		"Decides on a roster update proposed from the field: by its id, or by the alumnus and the\n"+
		"field (phone, regency, address, name) when one update of it is pending. Accepting writes\n"+
		"the new value into the central roster (the old one stays in the history) and laptops get\n"+
		"the corrected row on their next sync. Rejecting needs a reason. Needs a supervisor login.\n")
	dataFlag := fs.String("data", "", "data `DIR` (default: $TRACER_DATA, else the user's config folder/tracer)")
	reason := fs.String("reason", "", "why (required to reject)")
	if err := parseInterspersed(fs, args); err != nil {
		return err
	}
	if fs.NArg() < 1 || fs.NArg() > 2 {
		fs.Usage()
		return usageError("roster %s needs an UPDATE_ID, or a ROSTER_ID and a FIELD", verb)
	}
	if !accept && strings.TrimSpace(*reason) == "" {
		return usageError("roster reject needs --reason")
	}
	c, _, err := m.enrolledClient(*dataFlag)
	if err != nil {
		return err
	}
	id := fs.Arg(0)
	if fs.NArg() == 2 {
		field, err := survey.ParseUpdateField(fs.Arg(1))
		if err != nil {
			return fmt.Errorf("%s", survey.ErrorMessage(err))
		}
		pending, err := c.ListRosterUpdates(ctx, survey.UpdatePending, fs.Arg(0))
		if err != nil {
			return syncError(c, err)
		}
		var ids []string
		for _, u := range pending {
			if u.Field == field {
				ids = append(ids, u.ID)
			}
		}
		switch len(ids) {
		case 0:
			return fmt.Errorf("no pending %s update for %s", field, fs.Arg(0))
		case 1:
			id = ids[0]
		default:
			return fmt.Errorf("%d pending %s updates for %s: name one by its id (%s)", len(ids), field, fs.Arg(0), strings.Join(ids, ", "))
		}
	}
	u, err := c.DecideRosterUpdate(ctx, id, accept, *reason)
	if err != nil {
		return syncError(c, err)
	}
	fmt.Fprintf(m.Stdout, "%s %s: %s %s %s", u.Status, u.ID, u.RosterID, u.Field, survey.Printable(u.Value))
	if accept {
		fmt.Fprintf(m.Stdout, " (replaced %s); laptops get it on their next sync", orNone(survey.Printable(u.Replaced)))
	}
	fmt.Fprintln(m.Stdout)
	return nil
}

// runRosterAssignments lists the assignments on the server (supervisor).
func (m *Main) runRosterAssignments(ctx context.Context, args []string) error {
	fs := m.newFlagSet("roster assignments", "tracer roster assignments [ROSTER_ID] [--history] [--data DIR]\n\n"+
		"Lists who each alumnus of the server's roster is assigned to; with --history, every earlier\n"+
		"assignment too, with who ended it and when (a reassignment). Attempts keep who made them;\n"+
		"one made while the alumnus was hers is accepted from the earlier enumerator even after a\n"+
		"reassignment. Needs a supervisor login.\n")
	dataFlag := fs.String("data", "", "data `DIR` (default: $TRACER_DATA, else the user's config folder/tracer)")
	history := fs.Bool("history", false, "every assignment, not only those in force")
	if err := parseInterspersed(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 1 {
		return usageError("roster assignments takes at most one ROSTER_ID")
	}
	c, _, err := m.enrolledClient(*dataFlag)
	if err != nil {
		return err
	}
	list, err := c.Assignments(ctx, fs.Arg(0), *history)
	if err != nil {
		return syncError(c, err)
	}
	tw := tabwriter.NewWriter(m.Stdout, 0, 0, 2, ' ', 0)
	for _, a := range list {
		p := survey.Printable
		line := fmt.Sprintf("%s\t%s\tfrom %s by %s", p(a.RosterID), p(a.User), a.AssignedAt.Local().Format("2006-01-02 15:04"), p(a.AssignedBy))
		if !a.EndedAt.IsZero() {
			line += fmt.Sprintf("\tuntil %s by %s", a.EndedAt.Local().Format("2006-01-02 15:04"), p(a.EndedBy))
		} else if *history {
			line += "\tcurrent"
		}
		fmt.Fprintln(tw, line)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	fmt.Fprint(m.Stdout, survey.Plurals("%d assignment{s}\n", len(list)))
	return nil
}
