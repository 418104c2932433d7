package main

import (
	"context"
	"fmt"
	"net/url"
	"os"
	"text/tabwriter"
	"time"

	"tracer/forms/builtin"
	"tracer/survey"
)

func (m *Main) runLink(ctx context.Context, args []string) error {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		fmt.Fprint(m.Stdout, `Usage: tracer link <command> [arguments] [--db FILE] [--data DIR]

Commands:
  make --url URL (--batch B | --kejuruan K | --regency R | ROSTER_ID...) [--form ID] [--days N] [-o links.csv]
                 one personal self-response link per alumnus, written as CSV (roster id,
                 name, phone, link, a WhatsApp message and a wa.me link to send it)
  list           every link: alumnus, expiry, revisions received, state (unused, opened,
                 answered, expired or revoked)
  revoke ID      the link stops working at once

A link opens the study's form in the alumnus's phone browser, prefilled from the roster;
what he sends is his interview (mode web). Making a new link for an alumnus revokes his
old one; his answers stay one interview. Run these on the server machine; a supervisor's
laptop does the same from the TUI (key l on Home).
`)
		return nil
	}
	switch args[0] {
	case "make", "list", "revoke":
		return m.runLinkCmd(ctx, args[0], args[1:])
	default:
		return usageError("unknown link command %q", args[0])
	}
}

func (m *Main) runLinkCmd(ctx context.Context, cmd string, args []string) error {
	usage := map[string]string{
		"make":   "tracer link make --url URL (--batch B | --kejuruan K | --regency R | ROSTER_ID...) [--form ID] [--days N] [--by NAME] [-o FILE] [--db FILE]",
		"list":   "tracer link list [--db FILE] [--data DIR]",
		"revoke": "tracer link revoke ID [--db FILE] [--data DIR]",
	}[cmd]
	fs := m.newFlagSet("link "+cmd, usage)
	dbFlag := fs.String("db", "", "server database `FILE` (default: server.db in the data folder)")
	dataFlag := fs.String("data", "", "data `DIR` (default: $TRACER_DATA, else the user's config folder/tracer)")
	var base, batch, kejuruan, regency, form, out, by *string
	var days *int
	if cmd == "make" {
		base = fs.String("url", "", "the server's public `URL` as alumni's phones reach it (https://...)")
		batch = fs.String("batch", "", "every alumnus of `BATCH`")
		kejuruan = fs.String("kejuruan", "", "every alumnus of `KEJURUAN`")
		regency = fs.String("regency", "", "every alumnus whose regency of domicile is `CODE`")
		form = fs.String("form", "", "the `ID` of the published form the links open (default: the built-in form's)")
		days = fs.Int("days", 30, "the links expire after `N` days")
		out = fs.String("o", "", "write the CSV to `FILE` (default: standard output)")
		by = fs.String("by", "supervisor", "the supervisor `NAME` responsible for the links")
	}
	if err := parseReordered(fs, args); err != nil {
		return err
	}
	switch cmd {
	case "revoke":
		if fs.NArg() != 1 {
			fs.Usage()
			return usageError("link revoke needs the link's id")
		}
	case "list":
		if fs.NArg() != 0 {
			fs.Usage()
			return usageError("link list takes no arguments")
		}
	case "make":
		picked := 0
		for _, on := range []bool{*batch != "", *kejuruan != "", *regency != "", fs.NArg() > 0} {
			if on {
				picked++
			}
		}
		if picked != 1 {
			fs.Usage()
			return usageError("link make needs one of --batch, --kejuruan, --regency or roster ids")
		}
		if *regency != "" {
			code, err := regencyFlag(*regency)
			if err != nil {
				return err
			}
			*regency = code
		}
		u, err := url.Parse(*base)
		if *base == "" || err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
			return usageError("link make needs --url, the server's address as phones reach it (https://...)")
		}
		if *days < 1 || *days > 366 {
			return usageError("--days is 1 to 366")
		}
	}
	st, err := m.openServerStores(ctx, *dbFlag, *dataFlag, dbMustExist)
	if err != nil {
		return err
	}
	defer st.Close()
	links := st.Links
	if links == nil {
		return fmt.Errorf("the server database %s keeps no self-response links", st.Name)
	}
	switch cmd {
	case "make":
		if *form == "" {
			f, err := builtin.Load()
			if err != nil {
				return err
			}
			*form = f.ID
		}
		sel := survey.AssignSelector{RosterIDs: fs.Args(), Batch: *batch, Kejuruan: *kejuruan, Regency: *regency}
		made, err := links.MakeLinks(ctx, sel, *form, time.Now().Add(time.Duration(*days)*24*time.Hour), *by)
		if err != nil {
			return userError(err)
		}
		w := m.Stdout
		var f *os.File
		if *out != "" {
			if f, err = os.OpenFile(*out, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o600); err != nil {
				return err
			}
			defer f.Close()
			w = f
		}
		if err := survey.WriteLinksCSV(w, *base, made); err != nil {
			return err
		}
		if f != nil {
			if err := f.Close(); err != nil {
				return err
			}
			fmt.Fprint(m.Stdout, survey.Plurals("%d link{s} written to %s (keep it private: each link opens one alumnus's form)\n", len(made), *out))
		}
	case "list":
		ls, err := links.Links(ctx)
		if err != nil {
			return err
		}
		tw := tabwriter.NewWriter(m.Stdout, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "ID\tROSTER ID\tFORM\tBY\tEXPIRES\tREVISIONS\tSTATUS")
		now := time.Now()
		for _, l := range ls {
			status := string(l.State(now))
			switch {
			case !l.RevokedAt.IsZero():
				status += " " + l.RevokedAt.Local().Format(time.DateOnly)
			case !l.LastUsedAt.IsZero():
				status += " " + l.LastUsedAt.Local().Format(time.DateOnly)
			case !l.OpenedAt.IsZero() && l.Active(now):
				status += " " + l.OpenedAt.Local().Format(time.DateOnly)
			}
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%d\t%s\n", l.ID, survey.Printable(l.RosterID), survey.Printable(l.FormID),
				survey.Printable(l.CreatedBy), l.ExpiresAt.Local().Format(time.DateOnly), l.Revisions, status)
		}
		return tw.Flush()
	case "revoke":
		if err := links.RevokeLink(ctx, fs.Arg(0)); err != nil {
			return userError(err)
		}
		fmt.Fprintf(m.Stdout, "link %s revoked: it no longer opens\n", fs.Arg(0))
	}
	return nil
}
