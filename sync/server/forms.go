package server

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"

	"tracer/forms"
	"tracer/survey"
	"tracer/sync/wire"
)

// formCache compiles each published form version once, and keeps the forms used most
// recently within a bound (maxCachedWeight): a form that reads a large attached file takes
// hundreds of megabytes, and every version ever published, retired ones too, could be
// asked for. Requests for a form being compiled wait for that one compilation.
type formCache struct {
	store survey.FormStore

	mu     sync.Mutex
	forms  map[formKey]*cachedForm
	tick   uint64
	weight int
	// loads counts compilations, for the tests.
	loads int
}

type formKey struct{ id, version string }

type cachedForm struct {
	ready  chan struct{} // closed once f or err is set
	f      *forms.Form
	err    error
	used   uint64
	weight int
}

// maxCachedWeight bounds the forms kept, in formWeight's units (about 200 bytes each):
// a few forms with the largest attached files, or hundreds of ordinary ones.
const maxCachedWeight = 2_000_000

// formWeight estimates what a compiled form holds: its questions and the cells of its
// choice lists.
func formWeight(f *forms.Form) int {
	w := len(f.Nodes)
	for _, l := range f.Lists {
		w += len(l.Choices) * (2 + len(l.Columns))
	}
	return max(w, 1)
}

func newFormCache(store survey.FormStore) *formCache {
	return &formCache{store: store, forms: map[formKey]*cachedForm{}}
}

