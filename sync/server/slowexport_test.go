package server_test

import (
	"bufio"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"tracer/survey"
	"tracer/sync/server"
	"tracer/sync/testbed"
)

// TestSlowExportReaderHoldsNoConnection: an analyst's download of an export larger than
// the connection's buffers, read slowly, holds no database connection while it is read:
// the export is done before its first byte goes out. The account's next export waits for
// it; another analyst's does not.
//
// The export's temporary file is written in the server's TempDir (tracer serve gives the
// database's folder, not a /tmp that may be memory) and removed once sent.
func TestSlowExportReaderHoldsNoConnection(t *testing.T) {
	tempDir := t.TempDir()
	env := testbed.NewEnv(t, func(c *server.Config) { c.TempDir = tempDir }, nil)
	f, answers, err := testbed.Builtin()
	if err != nil {
		t.Fatal(err)
	}
	at := time.Date(2026, 11, 20, 10, 0, 0, 0, time.UTC)
	var subs []*survey.Submission
	for i := range 6000 {
		iv := &survey.Interview{ID: survey.NewID(), Revision: 1, FormID: f.ID, FormVersion: f.Version, FormHash: f.Hash,
			RespondentID: fmt.Sprintf("R%05d", i), Enumerator: "ani", StartedAt: at.Add(-20 * time.Minute)}
		body, err := survey.NewRecord(iv, answers, at).Canonical()
		if err != nil {
			t.Fatal(err)
		}
		subs = append(subs, &survey.Submission{InterviewID: iv.ID, Revision: 1, Hash: survey.HashBytes(body), Body: body,
			FormID: f.ID, FormVersion: f.Version, RespondentID: iv.RespondentID, Enumerator: "ani", SubmittedBy: "ani", DeviceTime: at})
	}
	if _, err := env.Subs.Ingest(t.Context(), subs); err != nil {
		t.Fatal(err)
	}
	tok := testbed.Token(t, env.Users, "dewi", survey.RoleAnalyst)
	conn, err := net.Dial("tcp", env.HTTP.Listener.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	fmt.Fprintf(conn, "GET /api/v1/export?format=jsonl&revisions=latest HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer %s\r\n\r\n", tok)
	br := bufio.NewReaderSize(conn, 512)
	resp, err := http.ReadResponse(br, nil)
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != http.StatusOK {
		b, _ := io.ReadAll(resp.Body)
		t.Fatalf("export: %d %s", resp.StatusCode, b)
	}
	// The download has started and is not read further for now.
	if names, _ := filepath.Glob(filepath.Join(tempDir, "tracer-export-*")); len(names) != 1 {
		t.Errorf("the export's temporary files in the server's TempDir: %q, want one", names)
	}
	if inUse := env.DB.SQL().Stats().InUse; inUse != 0 {
		t.Errorf("%d database connections in use while the export's reader waits", inUse)
	}
	// Meanwhile another export of the same account waits for this one (its temporary file
	// takes the server's disk); another analyst's is served.
	get := func(tok string) (int, string) {
		req, _ := http.NewRequest(http.MethodGet, env.URL+"/api/v1/export?format=jsonl&revisions=latest", nil)
		req.Header.Set("Authorization", "Bearer "+tok)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	if status, body := get(tok); status != http.StatusServiceUnavailable || !strings.Contains(body, "Another export of this account") {
		t.Errorf("a second export of the account: %d %.200s, want 503", status, body)
	}
	if status, body := get(testbed.Token(t, env.Users, "eko", survey.RoleAnalyst)); status != http.StatusOK {
		t.Errorf("another analyst's export: %d %.200s", status, body)
	}
	n, err := io.Copy(io.Discard, resp.Body)
	if err != nil || n < 8<<20 {
		t.Fatalf("export of %d bytes (%v), want one over the connection's buffers", n, err)
	}
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(10 * time.Millisecond) {
		names, _ := filepath.Glob(filepath.Join(tempDir, "tracer-export-*"))
		if len(names) == 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the export's temporary files left once sent: %q", names)
		}
	}
}

// TestRemoveStaleTemp: at start the server removes the temporary files a killed server
// left in its TempDir (exports, sort runs, bodies being received) once they are a day old, and nothing else: not a
// fresh one, which a running server may be writing, nor a file of another name.
func TestRemoveStaleTemp(t *testing.T) {
	dir := t.TempDir()
	now := time.Now()
	files := map[string]time.Time{
		"tracer-export-123": now.Add(-48 * time.Hour), "tracer-sort-456": now.Add(-25 * time.Hour), "tracer-body-42": now.Add(-30 * time.Hour),
		"tracer-export-789": now.Add(-time.Hour), "server.db": now.Add(-72 * time.Hour), "tracer-exports.csv": now.Add(-72 * time.Hour),
	}
	for name, at := range files {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte("x"), 0o600); err != nil {
			t.Fatal(err)
		}
		if err := os.Chtimes(p, at, at); err != nil {
			t.Fatal(err)
		}
	}
	n, err := server.RemoveStaleTemp(dir, now)
	if err != nil || n != 3 {
		t.Errorf("removed %d (%v), want 3", n, err)
	}
	for name := range files {
		_, err := os.Stat(filepath.Join(dir, name))
		if stale := name == "tracer-export-123" || name == "tracer-sort-456" || name == "tracer-body-42"; stale != os.IsNotExist(err) {
			t.Errorf("%s: stat %v after the sweep", name, err)
		}
	}
}
