package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"tracer/forms"
	"tracer/forms/builtin"
	"tracer/survey"
	"tracer/survey/report"
	"tracer/survey/sqlite"
)

// laptopStore is the laptop's database with its stores.
type laptopStore struct {
	dir        string
	db         *sqlite.DB
	interviews *sqlite.InterviewStore
	roster     *sqlite.RosterStore
}

func (m *Main) openLaptopStore(ctx context.Context, dataFlag string) (*laptopStore, error) {
	dir, err := m.dataDir(dataFlag)
	if err != nil {
		return nil, err
	}
	db, err := m.openLaptopDB(ctx, dir)
	if err != nil {
		return nil, err
	}
	ivs, err := interviewStore(db, dir)
	if err != nil {
		db.Close()
		return nil, err
	}
	return &laptopStore{dir: dir, db: db, interviews: ivs, roster: sqlite.NewRosterStore(db)}, nil
}

func (l *laptopStore) Close() error { return l.db.Close() }

// saveFinal stores a completed session as a finalized interview with its relevant answers,
// in the outbox, in one transaction. It returns the interview's id.
func (l *laptopStore) saveFinal(ctx context.Context, f *forms.Form, s *forms.Session, respondent, enumerator string) (string, error) {
	iv := &survey.Interview{
		ID: survey.NewID(), FormID: f.ID, FormVersion: f.Version, FormHash: f.Hash,
		RespondentID: respondent, Enumerator: enumerator, State: survey.StateDraft, Lang: s.Lang(),
	}
	if _, err := l.interviews.CreateFinalized(ctx, iv, s.Final()); err != nil {
		return "", fmt.Errorf("save interview: %w", err)
	}
	return iv.ID, nil
}

// saveCorrection stores a completed session as the next revision of a returned interview:
// corrected as its next revision and finalized with the session's answers, in the outbox
// for the next sync.
func (l *laptopStore) saveCorrection(ctx context.Context, f *forms.Form, s *forms.Session, id string) (int, error) {
	iv, err := l.interviews.Get(ctx, id)
	if err != nil {
		return 0, fmt.Errorf("correct interview %s: %s", id, survey.ErrorMessage(err))
	}
	if iv.FormID != f.ID || !f.IsVersion(iv.FormVersion) {
		return 0, fmt.Errorf("interview %s was made with form %s version %s, not %s version %s", id, iv.FormID, iv.FormVersion, f.ID, f.Version)
	}
	if iv, err = l.interviews.Correct(ctx, id); err != nil {
		return 0, fmt.Errorf("correct interview %s: %s", id, survey.ErrorMessage(err))
	}
	if _, err := l.interviews.Finalize(ctx, id, s.Final()); err != nil {
		return 0, fmt.Errorf("finalize: %w", err)
	}
	return iv.Revision, nil
}

func (m *Main) runForm(ctx context.Context, args []string) error {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		fmt.Fprint(m.Stdout, `Usage: tracer form <command> [arguments]

Commands:
  check FILE...                           validate XLSForms (.xlsx, .xls or Markdown .md)
  fill FILE --answers A.json [--lang L]   fill a form headless and print the record as JSON
  export [FILE] -o OUT.xlsx|OUT.md        write a form (the built-in one by default) as an XLSForm
  export [FILE] --xform -o OUT.xml        write a form as an ODK XForm, as pyxform compiles it
  publish FILE [--server URL | --db FILE] publish a form version for the study (supervisor, admin)
  list [--server URL | --db FILE]         the published forms, their versions and interviews
  retire ID [--server URL | --db FILE]    stop laptops offering a form for new interviews
  migrate ID... [--to VERSION]            move drafts to a newer version of their form (laptop)

FILE "builtin" names the built-in BLK tracer form.
`)
		return nil
	}
	switch args[0] {
	case "check":
		return m.runFormCheck(ctx, args[1:])
	case "fill":
		return m.runFormFill(ctx, args[1:])
	case "export":
		return m.runFormExport(ctx, args[1:])
	case "publish":
		return m.runFormPublish(ctx, args[1:])
	case "list":
		return m.runFormList(ctx, args[1:])
	case "retire":
		return m.runFormRetire(ctx, args[1:])
	case "migrate":
		return m.runFormMigrate(ctx, args[1:])
	default:
		return usageError("unknown form command %q", args[0])
	}
}

