package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"time"

	tea "charm.land/bubbletea/v2"
	"golang.org/x/term"

	"tracer/forms"
	"tracer/survey"
	"tracer/survey/sqlite"
	"tracer/survey/vault"
	"tracer/sync/client"
	"tracer/tui"
)

// tuiFlags declares the flags of the interview screens on fs.
func (m *Main) tuiFlags(fs *flag.FlagSet) (data, form, lang, enumerator *string) {
	data = fs.String("data", "", "data folder (default $TRACER_DATA or the user's config folder)")
	form = fs.String("form", "", "XLSForm to run instead of the built-in BLK tracer form")
	lang = fs.String("lang", "", "UI language: id or en (default: the one chosen in the settings, else from LANG/LC_ALL)")
	enumerator = fs.String("enumerator", "", "enumerator's user name (default $USER)")
	return data, form, lang, enumerator
}

// runTUI starts the enumerator's interview screens on the laptop's database.
func (m *Main) runTUI(ctx context.Context, args []string) error {
	fs := m.newFlagSet("tracer", "tracer [--data DIR] [--form FILE] [--lang id|en] [--enumerator NAME]")
	dataFlag, formFlag, langFlag, enumFlag := m.tuiFlags(fs)
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usageError("unexpected argument %q", fs.Arg(0))
	}
	switch *langFlag {
	case "", "id", "en":
	default:
		return usageError("--lang must be id or en, not %q", *langFlag)
	}
	dir, err := m.dataDir(*dataFlag)
	if err != nil {
		return err
	}
	enr, token, enrErr := m.enrolled(dir)
	enumerator := *enumFlag
	if enumerator == "" && enrErr == nil {
		enumerator = enr.User // the account the server knows the interviews by
	}
	if enumerator == "" {
		enumerator = m.Getenv("USER")
	}
	if enumerator == "" {
		enumerator = "enumerator"
	}
	sf, err := m.studyFormsFor(ctx, dir, *formFlag)
	if err != nil {
		return err
	}
	logFile, err := os.OpenFile(filepath.Join(dir, "tracer.log"), os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600)
	if err != nil {
		return fmt.Errorf("open log: %w", err)
	}
	defer logFile.Close()
	logger := slog.New(slog.NewTextHandler(logFile, nil))
	settingsFile := filepath.Join(dir, tui.SettingsFileName)
	settings, err := tui.LoadSettings(settingsFile)
	if err != nil {
		logger.Warn("settings not read; starting with the defaults", "err", err)
	}
	lang := tui.ResolveLang(*langFlag, settings, m.Getenv)
	db, err := sqlite.Open(ctx, filepath.Join(dir, sqlite.FileName))
	if err != nil {
		return err
	}
	defer db.Close()
	// The screens ask the terminal for its background once they run (Bubble Tea reads the
	// answer among the keys); asking here, before them, would read and drop the keys an
	// enumerator typed ahead while the program started.
	dark := darkGuess(m.Getenv("COLORFGBG"))
	if err := m.unlockTUI(ctx, db, dir, lang, dark); err != nil {
		return err
	}
	ivs, err := interviewStore(db, dir)
	if err != nil {
		return err
	}
	host, _ := os.Hostname()
	cfg := tui.Config{
		Interviews:   ivs,
		Roster:       sqlite.NewRosterStore(db),
		Attempts:     sqlite.NewAttemptStore(db),
		Waves:        sqlite.NewPulledWaves(db),
		Updates:      sqlite.NewRosterUpdateStore(db),
		Events:       sqlite.NewEventStore(db),
		Enumerator:   enumerator,
		Lang:         lang,
		SettingsFile: settingsFile,
		Settings:     settings,
		DeviceID:     host,
		Logger:       logger,
		Dark:         dark,
	}
	sf.apply(&cfg)
	if enrErr != nil {
		logger.Info("not logged in: sync is off", "reason", enrErr)
		// what is made under this name is the first account's to log in (sqlite.DB.Adopt)
		if err := db.NoteUnenrolled(ctx, enumerator); err != nil {
			return err
		}
	} else if err := wireSync(&cfg, enr, token, db, dir, logger); err != nil {
		logger.Warn("sync is off", "err", err)
	}
	model := tui.New(ctx, cfg)
	logger.Info("tui start", "form", cfg.Form.ID, "version", cfg.Form.Version, "data", dir, "role", cfg.Role)
	opts := []tea.ProgramOption{tea.WithContext(ctx)}
	if term.IsTerminal(int(os.Stdin.Fd())) {
		// a paste typed as keys by a terminal without bracketed paste is read as a paste,
		// not as keys whose line breaks answer questions (tui.Input)
		opts = append(opts, tea.WithInput(tui.NewInput(os.Stdin)))
	}
	_, err = tea.NewProgram(model, opts...).Run()
	logger.Info("tui stop", "err", err)
	if note := model.QuitNote(); note != "" {
		fmt.Fprintln(m.Stdout, note)
	}
	if err != nil && ctx.Err() == nil {
		return fmt.Errorf("run interview screens: %w", err)
	}
	return nil
}

