package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"tracer/survey"
	"tracer/survey/export"
	"tracer/survey/report"
	"tracer/sync/client"
	"tracer/sync/server"
)

// remoteClient returns a client of url with the laptop's token (from $TRACER_TOKEN or the
// token file "tracer login" wrote in the data folder).
func (m *Main) remoteClient(url, dataFlag string) (*client.Client, error) {
	dir, err := m.dataDir(dataFlag)
	if err != nil {
		return nil, err
	}
	_, token, err := m.enrolled(dir)
	if err != nil {
		return nil, err
	}
	c, err := client.NewClient(url, client.WithToken(token), client.WithRetry(4, 250*time.Millisecond, 4*time.Second))
	if err != nil {
		return nil, errors.New(survey.ErrorMessage(err))
	}
	return c, nil
}

// enrolledServer returns where an analysis command given neither --db nor --server reads
// from: serverURL itself when given, else, on a laptop enrolled with a server that holds no
// server database in its data folder, the server it is enrolled with (and says so on
// standard error); "" reads the data folder's server database.
func (m *Main) enrolledServer(dbFlag, serverURL, dataFlag string) string {
	if dbFlag != "" || serverURL != "" {
		return serverURL
	}
	path, err := m.serverDB("", dataFlag)
	if err != nil {
		return ""
	}
	if _, err := os.Stat(path); err == nil {
		return ""
	}
	dir, err := m.dataDir(dataFlag)
	if err != nil {
		return ""
	}
	enr, err := readEnrollment(dir)
	if err != nil {
		return ""
	}
	fmt.Fprintf(m.Stderr, "tracer: from %s, the server this laptop is enrolled with (no server database in %s; --db FILE reads one)\n", enr.URL, dir)
	return enr.URL
}

// output opens -o FILE through a temporary file renamed into place by commit, so a failed
// export leaves no half file; "" or "-" is standard output. A path that is not a regular
// file (/dev/null, a named pipe, a terminal) is written in place: renaming onto it would
// replace the device or pipe with a file.
func (m *Main) output(path string) (w io.Writer, commit func() error, abort func(), err error) {
	if path == "" || path == "-" {
		return m.Stdout, func() error { return nil }, func() {}, nil
	}
	if fi, err := os.Stat(path); err == nil && !fi.Mode().IsRegular() {
		if fi.IsDir() {
			return nil, nil, nil, fmt.Errorf("%s is a folder: name a file to write", path)
		}
		f, err := os.OpenFile(path, os.O_WRONLY, 0)
		if err != nil {
			return nil, nil, nil, err
		}
		return f, f.Close, func() { f.Close() }, nil
	}
	f, err := os.CreateTemp(filepath.Dir(path), ".tracer-out-*")
	if err != nil {
		return nil, nil, nil, outputError(path, err)
	}
	commit = func() error {
		if err := f.Sync(); err != nil {
			f.Close()
			os.Remove(f.Name())
			return outputError(path, err)
		}
		if err := f.Close(); err != nil {
			os.Remove(f.Name())
			return outputError(path, err)
		}
		if err := os.Chmod(f.Name(), 0o600); err != nil {
			os.Remove(f.Name())
			return outputError(path, err)
		}
		if err := os.Rename(f.Name(), path); err != nil {
			os.Remove(f.Name())
			return outputError(path, err)
		}
		return nil
	}
	abort = func() { f.Close(); os.Remove(f.Name()) }
	return f, commit, abort, nil
}

// outputError says that the output file path cannot be written and why, in the words of
// path itself: the error at hand is about the temporary file beside it, a name the user never
// gave. The cause stays wrapped (a full disk is told as such).
func outputError(path string, err error) error {
	var pe *os.PathError
	var le *os.LinkError
	switch {
	case errors.As(err, &pe):
		err = pe.Err
	case errors.As(err, &le):
		err = le.Err
	}
	if errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("cannot write %s: the folder %s does not exist", path, filepath.Dir(path))
	}
	return fmt.Errorf("cannot write %s: %w", path, err)
}

