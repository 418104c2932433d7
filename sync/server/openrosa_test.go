package server_test

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"context"
	"crypto/md5"
	"encoding/hex"
	"encoding/xml"
	"flag"
	"fmt"
	"io"
	"mime/multipart"
	"net"
	"net/http"
	"net/textproto"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"tracer/forms"
	"tracer/survey"
	"tracer/sync/server"
	"tracer/sync/testbed"
)

var updateCollect = flag.Bool("update-collect", false, "rewrite the recorded Collect submissions in testdata/openrosa from the employed persona")

// instanceXML writes the answers of form f as the XML instance Collect submits: every
// element of the form, empty ones too, with meta/instanceID.
func instanceXML(f *forms.Form, answers []survey.Answer, instanceID string) []byte {
	vals := map[string]string{}
	for _, a := range answers {
		vals[a.Path] = a.Value
	}
	var b bytes.Buffer
	b.WriteString(`<?xml version='1.0' ?>`)
	fmt.Fprintf(&b, `<data id=%q version=%q xmlns:jr="http://openrosa.org/javarosa" xmlns:odk="http://www.opendatakit.org/xforms" xmlns:orx="http://openrosa.org/xforms">`, f.ID, f.Version)
	var walk func(n *forms.Node, path string)
	walk = func(n *forms.Node, path string) {
		for _, c := range n.Children {
			p := c.Name
			if path != "" {
				p = path + "/" + c.Name
			}
			switch c.Kind {
			case forms.KindRepeat:
				for i := 1; ; i++ {
					ip := fmt.Sprintf("%s[%d]", p, i)
					if _, ok := vals[ip]; !ok {
						break
					}
					fmt.Fprintf(&b, "<%s>", c.Name)
					walk(c, ip)
					fmt.Fprintf(&b, "</%s>", c.Name)
				}
			case forms.KindGroup:
				fmt.Fprintf(&b, "<%s>", c.Name)
				walk(c, p)
				fmt.Fprintf(&b, "</%s>", c.Name)
			default:
				if v := vals[p]; v != "" {
					fmt.Fprintf(&b, "<%s>", c.Name)
					_ = xml.EscapeText(&b, []byte(v))
					fmt.Fprintf(&b, "</%s>", c.Name)
				} else {
					fmt.Fprintf(&b, "<%s/>", c.Name)
				}
			}
		}
	}
	walk(f.Root, "")
	fmt.Fprintf(&b, "<meta><instanceID>uuid:%s</instanceID><instanceName>Alumni</instanceName></meta></data>", instanceID)
	return b.Bytes()
}

