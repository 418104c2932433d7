package main

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"tracer/survey/sqlite"
)

// TestRelayTempBesideDatabase: a relay's temporary files go beside its database, as the
// centre's do, not to the system's temporary folder (which may be memory), and a relay
// removes at start the stale ones a killed relay left there.
func TestRelayTempBesideDatabase(t *testing.T) {
	dir := t.TempDir()
	db, err := sqlite.Open(t.Context(), filepath.Join(dir, relayDBName))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if got := relayConfig(db, &enrollment{}, nil, nil, nil).TempDir; got != dir {
		t.Errorf("a relay's TempDir is %q, want its database's folder %q", got, dir)
	}

	data := t.TempDir()
	centre, _ := startTracer(t, nil, "serve", "--addr", "127.0.0.1:0", "--data", data)
	relayData := t.TempDir()
	stale := filepath.Join(relayData, "tracer-export-12345")
	if err := os.WriteFile(stale, []byte("a killed relay's export"), 0o600); err != nil {
		t.Fatal(err)
	}
	old := time.Now().Add(-48 * time.Hour)
	if err := os.Chtimes(stale, old, old); err != nil {
		t.Fatal(err)
	}
	startTracer(t, []string{"TRACER_PIN=" + testPIN}, "serve", "--relay", centre,
		"--code", supervisorCode(t, data, "rina"), "--addr", "127.0.0.1:0", "--data", relayData)
	if _, err := os.Stat(stale); !os.IsNotExist(err) {
		t.Errorf("a stale temporary file beside the relay's database is still there after its start: %v", err)
	}
}
