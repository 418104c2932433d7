package main

import (
	"context"
	"fmt"
	"io"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"
	"unicode/utf8"

	"tracer/survey"
	"tracer/survey/roster"
	"tracer/sync/client"
)

// rosterChunk rows go in one upload: well under the server's body limit even when each
// row carries many extra columns.
const rosterChunk = 2000

// runRosterAssign gives roster rows to an enumerator on the server with this laptop's
// supervisor login; her laptop then pulls only its assigned alumni.
func (m *Main) runRosterAssign(ctx context.Context, args []string) error {
	fs := m.newFlagSet("roster assign", "tracer roster assign --to NAME (ID... | --batch BATCH | --kejuruan KEJURUAN | --regency CODE) [--data DIR]\n\n"+
		"Assigns alumni of the server's roster to the enumerator account NAME: the listed roster ids,\n"+
		"or every alumnus of a batch, of a kejuruan or whose regency of domicile (its BPS code, or its name: \"Kota Bandung\") is CODE.\n"+
		"Once the roster has assignments, an enumerator's\n"+
		"laptop pulls only the alumni assigned to her. Needs a supervisor login.\n")
	to := fs.String("to", "", "the enumerator account `NAME`")
	batch := fs.String("batch", "", "assign every alumnus of `BATCH`")
	kejuruan := fs.String("kejuruan", "", "assign every alumnus of `KEJURUAN`")
	regency := fs.String("regency", "", "assign every alumnus whose regency of domicile is `CODE`")
	dataFlag := fs.String("data", "", "data `DIR` (default: $TRACER_DATA, else the user's config folder/tracer)")
	if err := parseInterspersed(fs, args); err != nil {
		return err
	}
	sel := survey.AssignSelector{RosterIDs: fs.Args(), Batch: *batch, Kejuruan: *kejuruan, Regency: *regency}
	if *to == "" || sel.Named() != 1 {
		fs.Usage()
		return usageError("roster assign needs --to and one of: roster ids, --batch, --kejuruan, --regency")
	}
	if sel.Regency != "" {
		code, err := regencyFlag(*regency)
		if err != nil {
			return err
		}
		sel.Regency = code
	}
	c, _, err := m.enrolledClient(*dataFlag)
	if err != nil {
		return err
	}
	var total int
	for ids := sel.RosterIDs; ; {
		part := sel
		if len(ids) > 0 {
			k := min(len(ids), rosterChunk)
			part.RosterIDs, ids = ids[:k], ids[k:]
		}
		res, err := c.Assign(ctx, *to, part)
		if err != nil {
			return syncError(c, err)
		}
		total += res.Assigned
		if len(ids) == 0 {
			break
		}
	}
	fmt.Fprint(m.Stdout, survey.Plurals("assigned %d alumn{us|i} to %s\n", total, *to))
	return nil
}

// runRosterUpload reads a roster file and uploads its good rows to the server with this
// laptop's supervisor login.
func (m *Main) runRosterUpload(ctx context.Context, args []string) error {
	fs := m.newFlagSet("roster upload", "tracer roster upload FILE [--data DIR]\n\n"+
		"Uploads the alumni roster (CSV, XLSX or XLS, as \"roster import\" reads it) to the server this\n"+
		"laptop is enrolled with; laptops pull it on their next sync. Needs a supervisor login.\n"+
		"Rows with errors are reported and left out; a column the file lacks, or a cell left empty,\n"+
		"keeps the value the server has.\n")
	dataFlag := fs.String("data", "", "data `DIR` (default: $TRACER_DATA, else the user's config folder/tracer)")
	if err := parseInterspersed(fs, args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		fs.Usage()
		return usageError("roster upload needs exactly one FILE")
	}
	path := fs.Arg(0)
	tbl, err := roster.ReadFile(ctx, path)
	if err != nil {
		return err
	}
	p, err := roster.Parse(tbl, time.Now())
	if err != nil {
		return rosterError(path, err)
	}
	for _, pr := range p.Problems {
		fmt.Fprintln(m.Stdout, pr)
	}
	c, who, err := m.enrolledClient(*dataFlag)
	if err != nil {
		return err
	}
	var total survey.UpsertResult
	for rows := p.Respondents; len(rows) > 0; {
		n := min(len(rows), rosterChunk)
		res, err := c.UploadRoster(ctx, rows[:n])
		if err != nil {
			return syncError(c, err)
		}
		total.Inserted, total.Updated, total.Unchanged = total.Inserted+res.Inserted, total.Updated+res.Updated, total.Unchanged+res.Unchanged
		rows = rows[n:]
	}
	fmt.Fprint(m.Stdout, survey.Plurals("uploaded %d row{s} as %s, rejected %d (%d new, %d updated, %d unchanged)\n",
		len(p.Respondents), who, p.Rejected, total.Inserted, total.Updated, total.Unchanged))
	if p.Rejected > 0 {
		return silentError{1}
	}
	return nil
}