// writeCollectFixtures records the requests Collect sends for the employed persona: a HEAD
// preflight and the POST that follows it, as ODK Collect (OkHttp) sends them, and one from an
// older Collect (its "*****" boundary and ISO Date header).
func writeCollectFixtures(t *testing.T) {
	f, answers, err := testbed.Builtin()
	if err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join("testdata", "openrosa")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	crlf := func(lines ...string) string { return strings.Join(lines, "\r\n") + "\r\n" }
	doc := instanceXML(f, answers, "5b0c7e4e-8f7e-4b1e-9a3e-2f6c1d0a9b11")
	const okhttp = "org.odk.collect.android/v2024.3.5 okhttp/4.12.0 Dalvik/2.1.0 (Linux; U; Android 13; SM-A145F Build/TP1A.220624.014)"
	head := crlf("HEAD /v1/key/TOKEN/submission?deviceID=collect%3AgB4gWSUAGwN1ahyy HTTP/1.1",
		"X-OpenRosa-Version: 1.0", "Date: Mon, 30 Nov 2026 01:12:09 GMT", "User-Agent: "+okhttp,
		"Host: tracer.example", "Connection: Keep-Alive", "Accept-Encoding: gzip", "")
	boundary := "c2d9f0a1-6b7e-4c55-8f3a-0d1e2f3a4b5c"
	var body bytes.Buffer
	body.WriteString(crlf("--"+boundary, `Content-Disposition: form-data; name="xml_submission_file"; filename="blk_tracer_2026-11-30_09-11-47.xml"`,
		"Content-Type: text/xml", fmt.Sprintf("Content-Length: %d", len(doc)), ""))
	body.Write(doc)
	body.WriteString("\r\n--" + boundary + "--\r\n")
	post := crlf("POST /v1/key/TOKEN/submission?deviceID=collect%3AgB4gWSUAGwN1ahyy HTTP/1.1",
		"X-OpenRosa-Version: 1.0", "Date: Mon, 30 Nov 2026 01:12:10 GMT", "User-Agent: "+okhttp,
		"Content-Type: multipart/form-data; boundary="+boundary, fmt.Sprintf("Content-Length: %d", body.Len()),
		"Host: tracer.example", "Connection: Keep-Alive", "Accept-Encoding: gzip", "") + body.String()
	oldDoc := instanceXML(f, answers, "0e7d3c2b-1a09-4f8e-9d6c-5b4a39281706")
	var oldBody bytes.Buffer
	oldBody.WriteString(crlf("--*****", `Content-Disposition: form-data; name="xml_submission_file"; filename="BLK tracer_2026-11-29_14-42-01.xml"`,
		"Content-Type: text/xml;", ""))
	oldBody.Write(oldDoc)
	oldBody.WriteString("\r\n--*****--\r\n")
	old := crlf("POST /v1/key/TOKEN/submission HTTP/1.1", "X-OpenRosa-Version: 1.0", "Date: 2026-11-29T14:56:39+0800",
		"Accept-Encoding: gzip, deflate", "Cache-Control: no-cache", "Content-Type: multipart/form-data;boundary=*****",
		"User-Agent: Dalvik/2.1.0 (Linux; U; Android 6.0.1; SM-T700 Build/MMB29K)", "Host: tracer.example",
		fmt.Sprintf("Content-Length: %d", oldBody.Len()), "Connection: keep-alive", "") + oldBody.String()
	for name, s := range map[string]string{"collect-head.http": head, "collect-submission.http": post, "collect-old-submission.http": old} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(s), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// replay sends a recorded request to the server at base with token in place of TOKEN.
func replay(t *testing.T, base, name, token string) *http.Response {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join("testdata", "openrosa", name))
	if err != nil {
		t.Fatal(err)
	}
	rec, err := http.ReadRequest(bufio.NewReader(bytes.NewReader(raw)))
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	body, err := io.ReadAll(rec.Body)
	if err != nil {
		t.Fatal(err)
	}
	req, err := http.NewRequest(rec.Method, base+strings.Replace(rec.URL.RequestURI(), "TOKEN", token, 1), bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header = rec.Header
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { resp.Body.Close() })
	return resp
}

// orMessage reads an OpenRosa response's message.
func orMessage(t *testing.T, resp *http.Response) string {
	t.Helper()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	var v struct {
		XMLName xml.Name
		Message string `xml:"message"`
	}
	if err := xml.Unmarshal(b, &v); err != nil || v.XMLName.Local != "OpenRosaResponse" || v.XMLName.Space != "http://openrosa.org/http/response" {
		t.Fatalf("not an OpenRosa response (%v): %s", err, b)
	}
	return v.Message
}