// get returns the compiled form id at version. Returns ENOTFOUND when it is not published.
func (c *formCache) get(ctx context.Context, id, version string) (*forms.Form, error) {
	k := formKey{id, version}
	c.mu.Lock()
	c.tick++
	if e := c.forms[k]; e != nil {
		e.used = c.tick
		c.mu.Unlock()
		select {
		case <-e.ready:
			if e.err != nil && ctx.Err() == nil && (errors.Is(e.err, context.Canceled) || errors.Is(e.err, context.DeadlineExceeded)) {
				return c.get(ctx, id, version) // the request that compiled it went away
			}
			return e.f, e.err
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
	e := &cachedForm{ready: make(chan struct{}), used: c.tick}
	c.forms[k] = e
	c.loads++
	c.mu.Unlock()

	e.f, e.err = c.load(ctx, id, version)
	c.mu.Lock()
	if e.err != nil {
		delete(c.forms, k) // asked again, it is read again
	} else {
		e.weight = formWeight(e.f)
		c.weight += e.weight
		c.evict(k)
	}
	c.mu.Unlock()
	close(e.ready)
	return e.f, e.err
}

func (c *formCache) load(ctx context.Context, id, version string) (*forms.Form, error) {
	pf, err := c.store.Form(ctx, id, version)
	if err != nil {
		return nil, err
	}
	f, err := forms.ParseContext(ctx, pf.Name, pf.Source)
	if err != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		return nil, survey.Errorf(survey.EINTERNAL, "Published form %s version %s no longer loads.", id, version)
	}
	return f, nil
}

// evict drops the forms used least recently, other than keep, until the cache is within
// its bound. Called with mu held.
func (c *formCache) evict(keep formKey) {
	for c.weight > maxCachedWeight {
		var oldest formKey
		var at uint64
		found := false
		for k, e := range c.forms {
			if k == keep || e.weight == 0 { // being compiled
				continue
			}
			if !found || e.used < at {
				oldest, at, found = k, e.used, true
			}
		}
		if !found {
			return
		}
		c.weight -= c.forms[oldest].weight
		delete(c.forms, oldest)
	}
}

// Publish compiles an XLSForm and stores it as a published version: the server's side of
// POST /api/v1/forms, also used by "tracer serve" to publish the built-in form. Returns
// EINVALID for a form that does not load.
func Publish(ctx context.Context, store survey.FormStore, name string, source []byte, by string) (*survey.PublishedForm, bool, error) {
	f, err := forms.ParseContext(ctx, name, source)
	if err != nil {
		return nil, false, survey.Errorf(survey.EINVALID, "The form does not load: %s", firstLines(err.Error(), 5))
	}
	if survey.HasHidden(f.ID) || survey.HasHidden(f.Version) {
		return nil, false, survey.Errorf(survey.EINVALID, "The form's form_id and version may not hold control characters.")
	}
	if f.ID == "" || f.Version == "" {
		return nil, false, survey.Errorf(survey.EINVALID, "The form needs form_id and version in its settings sheet to be published.")
	}
	if len(f.Missing) > 0 {
		// Published without them, its selects would be skipped on every laptop and its
		// answers never checked against the files, where ODK's clients get them.
		return nil, false, survey.Errorf(survey.EINVALID, "The form reads %s, which did not come with it: publish it from the folder that holds them (tracer form publish sends them with it), or as a .zip of the form and its files.", strings.Join(f.Missing, ", "))
	}
	pf := &survey.PublishedForm{ID: f.ID, Version: f.Version, Name: name, Title: f.Title, Source: source, PublishedBy: by}
	added, err := store.Publish(ctx, pf)
	if survey.ErrorCode(err) == survey.ECONFLICT {
		if old, e := store.Form(ctx, f.ID, f.Version); e == nil && sameForm(ctx, old, f) {
			return nil, false, survey.Errorf(survey.ECONFLICT, "Form %s version %s is already published, with the same questions, choices and files, from %s; this file (an export or a copy of it) changes nothing, so it is not published. To publish a change, edit the form and give it a new version in the settings sheet.",
				f.ID, f.Version, old.Name)
		}
	}
	return pf, added, err
}

// sameForm reports whether the published form old, loaded, is the form f: the same XForm
// (questions, choices, logic, labels) and the same attached files, whatever the bytes of
// their files (an XLSX exported from a Markdown form, or saved again).
func sameForm(ctx context.Context, old *survey.PublishedForm, f *forms.Form) bool {
	of, err := forms.ParseContext(ctx, old.Name, old.Source)
	if err != nil {
		return false
	}
	var a, b bytes.Buffer
	if forms.WriteXForm(&a, of) != nil || forms.WriteXForm(&b, f) != nil || !bytes.Equal(a.Bytes(), b.Bytes()) {
		return false
	}
	return slices.EqualFunc(of.Attachments, f.Attachments, func(x, y forms.Attachment) bool {
		return x.Name == y.Name && bytes.Equal(x.Data, y.Data)
	})
}

func firstLines(s string, n int) string {
	lines := 0
	for i := range len(s) {
		if s[i] == '\n' {
			lines++
			if lines == n {
				return s[:i] + " ..."
			}
		}
	}
	return s
}

func (s *Server) listForms(w http.ResponseWriter, r *http.Request, _ *survey.User) error {
	fs, err := s.cfg.Forms.Forms(r.Context())
	if err != nil {
		return err
	}
	if fs == nil {
		fs = []*survey.PublishedForm{}
	}
	writeJSON(w, http.StatusOK, wire.FormsResponse{Forms: fs})
	return nil
}

func (s *Server) publishForm(w http.ResponseWriter, r *http.Request, u *survey.User) error {
	var req wire.PublishRequest
	if err := s.decode(w, r, &req); err != nil {
		return err
	}
	pf, added, err := Publish(r.Context(), s.cfg.Forms, req.Name, req.Source, u.Name)
	if err != nil {
		return err
	}
	status := http.StatusOK
	if added {
		status = http.StatusCreated
	}
	writeJSON(w, status, wire.PublishResponse{Form: pf, Added: added})
	return nil
}

// getForm answers one published version with its source. A published version never
// changes (survey.FormStore), so its answer is encoded once and kept; its ETag is the
// source's hash, and a request that names it in If-None-Match gets 304 with no body.
func (s *Server) getForm(w http.ResponseWriter, r *http.Request, _ *survey.User) error {
	k := formKey{r.PathValue("id"), r.PathValue("version")}
	c, err := s.formFiles.get(r.Context(), s.cfg.Forms, k)
	if err != nil {
		return err
	}
	h := w.Header()
	h.Set("ETag", c.etag)
	h.Set("Cache-Control", "no-cache")
	if etagMatches(r.Header.Get("If-None-Match"), c.etag) {
		w.WriteHeader(http.StatusNotModified)
		return nil
	}
	h.Set("Content-Type", "application/json")
	h.Set("Content-Length", strconv.Itoa(len(c.body)))
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(c.body) // the client is gone if this fails; nothing to do
	return nil
}

// maxFormFiles bounds the bytes of encoded form versions a server keeps: past it, a version
// is read and encoded for each request, as it was before any was kept.
const maxFormFiles = 32 << 20

// formFiles keeps the encoded answers of GET /api/v1/forms/{id}/{version}.
type formFiles struct {
	mu    sync.Mutex
	files map[formKey]encodedForm
	size  int
}

// encodedForm is a published version's answer, encoded, and its ETag.
type encodedForm struct {
	body []byte
	etag string
}

// get returns the encoded answer for the version k, reading and encoding it once.
func (c *formFiles) get(ctx context.Context, store survey.FormStore, k formKey) (encodedForm, error) {
	c.mu.Lock()
	e, ok := c.files[k]
	c.mu.Unlock()
	if ok {
		return e, nil
	}
	pf, err := store.Form(ctx, k.id, k.version)
	if err != nil {
		return encodedForm{}, err
	}
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(wire.FormResponse{PublishedForm: pf, Source: pf.Source}); err != nil {
		return encodedForm{}, err
	}
	e = encodedForm{body: b.Bytes(), etag: `"` + pf.Hash + `"`}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.files == nil {
		c.files = map[formKey]encodedForm{}
	}
	if _, ok := c.files[k]; !ok && c.size+len(e.body) <= maxFormFiles {
		c.files[k] = e
		c.size += len(e.body)
	}
	return e, nil
}

// etagMatches reports whether an If-None-Match header names etag (or is "*").
func etagMatches(header, etag string) bool {
	for _, t := range strings.Split(header, ",") {
		t = strings.TrimSpace(t)
		if t == "*" || strings.TrimPrefix(t, "W/") == etag {
			return true
		}
	}
	return false
}

func (s *Server) retireForm(w http.ResponseWriter, r *http.Request, u *survey.User) error {
	id := r.PathValue("id")
	if err := s.cfg.Forms.Retire(r.Context(), id, u.Name); err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, wire.RetireResponse{ID: id, Retired: true})
	return nil
}
