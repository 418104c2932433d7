package tui

import (
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"tracer/forms"
	"tracer/forms/builtin"
	"tracer/survey"
	"tracer/survey/sqlite"
)

const rosterCSV = "../../shared/data/roster-blki-bontang-2025.csv"

// env is a test database with the built-in form and, when present, the sample roster.
type env struct {
	db   *sqlite.DB
	cfg  Config
	form *forms.Form
}

var fixedNow = time.Date(2026, 11, 20, 9, 30, 0, 0, time.UTC)

// newEnv opens a test database in tb's temporary directory; withRoster copies one that holds
// the sample roster already (rosterDB), and skips the test when the roster is absent.
func newEnv(tb testing.TB, withRoster bool) *env {
	tb.Helper()
	ctx := context.Background()
	path := tb.TempDir() + "/" + sqlite.FileName
	if withRoster {
		src, err := rosterDB()
		if errors.Is(err, fs.ErrNotExist) {
			tb.Skipf("sample roster absent: %v", err)
		}
		if err != nil {
			tb.Fatal(err)
		}
		if err := copyFile(path, src); err != nil {
			tb.Fatal(err)
		}
	}
	db, err := sqlite.Open(ctx, path)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { db.Close() })
	db.Now = func() time.Time { return fixedNow }
	f, err := builtin.Load()
	if err != nil {
		tb.Fatal(err)
	}
	e := &env{db: db, form: f}
	e.cfg = Config{
		Form: f, Interviews: sqlite.NewInterviewStore(db), Roster: sqlite.NewRosterStore(db), Events: sqlite.NewEventStore(db),
		Enumerator: "ani", Lang: "id", DeviceID: "laptop-7", Now: func() time.Time { return fixedNow }, Dark: true,
	}
	return e
}

// templateDir holds the databases the tests copy; TestMain makes it and removes it.
var templateDir string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "tracer-tui-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	templateDir = dir
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// rosterDB returns the path of a database, migrated and holding the sample roster, made
// once per test binary: building one takes a tenth of a second of fsyncs, copying it less
// than a millisecond.
var rosterDB = sync.OnceValues(func() (string, error) {
	ctx := context.Background()
	rows, err := readRoster(rosterCSV)
	if err != nil {
		return "", err
	}
	path := templateDir + "/roster-" + sqlite.FileName
	db, err := sqlite.Open(ctx, path)
	if err != nil {
		return "", err
	}
	db.Now = func() time.Time { return fixedNow }
	if _, err := sqlite.NewRosterStore(db).Upsert(ctx, rows); err != nil {
		db.Close()
		return "", err
	}
	if err := db.Close(); err != nil {
		return "", err
	}
	if _, err := os.Stat(path + "-wal"); err == nil {
		return "", fmt.Errorf("the roster database %s left a WAL file on closing", path)
	}
	return path, nil
})

// copyFile copies the file src to dst, readable by its owner only, as the store makes it.
func copyFile(dst, src string) error {
	b, err := os.ReadFile(src)
	if err != nil {
		return err
	}
	return os.WriteFile(dst, b, 0o600)
}

// readRoster reads a roster CSV whose header names the respondent fields.
func readRoster(path string) ([]*survey.Respondent, error) {
	fh, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer fh.Close()
	recs, err := csv.NewReader(fh).ReadAll()
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", path, err)
	}
	head := recs[0]
	var rows []*survey.Respondent
	for _, rec := range recs[1:] {
		v := map[string]string{}
		for i, h := range head {
			v[h] = rec[i]
		}
		rows = append(rows, &survey.Respondent{
			RosterID: v["roster_id"], NIK: v["nik"], Name: v["full_name"], Sex: v["sex"], BirthDate: v["birth_date"],
			Phone: v["phone_main"], PhoneRaw: v["phone_main"], Education: v["education"], Institution: v["institution"],
			Kejuruan: v["kejuruan"], ProgramName: v["program_name"], BatchID: v["batch_id"], TrainingStart: v["training_start_date"],
			TrainingEnd: v["training_end_date"], Funding: v["funding"], Completion: v["completion"], Regency: v["domicile_regency"],
		})
	}
	return rows, nil
}

