package forms_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"tracer/forms"
)

// A form whose settings give no version is named one from its content: the same form
// loaded beside its files, from the bundle publishing sends, or again is one version; a
// changed form or a changed attachment is another; /data/@version reads it.
func TestVersionFromContent(t *testing.T) {
	dir := t.TempDir()
	write := func(name, text string) string {
		t.Helper()
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	src := "| survey |\n| | type | name | label | calculation |\n" +
		"| | select_one_from_file towns.csv | town | Town | |\n" +
		"| | calculate | v | | /data/@version |\n"
	path := write("noversion.md", src)
	write("towns.csv", "name,label\na,A\nb,B\n")

	onDisk, err := forms.Load(path)
	if err != nil {
		t.Fatal(err)
	}
	if !onDisk.VersionFromContent || len(onDisk.Version) != 10 || onDisk.Version != onDisk.Hash[:10] {
		t.Fatalf("version %q (from content: %v), hash %s: want the hash's first 10 digits", onDisk.Version, onDisk.VersionFromContent, onDisk.Hash)
	}
	name, bundle, err := forms.Bundle(path)
	if err != nil {
		t.Fatal(err)
	}
	published, err := forms.Parse(name, bundle)
	if err != nil {
		t.Fatal(err)
	}
	if published.Version != onDisk.Version {
		t.Errorf("the published bundle is version %s, the form beside its files %s", published.Version, onDisk.Version)
	}
	again, err := forms.Load(path)
	if err != nil || again.Version != onDisk.Version {
		t.Fatalf("loaded again: version %v (%v), want %s", again, err, onDisk.Version)
	}

	s := forms.NewSession(onDisk, forms.Options{})
	if got := s.Value("v"); got != onDisk.Version {
		t.Errorf("/data/@version = %q, want %q", got, onDisk.Version)
	}
	var x strings.Builder
	if err := forms.WriteXForm(&x, onDisk); err != nil || !strings.Contains(x.String(), `version="`+onDisk.Version+`"`) {
		t.Errorf("the XForm does not carry version %s (%v)", onDisk.Version, err)
	}

	write("towns.csv", "name,label\na,A\nb,B\nc,C\n")
	if f, err := forms.Load(path); err != nil || f.Version == onDisk.Version {
		t.Errorf("a changed attachment: version %v (%v), want another than %s", f, err, onDisk.Version)
	}
	write("noversion.md", src+"| | text | t | T | |\n")
	if f, err := forms.Load(path); err != nil || f.Version == onDisk.Version {
		t.Errorf("a changed form: %v (%v), want another version than %s", f, err, onDisk.Version)
	}

	versioned := write("versioned.md", src+"| settings |\n| | version |\n| | 7 |\n")
	if f, err := forms.Load(versioned); err != nil || f.Version != "7" || f.VersionFromContent {
		t.Errorf("a form with version 7 in its settings: %v (%v)", f, err)
	}
}
