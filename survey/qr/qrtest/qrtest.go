// Package qrtest reads QR codes back for tests: it turns a terminal's text (with its
// colour sequences) into the picture the terminal shows, and has jsQR, a decoder written
// by others and pinned in survey/qr/testdata/jsqr, find and read the code in it.
package qrtest

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"
)

// Image is an RGBA picture, four bytes a pixel, rows from the top.
type Image struct {
	Width  int    `json:"width"`
	Height int    `json:"height"`
	RGBA   []byte `json:"rgba"`
}

// ImageOf draws a grid of width by height modules (dark reports each) with scale pixels a
// module, black on white, with a light border of four modules around it.
func ImageOf(width, height int, dark func(x, y int) bool, scale int) Image {
	const quiet = 4
	w, h := (width+2*quiet)*scale, (height+2*quiet)*scale
	img := Image{Width: w, Height: h, RGBA: make([]byte, w*h*4)}
	for py := 0; py < h; py++ {
		for px := 0; px < w; px++ {
			x, y := px/scale-quiet, py/scale-quiet
			v := byte(255)
			if x >= 0 && y >= 0 && x < width && y < height && dark(x, y) {
				v = 0
			}
			i := (py*w + px) * 4
			img.RGBA[i], img.RGBA[i+1], img.RGBA[i+2], img.RGBA[i+3] = v, v, v, 255
		}
	}
	return img
}

// Screen is what a terminal shows of some text: one cell a character, each cell two
// modules high (its upper and lower halves), true where the half is dark.
type Screen [][]bool

// Width is the screen's widest row in modules.
func (s Screen) Width() int {
	w := 0
	for _, r := range s {
		w = max(w, len(r))
	}
	return w
}

// Dark reports whether the module at column x and row y is dark (false outside).
func (s Screen) Dark(x, y int) bool {
	return y >= 0 && y < len(s) && x >= 0 && x < len(s[y]) && s[y][x]
}

// Image draws the screen with scale pixels a module.
func (s Screen) Image(scale int) Image {
	return ImageOf(s.Width(), len(s), s.Dark, scale)
}

var sgr = regexp.MustCompile(`\x1b\[([0-9;:]*)([A-Za-z])`)

// ReadScreen is the screen a terminal shows for text: the half blocks '▀', '▄' and '█'
// draw in the foreground colour, the rest of a cell is the background; SGR sequences set
// the colours (the 16 colours, the 256-colour palette, RGB, reverse video, reset), and a
// terminal's own colours are light text on dark when darkTheme, else dark on light. Any
// other character counts as background: letters are thin strokes a scanner ignores.
func ReadScreen(text string, darkTheme bool) Screen {
	var s Screen
	fgDark, bgDark := !darkTheme, darkTheme
	defFg, defBg := fgDark, bgDark
	reverse := false
	for _, line := range strings.Split(strings.ReplaceAll(text, "\r\n", "\n"), "\n") {
		var top, bottom []bool
		for len(line) > 0 {
			if loc := sgr.FindStringSubmatchIndex(line); loc != nil && loc[0] == 0 {
				if line[loc[4]:loc[5]] == "m" {
					applySGR(line[loc[2]:loc[3]], &fgDark, &bgDark, &reverse, defFg, defBg)
				}
				line = line[loc[1]:]
				continue
			}
			r, size := utf8.DecodeRuneInString(line)
			line = line[size:]
			fg, bg := fgDark, bgDark
			if reverse {
				fg, bg = bg, fg
			}
			t, b := bg, bg
			switch r {
			case '█':
				t, b = fg, fg
			case '▀':
				t = fg
			case '▄':
				b = fg
			}
			top, bottom = append(top, t), append(bottom, b)
		}
		s = append(s, top, bottom)
	}
	return s
}