// loadForm loads a form file, or the built-in form for "builtin" or "".
func loadForm(path string) (*forms.Form, error) {
	if path == "" || path == "builtin" {
		return builtin.Load()
	}
	return forms.Load(path)
}

func (m *Main) runFormCheck(_ context.Context, args []string) error {
	fs := m.newFlagSet("form check", "tracer form check [--tracer] FILE...")
	tracer := fs.Bool("tracer", false, "also list the tracer indicators each form can and cannot feed, and why")
	if err := parseReordered(fs, args); err != nil {
		return err
	}
	if fs.NArg() == 0 {
		return usageError("form check needs at least one FILE")
	}
	failed := 0
	for _, path := range fs.Args() {
		f, err := loadForm(path)
		if err != nil {
			failed++
			var le *forms.LoadError
			if errors.As(err, &le) {
				for _, is := range le.Issues {
					fmt.Fprintf(m.Stdout, "error: %s\n", is.Error())
				}
			} else {
				fmt.Fprintf(m.Stdout, "error: %s: %v\n", path, err)
			}
			continue
		}
		fmt.Fprintf(m.Stdout, "%s: ok: %s\n", path, summary(f))
		if f.VersionFromContent {
			fmt.Fprintf(m.Stdout, "note: %s: no version in the settings sheet: the form is version %s, named from its content (a changed form is a new version); give one in a version column to name it yourself\n", path, f.Version)
		}
		for _, w := range f.Warnings {
			fmt.Fprintf(m.Stdout, "warning: %s\n", w.Error())
		}
		if *tracer && !m.printFeeds(path, f) {
			failed++
		}
	}
	if failed > 0 && *tracer {
		fmt.Fprint(m.Stderr, survey.Plurals("tracer: %d of %d form{s} did not load or feed no tracer indicator\n", failed, fs.NArg()))
		return silentError{1}
	}
	if failed > 0 {
		fmt.Fprint(m.Stderr, survey.Plurals("tracer: %d of %d form{s} did not load\n", failed, fs.NArg()))
		return silentError{1}
	}
	return nil
}

// printFeeds lists the tracer indicators f can and cannot feed; it reports whether f feeds
// any.
func (m *Main) printFeeds(path string, f *forms.Form) bool {
	feeds := report.CheckForm(f)
	var can []string
	for _, fd := range feeds {
		if fd.OK {
			can = append(can, fd.Indicator.ID)
		}
	}
	fmt.Fprint(m.Stdout, survey.Plurals("%s: feeds %d of %d tracer indicator{s}\n", path, len(can), len(feeds)))
	if len(can) > 0 {
		fmt.Fprintf(m.Stdout, "  can: %s\n", strings.Join(can, ", "))
	}
	for _, fd := range feeds {
		if !fd.OK {
			fmt.Fprintf(m.Stdout, "  cannot: %s (%s): %s\n", fd.Indicator.ID, fd.Indicator.English, strings.Join(fd.Problems, "; "))
		}
	}
	return len(can) > 0
}

// summary describes a form in one line: its id and version, counts and languages.
func summary(f *forms.Form) string {
	var questions, groups, repeats, calcs, skipped int
	for _, n := range f.Nodes {
		switch {
		case n.Kind == forms.KindRepeat:
			repeats++
		case n.Kind == forms.KindGroup:
			groups++
		case n.Kind == forms.KindCalculate:
			calcs++
		case n.Unsupported:
			skipped++
		case n.Kind == forms.KindQuestion:
			questions++
		}
	}
	langs := make([]string, len(f.Languages))
	for i, l := range f.Languages {
		if l == "" {
			l = "default"
		}
		langs[i] = l
	}
	version := ""
	if f.Version != "" {
		version = " v" + f.Version
	}
	lists := 0
	for _, l := range f.Lists {
		if l.File == "" {
			lists++
		}
	}
	s := survey.Plurals("%s%s, %d question{s}, %d calculation{s}, %d group{s}, %d repeat{s}, %d choice list{s}; languages: %s",
		f.ID, version, questions, calcs, groups, repeats, lists, strings.Join(langs, ", "))
	if len(f.Attachments) > 0 {
		s += "; attached files: " + attachmentNames(f)
	}
	if skipped > 0 {
		s += fmt.Sprintf("; %d not answerable here", skipped)
	}
	return s
}

// attachmentNames lists the files f read, in the order it named them.
func attachmentNames(f *forms.Form) string {
	names := make([]string, len(f.Attachments))
	for i, a := range f.Attachments {
		names[i] = a.Name
	}
	return strings.Join(names, ", ")
}

