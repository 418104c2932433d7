// Command hostile sends one hostile request to a running tracer server and measures, from
// outside, what it costs: the server's peak resident memory above idle (sampled from
// /proc/PID/status every 5 ms, Linux only) and the slowest /healthz answer another client
// got meanwhile (one request every 50 ms).
//
//	go run ./sync/loadgen/hostile -url URL -pid PID -code CODE -case small-5mb
//
// CODE is an enrollment code of an account with the role the case needs (an enumerator for
// pushes, a supervisor for forms and the roster). Cases: small-5mb (a 5 MB push of empty
// items), small-5mb-x3 (three at once), gzip-32mb (32 MB of empty items in 32 KB of gzip),
// gzip-string (one 64 MB string in gzip), roster-5mb (a 5 MB roster upload of empty rows),
// form-bomb (an XLSForm whose survey sheet inflates to 256 MB), full-push (a push at the body
// limit: 1,000 items of 7.5 KB records, each refused by the form engine after decoding).
//
// With -roster FILE it writes a roster workbook for "tracer roster import" instead:
// -case roster-bomb (one sheet inflating to 1 GB) or roster-max (100,000 rows of 12 columns,
// at the reader's limits).
package main

import (
	"archive/zip"
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"log"
	"net/http"
	"os"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/google/uuid"
	"github.com/xuri/excelize/v2"

	"tracer/sync/wire"
)

func main() {
	url := flag.String("url", "", "server base URL")
	pid := flag.Int("pid", 0, "server process id")
	code := flag.String("code", "", "enrollment code")
	name := flag.String("case", "small-5mb", "what to send")
	rosterFile := flag.String("roster", "", "write a roster workbook for the case to this file and exit")
	at := flag.Int("n", 0, "send this many at once instead of the case's own number")
	flag.Parse()
	if *rosterFile != "" {
		if err := os.WriteFile(*rosterFile, rosterWorkbook(*name), 0o600); err != nil {
			log.Fatal(err)
		}
		return
	}
	tok, err := enroll(*url, *code)
	if err != nil {
		log.Fatal(err)
	}
	path, body, gz, n := build(*name)
	if *at > 0 {
		n = *at
	}

	idle := rss(*pid)
	var peak atomic.Int64
	peak.Store(idle)
	var slowest atomic.Int64
	stop := make(chan struct{})
	var bg sync.WaitGroup
	bg.Go(func() {
		for {
			select {
			case <-stop:
				return
			case <-time.After(5 * time.Millisecond):
			}
			if r := rss(*pid); r > peak.Load() {
				peak.Store(r)
			}
		}
	})
	bg.Go(func() {
		hc := &http.Client{Timeout: 30 * time.Second}
		for {
			select {
			case <-stop:
				return
			case <-time.After(50 * time.Millisecond):
			}
			start := time.Now()
			resp, err := hc.Get(*url + "/healthz")
			d := time.Since(start)
			if err == nil {
				resp.Body.Close()
			} else {
				d = 30 * time.Second
			}
			if int64(d) > slowest.Load() {
				slowest.Store(int64(d))
			}
		}
	})
	time.Sleep(200 * time.Millisecond)
	start := time.Now()
	var wg sync.WaitGroup
	statuses := make([]string, n)
	for i := range n {
		wg.Go(func() { statuses[i] = post(*url+path, tok, body, gz) })
	}
	wg.Wait()
	took := time.Since(start)
	time.Sleep(300 * time.Millisecond)
	close(stop)
	bg.Wait()
	fmt.Printf("case %s: %d request(s) of %d bytes, answered %s in %v; server RSS idle %d MB, peak %d MB (+%d MB); slowest /healthz meanwhile %v\n",
		*name, n, len(body), strings.Join(statuses, ","), took.Round(time.Millisecond), idle>>10, peak.Load()>>10, (peak.Load()-idle)>>10,
		time.Duration(slowest.Load()).Round(time.Millisecond))
}

// rss returns the resident memory of process pid in KB.
func rss(pid int) int64 {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		log.Fatal(err)
	}
	for _, l := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(l, "VmRSS:"); ok {
			n, _ := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 10, 64)
			return n
		}
	}
	return 0
}

func enroll(url, code string) (string, error) {
	b, _ := json.Marshal(wire.EnrollRequest{Code: code, Device: "hostile"})
	resp, err := http.Post(url+"/api/v1/enroll", "application/json", bytes.NewReader(b))
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	var er wire.EnrollResponse
	if err := json.NewDecoder(resp.Body).Decode(&er); err != nil || er.Token == "" {
		return "", fmt.Errorf("enroll: %s %v", resp.Status, err)
	}
	return er.Token, nil
}

func post(url, tok string, body []byte, gz bool) string {
	req, _ := http.NewRequest("POST", url, bytes.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+tok)
	if gz {
		req.Header.Set("Content-Encoding", "gzip")
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return "error: " + err.Error()
	}
	defer resp.Body.Close()
	io.Copy(io.Discard, resp.Body)
	return strconv.Itoa(resp.StatusCode)
}

