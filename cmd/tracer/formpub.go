package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"text/tabwriter"

	"tracer/forms"
	"tracer/forms/builtin"
	"tracer/survey"
	"tracer/sync/client"
	"tracer/sync/server"
	"tracer/sync/wire"
)

// formCatalog is where a study's forms are published: the server database on the server
// machine, or the server through a supervisor's login.
type formCatalog interface {
	Publish(ctx context.Context, name string, source []byte) (*survey.PublishedForm, bool, error)
	Forms(ctx context.Context) ([]*survey.PublishedForm, error)
	Retire(ctx context.Context, id string) error
	Close() error
}

// maxFormFile bounds an XLSForm file read to be published: the server takes no larger
// request.
const maxFormFile = wire.MaxBody

// readFormFile reads an XLSForm to publish, within maxFormFile; a leading ~/ is the
// user's home folder, and "builtin" names the built-in form, as everywhere else. It returns the name to publish it under and its bytes: the file
// itself, or, for a form that reads attached files (select_one_from_file, pulldata,
// instance()), the bundle of the form and those files (NAME.zip), so that laptops get them
// with the form.
func readFormFile(path string) (string, []byte, error) {
	if path == "builtin" {
		return builtin.Name, builtin.Source(), nil
	}
	if rest, ok := strings.CutPrefix(path, "~/"); ok {
		if home, err := os.UserHomeDir(); err == nil {
			path = filepath.Join(home, rest)
		}
	}
	f, err := os.Open(path)
	if err != nil {
		return "", nil, fmt.Errorf("read form: %w", err)
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, maxFormFile+1))
	if err != nil {
		return "", nil, fmt.Errorf("read form: %w", err)
	}
	if len(data) > maxFormFile {
		return "", nil, fmt.Errorf("read form: %s has over %d MiB, more than a form the server takes", path, maxFormFile>>20)
	}
	name := filepath.Base(path)
	// A form that does not load here is sent as it is: the server says what is wrong.
	if bname, bundle, err := forms.Bundle(path); err == nil && bname != name {
		if len(bundle) > maxFormFile {
			return "", nil, fmt.Errorf("read form: %s with its attached files comes to over %d MiB, more than a form the server takes", path, maxFormFile>>20)
		}
		return bname, bundle, nil
	}
	return name, data, nil
}

// tuiCatalog gives the supervisor's forms screen the calls of tracer form publish, list
// and retire.
type tuiCatalog struct{ cat formCatalog }

// Forms lists the published versions.
func (t tuiCatalog) Forms(ctx context.Context) ([]*survey.PublishedForm, error) {
	return t.cat.Forms(ctx)
}

// PublishFile reads the XLSForm at path and publishes it under its file name.
func (t tuiCatalog) PublishFile(ctx context.Context, path string) (*survey.PublishedForm, bool, error) {
	name, source, err := readFormFile(path)
	if err != nil {
		return nil, false, err
	}
	return t.cat.Publish(ctx, name, source)
}

// Retire retires form id.
func (t tuiCatalog) Retire(ctx context.Context, id string) error { return t.cat.Retire(ctx, id) }

// dbCatalog publishes into the server database directly.
type dbCatalog struct {
	db    *serverStores
	store survey.FormStore
	by    string
}

// Publish compiles and stores a form version.
func (d *dbCatalog) Publish(ctx context.Context, name string, source []byte) (*survey.PublishedForm, bool, error) {
	return server.Publish(ctx, d.store, name, source, d.by)
}

// Forms lists the published versions.
func (d *dbCatalog) Forms(ctx context.Context) ([]*survey.PublishedForm, error) {
	return d.store.Forms(ctx)
}

// Retire retires form id.
func (d *dbCatalog) Retire(ctx context.Context, id string) error {
	return d.store.Retire(ctx, id, d.by)
}

// Close closes the database.
func (d *dbCatalog) Close() error { return d.db.Close() }

// serverCatalog publishes through the server's API.
type serverCatalog struct{ c *client.Client }

// Publish publishes a form version on the server.
func (s serverCatalog) Publish(ctx context.Context, name string, source []byte) (*survey.PublishedForm, bool, error) {
	res, err := s.c.Publish(ctx, name, source)
	if err != nil {
		return nil, false, err
	}
	return res.Form, res.Added, nil
}

// Forms lists the server's published versions.
func (s serverCatalog) Forms(ctx context.Context) ([]*survey.PublishedForm, error) {
	return s.c.Forms(ctx)
}