func (m *Main) runFormFill(ctx context.Context, args []string) error {
	fs := m.newFlagSet("form fill", "tracer form fill FILE --answers ANSWERS.json [--lang CODE] [--save [--data DIR] [--respondent ROSTER_ID] [--enumerator NAME] [--interview ID]]")
	answersPath := fs.String("answers", "", "JSON `file` mapping question names to answers (- for standard input)")
	lang := fs.String("lang", "", "form language, by code (id) or full name")
	save := fs.Bool("save", false, "store the filled interview as finalized in the laptop's database and print its id")
	asDraft := fs.Bool("draft", false, "with --save: keep it as a draft to finish later (in the TUI), not finalized")
	dataFlag := fs.String("data", "", "data folder, with --save (default $TRACER_DATA or the user's config folder)")
	respondent := fs.String("respondent", "", "with --save: the roster id of the alumnus; roster values prefill the form")
	enumerator := fs.String("enumerator", "", "with --save: who entered it (default the enrolled account, else $USER)")
	interview := fs.String("interview", "", "with --save: correct this returned interview `ID`: its next revision gets these answers")
	if err := parseReordered(fs, args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return usageError("form fill needs one FILE (or \"builtin\")")
	}
	if *answersPath == "" {
		return usageError("form fill needs --answers FILE")
	}
	f, err := loadForm(fs.Arg(0))
	if err != nil {
		return err
	}
	answers, err := m.readAnswers(*answersPath)
	if err != nil {
		return err
	}
	opt := forms.Options{}
	if *lang != "" {
		if _, ok := f.MatchLang(*lang); !ok {
			return fmt.Errorf("form %s has no language %q (it has %s)", f.ID, *lang, strings.Join(f.Languages, ", "))
		}
		opt.Lang = *lang
	}
	if !*save && (*dataFlag != "" || *respondent != "" || *enumerator != "" || *interview != "" || *asDraft) {
		return usageError("--data, --respondent, --enumerator, --interview and --draft go with --save")
	}
	if *asDraft && *interview != "" {
		return usageError("--draft makes a new interview; --interview corrects a returned one")
	}
	if *interview != "" && (*respondent != "" || *enumerator != "") {
		return usageError("--interview keeps the interview's respondent and enumerator")
	}
	var st *laptopStore
	var corrected string // the respondent of the interview --interview corrects
	if *save {
		if st, err = m.openLaptopStore(ctx, *dataFlag); err != nil {
			return err
		}
		defer st.Close()
		if study, err := loadStudyForms(st.dir); err == nil && *interview == "" && study.retired(f.ID) {
			return fmt.Errorf("form %s is retired on the server: it is no longer offered for new interviews (drafts already started still finish and sync)", f.ID)
		}
		if *interview != "" {
			iv, err := st.interviews.Get(ctx, *interview)
			if err != nil {
				return fmt.Errorf("interview %s: %s", *interview, survey.ErrorMessage(err))
			}
			corrected = iv.RespondentID
		}
		if *respondent != "" {
			r, err := st.roster.Get(ctx, *respondent)
			if err != nil {
				return fmt.Errorf("respondent %s: %s", *respondent, survey.ErrorMessage(err))
			}
			opt.Prefill = r.Values()
		}
	}
	s := forms.NewSession(f, opt)
	if *interview != "" {
		// A correction starts from the interview's answers; the file changes what it names.
		stored, err := st.interviews.Answers(ctx, *interview)
		if err != nil {
			return err
		}
		s.Restore(stored)
	}
	if *asDraft {
		// A draft may stop anywhere: the answers given are checked, the questions not
		// reached yet may stay unanswered.
		if errs := givenErrors(s.Fill(answers), answers); len(errs) > 0 {
			out, _ := json.Marshal(map[string]any{"errors": errs})
			fmt.Fprintln(m.Stdout, string(out))
			return silentError{1}
		}
	} else if errs := s.Fill(answers); len(errs) > 0 {
		out, _ := json.Marshal(map[string]any{"errors": errs})
		fmt.Fprintln(m.Stdout, string(out))
		return silentError{1}
	}
	if *save && *interview != "" {
		if err := sameAlumnus(ctx, st.roster, f, s, corrected, "interview "+*interview+" is of"); err != nil {
			return err
		}
		rev, err := st.saveCorrection(ctx, f, s, *interview)
		if err != nil {
			return err
		}
		fmt.Fprintf(m.Stdout, "%s revision %d\n", *interview, rev)
		return nil
	}
	if *save {
		who := *enumerator
		if who == "" {
			if e, _, err := m.enrolled(st.dir); err == nil {
				who = e.User // the account this laptop is enrolled as
			}
		}
		if who == "" {
			who = m.Getenv("USER")
		}
		if who == "" {
			who = "enumerator"
		}
		if err := m.noteUnenrolled(ctx, st.db, st.dir, who); err != nil {
			return err
		}
		resp, given := *respondent, "--respondent is"
		if n := f.Node(builtin.RosterID); resp == "" && n != nil && n.Repeat == nil {
			// Paper back-entry names the alumnus in the form: link it when the roster has it.
			if id := s.Value(n.Path()); id != "" {
				if _, err := st.roster.Get(ctx, id); err == nil {
					resp, given = id, "the answers' roster_id is"
				}
			}
		}
		if err := sameAlumnus(ctx, st.roster, f, s, resp, given); err != nil {
			return err
		}
		if study, err := loadStudyForms(st.dir); err == nil && !study.published(f) {
			fmt.Fprintf(m.Stderr, "tracer: form %s version %s (sha256 %.12s) is not published on the server: this interview is not for sync and stays on this laptop until the server publishes exactly this file\n",
				f.ID, f.Version, f.Hash)
		}
		if *asDraft {
			iv := &survey.Interview{ID: survey.NewID(), FormID: f.ID, FormVersion: f.Version, FormHash: f.Hash,
				RespondentID: resp, Enumerator: who, Lang: s.Lang()}
			if err := st.interviews.CreateDraft(ctx, iv, s.Answers()); err != nil {
				return fmt.Errorf("save draft: %w", err)
			}
			fmt.Fprintln(m.Stdout, iv.ID)
			return nil
		}
		id, err := st.saveFinal(ctx, f, s, resp, who)
		if err != nil {
			return err
		}
		fmt.Fprintln(m.Stdout, id)
		return nil
	}
	out, err := json.Marshal(s.Record())
	if err != nil {
		return err
	}
	fmt.Fprintln(m.Stdout, string(out))
	return nil
}

