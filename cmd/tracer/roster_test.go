package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"tracer/survey"
	"tracer/sync/testbed"
)

// runMain runs the command line args with the data folder dir and returns stdout, stderr
// and the error.
// testPIN is the PIN "tracer login" sets in these tests and later commands unlock with.
const testPIN = "482916"

func runMain(t *testing.T, dir string, args ...string) (string, string, error) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	m := &Main{Stdin: strings.NewReader(""), Stdout: &stdout, Stderr: &stderr, Getenv: func(k string) string {
		switch k {
		case "TRACER_DATA":
			return dir
		case "TRACER_PIN":
			return testPIN
		}
		return ""
	}}
	err := m.Run(context.Background(), args)
	return stdout.String(), stderr.String(), err
}

func TestRosterImport(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(t.TempDir(), "roster.csv")
	csv := "\ufeffroster_id;nik;full_name;sex;phone_main;kejuruan\r\n" +
		"A-1;6474060307910001;Joko Permana;L;0812 9876 1234;TIK\r\n" +
		"A-2;647412345;Fajar;L;;TIK\r\n" +
		"A-3;6474060307910003;Dimas;L;12345;TIK\r\n"
	if err := os.WriteFile(file, []byte(csv), 0o600); err != nil {
		t.Fatal(err)
	}
	want := "row 3: nik: NIK must have 16 digits, got 9\n" +
		"row 4: phone_main: phone number must start with 0, 62 or +62\n"

	for _, tt := range []struct {
		name, summary string
	}{
		{"first", "imported 1, rejected 2 (1 new, 0 updated, 0 unchanged)\n"},
		{"again changes nothing", "imported 1, rejected 2 (0 new, 0 updated, 1 unchanged)\n"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			out, _, err := runMain(t, dir, "roster", "import", file)
			if diff := cmp.Diff(want+tt.summary, out); diff != "" {
				t.Errorf("output (-want +got):\n%s", diff)
			}
			if exitCode(err) != 1 {
				t.Errorf("exit code %d (%v), want 1", exitCode(err), err)
			}
		})
	}

	// --dry-run and --data after the file.
	other := t.TempDir()
	out, _, err := runMain(t, dir, "roster", "import", file, "--dry-run", "--data", other)
	if exitCode(err) != 1 || !strings.HasSuffix(out, "imported 1, rejected 2 (dry run: nothing stored)\n") {
		t.Errorf("dry run: %q, %v", out, err)
	}
	if _, err := os.Stat(filepath.Join(other, "tracer.db")); err == nil {
		t.Error("dry run created a database")
	}
}

func TestRosterImportShared(t *testing.T) {
	for _, tt := range []struct {
		file     string
		code     int
		summary  string
		problems int
	}{
		{"roster-blki-bontang-2025.csv", 0, "imported 672, rejected 0 (672 new, 0 updated, 0 unchanged)", 0},
		{"roster-dirty.csv", 1, "imported 23, rejected 7 (23 new, 0 updated, 0 unchanged)", 14},
	} {
		t.Run(tt.file, func(t *testing.T) {
			path := filepath.Join("..", "..", "..", "shared", "data", tt.file)
			if _, err := os.Stat(path); err != nil {
				t.Skipf("shared data not available: %v", err)
			}
			out, _, err := runMain(t, t.TempDir(), "roster", "import", path)
			lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
			if exitCode(err) != tt.code && !(tt.code == 0 && err == nil) {
				t.Errorf("exit %d (%v), want %d", exitCode(err), err, tt.code)
			}
			if got := lines[len(lines)-1]; got != tt.summary || len(lines)-1 != tt.problems {
				t.Errorf("got %d problem lines and summary %q:\n%s", len(lines)-1, got, out)
			}
		})
	}
}

