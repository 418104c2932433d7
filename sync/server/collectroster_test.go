package server_test

import (
	"bytes"
	"context"
	"crypto/md5"
	"encoding/csv"
	"encoding/hex"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync/atomic"
	"testing"

	"tracer/forms"
	"tracer/survey"
	"tracer/survey/sqlite"
	"tracer/sync/server"
	"tracer/sync/testbed"
)

// personaRow is the roster row of the employed persona's alumnus, with the values the
// persona answers for the prefilled questions.
func personaRow(t *testing.T) *survey.Respondent {
	t.Helper()
	_, answers, err := testbed.Builtin()
	if err != nil {
		t.Fatal(err)
	}
	v := map[string]string{}
	for _, a := range answers {
		v[a.Path[strings.LastIndex(a.Path, "/")+1:]] = a.Value
	}
	return &survey.Respondent{RosterID: v["roster_id"], NIK: v["nik"], Name: v["full_name"], Sex: v["sex"], BirthDate: v["birth_date"],
		PhoneRaw: v["phone_main"], Education: v["education"], Institution: v["institution"], Kejuruan: v["kejuruan"],
		ProgramName: v["program_name"], BatchID: v["batch_id"], TrainingEnd: v["training_end_date"], TrainingStart: "2025-01-06",
		Funding: v["funding"], Completion: v["completion"], Regency: v["domicile_regency"], BudgetYear: "2025"}
}

// rosterEnv is a server with a roster of three alumni: the persona's and another assigned
// to sari, a third to budi.
type rosterEnv struct {
	*testbed.Env
	sari, budi string
	persona    *survey.Respondent
}

func newRosterEnv(t *testing.T) *rosterEnv {
	t.Helper()
	ctx := context.Background()
	env := testbed.NewEnv(t, nil, nil)
	e := &rosterEnv{Env: env, persona: personaRow(t)}
	e.sari = testbed.Token(t, env.Users, "sari", survey.RoleEnumerator)
	e.budi = testbed.Token(t, env.Users, "budi", survey.RoleEnumerator)
	roster := sqlite.NewServerRosterStore(env.DB)
	rows := []*survey.Respondent{e.persona,
		{RosterID: "BTG25-0072", Name: "Rina, \"Ina\" Wulandari", NIK: "6474014101030002", Sex: "P", BatchID: "BTG-2025-03", Regency: "6474"},
		{RosterID: "SMD25-0090", Name: "Yosef Kolo", NIK: "6472010101990003", Sex: "L", BatchID: "SMD-2025-01", Regency: "6472", PhoneRaw: "081299990090"},
	}
	if _, err := roster.Upload(ctx, rows); err != nil {
		t.Fatal(err)
	}
	for to, ids := range map[string][]string{"sari": {"BTG25-0071", "BTG25-0072"}, "budi": {"SMD25-0090"}} {
		if _, err := roster.Assign(ctx, survey.AssignSelector{RosterIDs: ids}, to, "sri"); err != nil {
			t.Fatal(err)
		}
	}
	return e
}

// openRosaGet gets url as Collect does and returns the response and its body.
func openRosaGet(t *testing.T, url string) (*http.Response, []byte) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, url, nil)
	req.Header.Set("X-OpenRosa-Version", "1.0")
	req.Header.Set("User-Agent", "org.odk.collect.android/v2024.3.5 okhttp/4.12.0")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp, b
}

// collectDownload is what Collect downloads for the built-in form: the XForm, the manifest's
// files by name, and the hashes the form list and manifest gave.
type collectDownload struct {
	xform    []byte
	files    map[string][]byte
	formHash string
}

// download walks Collect's Get Blank Form for token: form list, XForm, manifest, media
// files, checking every hash it was given.
func download(t *testing.T, base, token string) collectDownload {
	t.Helper()
	return downloadForm(t, base, token, "")
}