// commandError shows a domain error by its message alone, as syncError shows the server's.
func commandError(c *client.Client, err error) error {
	if c != nil {
		return syncError(c, err)
	}
	if survey.ErrorCode(err) != survey.EINTERNAL {
		return fmt.Errorf("%s", survey.ErrorMessage(err))
	}
	return err
}

func (m *Main) runExport(ctx context.Context, args []string) error {
	fs := m.newFlagSet("export", "tracer export --format csv|xlsx|jsonl|sav|dta [-o FILE] [--csv-dialect standard|excel-id] [--alumni [--wave NAME]] [--study FILE] [--revisions approved|latest|all] [--labels] [--lang L] [--form ID] (--db FILE | --server URL) [--data DIR]\n\n"+
		"Exports the interviews, one row per interview with repeats as linked tables (CSV, SPSS\n"+
		"and Stata: a zip of files; XLSX: sheets), a codebook and the roster joined. SPSS and Stata\n"+
		"files carry variable and value labels in --lang. See docs/EXPORT.md. It streams: memory does not grow\n"+
		"with the number of interviews. From the server machine's database (--db, default server.db\n"+
		"in the data folder) or from a server (--server URL, with this laptop's analyst login).\n"+
		"Personal data is exported in full: keep the file safe.\n")
	format := fs.String("format", "csv", "`csv` (a zip), xlsx, jsonl, sav (SPSS, a zip) or dta (Stata, a zip); without it, -o's extension (.xlsx, .jsonl, .sav, .dta) chooses")
	dialect := fs.String("csv-dialect", "standard", "CSV `dialect`: standard, or excel-id for Excel set to Indonesian (semicolons, decimal comma)")
	out := fs.String("o", "", "output `FILE` (default: standard output)")
	studyFile := fs.String("study", "", "study `FILE` (TOML): the settings the derived variables are computed with, as the report's")
	revs := fs.String("revisions", "approved", "which revision of each interview: `approved`, latest or all")
	labels := fs.Bool("labels", false, "write select answers as labels instead of codes")
	alumni := fs.Bool("alumni", false, "add the alumni table: one row per roster row with its interviews, attempts and final disposition")
	wave := fs.String("wave", "", "with --alumni, the dispositions of the wave called `NAME` (default: the current wave; docs/TRACING.md, Waves)")
	lang := fs.String("lang", "", "label `language` (code or name; the form's default when empty)")
	formID := fs.String("form", "", "form `ID`, when the interviews use several forms")
	dbFlag := fs.String("db", "", "server database `FILE` or postgres:// URL (default: server.db in the data folder)")
	serverURL := fs.String("server", "", "export from the server at `URL` instead of a database")
	dataFlag := fs.String("data", "", "data `DIR` (default: $TRACER_DATA, else the user's config folder/tracer)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usageError("export takes no arguments, got %q", fs.Arg(0))
	}
	*serverURL = m.enrolledServer(*dbFlag, *serverURL, *dataFlag)
	formatFromName(fs, format, *out, exportFormatOfExt)
	f, err := export.ParseFormat(*format)
	if err != nil {
		return usageError("%v", err)
	}
	if err := m.checkExportName(f, *out); err != nil {
		return err
	}
	d, err := export.ParseCSVDialect(*dialect)
	if err != nil {
		return usageError("--csv-dialect: %v", err)
	}
	rs, err := survey.ParseRevisionSet(*revs)
	if err != nil {
		return usageError("--revisions must be approved, latest or all")
	}
	if *serverURL != "" && *dbFlag != "" {
		return usageError("give --db or --server, not both")
	}
	if *serverURL != "" && *studyFile != "" {
		return usageError("a server exports with its own study file (tracer serve --study FILE); --study goes with --db")
	}
	var study report.Config
	if *studyFile != "" {
		if study, err = report.ReadStudy(*studyFile); err != nil {
			return err
		}
	}
	w, commit, abort, err := m.output(*out)
	if err != nil {
		return err
	}
	var n int
	var cut []export.Cut
	if *serverURL != "" {
		c, err := m.remoteClient(*serverURL, *dataFlag)
		if err != nil {
			abort()
			return err
		}
		if _, err := c.Export(ctx, client.ExportQuery{Format: string(f), Revisions: string(rs), Labels: *labels, Lang: *lang, Form: *formID, CSVDialect: string(d), Alumni: *alumni, Wave: *wave}, w); err != nil {
			abort()
			return commandError(c, err)
		}
		n = -1
	} else {
		db, err := m.openServerStores(ctx, *dbFlag, *dataFlag, dbMustExistOrServer)
		if err != nil {
			abort()
			return err
		}
		defer db.Close()
		defer m.tuneExportGC(study.Weights)()
		// Sort runs and the tables written apart go beside the database, on its disk, not in
		// a /tmp that may be memory.
		tempDir := filepath.Dir(db.KeyPath)
		st, err := server.WriteExport(ctx, w, db.sources(), server.ExportOptions{Format: f, Revisions: rs, Labels: *labels, Lang: *lang, FormID: *formID, CSVDialect: d, Study: study, Alumni: *alumni, Attempts: db.Attempts, Wave: *wave, TempDir: tempDir}, nil)
		if err != nil {
			abort()
			return commandError(nil, err)
		}
		n, cut = st.Interviews, st.Cut
	}
	if err := commit(); err != nil {
		return fmt.Errorf("write %s: %w", *out, err)
	}
	for _, c := range cut {
		fmt.Fprint(m.Stderr, survey.Plurals("tracer: note: %d value{s} of %s in %s {was|were} cut to %d bytes, the longest string the format holds; CSV, XLSX and JSON Lines hold {it|them} whole\n", c.Values, c.Variable, c.Table, c.Limit))
	}
	if *out != "" && *out != "-" {
		if n >= 0 {
			fmt.Fprint(m.Stdout, survey.Plurals("wrote %s: %d interview{s} (%s revisions)\n", *out, n, rs))
		} else {
			fmt.Fprintf(m.Stdout, "wrote %s (%s revisions)\n", *out, rs)
		}
	}
	return nil
}