func TestRosterUsage(t *testing.T) {
	dir := t.TempDir()
	for _, tt := range []struct {
		name string
		args []string
		code int
		help bool
	}{
		{"help", []string{"roster", "--help"}, 0, false},
		{"import help", []string{"roster", "import", "--help"}, 0, true},
		{"no file", []string{"roster", "import"}, 2, false},
		{"two files", []string{"roster", "import", "a.csv", "b.csv"}, 2, false},
		{"unknown", []string{"roster", "export"}, 2, false},
		{"missing file", []string{"roster", "import", filepath.Join(dir, "nope.csv")}, 1, false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, _, err := runMain(t, dir, tt.args...)
			switch {
			case tt.help:
				if !errors.Is(err, flag.ErrHelp) {
					t.Errorf("err = %v, want flag.ErrHelp", err)
				}
			case tt.code == 0:
				if err != nil {
					t.Errorf("err = %v", err)
				}
			case exitCode(err) != tt.code:
				t.Errorf("exit %d (%v), want %d", exitCode(err), err, tt.code)
			}
		})
	}
}

func TestRosterHeaderError(t *testing.T) {
	file := filepath.Join(t.TempDir(), "r.csv")
	if err := os.WriteFile(file, []byte("id,nama\n1,a\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	_, _, err := runMain(t, t.TempDir(), "roster", "import", file)
	if err == nil || err.Error() != file+": header: no NIK column" {
		t.Errorf("err = %v", err)
	}
}

// TestEmptyArgumentRefused: an empty argument (a shell variable that was not set) is refused
// naming the command and the argument, before anything is read or sent: it never reaches a
// server as no id at all, nor stands for the built-in form or every assignment.
func TestEmptyArgumentRefused(t *testing.T) {
	dir := t.TempDir()
	for _, args := range [][]string{
		{"review", "approve", ""},
		{"review", "show", ""},
		{"review", "return", "", "--comment", "x"},
		{"form", "retire", ""},
		{"form", "publish", ""},
		{"form", "export", "", "-o", filepath.Join(dir, "f.xlsx")},
		{"form", "migrate", "A", ""},
		{"form", "fill", "", "--answers", "a.json"},
		{"user", "revoke", ""},
		{"roster", "import", ""},
		{"roster", "accept", ""},
		{"roster", "assignments", ""},
		{"attempt", "add", "", "--mode", "phone", "--outcome", "3.13"},
		{"link", "revoke", ""},
		{"login", "http://127.0.0.1:1", ""},
		{"wave", "add", ""},
	} {
		_, _, err := runMain(t, dir, args...)
		n := 1
		for i, a := range args[2:] {
			if a == "" {
				n = i + 1
				break
			}
		}
		want := fmt.Sprintf("%s %s: argument %d is empty", args[0], args[1], n)
		if args[0] == "login" {
			want = "login: argument 2 is empty"
		}
		if err == nil || !strings.HasPrefix(err.Error(), want) || exitCode(err) != 2 {
			t.Errorf("%q: %v (exit %d), want %q (exit 2)", args, err, exitCode(err), want)
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "f.xlsx")); err == nil {
		t.Error(`form export "" wrote the built-in form`)
	}
}

// TestSyncUSBFolder: sync --to and --from need the folder of the USB stick to be there: a
// stick not mounted is said so, not written to the laptop's own disk or read as holding no
// receipts; a file is not taken for the folder.
func TestSyncUSBFolder(t *testing.T) {
	env := testbed.NewEnv(t, nil, nil)
	_, code, err := env.Users.CreateUser(context.Background(), "ani", survey.RoleEnumerator)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	if out, _, err := runMain(t, dir, "login", env.URL, code); err != nil {
		t.Fatalf("login: %v %s", err, out)
	}
	missing := filepath.Join(dir, "media", "usb")
	file := filepath.Join(dir, "notes.txt")
	if err := os.WriteFile(file, []byte("x"), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"sync", "--to", missing}, "--to " + missing + ": no such folder"},
		{[]string{"sync", "--from", missing}, "--from " + missing + ": no such folder"},
		{[]string{"sync", "--from", missing, "--db", filepath.Join(dir, "relay.db")}, "--from " + missing + ": no such folder"},
		{[]string{"sync", "--to", file}, "--to " + file + " is a file"},
		{[]string{"sync", "--from", file}, "--from " + file + " is a file"},
	} {
		_, _, err := runMain(t, dir, tc.args...)
		if err == nil || !strings.HasPrefix(err.Error(), tc.want) {
			t.Errorf("%q: %v, want %q", tc.args, err, tc.want)
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "media")); err == nil {
		t.Errorf("sync made the missing folder")
	}
}