// TestCollectSubmission replays Collect's recorded HEAD and POST: the preflight answers 204
// with the OpenRosa headers, the submission 201, the server holds it as an interview of the
// employed persona with mode collect and the device id, the same POST again is a harmless
// duplicate (201), and an older Collect's submission is stored too.
func TestCollectSubmission(t *testing.T) {
	if *updateCollect {
		writeCollectFixtures(t)
	}
	ctx := context.Background()
	env := testbed.NewEnv(t, nil, nil)
	tok := testbed.Token(t, env.Users, "sari", survey.RoleEnumerator)

	head := replay(t, env.URL, "collect-head.http", tok)
	if head.StatusCode != http.StatusNoContent || head.Header.Get("X-OpenRosa-Version") != "1.0" ||
		head.Header.Get("X-OpenRosa-Accept-Content-Length") == "" || head.Header.Get("Date") == "" {
		t.Fatalf("HEAD: %d %v", head.StatusCode, head.Header)
	}

	resp := replay(t, env.URL, "collect-submission.http", tok)
	if resp.StatusCode != http.StatusCreated || resp.Header.Get("X-OpenRosa-Version") != "1.0" {
		t.Fatalf("POST: %d %s", resp.StatusCode, orMessage(t, resp))
	}
	orMessage(t, resp)
	sub, err := env.Subs.Get(ctx, "5b0c7e4e-8f7e-4b1e-9a3e-2f6c1d0a9b11", 1)
	if err != nil {
		t.Fatal(err)
	}
	rec, err := survey.DecodeRecord(sub.Body)
	if err != nil {
		t.Fatal(err)
	}
	_, want, _ := testbed.Builtin()
	got := rec.AnswerList()
	for _, a := range want {
		if rec.Answers[a.Path] != a.Value {
			t.Errorf("answer %s = %q, want %q", a.Path, rec.Answers[a.Path], a.Value)
		}
	}
	if len(got) != len(want) {
		t.Errorf("%d answers stored, want %d", len(got), len(want))
	}
	if rec.Mode != survey.CaptureCollect || rec.Device != "collect:gB4gWSUAGwN1ahyy" || rec.Enumerator != "sari" ||
		sub.SubmittedBy != "sari" || rec.RespondentID == "" || rec.RespondentID != rec.Answers["grp_consent/roster_id"] {
		t.Errorf("record mode %q device %q enumerator %q respondent %q, submitted by %q", rec.Mode, rec.Device, rec.Enumerator, rec.RespondentID, sub.SubmittedBy)
	}
	if rec.StartedAt.IsZero() || rec.FinalizedAt.IsZero() {
		t.Errorf("start %v end %v not read from the instance", rec.StartedAt, rec.FinalizedAt)
	}

	again := replay(t, env.URL, "collect-submission.http", tok)
	if again.StatusCode != http.StatusCreated {
		t.Fatalf("the same POST again: %d %s", again.StatusCode, orMessage(t, again))
	}
	if msg := orMessage(t, again); !strings.Contains(msg, "Already received") {
		t.Errorf("duplicate message %q", msg)
	}
	if n, _ := env.Subs.Count(ctx); n != 1 {
		t.Fatalf("%d revisions stored after a duplicate, want 1", n)
	}

	old := replay(t, env.URL, "collect-old-submission.http", tok)
	if old.StatusCode != http.StatusCreated {
		t.Fatalf("older Collect: %d %s", old.StatusCode, orMessage(t, old))
	}
	if n, _ := env.Subs.Count(ctx); n != 2 {
		t.Fatalf("%d revisions stored, want 2", n)
	}
}

// postInstance posts doc as Collect does, with extra parts (name, size) streamed from a
// generator so that a large body is never held in memory by the test.
func postInstance(t *testing.T, url string, doc []byte, extra map[string]int64) *http.Response {
	t.Helper()
	pr, pw := io.Pipe()
	mw := multipart.NewWriter(pw)
	go func() {
		part, _ := mw.CreateFormFile("xml_submission_file", "instance.xml")
		_, _ = part.Write(doc)
		for name, size := range extra {
			p, err := mw.CreateFormFile(name, name)
			if err != nil {
				pw.CloseWithError(err)
				return
			}
			if _, err := io.CopyN(p, zeros{}, size); err != nil {
				pw.CloseWithError(err)
				return
			}
		}
		pw.CloseWithError(mw.Close())
	}()
	req, err := http.NewRequest(http.MethodPost, url, pr)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.Header.Set("X-OpenRosa-Version", "1.0")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { resp.Body.Close() })
	return resp
}

type zeros struct{}

func (zeros) Read(p []byte) (int, error) {
	clear(p)
	return len(p), nil
}

