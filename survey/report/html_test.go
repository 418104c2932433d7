package report_test

import (
	"bytes"
	"context"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"tracer/survey/report"
)

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
	t.Skip("no chromium: the HTML report is checked in a browser where one is installed")
	return ""
}

// browse runs headless Chromium on the file page with the given output flags and returns
// its standard output.
func browse(t *testing.T, bin, page string, flags ...string) []byte {
	t.Helper()
	// A guard against a hung browser, not a timed assertion.
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	args := append([]string{"--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
		"--disable-component-update", "--disable-sync", "--no-first-run", "--user-data-dir=" + t.TempDir(),
		"--window-size=1000,3000"}, flags...)
	cmd := exec.CommandContext(ctx, bin, append(args, "file://"+page)...)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	if err := cmd.Run(); err != nil {
		t.Fatalf("chromium %v: %v\n%s", flags, err, errb.String())
	}
	return out.Bytes()
}

// TestHTMLInBrowser renders the HTML report in headless Chromium, in both languages, and
// checks the page after layout: each chart drew as many visible bars as it has cells with a
// percentage, the headline numbers and the language's texts are there, a screenshot is not
// blank and the page prints to PDF. The response-rate section is there after layout with
// the hand-computed rates (respondedReport), its tables no wider than the page's column,
// and the six categories where respondents differ from the cohort marked.
func TestHTMLInBrowser(t *testing.T) {
	bin := chromium(t)
	r := respondedReport(t)
	if r.FirstJob != [5]int{2, 6, 2, 2, 0} {
		t.Errorf("first job histogram = %v, want [2 6 2 2 0]", r.FirstJob)
	}
	dir := t.TempDir()
	for _, lang := range []string{"id", "en"} {
		var b bytes.Buffer
		if err := report.WriteHTML(&b, r, lang); err != nil {
			t.Fatal(err)
		}
		if bytes.Contains(b.Bytes(), []byte("http://")) || bytes.Contains(b.Bytes(), []byte("https://")) {
			t.Errorf("%s: the page refers to another resource", lang)
		}
		page := filepath.Join(dir, "report-"+lang+".html")
		if err := os.WriteFile(page, b.Bytes(), 0o600); err != nil {
			t.Fatal(err)
		}
		dom := string(browse(t, bin, page, "--dump-dom"))
		// Bars drawn after layout, per chart. Absorption by kejuruan: LAS 8/10 shown, OTO
		// 1/5 suppressed: 1 bar. By sex: L 5/8 and P 4/7, both under 10: 0 bars. Response
		// by kejuruan: 10/10 and 5/10: 2. By window: 12+ 5/5, 6-12 5/10, 3-6 5/5: 1. Time
		// to first job over the 12 respondents with one: t ≤ 0 P02 P08, ≤ 3 P01 P05 P06 P09
		// P13 P15, 3-6 P03 P10, 6-12 P04 P07, none over 12: 4 visible bars of 5. Income
		// against UMK: 4 full-time W with a known UMK (P01, P02, P03, P15), under 10: 0.
		want := map[string]int{"absorption-kejuruan": 1, "absorption-batch": 1, "absorption-sex": 0,
			"response_rate-kejuruan": 2, "response_rate-window": 1, "first-job": 4, "income-umk": 0}
		re := regexp.MustCompile(`<figure class="chart" data-chart="([^"]+)" data-rendered-bars="(\d+)"`)
		got := map[string]int{}
		for _, m := range re.FindAllStringSubmatch(dom, -1) {
			got[m[1]], _ = strconv.Atoi(m[2])
		}
		for id, n := range want {
			if g, ok := got[id]; !ok || g != n {
				t.Errorf("%s: chart %s rendered %d bars (present %v), want %d", lang, id, g, ok, n)
			}
		}
		if len(got) != len(want) {
			t.Errorf("%s: charts %v, want %v", lang, got, want)
		}
		texts := map[string][]string{
			"id": {`lang="id"`, "Tingkat penyerapan (A/S)", "60,0%", "9 / 15", "Tingkat respons menurut kejuruan", "Keterangan",
				"TINGKAT RESPONS (AAPOR)", "e = 0,9474 (diperkirakan, metode proporsi)", "Responden berbeda dari kohort pada: kejuruan"},
			"en": {`lang="en"`, "Absorption rate (A/S)", "60.0%", "9 / 15", "Response rate by kejuruan", "Legend",
				"RESPONSE RATES (AAPOR)", "e = 0.9474 (estimated, proportion method)", "Respondents differ from the cohort in: kejuruan",
				"<dt>RR3</dt><dd>I / ((I+P) + (R+NC+O) + e·U)</dd>"},
		}[lang]
		for _, s := range texts {
			if !strings.Contains(dom, s) {
				t.Errorf("%s: rendered page lacks %q", lang, s)
			}
		}
		if !strings.Contains(dom, `<section id="response" data-wide-tables="0">`) {
			t.Errorf("%s: the response section is missing or has tables wider than the page: %s", lang, regexp.MustCompile(`<section id="response"[^>]*>`).FindString(dom))
		}
		// The whole cohort's row of the first rate table: n, RR1-RR6, REF1-REF3, worked by
		// hand in response_report_test.go (20 cases: I=15, R=2, NC=1, U=1, NE=1).
		dec := map[string]string{"id": ",", "en": "."}[lang]
		all := strings.ReplaceAll(`<td>20</td><td>78.9</td><td>78.9</td><td>79.2</td><td>79.2</td><td>83.3</td><td>83.3</td><td>10.5</td><td>10.6</td><td>11.1</td>`, ".", dec)
		if !strings.Contains(dom, all) {
			t.Errorf("%s: the rates of the whole cohort are not %s", lang, all)
		}
		// LAS and OTO are half the cases each and 10 and 5 of the 15 respondents: both
		// kejuruan and both batches (B1 is LAS, B2 OTO) differ by 16.7 points; sex by 3.3.
		if n := strings.Count(dom, `<tr class="differs">`); n != 4 {
			t.Errorf("%s: %d categories marked as differing, want 4", lang, n)
		}
		shot := filepath.Join(dir, "shot-"+lang+".png")
		browse(t, bin, page, "--screenshot="+shot, "--hide-scrollbars")
		f, err := os.Open(shot)
		if err != nil {
			t.Fatal(err)
		}
		img, err := png.Decode(f)
		f.Close()
		if err != nil {
			t.Fatal(err)
		}
		// The bar colour #2b6cb0 must be on the screenshot.
		blue := 0
		bd := img.Bounds()
		for y := bd.Min.Y; y < bd.Max.Y; y += 2 {
			for x := bd.Min.X; x < bd.Max.X; x += 2 {
				r, g, b, _ := img.At(x, y).RGBA()
				if r>>8 == 0x2b && g>>8 == 0x6c && b>>8 == 0xb0 {
					blue++
				}
			}
		}
		if blue == 0 {
			t.Errorf("%s: no bar colour on the screenshot", lang)
		}
		if keep := os.Getenv("TRACER_KEEP_SCREENSHOT"); keep != "" {
			data, _ := os.ReadFile(shot)
			_ = os.WriteFile(filepath.Join(keep, "shot-"+lang+".png"), data, 0o644)
		}
		pdf := filepath.Join(dir, "report-"+lang+".pdf")
		browse(t, bin, page, "--print-to-pdf="+pdf, "--no-pdf-header-footer")
		data, err := os.ReadFile(pdf)
		if err != nil || !bytes.HasPrefix(data, []byte("%PDF-")) {
			t.Errorf("%s: print to PDF gave %d bytes, err %v", lang, len(data), err)
		}
	}
}
