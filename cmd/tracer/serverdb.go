package main

import (
	"bytes"
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"

	"tracer/survey"
	"tracer/survey/postgres"
	"tracer/survey/seal"
	"tracer/survey/sqlite"
	"tracer/sync/server"
)

// postgresKeyName names, inside the data folder, the files a server on PostgreSQL keeps
// beside no database file: "postgres.age" (the key laptops seal to) and "postgres.key"
// (the key enrollment codes are stored under). Every server on one database needs the same
// two files.
const postgresKeyName = "postgres"

// serverStores are the stores of a server database, a SQLite file or PostgreSQL.
type serverStores struct {
	Users       survey.UserStore
	LaptopKeys  survey.LaptopKeyStore
	Submissions survey.SubmissionStore
	Forms       survey.FormStore
	Roster      survey.ServerRosterStore
	Returns     survey.ReturnStore
	Reviews     survey.ReviewStore
	Attempts    survey.AttemptLedger
	// RosterUpdates and Accounts may be nil: the server then answers their routes 404 (and
	// roster updates pushed by laptops "waiting", so that laptops keep them).
	RosterUpdates survey.RosterUpdateLedger
	Accounts      survey.AccountDirectory
	// Links keeps self-response links; nil answers their routes 404.
	Links survey.LinkStore
	// Waves may be nil: the study is then one wave, and adding a wave is refused.
	Waves survey.WaveStore

	// Name says which database this is, for people (a file path or a URL without password).
	Name string
	// KeyPath is the file of the server's private key laptops seal to.
	KeyPath string
	// CanWrite checks that the database still takes a write.
	CanWrite func(context.Context) error
	// Close closes the database.
	Close func() error
}

// config returns the central server's configuration on the stores, sealing to key.
func (s *serverStores) config(key *seal.Key, log *slog.Logger) server.Config {
	return server.Config{
		Users: s.Users, Submissions: s.Submissions, Forms: s.Forms, Roster: s.Roster, Returns: s.Returns, Reviews: s.Reviews,
		Attempts: s.Attempts, RosterUpdates: s.RosterUpdates, Accounts: s.Accounts, Links: s.Links, Waves: s.Waves,
		Key: key, PublicKey: key.Public(), SessionSealing: key.OpensSessions(), LaptopKeys: s.LaptopKeys,
		Logger: log, CanWrite: s.CanWrite,
		// Temporary files (an export being written) go beside the key, on the database's
		// disk (the data folder for PostgreSQL), not in a /tmp that may be memory.
		TempDir: filepath.Dir(s.KeyPath),
	}
}

// sqliteStores returns the server stores of the SQLite database db.
func sqliteStores(db *sqlite.DB) *serverStores {
	users := sqlite.NewUserStore(db)
	return &serverStores{
		Users: users, LaptopKeys: users, Submissions: sqlite.NewSubmissionStore(db), Forms: sqlite.NewFormStore(db),
		Roster: sqlite.NewServerRosterStore(db), Returns: sqlite.NewReturnStore(db), Reviews: sqlite.NewReviewStore(db),
		Attempts: sqlite.NewAttemptLedger(db), RosterUpdates: sqlite.NewRosterUpdateLedger(db), Accounts: users,
		Links: sqlite.NewLinkStore(db), Waves: sqlite.NewWaveStore(db),
		Name: db.Path(), KeyPath: db.Path() + seal.KeyFileSuffix, CanWrite: db.CanWrite, Close: db.Close,
	}
}

// sources returns what exports and reports read.
func (s *serverStores) sources() server.Sources {
	return server.Sources{Reviews: s.Reviews, Forms: s.Forms, Roster: s.Roster, Attempts: s.Attempts, Waves: s.Waves}
}

// dbWanted says what openServerStores does when the SQLite file is missing.
type dbWanted int

const (
	dbMayBeNew          dbWanted = iota // make a new database
	dbMustExist                         // an error naming --db
	dbMustExistOrServer                 // an error naming --db and --server, for the commands that take --server
)

// openServerStores opens the server database: --db postgres://... (or postgresql://), else
// the SQLite file --db FILE, else server.db in the data folder. Unless want is dbMayBeNew, a
// missing SQLite file is an error rather than a new database, naming the flags the command
// takes.
func (m *Main) openServerStores(ctx context.Context, dbFlag, dataFlag string, want dbWanted) (*serverStores, error) {
	if postgres.IsURL(dbFlag) {
		dir, err := m.dataDir(dataFlag)
		if err != nil {
			return nil, err
		}
		base := filepath.Join(dir, postgresKeyName)
		key, err := loadCodeKey(base + ".key")
		if err != nil {
			return nil, err
		}
		db, err := postgres.Open(ctx, dbFlag, postgres.WithCodeKey(key))
		if err != nil {
			return nil, err
		}
		users := postgres.NewUserStore(db)
		return &serverStores{
			Users: users, LaptopKeys: users, Submissions: postgres.NewSubmissionStore(db), Forms: postgres.NewFormStore(db),
			Roster: postgres.NewServerRosterStore(db), Returns: postgres.NewReturnStore(db), Reviews: postgres.NewReviewStore(db),
			Attempts: postgres.NewAttemptLedger(db), RosterUpdates: postgres.NewRosterUpdateLedger(db), Accounts: users,
			Links: postgres.NewLinkStore(db), Waves: postgres.NewWaveStore(db),
			Name: db.URL(), KeyPath: base + seal.KeyFileSuffix, CanWrite: db.CanWrite, Close: db.Close,
		}, nil
	}
	path, err := m.serverDB(dbFlag, dataFlag)
	if err != nil {
		return nil, err
	}
	if want != dbMayBeNew {
		if _, err := os.Stat(path); err != nil {
			if want == dbMustExistOrServer {
				return nil, fmt.Errorf("no server database at %s (give --db FILE, --db postgres://... or --server URL)", path)
			}
			return nil, fmt.Errorf("no server database at %s (give --db FILE or --db postgres://...: this command runs where the server's database is)", path)
		}
	}
	db, err := sqlite.Open(ctx, path)
	if err != nil {
		return nil, err
	}
	return sqliteStores(db), nil
}

