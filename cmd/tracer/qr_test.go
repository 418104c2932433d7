package main

import (
	"bytes"
	"compress/zlib"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"tracer/survey/qr/qrtest"
)

// startTracer starts the tracer binary with args and env added, its standard output in a
// file, and waits for its --url-file (written after everything it prints on start); it
// returns the URL and what it printed.
func startTracer(t *testing.T, env []string, args ...string) (u, out string) {
	t.Helper()
	dir := t.TempDir()
	urlFile := filepath.Join(dir, "url")
	outf, err := os.Create(filepath.Join(dir, "stdout"))
	if err != nil {
		t.Fatal(err)
	}
	var stderr bytes.Buffer
	cmd := exec.Command("tracer", append(args, "--url-file", urlFile)...)
	cmd.Env = append(os.Environ(), env...)
	cmd.Stdout, cmd.Stderr = outf, &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	go func() { cmd.Wait(); close(done) }()
	t.Cleanup(func() {
		cmd.Process.Kill()
		<-done
		outf.Close()
	})
	// A guard against a hung start, generous for a loaded machine, not a timing assertion.
	deadline := time.Now().Add(5 * time.Minute)
	for time.Now().Before(deadline) {
		select {
		case <-done:
			b, _ := os.ReadFile(outf.Name())
			t.Fatalf("tracer %s exited: %s\n%s", strings.Join(args, " "), b, stderr.String())
		default:
		}
		if b, err := os.ReadFile(urlFile); err == nil && len(b) > 0 {
			printed, err := os.ReadFile(outf.Name())
			if err != nil {
				t.Fatal(err)
			}
			return strings.TrimSpace(string(b)), string(printed)
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatalf("tracer %s gave no URL", strings.Join(args, " "))
	return "", ""
}

// lanAddress is an address of this machine that another on its network could reach, or
// skips t when it has none.
func lanAddress(t *testing.T) string {
	t.Helper()
	u := scannableURL(lanURLs(&net.TCPAddr{IP: net.IPv4zero, Port: 1}))
	if u == "" {
		t.Skip("this machine has no network address but the loopback one")
	}
	h, _ := url.Parse(u)
	return h.Hostname()
}

// scanned is what jsQR reads in the QR code a terminal shows of out, in a dark and in a
// light theme; it fails t when the two differ.
func scanned(t *testing.T, node, out string) string {
	t.Helper()
	dark := qrtest.DecodeText(t, node, out, true)
	light := qrtest.DecodeText(t, node, out, false)
	if !bytes.Equal(dark, light) {
		t.Fatalf("the code reads %q on a dark theme, %q on a light one", dark, light)
	}
	return string(dark)
}

// supervisorCode adds a supervisor account name to the centre in data and returns its
// enrollment code, for a relay to enroll with.
func supervisorCode(t *testing.T, data, name string) string {
	t.Helper()
	return userCode(t, data, name, "supervisor")
}

// userCode adds the account name with role to the server whose data folder is data and
// returns its enrollment code.
func userCode(t *testing.T, data, name, role string) string {
	t.Helper()
	stdout, _, err := runMain(t, data, "user", "add", name, "--role", role)
	if err != nil {
		t.Fatal(err)
	}
	code := regexp.MustCompile(`enrollment code: (\S+)`).FindStringSubmatch(stdout)
	if code == nil {
		t.Fatalf("no code in %q", stdout)
	}
	return code[1]
}

// healthy fails t unless a tracer server answers at u.
func healthy(t *testing.T, u string) {
	t.Helper()
	res, err := http.Get(u + "/healthz")
	if err != nil {
		t.Fatalf("the scanned address does not answer: %v", err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusOK {
		t.Fatalf("the scanned address answers %s", res.Status)
	}
}

// TestServeAndRelayShowQR starts a centre listening on every address and a relay at an
// event the same way, and has jsQR scan what each printed: each code holds the machine's
// network address and the port it listens on, and a server answers there.
func TestServeAndRelayShowQR(t *testing.T) {
	node := qrtest.Node(t)
	ip := lanAddress(t)
	data := t.TempDir()
	centre, out := startTracer(t, nil, "serve", "--addr", "0.0.0.0:0", "--data", data, "--qr")
	_, port, _ := net.SplitHostPort(strings.TrimPrefix(centre, "http://"))
	want := "http://" + ip + ":" + port
	if !strings.Contains(out, "the server's address on this network, "+want+", to scan:") {
		t.Fatalf("tracer serve printed:\n%s", out)
	}
	if got := scanned(t, node, out); got != want {
		t.Fatalf("the centre's code reads %q, want %q", got, want)
	}
	healthy(t, want)

	// A centre on the loopback address only prints no code: no phone could use it.
	_, out = startTracer(t, nil, "serve", "--addr", "127.0.0.1:0", "--data", t.TempDir())
	if strings.Contains(out, "to scan") || strings.Contains(out, "█") {
		t.Fatalf("a loopback server printed a code:\n%s", out)
	}

	code := supervisorCode(t, data, "rina")
	relay, out := startTracer(t, []string{"TRACER_PIN=" + testPIN}, "serve", "--relay", "http://127.0.0.1:"+port,
		"--code", code, "--addr", "0.0.0.0:0", "--data", t.TempDir(), "--qr")
	_, port, _ = net.SplitHostPort(strings.TrimPrefix(relay, "http://"))
	want = "http://" + ip + ":" + port
	if !strings.Contains(out, "laptops here sync with: tracer sync --server "+want) || !strings.Contains(out, "relay code: ") {
		t.Fatalf("the relay printed:\n%s", out)
	}
	if got := scanned(t, node, out); got != want {
		t.Fatalf("the relay's code reads %q, want %q", got, want)
	}
	healthy(t, want)
}

// TestServeAndRelayToAFile starts a centre and a relay listening on every address with
// their standard output in a file, as under a service manager: they print their addresses
// with no escape code and, instead of a QR code, a line saying how to see it. With --qr and
// NO_COLOR the code is drawn, still with no escape code, and reads on a dark terminal.
func TestServeAndRelayToAFile(t *testing.T) {
	ip := lanAddress(t)
	noCode := func(what, out, title string) {
		t.Helper()
		if strings.ContainsRune(out, 0x1b) {
			t.Errorf("%s printed an escape code to a file:\n%q", what, out)
		}
		if !strings.Contains(out, title+": no QR code, as standard output is not a terminal (run tracer in a terminal to see it, or add --qr)\n") {
			t.Errorf("%s did not say how to see the code:\n%s", what, out)
		}
		if strings.ContainsAny(out, "█▀▄") {
			t.Errorf("%s drew a code:\n%s", what, out)
		}
	}
	data := t.TempDir()
	centre, out := startTracer(t, nil, "serve", "--addr", "0.0.0.0:0", "--data", data)
	_, port, _ := net.SplitHostPort(strings.TrimPrefix(centre, "http://"))
	noCode("tracer serve", out, "the server's address on this network, http://"+ip+":"+port+", to scan")

	code := supervisorCode(t, data, "rina")
	relay, out := startTracer(t, []string{"TRACER_PIN=" + testPIN}, "serve", "--relay", "http://127.0.0.1:"+port,
		"--code", code, "--addr", "0.0.0.0:0", "--data", t.TempDir())
	_, rport, _ := net.SplitHostPort(strings.TrimPrefix(relay, "http://"))
	want := "http://" + ip + ":" + rport
	if !strings.Contains(out, "laptops here sync with: tracer sync --server "+want+"\n") {
		t.Errorf("the relay printed:\n%s", out)
	}
	noCode("the relay", out, "the relay's address, "+want+", to scan")

	node := qrtest.Node(t)
	other, out := startTracer(t, []string{"NO_COLOR=1"}, "serve", "--addr", "0.0.0.0:0", "--data", t.TempDir(), "--qr")
	_, port, _ = net.SplitHostPort(strings.TrimPrefix(other, "http://"))
	want = "http://" + ip + ":" + port
	if strings.ContainsRune(out, 0x1b) {
		t.Errorf("tracer serve --qr under NO_COLOR printed an escape code:\n%q", out)
	}
	if got := string(qrtest.DecodeText(t, node, out, true)); got != want {
		t.Errorf("the code drawn without colour reads %q, want %q", got, want)
	}
}

// TestUserCollectQR has jsQR scan the Collect settings that "tracer user collect --qr"
// prints: inflated, they are the JSON Collect's "Configure with QR code" reads, with the
// URL printed above them as the server URL (which the server answers as Collect's
// server), the account as the user name and no password; with NO_COLOR too.
func TestUserCollectQR(t *testing.T) {
	node := qrtest.Node(t)
	data := t.TempDir()
	base, _ := startTracer(t, nil, "serve", "--addr", "127.0.0.1:0", "--data", data)
	if _, _, err := runMain(t, data, "user", "add", "sari", "--role", "enumerator"); err != nil {
		t.Fatal(err)
	}
	for _, noColor := range []bool{false, true} {
		var stdout bytes.Buffer
		m := &Main{Stdin: strings.NewReader(""), Stdout: &stdout, Stderr: io.Discard, Getenv: func(k string) string {
			switch {
			case k == "TRACER_DATA":
				return data
			case k == "NO_COLOR" && noColor:
				return "1"
			}
			return ""
		}}
		if err := m.Run(t.Context(), []string{"user", "collect", "sari", "--url", base, "--qr"}); err != nil {
			t.Fatal(err)
		}
		out := stdout.String()
		printed := regexp.MustCompile(`(?m)^(http://\S+/v1/key/\S+)$`).FindStringSubmatch(out)
		if printed == nil {
			t.Fatalf("no Collect URL in:\n%s", out)
		}
		var payload []byte
		if noColor {
			// In the terminal's own colours the code is drawn for a dark background.
			payload = qrtest.DecodeText(t, node, out, true)
		} else {
			payload = []byte(scanned(t, node, out))
		}
		z, err := base64.StdEncoding.DecodeString(string(payload))
		if err != nil {
			t.Fatalf("the code is not base64: %v", err)
		}
		zr, err := zlib.NewReader(bytes.NewReader(z))
		if err != nil {
			t.Fatalf("the code is not zlib: %v", err)
		}
		js, err := io.ReadAll(zr)
		if err != nil {
			t.Fatal(err)
		}
		var settings struct {
			General map[string]any `json:"general"`
			Admin   map[string]any `json:"admin"`
			Project map[string]any `json:"project"`
		}
		if err := json.Unmarshal(js, &settings); err != nil {
			t.Fatalf("the settings are not JSON: %v: %s", err, js)
		}
		if settings.General["server_url"] != printed[1] || settings.General["username"] != "sari" || settings.Admin == nil ||
			settings.Project["name"] == nil {
			t.Fatalf("settings %s, want the server URL %s, user sari, an admin section and a project", js, printed[1])
		}
		if strings.Contains(string(js), "password") {
			t.Fatalf("the settings hold a password: %s", js)
		}
		res, err := http.Get(printed[1] + "/formList")
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode != http.StatusOK || res.Header.Get("X-OpenRosa-Version") == "" {
			t.Fatalf("the scanned server URL's formList answers %s", res.Status)
		}
	}
}

// TestQRTooSmall checks that a terminal too small for the code gets one line saying so,
// and a smaller code (level L) where only that fits.
func TestQRTooSmall(t *testing.T) {
	const u = "http://192.168.43.17:8080"
	var b bytes.Buffer
	writeQR(&b, "the relay's address", u, 30, 24, false, false)
	if got := b.String(); !strings.Contains(got, "the window is 30x24, the QR code needs 33x18") || strings.Contains(got, "█") {
		t.Fatalf("a 30-column terminal got:\n%s", got)
	}
	b.Reset()
	writeQR(&b, "the relay's address", u, 80, 24, false, false)
	if !strings.Contains(b.String(), "█") {
		t.Fatalf("an 80x24 terminal got no code:\n%s", b.String())
	}
	// 120 bytes need version 7 at M (53 columns with the quiet zone), version 6 at L (49).
	long := strings.Repeat("x", 120)
	b.Reset()
	writeQR(&b, "long", long, 50, 40, true, false)
	lines := strings.Split(strings.TrimSuffix(b.String(), "\n"), "\n")
	if len(lines) != 1+25 || len([]rune(lines[1])) != 49 {
		t.Fatalf("a 50-column terminal got:\n%s", b.String())
	}
}

// TestTUIAddressQRInTmux runs a supervisor's TUI in a real terminal (tmux, 80x24), logged
// in at a centre through 127.0.0.1 as on the laptop that runs it, presses a on Home and has
// jsQR scan the screen tmux shows, colours included: it reads the laptop's network address
// at the centre's port, where the centre answers.
func TestTUIAddressQRInTmux(t *testing.T) {
	node := qrtest.Node(t)
	if _, err := exec.LookPath("tmux"); err != nil {
		t.Skip("tmux is not installed")
	}
	ip := lanAddress(t)
	bin, err := exec.LookPath("tracer")
	if err != nil {
		t.Fatal(err)
	}
	centreData, laptop := t.TempDir(), t.TempDir()
	centre, _ := startTracer(t, nil, "serve", "--addr", "0.0.0.0:0", "--data", centreData)
	_, port, _ := net.SplitHostPort(strings.TrimPrefix(centre, "http://"))
	code := supervisorCode(t, centreData, "rina")
	if _, _, err := runMain(t, laptop, "login", "http://127.0.0.1:"+port, code); err != nil {
		t.Fatal(err)
	}
	tm := &tmuxTerm{t: t, socket: fmt.Sprintf("tracer-qr-%d", os.Getpid())}
	t.Cleanup(func() { exec.Command("tmux", "-L", tm.socket, "kill-server").Run() })
	tm.tmux("new-session", "-d", "-s", "day", "-x", "80", "-y", "24", "-e", "TRACER_PIN="+testPIN, "-e", "TRACER_DATA="+laptop,
		bin, "--lang", "en", "--enumerator", "rina")
	tm.waitFor("Server address as a QR code")
	tm.keys("a")
	want := "http://" + ip + ":" + port
	tm.waitFor(want, "▄▄▄▄▄")
	out, err := exec.Command("tmux", "-L", tm.socket, "capture-pane", "-e", "-p", "-t", "day").CombinedOutput()
	if err != nil {
		t.Fatalf("capture-pane: %v\n%s", err, out)
	}
	if got := scanned(t, node, string(out)); got != want {
		t.Fatalf("the TUI's code reads %q, want %q:\n%s", got, want, out)
	}
	healthy(t, want)
}

// TestQRNoColor: without colours the code is drawn for a dark background, or for a light
// one when COLORFGBG names a light background colour; jsQR reads each on its own theme.
func TestQRNoColor(t *testing.T) {
	node := qrtest.Node(t)
	const u = "http://192.168.43.17:8080"
	for _, tc := range []struct {
		colorfgbg string
		light     bool
	}{{"", false}, {"15;0", false}, {"0;15", true}, {"12;default;7", true}} {
		m := &Main{Getenv: func(k string) string {
			if k == "COLORFGBG" {
				return tc.colorfgbg
			}
			return ""
		}}
		if got := m.lightBackground(); got != tc.light {
			t.Errorf("COLORFGBG=%q: light %v, want %v", tc.colorfgbg, got, tc.light)
		}
		var b bytes.Buffer
		writeQR(&b, "address", u, 0, 0, true, tc.light)
		if strings.Contains(b.String(), "\x1b") {
			t.Fatalf("NO_COLOR output has escape sequences: %q", b.String())
		}
		if got := string(qrtest.DecodeText(t, node, b.String(), !tc.light)); got != u {
			t.Fatalf("COLORFGBG=%q: the code reads %q", tc.colorfgbg, got)
		}
	}
}
