package server_test

import (
	"context"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"tracer/survey"
	"tracer/survey/sqlite"
	"tracer/sync/server"
	"tracer/sync/testbed"
)

// xssForm shows the alumnus's name, prefilled from the roster, in a note's label.
const xssForm = `# Greeting

| survey |
|  | type | name | label |
|  | text | roster_id | Alumnus |
|  | text | full_name | Nama |
|  | note | hello | Halo **${full_name}**, selamat datang |
|  | text | answer | Jawaban |

| settings |
|  | form_title | form_id | version |
|  | Salam <img src=x id=t-title> | greet | 1 |
`

// TestLinkPageRunsNoMarkup opens in headless Chromium the link of an alumnus whose
// roster name is HTML, with a form whose title is HTML and whose note shows the name: the
// title is shown as text and the page holds no element or handler made from either.
func TestLinkPageRunsNoMarkup(t *testing.T) {
	b := newBrowser(t)
	ctx := context.Background()
	env := testbed.NewEnv(t, nil, nil)
	if _, _, err := server.Publish(ctx, env.Forms, "greet.md", []byte(xssForm), "sri"); err != nil {
		t.Fatal(err)
	}
	name := `<img src=x id=t-name><b id=t-bold>Budi</b>`
	if _, err := sqlite.NewServerRosterStore(env.DB).Upload(ctx, []*survey.Respondent{{RosterID: "BTG25-0001", Name: name, Sex: "L", BatchID: "B1", Completion: "pass"}}); err != nil {
		t.Fatal(err)
	}
	made, err := sqlite.NewLinkStore(env.DB).MakeLinks(ctx, survey.AssignSelector{RosterIDs: []string{"BTG25-0001"}}, "greet", time.Now().Add(time.Hour), "supri")
	if err != nil {
		t.Fatal(err)
	}
	b.navigate(env.URL + "/r/" + made[0].Token)
	b.waitFor("the form to render", `document.querySelector('.form-initialization-status.ready') && document.querySelector('.question-container')`)
	// Web Forms renders a label's Markdown and the little HTML ODK allows (<b> becomes
	// <strong>), dropping every attribute (its own logo is a data: image) and element that could load or run anything.
	var injected int
	b.eval(`document.querySelectorAll('#t-title, #t-name, #t-bold, #tracer-form img:not([src^="data:"]), #tracer-form script, #tracer-form iframe').length +
	  [...document.querySelectorAll('#tracer-form *')].filter(e => [...e.attributes].some(a => a.name.startsWith('on'))).length`, &injected)
	var text, title string
	b.eval(`document.body.innerText`, &text)
	b.eval(`document.title`, &title)
	if injected != 0 {
		t.Errorf("%d elements or handlers made from the roster name or the form title are on the page", injected)
	}
	if !strings.Contains(text, "Halo Budi, selamat datang") || title != "Salam <img src=x id=t-title>" {
		t.Errorf("the page shows %q titled %q", text, title)
	}
}

// TestLinkScriptIsNotCopied: the page's script, which anyone may download, is served from
// one copy: fifty downloads allocate far less than fifty copies of it. Each download once
// copied its 3.4 MB, and slow readers kept their copies for the write timeout.
func TestLinkScriptIsNotCopied(t *testing.T) {
	e := newLinkEnv(t)
	// Without compression, as a client that takes no gzip: the script's whole bytes.
	plain := &http.Client{Transport: &http.Transport{DisableCompression: true}}
	get := func() int {
		resp, err := plain.Get(e.URL + "/r/assets/app.js")
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		n, _ := io.Copy(io.Discard, resp.Body)
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("app.js: %d", resp.StatusCode)
		}
		return int(n)
	}
	size := get()
	before := heapAllocated()
	for range 50 {
		get()
	}
	took := heapAllocated() - before
	t.Logf("50 downloads of %d bytes allocated %d MB", size, took>>20)
	if took > uint64(10*size) {
		t.Errorf("50 downloads of a %d-byte script allocated %d MB", size, took>>20)
	}
}
