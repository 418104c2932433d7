package server_test

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	gosync "sync"
	"testing"
	"time"

	"github.com/google/uuid"

	"tracer/survey"
	"tracer/survey/sqlite"
	"tracer/sync/client"
	"tracer/sync/testbed"
	"tracer/sync/wire"
)

// TestLinkDownloadsGzip: the link page's script and its prefilled form go compressed to a
// browser that takes gzip (alumni open their links on prepaid mobile data), the same bytes
// once inflated, and whole to a client that refuses gzip, by the weights of
// Accept-Encoding.
func TestLinkDownloadsGzip(t *testing.T) {
	e := newLinkEnv(t)
	for _, url := range []string{e.URL + "/r/assets/app.js", e.url + "/form.xml"} {
		t.Run(url[strings.LastIndexByte(url, '/')+1:], func(t *testing.T) { checkGzip(t, url) })
	}
}

func checkGzip(t *testing.T, url string) {
	plain := &http.Client{Transport: &http.Transport{DisableCompression: true}}
	get := func(accept string) (*http.Response, []byte) {
		t.Helper()
		req, _ := http.NewRequest(http.MethodGet, url, nil)
		if accept != "" {
			req.Header.Set("Accept-Encoding", accept)
		}
		resp, err := plain.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, err := io.ReadAll(resp.Body)
		if err != nil || resp.StatusCode != http.StatusOK {
			t.Fatalf("Accept-Encoding %q: %d %v", accept, resp.StatusCode, err)
		}
		return resp, b
	}
	_, whole := get("")
	for _, c := range []struct {
		accept string
		gzip   bool
	}{
		{"gzip, deflate, br, zstd", true}, // Chromium's
		{"*;q=0.5", true},
		{"GZIP;q=0.8, identity", true},
		{"", false},
		{"identity", false},
		{"br", false},
		{"gzip;q=0, *", false},
		{"gzip; q=0.0", false},
	} {
		resp, b := get(c.accept)
		if got := resp.Header.Get("Content-Encoding") == "gzip"; got != c.gzip {
			t.Errorf("Accept-Encoding %q: Content-Encoding %q, want gzip %v", c.accept, resp.Header.Get("Content-Encoding"), c.gzip)
			continue
		}
		if !strings.Contains(resp.Header.Get("Vary"), "Accept-Encoding") {
			t.Errorf("Accept-Encoding %q: no Vary: Accept-Encoding, so a cache may hand gzip to a client that takes none", c.accept)
		}
		if !c.gzip {
			if !bytes.Equal(b, whole) {
				t.Errorf("Accept-Encoding %q: %d bytes, want the whole %d", c.accept, len(b), len(whole))
			}
			continue
		}
		if len(b) > len(whole)/2 {
			t.Errorf("Accept-Encoding %q: %d bytes compressed of %d", c.accept, len(b), len(whole))
		}
		zr, err := gzip.NewReader(bytes.NewReader(b))
		if err != nil {
			t.Fatal(err)
		}
		inflated, err := io.ReadAll(zr)
		if err != nil || !bytes.Equal(inflated, whole) {
			t.Errorf("Accept-Encoding %q: inflates to %d bytes (%v), want the whole %d", c.accept, len(inflated), err, len(whole))
		}
	}
}