// TestCollectBadSubmissions sends what Collect must be told about in one clear line, with
// nothing stored and the server still working: an unknown form, a form version not
// published, malformed XML, an answer the form does not have, an answer that breaks a
// constraint, no instance part, a photo (tracer keeps no media: refused, naming the file and
// its question, never dropped unseen), a 50 MB photo (chunked, so refused while reading), a
// bad token and another content under a stored instanceID (kept, flagged: 202).
func TestCollectBadSubmissions(t *testing.T) {
	ctx := context.Background()
	env := testbed.NewEnv(t, nil, nil)
	tok := testbed.Token(t, env.Users, "sari", survey.RoleEnumerator)
	url := env.URL + "/v1/key/" + tok + "/submission"
	f, answers, err := testbed.Builtin()
	if err != nil {
		t.Fatal(err)
	}
	good := instanceXML(f, answers, "a1b2c3d4-0000-4000-8000-000000000001")
	with := func(path, value string) []survey.Answer {
		out := append([]survey.Answer(nil), answers...)
		for i := range out {
			if out[i].Path == path {
				out[i].Value = value
			}
		}
		return out
	}
	for _, tt := range []struct {
		name   string
		doc    []byte
		extra  map[string]int64
		status int
		msg    string
	}{
		{"unknown form", bytes.Replace(good, []byte(`id="`+f.ID+`"`), []byte(`id="household_survey"`), 1), nil, 404, `Form "household_survey" version`},
		{"unpublished version", bytes.Replace(good, []byte(`version="`+f.Version+`"`), []byte(`version="1999"`), 1), nil, 404, "is not published on this server"},
		{"malformed XML", good[:len(good)-20], nil, 400, "The XML instance cannot be read"},
		{"not XML", []byte("hello"), nil, 400, "The XML instance cannot be read"},
		{"no form id", []byte(`<data><a>1</a></data>`), nil, 400, "no id attribute"},
		{"unknown question", bytes.Replace(good, []byte("<meta>"), []byte("<salary>9</salary><meta>"), 1), nil, 400, "has no question salary"},
		{"broken constraint", instanceXML(f, with("grp_job/hours_week", "200"), "a1b2c3d4-0000-4000-8000-000000000002"), nil, 400, "Question hours_week"},
		{"no instance id", bytes.Replace(good, []byte("<instanceID>uuid:a1b2c3d4-0000-4000-8000-000000000001</instanceID>"), nil, 1), nil, 400, "no usable meta/instanceID"},
		{"50 MB photo", good, map[string]int64{"photo.jpg": 50 << 20}, 413, "tracer keeps no photos"},
		{"a photo", good, map[string]int64{"1732950000123.jpg": 200 << 10}, 400, "carries 1 file, first 1732950000123.jpg: tracer keeps no photos or other files, so it is not stored"},
		{"a photo answering a question", instanceXML(f, with("grp_assessment/suggestion", "IMG_0001.jpg"), "a1b2c3d4-0000-4000-8000-000000000003"),
			map[string]int64{"IMG_0001.jpg": 1 << 10}, 400, "first IMG_0001.jpg (the answer to grp_assessment/suggestion)"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			resp := postInstance(t, url, tt.doc, tt.extra)
			msg := orMessage(t, resp)
			if resp.StatusCode != tt.status || !strings.Contains(msg, tt.msg) || strings.Contains(msg, "\n") {
				t.Errorf("%d %q, want %d with %q on one line", resp.StatusCode, msg, tt.status, tt.msg)
			}
		})
	}
	if n, _ := env.Subs.Count(ctx); n != 0 {
		t.Fatalf("%d revisions stored from bad submissions", n)
	}

	// A 50 MB body that says its length up front is refused before it is read.
	req, _ := http.NewRequest(http.MethodPost, url, io.LimitReader(zeros{}, 50<<20))
	req.ContentLength = 50 << 20
	req.Header.Set("Content-Type", "multipart/form-data; boundary=x")
	resp, err := http.DefaultClient.Do(req)
	if err == nil {
		defer resp.Body.Close()
		if msg := orMessage(t, resp); resp.StatusCode != 413 || !strings.Contains(msg, "at most") {
			t.Errorf("declared 50 MB: %d %q", resp.StatusCode, msg)
		}
	}

	if resp := postInstance(t, env.URL+"/v1/key/forged/submission", good, nil); resp.StatusCode != 401 {
		t.Errorf("forged token: %d %s", resp.StatusCode, orMessage(t, resp))
	}
	an := testbed.Token(t, env.Users, "budi", survey.RoleAnalyst)
	if resp := postInstance(t, env.URL+"/v1/key/"+an+"/submission", good, nil); resp.StatusCode != 403 {
		t.Errorf("analyst: %d %s", resp.StatusCode, orMessage(t, resp))
	}

	// Still working: the good instance is stored; another content under its instanceID is
	// kept apart and flagged.
	if resp := postInstance(t, url, good, nil); resp.StatusCode != 201 {
		t.Fatalf("good instance after the bad ones: %d %s", resp.StatusCode, orMessage(t, resp))
	}
	twin := instanceXML(f, with("grp_job/hours_week", "41"), "a1b2c3d4-0000-4000-8000-000000000001")
	resp = postInstance(t, url, twin, nil)
	if msg := orMessage(t, resp); resp.StatusCode != 202 || !strings.Contains(msg, "flagged for the supervisor") {
		t.Fatalf("conflicting content: %d %q", resp.StatusCode, msg)
	}
	sub, err := env.Subs.Get(ctx, "a1b2c3d4-0000-4000-8000-000000000001", 1)
	if err != nil {
		t.Fatal(err)
	}
	conflicts, err := env.Subs.Conflicts(ctx, sub.InterviewID, 1)
	if err != nil || len(conflicts) != 1 || conflicts[0].Hash == sub.Hash {
		t.Fatalf("conflicts %d (%v)", len(conflicts), err)
	}
	if n, _ := env.Subs.Count(ctx); n != 1 {
		t.Fatalf("%d revisions stored, want 1", n)
	}
}

