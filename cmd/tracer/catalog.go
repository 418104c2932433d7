package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"time"

	"tracer/forms"
	"tracer/forms/builtin"
	"tracer/survey"
	"tracer/sync/client"
)

// studyForms is the laptop's view of the study's forms: the versions the server published,
// as pulled into the forms folder with the server's list at the last sync, and the built-in
// form. Each version is compiled once, under the file name it was published with, so its
// id is the one the server knows.
type studyForms struct {
	dir string

	mu      sync.Mutex              // the TUI asks from its commands, one goroutine each
	list    []*survey.PublishedForm // the server's list at the last sync; nil before the first
	modTime time.Time               // of the list file when it was read
	loaded  map[string]*forms.Form  // by source hash
}

// loadStudyForms reads the list of forms pulled into dataDir/forms.
func loadStudyForms(dataDir string) (*studyForms, error) {
	s := &studyForms{dir: filepath.Join(dataDir, "forms"), loaded: map[string]*forms.Form{}}
	if err := s.refresh(); err != nil {
		return nil, err
	}
	return s, nil
}

// refresh reads the list again when a sync wrote a new one since it was read.
func (s *studyForms) refresh() error {
	path := filepath.Join(s.dir, client.ManifestName)
	fi, err := os.Stat(path)
	switch {
	case errors.Is(err, os.ErrNotExist):
		return nil
	case err != nil:
		return err
	case fi.ModTime().Equal(s.modTime):
		return nil
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	var list []*survey.PublishedForm
	if err := json.Unmarshal(data, &list); err != nil {
		return fmt.Errorf("the list of pulled forms %s: %w", path, err)
	}
	if list == nil {
		list = []*survey.PublishedForm{}
	}
	s.list, s.modTime = list, fi.ModTime()
	return nil
}

// published reports whether the server published exactly f (its id, version and bytes),
// as the laptop knows from its last sync; the built-in form counts as published before
// the first sync.
func (s *studyForms) published(f *forms.Form) bool {
	return s.publishedAs(f.ID, f.Version, f.Hash)
}

// publishedAs reports whether the server published form id at version with bytes of
// hash, as the laptop knows from its last sync; see published.
func (s *studyForms) publishedAs(id, version, hash string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.refresh(); err != nil {
		return false
	}
	if s.list == nil {
		b, err := builtin.Load()
		return err == nil && b.ID == id && b.Version == version && b.Hash == hash
	}
	for _, pf := range s.list {
		if pf.ID == id && pf.Version == version && pf.Hash == hash {
			return true
		}
	}
	return false
}

// offered returns the forms offered for new interviews: the newest version of each form
// the server publishes and has not retired, in the server's order; the built-in form
// before the first sync. A version that does not load is skipped and reported.
func (s *studyForms) offered(ctx context.Context) ([]*forms.Form, []error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.refresh(); err != nil {
		return nil, []error{err}
	}
	if s.list == nil {
		f, err := builtin.Load()
		if err != nil {
			return nil, []error{err}
		}
		return []*forms.Form{f}, nil
	}
	latest := map[string]*survey.PublishedForm{}
	var order []string
	for _, pf := range s.list {
		if _, ok := latest[pf.ID]; !ok {
			order = append(order, pf.ID)
		}
		latest[pf.ID] = pf // the list is in publication order within an id
	}
	var out []*forms.Form
	var errs []error
	for _, id := range order {
		pf := latest[id]
		if pf.Retired {
			continue
		}
		f, err := s.load(ctx, pf)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		out = append(out, f)
	}
	return out, errs
}

// newest returns the newest published version of form id that is not f itself, when it
// is newer than f (published after it); nil otherwise.
func (s *studyForms) newest(ctx context.Context, f *forms.Form) (*forms.Form, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.refresh(); err != nil {
		return nil, err
	}
	var last *survey.PublishedForm
	seen := false
	for _, pf := range s.list {
		if pf.ID != f.ID {
			continue
		}
		if pf.Version == f.Version {
			seen = true
			continue
		}
		if seen {
			last = pf
		}
	}
	if last == nil {
		return nil, nil
	}
	return s.load(ctx, last)
}

// formOf returns the exact form an interview was made with: the built-in form or a pulled
// version whose bytes have the interview's hash. Returns ENOTFOUND otherwise.
func (s *studyForms) formOf(ctx context.Context, id, version, hash string) (*forms.Form, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.refresh(); err != nil {
		return nil, err
	}
	if f := s.loaded[hash]; f != nil && f.ID == id && f.IsVersion(version) {
		return f, nil
	}
	if b, err := builtin.Load(); err == nil && b.ID == id && b.Version == version && b.Hash == hash {
		return b, nil
	}
	for _, pf := range s.list {
		if pf.ID == id && pf.Version == version && pf.Hash == hash {
			return s.load(ctx, pf)
		}
	}
	return nil, survey.Errorf(survey.ENOTFOUND, "Form %s version %s (sha256 %.12s) is not on this laptop: sync to pull it.", id, version, hash)
}

// load compiles a pulled version under the name it was published with.
func (s *studyForms) load(ctx context.Context, pf *survey.PublishedForm) (*forms.Form, error) {
	if f := s.loaded[pf.Hash]; f != nil {
		return f, nil
	}
	data, err := os.ReadFile(filepath.Join(s.dir, client.FormFileName(pf)))
	if err != nil {
		return nil, fmt.Errorf("form %s version %s: %w (sync again to pull it)", pf.ID, pf.Version, err)
	}
	if survey.HashBytes(data) != pf.Hash {
		return nil, fmt.Errorf("form %s version %s: the pulled file does not match its hash (sync again)", pf.ID, pf.Version)
	}
	f, err := forms.ParseContext(ctx, pf.Name, data)
	if err != nil {
		return nil, fmt.Errorf("form %s version %s: %w", pf.ID, pf.Version, err)
	}
	s.loaded[pf.Hash] = f
	return f, nil
}

// version returns the pulled version of form id, loaded.
func (s *studyForms) version(ctx context.Context, id, version string) (*forms.Form, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.refresh(); err != nil {
		return nil, err
	}
	for _, pf := range s.list {
		if pf.ID == id && pf.Version == version {
			return s.load(ctx, pf)
		}
	}
	return nil, survey.Errorf(survey.ENOTFOUND, "Form %s version %s is not on this laptop: sync to pull it.", id, version)
}

// retired reports whether the server retired form id, as of the last sync.
func (s *studyForms) retired(id string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.refresh(); err != nil {
		return false
	}
	for _, pf := range s.list {
		if pf.ID == id {
			return pf.Retired
		}
	}
	return false
}
