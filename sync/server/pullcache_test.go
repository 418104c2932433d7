package server_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"testing"

	"tracer/forms/builtin"
	"tracer/survey"
	"tracer/sync/testbed"
	"tracer/sync/wire"
)

// getRaw sends a GET with token and the headers given, as any HTTP client would, and
// returns the response with its body read.
func getRaw(t *testing.T, rawURL, token string, header map[string]string) (*http.Response, []byte) {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, rawURL, nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+token)
	for k, v := range header {
		req.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp, body
}

// A published version's file is answered the same way to a request without any cache
// header (a laptop already in the field) and to one asked again: the source, its hash
// as ETag; a request naming that ETag in If-None-Match gets 304 and no body. A version
// asked for before it is published is not found, and found as soon as it is published.
func TestFormFileKeptAndConditional(t *testing.T) {
	ctx := context.Background()
	env := testbed.NewEnv(t, nil, nil)
	supTok := testbed.Token(t, env.Users, "sri", survey.RoleSupervisor)
	enuTok := testbed.Token(t, env.Users, "ani", survey.RoleEnumerator)
	sup, enu := newClient(t, env.URL, supTok), newClient(t, env.URL, enuTok)
	f, err := builtin.Load()
	if err != nil {
		t.Fatal(err)
	}
	fileURL := func(version string) string {
		return env.URL + wire.Prefix + "/forms/" + url.PathEscape(f.ID) + "/" + url.PathEscape(version)
	}
	for range 2 { // read, then kept
		resp, body := getRaw(t, fileURL(f.Version), enuTok, nil)
		if resp.StatusCode != http.StatusOK || resp.Header.Get("ETag") != `"`+f.Hash+`"` {
			t.Fatalf("form file: %d, ETag %q, want 200 and %q", resp.StatusCode, resp.Header.Get("ETag"), `"`+f.Hash+`"`)
		}
		var out wire.FormResponse
		if err := json.Unmarshal(body, &out); err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(out.Source, builtin.Source()) || out.PublishedForm == nil || out.ID != f.ID || out.Version != f.Version || out.Hash != f.Hash {
			t.Fatalf("form file: %s %s %s, %d bytes of source", out.ID, out.Version, out.Hash, len(out.Source))
		}
	}
	resp, body := getRaw(t, fileURL(f.Version), enuTok, map[string]string{"If-None-Match": `"other", "` + f.Hash + `"`})
	if resp.StatusCode != http.StatusNotModified || len(body) != 0 {
		t.Fatalf("If-None-Match with the form's hash: %d with %d bytes, want 304 and none", resp.StatusCode, len(body))
	}
	resp, body = getRaw(t, fileURL(f.Version), enuTok, map[string]string{"If-None-Match": `"other"`})
	if resp.StatusCode != http.StatusOK || len(body) == 0 {
		t.Fatalf("If-None-Match with another hash: %d with %d bytes, want 200 and the file", resp.StatusCode, len(body))
	}

	// A new version: not found before it is published, found at once after.
	next := f.Version + ".1"
	changed := bytes.Replace(builtin.Source(), []byte("| "+f.Version+" |"), []byte("| "+next+" |"), 1)
	if bytes.Equal(changed, builtin.Source()) {
		t.Fatal("the fixture did not change the version")
	}
	if _, err := enu.Form(ctx, f.ID, next); survey.ErrorCode(err) != survey.ENOTFOUND {
		t.Fatalf("an unpublished version: %v, want not found", err)
	}
	if _, err := sup.Publish(ctx, builtin.Name, changed); err != nil {
		t.Fatal(err)
	}
	got, err := enu.Form(ctx, f.ID, next)
	if err != nil || !bytes.Equal(got.Source, changed) || got.Hash != survey.HashBytes(changed) {
		t.Fatalf("the version just published: %v", err)
	}
	if got, err := enu.Form(ctx, f.ID, f.Version); err != nil || !bytes.Equal(got.Source, builtin.Source()) {
		t.Fatalf("the first version after the second was published: %v", err)
	}
}