// downloadForm is download for the form formID ("" when the server lists one form).
func downloadForm(t *testing.T, base, token, formID string) collectDownload {
	t.Helper()
	q := ""
	if formID != "" {
		q = "?formID=" + formID
	}
	_, body := openRosaGet(t, base+"/v1/key/"+token+"/formList"+q)
	var list struct {
		Forms []struct {
			Hash        string `xml:"hash"`
			DownloadURL string `xml:"downloadUrl"`
			ManifestURL string `xml:"manifestUrl"`
		} `xml:"xform"`
	}
	if err := xml.Unmarshal(body, &list); err != nil || len(list.Forms) != 1 {
		t.Fatalf("formList (%v): %s", err, body)
	}
	x := list.Forms[0]
	resp, doc := openRosaGet(t, x.DownloadURL)
	if resp.StatusCode != http.StatusOK || md5Of(doc) != x.Hash {
		t.Fatalf("form.xml: %d, md5 %s, listed %s", resp.StatusCode, md5Of(doc), x.Hash)
	}
	// Go's client, as Collect's, asks for gzip and inflates it: a large file comes compressed
	// (the hashes above and below are of the inflated bytes, as Collect checks them).
	if len(doc) >= 8<<10 && !resp.Uncompressed {
		t.Errorf("form.xml of %d bytes came uncompressed to a client taking gzip", len(doc))
	}
	resp, man := openRosaGet(t, x.ManifestURL)
	var m struct {
		XMLName xml.Name
		Files   []struct {
			Filename    string `xml:"filename"`
			Hash        string `xml:"hash"`
			DownloadURL string `xml:"downloadUrl"`
		} `xml:"mediaFile"`
	}
	if err := xml.Unmarshal(man, &m); err != nil || resp.StatusCode != http.StatusOK || m.XMLName.Space != "http://openrosa.org/xforms/xformsManifest" {
		t.Fatalf("manifest %d (%v): %s", resp.StatusCode, err, man)
	}
	d := collectDownload{xform: doc, files: map[string][]byte{}, formHash: x.Hash}
	for _, f := range m.Files {
		resp, b := openRosaGet(t, f.DownloadURL)
		if resp.StatusCode != http.StatusOK || md5Of(b) != f.Hash {
			t.Fatalf("media file %s: %d, md5 %s, manifest says %s", f.Filename, resp.StatusCode, md5Of(b), f.Hash)
		}
		if len(b) >= 8<<10 && !resp.Uncompressed {
			t.Errorf("media file %s of %d bytes came uncompressed to a client taking gzip", f.Filename, len(b))
		}
		// Data, never a page a browser would run.
		if h := resp.Header; h.Get("X-Content-Type-Options") != "nosniff" || !strings.HasPrefix(h.Get("Content-Disposition"), "attachment") ||
			!strings.HasPrefix(h.Get("Content-Security-Policy"), "sandbox") {
			t.Errorf("media file %s served with %v", f.Filename, h)
		}
		d.files[f.Filename] = b
	}
	return d
}

