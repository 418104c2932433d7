package main

import (
	"archive/zip"
	"bufio"
	"bytes"
	"context"
	"encoding/csv"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/rogpeppe/go-internal/testscript"

	"tracer/forms/builtin"
	"tracer/survey"
	"tracer/survey/postgres/pgtest"
	"tracer/survey/sqlite"
	"tracer/sync/testbed"
)

func TestMain(m *testing.M) {
	testscript.Main(m, map[string]func(){
		"tracer": main,
	})
}

// TestScript runs the end-to-end scripts in testdata/script against the real binary.
func TestScript(t *testing.T) {
	testscript.Run(t, testscript.Params{
		Dir: "testdata/script",
		Setup: func(env *testscript.Env) error {
			env.Setenv("TRACER_DATA", filepath.Join(env.WorkDir, "data"))
			env.Setenv("TRACER_TOKEN", "")
			// The PIN that "tracer login" sets and every later command unlocks with.
			env.Setenv("TRACER_PIN", "482916")
			// The built-in form's test personas, for "form fill --answers".
			personas := filepath.Join(env.WorkDir, "personas")
			if err := writePersonas(personas); err != nil {
				return err
			}
			env.Setenv("PERSONAS", personas)
			// Files the scripts copy in: a small form of the XLSForm corpus.
			td, err := filepath.Abs("testdata")
			if err != nil {
				return err
			}
			env.Setenv("TESTDATA", td)
			// The recorded ODK Collect requests of the server's tests.
			env.Setenv("OPENROSA", filepath.Join(td, "..", "..", "..", "sync", "server", "testdata", "openrosa"))
			return nil
		},
		Condition: func(cond string) (bool, error) {
			if cond == "pg" {
				return os.Getenv(pgtest.EnvVar) != "", nil
			}
			return false, fmt.Errorf("unknown condition %q", cond)
		},
		Cmds: map[string]func(ts *testscript.TestScript, neg bool, args []string){
			"waiturl":      cmdWaitURL,
			"setcode":      cmdSetCode,
			"seed":         cmdSeed,
			"nosecret":     cmdNoSecret,
			"setenvfile":   cmdSetenvFile,
			"noontz":       cmdNoonTZ,
			"holds":        cmdHolds,
			"replace":      cmdReplace,
			"dropline":     cmdDropLine,
			"unzip":        cmdUnzip,
			"pgdb":         cmdPGDB,
			"waitstored":   cmdWaitStored,
			"waitupdates":  cmdWaitUpdates,
			"waitattempts": cmdWaitAttempts,
			"waitrelay":    cmdWaitRelay,
			"setglob":      cmdSetGlob,
			"setmatch":     cmdSetMatch,
			"fetch":        cmdFetch,
			"replay":       cmdReplay,
			"aapor":        cmdAAPOR,
		},
	})
}

// pgdb VAR creates an empty PostgreSQL database on the cluster $TRACER_TEST_POSTGRES
// names, sets VAR to its URL and drops it when the script ends. The condition [pg] holds
// when the variable is set.
func cmdPGDB(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 1 {
		ts.Fatalf("usage: pgdb VAR")
	}
	admin := os.Getenv(pgtest.EnvVar)
	if admin == "" {
		ts.Fatalf("pgdb needs $%s: guard the script with [!pg] skip", pgtest.EnvVar)
	}
	u, drop, err := pgtest.Create(admin)
	if err != nil {
		ts.Fatalf("%v", err)
	}
	ts.Defer(drop)
	ts.Setenv(args[0], u)
}