func (m *Main) runReview(ctx context.Context, args []string) error {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		fmt.Fprint(m.Stdout, `Usage: tracer review <command> [arguments] [--data DIR]

Commands:
  list [--state S] [--flag F] [--enumerator NAME] [--kejuruan K]
                              the review queue: state, flags, revision, enumerator
  show ID                     one interview's state, flags, answers and history
  approve ID [--comment C]    approve the latest revision
  return ID --comment C [--question Q=COMMENT]...
                              return the latest revision for correction; Q is a
                              question's name (income_exact) or its path, a
                              repeat's instance numbered (members[2]/age)
  refused                     revisions a relay took that the centre then refused

They talk to the server this laptop is enrolled with and need a supervisor login.
States: received, approved, returned, resubmitted.
`)
		return nil
	}
	switch args[0] {
	case "list", "show", "approve", "return", "refused":
		return m.runReviewCmd(ctx, args[0], args[1:])
	default:
		return usageError("unknown review command %q", args[0])
	}
}

// questionFlags collects repeated --question Q=COMMENT flags (Q a question's name or path).
type questionFlags []survey.QuestionComment

func (q *questionFlags) String() string { return "" }

func (q *questionFlags) Set(v string) error {
	path, comment, ok := strings.Cut(v, "=")
	if !ok || path == "" || comment == "" {
		return fmt.Errorf("want QUESTION=COMMENT")
	}
	*q = append(*q, survey.QuestionComment{Path: path, Comment: comment})
	return nil
}

func (m *Main) runReviewCmd(ctx context.Context, cmd string, args []string) error {
	usage := map[string]string{
		"list":    "tracer review list [--state S] [--flag F] [--enumerator NAME] [--kejuruan K] [--data DIR]",
		"show":    "tracer review show ID [--data DIR]\n\nID is an interview's whole id or its last 8 characters, as flags print it.",
		"approve": "tracer review approve ID [--comment C] [--data DIR]\n\nID is an interview's whole id or its last 8 characters, as flags print it.",
		"return":  "tracer review return ID --comment C [--question Q=COMMENT]... [--data DIR]\n\nID is an interview's whole id or its last 8 characters, as flags print it.",
		"refused": "tracer review refused [--data DIR]\n\nLists the revisions, contact attempts and roster updates a relay at an event took from\n" +
			"a laptop (\"safe on two machines\") that the centre then refused for good when the relay\n" +
			"forwarded them, with the account, the relay and the reason. The laptops learn them at\n" +
			"their next sync and keep them, not sent again.",
	}[cmd]
	fs := m.newFlagSet("review "+cmd, usage)
	dataFlag := fs.String("data", "", "data `DIR` (default: $TRACER_DATA, else the user's config folder/tracer)")
	var state, flag, enumerator, kejuruan, comment *string
	var questions questionFlags
	switch cmd {
	case "list":
		state = fs.String("state", "", "only this review `state`")
		flag = fs.String("flag", "", "only interviews with this `flag` (any for every flagged one)")
		enumerator = fs.String("enumerator", "", "only this enumerator's `NAME`")
		kejuruan = fs.String("kejuruan", "", "only respondents of this `kejuruan`")
	case "approve", "return":
		comment = fs.String("comment", "", "the `comment` for the enumerator")
	}
	if cmd == "return" {
		fs.Var(&questions, "question", "a comment on one question, `Q=COMMENT`: its name or path (repeatable)")
	}
	if err := parseInterspersed(fs, args); err != nil {
		return err
	}
	want := 1
	if cmd == "list" || cmd == "refused" {
		want = 0
	}
	if fs.NArg() != want {
		fs.Usage()
		return usageError("review %s needs %d argument{s}", cmd, want)
	}
	if cmd == "return" && strings.TrimSpace(*comment) == "" {
		return usageError("review return needs --comment")
	}
	if state != nil && *state != "" && !survey.ReviewState(*state).Valid() {
		return usageError("--state must be received, approved, returned or resubmitted")
	}
	c, _, err := m.enrolledClient(*dataFlag)
	if err != nil {
		return err
	}
	switch cmd {
	case "refused":
		return m.listRefused(ctx, c)
	case "list":
		q := survey.ReviewQuery{State: survey.ReviewState(*state), Flag: *flag, Enumerator: *enumerator, Kejuruan: *kejuruan}
		// Each page is written as it comes, in columns of fixed widths: memory stays that
		// of one page however long the queue, and the pages line up. The header waits for
		// the first page, so that a refusal is all that is written.
		for i := range 100000 {
			page, err := c.Queue(ctx, q)
			if err != nil {
				return syncError(c, err)
			}
			if i == 0 {
				writeReviewLine(m.Stdout, "ID", "REV", "STATE", "ENUMERATOR", "RESPONDENT", "RECEIVED", "FLAGS")
			}
			for _, v := range page.Interviews {
				var names []string
				for _, f := range v.Flags {
					names = append(names, f.Name)
				}
				p := survey.Printable
				writeReviewLine(m.Stdout, p(v.InterviewID), strconv.Itoa(v.Revision), p(string(v.State)), p(v.Enumerator), p(v.RespondentID),
					v.ReceivedAt.Local().Format("2006-01-02 15:04"), p(strings.Join(names, ",")))
			}
			if !page.More {
				return nil
			}
			q.After = page.Next
		}
		return nil
	case "show":
		d, err := c.Review(ctx, fs.Arg(0))
		if err != nil {
			return syncError(c, err)
		}
		v, p := d.Review, survey.Printable
		fmt.Fprintf(m.Stdout, "interview %s revision %d: %s\n", p(v.InterviewID), v.Revision, p(string(v.State)))
		fmt.Fprintf(m.Stdout, "form %s %s, respondent %s, enumerator %s\n", p(v.FormID), p(v.FormVersion), p(v.RespondentID), p(v.Enumerator))
		if len(v.Flags) == 0 {
			fmt.Fprintln(m.Stdout, "flags: none")
		}
		for _, f := range v.Flags {
			fmt.Fprintf(m.Stdout, "flag %s: %s\n", p(f.Name), p(f.Reason))
		}
		if d.Record != nil {
			fmt.Fprintf(m.Stdout, "answers of revision %d (personal data masked):\n", d.Record.Revision)
			for _, a := range d.Record.AnswerList() {
				fmt.Fprintf(m.Stdout, "  %s = %s\n", p(a.Path), p(a.Value))
			}
		}
		for _, e := range d.History {
			fmt.Fprintf(m.Stdout, "history: %s revision %d %s by %s", e.At.Local().Format("2006-01-02 15:04"), e.Revision, p(string(e.To)), p(e.By))
			if e.Comment != "" {
				fmt.Fprintf(m.Stdout, ": %s", p(e.Comment))
			}
			fmt.Fprintln(m.Stdout)
			for _, q := range e.Questions {
				fmt.Fprintf(m.Stdout, "  - %s: %s\n", p(q.Path), p(q.Comment))
			}
		}
		return nil
	case "approve", "return":
		d, err := c.Review(ctx, fs.Arg(0))
		if err != nil {
			return syncError(c, err)
		}
		// The review names the whole id of a short one (the last characters, as flags print).
		id, rev := d.Review.InterviewID, d.Review.Revision
		if cmd == "approve" {
			if d.Review.State == survey.ReviewApproved && d.Review.ApprovedRevision == rev {
				fmt.Fprintf(m.Stdout, "%s revision %d was already approved: nothing changed\n", id, rev)
				return nil
			}
			if _, err := c.Approve(ctx, id, rev, *comment); err != nil {
				return syncError(c, err)
			}
			fmt.Fprintf(m.Stdout, "approved %s revision %s\n", id, strconv.Itoa(rev))
			return nil
		}
		n, err := c.ReturnWithComments(ctx, id, rev, *comment, questions)
		if err != nil {
			return syncError(c, err)
		}
		fmt.Fprintf(m.Stdout, "returned %s revision %d to %s\n", n.InterviewID, n.Revision, survey.Printable(n.SubmittedBy))
	}
	return nil
}

