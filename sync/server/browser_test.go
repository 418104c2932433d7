package server_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"io"
	"os"
	"os/exec"
	gosync "sync"
	"testing"
	"time"
)

// This file drives headless Chromium through the DevTools protocol over a pipe
// (--remote-debugging-pipe: JSON messages separated by NUL bytes on file descriptors 3 and
// 4), so the self-response page is tested in a real browser without a WebSocket library.

// chromium returns the path of a Chromium or Chrome binary; the test skips without one,
// except in CI (CI=true), where .ci/run installs it and its absence is a failure.
func chromium(t *testing.T) string {
	t.Helper()
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	if os.Getenv("CI") == "true" {
		t.Fatal("no chromium in CI: .ci/run installs it")
	}
	t.Skip("no chromium: the self-response page is checked in a browser where one is installed")
	return ""
}

// browser is one headless Chromium and one page in it, on a phone-sized viewport.
type browser struct {
	t       *testing.T
	cmd     *exec.Cmd
	in      io.WriteCloser
	mu      gosync.Mutex
	next    int
	pending map[int]chan cdpReply
	session string
	ctx     context.Context
}

type cdpReply struct {
	Result json.RawMessage `json:"result"`
	Error  *struct {
		Message string `json:"message"`
	} `json:"error"`
}

// newBrowser starts Chromium and opens a page sized like a phone (390x844, touch).
func newBrowser(t *testing.T) *browser {
	t.Helper()
	bin := chromium(t)
	// A guard against a hung browser, not a timed assertion: generous, since a loaded 2-core
	// machine running the race-enabled suite has taken over four minutes for one page.
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Minute)
	t.Cleanup(cancel)
	inR, inW, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	outR, outW, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.CommandContext(ctx, bin, "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
		"--disable-component-update", "--disable-sync", "--no-first-run", "--remote-debugging-pipe",
		"--user-data-dir="+t.TempDir(), "about:blank")
	cmd.ExtraFiles = []*os.File{inR, outW}
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	inR.Close()
	outW.Close()
	b := &browser{t: t, cmd: cmd, in: inW, pending: map[int]chan cdpReply{}, ctx: ctx}
	t.Cleanup(func() {
		inW.Close()
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
	})
	go b.read(outR)
	var target struct{ TargetID string }
	b.call("", "Target.createTarget", map[string]any{"url": "about:blank"}, &target)
	var att struct{ SessionID string }
	b.call("", "Target.attachToTarget", map[string]any{"targetId": target.TargetID, "flatten": true}, &att)
	b.session = att.SessionID
	b.call(b.session, "Emulation.setDeviceMetricsOverride", map[string]any{"width": 390, "height": 844, "deviceScaleFactor": 2, "mobile": true}, nil)
	b.call(b.session, "Emulation.setTouchEmulationEnabled", map[string]any{"enabled": true}, nil)
	b.call(b.session, "Emulation.setTimezoneOverride", map[string]any{"timezoneId": "Asia/Makassar"}, nil)
	b.call(b.session, "Emulation.setLocaleOverride", map[string]any{"locale": "id-ID"}, nil)
	b.call(b.session, "Page.enable", nil, nil)
	return b
}

// read dispatches the browser's replies to their callers; events are dropped.
func (b *browser) read(r io.Reader) {
	br := bufio.NewReader(r)
	for {
		msg, err := br.ReadBytes(0)
		if err != nil {
			b.mu.Lock()
			for id, ch := range b.pending {
				ch <- cdpReply{Error: &struct {
					Message string `json:"message"`
				}{"browser closed: " + err.Error()}}
				delete(b.pending, id)
			}
			b.mu.Unlock()
			return
		}
		var m struct {
			ID int `json:"id"`
			cdpReply
		}
		if json.Unmarshal(msg[:len(msg)-1], &m) != nil || m.ID == 0 {
			continue
		}
		b.mu.Lock()
		ch := b.pending[m.ID]
		delete(b.pending, m.ID)
		b.mu.Unlock()
		if ch != nil {
			ch <- m.cdpReply
		}
	}
}