// TestCollectFormList walks what Collect does before a submission: the form list names the
// built-in form with its version and the md5 of the XForm that its downloadUrl serves, the
// manifest is an empty OpenRosa manifest, and a retired form leaves the list.
func TestCollectFormList(t *testing.T) {
	env := testbed.NewEnv(t, nil, nil)
	tok := testbed.Token(t, env.Users, "sari", survey.RoleEnumerator)
	f, _, _ := testbed.Builtin()
	get := func(url string) (*http.Response, []byte) {
		t.Helper()
		req, _ := http.NewRequest(http.MethodGet, url, nil)
		req.Header.Set("X-OpenRosa-Version", "1.0")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		if resp.Header.Get("X-OpenRosa-Version") != "1.0" {
			t.Errorf("%s: no X-OpenRosa-Version", url)
		}
		return resp, b
	}
	resp, body := get(env.URL + "/v1/key/" + tok + "/formList?deviceID=collect%3Aabc")
	if resp.StatusCode != http.StatusOK || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/xml") {
		t.Fatalf("formList: %d %s", resp.StatusCode, body)
	}
	var list struct {
		XMLName xml.Name
		Forms   []struct {
			FormID      string `xml:"formID"`
			Name        string `xml:"name"`
			Version     string `xml:"version"`
			Hash        string `xml:"hash"`
			DownloadURL string `xml:"downloadUrl"`
			ManifestURL string `xml:"manifestUrl"`
		} `xml:"xform"`
	}
	if err := xml.Unmarshal(body, &list); err != nil || list.XMLName.Space != "http://openrosa.org/xforms/xformsList" || list.XMLName.Local != "xforms" {
		t.Fatalf("formList is not an xforms list (%v): %s", err, body)
	}
	if len(list.Forms) != 1 || list.Forms[0].FormID != f.ID || list.Forms[0].Version != f.Version || list.Forms[0].Name != f.Title {
		t.Fatalf("formList: %+v", list.Forms)
	}
	x := list.Forms[0]
	resp, doc := get(x.DownloadURL)
	sum := md5.Sum(doc)
	if resp.StatusCode != http.StatusOK || x.Hash != "md5:"+hex.EncodeToString(sum[:]) || !bytes.Contains(doc, []byte(`<data id="`+f.ID+`" version="`+f.Version+`"`)) {
		t.Fatalf("download %s: %d, hash %s, listed %s", x.DownloadURL, resp.StatusCode, hex.EncodeToString(sum[:]), x.Hash)
	}
	var w bytes.Buffer
	if err := forms.WriteXForm(&w, f); err != nil || !bytes.Equal(w.Bytes(), doc) {
		t.Errorf("the download is not the form's XForm (%v)", err)
	}
	resp, man := get(x.ManifestURL)
	if resp.StatusCode != http.StatusOK || !bytes.Contains(man, []byte(`xmlns="http://openrosa.org/xforms/xformsManifest"`)) {
		t.Errorf("manifest: %d %s", resp.StatusCode, man)
	}
	if resp, b := get(env.URL + "/v1/key/" + tok + "/forms/nosuch/1/form.xml"); resp.StatusCode != http.StatusNotFound {
		t.Errorf("unknown form: %d %s", resp.StatusCode, b)
	}
	if resp, _ := get(env.URL + "/v1/key/nope/formList"); resp.StatusCode != http.StatusUnauthorized {
		t.Errorf("forged token: %d", resp.StatusCode)
	}
	if err := env.Forms.Retire(context.Background(), f.ID, "sri"); err != nil {
		t.Fatal(err)
	}
	if _, body := get(env.URL + "/v1/key/" + tok + "/formList"); bytes.Contains(body, []byte("<xform>")) {
		t.Errorf("a retired form is still listed: %s", body)
	}
}

