package main

import (
	"context"
	"fmt"
	"time"

	"tracer/survey"
)

func (m *Main) runWave(ctx context.Context, args []string) error {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		fmt.Fprint(m.Stdout, `Usage: tracer wave <command> [arguments] (--db FILE | --server URL) [--data DIR]

Commands:
  add NAME [--from TIME]   open the study's next wave, say "12 bulan" (supervisor)
  list                     the study's waves, when each began

docs/TRACING.md, Waves.
`)
		return nil
	}
	switch args[0] {
	case "add":
		return m.runWaveAdd(ctx, args[1:])
	case "list":
		return m.runWaveList(ctx, args[1:])
	}
	return usageError("unknown wave command %q: use add or list", args[0])
}

func (m *Main) runWaveAdd(ctx context.Context, args []string) error {
	fs := m.newFlagSet("wave add", "tracer wave add NAME [--from TIME] (--db FILE | --server URL) [--data DIR]\n\n"+
		"Opens the study's next wave, say \"12 bulan\" after \"6 bulan\" (supervisor): the same cohort\n"+
		"traced again. Attempts and interviews from --from on (default: now) belong to it; the\n"+
		"assignments in force are kept as those of the wave before. The first wave also takes\n"+
		"everything recorded before any wave existed. docs/TRACING.md, Waves.\n")
	from := fs.String("from", "", "when the wave starts: \"2006-01-02\", \"2006-01-02 15:04\" (local) or RFC 3339 (default: now)")
	dbFlag := fs.String("db", "", "server database `FILE` (default: server.db in the data folder)")
	serverURL := fs.String("server", "", "add the wave on the server at `URL` instead of a database")
	dataFlag := fs.String("data", "", "data `DIR` (default: $TRACER_DATA, else the user's config folder/tracer)")
	if err := parseReordered(fs, args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return usageError("wave add takes one NAME (quote a name with spaces)")
	}
	name := fs.Arg(0)
	if err := survey.CheckWaveName(name); err != nil {
		return usageError("%s", survey.ErrorMessage(err))
	}
	if *serverURL != "" && *dbFlag != "" {
		return usageError("give --db or --server, not both")
	}
	*serverURL = m.enrolledServer(*dbFlag, *serverURL, *dataFlag)
	var start time.Time
	if *from != "" {
		t, err := parseWhen(*from, time.Now())
		if err != nil {
			return usageError("--from: %v", err)
		}
		start = t
	}
	var w survey.Wave
	if *serverURL != "" {
		c, err := m.remoteClient(*serverURL, *dataFlag)
		if err != nil {
			return err
		}
		if w, err = c.AddWave(ctx, name, start); err != nil {
			return commandError(c, err)
		}
	} else {
		db, err := m.openServerStores(ctx, *dbFlag, *dataFlag, dbMustExistOrServer)
		if err != nil {
			return err
		}
		defer db.Close()
		if db.Waves == nil {
			return fmt.Errorf("%s keeps no waves: a study on this database is one wave", db.Name)
		}
		if start.IsZero() {
			start = time.Now()
		}
		w = survey.Wave{Name: name, StartsAt: start, CreatedBy: m.Getenv("USER")}
		if w.CreatedBy == "" {
			w.CreatedBy = "admin"
		}
		if err := db.Waves.AddWave(ctx, w); err != nil {
			return commandError(nil, err)
		}
	}
	fmt.Fprintf(m.Stdout, "wave %q starts %s\n", w.Name, w.StartsAt.Local().Format("2006-01-02 15:04"))
	return nil
}

func (m *Main) runWaveList(ctx context.Context, args []string) error {
	fs := m.newFlagSet("wave list", "tracer wave list (--db FILE | --server URL) [--data DIR]\n\n"+
		"Lists the study's waves, first to current, with when each starts.\n")
	dbFlag := fs.String("db", "", "server database `FILE` (default: server.db in the data folder)")
	serverURL := fs.String("server", "", "list the waves of the server at `URL` instead of a database")
	dataFlag := fs.String("data", "", "data `DIR` (default: $TRACER_DATA, else the user's config folder/tracer)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usageError("wave list takes no arguments, got %q", fs.Arg(0))
	}
	if *serverURL != "" && *dbFlag != "" {
		return usageError("give --db or --server, not both")
	}
	*serverURL = m.enrolledServer(*dbFlag, *serverURL, *dataFlag)
	var waves []survey.Wave
	if *serverURL != "" {
		c, err := m.remoteClient(*serverURL, *dataFlag)
		if err != nil {
			return err
		}
		if waves, err = c.Waves(ctx); err != nil {
			return commandError(c, err)
		}
	} else {
		db, err := m.openServerStores(ctx, *dbFlag, *dataFlag, dbMustExistOrServer)
		if err != nil {
			return err
		}
		defer db.Close()
		if db.Waves != nil {
			if waves, err = db.Waves.Waves(ctx); err != nil {
				return commandError(nil, err)
			}
		}
	}
	if len(waves) == 0 {
		fmt.Fprintln(m.Stdout, "no waves: the study is one wave")
		return nil
	}
	for i, w := range waves {
		cur := ""
		if i == len(waves)-1 {
			cur = "  (current)"
		}
		fmt.Fprintf(m.Stdout, "%-20s %s%s\n", survey.Printable(w.Name), w.StartsAt.Local().Format("2006-01-02 15:04"), cur)
	}
	return nil
}