// call sends one DevTools command and decodes its result into out (when not nil).
func (b *browser) call(session, method string, params any, out any) {
	b.t.Helper()
	b.mu.Lock()
	b.next++
	id := b.next
	ch := make(chan cdpReply, 1)
	b.pending[id] = ch
	b.mu.Unlock()
	msg := map[string]any{"id": id, "method": method}
	if params != nil {
		msg["params"] = params
	}
	if session != "" {
		msg["sessionId"] = session
	}
	data, _ := json.Marshal(msg)
	if _, err := b.in.Write(append(data, 0)); err != nil {
		b.t.Fatalf("%s: %v", method, err)
	}
	select {
	case r := <-ch:
		if r.Error != nil {
			b.t.Fatalf("%s: %s", method, r.Error.Message)
		}
		if out != nil {
			if err := json.Unmarshal(r.Result, out); err != nil {
				b.t.Fatalf("%s: %v", method, err)
			}
		}
	case <-b.ctx.Done():
		b.t.Fatalf("%s: the browser did not answer", method)
	}
}

// eval runs a JavaScript expression in the page (awaiting a promise) and decodes its
// JSON-able value into out.
func (b *browser) eval(expr string, out any) {
	b.t.Helper()
	var r struct {
		Result struct {
			Value json.RawMessage `json:"value"`
		} `json:"result"`
		ExceptionDetails *struct {
			Text      string `json:"text"`
			Exception struct {
				Description string `json:"description"`
			} `json:"exception"`
		} `json:"exceptionDetails"`
	}
	b.call(b.session, "Runtime.evaluate", map[string]any{"expression": expr, "awaitPromise": true, "returnByValue": true}, &r)
	if r.ExceptionDetails != nil {
		b.t.Fatalf("page script: %s %s", r.ExceptionDetails.Text, r.ExceptionDetails.Exception.Description)
	}
	if out != nil && len(r.Result.Value) > 0 {
		if err := json.Unmarshal(r.Result.Value, out); err != nil {
			b.t.Fatalf("page script result %s: %v", r.Result.Value, err)
		}
	}
}

// navigate opens url in the page.
func (b *browser) navigate(url string) {
	b.t.Helper()
	b.call(b.session, "Page.navigate", map[string]any{"url": url}, nil)
}

// waitFor evaluates cond in the page until it is true; the browser's guard bounds it.
func (b *browser) waitFor(what, cond string) {
	b.t.Helper()
	for {
		var ok bool
		b.eval("!!("+cond+")", &ok)
		if ok {
			return
		}
		select {
		case <-b.ctx.Done():
			var status string
			b.eval(`(document.getElementById('tracer-status')||{}).textContent||''`, &status)
			b.t.Fatalf("waiting for %s: the browser's guard ran out (status %q)", what, status)
		case <-time.After(50 * time.Millisecond):
		}
	}
}

// typeKeys types text key by key (keyDown with its character, keyUp), for inputs that
// listen to key presses rather than to inserted text.
func (b *browser) typeKeys(text string) {
	b.t.Helper()
	for _, r := range text {
		ch := string(r)
		b.call(b.session, "Input.dispatchKeyEvent", map[string]any{"type": "keyDown", "text": ch, "unmodifiedText": ch, "key": ch}, nil)
		b.call(b.session, "Input.dispatchKeyEvent", map[string]any{"type": "keyUp", "key": ch}, nil)
	}
}

// screenshot writes a PNG of the page to path.
func (b *browser) screenshot(path string) {
	b.t.Helper()
	var r struct{ Data []byte }
	b.call(b.session, "Page.captureScreenshot", map[string]any{"format": "png", "captureBeyondViewport": true}, &r)
	if err := os.WriteFile(path, r.Data, 0o644); err != nil {
		b.t.Fatal(err)
	}
}

// js quotes s as a JavaScript string.
func js(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}
