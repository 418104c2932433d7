package server

import (
	"context"
	"net/http"
	"sync"

	"tracer/forms"
	"tracer/survey"
	"tracer/sync/wire"
)

// formCache compiles each published form version once.
type formCache struct {
	store survey.FormStore

	mu    sync.Mutex
	forms map[formKey]*forms.Form
}

type formKey struct{ id, version string }

func newFormCache(store survey.FormStore) *formCache {
	return &formCache{store: store, forms: map[formKey]*forms.Form{}}
}

// get returns the compiled form id at version. Returns ENOTFOUND when it is not published.
func (c *formCache) get(ctx context.Context, id, version string) (*forms.Form, error) {
	k := formKey{id, version}
	c.mu.Lock()
	f := c.forms[k]
	c.mu.Unlock()
	if f != nil {
		return f, nil
	}
	pf, err := c.store.Form(ctx, id, version)
	if err != nil {
		return nil, err
	}
	if f, err = forms.ParseContext(ctx, pf.Name, pf.Source); err != nil {
		return nil, survey.Errorf(survey.EINTERNAL, "Published form %s version %s no longer loads.", id, version)
	}
	c.mu.Lock()
	c.forms[k] = f
	c.mu.Unlock()
	return f, nil
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
	pf := &survey.PublishedForm{ID: f.ID, Version: f.Version, Name: name, Title: f.Title, Source: source, PublishedBy: by}
	added, err := store.Publish(ctx, pf)
	return pf, added, err
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

func (s *Server) getForm(w http.ResponseWriter, r *http.Request, _ *survey.User) error {
	pf, err := s.cfg.Forms.Form(r.Context(), r.PathValue("id"), r.PathValue("version"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, wire.FormResponse{PublishedForm: pf, Source: pf.Source})
	return nil
}

func (s *Server) retireForm(w http.ResponseWriter, r *http.Request, u *survey.User) error {
	id := r.PathValue("id")
	if err := s.cfg.Forms.Retire(r.Context(), id, u.Name); err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, wire.RetireResponse{ID: id, Retired: true})
	return nil
}
