package wire_test

import (
	"os/exec"
	"strings"
	"testing"
)

// TestImportDirection checks that sync and tui never import each other.
func TestImportDirection(t *testing.T) {
	goTool, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go command")
	}
	for pkg, banned := range map[string]string{"tracer/sync/...": "tracer/tui", "tracer/tui/...": "tracer/sync/"} {
		out, err := exec.Command(goTool, "list", "-deps", pkg).Output()
		if err != nil {
			t.Fatalf("go list %s: %v", pkg, err)
		}
		for _, dep := range strings.Fields(string(out)) {
			if dep == banned || strings.HasPrefix(dep, banned) {
				t.Errorf("%s depends on %s", pkg, dep)
			}
		}
	}
}
