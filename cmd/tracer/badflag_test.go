package main

import (
	"bytes"
	"context"
	"maps"
	"slices"
	"strings"
	"testing"
)

// subcommands are the words after each command that choose what it does ("" for the
// command alone); TestBadFlagSaidOnce checks that they name every command.
var subcommands = map[string][]string{
	"form":     {"check", "fill", "export", "publish", "list", "retire", "migrate"},
	"roster":   {"import", "upload", "assign", "assignments", "propose", "proposed", "show", "updates", "accept", "reject"},
	"attempt":  {"add", "list", "codes"},
	"progress": {""},
	"wave":     {"add", "list"},
	"serve":    {"", "migrate", "purge", "enrollments"},
	"user":     {"add", "code", "list", "revoke", "collect"},
	"link":     {"make", "list", "revoke"},
	"login":    {""},
	"sync":     {""},
	"export":   {""},
	"report":   {""},
	"review":   {"list", "show", "approve", "return", "refused"},
}

// TestBadFlagSaidOnce: a flag a command does not take ("tracer attempt codes --data DIR")
// is named once, with the command's usage, and the program exits 2; every command and
// subcommand, and the interview screens with no command.
func TestBadFlagSaidOnce(t *testing.T) {
	if got, want := slices.Sorted(maps.Keys(subcommands)), slices.Sorted(maps.Keys((&Main{}).commands())); !slices.Equal(got, want) {
		t.Fatalf("subcommands has %v, the program's commands are %v", got, want)
	}
	dir := t.TempDir()
	runs := [][]string{{"--no-such-flag"}}
	for cmd, subs := range subcommands {
		for _, sub := range subs {
			args := []string{cmd}
			if sub != "" {
				args = append(args, sub)
			}
			runs = append(runs, append(args, "--no-such-flag"))
		}
	}
	runs = append(runs, []string{"attempt", "codes", "--data", dir}, []string{"sync", "--data"})
	for _, args := range runs {
		var stdout, stderr bytes.Buffer
		m := &Main{Stdin: strings.NewReader(""), Stdout: &stdout, Stderr: &stderr, Getenv: func(k string) string {
			if k == "TRACER_DATA" {
				return dir
			}
			return ""
		}}
		code := m.exit(m.Run(context.Background(), args))
		out := stderr.String()
		said := strings.Count(out, "flag provided but not defined") + strings.Count(out, "flag needs an argument")
		if said != 1 || code != 2 || !strings.Contains(out, "Usage:") {
			t.Errorf("tracer %s: exit %d, the flag's error said %d times:\n%s", strings.Join(args, " "), code, said, out)
		}
	}
}