// waiturl FILE VAR waits for FILE (the server's --url-file) and sets VAR to the URL in it.
// It gives up after 3 minutes, a guard: a loaded machine running the race-enabled suite
// has taken over 20 seconds to start a relay, its PIN's argon2id included.
func cmdWaitURL(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 2 {
		ts.Fatalf("usage: waiturl FILE VAR")
	}
	deadline := time.Now().Add(3 * time.Minute)
	for time.Now().Before(deadline) {
		if b, err := os.ReadFile(ts.MkAbs(args[0])); err == nil && len(b) > 0 {
			ts.Setenv(args[1], strings.TrimSpace(string(b)))
			return
		}
		time.Sleep(20 * time.Millisecond)
	}
	ts.Fatalf("no URL in %s after 3 minutes", args[0])
}

var codePattern = regexp.MustCompile(`enrollment code(?: for [^:]+)?: ([A-Z0-9]{4}-[A-Z0-9]{4})`)

// setcode VAR sets VAR to the enrollment code in the last command's standard output.
func cmdSetCode(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 1 {
		ts.Fatalf("usage: setcode VAR")
	}
	m := codePattern.FindStringSubmatch(ts.ReadFile("stdout"))
	if m == nil {
		ts.Fatalf("no enrollment code in stdout")
	}
	ts.Setenv(args[0], m[1])
}

// seed DIR N finalizes N interviews of the built-in form in the laptop database in DIR,
// standing in for "tracer form fill --save".
func cmdSeed(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 2 {
		ts.Fatalf("usage: seed DIR N")
	}
	n, err := strconv.Atoi(args[1])
	ts.Check(err)
	dir := ts.MkAbs(args[0])
	ts.Check(os.MkdirAll(dir, 0o700))
	ctx := context.Background()
	db, err := sqlite.Open(ctx, filepath.Join(dir, sqlite.FileName))
	ts.Check(err)
	defer db.Close()
	_, err = testbed.Seed(ctx, sqlite.NewInterviewStore(db), "ani", n)
	ts.Check(err)
}

// nosecret TOKENFILE FILE... fails if any FILE holds the token in TOKENFILE in clear.
func cmdNoSecret(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) < 2 {
		ts.Fatalf("usage: nosecret TOKENFILE FILE...")
	}
	token := bytes.TrimSpace([]byte(ts.ReadFile(args[0])))
	if len(token) < 32 {
		ts.Fatalf("%s holds no token", args[0])
	}
	for _, f := range args[1:] {
		for _, p := range []string{f, f + "-wal"} {
			b, err := os.ReadFile(ts.MkAbs(p))
			if err != nil {
				continue
			}
			if bytes.Contains(b, token) {
				ts.Fatalf("%s holds the token in clear", p)
			}
		}
	}
}

// setenvfile VAR FILE sets VAR to FILE's trimmed content.
func cmdSetenvFile(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 2 {
		ts.Fatalf("usage: setenvfile VAR FILE")
	}
	ts.Setenv(args[0], strings.TrimSpace(ts.ReadFile(args[1])))
}

// noontz sets TZ to a zone where it is noon now (see noonZone), so that the commands after
// it count attempts made a few hours ago as today's whatever the hour the script runs at.
func cmdNoonTZ(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 0 {
		ts.Fatalf("usage: noontz")
	}
	name, _ := noonZone(time.Now())
	if _, err := time.LoadLocation(name); err != nil {
		ts.Fatalf("noontz: %v", err)
	}
	ts.Setenv("TZ", name)
}

// holds FILE TEXT succeeds when the database FILE (or its -wal file) holds TEXT in clear.
func cmdHolds(ts *testscript.TestScript, neg bool, args []string) {
	if len(args) != 2 {
		ts.Fatalf("usage: holds FILE TEXT")
	}
	found := ""
	for _, p := range []string{args[0], args[0] + "-wal"} {
		if b, err := os.ReadFile(ts.MkAbs(p)); err == nil && bytes.Contains(b, []byte(args[1])) {
			found = p
		}
	}
	switch {
	case neg && found != "":
		ts.Fatalf("%s holds %q in clear", found, args[1])
	case !neg && found == "":
		ts.Fatalf("%s does not hold %q", args[0], args[1])
	}
}