// darkGuess is the background the screens start with until the terminal answers: dark,
// as most terminals are, unless $COLORFGBG (set by rxvt, Konsole and others as "fg;bg")
// names a light one.
func darkGuess(colorfgbg string) bool {
	i := strings.LastIndexByte(colorfgbg, ';')
	switch colorfgbg[i+1:] {
	case "7", "15":
		return false
	}
	return true
}

// unlockTUI gives db the laptop's data key when the laptop has a vault: from TRACER_PIN
// for scripts, else from the PIN screen. A laptop never enrolled needs no PIN.
func (m *Main) unlockTUI(ctx context.Context, db *sqlite.DB, dir, lang string, dark bool) error {
	if !vault.Exists(dir) {
		return nil
	}
	if pin := m.Getenv("TRACER_PIN"); pin != "" {
		return unlockWith(db, dir, pin, time.Now())
	}
	return tui.Unlock(ctx, tui.UnlockConfig{Lang: lang, Dark: dark, Try: func(pin string) (bool, time.Time, error) {
		err := unlockWith(db, dir, pin, time.Now())
		if err == nil {
			return true, time.Time{}, nil
		}
		var we *vault.WaitError
		if errors.As(err, &we) {
			return false, we.Until, nil
		}
		if errors.Is(err, vault.ErrWrongPIN) {
			_, next, _ := vault.Failures(dir)
			return false, next, nil
		}
		return false, time.Time{}, err
	}})
}

// The background sync of the TUI: a probe every SyncPoll, a sync when there is something
// to push or the last one is SyncEvery old.
const (
	tuiSyncPoll  = 30 * time.Second
	tuiSyncEvery = 5 * time.Minute
)

// wireSync gives the TUI its link to the server the laptop is enrolled with.
func wireSync(cfg *tui.Config, enr *enrollment, token string, db *sqlite.DB, dir string, logger *slog.Logger) error {
	s, err := newTUISyncer(enr.URL, token, client.Laptop{
		Interviews: cfg.Interviews, Roster: cfg.Roster, State: sqlite.NewSyncStateStore(db),
		Attempts: sqlite.NewAttemptStore(db), Updates: sqlite.NewRosterUpdateStore(db),
		Waves: cfg.Waves, FormsDir: filepath.Join(dir, "forms"), Account: enr.ownOnly(),
	}, nil, client.WithLogger(logger))
	if err != nil {
		return err
	}
	cfg.Sync, cfg.Server, cfg.Role = s, enr.URL, enr.Role
	if enr.Role == survey.RoleSupervisor {
		cfg.Reviewer, cfg.Decider, cfg.Tracing, cfg.Refusals = s.c, s.c, s.c, s.c
	}
	if enr.Role == survey.RoleSupervisor || enr.Role == survey.RoleAdmin {
		cfg.Catalog = tuiCatalog{serverCatalog{s.c}}
		cfg.Links = s.c
	}
	cfg.SyncPoll, cfg.SyncEvery = tuiSyncPoll, tuiSyncEvery
	return nil
}

// tuiForms are the forms the interview screens offer and how they find an interview's own.
type tuiForms struct {
	study   *studyForms
	offered []*forms.Form
	local   bool // offered[0] is a file tried locally that the server did not publish
}

// studyFormsFor reads the study's forms pulled into dir; formFlag, when set, names a file
// to try instead.
func (m *Main) studyFormsFor(ctx context.Context, dir, formFlag string) (*tuiForms, error) {
	study, err := loadStudyForms(dir)
	if err != nil {
		return nil, err
	}
	var offered []*forms.Form
	local := false
	if formFlag != "" {
		form, err := loadForm(formFlag)
		if err != nil {
			return nil, fmt.Errorf("load form: %w", err)
		}
		offered, local = []*forms.Form{form}, !study.published(form)
	} else {
		var errs []error
		if offered, errs = study.offered(ctx); len(offered) == 0 {
			if len(errs) > 0 {
				return nil, fmt.Errorf("no published form loads on this laptop: %w", errors.Join(errs...))
			}
			return nil, errors.New("every form the server published is retired: ask the supervisor to publish one, or try a file with --form FILE")
		}
		for _, err := range errs {
			fmt.Fprintln(m.Stderr, "tracer: skipped:", err)
		}
	}
	return &tuiForms{study: study, offered: offered, local: local}, nil
}

// apply gives cfg the forms: the first offered one to start on, the others to switch to,
// and each interview's own version.
func (t *tuiForms) apply(cfg *tui.Config) {
	form := t.offered[0]
	cfg.Form, cfg.Forms, cfg.LocalForm = form, t.offered, t.local
	local, study := t.local, t.study
	cfg.FormOf = func(ctx context.Context, iv *survey.Interview) (*forms.Form, error) {
		if local && iv.FormID == form.ID && form.IsVersion(iv.FormVersion) && iv.FormHash == form.Hash {
			return form, nil
		}
		return study.formOf(ctx, iv.FormID, iv.FormVersion, iv.FormHash)
	}
	cfg.Newer = study.newest
	cfg.Syncable = func(iv *survey.Interview) bool { return study.publishedAs(iv.FormID, iv.FormVersion, iv.FormHash) }
	if !local {
		cfg.Offered = func(ctx context.Context) ([]*forms.Form, error) {
			offered, errs := study.offered(ctx)
			if len(offered) == 0 {
				return nil, errors.Join(errs...)
			}
			return offered, nil
		}
	}
}
