package server_test

import (
	"archive/zip"
	"bufio"
	"bytes"
	"compress/gzip"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"runtime/metrics"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"tracer/survey"
	"tracer/survey/roster"
	"tracer/survey/sqlite"
	"tracer/sync/server"
	"tracer/sync/testbed"
	"tracer/sync/wire"
)

// heapAllocated returns the bytes this process has allocated on the heap so far.
func heapAllocated() uint64 {
	s := []metrics.Sample{{Name: "/gc/heap/allocs:bytes"}}
	metrics.Read(s)
	return s[0].Value.Uint64()
}

// postRaw sends body to path with tok and returns the status, the error body and the
// Retry-After header.
func postRaw(t *testing.T, url, path, tok string, body []byte, gz bool) (int, wire.Error, string) {
	t.Helper()
	req, _ := http.NewRequest("POST", url+path, bytes.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+tok)
	if gz {
		req.Header.Set("Content-Encoding", "gzip")
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var e wire.Error
	json.NewDecoder(resp.Body).Decode(&e)
	return resp.StatusCode, e, resp.Header.Get("Retry-After")
}

// manySmall returns {"<field>":[{},{},...]} of about size bytes.
func manySmall(field string, size int) []byte {
	var b bytes.Buffer
	b.WriteString(`{"` + field + `":[{}`)
	for b.Len() < size {
		b.WriteString(`,{}`)
	}
	b.WriteString(`]}`)
	return b.Bytes()
}

// A request of many small list entries, plain or gzip, under the default body limits, is
// refused at the list's limit with little memory spent, and a gzip body is refused once it
// inflates past the limit: the heap the whole process
// allocates while the server handles it stays a small multiple of the limit.
func TestHostileBodiesCostLittle(t *testing.T) {
	env := testbed.NewEnv(t, nil, nil)
	enum := testbed.Token(t, env.Users, "ani", survey.RoleEnumerator)
	sup := testbed.Token(t, env.Users, "sri", survey.RoleSupervisor)
	gz := func(b []byte) []byte {
		var z bytes.Buffer
		zw, _ := gzip.NewWriterLevel(&z, gzip.BestCompression)
		zw.Write(b)
		zw.Close()
		return z.Bytes()
	}
	tests := []struct {
		name, path, tok string
		body            []byte
		gzip            bool
	}{
		{"push of 5 MB", "/api/v1/interviews/push", enum, manySmall("items", 5<<20), false},
		{"push gzip bomb", "/api/v1/interviews/push", enum, gz(manySmall("items", 32<<20)), true},
		{"roster of 5 MB", "/api/v1/roster", sup, manySmall("rows", 5<<20), false},
		{"roster gzip bomb", "/api/v1/roster", sup, gz(manySmall("rows", 32<<20)), true},
		{"gzip bomb of one string", "/api/v1/interviews/push", enum, gz([]byte(`{"items":[{"id":"` + strings.Repeat("a", 64<<20))), true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := heapAllocated()
			status, e, _ := postRaw(t, env.URL, tt.path, tt.tok, tt.body, tt.gzip)
			took := heapAllocated() - before
			if status != http.StatusRequestEntityTooLarge || e.Code != survey.ETOOLARGE {
				t.Errorf("%d %+v, want 413 too_large", status, e)
			}
			t.Logf("%d bytes on the wire: %d KB allocated", len(tt.body), took>>10)
			// The bound leaves room for the race detector, which doubles some allocations.
			if took > 64<<20 {
				t.Errorf("handling %d bytes allocated %d MB; the bound is 64 MB", len(tt.body), took>>20)
			}
		})
	}
	if n, _ := env.Subs.Count(t.Context()); n != 0 {
		t.Errorf("%d rows stored", n)
	}
}

// slowBody opens a connection and sends a push's headers and the first bytes of its body,
// then holds it; close the returned connection to end it.
func slowBody(t *testing.T, addr, tok string) net.Conn {
	t.Helper()
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	fmt.Fprintf(conn, "POST /api/v1/interviews/push HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer %s\r\nContent-Length: 100000\r\n\r\n{\"items\":[", tok)
	return conn
}

