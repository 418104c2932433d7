package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/http/pprof"
	"os"
	"path/filepath"
	"time"

	"tracer/forms/builtin"
	"tracer/survey"
	"tracer/survey/report"
	"tracer/survey/seal"
	"tracer/survey/sqlite"
	"tracer/sync/server"
)

// serverDBName is the server database's file name inside the data folder.
const serverDBName = "server.db"

// serverDB resolves the server database path: --db, else server.db in the data folder.
func (m *Main) serverDB(dbFlag, dataFlag string) (string, error) {
	if dbFlag != "" {
		return dbFlag, nil
	}
	dir, err := m.dataDir(dataFlag)
	if err != nil {
		return "", err
	}
	return filepath.Join(dir, serverDBName), nil
}

// runServe runs the central server until the context ends, then shuts it down gracefully.
func (m *Main) runServe(ctx context.Context, args []string) error {
	if len(args) > 0 && args[0] == "migrate" {
		return m.runServeMigrate(ctx, args[1:])
	}
	if len(args) > 0 && args[0] == "purge" {
		return m.runServePurge(ctx, args[1:])
	}
	if len(args) > 0 && args[0] == "enrollments" {
		return m.runServeEnrollments(ctx, args[1:])
	}
	fs := m.newFlagSet("serve", "tracer serve [--addr HOST:PORT] [--db FILE | --db postgres://...] [--data DIR] [--study FILE] [--qr]\n"+
		"tracer serve migrate --from FILE --to postgres://...\n"+
		"tracer serve purge [--db relay.db]    (a relay, after the event)\n"+
		"tracer serve enrollments [--db relay.db] [--release ID]    (a relay: laptops enrolled offline)\n\n"+
		"Runs the sync server on a SQLite database (WAL, synchronous FULL), or on PostgreSQL with a\n"+
		"--db postgres://USER@HOST/DB URL, where several servers may share one database (each needs\n"+
		"the data folder's postgres.age and postgres.key). It publishes the built-in\n"+
		"form while no other form is published or while the built-in one is published and not retired\n"+
		"(\"tracer form publish\" publishes others). Logs go to standard error as JSON lines, with no token and no personal data.\n")
	addr := fs.String("addr", "127.0.0.1:8080", "listen `address`; port 0 picks a free one")
	dbFlag := fs.String("db", "", "server database `FILE` or postgres:// URL (default: server.db in the data folder)")
	dataFlag := fs.String("data", "", "data `DIR` (default: $TRACER_DATA, else the user's config folder/tracer)")
	urlFile := fs.String("url-file", "", "write the server's URL to `FILE` once it listens (for scripts)")
	studyFile := fs.String("study", "", "study `FILE` (TOML) with the report's settings: period, reference date, UMK table... (docs/REPORT.md)")
	pprofAddr := fs.String("pprof", "", "also serve Go's profiler (net/http/pprof) on `HOST:PORT`; keep it on 127.0.0.1")
	relayURL := fs.String("relay", "", "run as a relay at an event for the centre at `URL`: laptops sync here, everything is sent on to the centre (docs/SERVER.md)")
	relayCode := fs.String("code", "", "with --relay, at the first start: the one-time enrollment `CODE` of the relay's supervisor account at the centre")
	qrFlag := fs.Bool("qr", false, "draw the address's QR code even when standard output is not a terminal (a file, a pipe): in colour, without with NO_COLOR")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usageError("serve takes no arguments, got %q", fs.Arg(0))
	}
	if *relayURL != "" {
		return m.runRelay(ctx, relayOptions{centre: *relayURL, code: *relayCode, addr: *addr, db: *dbFlag, data: *dataFlag, urlFile: *urlFile, qr: *qrFlag})
	}
	if *relayCode != "" {
		return usageError("--code goes with --relay")
	}
	var study report.Config
	if *studyFile != "" {
		var err error
		if study, err = report.ReadStudy(*studyFile); err != nil {
			return err
		}
	}
	// The address first: one that cannot be listened on (taken, malformed) is said before
	// a database or key is made for a server that never ran.
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", *addr, err)
	}
	defer ln.Close()
	log := slog.New(slog.NewJSONHandler(m.Stderr, nil))
	st, err := m.openServerStores(ctx, *dbFlag, *dataFlag, dbMayBeNew)
	if err != nil {
		return err
	}
	defer st.Close()
	if err := publishBuiltin(ctx, st.Forms, log); err != nil {
		return err
	}
	// The key laptops seal finalized interviews to: made at the first start, beside the
	// database (in the data folder for PostgreSQL), readable by the server's owner only.
	key, err := seal.LoadOrCreate(st.KeyPath)
	if err != nil {
		return err
	}
	cfg := st.config(key, log)
	cfg.Study = study
	removeStaleTemp(cfg.TempDir, log)
	srv := server.New(cfg)
	url := "http://" + ln.Addr().String()
	fmt.Fprintf(m.Stdout, "tracer: serving %s on %s\n", st.Name, url)
	if u := scannableURL(lanURLs(ln.Addr())); u != "" {
		m.printQR("the server's address on this network, "+u+", to scan", u, *qrFlag)
	}
	if err := writeURLFile(*urlFile, url); err != nil {
		return err
	}
	if *pprofAddr != "" {
		pl, err := net.Listen("tcp", *pprofAddr)
		if err != nil {
			return fmt.Errorf("listen on %s: %w", *pprofAddr, err)
		}
		mux := http.NewServeMux()
		mux.HandleFunc("GET /debug/pprof/", pprof.Index)
		mux.HandleFunc("GET /debug/pprof/profile", pprof.Profile)
		ps := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
		defer ps.Close()
		go ps.Serve(pl)
		log.Info("profiler", "addr", pl.Addr().String())
	}
	return serveUntilDone(ctx, ln, srv, log)
}