func (m *Main) runReport(ctx context.Context, args []string) error {
	fs := m.newFlagSet("report", "tracer report [--by kejuruan,batch,funding,sex,regency] [--format text|xlsx|json|html] [-o FILE] [--revisions approved|latest] [--lang id|en] [--study FILE] [--wave NAME] (--db FILE | --server URL) [--data DIR]\n\n"+
		"Computes the tracer indicators over the roster and the interviews (the approved revision of\n"+
		"each by default), with every numerator and denominator and the small-cell rules, then the\n"+
		"AAPOR response rates from the contact attempts and, when the study has several waves, the\n"+
		"waves side by side. The study\n"+
		"file (TOML, docs/REPORT.md) sets the period, the reference date, the UMK table and the other\n"+
		"settings; a server reports with the study file it was started with (tracer serve --study).\n")
	by := fs.String("by", "", "comma-separated `breakdowns` (default: all of them)")
	format := fs.String("format", "text", "`text`, xlsx, json or html; without it, -o's extension (.txt, .xlsx, .json, .html) chooses")
	out := fs.String("o", "", "output `FILE` (default: standard output)")
	revs := fs.String("revisions", "approved", "which revision of each interview: `approved` or latest")
	studyFile := fs.String("study", "", "study `FILE` (TOML) with the report's settings (docs/REPORT.md)")
	lang := fs.String("lang", "", "label language, id or en")
	dbFlag := fs.String("db", "", "server database `FILE` or postgres:// URL (default: server.db in the data folder)")
	serverURL := fs.String("server", "", "report from the server at `URL` instead of a database")
	dataFlag := fs.String("data", "", "data `DIR` (default: $TRACER_DATA, else the user's config folder/tracer)")
	section := fs.String("section", "indicators", "`indicators` (with the response rates), or response: the AAPOR response rates alone (docs/TRACING.md)")
	eFlag := fs.String("e", "estimate", "the response rates' share of unknown-eligibility alumni taken as eligible, `estimate` (proportion method) or 0 to 1")
	wave := fs.String("wave", "", "report the wave called `NAME` (default: the current wave; docs/TRACING.md, Waves)")
	threshold := fs.Float64("threshold", 5, "the non-response table flags categories where respondents and cohort differ by more than this many percentage `points`")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usageError("report takes no arguments, got %q", fs.Arg(0))
	}
	if l, err := server.ParseReportLang(*lang); err != nil {
		return usageError("--lang must be id or en, not %q", *lang)
	} else {
		*lang = l
	}
	*serverURL = m.enrolledServer(*dbFlag, *serverURL, *dataFlag)
	if _, err := server.ParseReportFormat(*format); err == nil && !formatFromName(fs, format, *out, reportFormatOfExt) {
		fmt.Fprintf(m.Stderr, "tracer: note: %s will be a %s report (--format %s)\n", *out, *format, *format)
	}
	switch *section {
	case "indicators":
	case "response":
		if *format == string(server.ReportHTML) && !flagSet(fs, "format") {
			return usageError("the response rates are written as text, xlsx or json, not to %s: name it .txt, .xlsx or .json, or give --format", *out)
		}
		e := *eFlag
		var study report.Config
		if *studyFile != "" {
			var err error
			if study, err = report.ReadStudy(*studyFile); err != nil {
				return err
			}
			if study.EligibilityE != nil && !flagSet(fs, "e") {
				e = strconv.FormatFloat(*study.EligibilityE, 'f', -1, 64)
			}
		}
		return m.runResponseReport(ctx, *format, *out, *revs, *lang, e, *threshold, study, *wave, *dbFlag, *serverURL, *dataFlag)
	default:
		return usageError("--section must be indicators or response")
	}
	f, err := server.ParseReportFormat(*format)
	if err != nil {
		return usageError("--format must be text, xlsx, json or html")
	}
	dims, err := report.ParseDimensions(*by)
	if err != nil {
		return usageError("--by: %v", err)
	}
	rs, err := survey.ParseRevisionSet(*revs)
	if err != nil || rs == survey.RevisionsAll {
		return usageError("--revisions must be approved or latest")
	}
	if *serverURL != "" && *dbFlag != "" {
		return usageError("give --db or --server, not both")
	}
	if *serverURL != "" && *studyFile != "" {
		return usageError("a server reports with its own study file (tracer serve --study FILE); --study goes with --db")
	}
	var e *float64
	if flagSet(fs, "e") {
		x, err := server.ParseE(*eFlag)
		if err != nil {
			return usageError("--e: %s", survey.ErrorMessage(err))
		}
		e = &x
	}
	if !(*threshold > 0 && *threshold <= 100) { // NaN too
		return usageError("--threshold must be above 0 and at most 100 percentage points")
	}
	var study report.Config
	if *studyFile != "" {
		if study, err = report.ReadStudy(*studyFile); err != nil {
			return err
		}
	}
	w, commit, abort, err := m.output(*out)
	if err != nil {
		return err
	}
	if *serverURL != "" {
		c, err := m.remoteClient(*serverURL, *dataFlag)
		if err != nil {
			abort()
			return err
		}
		q := client.ReportQuery{By: *by, Format: string(f), Revisions: string(rs), Lang: *lang,
			Threshold: strconv.FormatFloat(*threshold, 'f', -1, 64), Wave: *wave}
		if flagSet(fs, "e") {
			q.E = *eFlag
		}
		if _, err := c.Report(ctx, q, w); err != nil {
			abort()
			return commandError(c, err)
		}
	} else {
		db, err := m.openServerStores(ctx, *dbFlag, *dataFlag, dbMustExistOrServer)
		if err != nil {
			abort()
			return err
		}
		defer db.Close()
		defer m.limitReportMemory()()
		if _, err := server.WriteReport(ctx, w, db.sources(), server.ReportOptions{Format: f, By: dims, Revisions: rs, Lang: *lang, Study: study, E: e, Threshold: *threshold, Wave: *wave}); err != nil {
			abort()
			return commandError(nil, err)
		}
	}
	if err := commit(); err != nil {
		return fmt.Errorf("write %s: %w", *out, err)
	}
	if *out != "" && *out != "-" {
		fmt.Fprintf(m.Stdout, "wrote %s\n", *out)
	}
	return nil
}