// A body that trickles in is cut off by the read timeout while other laptops sync.
func TestSlowBodyIsCutOff(t *testing.T) {
	env := testbed.NewEnv(t, nil, nil)
	env.HTTP.Close()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	hs := server.NewHTTPServer("", env.Server, server.Timeouts{ReadHeader: time.Second, Read: time.Second, Write: 5 * time.Second, Idle: time.Second}, nil)
	go hs.Serve(ln)
	t.Cleanup(func() { hs.Close() })
	tok := testbed.Token(t, env.Users, "ani", survey.RoleEnumerator)
	slowTok := testbed.Token(t, env.Users, "eve", survey.RoleEnumerator)

	conn := slowBody(t, ln.Addr().String(), slowTok)
	defer conn.Close()
	answered := make(chan string, 1)
	go func() {
		// A byte every 100ms for as long as the server reads.
		go func() {
			for range 600 {
				if _, err := conn.Write([]byte(" ")); err != nil {
					return
				}
				time.Sleep(100 * time.Millisecond)
			}
		}()
		line, err := bufio.NewReader(conn).ReadString('\n')
		if err != nil {
			line = "closed: " + err.Error()
		}
		answered <- line
	}()

	lap := testbed.NewLaptop(t)
	want, err := testbed.Seed(t.Context(), lap.Interviews, "ani", 5)
	if err != nil {
		t.Fatal(err)
	}
	if sum := syncOnce(t, newClient(t, "http://"+ln.Addr().String(), tok), lap); sum.Count(survey.OutcomeStored) != 5 {
		t.Fatalf("summary %+v", sum)
	}
	select {
	case line := <-answered:
		if strings.HasPrefix(line, "HTTP/1.1 2") {
			t.Errorf("the slow body was accepted: %q", line)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("the slow body was never cut off")
	}
	testbed.CheckSame(t, env.Subs, want, lap)
}

// hugeCellForm returns an XLSForm whose survey sheet holds one cell of n bytes: a small
// file that inflates to n bytes.
func hugeCellForm(t *testing.T, n int) []byte {
	t.Helper()
	f := excelize.NewFile()
	if err := f.SetSheetName("Sheet1", "survey"); err != nil {
		t.Fatal(err)
	}
	f.SetCellValue("survey", "A1", "type")
	var b bytes.Buffer
	if err := f.Write(&b); err != nil {
		t.Fatal(err)
	}
	zr, err := zip.NewReader(bytes.NewReader(b.Bytes()), int64(b.Len()))
	if err != nil {
		t.Fatal(err)
	}
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
		io.WriteString(w, `<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>`)
		chunk := bytes.Repeat([]byte("a"), 1<<20)
		for range n >> 20 {
			w.Write(chunk)
		}
		io.WriteString(w, `</t></is></c></row></sheetData></worksheet>`)
	}
	zw.Close()
	return out.Bytes()
}

// A supervisor's XLSForm whose survey sheet inflates to hundreds of megabytes is refused
// with a message naming the limit, with little memory spent.
func TestPublishSpreadsheetBomb(t *testing.T) {
	env := testbed.NewEnv(t, nil, nil)
	sup := testbed.Token(t, env.Users, "sri", survey.RoleSupervisor)
	bomb := hugeCellForm(t, 256<<20)
	body, _ := json.Marshal(wire.PublishRequest{Name: "bomb.xlsx", Source: bomb})
	before := heapAllocated()
	status, e, _ := postRaw(t, env.URL, "/api/v1/forms", sup, body, false)
	took := heapAllocated() - before
	if status != http.StatusBadRequest || e.Code != survey.EINVALID || !strings.Contains(e.Message, "over 64 MB") {
		t.Errorf("%d %+v, want 400 invalid naming the limit", status, e)
	}
	t.Logf("%d bytes of xlsx: %d MB allocated", len(bomb), took>>20)
	if took > 64<<20 {
		t.Errorf("refusing the bomb allocated %d MB", took>>20)
	}
}

// Enrollment, open to anyone, takes a body of at most 4 KB.
func TestEnrollBodyIsSmall(t *testing.T) {
	env := testbed.NewEnv(t, nil, nil)
	body := []byte(`{"code":"ACDE-2346","device":"` + strings.Repeat("a", 8<<10) + `"}`)
	if status, e, _ := postRaw(t, env.URL, "/api/v1/enroll", "", body, false); status != http.StatusRequestEntityTooLarge || e.Code != survey.ETOOLARGE {
		t.Errorf("%d %+v, want 413 too_large", status, e)
	}
}