// edited marks doc, an instance written by instanceXML under old, as Collect's edit of
// that instance: a new instanceID and the old one as meta/deprecatedID.
func edited(t *testing.T, doc []byte, old, id string) []byte {
	t.Helper()
	from := "<meta><instanceID>uuid:" + old + "</instanceID>"
	if !bytes.Contains(doc, []byte(from)) {
		t.Fatalf("no instanceID %s in the instance", old)
	}
	return bytes.Replace(doc, []byte(from), []byte("<meta><instanceID>uuid:"+id+"</instanceID><deprecatedID>uuid:"+old+"</deprecatedID>"), 1)
}

// TestCollectEdit: a form edited in Collect and sent again (a new instanceID, the old one
// as meta/deprecatedID) is the next revision of the same interview, an edit of that edit
// the one after, a resend of an edit is harmless, another account cannot edit the
// interview, and an edit of an instance the server never received stands for it.
func TestCollectEdit(t *testing.T) {
	ctx := context.Background()
	env := testbed.NewEnv(t, nil, nil)
	tok := testbed.Token(t, env.Users, "sari", survey.RoleEnumerator)
	other := testbed.Token(t, env.Users, "budi", survey.RoleEnumerator)
	f, answers, err := testbed.Builtin()
	if err != nil {
		t.Fatal(err)
	}
	hours := func(v string) []survey.Answer {
		out := append([]survey.Answer(nil), answers...)
		for i := range out {
			if out[i].Path == "grp_job/hours_week" {
				out[i].Value = v
			}
		}
		return out
	}
	const a, b, c = "e0000000-0000-4000-8000-00000000000a", "e0000000-0000-4000-8000-00000000000b", "e0000000-0000-4000-8000-00000000000c"
	send := func(tok string, doc []byte, status int, msg string) {
		t.Helper()
		resp := collectPost(t, env.URL+"/v1/key/"+tok+"/submission?deviceID=collect%3AgB4gWSUAGwN1ahyy", doc)
		got := orMessage(t, resp)
		if resp.StatusCode != status || !strings.Contains(got, msg) {
			t.Fatalf("%d %q, want %d with %q", resp.StatusCode, got, status, msg)
		}
	}
	send(tok, instanceXML(f, answers, a), 201, "Stored")
	send(tok, edited(t, instanceXML(f, hours("41"), a), a, b), 201, "Stored")
	send(tok, edited(t, instanceXML(f, hours("41"), a), a, b), 201, "Already received")
	send(tok, edited(t, instanceXML(f, hours("42"), b), b, c), 201, "Stored")
	send(other, edited(t, instanceXML(f, hours("43"), a), a, "e0000000-0000-4000-8000-00000000000d"), 403, "belongs to another account")

	for rev, want := range map[int]string{1: "48", 2: "41", 3: "42"} {
		sub, err := env.Subs.Get(ctx, a, rev)
		if err != nil {
			t.Fatalf("revision %d of the interview: %v", rev, err)
		}
		rec, err := survey.DecodeRecord(sub.Body)
		if err != nil {
			t.Fatal(err)
		}
		if rec.Answers["grp_job/hours_week"] != want || rec.Mode != survey.CaptureCollect || sub.SubmittedBy != "sari" {
			t.Errorf("revision %d: hours_week %q mode %q by %q, want %s", rev, rec.Answers["grp_job/hours_week"], rec.Mode, sub.SubmittedBy, want)
		}
	}
	for _, id := range []string{b, c} {
		if _, err := env.Subs.Get(ctx, id, 1); survey.ErrorCode(err) != survey.ENOTFOUND {
			t.Errorf("the edit %s is an interview of its own (%v)", id, err)
		}
	}
	if n, _ := env.Subs.Count(ctx); n != 3 {
		t.Fatalf("%d revisions stored, want 3", n)
	}

	// An edit whose original never arrived stands for it; sent again, it is a duplicate.
	const z, y = "e0000000-0000-4000-8000-0000000000ff", "e0000000-0000-4000-8000-0000000000fe"
	lone := edited(t, instanceXML(f, hours("40"), z), z, y)
	send(tok, lone, 201, "Stored")
	send(tok, lone, 201, "Already received")
	if _, err := env.Subs.Get(ctx, z, 1); err != nil {
		t.Errorf("the edit of an instance never received: %v", err)
	}
	if n, _ := env.Subs.Count(ctx); n != 4 {
		t.Fatalf("%d revisions stored, want 4", n)
	}
}

