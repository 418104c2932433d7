package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"strings"
	"time"

	"tracer/survey"
	"tracer/survey/sqlite"
	"tracer/sync/client"
	"tracer/sync/relay"
	"tracer/sync/server"
)

// relayDBName is the relay database's file name inside the data folder.
const relayDBName = "relay.db"

// The relay's enrollment with the centre, beside its database, owner-only.
const (
	relayTokenSuffix = ".token" // the relay account's bearer token
	relayInfoSuffix  = ".json"  // the centre's URL, the account and the centre's public key
)

type relayOptions struct {
	centre, code, addr, db, data, urlFile string
}

// runRelay runs a relay at an event for the centre at o.centre until ctx ends.
func (m *Main) runRelay(ctx context.Context, o relayOptions) error {
	path := o.db
	if path == "" {
		dir, err := m.dataDir(o.data)
		if err != nil {
			return err
		}
		if err := os.MkdirAll(dir, 0o700); err != nil {
			return err
		}
		path = filepath.Join(dir, relayDBName)
	}
	log := slog.New(slog.NewJSONHandler(m.Stderr, nil))
	enr, token, err := m.relayEnrollment(ctx, path, o)
	if err != nil {
		return err
	}
	centre, err := client.NewClient(enr.URL, client.WithToken(token), client.WithRetry(2, 500*time.Millisecond, 2*time.Second),
		client.WithLogger(log))
	if err != nil {
		return err
	}
	db, err := sqlite.Open(ctx, path)
	if err != nil {
		return err
	}
	defer db.Close()
	store := sqlite.NewRelayStore(db)
	fwd := relay.New(relay.Config{
		Centre: centre, Store: store, Forms: sqlite.NewFormStore(db), Attempts: sqlite.NewAttemptLedger(db),
		RosterUpdates: sqlite.NewRosterUpdateLedger(db), Cursors: sqlite.NewSyncStateStore(db), Logger: log,
	})
	srv := server.New(relayConfig(db, enr, relay.Upstream{Centre: centre}, fwd.Wake, log))
	// A first round before laptops come: accounts, forms and the roster as the centre has
	// them now, when it is reachable.
	report := func(r relay.Round, err error) {
		st, serr := store.Status(ctx)
		if serr != nil {
			return
		}
		if err != nil {
			fmt.Fprintf(m.Stdout, "centre not reached (%s); %d interviews wait here, retrying\n", oneLine(err), st.Waiting)
			return
		}
		fmt.Fprintf(m.Stdout, "centre reached: sent %d interviews (%d refused there), %d attempts, %d roster updates; %d wait here; pulled %d forms, %d roster rows, %d returns\n",
			r.Forwarded, r.Refused, r.Attempts, r.Updates, st.Waiting, r.Forms, r.RosterRows, r.Returns)
		for _, x := range r.Late {
			fmt.Fprintf(m.Stdout, "refused at the centre: %s revision %d of %s: %s (%s); the laptop learns it at its next sync and keeps it\n",
				survey.Printable(x.InterviewID), x.Revision, survey.Printable(x.SubmittedBy), survey.Printable(x.Message), survey.Printable(x.Code))
		}
	}
	r, err := fwd.Round(ctx)
	report(r, err)
	ln, err := net.Listen("tcp", o.addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", o.addr, err)
	}
	url := "http://" + ln.Addr().String()
	fmt.Fprintf(m.Stdout, "tracer: relay for %s on %s (account %s, %s)\n", enr.URL, url, enr.User, path)
	for _, u := range lanURLs(ln.Addr()) {
		fmt.Fprintf(m.Stdout, "laptops here sync with: tracer sync --server %s\n", u)
	}
	fmt.Fprintf(m.Stdout, "relay code: %s (laptops syncing here print it)\n", relayCode(enr.PublicKey))
	if err := writeURLFile(o.urlFile, url); err != nil {
		return err
	}
	go func() { _ = fwd.Run(ctx, report) }()
	return serveUntilDone(ctx, ln, srv, log)
}