// TestCollectRosterFile: with a roster on the server, Collect's built-in form chooses the
// alumnus from roster.csv, listed in the manifest with its md5: each enumerator's file holds
// her assigned alumni only, and only the columns the form prefills. A submission is tied to
// the alumnus its roster_id names, and a roster id the roster does not hold is refused with
// nothing stored.
func TestCollectRosterFile(t *testing.T) {
	ctx := context.Background()
	e := newRosterEnv(t)
	f, answers, err := testbed.Builtin()
	if err != nil {
		t.Fatal(err)
	}
	d := download(t, e.URL, e.sari)
	file := d.files[server.RosterFile]
	if file == nil || len(d.files) != 1 {
		t.Fatalf("manifest files %v, want %s", slices.Collect(mapsKeys(d.files)), server.RosterFile)
	}
	for _, want := range []string{`<instance id="roster" src="jr://file-csv/roster.csv"/>`,
		`<select1 ref="/data/grp_consent/roster_id" appearance="autocomplete">`,
		`<itemset nodeset="instance('roster')/root/item">`,
		`<setvalue event="xforms-value-changed" ref="/data/grp_identity/full_name" value="instance('roster')/root/item[name = /data/grp_consent/roster_id]/full_name"/>`} {
		if !bytes.Contains(d.xform, []byte(want)) {
			t.Errorf("the XForm has no %s", want)
		}
	}
	if bytes.Contains(d.xform, []byte(`nodeset="/data/grp_consent/roster_id" type="string" readonly`)) {
		t.Error("roster_id is still read-only in Collect's XForm")
	}
	rows, err := csv.NewReader(bytes.NewReader(file)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	header := rows[0]
	wantCols := []string{"name", "label", "nik", "full_name", "sex", "birth_date", "domicile_regency", "education", "institution",
		"kejuruan", "program_name", "batch_id", "training_end_date", "funding", "completion", "phone_main"}
	slices.Sort(wantCols[2:])
	got := append([]string(nil), header...)
	slices.Sort(got[2:])
	if !slices.Equal(got, wantCols) {
		t.Errorf("roster.csv columns %q, want %q (the questions the form prefills)", header, wantCols)
	}
	for _, c := range header[2:] {
		if f.Node(c) == nil {
			t.Errorf("column %s is no question of the form", c)
		}
	}
	if len(rows) != 3 || rows[1][0] != "BTG25-0071" || rows[2][0] != "BTG25-0072" {
		t.Fatalf("sari's roster.csv rows %q, want her two alumni", rows[1:])
	}
	if !strings.Contains(rows[2][1], `Rina, "Ina" Wulandari`) || bytes.Contains(file, []byte("SMD25-0090")) || bytes.Contains(file, []byte("Yosef")) {
		t.Errorf("sari's roster.csv:\n%s", file)
	}
	for i, c := range header {
		if c == "nik" && rows[1][i] != e.persona.NIK {
			t.Errorf("nik column %q, want %q", rows[1][i], e.persona.NIK)
		}
	}
	budi := download(t, e.URL, e.budi).files[server.RosterFile]
	if !bytes.Contains(budi, []byte("SMD25-0090")) || bytes.Contains(budi, []byte("BTG25-007")) {
		t.Errorf("budi's roster.csv:\n%s", budi)
	}

	url := e.URL + "/v1/key/" + e.sari + "/submission?deviceID=collect%3AgB4gWSUAGwN1ahyy"
	stranger := append([]survey.Answer(nil), answers...)
	for i := range stranger {
		if stranger[i].Path == "grp_consent/roster_id" {
			stranger[i].Value = "BTG25-9999"
		}
	}
	resp := postInstance(t, url, instanceXML(f, stranger, "c0113c70-0000-4000-8000-000000000001"), nil)
	if msg := orMessage(t, resp); resp.StatusCode != http.StatusBadRequest || !strings.Contains(msg, `Roster id "BTG25-9999" is not in the server's roster`) {
		t.Errorf("unknown roster id: %d %q", resp.StatusCode, msg)
	}
	if n, _ := e.Subs.Count(ctx); n != 0 {
		t.Fatalf("%d revisions stored for an alumnus not in the roster", n)
	}
	resp = postInstance(t, url, instanceXML(f, answers, "c0113c70-0000-4000-8000-000000000002"), nil)
	if resp.StatusCode != http.StatusCreated {
		t.Fatalf("the persona's submission: %d %s", resp.StatusCode, orMessage(t, resp))
	}
	sub, err := e.Subs.Get(ctx, "c0113c70-0000-4000-8000-000000000002", 1)
	if err != nil {
		t.Fatal(err)
	}
	if sub.RespondentID != "BTG25-0071" || sub.Enumerator != "sari" {
		t.Errorf("stored for respondent %q by %q", sub.RespondentID, sub.Enumerator)
	}
	// An alumnus assigned to another enumerator since her phone got its list is still hers
	// to send: the roster holds him.
	for i := range stranger {
		if stranger[i].Path == "grp_consent/roster_id" {
			stranger[i].Value = "SMD25-0090"
		}
	}
	resp = postInstance(t, url, instanceXML(f, stranger, "c0113c70-0000-4000-8000-000000000003"), nil)
	if resp.StatusCode != http.StatusCreated {
		t.Fatalf("an alumnus reassigned since: %d %s", resp.StatusCode, orMessage(t, resp))
	}
}

func mapsKeys(m map[string][]byte) func(func(string) bool) {
	return func(yield func(string) bool) {
		for k := range m {
			if !yield(k) {
				return
			}
		}
	}
}

// odkDir holds ODK's engine, installed by .ci/run (npm ci) for the forms package's oracle.
var odkDir = filepath.Join("..", "..", "forms", "testdata", "odk")

// odkResult is what oracle.mjs reports for one form.
type odkResult struct {
	Error      string                       `json:"error"`
	Errors     []string                     `json:"errors"`
	States     []map[string]json.RawMessage `json:"states"`
	XML        string                       `json:"xml"`
	Violations []string                     `json:"violations"`
}

// runODK walks xform in ODK's own engine (@getodk/xforms-engine) with its attachments and
// steps; the test skips when Node or the engine is not installed.
func runODK(t *testing.T, xform []byte, files map[string][]byte, steps []map[string]string) odkResult {
	t.Helper()
	node, err := exec.LookPath("node")
	if err != nil {
		t.Skip("node is not installed: ODK's engine cannot run")
	}
	if _, err := os.Stat(filepath.Join(odkDir, "node_modules", "@getodk", "xforms-engine")); err != nil {
		t.Skip("ODK's engine is not installed (npm ci in forms/testdata/odk)")
	}
	att := map[string]string{}
	for k, v := range files {
		att[k] = string(v)
	}
	in, _ := json.Marshal(map[string]any{"forms": []map[string]any{{"name": "collect", "xform": string(xform), "deviceID": "collect:gB4gWSUAGwN1ahyy",
		"username": "sari", "attachments": att, "steps": steps, "final": true}}})
	path := filepath.Join(t.TempDir(), "in.json")
	if err := os.WriteFile(path, in, 0o644); err != nil {
		t.Fatal(err)
	}
	abs, _ := filepath.Abs(path)
	cmd := exec.Command(node, "oracle.mjs", abs)
	cmd.Dir = odkDir
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("oracle.mjs: %v\n%s", err, stderr.Bytes())
	}
	var res odkResult
	if err := json.Unmarshal(out, &res); err != nil {
		t.Fatalf("oracle.mjs output: %v", err)
	}
	return res
}