// collectPost sends doc as ODK Collect (OkHttp) does: the OpenRosa version and the phone's
// Date header, Collect's User-Agent, and one multipart part xml_submission_file with a file
// name and Content-Type text/xml (see testdata/openrosa/collect-submission.http).
func collectPost(t *testing.T, url string, doc []byte) *http.Response {
	t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	h := make(textproto.MIMEHeader)
	h.Set("Content-Disposition", `form-data; name="xml_submission_file"; filename="blk_tracer_2026-11-30_09-11-47.xml"`)
	h.Set("Content-Type", "text/xml")
	part, err := mw.CreatePart(h)
	if err != nil {
		t.Fatal(err)
	}
	part.Write(doc)
	mw.Close()
	req, err := http.NewRequest(http.MethodPost, url, &body)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("X-OpenRosa-Version", "1.0")
	req.Header.Set("Date", "Mon, 30 Nov 2026 01:12:10 GMT")
	req.Header.Set("User-Agent", "org.odk.collect.android/v2024.3.5 okhttp/4.12.0 Dalvik/2.1.0 (Linux; U; Android 13; SM-A145F Build/TP1A.220624.014)")
	req.Header.Set("Content-Type", mw.FormDataContentType())
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { resp.Body.Close() })
	return resp
}

// TestCollectEditFault: a Collect edit's revision and the record of its instanceID are
// written in one transaction. With the second write failing (the database refuses new
// instanceID rows), the edit is refused and neither is kept; sent again once the fault is
// gone, it is stored as the next revision.
func TestCollectEditFault(t *testing.T) {
	ctx := context.Background()
	env := testbed.NewEnv(t, nil, nil)
	tok := testbed.Token(t, env.Users, "sari", survey.RoleEnumerator)
	f, answers, err := testbed.Builtin()
	if err != nil {
		t.Fatal(err)
	}
	const a, b = "e0000000-0000-4000-8000-00000000001a", "e0000000-0000-4000-8000-00000000001b"
	url := env.URL + "/v1/key/" + tok + "/submission?deviceID=collect%3AgB4gWSUAGwN1ahyy"
	if resp := collectPost(t, url, instanceXML(f, answers, a)); resp.StatusCode != http.StatusCreated {
		t.Fatalf("the instance: %d %s", resp.StatusCode, orMessage(t, resp))
	}
	if _, err := env.DB.SQL().ExecContext(ctx, `CREATE TRIGGER refuse_instances BEFORE INSERT ON collect_instances
		BEGIN SELECT RAISE(ABORT, 'instance refused'); END`); err != nil {
		t.Fatal(err)
	}
	for i := range answers {
		if answers[i].Path == "grp_job/hours_week" {
			answers[i].Value = "41"
		}
	}
	edit := edited(t, instanceXML(f, answers, a), a, b)
	if resp := collectPost(t, url, edit); resp.StatusCode < 400 {
		t.Fatalf("the edit while instanceIDs cannot be recorded: %d %s, want a refusal", resp.StatusCode, orMessage(t, resp))
	}
	if _, err := env.Subs.Get(ctx, a, 2); survey.ErrorCode(err) != survey.ENOTFOUND {
		t.Errorf("the edit's revision was kept without its instanceID (%v)", err)
	}
	var n int
	if err := env.DB.SQL().QueryRowContext(ctx, `SELECT COUNT(*) FROM collect_instances`).Scan(&n); err != nil || n != 0 {
		t.Errorf("%d instanceIDs recorded (%v), want none", n, err)
	}
	if _, err := env.DB.SQL().ExecContext(ctx, `DROP TRIGGER refuse_instances`); err != nil {
		t.Fatal(err)
	}
	if resp := collectPost(t, url, edit); resp.StatusCode != http.StatusCreated {
		t.Fatalf("the edit after the fault: %d %s", resp.StatusCode, orMessage(t, resp))
	}
	if _, err := env.Subs.Get(ctx, a, 2); err != nil {
		t.Errorf("the edit is not revision 2: %v", err)
	}
}