// keypress makes a key press from its name: "enter", "shift+tab", "ctrl+j", "a", "space".
func keypress(name string) tea.KeyPressMsg {
	special := map[string]rune{
		"enter": tea.KeyEnter, "tab": tea.KeyTab, "esc": tea.KeyEscape, "space": tea.KeySpace,
		"backspace": tea.KeyBackspace, "up": tea.KeyUp, "down": tea.KeyDown, "left": tea.KeyLeft,
		"right": tea.KeyRight, "pgup": tea.KeyPgUp, "pgdown": tea.KeyPgDown, "home": tea.KeyHome, "end": tea.KeyEnd,
		"f1": tea.KeyF1, "f5": tea.KeyF5, "delete": tea.KeyDelete, "insert": tea.KeyInsert,
	}
	var mod tea.KeyMod
	for {
		switch {
		case strings.HasPrefix(name, "ctrl+") && len(name) > 5:
			mod |= tea.ModCtrl
			name = name[5:]
			continue
		case strings.HasPrefix(name, "shift+") && len(name) > 6:
			mod |= tea.ModShift
			name = name[6:]
			continue
		}
		break
	}
	if r, ok := special[name]; ok {
		k := tea.KeyPressMsg{Code: r, Mod: mod}
		if r == tea.KeySpace && mod == 0 {
			k.Text = " "
		}
		return k
	}
	r := []rune(name)[0]
	if mod != 0 {
		return tea.KeyPressMsg{Code: r, Mod: mod}
	}
	return tea.KeyPressMsg{Code: r, Text: name}
}

// drive sends msg to the model and runs the commands it returns, and theirs, synchronously,
// until none is left; a quit ends it.
func drive(tb testing.TB, m *Model, msg tea.Msg) (quit bool) {
	tb.Helper()
	queue := []tea.Msg{msg}
	for len(queue) > 0 {
		msg, queue = queue[0], queue[1:]
		if _, ok := msg.(tea.QuitMsg); ok {
			return true
		}
		_, cmd := m.Update(msg)
		queue = append(queue, runCmd(cmd)...)
	}
	return false
}

// runCmd runs a command and flattens batches and sequences into their messages, in order.
func runCmd(cmd tea.Cmd) []tea.Msg {
	if cmd == nil {
		return nil
	}
	msg := cmd()
	if msg == nil {
		return nil
	}
	if b, ok := msg.(tea.BatchMsg); ok {
		var out []tea.Msg
		for _, c := range b {
			out = append(out, runCmd(c)...)
		}
		return out
	}
	if v := reflect.ValueOf(msg); v.Kind() == reflect.Slice && v.Type().Elem() == reflect.TypeOf(tea.Cmd(nil)) {
		var out []tea.Msg
		for i := 0; i < v.Len(); i++ {
			out = append(out, runCmd(v.Index(i).Interface().(tea.Cmd))...)
		}
		return out
	}
	if reflect.TypeOf(msg).String() == "tea.backgroundColorMsg" || strings.HasSuffix(reflect.TypeOf(msg).String(), "ColorMsg") {
		return nil
	}
	return []tea.Msg{msg}
}

// typeText sends each rune of s as a key press.
func typeText(tb testing.TB, m *Model, s string) {
	tb.Helper()
	for _, r := range s {
		if r == ' ' {
			drive(tb, m, keypress("space"))
			continue
		}
		drive(tb, m, tea.KeyPressMsg{Code: r, Text: string(r)})
	}
}

// start builds a model and runs its Init.
func start(tb testing.TB, e *env) *Model {
	tb.Helper()
	m := New(context.Background(), e.cfg)
	for _, msg := range runCmd(m.Init()) {
		drive(tb, m, msg)
	}
	return m
}

// fieldItems returns the choice names of a choice input and whether one digit picks each.
func fieldItems(in input) (names []string, short bool) {
	var o *options
	switch f := in.(type) {
	case *choiceInput:
		o, short = f.opts, true
	case *listInput:
		o = f.opts
	case *rankInput:
		o = f.opts
	default:
		return nil, false
	}
	for _, c := range o.items {
		names = append(names, c.Name)
	}
	return names, short
}

// fieldCodes returns the codes a long list shows before its options (numbers or letters).
func fieldCodes(in input) []string {
	if f, ok := in.(*listInput); ok {
		return f.opts.codes
	}
	return nil
}