// TestConnectionFlood: a client that opens many connections and trickles a header on each
// keeps at most its share of connections open (the rest are closed at once), a header over
// the limit is answered 431 at once, and a client at another address is served meanwhile.
func TestConnectionFlood(t *testing.T) {
	env := testbed.NewEnv(t, nil, nil)
	env.HTTP.Close()
	raw, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ln := server.LimitConns(raw, 400, 100, nil)
	hs := server.NewHTTPServer("", env.Server, server.DefaultTimeouts, nil)
	go hs.Serve(ln)
	t.Cleanup(func() { hs.Close() })
	addr := raw.Addr().String()
	dial := func(from string) (net.Conn, error) {
		d := net.Dialer{LocalAddr: &net.TCPAddr{IP: net.ParseIP(from)}, Timeout: 2 * time.Second}
		return d.Dial("tcp", addr)
	}
	var conns []net.Conn
	defer func() {
		for _, c := range conns {
			c.Close()
		}
	}()
	for range 300 {
		c, err := dial("127.0.0.2")
		if err != nil {
			t.Fatal(err)
		}
		fmt.Fprintf(c, "GET /healthz HTTP/1.1\r\nHost: x\r\nX-Pad: %s", strings.Repeat("a", 8<<10))
		conns = append(conns, c)
	}
	// The connections over the address's share are closed by the server: reading them ends
	// at once; the others wait for the rest of their header.
	closed := 0
	for _, c := range conns {
		c.SetReadDeadline(time.Now().Add(20 * time.Millisecond))
		if _, err := c.Read(make([]byte, 1)); err != nil && !errors.Is(err, os.ErrDeadlineExceeded) {
			closed++
		}
	}
	if closed != 200 {
		t.Errorf("%d of 300 connections from one address closed, want 200", closed)
	}
	// Another address is served while the flood holds its connections.
	c, err := dial("127.0.0.3")
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	start := time.Now()
	fmt.Fprintf(c, "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
	c.SetReadDeadline(time.Now().Add(5 * time.Second))
	line, err := bufio.NewReader(c).ReadString('\n')
	if err != nil || !strings.HasPrefix(line, "HTTP/1.1 200") || time.Since(start) > time.Second {
		t.Errorf("another client: %q %v after %v, want 200 within 1 s", line, err, time.Since(start))
	}
	// A header over the limit is refused at once.
	big, err := dial("127.0.0.4")
	if err != nil {
		t.Fatal(err)
	}
	defer big.Close()
	fmt.Fprintf(big, "GET /healthz HTTP/1.1\r\nHost: x\r\nX-Pad: %s", strings.Repeat("a", 20<<10))
	big.SetReadDeadline(time.Now().Add(5 * time.Second))
	if line, err := bufio.NewReader(big).ReadString('\n'); err != nil || !strings.HasPrefix(line, "HTTP/1.1 431") {
		t.Errorf("a 20 KB header: %q %v, want 431", line, err)
	}
}

// TestEnrollGuessingFromManyAddresses: wrong enrollment codes sent each from another
// address (an IPv6 /64 of its own, as a client holding a /48 can; here named in
// X-Forwarded-For from loopback, as behind a proxy) are bounded server-wide, not only per
// address, and right codes do not use up that bound.
func TestEnrollGuessingFromManyAddresses(t *testing.T) {
	env := testbed.NewEnv(t, func(c *server.Config) { c.EnrollFailBurst, c.EnrollFailEvery = 5, time.Hour }, nil)
	enroll := func(i int, code string) (int, wire.Error) {
		t.Helper()
		body, _ := json.Marshal(wire.EnrollRequest{Code: code, Device: "x"})
		req, _ := http.NewRequest(http.MethodPost, env.URL+"/api/v1/enroll", bytes.NewReader(body))
		req.Header.Set("X-Forwarded-For", fmt.Sprintf("2001:db8:7:%x::1", i))
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var e wire.Error
		json.NewDecoder(resp.Body).Decode(&e)
		return resp.StatusCode, e
	}
	addr := 0
	for i := range 3 {
		_, code, err := env.Users.CreateUser(t.Context(), fmt.Sprintf("ani%d", i), survey.RoleEnumerator)
		if err != nil {
			t.Fatal(err)
		}
		if addr++; func() bool { s, _ := enroll(addr, code); return s != http.StatusOK }() {
			t.Fatalf("right code %d refused", i)
		}
	}
	for i := range 5 {
		if addr++; func() bool { s, _ := enroll(addr, "AAAA-AAAA"); return s != http.StatusUnauthorized }() {
			t.Fatalf("wrong code %d from a fresh address: want 401 while within the bound", i)
		}
	}
	_, code, err := env.Users.CreateUser(t.Context(), "budi", survey.RoleEnumerator)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []string{"AAAA-AAAA", code} {
		addr++
		if status, e := enroll(addr, c); status != http.StatusTooManyRequests || e.Code != survey.ERATELIMIT {
			t.Errorf("code %s from a fresh address after the bound: %d %+v, want 429", c, status, e)
		}
	}
}

// TestRelayConfirmationsCountWrongCodes: a supervisor's token confirming enrollments "made
// at a relay" tests codes at the centre; codes the centre does not know use up the same
// server-wide bound as wrong codes at enrollment, and then every guess is refused, while a
// confirmation of a real code takes no share of it.
func TestRelayConfirmationsCountWrongCodes(t *testing.T) {
	env := testbed.NewEnv(t, func(c *server.Config) { c.EnrollFailBurst, c.EnrollFailEvery = 3, time.Hour }, nil)
	sup := testbed.Token(t, env.Users, "sri", survey.RoleSupervisor)
	confirm := func(code, user string, i int) (int, wire.RelayEnrollResponse) {
		t.Helper()
		body, _ := json.Marshal(wire.RelayEnrollRequest{Code: code, User: user, TokenHash: fmt.Sprintf("%064x", i), EnrolledAt: time.Now().UTC()})
		req, _ := http.NewRequest(http.MethodPost, env.URL+"/api/v1/relay/enroll", bytes.NewReader(body))
		req.Header.Set("Authorization", "Bearer "+sup)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var out wire.RelayEnrollResponse
		json.NewDecoder(resp.Body).Decode(&out)
		return resp.StatusCode, out
	}
	for i := range 2 {
		_, code, err := env.Users.CreateUser(t.Context(), fmt.Sprintf("ani%d", i), survey.RoleEnumerator)
		if err != nil {
			t.Fatal(err)
		}
		if status, out := confirm(code, fmt.Sprintf("ani%d", i), 100+i); status != http.StatusOK || !out.Confirmed {
			t.Fatalf("a real code: %d %+v", status, out)
		}
	}
	for i := range 3 {
		if status, out := confirm("AAAA-AAAA", "ani0", i); status != http.StatusOK || out.Confirmed {
			t.Fatalf("wrong code %d within the bound: %d %+v, want 200 not confirmed", i, status, out)
		}
	}
	if status, _ := confirm("AAAA-AAAA", "ani0", 9); status != http.StatusTooManyRequests {
		t.Errorf("a wrong code past the bound: %d, want 429", status)
	}
	body, _ := json.Marshal(wire.EnrollRequest{Code: "AAAA-AAAA"})
	if status, e, _ := postRaw(t, env.URL, "/api/v1/enroll", "", body, false); status != http.StatusTooManyRequests {
		t.Errorf("enrollment after the confirmations used up the bound: %d %+v, want 429", status, e)
	}
}

// TestRosterUploadCellLimit: a roster upload whose value or extra column name is longer
// than a roster file's cell may be (survey/roster's limit, which the supervisor's reader
// applies) is refused by the server too, naming the row and column without repeating the
// text, and nothing is stored; a value at the limit is taken. Every laptop, relay and
// Collect phone pulls what the roster holds: one 7 MB column name made every pull of its
// page 7.6 MB.
func TestRosterUploadCellLimit(t *testing.T) {
	if wire.MaxRosterCell != roster.Limits.CellBytes {
		t.Fatalf("wire.MaxRosterCell %d, the roster reader's cell limit %d", wire.MaxRosterCell, roster.Limits.CellBytes)
	}
	env := testbed.NewEnv(t, nil, nil)
	sup := testbed.Token(t, env.Users, "sri", survey.RoleSupervisor)
	big := strings.Repeat("a", wire.MaxRosterCell+1)
	for name, row := range map[string]*survey.Respondent{
		"column full_name": {RosterID: "R1", Name: big},
		"column alamat":    {RosterID: "R1", Name: "Budi", Extra: map[string]string{"alamat": big}},
		"column's name":    {RosterID: "R1", Name: "Budi", Extra: map[string]string{big: "x"}},
		"roster id has":    {RosterID: big, Name: "Budi"},
		"column phone":     {RosterID: "R1", Name: "Budi", PhoneRaw: big},
	} {
		body, _ := json.Marshal(wire.RosterUpload{Rows: []*survey.Respondent{{RosterID: "R0", Name: "Ani"}, row}})
		status, e, _ := postRaw(t, env.URL, "/api/v1/roster", sup, body, false)
		if status != http.StatusBadRequest || !strings.Contains(e.Message, "Row 2") || !strings.Contains(e.Message, name) || strings.Contains(e.Message, big) {
			t.Errorf("%s over the limit: %d %.200q", name, status, e.Message)
		}
	}
	if rows, err := sqlite.NewServerRosterStore(env.DB).Changes(t.Context(), 0, 10, ""); err != nil || len(rows) != 0 {
		t.Fatalf("refused uploads stored %d rows (%v)", len(rows), err)
	}
	at := strings.Repeat("a", wire.MaxRosterCell)
	body, _ := json.Marshal(wire.RosterUpload{Rows: []*survey.Respondent{{RosterID: "R1", Name: "Budi", Extra: map[string]string{"alamat": at}}}})
	if status, e, _ := postRaw(t, env.URL, "/api/v1/roster", sup, body, false); status != http.StatusOK {
		t.Errorf("a value at the limit: %d %+v", status, e)
	}
}

// TestRosterPagesAreBoundedInBytes: a page of the roster (a laptop's pull and a relay's)
// carries about a megabyte of rows at most, however large each row is, and the pages
// still add up to the whole roster. 1,000 rows of 8 KB made one 8 MB page, built whole
// for each request.
func TestRosterPagesAreBoundedInBytes(t *testing.T) {
	env := testbed.NewEnv(t, nil, nil)
	rows := make([]*survey.Respondent, 1000)
	for i := range rows {
		rows[i] = &survey.Respondent{RosterID: fmt.Sprintf("R%04d", i), Name: "Budi", Extra: map[string]string{
			"alamat": strings.Repeat("a", wire.MaxRosterCell), "catatan": strings.Repeat("c", wire.MaxRosterCell)}}
	}
	if _, err := sqlite.NewServerRosterStore(env.DB).Upload(t.Context(), rows); err != nil {
		t.Fatal(err)
	}
	sup := testbed.Token(t, env.Users, "sri", survey.RoleSupervisor)
	for _, route := range []string{"/api/v1/roster", "/api/v1/relay/roster"} {
		seen := map[string]bool{}
		after, pages := int64(0), 0
		for more := true; more; pages++ {
			if pages > 1000 {
				t.Fatalf("%s: pages do not end", route)
			}
			req, _ := http.NewRequest(http.MethodGet, fmt.Sprintf("%s%s?after=%d", env.URL, route, after), nil)
			req.Header.Set("Authorization", "Bearer "+sup)
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode != http.StatusOK {
				t.Fatalf("%s: %d %s", route, resp.StatusCode, body)
			}
			if len(body) > 2<<20 {
				t.Fatalf("%s: a page of %d bytes", route, len(body))
			}
			var page struct {
				Rows []struct {
					Respondent survey.Respondent `json:"respondent"`
				} `json:"rows"`
				Next int64 `json:"next"`
				More bool  `json:"more"`
			}
			if err := json.Unmarshal(body, &page); err != nil {
				t.Fatal(err)
			}
			for _, r := range page.Rows {
				seen[r.Respondent.RosterID] = true
			}
			after, more = page.Next, page.More
		}
		if len(seen) != len(rows) {
			t.Errorf("%s: %d pages carried %d of %d rows", route, pages, len(seen), len(rows))
		}
	}
}

// TestEnrollHallBehindOneAddress: a hall of laptops behind one hotspot (or a relay passing
// its laptops' codes on) enrolls from one address: every right code is taken, however many
// more than the address's bound, while wrong codes from that address are still bounded.
func TestEnrollHallBehindOneAddress(t *testing.T) {
	env := testbed.NewEnv(t, nil, nil)
	enroll := func(code string) int {
		t.Helper()
		body, _ := json.Marshal(wire.EnrollRequest{Code: code, Device: "laptop"})
		resp, err := http.Post(env.URL+"/api/v1/enroll", "application/json", bytes.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	for i := range 25 {
		_, code, err := env.Users.CreateUser(t.Context(), fmt.Sprintf("pencacah%02d", i), survey.RoleEnumerator)
		if err != nil {
			t.Fatal(err)
		}
		if status := enroll(code); status != http.StatusOK {
			t.Fatalf("laptop %d of the hall, a right code: %d, want 200", i+1, status)
		}
	}
	limited := false
	for i := range 20 {
		status := enroll("AAAA-AAAA")
		if status == http.StatusTooManyRequests {
			limited = i > 0
			break
		}
		if status != http.StatusUnauthorized {
			t.Fatalf("wrong code %d: %d, want 401", i+1, status)
		}
	}
	if !limited {
		t.Error("20 wrong codes from one address, and none was refused as too many")
	}
}
