package main

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"text/tabwriter"
	"time"

	"tracer/survey"
	"tracer/survey/sqlite"
)

func (m *Main) runAttempt(ctx context.Context, args []string) error {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		fmt.Fprint(m.Stdout, `Usage: tracer attempt <command> [arguments]

Commands:
  add ROSTER_ID --mode MODE --outcome CODE [--number N] [--callback TIME] [--at TIME] [--note TEXT]
      [--new-phone N] [--new-regency R] [--new-address A] [--new-name N]
                 record a contact attempt with an alumnus (saved at once; "tracer sync" sends it),
                 and propose the corrections of the roster learnt in it
  list [ROSTER_ID]
                 the attempts on this laptop, with whether the server has them
  codes          the outcome codes (AAPOR dispositions) with their labels
`)
		return nil
	}
	switch args[0] {
	case "add":
		return m.runAttemptAdd(ctx, args[1:])
	case "list":
		return m.runAttemptList(ctx, args[1:])
	case "codes":
		return m.runAttemptCodes(args[1:])
	default:
		return usageError("unknown attempt command %q", args[0])
	}
}

func (m *Main) runAttemptAdd(ctx context.Context, args []string) error {
	fs := m.newFlagSet("attempt add", "tracer attempt add ROSTER_ID --mode MODE --outcome CODE [flags]\n\n"+
		"Records one contact attempt with an alumnus of the roster, saved at once on this laptop.\n"+
		"MODE is event, phone, whatsapp, visit or web; CODE an outcome code (\"tracer attempt codes\").\n"+
		"TIME is \"2006-01-02 15:04\" (local), \"15:04\" (today), \"+2h\" (from now), \"-3h\" (ago) or RFC 3339.\n")
	dataFlag := fs.String("data", "", "data `DIR` (default: $TRACER_DATA, else the user's config folder/tracer)")
	modeFlag := fs.String("mode", "", "how: event, phone, whatsapp, visit or web (required)")
	outcomeFlag := fs.String("outcome", "", "the outcome `CODE`, such as 3.13 (no answer) or 2.21 (call back) (required)")
	numberFlag := fs.String("number", "", "the phone number or channel used (default: the roster's phone for phone and whatsapp)")
	callbackFlag := fs.String("callback", "", "when to call back (with outcome 2.21)")
	atFlag := fs.String("at", "", "when the attempt was made (default: now)")
	noteFlag := fs.String("note", "", "a note")
	ivFlag := fs.String("interview", "", "the id of the interview the attempt led to")
	uf := addUpdateFlags(fs, "new-")
	if err := parseInterspersed(fs, args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		fs.Usage()
		return usageError("attempt add needs exactly one ROSTER_ID")
	}
	if *modeFlag == "" || *outcomeFlag == "" {
		return usageError("attempt add needs --mode and --outcome")
	}
	mode, err := survey.ParseMode(*modeFlag)
	if err != nil {
		return fmt.Errorf("--mode: %s", survey.ErrorMessage(err))
	}
	d, ok := survey.LookupDisposition(*outcomeFlag)
	if !ok {
		return fmt.Errorf("--outcome: unknown code %q; \"tracer attempt codes\" lists them", *outcomeFlag)
	}
	now := time.Now()
	at := now
	if *atFlag != "" {
		if at, err = parseWhen(*atFlag, now); err != nil {
			return fmt.Errorf("--at: %w", err)
		}
	}
	var callback time.Time
	if *callbackFlag != "" {
		if callback, err = parseWhen(*callbackFlag, now); err != nil {
			return fmt.Errorf("--callback: %w", err)
		}
		if !callback.After(at) {
			return fmt.Errorf("--callback: %s is not after the attempt (%s)", callback.Format("2006-01-02 15:04"), at.Format("2006-01-02 15:04"))
		}
	}
	dir, err := m.dataDir(*dataFlag)
	if err != nil {
		return err
	}
	user := m.enumeratorName(dir)
	rosterID := fs.Arg(0)
	updates := uf.updates(rosterID, user, now)
	if err := checkUpdates(updates); err != nil {
		return err
	}
	db, err := m.openLaptopDB(ctx, dir)
	if err != nil {
		return err
	}
	defer db.Close()
	if err := m.noteUnenrolled(ctx, db, dir, user); err != nil {
		return err
	}
	r, err := sqlite.NewRosterStore(db).Get(ctx, rosterID)
	onRoster := err == nil && r != nil
	if err != nil && survey.ErrorCode(err) != survey.ENOTFOUND {
		return err
	}
	number := *numberFlag
	if number == "" && onRoster && (mode == survey.ModePhone || mode == survey.ModeWhatsApp) {
		number = r.PhoneRaw
		if number == "" && r.Phone != "" {
			number = survey.LocalPhone(r.Phone)
		}
	}
	a := &survey.Attempt{ID: survey.NewID(), RosterID: rosterID, At: at.UTC(), Enumerator: user, Mode: mode,
		Channel: number, Outcome: d.Code, Callback: callback.UTC(), Note: *noteFlag, InterviewID: *ivFlag}
	if callback.IsZero() {
		a.Callback = time.Time{}
	}
	if err := sqlite.NewAttemptStore(db).Add(ctx, a); err != nil {
		if survey.ErrorCode(err) == survey.EINVALID {
			return fmt.Errorf("%s", survey.ErrorMessage(err))
		}
		return err
	}
	fmt.Fprintf(m.Stdout, "saved attempt %s: %s %s %s (%s / %s)\n", a.ID, rosterID, mode, d.Code, d.ID, d.EN)
	if !a.Callback.IsZero() {
		fmt.Fprintf(m.Stdout, "call back %s\n", a.Callback.Local().Format("2006-01-02 15:04"))
	}
	if !onRoster {
		fmt.Fprintf(m.Stdout, "note: %s is not on this laptop's roster (not assigned to you?); the server decides when it is sent\n", rosterID)
	}
	for _, u := range updates {
		u.AttemptID, u.Note = a.ID, a.Note // the attempt's note says how it was learnt
	}
	return m.proposeAll(ctx, sqlite.NewRosterUpdateStore(db), updates)
}