// odkValue reads a node's value from one of oracle.mjs's states.
func odkValue(t *testing.T, state map[string]json.RawMessage, ref string) string {
	t.Helper()
	var v []any
	if err := json.Unmarshal(state[ref], &v); err != nil || len(v) < 4 {
		t.Fatalf("no state for %s", ref)
	}
	s, _ := v[3].(string)
	return s
}

// TestCollectRosterFormInODK runs what Collect downloads in ODK's own engine: the built-in
// form with the roster file of the enumerator's manifest. Choosing the alumnus fills in the
// prefilled questions from his row (and the province computed from his regency); the
// enumerator then gives the employed persona's other answers, and the engine has nothing
// left to complain about. The instance the engine writes, sent as Collect sends it, is
// stored as the persona's interview, tied to his roster id, with mode collect and the
// device id, and validated by tracer's engine against the published version.
func TestCollectRosterFormInODK(t *testing.T) {
	ctx := context.Background()
	e := newRosterEnv(t)
	f, answers, err := testbed.Builtin()
	if err != nil {
		t.Fatal(err)
	}
	d := download(t, e.URL, e.sari)
	header, _ := csv.NewReader(bytes.NewReader(d.files[server.RosterFile])).Read()
	fromRoster := map[string]bool{}
	for _, c := range header[2:] {
		fromRoster[c] = true
	}
	// The enumerator answers what the roster does not fill in: neither the prefilled
	// questions nor a default computed from them (the province of the roster's regency).
	computed := func(n *forms.Node) bool {
		if n.Default == nil {
			return false
		}
		return slices.ContainsFunc(n.Default.Refs(), func(r string) bool { return fromRoster[r] })
	}
	var steps []map[string]string
	want := map[string]string{}
	pick := -1
	for _, a := range answers {
		n := f.Node(a.Path[strings.LastIndex(a.Path, "/")+1:])
		if n == nil || n.Kind != forms.KindQuestion {
			continue
		}
		want[a.Path] = a.Value
		if fromRoster[n.Name] || computed(n) {
			continue
		}
		if n.Name == "roster_id" {
			pick = len(steps)
		}
		steps = append(steps, map[string]string{"op": "set", "ref": forms.XFormPath(n), "value": a.Value})
	}
	if pick < 0 || len(fromRoster) < 10 {
		t.Fatalf("roster_id at step %d, %d questions from the roster", pick, len(fromRoster))
	}
	res := runODK(t, d.xform, d.files, steps)
	if res.Error != "" || len(res.Errors) > 0 {
		t.Fatalf("ODK's engine: %s %q", res.Error, res.Errors)
	}
	for _, st := range []struct {
		when  string
		state map[string]json.RawMessage
	}{{"once the alumnus is chosen", res.States[pick+1]}, {"at the end", res.States[len(res.States)-1]}} {
		for name := range fromRoster {
			n := f.Node(name)
			if got := odkValue(t, st.state, forms.XFormPath(n)); got != want[n.Path()] {
				t.Errorf("%s: ODK holds %s = %q from the roster, want %q", st.when, n.Path(), got, want[n.Path()])
			}
		}
		if got := odkValue(t, st.state, "/data/grp_identity/domicile_prov"); got != "64" {
			t.Errorf("%s: domicile_prov = %q, want 64 (from his regency)", st.when, got)
		}
	}
	if len(res.Violations) > 0 {
		t.Fatalf("ODK's engine would not send the form: %q", res.Violations)
	}

	var body bytes.Buffer
	body.WriteString(`<?xml version='1.0' ?>`)
	body.WriteString(res.XML)
	resp := collectPost(t, e.URL+"/v1/key/"+e.sari+"/submission?deviceID=collect%3AgB4gWSUAGwN1ahyy", body.Bytes())
	if resp.StatusCode != http.StatusCreated {
		t.Fatalf("ODK's instance: %d %s", resp.StatusCode, orMessage(t, resp))
	}
	subs, err := e.Subs.List(ctx, survey.SubmissionFilter{})
	if err != nil || len(subs) != 1 {
		t.Fatalf("%d revisions stored (%v)", len(subs), err)
	}
	sub, err := e.Subs.Get(ctx, subs[0].InterviewID, 1)
	if err != nil {
		t.Fatal(err)
	}
	rec, err := survey.DecodeRecord(sub.Body)
	if err != nil {
		t.Fatal(err)
	}
	if rec.RespondentID != e.persona.RosterID || rec.Mode != survey.CaptureCollect || rec.Device != "collect:gB4gWSUAGwN1ahyy" || rec.Enumerator != "sari" {
		t.Errorf("stored respondent %q mode %q device %q enumerator %q", rec.RespondentID, rec.Mode, rec.Device, rec.Enumerator)
	}
	for path, v := range want {
		if rec.Answers[path] != v {
			t.Errorf("stored %s = %q, want %q", path, rec.Answers[path], v)
		}
	}
}

