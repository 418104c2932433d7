//go:build unix

package server_test

import (
	"bufio"
	"context"
	"fmt"
	"log/slog"
	"net"
	"strings"
	"syscall"
	"testing"
	"time"

	"tracer/sync/server"
)

// TestCutAnswerIsNotAnsweredTwice: a link's prefilled form (385 KB) to a client that reads
// its status line and leaves fails while it is written. The handler's error came after the
// answer had started, and the error writer put a second status on the wire (net/http's
// "superfluous response.WriteHeader call") and logged the client's leaving as an internal
// error, which an operator must mend. It is now logged once, as a warning that the answer
// was cut. The test requires the cut to have happened (the warning), so it cannot pass by
// the answer fitting in the sockets' buffers.
func TestCutAnswerIsNotAnsweredTwice(t *testing.T) {
	ctx := context.Background()
	var log lockedBuffer
	logger := slog.New(slog.NewTextHandler(&log, nil))
	e := newLinkEnvWith(t, func(c *server.Config) { c.Logger = logger })
	addr := serveSmallBuffers(t, e.Env, logger)
	conn, err := (&net.Dialer{Control: smallBuffers(syscall.SO_RCVBUF)}).DialContext(ctx, "tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	fmt.Fprintf(conn, "GET /r/%s/form.xml HTTP/1.1\r\nHost: x\r\n\r\n", e.link.Token)
	status, err := bufio.NewReader(conn).ReadString('\n')
	if err != nil || !strings.Contains(status, " 200 ") {
		t.Fatalf("the form's status line: %q %v", status, err)
	}
	conn.Close() // with most of the form unread

	deadline := time.Now().Add(30 * time.Second)
	for !strings.Contains(string(log.Bytes()), `msg=request method=GET route="GET /r/{token}/form.xml"`) {
		if time.Now().After(deadline) {
			t.Fatalf("the form's request was never logged:\n%s", log.Bytes())
		}
		time.Sleep(10 * time.Millisecond)
	}
	got := string(log.Bytes())
	if !strings.Contains(got, `level=WARN msg="answer cut" route="GET /r/{token}/form.xml"`) {
		t.Errorf("no warning that the form's answer was cut:\n%s", got)
	}
	for _, bad := range []string{"superfluous", "level=ERROR"} {
		if strings.Contains(got, bad) {
			t.Errorf("the log holds %q:\n%s", bad, got)
		}
	}
}