// applySGR changes the colours by one SGR sequence's parameters.
func applySGR(params string, fg, bg, reverse *bool, defFg, defBg bool) {
	ps := strings.FieldsFunc(params, func(r rune) bool { return r == ';' || r == ':' })
	if len(ps) == 0 {
		ps = []string{"0"}
	}
	n := func(i int) int {
		if i >= len(ps) {
			return 0
		}
		v, _ := strconv.Atoi(ps[i])
		return v
	}
	for i := 0; i < len(ps); i++ {
		p := n(i)
		switch {
		case p == 0:
			*fg, *bg, *reverse = defFg, defBg, false
		case p == 7:
			*reverse = true
		case p == 27:
			*reverse = false
		case p >= 30 && p <= 37:
			*fg = p != 37 // all of the first eight but white are dark enough
		case p >= 90 && p <= 97:
			*fg = p == 90
		case p >= 40 && p <= 47:
			*bg = p != 47
		case p >= 100 && p <= 107:
			*bg = p == 100
		case p == 39:
			*fg = defFg
		case p == 49:
			*bg = defBg
		case (p == 38 || p == 48) && n(i+1) == 5:
			d := dark256(n(i + 2))
			if p == 38 {
				*fg = d
			} else {
				*bg = d
			}
			i += 2
		case (p == 38 || p == 48) && n(i+1) == 2:
			d := 299*n(i+2)+587*n(i+3)+114*n(i+4) < 128*1000
			if p == 38 {
				*fg = d
			} else {
				*bg = d
			}
			i += 4
		}
	}
}

// dark256 reports whether colour i of the 256-colour palette is dark.
func dark256(i int) bool {
	switch {
	case i < 16:
		return i < 7 || i == 8
	case i < 232:
		i -= 16
		r, g, b := i/36, i/6%6, i%6
		return 299*r+587*g+114*b < 1000*5/2
	}
	return i < 244
}

// Result is what jsQR read in one image.
type Result struct {
	Found   bool   `json:"found"`
	Version int    `json:"version"`
	Bytes   []byte `json:"bytes"`
}

// Node returns the path of Node with jsQR installed, or skips tb with one line saying
// what is missing (as the ODK oracle's tests do).
func Node(tb testing.TB) string {
	tb.Helper()
	if testing.Short() {
		tb.Skip("jsQR: skipped in -short mode")
	}
	node, err := exec.LookPath("node")
	if err != nil {
		tb.Skip("jsQR: no node on PATH")
	}
	if _, err := os.Stat(filepath.Join(dir(), "node_modules", "jsqr", "package.json")); err != nil {
		tb.Skip("jsQR: not installed (npm ci in survey/qr/testdata/jsqr)")
	}
	return node
}

// dir is the folder of the pinned decoder.
func dir() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(file), "..", "testdata", "jsqr")
}

// Decode has jsQR read each image, looking only for dark modules on light, as a phone's
// scanner does.
func Decode(tb testing.TB, node string, images []Image) []Result {
	tb.Helper()
	in, err := json.Marshal(images)
	if err != nil {
		tb.Fatal(err)
	}
	cmd := exec.Command(node, filepath.Join(dir(), "decode.mjs"))
	cmd.Stdin = bytes.NewReader(in)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		tb.Fatalf("jsQR: %v: %s", err, stderr.String())
	}
	var res []Result
	if err := json.Unmarshal(out, &res); err != nil {
		tb.Fatalf("jsQR's answer: %v", err)
	}
	if len(res) != len(images) {
		tb.Fatalf("jsQR answered %d images of %d", len(res), len(images))
	}
	return res
}

// DecodeText has jsQR read the code a terminal shows for text (see ReadScreen), and
// returns its bytes; it fails tb when no code is found.
func DecodeText(tb testing.TB, node, text string, darkTheme bool) []byte {
	tb.Helper()
	r := Decode(tb, node, []Image{ReadScreen(text, darkTheme).Image(4)})[0]
	if !r.Found {
		tb.Fatalf("jsQR found no QR code on the screen:\n%s", text)
	}
	return r.Bytes
}