// noteUnenrolled notes name as a maker of this laptop's work while it is not enrolled
// (sqlite.DB.NoteUnenrolled): the account that logs in adopts it.
func (m *Main) noteUnenrolled(ctx context.Context, db *sqlite.DB, dir, name string) error {
	if _, err := readEnrollment(dir); errors.Is(err, errNotEnrolled) {
		return db.NoteUnenrolled(ctx, name)
	}
	return nil
}

// enumeratorName is the account the server knows this laptop's work by: the enrolled
// user, else $USER.
func (m *Main) enumeratorName(dir string) string {
	if e, err := readEnrollment(dir); err == nil && e.User != "" {
		return e.User
	}
	if u := m.Getenv("USER"); u != "" {
		return u
	}
	return "enumerator"
}

// parseWhen reads a time as "2006-01-02 15:04" (local), "2006-01-02T15:04", "15:04"
// (today, local), "+2h30m" (from now), "-3h" (ago) or RFC 3339.
func parseWhen(s string, now time.Time) (time.Time, error) {
	s = strings.TrimSpace(s)
	if d, ok := strings.CutPrefix(s, "+"); ok || strings.HasPrefix(s, "-") {
		if !ok {
			d = s
		}
		dur, err := time.ParseDuration(d)
		if err != nil {
			return time.Time{}, fmt.Errorf("%q is not a duration such as +2h30m", s)
		}
		return now.Add(dur), nil
	}
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t, nil
	}
	for _, layout := range []string{"2006-01-02 15:04", "2006-01-02T15:04", "2006-01-02"} {
		if t, err := time.ParseInLocation(layout, s, time.Local); err == nil {
			return t, nil
		}
	}
	if t, err := time.ParseInLocation("15:04", s, time.Local); err == nil {
		y, mo, d := now.Date()
		return time.Date(y, mo, d, t.Hour(), t.Minute(), 0, 0, time.Local), nil
	}
	return time.Time{}, fmt.Errorf("%q is not a time: use \"2006-01-02 15:04\", \"15:04\", \"+2h\" or RFC 3339", s)
}

func (m *Main) runAttemptList(ctx context.Context, args []string) error {
	fs := m.newFlagSet("attempt list", "tracer attempt list [ROSTER_ID] [--data DIR]\n\n"+
		"Lists the contact attempts on this laptop, oldest first: when, alumnus, mode, outcome,\n"+
		"call-back, and whether the server has it (sent), refused it (with the reason) or not yet.\n")
	dataFlag := fs.String("data", "", "data `DIR` (default: $TRACER_DATA, else the user's config folder/tracer)")
	langFlag := fs.String("lang", "en", "labels in `id` or en")
	if err := parseInterspersed(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 1 {
		return usageError("attempt list takes at most one ROSTER_ID")
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
	list, err := sqlite.NewAttemptStore(db).List(ctx, survey.AttemptFilter{RosterID: fs.Arg(0)})
	if err != nil {
		return err
	}
	// The columns are as wide as their longest value: a long roster id or an Indonesian
	// label does not push the columns after it out of line.
	tw := tabwriter.NewWriter(m.Stdout, 0, 0, 2, ' ', 0)
	for _, a := range list {
		state := "not sent"
		switch {
		case a.Refusal != "": // refused at push, or at the centre after a relay took it
			state = "refused: " + a.Refusal
		case !a.Sent.IsZero():
			state = "sent"
		}
		if !a.Callback.IsZero() {
			state = "call back " + a.Callback.Local().Format("2006-01-02 15:04") + "  " + state
		}
		cells := []string{a.At.Local().Format("2006-01-02 15:04"), a.RosterID, string(a.Mode), a.Outcome,
			survey.DispositionLabel(a.Outcome, *langFlag), state}
		for i, c := range cells {
			// A tab or newline in a value would break the table: Printable escapes them.
			cells[i] = survey.Printable(c)
		}
		fmt.Fprintln(tw, strings.Join(cells, "\t"))
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	fmt.Fprint(m.Stdout, survey.Plurals("%d attempt{s}\n", len(list)))
	return nil
}

func (m *Main) runAttemptCodes(args []string) error {
	fs := m.newFlagSet("attempt codes", "tracer attempt codes\n\n"+
		"Lists the outcome codes of contact attempts (AAPOR dispositions): code, class, whether the\n"+
		"alumnus stays on the call list (try again) or not (final), and the labels in Bahasa\n"+
		"Indonesia and English (docs/TRACING.md).\n")
	if err := parseInterspersed(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		fs.Usage()
		return usageError("attempt codes takes no arguments")
	}
	for _, d := range survey.Dispositions {
		kind := "final"
		if d.Temporary {
			kind = "try again"
		}
		fmt.Fprintf(m.Stdout, "%-5s %-3s %-10s %s / %s\n", d.Code, d.Class, kind, d.ID, d.EN)
	}
	return nil
}