// removeStaleTemp removes from dir the temporary files a killed server left there
// (server.RemoveStaleTemp), and logs what it did.
func removeStaleTemp(dir string, log *slog.Logger) {
	if n, err := server.RemoveStaleTemp(dir, time.Now()); err != nil {
		log.Warn("remove stale temporary files", "dir", dir, "err", err)
	} else if n > 0 {
		log.Info("removed stale temporary files", "dir", dir, "files", n)
	}
}

// centreConfig is the configuration of the centre's server on db with its key pair.
func centreConfig(db *sqlite.DB, key *seal.Key, log *slog.Logger) server.Config {
	return sqliteStores(db).config(key, log)
}

// writeURLFile writes url to path (for scripts), unless path is empty.
func writeURLFile(path, url string) error {
	if path == "" {
		return nil
	}
	if err := os.WriteFile(path+".tmp", []byte(url+"\n"), 0o644); err != nil {
		return err
	}
	return os.Rename(path+".tmp", path)
}

// serveUntilDone serves h on ln until ctx ends, then shuts down gracefully.
func serveUntilDone(ctx context.Context, ln net.Listener, h http.Handler, log *slog.Logger) error {
	log.Info("serving", "addr", ln.Addr().String())
	hs := server.NewHTTPServer(ln.Addr().String(), h, server.DefaultTimeouts, log)
	ln = server.LimitConns(ln, server.MaxConns, server.MaxConnsPerAddr, log)
	errc := make(chan error, 1)
	go func() { errc <- hs.Serve(ln) }()
	select {
	case err := <-errc:
		return fmt.Errorf("serve: %w", err)
	case <-ctx.Done():
	}
	shut, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	err := hs.Shutdown(shut)
	if serr := <-errc; serr != nil && !errors.Is(serr, http.ErrServerClosed) && err == nil {
		err = serr
	}
	log.Info("stopped")
	return err
}

// publishBuiltin publishes the built-in form while the study uses it: when no form is
// published yet, or when its id is published and not retired. A study that publishes
// only its own forms, or retires the built-in one, is left as it is.
func publishBuiltin(ctx context.Context, store survey.FormStore, log *slog.Logger) error {
	list, err := store.Forms(ctx)
	if err != nil {
		return err
	}
	f, err := builtin.Load()
	if err != nil {
		return err
	}
	use := len(list) == 0
	for _, pf := range list {
		if pf.ID == f.ID {
			use = !pf.Retired
		}
	}
	if !use {
		return nil
	}
	pf, added, err := server.Publish(ctx, store, builtin.Name, builtin.Source(), "tracer")
	if err != nil {
		return fmt.Errorf("publish the built-in form: %w", err)
	}
	if added {
		log.Info("published built-in form", "form", pf.ID, "version", pf.Version)
	}
	return nil
}
