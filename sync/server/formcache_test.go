package server

import (
	"archive/zip"
	"bytes"
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"tracer/survey/sqlite"
)

// The form cache compiles a version once however many requests ask for it at once, and
// keeps within its bound by dropping the forms used least recently: every version ever
// published, each with a large attached list, does not stay in memory.
func TestFormCacheBounded(t *testing.T) {
	ctx := context.Background()
	store := formStore(t)
	// Each version lists 100,000 villages in a file: 400,000 of formWeight's units.
	var villages strings.Builder
	villages.WriteString("name,label,regency\n")
	for i := range 100000 {
		fmt.Fprintf(&villages, "v%d,Desa %d,r%d\n", i, i, i%500)
	}
	const versions = 8
	for v := 1; v <= versions; v++ {
		src := fmt.Sprintf("| survey |\n| | type | name | label |\n| | select_one_from_file villages.csv | q | Q |\n| settings |\n| | form_id | version |\n| | vil | %d |\n", v)
		bundle := zipFiles(t, "vil.md", src, "villages.csv", villages.String())
		if _, _, err := Publish(ctx, store, "vil.zip", bundle, "sri"); err != nil {
			t.Fatal(err)
		}
	}
	c := newFormCache(store)
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			if _, err := c.get(ctx, "vil", "1"); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	if c.loads != 1 {
		t.Errorf("8 requests at once compiled version 1 %d times, want once", c.loads)
	}
	for v := 1; v <= versions; v++ {
		f, err := c.get(ctx, "vil", fmt.Sprint(v))
		if err != nil || len(f.Lists["villages"].Choices) != 100000 {
			t.Fatalf("version %d: %v", v, err)
		}
		if c.weight > maxCachedWeight {
			t.Errorf("after version %d the cache holds %d, over its bound %d", v, c.weight, maxCachedWeight)
		}
	}
	if n := len(c.forms); n >= versions || n == 0 {
		t.Errorf("%d of %d versions kept, want fewer than all and at least one", n, versions)
	}
	// The one used last is kept; the first, used least recently, is compiled again.
	loads := c.loads
	if _, err := c.get(ctx, "vil", fmt.Sprint(versions)); err != nil || c.loads != loads {
		t.Errorf("the last version compiled again (%d loads, was %d): %v", c.loads, loads, err)
	}
	if _, err := c.get(ctx, "vil", "1"); err != nil || c.loads != loads+1 {
		t.Errorf("the first version: %d loads, want %d: %v", c.loads, loads+1, err)
	}
}

func zipFiles(t *testing.T, files ...string) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for i := 0; i < len(files); i += 2 {
		w, err := zw.Create(files[i])
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.Write([]byte(files[i+1])); err != nil {
			t.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// A form that reads attached files is refused without them, naming them: published so, its
// selects would be skipped on every laptop while ODK's clients get the files.
func TestPublishNeedsTheFormsFiles(t *testing.T) {
	ctx := context.Background()
	store := formStore(t)
	src := "| survey |\n| | type | name | label | calculation |\n| | select_one_from_file regencies.csv | q | Q | |\n" +
		"| | calculate | w | | pulldata('wages', 'umk', 'regency', ${q}) |\n| settings |\n| | form_id | version |\n| | job | 1 |\n"
	_, _, err := Publish(ctx, store, "job.md", []byte(src), "sri")
	if err == nil || !strings.Contains(err.Error(), "The form reads regencies.csv, wages.csv, which did not come with it") {
		t.Fatalf("published without its files: %v", err)
	}
	bundle := zipFiles(t, "job.md", src, "regencies.csv", "name,label\n6472,Samarinda\n", "wages.csv", "regency,umk\n6472,3500000\n")
	if _, added, err := Publish(ctx, store, "job.zip", bundle, "sri"); err != nil || !added {
		t.Fatalf("published with its files: %v %v", added, err)
	}
}

// formStore is the form store of a new server database.
func formStore(t *testing.T) *sqlite.FormStore {
	t.Helper()
	db, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "server.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return sqlite.NewFormStore(db)
}
