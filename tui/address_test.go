package tui

import (
	"net"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"tracer/survey/qr/qrtest"
)

// supervisorWithServer is a supervisor's Home whose laptop syncs with server.
func supervisorWithServer(t *testing.T, server string, dark bool) *Model {
	t.Helper()
	e := newEnv(t, true)
	withReviewer(t, e)
	e.cfg.Server, e.cfg.Dark, e.cfg.Lang = server, dark, "en"
	m := start(t, e)
	drive(t, m, tea.WindowSizeMsg{Width: 80, Height: 24})
	return m
}

// TestAddressQR: a on a supervisor's Home draws the server's address as a QR code that
// jsQR reads, on a dark and a light background, with colours and without them (where the
// glyphs must be the right way round for the background); any key goes back to Home.
func TestAddressQR(t *testing.T) {
	node := qrtest.Node(t)
	const server = "http://192.168.43.17:8080"
	for _, dark := range []bool{true, false} {
		m := supervisorWithServer(t, server, dark)
		if v := plain(m); !strings.Contains(v, "a  Server address as a QR code") {
			t.Fatalf("Home does not offer the address:\n%s", v)
		}
		drive(t, m, keypress("a"))
		screen := m.render()
		if !strings.Contains(ansi.Strip(screen), "\n"+server+"\n") {
			t.Fatalf("the address view does not name the address:\n%s", ansi.Strip(screen))
		}
		checkFits(t, m, "address")
		for _, theme := range []bool{true, false} {
			// explicit colours: right on either theme
			if got := string(qrtest.DecodeText(t, node, screen, theme)); got != server {
				t.Fatalf("dark %v, theme %v: the code reads %q", dark, theme, got)
			}
		}
		// no colours (NO_COLOR): right on the background the program was told of
		if got := string(qrtest.DecodeText(t, node, ansi.Strip(screen), dark)); got != server {
			t.Fatalf("dark %v without colours: the code reads %q", dark, got)
		}
		drive(t, m, keypress("q"))
		if m.screen != screenHome || m.home().addr != nil || !strings.Contains(plain(m), "1  Wawancara baru") && !strings.Contains(plain(m), "1  New interview") {
			t.Fatalf("a key did not go back to Home:\n%s", plain(m))
		}
	}
}

// TestAddressNotOffered: an enumerator's Home, and a supervisor's that knows no server,
// have no address; a does nothing there.
func TestAddressNotOffered(t *testing.T) {
	e := newEnv(t, true)
	withSync(e)
	m := start(t, e)
	drive(t, m, keypress("a"))
	if v := plain(m); strings.Contains(v, "QR") || m.home().addr != nil {
		t.Fatalf("an enumerator's Home shows the address:\n%s", v)
	}
	m = supervisorWithServer(t, "", true)
	m.c.cfg.Sync = nil
	drive(t, m, keypress("a"))
	if v := plain(m); strings.Contains(v, "QR") || m.home().addr != nil {
		t.Fatalf("a Home without a server shows the address:\n%s", v)
	}
}

// TestAddressOnThisLaptop: a supervisor whose laptop reaches its server at 127.0.0.1 (a
// relay running beside the TUI) is shown the laptop's network address at the same port
// when the server listens there, and told that no other machine reaches it when it
// listens on the loopback address only.
func TestAddressOnThisLaptop(t *testing.T) {
	node := qrtest.Node(t)
	ip := ""
	addrs, _ := net.InterfaceAddrs()
	for _, a := range addrs {
		if ipn, ok := a.(*net.IPNet); ok && !ipn.IP.IsLoopback() && ipn.IP.To4() != nil {
			ip = ipn.IP.String()
			break
		}
	}
	if ip == "" {
		t.Skip("this machine has no network address but the loopback one")
	}
	all, err := net.Listen("tcp", "0.0.0.0:0")
	if err != nil {
		t.Fatal(err)
	}
	defer all.Close()
	go acceptAll(all)
	_, port, _ := net.SplitHostPort(all.Addr().String())
	m := supervisorWithServer(t, "http://127.0.0.1:"+port, true)
	drive(t, m, keypress("a"))
	want := "http://" + ip + ":" + port
	if got := string(qrtest.DecodeText(t, node, m.render(), true)); got != want {
		t.Fatalf("the code reads %q, want %q:\n%s", got, want, plain(m))
	}

	local, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer local.Close()
	go acceptAll(local)
	_, port, _ = net.SplitHostPort(local.Addr().String())
	m = supervisorWithServer(t, "http://127.0.0.1:"+port, true)
	drive(t, m, keypress("a"))
	if v := plain(m); !strings.Contains(v, "runs on this laptop at http://127.0.0.1:"+port+" only") ||
		!strings.Contains(v, "--addr 0.0.0.0:"+port) || strings.Contains(v, "█") {
		t.Fatalf("a server on the loopback address only:\n%s", v)
	}
}

func acceptAll(ln net.Listener) {
	for {
		c, err := ln.Accept()
		if err != nil {
			return
		}
		c.Close()
	}
}

// TestAddressTooSmall: a window too small for the code says so and names the address.
func TestAddressTooSmall(t *testing.T) {
	// 80 bytes: version 5 at level L, 23 lines, where 80x24 leaves 21 for the screen
	const server = "https://tracer.blk-serang.example.org/a-path-a-proxy-put-in-front/of-the-server"
	m := supervisorWithServer(t, server, true)
	drive(t, m, keypress("a"))
	v := plain(m)
	if !strings.Contains(v, "too small for the QR code (it needs 45x25)") || !strings.Contains(v, "\n"+server+"\n") || strings.Contains(v, "▀") {
		t.Fatalf("an 80x24 window:\n%s", v)
	}
	checkFits(t, m, "address")
}