// Retire retires form id on the server.
func (s serverCatalog) Retire(ctx context.Context, id string) error { return s.c.Retire(ctx, id) }

// Close does nothing: the client holds no connection of its own.
func (s serverCatalog) Close() error { return nil }

// openCatalog opens --db FILE, else the server at --server URL, else the server this
// laptop is enrolled with.
func (m *Main) openCatalog(ctx context.Context, dbFlag, serverFlag, dataFlag string) (formCatalog, *client.Client, error) {
	switch {
	case dbFlag != "" && serverFlag != "":
		return nil, nil, usageError("give --db FILE or --server URL, not both")
	case dbFlag != "":
		db, err := m.openServerStores(ctx, dbFlag, dataFlag, dbMustExistOrServer)
		if err != nil {
			return nil, nil, err
		}
		by := m.Getenv("USER")
		if by == "" {
			by = "admin"
		}
		return &dbCatalog{db: db, store: db.Forms, by: by}, nil, nil
	case serverFlag != "":
		c, err := m.remoteClient(serverFlag, dataFlag)
		if err != nil {
			return nil, nil, err
		}
		return serverCatalog{c}, c, nil
	}
	c, _, err := m.enrolledClient(dataFlag)
	if err != nil {
		return nil, nil, fmt.Errorf("%w (or give --db FILE on the server machine)", err)
	}
	return serverCatalog{c}, c, nil
}

func (m *Main) catalogFlags(name, usage string) (fs *flag.FlagSet, db, srv, data *string) {
	f := m.newFlagSet(name, usage)
	db = f.String("db", "", "server database `FILE` or postgres:// URL, on the server machine")
	srv = f.String("server", "", "the server at `URL`, with this laptop's supervisor login")
	data = f.String("data", "", "data `DIR` (default: $TRACER_DATA, else the user's config folder/tracer)")
	return f, db, srv, data
}

// runFormPublish publishes an XLSForm version for the study.
func (m *Main) runFormPublish(ctx context.Context, args []string) error {
	fs, dbFlag, srvFlag, dataFlag := m.catalogFlags("form publish", "tracer form publish FILE [--server URL | --db FILE] [--data DIR]\n\n"+
		"Publishes an XLSForm (.xlsx, .xls or .md) for the study: the server loads it with the form engine\n"+
		"and refuses it when it does not load. The CSV and XML files the form reads (select_one_from_file,\n"+
		"pulldata, instance()), beside it or in its NAME-media folder, are published with it in one bundle\n"+
		"(NAME.zip). Laptops pull it on their next sync and offer it for\n"+
		"new interviews. A changed form needs a new version in its settings sheet. Needs a\n"+
		"supervisor or admin login, or the server database (--db). FILE builtin is the built-in form.\n")
	if err := parseReordered(fs, args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return usageError("form publish needs one FILE")
	}
	path := fs.Arg(0)
	name, source, err := readFormFile(path)
	if err != nil {
		return err
	}
	cat, c, err := m.openCatalog(ctx, *dbFlag, *srvFlag, *dataFlag)
	if err != nil {
		return err
	}
	defer cat.Close()
	pf, added, err := cat.Publish(ctx, name, source)
	if err != nil {
		return fmt.Errorf("%s: %w", path, commandError(c, err))
	}
	if added {
		fmt.Fprintf(m.Stdout, "published form %s version %s (sha256 %.12s)\n", pf.ID, pf.Version, pf.Hash)
	} else {
		fmt.Fprintf(m.Stdout, "form %s version %s is already published with these bytes: nothing changed\n", pf.ID, pf.Version)
	}
	return nil
}

// runFormList lists the published forms, their versions and how much each is used.
func (m *Main) runFormList(ctx context.Context, args []string) error {
	fs, dbFlag, srvFlag, dataFlag := m.catalogFlags("form list", "tracer form list [--server URL | --db FILE] [--data DIR]")
	if err := parseReordered(fs, args); err != nil {
		return err
	}
	if fs.NArg() != 0 {
		return usageError("form list takes no arguments")
	}
	cat, c, err := m.openCatalog(ctx, *dbFlag, *srvFlag, *dataFlag)
	if err != nil {
		return err
	}
	defer cat.Close()
	list, err := cat.Forms(ctx)
	if err != nil {
		return commandError(c, err)
	}
	if len(list) == 0 {
		fmt.Fprintln(m.Stdout, "no form is published")
		return nil
	}
	tw := tabwriter.NewWriter(m.Stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "FORM\tVERSION\tSTATE\tPUBLISHED\tBY\tINTERVIEWS\tSHA256")
	for _, f := range list {
		state := "offered"
		if f.Retired {
			state = "retired"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%d\t%.12s\n", f.ID, f.Version, state,
			f.PublishedAt.UTC().Format("2006-01-02 15:04"), f.PublishedBy, f.Interviews, f.Hash)
	}
	return tw.Flush()
}