// loadCodeKey reads the 32-byte enrollment code key at path, or writes a new random one
// there (owner-only) when there is none. Losing it only invalidates the codes not used yet.
func loadCodeKey(path string) ([]byte, error) {
	key, err := os.ReadFile(path)
	if err == nil && len(key) == 32 {
		return key, nil
	}
	if err == nil || !errors.Is(err, os.ErrNotExist) {
		return nil, fmt.Errorf("enrollment code key %s: unreadable or not 32 bytes", path)
	}
	key = make([]byte, 32)
	rand.Read(key)
	// Written whole under another name, then linked into place: a server starting at the
	// same moment reads either no file or the whole key.
	f, err := os.CreateTemp(filepath.Dir(path), ".code-key-*")
	if err != nil {
		return nil, fmt.Errorf("create enrollment code key: %w", err)
	}
	defer os.Remove(f.Name())
	if _, err := f.Write(key); err != nil {
		f.Close()
		return nil, err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return nil, err
	}
	if err := f.Close(); err != nil {
		return nil, err
	}
	if err := os.Link(f.Name(), path); errors.Is(err, os.ErrExist) {
		return loadCodeKey(path) // another process made it first
	} else if err != nil {
		return nil, fmt.Errorf("create enrollment code key: %w", err)
	}
	return key, nil
}

// runServeMigrate copies a SQLite server database into an empty PostgreSQL database, with
// the server's keys, and prints each table's row counts and digests on both sides.
func (m *Main) runServeMigrate(ctx context.Context, args []string) error {
	fs := m.newFlagSet("serve migrate", "tracer serve migrate --from FILE --to postgres://... [--data DIR]\n\n"+
		"Copies the SQLite server database FILE into the PostgreSQL database (which must hold no\n"+
		"server data yet) in one transaction, then reads every table back on both sides and prints\n"+
		"its rows and a digest of their content. The server's key (FILE.age) and enrollment code key\n"+
		"(FILE.key) are copied into the data folder as postgres.age and postgres.key, so laptops keep\n"+
		"sealing to the same key and codes not used yet keep working.\n")
	from := fs.String("from", "", "the SQLite server database `FILE`")
	to := fs.String("to", "", "the PostgreSQL database `URL` (postgres://...)")
	dataFlag := fs.String("data", "", "data `DIR` that will hold postgres.age and postgres.key (default: $TRACER_DATA, else the user's config folder/tracer)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usageError("serve migrate takes no arguments, got %q", fs.Arg(0))
	}
	if *from == "" || !postgres.IsURL(*to) {
		return usageError("serve migrate needs --from FILE and --to postgres://...")
	}
	if _, err := os.Stat(*from); err != nil {
		return fmt.Errorf("no server database at %s", *from)
	}
	dir, err := m.dataDir(*dataFlag)
	if err != nil {
		return err
	}
	base := filepath.Join(dir, postgresKeyName)
	// The keys first: a data folder with other keys belongs to another server.
	for _, k := range []struct{ from, to string }{{*from + ".age", base + ".age"}, {*from + ".key", base + ".key"}} {
		if err := copyKey(k.from, k.to); err != nil {
			return err
		}
	}
	src, err := sqlite.Open(ctx, *from)
	if err != nil {
		return err
	}
	defer src.Close()
	key, err := loadCodeKey(base + ".key")
	if err != nil {
		return err
	}
	db, err := postgres.Open(ctx, *to, postgres.WithCodeKey(key))
	if err != nil {
		return err
	}
	defer db.Close()
	tables, err := db.CopyFrom(ctx, src.SQL())
	if err != nil {
		return err
	}
	fmt.Fprintf(m.Stdout, "%-22s %10s %10s  %-16s %-16s\n", "table", "sqlite", "postgres", "sqlite digest", "postgres digest")
	bad := 0
	for _, t := range tables {
		mark := "ok"
		if !t.OK() {
			mark, bad = "DIFFERS", bad+1
		}
		fmt.Fprintf(m.Stdout, "%-22s %10d %10d  %-16s %-16s %s\n", t.Table, t.SourceRows, t.Rows, t.SourceDigest[:16], t.Digest[:16], mark)
	}
	if bad > 0 {
		return errors.New(survey.Plurals("%d table{s} {differs|differ} after the copy into %s", bad, db.URL()))
	}
	fmt.Fprintf(m.Stdout, "migrated %s into %s: every table has the same rows; keys in %s\n", *from, db.URL(), dir)
	return nil
}

// copyKey copies the key file from to to, owner-only. A missing from is fine (the server
// makes its keys at its first start); an existing to must hold the same bytes.
func copyKey(from, to string) error {
	b, err := os.ReadFile(from)
	if errors.Is(err, os.ErrNotExist) {
		return nil
	} else if err != nil {
		return err
	}
	old, err := os.ReadFile(to)
	switch {
	case err == nil && bytes.Equal(old, b):
		return nil
	case err == nil:
		return fmt.Errorf("%s holds another key than %s: it belongs to another server; give another --data folder", to, from)
	case !errors.Is(err, os.ErrNotExist):
		return err
	}
	return os.WriteFile(to, b, 0o600)
}
