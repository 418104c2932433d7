package main

import (
	"context"
	"encoding/json"
	"time"

	"tracer/survey/report"
	"tracer/sync/server"
)

func (m *Main) runProgress(ctx context.Context, args []string) error {
	fs := m.newFlagSet("progress", "tracer progress [--json] [--wave NAME] (--db FILE | --server URL) [--data DIR]\n\n"+
		"The supervisor's view of the tracing: per enumerator the alumni assigned and the attempts,\n"+
		"contacts, completes and refusals today and in all; the call-backs overdue; the alumni with\n"+
		"no attempt yet. From the server machine's database (--db) or a server (--server URL, with\n"+
		"this laptop's supervisor login).\n")
	asJSON := fs.Bool("json", false, "write JSON")
	wave := fs.String("wave", "", "count the wave called `NAME` (default: the current wave; docs/TRACING.md, Waves)")
	dbFlag := fs.String("db", "", "server database `FILE` or postgres:// URL (default: server.db in the data folder)")
	serverURL := fs.String("server", "", "read from the server at `URL` instead of a database")
	dataFlag := fs.String("data", "", "data `DIR` (default: $TRACER_DATA, else the user's config folder/tracer)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usageError("progress takes no arguments, got %q", fs.Arg(0))
	}
	*serverURL = m.enrolledServer(*dbFlag, *serverURL, *dataFlag)
	if *serverURL != "" && *dbFlag != "" {
		return usageError("give --db or --server, not both")
	}
	var p *report.Progress
	if *serverURL != "" {
		c, err := m.remoteClient(*serverURL, *dataFlag)
		if err != nil {
			return err
		}
		if p, err = c.WaveProgress(ctx, *wave); err != nil {
			return commandError(c, err)
		}
	} else {
		db, err := m.openServerStores(ctx, *dbFlag, *dataFlag, dbMustExistOrServer)
		if err != nil {
			return err
		}
		defer db.Close()
		if p, err = server.ComputeProgress(ctx, db.sources(), db.Attempts, time.Now(), time.Local, *wave); err != nil {
			return commandError(nil, err)
		}
	}
	if *asJSON {
		enc := json.NewEncoder(m.Stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(p)
	}
	return report.WriteProgressText(m.Stdout, p, time.Local)
}