// md5Of is OpenRosa's hash of b.
func md5Of(b []byte) string {
	sum := md5.Sum(b)
	return "md5:" + hex.EncodeToString(sum[:])
}

// villageForm is a form of a study's own, not the built-in one: the roster's own columns
// (kecamatan, village) prefill questions of those names, and village has a default.
const villageForm = `# Village survey

| survey |
|  | type | name | label | required | read_only | default |
|  | start | start |  |  |  |  |
|  | end | end |  |  |  |  |
|  | begin group | who | Who |  |  |  |
|  | text | roster_id | Alumnus | yes | yes |  |
|  | text | full_name | Name | yes |  |  |
|  | text | kecamatan | Kecamatan |  | yes |  |
|  | text | village | Village | yes |  | unknown |
|  | end group | who |  |  |  |  |
|  | integer | members | Household members | yes |  |  |

| settings |
|  | form_title | form_id | version |
|  | Village survey | village_survey | 1 |
`

// TestCollectRosterOwnForm: any form with a roster_id question gets the roster the same way,
// with the roster's own columns (kept from its import by their headers) prefilling the
// questions named after them; an empty value in the chosen row leaves the question's
// default. ODK's engine completes it and the server stores it as that alumnus's interview.
func TestCollectRosterOwnForm(t *testing.T) {
	ctx := context.Background()
	e := newRosterEnv(t)
	if _, _, err := server.Publish(ctx, e.Forms, "village.md", []byte(villageForm), "sri"); err != nil {
		t.Fatal(err)
	}
	roster := sqlite.NewServerRosterStore(e.DB)
	rows := []*survey.Respondent{
		{RosterID: "BTG25-0071", Name: "Dimas Gunawan", Extra: map[string]string{"kecamatan": "Bontang Utara", "village": "Guntung"}},
		{RosterID: "BTG25-0072", Name: "Rina Wulandari", Extra: map[string]string{"kecamatan": "Bontang Selatan", "village": ""}},
	}
	if _, err := roster.Upload(ctx, rows); err != nil {
		t.Fatal(err)
	}
	d := downloadForm(t, e.URL, e.sari, "village_survey")
	file := d.files[server.RosterFile]
	recs, err := csv.NewReader(bytes.NewReader(file)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(recs[0], []string{"name", "label", "full_name", "kecamatan", "village"}) {
		t.Fatalf("roster.csv header %q, want the questions the form prefills", recs[0])
	}
	for _, tt := range []struct {
		id, village string
	}{{"BTG25-0071", "Guntung"}, {"BTG25-0072", "unknown"}} {
		res := runODK(t, d.xform, d.files, []map[string]string{
			{"op": "set", "ref": "/data/who/roster_id", "value": tt.id},
			{"op": "set", "ref": "/data/members", "value": "4"},
		})
		if res.Error != "" || len(res.Errors) > 0 || len(res.Violations) > 0 {
			t.Fatalf("%s: ODK's engine: %s %q, violations %q", tt.id, res.Error, res.Errors, res.Violations)
		}
		last := res.States[len(res.States)-1]
		if got := odkValue(t, last, "/data/who/village"); got != tt.village {
			t.Errorf("%s: village = %q, want %q", tt.id, got, tt.village)
		}
		if got := odkValue(t, last, "/data/who/kecamatan"); got == "" || !strings.HasPrefix(got, "Bontang") {
			t.Errorf("%s: kecamatan = %q, want the roster's", tt.id, got)
		}
		resp := collectPost(t, e.URL+"/v1/key/"+e.sari+"/submission?deviceID=collect%3Aabc", []byte(res.XML))
		if resp.StatusCode != http.StatusCreated {
			t.Fatalf("%s: %d %s", tt.id, resp.StatusCode, orMessage(t, resp))
		}
	}
	subs, err := e.Subs.List(ctx, survey.SubmissionFilter{})
	if err != nil || len(subs) != 2 || subs[0].RespondentID != "BTG25-0071" || subs[1].RespondentID != "BTG25-0072" || subs[0].FormID != "village_survey" {
		t.Fatalf("stored %d (%v): %+v", len(subs), err, subs)
	}
}

// rosterIDHints returns the roster_id question's hint in each language of an XForm.
func rosterIDHints(t *testing.T, xform []byte) map[string]string {
	t.Helper()
	var doc struct {
		Translations []struct {
			Lang  string `xml:"lang,attr"`
			Texts []struct {
				ID    string `xml:"id,attr"`
				Value string `xml:"value"`
			} `xml:"text"`
		} `xml:"head>model>itext>translation"`
	}
	if err := xml.Unmarshal(xform, &doc); err != nil {
		t.Fatal(err)
	}
	hints := map[string]string{}
	for _, tr := range doc.Translations {
		for _, tx := range tr.Texts {
			if tx.ID == "/data/grp_consent/roster_id:hint" {
				hints[tr.Lang] = tx.Value
			}
		}
	}
	return hints
}

// TestBuiltinRosterIDHint: the built-in form's roster_id hint is true wherever the form is
// shown, in both languages: Collect (where roster_id is chosen from roster.csv), the plain
// XForm of a self-response link (filled in from the link's alumnus) and the laptop (the
// picked alumnus; tui's goldens show it). It never says the answer cannot be changed, which
// is untrue in Collect.
func TestBuiltinRosterIDHint(t *testing.T) {
	e := newRosterEnv(t)
	collect := download(t, e.URL, e.sari).xform
	if !bytes.Contains(collect, []byte(`<select1 ref="/data/grp_consent/roster_id" appearance="autocomplete">`)) {
		t.Fatal("roster_id is not chosen from the roster in Collect's XForm")
	}
	links := newLinkEnv(t)
	resp, err := http.Get(links.url + "/form.xml")
	if err != nil {
		t.Fatal(err)
	}
	web, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	for name, xf := range map[string][]byte{"Collect": collect, "web link": web} {
		hints := rosterIDHints(t, xf)
		if len(hints) != 2 {
			t.Errorf("%s: roster_id hints %q, want one in each of the two languages", name, hints)
		}
		for lang, h := range hints {
			low := strings.ToLower(h)
			if h == "" || strings.Contains(low, "cannot be changed") || strings.Contains(low, "tidak dapat diubah") || strings.Contains(low, "tidak bisa diubah") {
				t.Errorf("%s, %s: roster_id hint %q", name, lang, h)
			}
		}
	}
}

// rowCountingRoster is the server's roster store, counting the rows its Changes returns.
type rowCountingRoster struct {
	*sqlite.ServerRosterStore
	rows atomic.Int64
}

func (r *rowCountingRoster) Changes(ctx context.Context, after int64, limit int, assignedTo string) ([]survey.RosterRow, error) {
	rows, err := r.ServerRosterStore.Changes(ctx, after, limit, assignedTo)
	r.rows.Add(int64(len(rows)))
	return rows, err
}

// countingRosterEnv is a server whose roster store counts the rows it reads, holding 2,500
// alumni (R0000000 to R0002499) and then more.
func countingRosterEnv(t *testing.T, more ...*survey.Respondent) (*testbed.Env, *rowCountingRoster) {
	t.Helper()
	var roster *rowCountingRoster
	env := testbed.NewEnv(t, func(c *server.Config) {
		roster = &rowCountingRoster{ServerRosterStore: c.Roster.(*sqlite.ServerRosterStore)}
		c.Roster = roster
	}, nil)
	var rows []*survey.Respondent
	for i := range 2500 {
		rows = append(rows, &survey.Respondent{RosterID: fmt.Sprintf("R%07d", i), Name: fmt.Sprintf("Alumnus %d", i)})
	}
	if _, err := roster.Upload(context.Background(), append(rows, more...)); err != nil {
		t.Fatal(err)
	}
	return env, roster
}

// TestCollectRosterIDReadByRow: a Collect submission's roster id is looked up by its row,
// not by reading the roster up to it: with 2,500 alumni before the persona's, a
// submission for the persona and one for an alumnus not in the roster read at most one
// row of the roster's changes each, and are stored and refused as before.
func TestCollectRosterIDReadByRow(t *testing.T) {
	ctx := context.Background()
	env, roster := countingRosterEnv(t, personaRow(t))
	tok := testbed.Token(t, env.Users, "sari", survey.RoleEnumerator)
	f, answers, err := testbed.Builtin()
	if err != nil {
		t.Fatal(err)
	}
	url := env.URL + "/v1/key/" + tok + "/submission"
	roster.rows.Store(0)
	resp := postInstance(t, url, instanceXML(f, answers, "c0113c70-0000-4000-8000-000000000003"), nil)
	if resp.StatusCode != http.StatusCreated {
		t.Fatalf("the persona's submission: %d %s", resp.StatusCode, orMessage(t, resp))
	}
	if n := roster.rows.Load(); n > 1 {
		t.Errorf("the submission read %d rows of the roster to find its roster id, want one lookup", n)
	}
	stranger := append([]survey.Answer(nil), answers...)
	for i := range stranger {
		if stranger[i].Path == "grp_consent/roster_id" {
			stranger[i].Value = "BTG25-9999"
		}
	}
	roster.rows.Store(0)
	resp = postInstance(t, url, instanceXML(f, stranger, "c0113c70-0000-4000-8000-000000000004"), nil)
	if msg := orMessage(t, resp); resp.StatusCode != http.StatusBadRequest || !strings.Contains(msg, `Roster id "BTG25-9999" is not in the server's roster`) {
		t.Errorf("unknown roster id: %d %q", resp.StatusCode, msg)
	}
	if n := roster.rows.Load(); n > 1 {
		t.Errorf("refusing an unknown roster id read %d rows of the roster, want at most one", n)
	}
	if n, _ := env.Subs.Count(ctx); n != 1 {
		t.Errorf("%d revisions stored, want the persona's", n)
	}
}

// TestCollectRosterFileKept: Collect's form list, form, manifest and roster file are made
// from the account's roster once while the roster stays as it is, and made again at once
// after any change to a row or an assignment, so a phone never gets a stale list.
func TestCollectRosterFileKept(t *testing.T) {
	ctx := context.Background()
	env, roster := countingRosterEnv(t)
	sari := testbed.Token(t, env.Users, "sari", survey.RoleEnumerator)
	budi := testbed.Token(t, env.Users, "budi", survey.RoleEnumerator)
	lines := func(d collectDownload) int { return bytes.Count(d.files[server.RosterFile], []byte("\n")) }

	roster.rows.Store(0)
	first := download(t, env.URL, sari)
	if n := roster.rows.Load(); n < 2500 {
		t.Fatalf("the first download read %d rows, want the whole roster", n)
	}
	if got := lines(first); got != 2501 {
		t.Fatalf("roster.csv has %d lines, want a header and 2,500 rows", got)
	}
	roster.rows.Store(0)
	again := download(t, env.URL, sari)
	if n := roster.rows.Load(); n != 0 {
		t.Errorf("a second download with the roster unchanged read %d rows, want none", n)
	}
	if !bytes.Equal(again.files[server.RosterFile], first.files[server.RosterFile]) || again.formHash != first.formHash {
		t.Error("the second download differs from the first with the roster unchanged")
	}
	// While nothing is assigned, every enumerator's file is the whole roster: made once.
	roster.rows.Store(0)
	if d := download(t, env.URL, budi); lines(d) != 2501 {
		t.Errorf("budi's roster.csv with nothing assigned: %d lines, want 2,501", lines(d))
	}
	if n := roster.rows.Load(); n != 0 {
		t.Errorf("a second enumerator's download with nothing assigned read %d rows, want none", n)
	}

	// A changed name is in the next download.
	if _, err := roster.Upload(ctx, []*survey.Respondent{{RosterID: "R0000007", Name: "Ani Renamed"}}); err != nil {
		t.Fatal(err)
	}
	if d := download(t, env.URL, sari); !bytes.Contains(d.files[server.RosterFile], []byte("Ani Renamed (R0000007)")) {
		t.Error("the download after a changed name lacks it")
	}
	// An assignment narrows each enumerator's file at once.
	if _, err := roster.Assign(ctx, survey.AssignSelector{RosterIDs: []string{"R0000001", "R0000002"}}, "sari", "sri"); err != nil {
		t.Fatal(err)
	}
	if got := lines(download(t, env.URL, sari)); got != 3 {
		t.Errorf("sari's roster.csv after two rows were assigned to her: %d lines, want 3", got)
	}
	resp, _ := openRosaGet(t, env.URL+"/v1/key/"+budi+"/formList")
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("budi's form list: %d", resp.StatusCode)
	}
	if _, err := roster.Assign(ctx, survey.AssignSelector{RosterIDs: []string{"R0000003"}}, "budi", "sri"); err != nil {
		t.Fatal(err)
	}
	if got := lines(download(t, env.URL, budi)); got != 2 {
		t.Errorf("budi's roster.csv after one row was assigned to him: %d lines, want 2", got)
	}
}