// checkExportName refuses to write a binary export (a zip or a workbook) onto a terminal,
// and notes on standard error an output file whose name says another kind of file: a
// ".sav" that is a zip holding the .sav, a ".csv" that is a workbook, a ".zip" that is JSON
// lines.
func (m *Main) checkExportName(f export.Format, out string) error {
	want := ".zip"
	switch f {
	case export.JSONL:
		// Text: any name may do, but one that says a zip, a workbook or a data file misleads.
		switch ext := strings.ToLower(filepath.Ext(out)); ext {
		case ".zip", ".xlsx", ".xls", ".sav", ".dta", ".csv":
			fmt.Fprintf(m.Stderr, "tracer: note: %s will be JSON lines (text, one interview a line): name it .jsonl\n", out)
		}
		return nil
	case export.XLSX:
		want = ".xlsx"
	}
	if out == "" || out == "-" {
		if m.stdoutTerminal() {
			return usageError("a %s export is a binary file (%s): give -o FILE, or send it to a pipe", f, want)
		}
		return nil
	}
	if ext := strings.ToLower(filepath.Ext(out)); ext != want {
		what := "a zip (the data file with its codebook): unzip it, or name it .zip"
		if f == export.XLSX {
			what = "an Excel workbook: name it .xlsx"
		}
		fmt.Fprintf(m.Stderr, "tracer: note: %s will be %s\n", out, what)
	}
	return nil
}