// runFormRetire stops laptops offering a form for new interviews.
func (m *Main) runFormRetire(ctx context.Context, args []string) error {
	fs, dbFlag, srvFlag, dataFlag := m.catalogFlags("form retire", "tracer form retire ID [--server URL | --db FILE] [--data DIR]\n\n"+
		"Retires every version of form ID: laptops stop offering it for new interviews at their next\n"+
		"sync; drafts already started on it still finish and sync. Publishing a new version offers\n"+
		"it again.\n")
	if err := parseReordered(fs, args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return usageError("form retire needs one form ID")
	}
	cat, c, err := m.openCatalog(ctx, *dbFlag, *srvFlag, *dataFlag)
	if err != nil {
		return err
	}
	defer cat.Close()
	if err := cat.Retire(ctx, fs.Arg(0)); err != nil {
		return commandError(c, err)
	}
	fmt.Fprintf(m.Stdout, "form %s is retired: laptops stop offering it for new interviews at their next sync\n", fs.Arg(0))
	return nil
}

// runFormMigrate moves drafts to another version of their form on this laptop.
func (m *Main) runFormMigrate(ctx context.Context, args []string) error {
	fs := m.newFlagSet("form migrate", "tracer form migrate ID... [--to VERSION] [--data DIR]\n\n"+
		"Moves draft interviews to another version of their form, by default the newest the laptop\n"+
		"pulled. Answers carry over by question name and type; what does not fit (a removed\n"+
		"question, a choice no longer listed, a changed type) is listed and kept in the\n"+
		"interview's history.\n")
	to := fs.String("to", "", "the form `VERSION` to move to (default: the newest pulled)")
	dataFlag := fs.String("data", "", "data `DIR` (default: $TRACER_DATA, else the user's config folder/tracer)")
	if err := parseReordered(fs, args); err != nil {
		return err
	}
	if fs.NArg() == 0 {
		return usageError("form migrate needs at least one interview ID")
	}
	st, err := m.openLaptopStore(ctx, *dataFlag)
	if err != nil {
		return err
	}
	defer st.Close()
	catalog, err := loadStudyForms(st.dir)
	if err != nil {
		return err
	}
	failed := 0
	for _, id := range fs.Args() {
		if err := m.migrateOne(ctx, st, catalog, id, *to); err != nil {
			fmt.Fprintf(m.Stderr, "tracer: %s: %s\n", id, survey.ErrorMessage(err))
			failed++
		}
	}
	if failed > 0 {
		return silentError{1}
	}
	return nil
}

func (m *Main) migrateOne(ctx context.Context, st *laptopStore, catalog *studyForms, id, toVersion string) error {
	iv, err := st.interviews.Get(ctx, id)
	if err != nil {
		return err
	}
	if iv.State != survey.StateDraft {
		return survey.Errorf(survey.ECONFLICT, "Interview %s is %s: only a draft moves to another form version.", id, iv.State)
	}
	from, err := catalog.formOf(ctx, iv.FormID, iv.FormVersion, iv.FormHash)
	if err != nil {
		return err
	}
	var to *forms.Form
	if toVersion != "" {
		to, err = catalog.version(ctx, iv.FormID, toVersion)
	} else {
		to, err = catalog.newest(ctx, from)
	}
	if err != nil {
		return err
	}
	if to == nil {
		fmt.Fprintf(m.Stdout, "%s: already on the newest version of form %s (%s)\n", id, iv.FormID, iv.FormVersion)
		return nil
	}
	mg, err := st.interviews.Migrate(ctx, id, from, to)
	if err != nil {
		return err
	}
	fmt.Fprint(m.Stdout, survey.Plurals("%s: moved from form %s version %s to %s: %d answer{s} kept, %d did not fit\n",
		id, iv.FormID, mg.FromVersion, to.Version, mg.Kept, len(mg.Dropped)))
	for _, d := range mg.Dropped {
		fmt.Fprintf(m.Stdout, "  dropped %s = %q: %s\n", d.Path, d.Value, d.Reason)
	}
	return nil
}
