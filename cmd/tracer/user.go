package main

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"os"
	"strings"
	"text/tabwriter"
	"time"

	"tracer/survey"
	"tracer/survey/postgres"
)

func (m *Main) runUser(ctx context.Context, args []string) error {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		fmt.Fprint(m.Stdout, `Usage: tracer user <command> [arguments] [--db FILE] [--data DIR]

Commands:
  add NAME --role ROLE   create an account and print its one-time enrollment code
  code NAME              print a new enrollment code for an account
  list                   list the accounts
  revoke NAME            revoke an account: its codes and tokens stop working
  collect NAME --url URL print a server URL for ODK Collect holding a new token of the
                         account (an enumerator or supervisor); revoke the account to stop it;
                         with --qr also a QR code Collect's "Configure with QR code" scans

Roles: enumerator, supervisor, analyst, admin. Codes work once, for 24 hours.
Run these on the server machine; they open the server database directly.
`)
		return nil
	}
	switch args[0] {
	case "add", "code", "list", "revoke", "collect":
		return m.runUserCmd(ctx, args[0], args[1:])
	default:
		return usageError("unknown user command %q", args[0])
	}
}

func (m *Main) runUserCmd(ctx context.Context, cmd string, args []string) error {
	usage := map[string]string{
		"add":     "tracer user add NAME --role ROLE [--db FILE] [--data DIR]",
		"code":    "tracer user code NAME [--db FILE] [--data DIR]",
		"list":    "tracer user list [--db FILE] [--data DIR]",
		"revoke":  "tracer user revoke NAME [--db FILE] [--data DIR]",
		"collect": "tracer user collect NAME --url URL [--device NAME] [--qr] [--db FILE] [--data DIR]",
	}[cmd]
	fs := m.newFlagSet("user "+cmd, usage)
	dbFlag := fs.String("db", "", "server database `FILE` or postgres:// URL (default: server.db in the data folder)")
	dataFlag := fs.String("data", "", "data `DIR` (default: $TRACER_DATA, else the user's config folder/tracer)")
	var role, base, device *string
	var qrCode *bool
	if cmd == "collect" {
		base = fs.String("url", "", "the server's address as the phones reach it (https://...)")
		device = fs.String("device", "ODK Collect", "a `NAME` for the phone, kept with the token")
		qrCode = fs.Bool("qr", false, "also print Collect's settings (the URL with the token, the user name) as a QR code to scan: show it to that phone only")
	}
	if cmd == "add" {
		role = fs.String("role", "", "the account's `ROLE`: enumerator, supervisor, analyst or admin")
	}
	if err := parseReordered(fs, args); err != nil {
		return err
	}
	wantArgs := 1
	if cmd == "list" {
		wantArgs = 0
	}
	if fs.NArg() != wantArgs {
		fs.Usage()
		return usageError("user %s needs %d argument{s}", cmd, wantArgs)
	}
	if cmd == "add" && !survey.Role(*role).Valid() {
		return usageError("user add needs --role enumerator, supervisor, analyst or admin")
	}
	if cmd == "collect" {
		u, err := url.Parse(*base)
		if *base == "" || err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
			return usageError("user collect needs --url, the server's address as the phones reach it (https://...)")
		}
	}
	// Only the first account may make the server database; the other commands read one.
	fresh := ""
	if cmd == "add" && !postgres.IsURL(*dbFlag) {
		if path, err := m.serverDB(*dbFlag, *dataFlag); err == nil {
			if _, err := os.Stat(path); errors.Is(err, os.ErrNotExist) {
				fresh = path
			}
		}
	}
	want := dbMustExist
	if cmd == "add" {
		want = dbMayBeNew
	}
	st, err := m.openServerStores(ctx, *dbFlag, *dataFlag, want)
	if err != nil {
		return err
	}
	defer st.Close()
	if fresh != "" {
		// A user added in the wrong folder would be unknown to the server that runs.
		fmt.Fprintf(m.Stderr, "tracer: no server database was at %s: made a new one; a server using another folder or --db does not know this account\n", fresh)
	}
	users := st.Users
	switch cmd {
	case "collect":
		us, err := users.Users(ctx)
		if err != nil {
			return err
		}
		for _, u := range us {
			if u.Name == fs.Arg(0) && u.Role != survey.RoleEnumerator && u.Role != survey.RoleSupervisor {
				return fmt.Errorf("%s is an account of role %s: only enumerators and supervisors send interviews from ODK Collect", u.Name, u.Role)
			}
		}
		// A code made and used at once: the token goes into the URL the phone keeps.
		code, err := users.NewCode(ctx, fs.Arg(0))
		if err != nil {
			return userError(err)
		}
		token, u, err := users.Enroll(ctx, code, *device)
		if err != nil {
			return userError(err)
		}
		collectURL := strings.TrimRight(*base, "/") + "/v1/key/" + token
		fmt.Fprintf(m.Stdout, "ODK Collect server URL for %s (Settings > Project settings > Server > URL; keep it private):\n%s\n",
			u.Name, collectURL)
		if *qrCode {
			host := collectURL
			if pu, err := url.Parse(*base); err == nil {
				host = pu.Host
			}
			settings, err := collectSettings(collectURL, u.Name, "tracer "+host)
			if err != nil {
				return err
			}
			m.printQR("ODK Collect settings for "+u.Name+" (Add project > Configure with QR code; it holds the token: show it to this phone only)", settings, true)
		}
	case "add":
		u, code, err := users.CreateUser(ctx, fs.Arg(0), survey.Role(*role))
		if err != nil {
			return userError(err)
		}
		fmt.Fprintf(m.Stdout, "user %s (%s) created\nenrollment code: %s (one use, expires %s)\n",
			u.Name, u.Role, code, u.CreatedAt.Add(survey.EnrollmentTTL).Local().Format("2006-01-02 15:04"))
	case "code":
		code, err := users.NewCode(ctx, fs.Arg(0))
		if err != nil {
			return userError(err)
		}
		fmt.Fprintf(m.Stdout, "enrollment code for %s: %s (one use, expires in 24 hours)\n", fs.Arg(0), code)
	case "list":
		us, err := users.Users(ctx)
		if err != nil {
			return err
		}
		tw := tabwriter.NewWriter(m.Stdout, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "NAME\tROLE\tDEVICES\tCREATED\tSTATUS")
		for _, u := range us {
			status := "active"
			if !u.RevokedAt.IsZero() {
				status = "revoked " + u.RevokedAt.Local().Format(time.DateOnly)
			}
			fmt.Fprintf(tw, "%s\t%s\t%d\t%s\t%s\n", survey.Printable(u.Name), survey.Printable(string(u.Role)), u.Tokens, u.CreatedAt.Local().Format(time.DateOnly), status)
		}
		return tw.Flush()
	case "revoke":
		if err := users.Revoke(ctx, fs.Arg(0)); err != nil {
			return userError(err)
		}
		fmt.Fprintf(m.Stdout, "user %s revoked: its codes and tokens no longer work\n", fs.Arg(0))
	}
	return nil
}

// userError turns a domain error into its message for the command line.
func userError(err error) error {
	if code := survey.ErrorCode(err); code != survey.EINTERNAL {
		return fmt.Errorf("%s", survey.ErrorMessage(err))
	}
	return err
}