// The formats an output file's extension asks for, when --format is not given.
var (
	exportFormatOfExt = map[string]string{".xlsx": "xlsx", ".jsonl": "jsonl", ".ndjson": "jsonl", ".sav": "sav", ".dta": "dta"}
	reportFormatOfExt = map[string]string{".xlsx": "xlsx", ".json": "json", ".html": "html", ".htm": "html", ".txt": "text"}
)

// formatFromName sets *format from the extension of the output file out when the command
// line gave no --format (tracer report -o indicators.xlsx writes a workbook, not text under
// that name). It returns false when --format was given and the extension asks for another
// format, for the caller to note.
func formatFromName(fs *flag.FlagSet, format *string, out string, byExt map[string]string) bool {
	want, ok := byExt[strings.ToLower(filepath.Ext(out))]
	if !ok || out == "-" {
		return true
	}
	if !flagSet(fs, "format") {
		*format = want
		return true
	}
	return strings.EqualFold(*format, want)
}

// reportGCPercent is the collector's percentage while tracer report computes from a
// database: the report makes about 7 KB of garbage per interview read beside what it keeps,
// and at the default 100 the collector took a seventh of its CPU at 100,000 interviews;
// at 200 that CPU goes down by about an eighth (docs/BENCHMARKS.md, "The report's
// collector"), and the heap limit still bounds a large report's memory.
const reportGCPercent = 200

// limitReportMemory sets the Go heap's soft limit to report.HeapLimit while tracer report
// computes from a database, and keeps room above what the heap holds (keepHeapRoom),
// unless GOMEMLIMIT sets a limit or one lower is in force; it sets the collector's
// percentage to reportGCPercent unless GOGC or GOMEMLIMIT is set. Call the function it
// returns when the report is written.
func (m *Main) limitReportMemory() (stop func()) {
	if m.SetMemoryLimit == nil || m.Getenv("GOMEMLIMIT") != "" {
		return func() {}
	}
	if m.SetGCPercent != nil && m.Getenv("GOGC") == "" {
		m.SetGCPercent(reportGCPercent)
	}
	return m.softHeapLimit(report.HeapLimit)
}

// softHeapLimit sets the Go heap's soft limit to limit, unless one lower is in force, and
// keeps room above what the heap holds (keepHeapRoom). Call the function it returns to stop
// that.
func (m *Main) softHeapLimit(limit int64) (stop func()) {
	if m.SetMemoryLimit(-1) <= limit {
		return func() {}
	}
	m.SetMemoryLimit(limit)
	return m.keepHeapRoom(limit)
}