// TestJSONAnswersGzip: a large JSON answer (a page of the roster) goes compressed to a
// client that takes gzip, the same JSON once inflated, and whole to one that does not; a
// small answer goes whole either way. The laptops' own client asks for gzip and inflates
// it by itself, so their syncs (every sync test) run over the compressed answers.
func TestJSONAnswersGzip(t *testing.T) {
	var asked gosync.Map // path -> Accept-Encoding
	env := testbed.NewEnv(t, nil, func(h http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			asked.Store(r.URL.Path, r.Header.Get("Accept-Encoding"))
			h.ServeHTTP(w, r)
		})
	})
	rows := make([]*survey.Respondent, 300)
	for i := range rows {
		rows[i] = &survey.Respondent{RosterID: fmt.Sprintf("R%04d", i), Name: "Dimas Gunawan", Sex: "L", BatchID: "BTG-2025-03",
			Kejuruan: "Teknik Las", Regency: "Kabupaten Kutai Kartanegara", Phone: "+6281234567001", Completion: "pass"}
	}
	if _, err := sqlite.NewServerRosterStore(env.DB).Upload(t.Context(), rows); err != nil {
		t.Fatal(err)
	}
	tok := testbed.Token(t, env.Users, "sri", survey.RoleSupervisor)
	plain := &http.Client{Transport: &http.Transport{DisableCompression: true}}
	get := func(path, accept string) (*http.Response, []byte) {
		t.Helper()
		req, _ := http.NewRequest(http.MethodGet, env.URL+path, nil)
		req.Header.Set("Authorization", "Bearer "+tok)
		if accept != "" {
			req.Header.Set("Accept-Encoding", accept)
		}
		resp, err := plain.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, err := io.ReadAll(resp.Body)
		if err != nil || resp.StatusCode != http.StatusOK {
			t.Fatalf("%s: %d %v", path, resp.StatusCode, err)
		}
		return resp, b
	}
	_, whole := get("/api/v1/roster", "")
	resp, packed := get("/api/v1/roster", "gzip")
	if resp.Header.Get("Content-Encoding") != "gzip" || !strings.Contains(resp.Header.Get("Vary"), "Accept-Encoding") {
		t.Fatalf("a roster page of %d bytes to a client taking gzip: Content-Encoding %q, Vary %q", len(whole),
			resp.Header.Get("Content-Encoding"), resp.Header.Get("Vary"))
	}
	zr, err := gzip.NewReader(bytes.NewReader(packed))
	if err != nil {
		t.Fatal(err)
	}
	inflated, err := io.ReadAll(zr)
	if err != nil || !bytes.Equal(inflated, whole) {
		t.Fatalf("the compressed page inflates to %d bytes (%v), want the %d of the whole", len(inflated), err, len(whole))
	}
	if len(packed) > len(whole)/4 {
		t.Errorf("a roster page of %d bytes compressed to %d", len(whole), len(packed))
	}
	t.Logf("a roster page of 300 rows: %d bytes, %d compressed", len(whole), len(packed))
	if resp, _ := get("/api/v1/me", "gzip"); resp.Header.Get("Content-Encoding") != "" {
		t.Errorf("a small answer compressed: Content-Encoding %q", resp.Header.Get("Content-Encoding"))
	}
	// A laptop's client asks for gzip and reads the compressed page as the whole one.
	c, err := client.NewClient(env.URL, client.WithToken(tok))
	if err != nil {
		t.Fatal(err)
	}
	asked.Delete("/api/v1/roster")
	page, err := c.Roster(t.Context(), 0, false)
	if err != nil || len(page.Rows) != len(rows) {
		t.Fatalf("the laptop's client pulled %d roster rows (%v), want %d", len(page.Rows), err, len(rows))
	}
	if a, _ := asked.Load("/api/v1/roster"); !acceptsGzipHeader(a) {
		t.Errorf("the laptop's client asked for the roster with Accept-Encoding %q, not gzip", a)
	}
}

func acceptsGzipHeader(v any) bool {
	s, _ := v.(string)
	return strings.Contains(s, "gzip")
}

// TestRequestContentCodingAnyCase: a push compressed with gzip is read whatever the case of
// its Content-Encoding, and as x-gzip too (RFC 9110: codings are case-insensitive, x-gzip is
// gzip); another coding is refused, naming it.
func TestRequestContentCodingAnyCase(t *testing.T) {
	env := testbed.NewEnv(t, nil, nil)
	tok := testbed.Token(t, env.Users, "ani", survey.RoleEnumerator)
	id := uuid.NewString()
	body, hash, err := testbed.Record(id, "ani", 1, time.Now().UTC())
	if err != nil {
		t.Fatal(err)
	}
	push, _ := json.Marshal(wire.PushRequest{DeviceTime: time.Now().UTC(), Items: []wire.PushItem{{ID: id, Revision: 1, Hash: hash, Body: body}}})
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	zw.Write(push)
	zw.Close()
	for _, enc := range []string{"GZIP", "Gzip", "x-gzip", " gzip "} {
		req, _ := http.NewRequest(http.MethodPost, env.URL+"/api/v1/interviews/push", bytes.NewReader(buf.Bytes()))
		req.Header.Set("Authorization", "Bearer "+tok)
		req.Header.Set("Content-Encoding", enc)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		var pr wire.PushResponse
		err = json.NewDecoder(resp.Body).Decode(&pr)
		resp.Body.Close()
		if err != nil || resp.StatusCode != http.StatusOK || len(pr.Receipts) != 1 {
			t.Fatalf("Content-Encoding %q: %s %v %+v", enc, resp.Status, err, pr)
		}
	}
	if _, err := env.Subs.Get(t.Context(), id, 1); err != nil {
		t.Fatal(err)
	}
	req, _ := http.NewRequest(http.MethodPost, env.URL+"/api/v1/interviews/push", bytes.NewReader(buf.Bytes()))
	req.Header.Set("Authorization", "Bearer "+tok)
	req.Header.Set("Content-Encoding", "br")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var e wire.Error
	json.NewDecoder(resp.Body).Decode(&e)
	if resp.StatusCode != http.StatusBadRequest || e.Message != `Content-Encoding "br" is not supported; use gzip or none.` {
		t.Fatalf("Content-Encoding br: %s %+v", resp.Status, e)
	}
}