// writePersonas writes the built-in form's personas into dir as NAME.json, the files
// "tracer form fill --answers" reads.
func writePersonas(dir string) error {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return err
	}
	for _, name := range builtin.Personas {
		b, err := builtin.Persona(name)
		if err != nil {
			return err
		}
		if err := os.WriteFile(filepath.Join(dir, name+".json"), b, 0o600); err != nil {
			return err
		}
	}
	return nil
}

// personasDir returns a folder holding the built-in form's personas as NAME.json, with a
// trailing separator.
func personasDir(tb testing.TB) string {
	tb.Helper()
	dir := filepath.Join(tb.TempDir(), "personas")
	if err := writePersonas(dir); err != nil {
		tb.Fatal(err)
	}
	return dir + string(filepath.Separator)
}

// replace FILE OLD NEW replaces every OLD in FILE with NEW; it fails when FILE has no OLD.
func cmdReplace(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 3 {
		ts.Fatalf("usage: replace FILE OLD NEW")
	}
	s := ts.ReadFile(args[0])
	if !strings.Contains(s, args[1]) {
		ts.Fatalf("%s has no %q", args[0], args[1])
	}
	ts.Check(os.WriteFile(ts.MkAbs(args[0]), []byte(strings.ReplaceAll(s, args[1], args[2])), 0o644))
}

// dropline FILE TEXT removes the lines of FILE that contain TEXT; it fails when none does.
func cmdDropLine(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 2 {
		ts.Fatalf("usage: dropline FILE TEXT")
	}
	var keep []string
	lines := strings.Split(ts.ReadFile(args[0]), "\n")
	for _, l := range lines {
		if !strings.Contains(l, args[1]) {
			keep = append(keep, l)
		}
	}
	if len(keep) == len(lines) {
		ts.Fatalf("no line of %s has %q", args[0], args[1])
	}
	ts.Check(os.WriteFile(ts.MkAbs(args[0]), []byte(strings.Join(keep, "\n")), 0o644))
}

// unzip ZIP NAME OUT writes the member NAME of the zip file ZIP to OUT.
func cmdUnzip(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 3 {
		ts.Fatalf("usage: unzip ZIP NAME OUT")
	}
	zr, err := zip.OpenReader(ts.MkAbs(args[0]))
	ts.Check(err)
	defer zr.Close()
	for _, f := range zr.File {
		if f.Name != args[1] {
			continue
		}
		rc, err := f.Open()
		ts.Check(err)
		data, err := io.ReadAll(rc)
		rc.Close()
		ts.Check(err)
		ts.Check(os.WriteFile(ts.MkAbs(args[2]), data, 0o644))
		return
	}
	ts.Fatalf("%s has no %s", args[0], args[1])
}

// waitstored DB N waits up to 2 minutes until the server database DB holds N stored
// revisions (a relay forwards in the background), and fails if it holds more.
func cmdWaitStored(ts *testscript.TestScript, neg bool, args []string) {
	waitCount(ts, neg, args, "waitstored", "revisions", func(ctx context.Context, db *sqlite.DB, _ int) (int, error) {
		set, err := testbed.ServerSet(ctx, sqlite.NewSubmissionStore(db))
		return len(set), err
	})
}

// waitupdates DB N waits up to 2 minutes until the server database DB holds N roster
// updates, and fails if it holds more.
func cmdWaitUpdates(ts *testscript.TestScript, neg bool, args []string) {
	waitCount(ts, neg, args, "waitupdates", "roster updates", func(ctx context.Context, db *sqlite.DB, want int) (int, error) {
		list, err := sqlite.NewRosterUpdateLedger(db).List(ctx, survey.UpdateFilter{Limit: want + 1})
		return len(list), err
	})
}

