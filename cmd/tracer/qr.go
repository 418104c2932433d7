package main

import (
	"bytes"
	"compress/zlib"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/url"
	"os"
	"strconv"
	"strings"

	"golang.org/x/term"

	"tracer/survey/qr"
)

// printQR prints the QR code of text (a URL, Collect's settings) for a phone or a laptop's
// camera to scan, under a line saying what it is; when the terminal is too small to show
// it whole it says so instead, as the text beside it already names the URL. When standard
// output is not a terminal (a file, a pipe, a service's log) it prints only that line and
// how to see the code, unless force (--qr): there the colour codes would be noise, and a
// code drawn without them reads only on a terminal of the theme it was drawn for.
func (m *Main) printQR(title, text string, force bool) {
	if !force && !m.stdoutTerminal() {
		fmt.Fprintf(m.Stdout, "%s: no QR code, as standard output is not a terminal (run tracer in a terminal to see it, or add --qr)\n", title)
		return
	}
	cols, rows := m.terminalSize()
	writeQR(m.Stdout, title, text, cols, rows, m.Getenv("NO_COLOR") != "", m.lightBackground())
}

// stdoutTerminal reports whether standard output is a terminal.
func (m *Main) stdoutTerminal() bool {
	f, ok := m.Stdout.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}

// writeQR writes the QR code of text to w under title for a terminal of cols by rows (0
// for a file or a pipe, where any size fits), at error correction level M, or L when only
// that smaller code fits, or else one line saying the terminal is too small.
//
// The code is drawn black on white with explicit colours, so it scans on a dark terminal
// as on a light one. With noColor it is drawn in the terminal's own colours, the right
// way round for a dark background unless light.
func writeQR(w io.Writer, title, text string, cols, rows int, noColor, light bool) {
	c, err := qr.Encode([]byte(text), qr.Medium)
	if err != nil {
		fmt.Fprintf(w, "(%s: too long for a QR code)\n", title)
		return
	}
	fits := func(c *qr.Code) bool { return cols == 0 || cols >= c.Width() && rows >= c.Height()+1 }
	if !fits(c) {
		low, err := qr.Encode([]byte(text), qr.Low)
		if err != nil || !fits(low) {
			fmt.Fprintf(w, "(%s: the window is %dx%d, the QR code needs %dx%d: make the window larger, or type the address)\n",
				title, cols, rows, c.Width(), c.Height()+1)
			return
		}
		c = low
	}
	fmt.Fprintf(w, "%s:\n", title)
	if !noColor {
		fmt.Fprint(w, c.ANSI())
		return
	}
	for _, l := range c.Blocks(light) {
		fmt.Fprintln(w, l)
	}
}

// terminalSize is the size of the terminal standard output writes to; 0, 0 when it is
// not one (a file, a pipe, a test's buffer), where the whole code is printed.
func (m *Main) terminalSize() (cols, rows int) {
	if !m.stdoutTerminal() {
		return 0, 0
	}
	w, h, err := term.GetSize(int(m.Stdout.(*os.File).Fd()))
	if err != nil {
		return 0, 0
	}
	return w, h
}

// lightBackground reports whether COLORFGBG ("foreground;background", set by some
// terminals) names a light background colour.
func (m *Main) lightBackground() bool {
	v := m.Getenv("COLORFGBG")
	i := strings.LastIndexByte(v, ';')
	if i < 0 {
		return false
	}
	bg, err := strconv.Atoi(v[i+1:])
	return err == nil && (bg == 7 || bg > 8)
}

// scannableURL is the first of urls that another machine can reach, or "" when there is
// none (a server listening on the loopback address only).
func scannableURL(urls []string) string {
	for _, s := range urls {
		u, err := url.Parse(s)
		if err != nil {
			continue
		}
		if ip := net.ParseIP(u.Hostname()); ip != nil && (ip.IsLoopback() || ip.IsUnspecified()) || u.Hostname() == "localhost" {
			continue
		}
		return s
	}
	return ""
}

// collectSettings is what ODK Collect's "Configure with QR code" reads: a JSON settings
// object, zlib-compressed, in base64. It has the general section (the server URL, which
// for tracer holds the account's token, and the user name Collect records in a form's
// username field), the admin section Collect requires (empty: every setting stays
// changeable) and the project's name and icon.
func collectSettings(serverURL, user, project string) (string, error) {
	settings := map[string]any{
		"general": map[string]any{"server_url": serverURL, "username": user},
		"admin":   map[string]any{},
		"project": map[string]any{"name": project, "icon": "T"},
	}
	js, err := json.Marshal(settings)
	if err != nil {
		return "", err
	}
	var b bytes.Buffer
	z, err := zlib.NewWriterLevel(&b, zlib.BestCompression)
	if err != nil {
		return "", err
	}
	if _, err := z.Write(js); err != nil {
		return "", err
	}
	if err := z.Close(); err != nil {
		return "", err
	}
	return base64.StdEncoding.EncodeToString(b.Bytes()), nil
}