// relayConfig is the configuration of a relay's server on db, enrolled at the centre as enr.
func relayConfig(db *sqlite.DB, enr *enrollment, up server.Upstream, wake func(), log *slog.Logger) server.Config {
	return server.Config{
		Users: sqlite.NewUserStore(db), Submissions: sqlite.NewSubmissionStore(db), Forms: sqlite.NewFormStore(db),
		Roster: sqlite.NewServerRosterStore(db), Returns: sqlite.NewReturnStore(db), Reviews: sqlite.NewReviewStore(db),
		Attempts: sqlite.NewAttemptLedger(db), RosterUpdates: sqlite.NewRosterUpdateLedger(db),
		PublicKey: enr.PublicKey, Accounts: sqlite.NewUserStore(db),
		Relay:  &server.RelayMode{Store: sqlite.NewRelayStore(db), Upstream: up, Name: enr.User, Accepted: wake},
		Logger: log, CanWrite: db.CanWrite,
	}
}

// oneLine cuts err's text to its first line.
func oneLine(err error) string {
	s, _, _ := strings.Cut(err.Error(), "\n")
	return s
}

// relayCode is a short code naming the centre a relay serves (from the centre's public
// key): the relay's screen shows it, and so does every laptop syncing through it.
func relayCode(publicKey string) string {
	if publicKey == "" {
		return "----"
	}
	h := survey.HashBytes([]byte(publicKey))
	return strings.ToUpper(h[:4] + "-" + h[4:8])
}

// lanURLs lists the addresses laptops on the hall's network can reach the listener at:
// the listener's own, or each non-loopback IPv4 address when it listens on all of them.
func lanURLs(a net.Addr) []string {
	tcp, ok := a.(*net.TCPAddr)
	if !ok || !tcp.IP.IsUnspecified() {
		return []string{"http://" + a.String()}
	}
	var out []string
	addrs, _ := net.InterfaceAddrs()
	for _, ia := range addrs {
		if ipn, ok := ia.(*net.IPNet); ok && !ipn.IP.IsLoopback() && ipn.IP.To4() != nil {
			out = append(out, fmt.Sprintf("http://%s:%d", ipn.IP, tcp.Port))
		}
	}
	if len(out) == 0 {
		out = append(out, fmt.Sprintf("http://127.0.0.1:%d", tcp.Port))
	}
	return out
}

// relayEnrollment reads the relay's enrollment with the centre beside its database, or
// enrolls it with o.code (a supervisor account's code) when there is none.
func (m *Main) relayEnrollment(ctx context.Context, path string, o relayOptions) (*enrollment, string, error) {
	var enr enrollment
	data, err := os.ReadFile(path + relayInfoSuffix)
	switch {
	case err == nil && o.code == "":
		if err := json.Unmarshal(data, &enr); err != nil || enr.URL == "" {
			return nil, "", fmt.Errorf("%s is damaged: start the relay again with --code", path+relayInfoSuffix)
		}
		tok, err := os.ReadFile(path + relayTokenSuffix)
		if err != nil {
			return nil, "", fmt.Errorf("read the relay's token: %w (start the relay again with --code)", err)
		}
		want, _ := client.NewClient(o.centre)
		if want != nil && want.BaseURL() != enr.URL {
			return nil, "", fmt.Errorf("this relay database serves the centre %s, not %s: use another --db", enr.URL, o.centre)
		}
		return &enr, strings.TrimSpace(string(tok)), nil
	case err != nil && !errors.Is(err, os.ErrNotExist):
		return nil, "", err
	case o.code == "":
		return nil, "", errors.New(`this relay is not enrolled with the centre yet: start it once with --code CODE, a one-time code of a supervisor account ("tracer user add NAME --role supervisor" at the centre)`)
	}
	c, err := client.NewClient(o.centre)
	if err != nil {
		return nil, "", errors.New(survey.ErrorMessage(err))
	}
	host, _ := os.Hostname()
	res, err := c.Enroll(ctx, o.code, "relay "+host, "")
	if err != nil {
		return nil, "", syncError(c, err)
	}
	if res.Role != survey.RoleSupervisor {
		return nil, "", fmt.Errorf("the code is of %s, a %s account: a relay needs a supervisor account", res.User, res.Role)
	}
	if err := writePrivate(path+relayTokenSuffix, []byte(res.Token+"\n")); err != nil {
		return nil, "", fmt.Errorf("save the relay's token: %w", err)
	}
	enr = enrollment{URL: c.BaseURL(), User: res.User, Role: res.Role, PublicKey: res.PublicKey}
	info, _ := json.MarshalIndent(enr, "", "  ")
	if err := writePrivate(path+relayInfoSuffix, append(info, '\n')); err != nil {
		return nil, "", err
	}
	fmt.Fprintf(m.Stdout, "relay enrolled with %s as %s\n", enr.URL, enr.User)
	return &enr, res.Token, nil
}