// sameAlumnus refuses answers that are of another alumnus than resp, the respondent the
// interview is saved for (given says how: "--respondent is", "interview ID is of"): their
// roster_id names another roster row, or their NIK is not resp's in the roster but another
// alumnus's. A NIK corrected to one the roster does not know is an answer like any other.
func sameAlumnus(ctx context.Context, roster survey.RosterStore, f *forms.Form, s *forms.Session, resp, given string) error {
	if resp == "" {
		return nil // a walk-in, or paper back-entry of an alumnus the roster lacks
	}
	if n := f.Node(builtin.RosterID); n != nil && n.Repeat == nil {
		if id := s.Value(n.Path()); id != "" && id != resp {
			return fmt.Errorf("%s %s, but the answers' %s is %q: an interview is of one alumnus; nothing was saved",
				given, resp, builtin.RosterID, survey.Printable(id))
		}
	}
	n := f.Node(builtin.NIK)
	if n == nil || n.Repeat != nil {
		return nil
	}
	nik := survey.NormalizeNIK(s.Value(n.Path()))
	if nik == "" {
		return nil
	}
	rows, err := roster.ByNIK(ctx, nik)
	if err != nil {
		return fmt.Errorf("look up NIK: %w", err)
	}
	var others []string
	for _, r := range rows {
		if r.RosterID == resp {
			return nil // the same person may be in two batches
		}
		others = append(others, r.RosterID)
	}
	if len(others) > 0 {
		return fmt.Errorf("%s %s, but the answers' %s %s is the NIK of %s in the roster: an interview is of one alumnus; nothing was saved",
			given, resp, builtin.NIK, survey.MaskNIK(nik), strings.Join(others, ", "))
	}
	return nil
}

// givenErrors keeps the fill errors about the answers given.
func givenErrors(errs []forms.FillError, answers map[string]any) []forms.FillError {
	var out []forms.FillError
	for _, e := range errs {
		if _, ok := answers[e.Name]; ok {
			out = append(out, e)
		}
	}
	return out
}

