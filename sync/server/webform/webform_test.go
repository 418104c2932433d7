package webform_test

import (
	"encoding/json"
	"io/fs"
	"os"
	"strings"
	"testing"

	"tracer/sync/server/webform"
)

// TestBundleMatchesLock checks that the embedded bundle was built from exactly the
// versions package-lock.json pins, and that package.json pins them without ranges.
func TestBundleMatchesLock(t *testing.T) {
	var lock struct {
		Packages map[string]struct {
			Version string `json:"version"`
		} `json:"packages"`
	}
	b, err := os.ReadFile("package-lock.json")
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, &lock); err != nil {
		t.Fatal(err)
	}
	var pkg struct {
		Dependencies, DevDependencies map[string]string
	}
	b, err = os.ReadFile("package.json")
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, &pkg); err != nil {
		t.Fatal(err)
	}
	built, err := webform.Versions()
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"@getodk/web-forms", "vue", "esbuild"} {
		locked := lock.Packages["node_modules/"+name].Version
		pinned := pkg.Dependencies[name] + pkg.DevDependencies[name]
		if locked == "" || built[name] != locked || pinned != locked {
			t.Errorf("%s: built from %q, package-lock.json has %q, package.json pins %q", name, built[name], locked, pinned)
		}
	}
	js, err := fs.ReadFile(webform.Assets, "app.js")
	if err != nil || len(js) < 100000 {
		t.Fatalf("app.js: %d bytes, %v", len(js), err)
	}
}

// TestBundleIndonesian checks that the bundle carries Web Forms' own words in Indonesian
// (build.mjs replaces them from id.mjs) and not the English they replace.
func TestBundleIndonesian(t *testing.T) {
	b, err := fs.ReadFile(webform.Assets, "app.js")
	if err != nil {
		t.Fatal(err)
	}
	js := string(b)
	for _, id := range []string{`"Kirim"`, `"Didukung oleh"`, `"Wajib diisi."`, `"Jawaban ini tidak memenuhi syarat."`, "pertanyaan perlu diperbaiki.", `" Tambah "`, `"Hapus"`, `"Ganti bahasa"`, "Januari", "Desember"} {
		if !strings.Contains(js, id) {
			t.Errorf("app.js lacks %s", id)
		}
	}
	for _, en := range []string{`label:"Send"`, `"Powered by"`, "Condition not satisfied", "questions with errors", `" Add "`, `"Change language"`} {
		if strings.Contains(js, en) {
			t.Errorf("app.js still has %s", en)
		}
	}
}