// TestCollectPhonesOfOneAccount: several ODK Collect phones set up with one account's URL
// send at once while the account's laptop trickles a push: the phones' submissions are
// stored meanwhile (a body is received whole before it takes the account's turn). With
// server.MaxAccountQueue of the account's bodies in hand, one more is turned away at once,
// so that one account cannot pile up connections.
func TestCollectPhonesOfOneAccount(t *testing.T) {
	env := testbed.NewEnv(t, func(c *server.Config) { c.DecodeWait = 30 * time.Second }, nil)
	tok := testbed.Token(t, env.Users, "sari", survey.RoleEnumerator)
	f, answers, err := testbed.Builtin()
	if err != nil {
		t.Fatal(err)
	}
	waitFor := func(n int) {
		t.Helper()
		for range 500 {
			if env.Server.Waiting("sari") == n {
				return
			}
			time.Sleep(10 * time.Millisecond)
		}
		t.Fatalf("%d of sari's requests with a body are in hand, want %d", env.Server.Waiting("sari"), n)
	}
	var slows []net.Conn
	defer func() {
		for _, c := range slows {
			c.Close()
		}
	}()
	slows = append(slows, slowBody(t, env.HTTP.Listener.Addr().String(), tok))
	waitFor(1)

	url := env.URL + "/v1/key/" + tok + "/submission"
	phones := server.MaxAccountQueue - 1
	type result struct {
		status int
		msg    string
	}
	results := make(chan result, phones)
	for i := range phones {
		doc := instanceXML(f, answers, fmt.Sprintf("00000000-0000-4000-8000-%012d", i+1))
		go func() {
			resp := postInstance(t, url, doc, nil)
			results <- result{resp.StatusCode, orMessage(t, resp)}
		}()
	}
	for range phones {
		if r := <-results; r.status != http.StatusCreated {
			t.Errorf("a phone's submission while the laptop's body trickles: %d %q", r.status, r.msg)
		}
	}
	if n, err := env.Subs.Count(context.Background()); err != nil || n != phones {
		t.Errorf("%d interviews stored (%v), want %d", n, err, phones)
	}
	waitFor(1) // the laptop's body is still being received

	for range server.MaxAccountQueue - 1 {
		slows = append(slows, slowBody(t, env.HTTP.Listener.Addr().String(), tok))
	}
	waitFor(server.MaxAccountQueue)
	more := postInstance(t, url, instanceXML(f, answers, "00000000-0000-4000-8000-999999999999"), nil)
	if msg := orMessage(t, more); more.StatusCode != http.StatusServiceUnavailable || !strings.Contains(msg, "try again in a minute") {
		t.Fatalf("one more request of the account: %d %q, want 503 at once", more.StatusCode, msg)
	}
	for _, c := range slows {
		c.Close()
	}
	waitFor(0)
}

// TestCompressedSubmission: a submission sent compressed (Content-Encoding gzip) is refused
// in one line saying so, not as a malformed multipart body, and nothing is stored.
func TestCompressedSubmission(t *testing.T) {
	env := testbed.NewEnv(t, nil, nil)
	tok := testbed.Token(t, env.Users, "sari", survey.RoleEnumerator)
	f, answers, err := testbed.Builtin()
	if err != nil {
		t.Fatal(err)
	}
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	part, _ := mw.CreateFormFile("xml_submission_file", "instance.xml")
	part.Write(instanceXML(f, answers, "a1b2c3d4-0000-4000-8000-000000000009"))
	mw.Close()
	var zipped bytes.Buffer
	zw := gzip.NewWriter(&zipped)
	zw.Write(body.Bytes())
	zw.Close()
	req, _ := http.NewRequest(http.MethodPost, env.URL+"/v1/key/"+tok+"/submission", &zipped)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.Header.Set("Content-Encoding", "gzip")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if msg := orMessage(t, resp); resp.StatusCode != 400 || msg != `A submission is sent uncompressed, not with Content-Encoding "gzip".` {
		t.Fatalf("a compressed submission: %d %q", resp.StatusCode, msg)
	}
	if n, _ := env.Subs.Count(t.Context()); n != 0 {
		t.Fatalf("%d revisions stored", n)
	}
}
