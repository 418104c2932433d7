package tui

import (
	"net"
	"net/url"
	"strings"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"tracer/survey"
	"tracer/survey/qr"
)

// addressTexts are the words of the server's address drawn as a QR code over Home, for
// the phones and laptops at an event to read.
type addressTexts struct {
	Home, Title, Finding, Loopback, TooSmall, Close string
}

var addressID = addressTexts{
	Home:     "Alamat server sebagai kode QR",
	Title:    "Alamat server: pindai dengan kamera ponsel, atau ketik",
	Finding:  "Mencari alamat laptop ini di jaringan…",
	Loopback: "Server ini berjalan di laptop ini pada %s saja: laptop dan ponsel lain tidak dapat menjangkaunya. Jalankan dengan --addr 0.0.0.0:%s agar terjangkau.",
	TooSmall: "Jendela %dx%d terlalu kecil untuk kode QR (perlu %dx%d): perbesar jendela, atau ketik alamat di atas.",
	Close:    "Tombol apa saja: kembali",
}

var addressEN = addressTexts{
	Home:     "Server address as a QR code",
	Title:    "Server address: scan it with a phone's camera, or type it",
	Finding:  "Looking for this laptop's address on the network…",
	Loopback: "This server runs on this laptop at %s only: other laptops and phones cannot reach it. Start it with --addr 0.0.0.0:%s to make it reachable.",
	TooSmall: "The window is %dx%d, too small for the QR code (it needs %dx%d): make it larger, or type the address above.",
	Close:    "Any key: back",
}

// addressView is the server's address shown over Home: the URL a QR code holds, or why
// there is none.
type addressView struct {
	url     string // the address other machines reach, "" while it is looked for
	problem string // why no other machine reaches the server, in the UI language
}

// addressMsg carries the address found on this laptop's network for a server on it.
type addressMsg struct {
	url     string // "" when none answers
	port    string
	loopURL string
}

// showAddress opens the address view for server (the address this laptop syncs with). A
// server on this laptop (a relay at an event, reached at 127.0.0.1) is looked for on the
// laptop's network addresses, in a command.
func (h *homeScreen) showAddress(server string) tea.Cmd {
	h.addr = &addressView{}
	u, err := url.Parse(server)
	if err != nil || u.Host == "" {
		h.addr.problem = survey.Printable(server)
		return nil
	}
	if !loopback(u.Hostname()) {
		h.addr.url = strings.TrimRight(server, "/")
		return nil
	}
	return lanAddressCmd(u)
}

// lanAddressCmd finds the first of this laptop's network addresses at which u's port
// answers: a server listening on all addresses answers there, one on 127.0.0.1 does not.
func lanAddressCmd(u *url.URL) tea.Cmd {
	return func() tea.Msg {
		port := u.Port()
		if port == "" {
			port = map[string]string{"https": "443"}[u.Scheme]
			if port == "" {
				port = "80"
			}
		}
		msg := addressMsg{port: port, loopURL: u.Scheme + "://" + u.Host}
		addrs, _ := net.InterfaceAddrs()
		for _, a := range addrs {
			ipn, ok := a.(*net.IPNet)
			if !ok || ipn.IP.IsLoopback() || ipn.IP.To4() == nil {
				continue
			}
			host := net.JoinHostPort(ipn.IP.String(), port)
			conn, err := net.DialTimeout("tcp", host, 3*time.Second)
			if err != nil {
				continue
			}
			conn.Close()
			msg.url = u.Scheme + "://" + host
			break
		}
		return msg
	}
}

// addressFound shows what lanAddressCmd found.
func (h *homeScreen) addressFound(msg addressMsg) {
	if h.addr == nil {
		return
	}
	if msg.url == "" {
		h.addr.problem = survey.Plurals(h.c.t.Address.Loopback, msg.loopURL, msg.port)
		return
	}
	h.addr.url = msg.url
}

// addressViewText draws the address view in the screen's width and height: the title,
// the address, and its QR code at level M (L when only that fits), drawn black on white
// and, where the terminal shows no colours, with the glyphs the right way round for its
// background; a window too small for either gets a line saying so.
func (h *homeScreen) addressViewText() string {
	c, t, st := h.c, h.c.t.Address, h.c.st
	var b strings.Builder
	b.WriteString(wrap(t.Title, h.width, st.Title.Render) + "\n")
	switch {
	case h.addr.problem != "":
		b.WriteString(wrap(h.addr.problem, h.width, st.Warn.Render) + "\n\n" + st.Muted.Render(t.Close) + "\n")
		return b.String()
	case h.addr.url == "":
		b.WriteString(st.Muted.Render(t.Finding) + "\n")
		return b.String()
	}
	b.WriteString(st.Label.Render(ansi.Truncate(h.addr.url, h.width, "…")) + "\n")
	used := strings.Count(b.String(), "\n")
	fits := func(code *qr.Code) bool { return code.Width() <= h.width && used+code.Height() <= h.height }
	code, err := qr.Encode([]byte(h.addr.url), qr.Medium)
	if err == nil && !fits(code) {
		code, err = qr.Encode([]byte(h.addr.url), qr.Low)
	}
	if err != nil || !fits(code) {
		need := code
		if need == nil {
			return b.String()
		}
		b.WriteString(wrap(survey.Plurals(t.TooSmall, h.width, h.height, need.Width(), used+need.Height()), h.width, st.Warn.Render) + "\n")
		if ansi.StringWidth(h.addr.url) > h.width {
			b.WriteString(wrap(h.addr.url, h.width, st.Label.Render) + "\n") // the address whole, to type
		}
		return b.String()
	}
	for _, l := range code.Blocks(!c.dark) {
		b.WriteString(st.QR.Render(l) + "\n")
	}
	return b.String()
}
