//go:build unix

package server_test

import (
	"context"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"syscall"
	"testing"
	"time"

	"tracer/survey"
	"tracer/survey/sqlite"
	"tracer/sync/server"
	"tracer/sync/testbed"
	"tracer/sync/wire"
)

// TestAccountRequestsAreBounded: one account's requests handled at once are bounded. A
// client that asks for a large roster page on many connections and reads none of it keeps
// each response in the server's memory; past MaxAccountRequests the account's next request
// is told at once to come back (503 with Retry-After), while another account is served,
// and once the slow readers go the account is served again. The refusals are logged as
// warnings: the server doing what it should under load is no error for its operator.
func TestAccountRequestsAreBounded(t *testing.T) {
	var log lockedBuffer
	env := testbed.NewEnv(t, func(c *server.Config) {
		c.MaxAccountRequests = 2
		c.Logger = slog.New(slog.NewTextHandler(&log, nil))
	}, nil)
	ctx := context.Background()
	// A page of 1,000 rows of 8 KB: more than the sockets' buffers hold, so the server's
	// write waits on a client that does not read.
	rows := make([]*survey.Respondent, 1000)
	for i := range rows {
		rows[i] = &survey.Respondent{RosterID: fmt.Sprintf("R%04d", i), Name: "Budi", Extra: map[string]string{
			"alamat": strings.Repeat("a", wire.MaxRosterCell), "catatan": strings.Repeat("c", wire.MaxRosterCell)}}
	}
	if _, err := sqlite.NewServerRosterStore(env.DB).Upload(ctx, rows); err != nil {
		t.Fatal(err)
	}
	tok := testbed.Token(t, env.Users, "sri", survey.RoleSupervisor)
	other := testbed.Token(t, env.Users, "sari", survey.RoleSupervisor)
	// Both ends' socket buffers at their least, so that a page (about 1 MB) never fits in
	// them and each slow reader's request stays in its handler.
	addr := serveSmallBuffers(t, env, nil)
	url := "http://" + addr
	dialer := net.Dialer{Control: smallBuffers(syscall.SO_RCVBUF)}
	get := func(tok string) (int, string) {
		req, _ := http.NewRequest(http.MethodGet, url+"/api/v1/roster?limit=1", nil)
		req.Header.Set("Authorization", "Bearer "+tok)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		return resp.StatusCode, resp.Header.Get("Retry-After")
	}
	var slow []net.Conn
	defer func() {
		for _, c := range slow {
			c.Close()
		}
	}()
	refused := false
	for range 50 {
		c, err := dialer.Dial("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		slow = append(slow, c)
		fmt.Fprintf(c, "GET /api/v1/roster HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer %s\r\n\r\n", tok)
		if status, retry := get(tok); status == http.StatusServiceUnavailable && retry != "" {
			refused = true
			break
		}
	}
	if !refused {
		t.Fatalf("%d slow readers of one account's roster pages, and its next request was still served", len(slow))
	}
	if status, _ := get(other); status != http.StatusOK {
		t.Errorf("another account meanwhile: %d, want 200", status)
	}
	for _, c := range slow {
		c.Close()
	}
	slow = nil
	served := false
	for range 200 {
		if status, _ := get(tok); status == http.StatusOK {
			served = true
			break
		}
		time.Sleep(10 * time.Millisecond)
	}
	if !served {
		t.Error("the account was not served again after its slow readers left")
	}
	lines := string(log.Bytes())
	if !strings.Contains(lines, "level=WARN msg=request") || !strings.Contains(lines, "status=503") {
		t.Errorf("no warning of the refused request in the log:\n%s", lines)
	}
	if strings.Contains(lines, "level=ERROR") {
		t.Errorf("a refusal under load logged as an error:\n%s", lines)
	}
}
