package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"strings"
	"time"

	"tracer/survey"
	"tracer/survey/seal"
	"tracer/survey/sqlite"
	"tracer/survey/vault"
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
	// qr draws the address's QR code even when standard output is not a terminal.
	qr bool
}

// runRelay runs a relay at an event for the centre at o.centre until ctx ends.
func (m *Main) runRelay(ctx context.Context, o relayOptions) error {
	// The address first: one that cannot be listened on is said before the relay's
	// database is made or the centre's enrollment code spent.
	ln, err := net.Listen("tcp", o.addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", o.addr, err)
	}
	defer ln.Close()
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
	enr, token, recovered, err := m.relayEnrollment(ctx, path, o)
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
	if err := m.lockRelay(ctx, db, path, enr, token, recovered); err != nil {
		return err
	}
	store := sqlite.NewRelayStore(db)
	fwd := relay.New(relay.Config{
		Centre: centre, Store: store, Forms: sqlite.NewFormStore(db), Attempts: sqlite.NewAttemptLedger(db),
		RosterUpdates: sqlite.NewRosterUpdateLedger(db), Cursors: sqlite.NewSyncStateStore(db), Logger: log,
		Enrollments: store,
	})
	cfg := relayConfig(db, enr, relay.Upstream{Centre: centre}, fwd.Wake, log)
	removeStaleTemp(cfg.TempDir, log)
	srv := server.New(cfg)
	// A first round before laptops come: accounts, forms and the roster as the centre has
	// them now, when it is reachable.
	report := func(r relay.Round, err error) {
		st, serr := store.Status(ctx)
		if serr != nil {
			return
		}
		if err != nil {
			fmt.Fprint(m.Stdout, survey.Plurals("centre not reached (%s); %d interview{s} {waits|wait} here, retrying\n", oneLine(err), st.Waiting))
			return
		}
		fmt.Fprint(m.Stdout, survey.Plurals("centre reached: sent %d interview{s} (%d refused there), %d attempt{s}, %d roster update{s}; %d wait here; pulled %d form{s}, %d roster row{s}, %d return{s}\n",
			r.Forwarded, r.Refused, r.Attempts, r.Updates, st.Waiting, r.Forms, r.RosterRows, r.Returns))
		if st.Waiting == 0 && r.Forwarded > 0 {
			fmt.Fprintf(m.Stdout, "nothing waits here now: after the event, stop the relay and run: tracer serve purge --db %s\n", path)
		}
		if r.Confirmed > 0 {
			fmt.Fprint(m.Stdout, survey.Plurals("the centre confirmed %d enrollment{s} made here offline; {its|their} interviews go on\n", r.Confirmed))
		}
		for _, e := range r.Unconfirmed {
			fmt.Fprint(m.Stdout, survey.Plurals("enrollment refused at the centre: %s on %s (%s): %s; its %d interview{s} {stays|stay} held here (tracer serve enrollments)\n",
				survey.Printable(e.User), survey.Printable(e.Device), e.ID, survey.Printable(e.Message), e.Held))
		}
		for _, x := range r.Late {
			fmt.Fprintf(m.Stdout, "refused at the centre: %s of %s: %s (%s); the laptop learns it at its next sync and keeps it\n",
				lateItem(x.Kind, x.InterviewID, x.Revision), survey.Printable(x.SubmittedBy), survey.Printable(x.Message), survey.Printable(x.Code))
		}
	}
	if st, err := store.Status(ctx); err == nil && st.Received > 0 {
		fmt.Fprint(m.Stdout, survey.Plurals("%s holds %d interview{s}: %d {waits|wait} for the centre, %d {is|are} safe there (tracer serve purge drops those), %d {was|were} refused there\n",
			path, st.Received, st.Waiting, st.Forwarded, st.Refused))
	}
	r, err := fwd.Round(ctx)
	report(r, err)
	url := "http://" + ln.Addr().String()
	fmt.Fprintf(m.Stdout, "tracer: relay for %s on %s (account %s, %s)\n", enr.URL, url, enr.User, path)
	urls := lanURLs(ln.Addr())
	for _, u := range urls {
		fmt.Fprintf(m.Stdout, "laptops here sync with: tracer sync --server %s\n", u)
	}
	fmt.Fprintf(m.Stdout, "relay code: %s (laptops syncing here print it)\n", relayCode(enr.PublicKey))
	if u := scannableURL(urls); u != "" {
		m.printQR("the relay's address, "+u+", to scan", u, o.qr)
	}
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
		PublicKey: enr.PublicKey, SessionSealing: enr.SessionSealing, Accounts: sqlite.NewUserStore(db),
		Relay: &server.RelayMode{Store: sqlite.NewRelayStore(db), Upstream: up, Name: enr.User, Accepted: wake,
			Enrollments: sqlite.NewRelayStore(db)},
		Logger: log, CanWrite: db.CanWrite,
		// Temporary files go beside the relay's database, as the centre's do (serverStores.config):
		// an event's laptop may mount /tmp in memory.
		TempDir: filepath.Dir(db.Path()),
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
// enrolls it with o.code (a supervisor account's code) when there is none or a code is
// given. Enrolling again with a code gives back the relay's data key the centre keeps
// (recovered), for a forgotten PIN.
func (m *Main) relayEnrollment(ctx context.Context, path string, o relayOptions) (enr *enrollment, token string, recovered []byte, err error) {
	enr = &enrollment{}
	data, err := os.ReadFile(path + relayInfoSuffix)
	switch {
	case err == nil && o.code == "":
		if err := json.Unmarshal(data, enr); err != nil || enr.URL == "" {
			return nil, "", nil, fmt.Errorf("%s is damaged: start the relay again with --code", path+relayInfoSuffix)
		}
		tok, err := os.ReadFile(path + relayTokenSuffix)
		if err != nil {
			return nil, "", nil, fmt.Errorf("read the relay's token: %w (start the relay again with --code)", err)
		}
		want, _ := client.NewClient(o.centre)
		if want != nil && want.BaseURL() != enr.URL {
			return nil, "", nil, fmt.Errorf("this relay database serves the centre %s, not %s: use another --db", enr.URL, o.centre)
		}
		return enr, strings.TrimSpace(string(tok)), nil, nil
	case err != nil && !errors.Is(err, os.ErrNotExist):
		return nil, "", nil, err
	case o.code == "":
		return nil, "", nil, errors.New(`this relay is not enrolled with the centre yet: start it once with --code CODE, a one-time code of a supervisor account ("tracer user add NAME --role supervisor" at the centre)`)
	}
	c, err := client.NewClient(o.centre)
	if err != nil {
		return nil, "", nil, errors.New(survey.ErrorMessage(err))
	}
	host, _ := os.Hostname()
	laptopID := ""
	if vault.Exists(path + relayVaultSuffix) {
		if laptopID, err = vault.LaptopID(path + relayVaultSuffix); err != nil {
			return nil, "", nil, err
		}
	}
	res, err := c.Enroll(ctx, o.code, "relay "+host, laptopID)
	if err != nil {
		return nil, "", nil, syncError(c, err)
	}
	if res.Role != survey.RoleSupervisor {
		return nil, "", nil, fmt.Errorf("the code is of %s, a %s account: a relay needs a supervisor account", res.User, res.Role)
	}
	if err := writePrivate(path+relayTokenSuffix, []byte(res.Token+"\n")); err != nil {
		return nil, "", nil, fmt.Errorf("save the relay's token: %w", err)
	}
	*enr = enrollment{URL: c.BaseURL(), User: res.User, Role: res.Role, PublicKey: res.PublicKey, SessionSealing: res.SessionSealing}
	info, _ := json.MarshalIndent(enr, "", "  ")
	if err := writePrivate(path+relayInfoSuffix, append(info, '\n')); err != nil {
		return nil, "", nil, err
	}
	fmt.Fprintf(m.Stdout, "relay enrolled with %s as %s\n", enr.URL, enr.User)
	return enr, res.Token, res.DataKey, nil
}

// relayVaultSuffix names the folder beside a relay's database that holds its vault: the
// data key that encrypts the personal data the relay keeps, under the relay's PIN.
const relayVaultSuffix = ".vault"

// lockRelay gives the relay's database at path its data key, which encrypts the roster's
// personal columns, the returned interviews and the records in clear it keeps: a new key
// under a new PIN at the first start (its copy sealed to the centre's key and given to
// the centre, for a forgotten PIN), the centre's copy under a new PIN after enrolling
// again with a code (recovered), else the vault opened with the PIN. What the database
// held in clear before is encrypted in place.
func (m *Main) lockRelay(ctx context.Context, db *sqlite.DB, path string, enr *enrollment, token string, recovered []byte) error {
	dir := path + relayVaultSuffix
	var key []byte
	switch {
	case !vault.Exists(dir) || recovered != nil:
		pin, err := m.readPIN(fmt.Sprintf("New PIN for the relay's data (%d+ digits) / PIN baru untuk data relay (min. %d angka): ", vault.MinPIN, vault.MinPIN), true)
		if err != nil {
			return fmt.Errorf("the relay keeps the roster and returned interviews encrypted under a PIN: %w", err)
		}
		if err := vault.CheckPIN(pin); err != nil {
			return errors.New(survey.ErrorMessage(err))
		}
		id := vault.NewLaptopID()
		if recovered != nil {
			if id, err = vault.LaptopID(dir); err != nil {
				return err
			}
			key = recovered
		} else {
			key = vault.NewDataKey()
		}
		if err := os.MkdirAll(dir, 0o700); err != nil {
			return err
		}
		if err := vault.Create(dir, id, pin, key); err != nil {
			return err
		}
		if recovered != nil {
			fmt.Fprintln(m.Stdout, "the centre gave back the relay's data key: the new PIN opens the relay's data")
			break
		}
		m.giveRelayKey(ctx, enr, token, id, key)
	default:
		pin, err := m.readPIN("Relay PIN: ", false)
		if err != nil {
			return fmt.Errorf("the relay's data is locked with a PIN: %w", err)
		}
		key, err = vault.Unlock(dir, pin, time.Now())
		var we *vault.WaitError
		switch {
		case errors.As(err, &we):
			return fmt.Errorf("%w; nothing is lost (a forgotten PIN: start the relay with --code and a new code of %s)", err, enr.User)
		case errors.Is(err, vault.ErrWrongPIN):
			return fmt.Errorf("%w; nothing is lost: try again, or start the relay with --code and a new code of %s for a new PIN", err, enr.User)
		case err != nil:
			return err
		}
	}
	c, err := vault.NewCipher(key)
	if err != nil {
		return err
	}
	db.Encrypt(c)
	rows, feed, items, err := db.EncryptRelayInPlace(ctx)
	if err != nil {
		return fmt.Errorf("encrypt the relay's data: %w", err)
	}
	if rows+feed+items > 0 {
		fmt.Fprint(m.Stdout, survey.Plurals("relay data locked with the PIN: %d roster row{s}, %d return{s} and approval{s}, %d record{s}, attempt{s} and roster updates encrypted\n", rows, feed, items))
	}
	return nil
}

// giveRelayKey gives the centre the relay's data key sealed to the centre's key, so that a
// forgotten PIN costs no data; it only warns when that fails.
func (m *Main) giveRelayKey(ctx context.Context, enr *enrollment, token, id string, key []byte) {
	warn := func(why string) {
		fmt.Fprintf(m.Stdout, "warning: the centre did not keep the relay's data key (%s): a forgotten PIN would lock what waits here\n", why)
	}
	if enr.PublicKey == "" {
		warn("the centre has no key pair")
		return
	}
	rcpt, err := seal.ParseRecipient(enr.PublicKey)
	if err != nil {
		warn(err.Error())
		return
	}
	sealed, err := rcpt.Seal(key)
	if err != nil {
		warn(err.Error())
		return
	}
	c, err := client.NewClient(enr.URL, client.WithToken(token), client.WithRetry(2, 500*time.Millisecond, 2*time.Second))
	if err != nil {
		warn(err.Error())
		return
	}
	if err := c.PutLaptopKey(ctx, id, sealed); err != nil && survey.ErrorCode(err) != survey.ECONFLICT {
		warn(survey.ErrorMessage(err))
	}
}

// unlockRelayDB gives the relay's database at path its data key when it has a vault (for
// tracer sync --from on a relay); the PIN comes from TRACER_PIN or the terminal.
func (m *Main) unlockRelayDB(db *sqlite.DB, path string) error {
	dir := path + relayVaultSuffix
	if !vault.Exists(dir) {
		return nil
	}
	pin, err := m.readPIN("Relay PIN: ", false)
	if err != nil {
		return fmt.Errorf("the relay's data is locked with a PIN: %w", err)
	}
	key, err := vault.Unlock(dir, pin, time.Now())
	if err != nil {
		return err
	}
	c, err := vault.NewCipher(key)
	if err != nil {
		return err
	}
	db.Encrypt(c)
	return nil
}

// relayDBFlags adds to fs the flags of a command run on a relay's database: --db and --data.
func relayDBFlags(fs *flag.FlagSet) (dbFlag, dataFlag *string) {
	dbFlag = fs.String("db", "", "the relay's database `FILE` (default: relay.db in the data folder)")
	dataFlag = fs.String("data", "", "data `DIR` (default: $TRACER_DATA, else the user's config folder/tracer)")
	return dbFlag, dataFlag
}

// openRelayDB opens a relay's database, dbFlag or else relay.db in the data folder
// (dataFlag), and returns it with its path. A file without the relay's enrollment beside it
// is refused, saying why the command needs a relay's (why: "purge runs on a relay").
func (m *Main) openRelayDB(ctx context.Context, dbFlag, dataFlag, why string) (*sqlite.DB, string, error) {
	path := dbFlag
	if path == "" {
		dir, err := m.dataDir(dataFlag)
		if err != nil {
			return nil, "", err
		}
		path = filepath.Join(dir, relayDBName)
	}
	if _, err := os.Stat(path + relayInfoSuffix); err != nil {
		return nil, "", fmt.Errorf("%s is not a relay's database (no %s beside it): %s", path, filepath.Base(path+relayInfoSuffix), why)
	}
	db, err := sqlite.Open(ctx, path)
	if err != nil {
		return nil, "", err
	}
	return db, path, nil
}

// runServePurge drops from a relay's database what is safe at the centre, after the event.
func (m *Main) runServePurge(ctx context.Context, args []string) error {
	fs := m.newFlagSet("serve purge", "tracer serve purge [--db FILE] [--data DIR]\n\n"+
		"Drops from a relay's database, after the event, what is safe at the centre: the interviews\n"+
		"the centre stored, the contact attempts and roster updates it settled and, once nothing\n"+
		"waits, the roster, returns and approvals pulled from it. Nothing the centre has not taken\n"+
		"is dropped: it stays, and the command exits 1 and says what waits. Run it with the relay\n"+
		"stopped; the file is rewritten so that no page keeps what was dropped.\n")
	dbFlag, dataFlag := relayDBFlags(fs)
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usageError("serve purge takes no arguments, got %q", fs.Arg(0))
	}
	db, path, err := m.openRelayDB(ctx, *dbFlag, *dataFlag, "purge runs on a relay")
	if err != nil {
		return err
	}
	defer db.Close()
	p, err := relay.Purge(ctx, sqlite.NewRelayStore(db), sqlite.NewSyncStateStore(db))
	if err != nil {
		return fmt.Errorf("purge %s: %w", path, err)
	}
	fmt.Fprint(m.Stdout, survey.Plurals("purged %s: dropped %d interview{s}, %d attempt{s} and %d roster update{s} safe at the centre; %d roster row{s} and %d return{s}, approval{s} and refusal{s} pulled from it\n",
		path, p.Interviews, p.Attempts, p.Updates, p.RosterRows, p.Feed))
	if p.Refused > 0 {
		fmt.Fprint(m.Stdout, survey.Plurals("kept: %d interview{s} the centre refused (tracer review refused at the centre lists them)\n", p.Refused))
	}
	if p.Waiting > 0 {
		fmt.Fprint(m.Stdout, survey.Plurals("kept: %d interview{s}, attempt{s} and roster update{s} the centre has not taken yet, and the roster: run the relay online (tracer serve --relay URL) until nothing waits, then purge again\n", p.Waiting))
		return silentError{1}
	}
	return nil
}