// build returns the case's path, body, whether it is gzip and how many to send at once.
func build(name string) (string, []byte, bool, int) {
	switch name {
	case "small-5mb":
		return "/api/v1/interviews/push", manySmall("items", 5<<20), false, 1
	case "small-5mb-x3":
		return "/api/v1/interviews/push", manySmall("items", 5<<20), false, 3
	case "gzip-32mb":
		return "/api/v1/interviews/push", gzipped(manySmall("items", 32<<20)), true, 1
	case "gzip-string":
		return "/api/v1/interviews/push", gzipped([]byte(`{"items":[{"id":"` + strings.Repeat("a", 64<<20))), true, 1
	case "roster-5mb":
		return "/api/v1/roster", manySmall("rows", 5<<20), false, 1
	case "full-push":
		var items []wire.PushItem
		body := []byte(`{"answers":{"x":"` + strings.Repeat("a", 7500) + `"}}`)
		sum := sha256.Sum256(body)
		for range 1000 {
			items = append(items, wire.PushItem{ID: uuid.NewString(), Revision: 1, Hash: hex.EncodeToString(sum[:]), Body: body})
		}
		b, _ := json.Marshal(wire.PushRequest{DeviceTime: time.Now(), Items: items})
		return "/api/v1/interviews/push", b, false, 1
	case "form-bomb":
		b, _ := json.Marshal(wire.PublishRequest{Name: "bomb.xlsx", Source: formBomb(256 << 20)})
		return "/api/v1/forms", b, false, 1
	}
	log.Fatalf("unknown case %q", name)
	return "", nil, false, 0
}

func manySmall(field string, size int) []byte {
	var b bytes.Buffer
	b.WriteString(`{"` + field + `":[{}`)
	for b.Len() < size {
		b.WriteString(`,{}`)
	}
	b.WriteString(`]}`)
	return b.Bytes()
}

func gzipped(b []byte) []byte {
	var z bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&z, gzip.BestCompression)
	zw.Write(b)
	zw.Close()
	return z.Bytes()
}

// formBomb returns an XLSForm whose survey sheet holds one cell of n bytes.
func formBomb(n int) []byte {
	return withSheet("survey", func(w io.Writer) {
		io.WriteString(w, `<row r="1"><c r="A1" t="inlineStr"><is><t>`)
		chunk := bytes.Repeat([]byte("a"), 1<<20)
		for range n >> 20 {
			w.Write(chunk)
		}
		io.WriteString(w, `</t></is></c></row>`)
	})
}

// rosterWorkbook returns a roster workbook for case name.
func rosterWorkbook(name string) []byte {
	switch name {
	case "roster-bomb": // 1 GB of rows in a few MB
		return withSheet("Sheet1", func(w io.Writer) {
			row := `<c t="inlineStr"><is><t>` + strings.Repeat("a", 1000) + `</t></is></c>`
			io.WriteString(w, `<row r="1"><c r="A1" t="inlineStr"><is><t>roster_id</t></is></c><c r="B1" t="inlineStr"><is><t>full_name</t></is></c></row>`)
			for n := 2; n < 1_000_000; n++ {
				fmt.Fprintf(w, `<row r="%d">%s</row>`, n, row)
			}
		})
	case "roster-max": // 100,000 rows of 12 short cells: as much as the limits let through
		return withSheet("Sheet1", func(w io.Writer) {
			for n := 1; n <= 100_000; n++ {
				fmt.Fprintf(w, `<row r="%d">`, n)
				for c := range 12 {
					v := fmt.Sprintf("v%d-%d", n, c)
					if n == 1 {
						v = fmt.Sprintf("col%d", c)
						if c == 0 {
							v = "roster_id"
						} else if c == 1 {
							v = "full_name"
						}
					}
					fmt.Fprintf(w, `<c t="inlineStr"><is><t>%s</t></is></c>`, v)
				}
				io.WriteString(w, `</row>`)
			}
		})
	}
	log.Fatalf("unknown roster case %q", name)
	return nil
}

// withSheet returns a workbook of one sheet named sheet whose sheetData write writes.
func withSheet(sheet string, write func(io.Writer)) []byte {
	f := excelize.NewFile()
	f.SetSheetName("Sheet1", sheet)
	var b bytes.Buffer
	f.Write(&b)
	zr, _ := zip.NewReader(bytes.NewReader(b.Bytes()), int64(b.Len()))
	var out bytes.Buffer
	zw := zip.NewWriter(&out)
	for _, e := range zr.File {
		w, _ := zw.CreateHeader(&zip.FileHeader{Name: e.Name, Method: zip.Deflate})
		if e.Name != "xl/worksheets/sheet1.xml" {
			rc, _ := e.Open()
			io.Copy(w, rc)
			rc.Close()
			continue
		}
		io.WriteString(w, `<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>`)
		write(w)
		io.WriteString(w, `</sheetData></worksheet>`)
	}
	zw.Close()
	return out.Bytes()
}