// waitattempts DB N waits up to 2 minutes until the server database DB holds N contact
// attempts, and fails if it holds more.
func cmdWaitAttempts(ts *testscript.TestScript, neg bool, args []string) {
	waitCount(ts, neg, args, "waitattempts", "attempts", func(ctx context.Context, db *sqlite.DB, want int) (int, error) {
		list, err := sqlite.NewAttemptLedger(db).List(ctx, survey.AttemptFilter{Limit: want + 1})
		return len(list), err
	})
}

// waitCount is the body of the commands "NAME DB N": it opens the server database DB and
// waits up to 2 minutes until count says it holds N things (what names them), failing as
// soon as it holds more. count is given N to bound what it reads.
func waitCount(ts *testscript.TestScript, neg bool, args []string, name, what string, count func(ctx context.Context, db *sqlite.DB, want int) (int, error)) {
	if neg || len(args) != 2 {
		ts.Fatalf("usage: %s DB N", name)
	}
	want, err := strconv.Atoi(args[1])
	ts.Check(err)
	ctx := context.Background()
	db, err := sqlite.Open(ctx, ts.MkAbs(args[0]))
	ts.Check(err)
	defer db.Close()
	deadline := time.Now().Add(2 * time.Minute)
	for {
		n, err := count(ctx, db, want)
		ts.Check(err)
		switch {
		case n > want:
			ts.Fatalf("%s holds %d %s, more than %d", args[0], n, what, want)
		case n == want:
			return
		case time.Now().After(deadline):
			ts.Fatalf("%s holds %d %s after 2 minutes, want %d", args[0], n, what, want)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// waitrelay DB waits until the relay's database DB has received interviews and none of
// them waits for the centre any more.
func cmdWaitRelay(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 1 {
		ts.Fatalf("usage: waitrelay DB")
	}
	ctx := context.Background()
	db, err := sqlite.Open(ctx, ts.MkAbs(args[0]))
	ts.Check(err)
	defer db.Close()
	deadline := time.Now().Add(2 * time.Minute)
	for {
		st, err := sqlite.NewRelayStore(db).Status(ctx)
		ts.Check(err)
		if st.Received > 0 && st.Waiting == 0 {
			return
		}
		if time.Now().After(deadline) {
			ts.Fatalf("%s: %+v after 2 minutes, want nothing waiting", args[0], st)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// setglob VAR PATTERN sets VAR to the one file that matches PATTERN.
func cmdSetGlob(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 2 {
		ts.Fatalf("usage: setglob VAR PATTERN")
	}
	m, err := filepath.Glob(ts.MkAbs(args[1]))
	ts.Check(err)
	if len(m) != 1 {
		ts.Fatalf("%d files match %s, want 1", len(m), args[1])
	}
	ts.Setenv(args[0], m[0])
}

// setmatch VAR REGEXP sets VAR to the first group of REGEXP in the last command's standard
// output.
func cmdSetMatch(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 2 {
		ts.Fatalf("usage: setmatch VAR REGEXP")
	}
	m := regexp.MustCompile(args[1]).FindStringSubmatch(ts.ReadFile("stdout"))
	if len(m) < 2 {
		ts.Fatalf("no match of %s in stdout", args[1])
	}
	ts.Setenv(args[0], m[1])
}

// fetch URL STATUS FILE gets URL, fails unless it answers STATUS, and writes the body to FILE.
func cmdFetch(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 3 {
		ts.Fatalf("usage: fetch URL STATUS FILE")
	}
	resp, err := http.Get(args[0])
	ts.Check(err)
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	ts.Check(err)
	if strconv.Itoa(resp.StatusCode) != args[1] {
		ts.Fatalf("GET %s: %d, want %s\n%s", args[0], resp.StatusCode, args[1], b)
	}
	ts.Check(os.WriteFile(ts.MkAbs(args[2]), b, 0o644))
}

// replay BASE REQUEST STATUS FILE sends the recorded HTTP request in REQUEST to the server
// at BASE (an ODK Collect server URL: its path replaces the recorded /v1/key/TOKEN), fails
// unless it answers STATUS, and writes the body to FILE.
func cmdReplay(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 4 {
		ts.Fatalf("usage: replay BASE REQUEST STATUS FILE")
	}
	rec, err := http.ReadRequest(bufio.NewReader(strings.NewReader(ts.ReadFile(args[1]))))
	ts.Check(err)
	body, err := io.ReadAll(rec.Body)
	ts.Check(err)
	rest := strings.TrimPrefix(rec.URL.RequestURI(), "/v1/key/TOKEN")
	req, err := http.NewRequest(rec.Method, strings.TrimRight(args[0], "/")+rest, bytes.NewReader(body))
	ts.Check(err)
	req.Header = rec.Header
	resp, err := http.DefaultClient.Do(req)
	ts.Check(err)
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	ts.Check(err)
	if strconv.Itoa(resp.StatusCode) != args[2] {
		ts.Fatalf("%s %s: %d, want %s\n%s", rec.Method, rest, resp.StatusCode, args[2], b)
	}
	ts.Check(os.WriteFile(ts.MkAbs(args[3]), b, 0o644))
}

// cmdAAPOR recomputes the response rates from an exported alumni table (CSV), apart from
// the report's code: it counts the final dispositions by AAPOR's classes (1.1 I, 1.2 P,
// 2.1x R, 2.2x NC, 2.3x O, 3.x U, 4.x NE), estimates e by the proportion method and
// applies the formulas of docs/TRACING.md. It prints the counts, e and RR1-RR6, COOP1,
// REF1 and CON1 with 4 decimals.
func cmdAAPOR(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 1 {
		ts.Fatalf("usage: aapor ALUMNI.csv")
	}
	data, err := os.ReadFile(ts.MkAbs(args[0]))
	ts.Check(err)
	rows, err := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(data, []byte("\xef\xbb\xbf")))).ReadAll()
	ts.Check(err)
	// The report's cases are the rows with case = 1, counted by case_disposition
	// (docs/EXPORT.md, the alumni table).
	isCase, col := slices.Index(rows[0], "case"), slices.Index(rows[0], "case_disposition")
	if isCase < 0 || col < 0 {
		ts.Fatalf("%s has no case or case_disposition column", args[0])
	}
	var I, P, R, NC, O, U, NE float64
	for _, row := range rows[1:] {
		if row[isCase] != "1" {
			continue
		}
		switch c := row[col]; {
		case c == "1.1":
			I++
		case c == "1.2":
			P++
		case strings.HasPrefix(c, "2.1"):
			R++
		case strings.HasPrefix(c, "2.2"):
			NC++
		case strings.HasPrefix(c, "2.3"):
			O++
		case strings.HasPrefix(c, "3."):
			U++
		case strings.HasPrefix(c, "4."):
			NE++
		default:
			ts.Fatalf("disposition %q is none of AAPOR's", c)
		}
	}
	e := 1.0
	if el := I + P + R + NC + O; el+NE > 0 {
		e = el / (el + NE)
	}
	all, allE, known := I+P+R+NC+O+U, I+P+R+NC+O+e*U, I+P+R+NC+O
	f := func(x float64) string { return strconv.FormatFloat(x, 'f', 4, 64) }
	fmt.Fprintf(ts.Stdout(), "I=%v P=%v R=%v NC=%v O=%v U=%v NE=%v e=%s\n", I, P, R, NC, O, U, NE, f(e))
	fmt.Fprintf(ts.Stdout(), "RR1=%s RR2=%s RR3=%s RR4=%s RR5=%s RR6=%s\n", f(I/all), f((I+P)/all), f(I/allE), f((I+P)/allE), f(I/known), f((I+P)/known))
	fmt.Fprintf(ts.Stdout(), "COOP1=%s REF1=%s CON1=%s\n", f(I/(I+P+R+O)), f(R/all), f((I+P+R+O)/(I+P+R+O+NC+U)))
}