// TestCollectRosterFileMadeOnce: eight phones asking for the form list together, nothing
// assigned, make the roster file once: the others wait for it rather than each reading the
// whole roster into memory at the same time.
func TestCollectRosterFileMadeOnce(t *testing.T) {
	env, roster := countingRosterEnv(t)
	var tokens []string
	for i := range 8 {
		tokens = append(tokens, testbed.Token(t, env.Users, fmt.Sprintf("hp%d", i), survey.RoleEnumerator))
	}
	roster.rows.Store(0)
	start := make(chan struct{})
	errs := make(chan error, len(tokens))
	for _, tok := range tokens {
		go func() {
			<-start
			req, _ := http.NewRequest(http.MethodGet, env.URL+"/v1/key/"+tok+"/formList", nil)
			req.Header.Set("X-OpenRosa-Version", "1.0")
			resp, err := http.DefaultClient.Do(req)
			if err == nil {
				resp.Body.Close()
				if resp.StatusCode != http.StatusOK {
					err = fmt.Errorf("form list: %d", resp.StatusCode)
				}
			}
			errs <- err
		}()
	}
	close(start)
	for range tokens {
		if err := <-errs; err != nil {
			t.Fatal(err)
		}
	}
	if n := roster.rows.Load(); n != 2500 {
		t.Errorf("eight phones together read %d rows of the roster, want it read once (2,500)", n)
	}
}
