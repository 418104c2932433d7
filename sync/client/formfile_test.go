package client_test

import (
	"strings"
	"testing"

	"tracer/survey"
	"tracer/sync/client"
)

// Two published forms never share a laptop's file: ids that differ only in characters a
// file name cannot hold, or in case (Windows ignores it), get files of their own; a plain
// id keeps its readable name.
func TestFormFileNamesDistinct(t *testing.T) {
	if got := client.FormFileName(&survey.PublishedForm{ID: "tracer_blk", Version: "2026-1", Name: "blk.xlsx"}); got != "tracer_blk@2026-1.xlsx" {
		t.Errorf("a plain id's file %q", got)
	}
	seen := map[string]string{}
	for _, id := range []string{"a/b", "a_b", "a..b", "a:b", `a\b`, "A_b", "a_B", "..", "a b", "a%b"} {
		name := client.FormFileName(&survey.PublishedForm{ID: id, Version: "1", Name: "f.md"})
		key := strings.ToLower(name)
		if other, ok := seen[key]; ok {
			t.Errorf("%q and %q share the file %s", id, other, name)
		}
		seen[key] = id
		if strings.ContainsAny(name, `/\:`) || name == ".." || strings.HasPrefix(name, ".") {
			t.Errorf("%q: file name %q", id, name)
		}
	}
}