// reviewWidths are the widths of the columns of tracer review list but the last: an
// interview id, a revision, the longest state, then room for most names, respondent ids
// and a date and time. A longer value pushes the rest of its line only.
var reviewWidths = [...]int{36, 3, 11, 12, 14, 16}

// writeReviewLine writes one line of tracer review list, cells two spaces apart.
func writeReviewLine(w io.Writer, cells ...string) {
	var b strings.Builder
	for i, c := range cells {
		b.WriteString(c)
		if i < len(reviewWidths) && i < len(cells)-1 {
			b.WriteString(strings.Repeat(" ", max(reviewWidths[i]-utf8.RuneCountInString(c), 0)+2))
		}
	}
	fmt.Fprintln(w, strings.TrimRight(b.String(), " "))
}

// listRefused prints the late refusals the server keeps (survey.LateRefusal), oldest first.
func (m *Main) listRefused(ctx context.Context, c *client.Client) error {
	tw := tabwriter.NewWriter(m.Stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "KIND\tID\tREV\tOUTCOME\tACCOUNT\tRELAY\tAT\tREASON")
	after, n := int64(0), 0
	for range 100000 {
		page, err := c.Refused(ctx, after)
		if err != nil {
			return syncError(c, err)
		}
		p := survey.Printable
		for _, x := range page.Refusals {
			rev := "-"
			if x.Kind.Of() == survey.ItemInterview {
				rev = fmt.Sprint(x.Revision)
			}
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s (%s)\n", p(string(x.Kind.Of())), p(x.InterviewID), rev, p(string(x.Outcome)), p(x.SubmittedBy),
				p(x.Relay), x.At.Local().Format("2006-01-02 15:04"), p(x.Message), p(x.Code))
			n++
		}
		if !page.More {
			break
		}
		after = page.Next
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	fmt.Fprintf(m.Stdout, "%d refused at the centre after a relay took them (revisions, contact attempts, roster updates)\n", n)
	return nil
}

// regencyFlag reads a --regency flag's value as the roster stores it, its BPS code
// (survey.ParseRegency: a code, or a name of the Kepmendagri list).
func regencyFlag(v string) (string, error) {
	code, err := survey.ParseRegency(v)
	if err != nil {
		return "", usageError("--regency: %s", survey.ErrorMessage(err))
	}
	return code, nil
}
