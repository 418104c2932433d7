package main

import (
	"context"
	"flag"
	"fmt"
	"time"

	"tracer/survey"
	"tracer/survey/roster"
	"tracer/survey/sqlite"
	"tracer/sync/client"
)

func (m *Main) runRoster(ctx context.Context, args []string) error {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		fmt.Fprint(m.Stdout, `Usage: tracer roster <command> [arguments]

Commands:
  import FILE [--data DIR] [--dry-run]   load the alumni roster from CSV, XLSX or XLS
  upload FILE [--data DIR]               upload the roster to the server (supervisor)
  assign --to NAME ID...|--batch B|--kejuruan K|--regency R [--data DIR]
                                         assign alumni to an enumerator (supervisor)
  assignments [ID] [--history] [--data DIR]
                                         who each alumnus is assigned to; --history: every
                                         earlier assignment too (supervisor)
  propose ID --phone N|--regency R|--address A|--name N [--note T] [--data DIR]
                                         propose a correction of an alumnus' roster row
  proposed [ID] [--data DIR]             the corrections proposed on this laptop, sent or not
  show ID [--data DIR]                   an alumnus' row of this laptop's roster
  updates [ID] [--status pending|accepted|rejected|all] [--data DIR]
                                         the corrections proposed from the field (supervisor)
  accept UPDATE_ID|ID FIELD [--reason T] accept one: the central roster changes (supervisor)
  reject UPDATE_ID|ID FIELD --reason T   reject one (supervisor)
`)
		return nil
	}
	switch args[0] {
	case "import":
		return m.runRosterImport(ctx, args[1:])
	case "upload":
		return m.runRosterUpload(ctx, args[1:])
	case "assign":
		return m.runRosterAssign(ctx, args[1:])
	case "assignments":
		return m.runRosterAssignments(ctx, args[1:])
	case "propose":
		return m.runRosterPropose(ctx, args[1:])
	case "proposed":
		return m.runRosterProposed(ctx, args[1:])
	case "show":
		return m.runRosterShow(ctx, args[1:])
	case "updates":
		return m.runRosterUpdates(ctx, args[1:])
	case "accept":
		return m.runRosterDecide(ctx, args[1:], true)
	case "reject":
		return m.runRosterDecide(ctx, args[1:], false)
	default:
		return usageError("unknown roster command %q", args[0])
	}
}

// runRosterImport reads a roster file, prints every rejected row and warning as
// "row N: column: reason" and a summary line, stores the good rows, and exits 1 when any
// row was rejected. Importing the same file twice changes nothing.
func (m *Main) runRosterImport(ctx context.Context, args []string) error {
	fs := m.newFlagSet("roster import", "tracer roster import FILE [--data DIR] [--dry-run]\n\n"+
		"FILE is CSV (comma or semicolon, UTF-8 with or without BOM) or XLSX, with headers in English\n"+
		"or Indonesian. Rows with errors are reported and left out; the rest are added or updated\n"+
		"by roster id. A column the file lacks, or a cell left empty, keeps the value stored.\n")
	dataFlag := fs.String("data", "", "data `DIR` (default: $TRACER_DATA, else the user's config folder/tracer)")
	dryRun := fs.Bool("dry-run", false, "check the file and report, store nothing")
	local := fs.Bool("local", false, "import on a laptop that takes its roster from its server all the same: the rows stay changed here only")
	if err := parseInterspersed(fs, args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		fs.Usage()
		return usageError("roster import needs exactly one FILE")
	}
	path := fs.Arg(0)

	tbl, err := roster.ReadFile(ctx, path)
	if err != nil {
		return err
	}
	now := time.Now()
	var rep *roster.Report
	if *dryRun {
		p, err := roster.Parse(tbl, now)
		if err != nil {
			return rosterError(path, err)
		}
		rep = &roster.Report{Imported: len(p.Respondents), Rejected: p.Rejected, Problems: p.Problems}
	} else {
		dir, err := m.dataDir(*dataFlag)
		if err != nil {
			return err
		}
		db, err := m.openLaptopDB(ctx, dir)
		if err != nil {
			return err
		}
		defer db.Close()
		// A laptop whose server sent it a roster keeps the server's rows: a local import
		// would change them here only, and no sync would put them back.
		if e, err := readEnrollment(dir); err == nil && !*local {
			pulled, err := sqlite.NewSyncStateStore(db).Cursor(ctx, client.CursorRoster)
			if err != nil {
				return err
			}
			if pulled > 0 {
				return fmt.Errorf("this laptop takes its roster from %s at each sync: importing %s here would change rows the server keeps; a supervisor uploads it with \"tracer roster upload %s\" (or give --local to change this laptop's copy only)", e.URL, path, path)
			}
		}
		rep, err = roster.Import(ctx, sqlite.NewRosterStore(db), tbl, now)
		if err != nil {
			return rosterError(path, err)
		}
	}
	for _, p := range rep.Problems {
		fmt.Fprintln(m.Stdout, p)
	}
	if *dryRun {
		fmt.Fprintf(m.Stdout, "imported %d, rejected %d (dry run: nothing stored)\n", rep.Imported, rep.Rejected)
	} else {
		fmt.Fprintln(m.Stdout, rep.Summary())
	}
	if rep.Rejected > 0 {
		return silentError{1}
	}
	return nil
}

// rosterError names the file in err, showing a domain error by its message alone.
func rosterError(path string, err error) error {
	if survey.ErrorCode(err) == survey.EINVALID {
		return fmt.Errorf("%s: %s", path, survey.ErrorMessage(err))
	}
	return fmt.Errorf("%s: %w", path, err)
}

// parseInterspersed parses flags that may come before or after the positional arguments.
func parseInterspersed(fs *flag.FlagSet, args []string) error {
	var pos []string
	for {
		if err := parseFlags(fs, args); err != nil {
			return err
		}
		if fs.NArg() == 0 {
			break
		}
		pos = append(pos, fs.Arg(0))
		args = fs.Args()[1:]
	}
	if err := parseFlags(fs, append([]string{"--"}, pos...)); err != nil {
		return err
	}
	return noEmptyArgs(fs)
}

// parseReordered parses flags that may come after the positional arguments (see reorder).
func parseReordered(fs *flag.FlagSet, args []string) error {
	if err := parseFlags(fs, reorder(args)); err != nil {
		return err
	}
	return noEmptyArgs(fs)
}

// noEmptyArgs refuses an empty positional argument, most often a shell variable that was
// not set: it names no file, account or id, and passed on it would be taken for another
// thing (an empty id reaches the server as no id at all, an empty form file as the
// built-in form).
func noEmptyArgs(fs *flag.FlagSet) error {
	for i, a := range fs.Args() {
		if a == "" {
			return usageError("%s: argument %d is empty", fs.Name(), i+1)
		}
	}
	return nil
}