func (m *Main) readAnswers(path string) (map[string]any, error) {
	var data []byte
	var err error
	if path == "-" {
		var b bytes.Buffer
		_, err = b.ReadFrom(m.Stdin)
		data = b.Bytes()
	} else {
		data, err = os.ReadFile(path)
	}
	if err != nil {
		return nil, fmt.Errorf("read answers: %w", err)
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, fmt.Errorf("answers %s: not valid JSON: %w", path, err)
	}
	answers, ok := v.(map[string]any)
	if !ok {
		return nil, fmt.Errorf("answers %s: want a JSON object mapping question names to answers, like {\"consent\": \"yes\"}", path)
	}
	return answers, nil
}

func (m *Main) runFormExport(_ context.Context, args []string) error {
	fs := m.newFlagSet("form export", "tracer form export [FILE] [--xform] -o OUT.xlsx|OUT.md|OUT.xml")
	out := fs.String("o", "", "output `file` (.xlsx, .md, or .xml with --xform)")
	xform := fs.Bool("xform", false, "write an ODK XForm (what ODK Collect and Enketo load)")
	if err := parseReordered(fs, args); err != nil {
		return err
	}
	if *out == "" {
		return usageError("form export needs -o OUT.xlsx (or --xform -o OUT.xml)")
	}
	if fs.NArg() > 1 {
		return usageError("form export takes at most one FILE")
	}
	name, data := builtin.Name, builtin.Source()
	if fs.NArg() == 1 && fs.Arg(0) != "builtin" {
		name = fs.Arg(0)
		var err error
		if data, err = os.ReadFile(name); err != nil {
			return err
		}
	}
	// Refuse to export a form that does not load; a form file is read with its attached files.
	f, err := loadForm(fs.Arg(0))
	if err != nil {
		return err
	}
	if *xform || strings.EqualFold(filepath.Ext(*out), ".xml") {
		var buf bytes.Buffer
		if err := forms.WriteXForm(&buf, f); err != nil {
			return fmt.Errorf("export %s as an XForm: %w", filepath.Base(name), err)
		}
		if err := os.WriteFile(*out, buf.Bytes(), 0o644); err != nil {
			return err
		}
		fmt.Fprintf(m.Stdout, "wrote %s (%s as an XForm)\n", *out, filepath.Base(name))
		if len(f.Attachments) > 0 {
			fmt.Fprintf(m.Stdout, "it reads %s: give them with it (ODK Central: the form's attachments)\n", attachmentNames(f))
		}
		return nil
	}
	if strings.EqualFold(filepath.Ext(*out), ".md") {
		// A Markdown form (pyxform's layout), to edit in any text editor.
		if !strings.EqualFold(filepath.Ext(name), ".md") {
			return usageError("form export writes Markdown only from a Markdown form; %s is not one", filepath.Base(name))
		}
		if err := os.WriteFile(*out, data, 0o644); err != nil {
			return err
		}
		fmt.Fprintf(m.Stdout, "wrote %s (%s)\n", *out, filepath.Base(name))
		return nil
	}
	if strings.EqualFold(filepath.Ext(name), ".zip") {
		return usageError("%s is a bundle of a form and its files: export it as an XForm (--xform), or export its form file", filepath.Base(name))
	}
	var buf bytes.Buffer
	if err := forms.WriteXLSX(&buf, name, data); err != nil {
		return err
	}
	if err := os.WriteFile(*out, buf.Bytes(), 0o644); err != nil {
		return err
	}
	fmt.Fprintf(m.Stdout, "wrote %s (%s)\n", *out, filepath.Base(name))
	return nil
}

// reorder moves flags before positional arguments, so "fill FILE --answers A" parses like
// "fill --answers A FILE".
func reorder(args []string) []string {
	var flags, pos []string
	for i := 0; i < len(args); i++ {
		a := args[i]
		if a == "--" {
			pos = append(pos, args[i+1:]...)
			break
		}
		if strings.HasPrefix(a, "-") && a != "-" {
			flags = append(flags, a)
			if !strings.Contains(a, "=") && i+1 < len(args) && !isBoolFlag(a) {
				flags = append(flags, args[i+1])
				i++
			}
			continue
		}
		pos = append(pos, a)
	}
	return append(flags, pos...)
}

// isBoolFlag lists the boolean flags of the commands that use reorder.
func isBoolFlag(a string) bool {
	switch strings.TrimLeft(a, "-") {
	case "h", "help", "save", "json", "draft", "tracer", "xform", "qr":
		return true
	}
	return false
}