// heapRoomEvery is how often keepHeapRoom reads the live heap.
const heapRoomEvery = 100 * time.Millisecond

// keepHeapRoom raises the Go heap's soft limit, set to limit, when what the heap holds live
// grows to within a sixth of it: to 6/5 of the live heap, read every heapRoomEvery. A
// soft limit a little above what a command keeps makes the collector run almost without
// pause (a report of a million interviews under a limit a few megabytes above it spent a
// quarter of its CPU collecting); the limit is there to keep the garbage from doubling the
// heap, not to hold the heap below what the command needs. It never lowers the limit. Call
// the function it returns to stop it.
func (m *Main) keepHeapRoom(limit int64) (stop func()) {
	if m.ReadLiveHeap == nil {
		return func() {}
	}
	done, stopped := make(chan struct{}), make(chan struct{})
	go func() {
		defer close(stopped)
		t := time.NewTicker(heapRoomEvery)
		defer t.Stop()
		for {
			select {
			case <-done:
				return
			case <-t.C:
				limit = m.raiseHeapLimit(limit)
			}
		}
	}()
	return func() { close(done); <-stopped }
}

// raiseHeapLimit sets the soft limit to 6/5 of the live heap when that is above limit, and
// returns the limit in force. A fifth of the live heap is room enough: at a million
// interviews the report took as little CPU under a limit a fifth above what it keeps as
// under larger ones (docs/BENCHMARKS.md).
func (m *Main) raiseHeapLimit(limit int64) int64 {
	live := m.ReadLiveHeap()
	if want := int64(live / 5 * 6); live < 1<<61 && want > limit {
		m.SetMemoryLimit(want)
		return want
	}
	return limit
}

// Export's garbage collection: an export holds little (the current record, its roster row,
// the writers' buffers) and makes about 3 KB of garbage per interview, so the collector
// runs less often (exportGCPercent) under a soft heap limit (exportMemoryLimit) that keeps
// the formats that hold more (XLSX's sheet buffer, the alumni table's sort runs) flat. An
// export with the study's non-response weights computes the report first and holds what the
// report holds meanwhile: it gets the report's limit (report.HeapLimit), since under a limit
// below what is kept the collector runs without pause (a weighted export of a million
// interviews took 132-139 s of CPU under 128 MiB, 81-82 s under the report's limit).
const (
	exportGCPercent   = 400
	exportMemoryLimit = 128 << 20
)

// tuneExportGC sets exportGCPercent and exportMemoryLimit (report.HeapLimit for an export
// that computes the non-response weights) and keeps room above what the heap holds
// (keepHeapRoom), unless GOGC or GOMEMLIMIT sets its own or a lower limit is in force. Call
// the function it returns when the export is written.
func (m *Main) tuneExportGC(weights bool) (stop func()) {
	if m.SetGCPercent == nil || m.SetMemoryLimit == nil || m.Getenv("GOGC") != "" || m.Getenv("GOMEMLIMIT") != "" {
		return func() {}
	}
	m.SetGCPercent(exportGCPercent)
	if weights {
		return m.softHeapLimit(report.HeapLimit)
	}
	return m.softHeapLimit(exportMemoryLimit)
}

// flagSet reports whether the flag called name was given on the command line.
func flagSet(fs *flag.FlagSet, name string) bool {
	set := false
	fs.Visit(func(f *flag.Flag) { set = set || f.Name == name })
	return set
}

// enrolledClient returns a client of the server this laptop is enrolled with, and the
// enrolled account's name.
func (m *Main) enrolledClient(dataFlag string) (*client.Client, string, error) {
	dir, err := m.dataDir(dataFlag)
	if err != nil {
		return nil, "", err
	}
	enr, token, err := m.enrolled(dir)
	if err != nil {
		return nil, "", err
	}
	c, err := client.NewClient(enr.URL, client.WithToken(token), client.WithRetry(4, 250*time.Millisecond, 4*time.Second))
	if err != nil {
		return nil, "", err
	}
	return c, enr.User, nil
}
