package client

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"tracer/survey"
	"tracer/sync/bundle"
	"tracer/sync/wire"
)

// File name extensions of bundles in a transfer folder.
const (
	OutboxExt  = ".bundle"  // written by a laptop, imported by a relay or server
	ReceiptExt = ".receipt" // written back by the relay or server, read by the laptop
)

// bundleBytes bounds the interviews' bytes in one outbox bundle, as in one push.
const bundleBytes = wire.MaxBody / 2

// HeldBack lists the outbox revisions made with a form the server did not publish, as of
// the list the last sync saved in l.FormsDir: what a bundle leaves out. None before the
// first sync.
func HeldBack(ctx context.Context, l Laptop) ([]survey.HeldRevision, error) {
	have, err := pulledForms(l.FormsDir)
	if err != nil || have == nil {
		return nil, err
	}
	all, err := l.Interviews.Outbox(ctx, 0)
	if err != nil {
		return nil, fmt.Errorf("read outbox: %w", err)
	}
	var out []survey.HeldRevision
	for _, it := range all {
		if have.holds(it) {
			out = append(out, held(it))
		}
	}
	return out, nil
}

// Written is what WriteOutbox wrote: the files, and how many revisions, attempts and
// roster updates they carry.
type Written struct {
	Files                    []string
	Items, Attempts, Updates int
}

// WriteOutbox writes what a sync would push (the outbox but revisions refused for good or
// made with a form the server did not publish as of the last sync, the unsent attempts and
// the unsent roster updates) into dir as outbox bundles of the account user, sealed under
// the key of token; nothing is marked sent: that waits for the receipts (ReadReceipts). It
// returns what it wrote, also when it stops on an error.
func WriteOutbox(ctx context.Context, l Laptop, dir, user, token string, now time.Time) (*Written, error) {
	out := &Written{}
	all, err := l.Interviews.Outbox(ctx, 0)
	if err != nil {
		return out, fmt.Errorf("read outbox: %w", err)
	}
	refused := map[string]bool{}
	if l.State != nil {
		rs, err := l.State.Refusals(ctx)
		if err != nil {
			return out, fmt.Errorf("read refusals: %w", err)
		}
		for _, r := range rs {
			refused[fmt.Sprint(r.InterviewID, "/", r.Revision, "/", r.Hash)] = true
		}
	}
	have, err := pulledForms(l.FormsDir)
	if err != nil {
		return out, err
	}
	var todo []wire.PushItem
	for _, it := range all {
		if refused[fmt.Sprint(it.InterviewID, "/", it.Revision, "/", it.Hash)] || have.holds(it) ||
			l.Account != "" && it.Enumerator != "" && it.Enumerator != l.Account {
			continue
		}
		p := wire.PushItem{ID: it.InterviewID, Revision: it.Revision, Hash: it.Hash, Body: it.Body}
		if it.Sealed {
			p.Body, p.Sealed = nil, it.Body
		}
		todo = append(todo, p)
	}
	var tries []*survey.Attempt
	if l.Attempts != nil {
		if tries, err = l.Attempts.Unsent(ctx); err != nil {
			return out, fmt.Errorf("read attempts: %w", err)
		}
		tries = ownOnly(tries, l.Account, func(a *survey.Attempt) string { return a.Enumerator }, &Summary{})
	}
	var updates []*survey.RosterUpdate
	if l.Updates != nil {
		if updates, err = l.Updates.Unsent(ctx); err != nil {
			return out, fmt.Errorf("read roster updates: %w", err)
		}
		updates = ownOnly(updates, l.Account, func(u *survey.RosterUpdate) string { return u.ProposedBy }, &Summary{})
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return out, err
	}
	hash := survey.HashSecret(token)
	for len(todo) > 0 || len(tries) > 0 || len(updates) > 0 {
		b := wire.BundleOutbox{DeviceTime: now.UTC(), Items: []wire.PushItem{}, Attempts: []*survey.Attempt{}}
		size := 0
		for len(todo) > 0 && len(b.Items) < wire.MaxBatch {
			n := len(todo[0].Body) + len(todo[0].Sealed)*4/3
			if len(b.Items) > 0 && size+n > bundleBytes {
				break
			}
			size += n
			b.Items, todo = append(b.Items, todo[0]), todo[1:]
		}
		n := min(len(tries), wire.MaxAttempts)
		b.Attempts, tries = tries[:n], tries[n:]
		n = min(len(updates), wire.MaxRosterUpdates)
		b.Updates, updates = updates[:n], updates[n:]
		payload, err := json.Marshal(b)
		if err != nil {
			return out, err
		}
		id := survey.NewID()
		data, err := bundle.Seal(bundle.KindOutbox, user, id, hash, now, payload)
		if err != nil {
			return out, err
		}
		path := filepath.Join(dir, bundleName(user, id, now)+OutboxExt)
		if err := writeFileAtomic(path, data); err != nil {
			return out, fmt.Errorf("write bundle: %w", err)
		}
		out.Files = append(out.Files, path)
		out.Items += len(b.Items)
		out.Attempts += len(b.Attempts)
		out.Updates += len(b.Updates)
	}
	return out, nil
}

// bundleName is a bundle's file name without its extension: the account, the time and
// the random end of its id (survey.ShortID), with nothing a file system could mind.
func bundleName(user, id string, at time.Time) string {
	clean := strings.Map(func(r rune) rune {
		if r < 0x80 && (r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_') {
			return r
		}
		return '_'
	}, user)
	return "tracer-" + clean + "-" + at.UTC().Format("20060102T150405") + "-" + survey.ShortID(id)
}

// ReceiptFile returns the receipts file that answers the outbox bundle at path.
func ReceiptFile(path string) string { return strings.TrimSuffix(path, OutboxExt) + ReceiptExt }

// BundleError is one bundle file that could not be read or imported.
type BundleError struct {
	Path string
	Err  error
}

// Error says which file and why, in one line.
func (e *BundleError) Error() string {
	return fmt.Sprintf("%s: %s", e.Path, survey.ErrorMessage(e.Err))
}

// Unwrap returns the reason.
func (e *BundleError) Unwrap() error { return e.Err }

// ReadFileLimited reads a bundle file of at most bundle.MaxSize bytes.
func ReadFileLimited(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, bundle.MaxSize+1))
	if err != nil {
		return nil, err
	}
	if len(data) > bundle.MaxSize {
		return nil, survey.Errorf(survey.ETOOLARGE, "The file has over %d bytes: it is not a bundle.", bundle.MaxSize)
	}
	return data, nil
}

// ReadReceipts reads the receipts bundles in dir that answer this laptop's outbox bundles
// (those of account user, sealed under token) and acts on each receipt as a sync does:
// revisions and attempts are marked sent only here. Reading the same receipts again is
// harmless; so are receipts of roster updates. Receipts of other accounts are left alone; one that does not verify is
// reported as a BundleError and nothing of it is used. It returns what the receipts said
// and the errors of the files it could not use.
func ReadReceipts(ctx context.Context, l Laptop, dir, user, token string) (*Summary, []error, error) {
	paths, err := filepath.Glob(filepath.Join(dir, "*"+ReceiptExt))
	if err != nil {
		return nil, nil, err
	}
	sort.Strings(paths)
	sum := &Summary{}
	var bad []error
	hash := survey.HashSecret(token)
	for _, path := range paths {
		data, err := ReadFileLimited(path)
		if err != nil {
			bad = append(bad, &BundleError{Path: path, Err: err})
			continue
		}
		h, _, err := bundle.ReadHeader(data)
		if err != nil {
			bad = append(bad, &BundleError{Path: path, Err: err})
			continue
		}
		if h.User != user {
			continue
		}
		if h.Kind != bundle.KindReceipts {
			bad = append(bad, &BundleError{Path: path, Err: survey.Errorf(survey.EINVALID, "This is not a receipts bundle.")})
			continue
		}
		_, plain, _, err := bundle.Open(data, []string{hash})
		if err != nil {
			bad = append(bad, &BundleError{Path: path, Err: err})
			continue
		}
		var rcs wire.BundleReceipts
		if err := wire.Decode(bytes.NewReader(plain), &rcs); err != nil {
			bad = append(bad, &BundleError{Path: path, Err: err})
			continue
		}
		if rcs.Relay != "" {
			sum.Relay = rcs.Relay
		}
		// Receipts read from a bundle are marked one by one: one for a revision this laptop
		// no longer holds is passed over and left out of the summary.
		for _, rc := range rcs.Receipts {
			err := markOne(rc.Safe(), sum, "interviews", func() error {
				return l.Interviews.MarkSent(ctx, survey.SentRevision{InterviewID: rc.InterviewID, Revision: rc.Revision, Hash: rc.Hash})
			})
			if err == nil {
				err = settle(ctx, l, rc.Receipt, sum)
			}
			if survey.ErrorCode(err) == survey.ENOTFOUND {
				continue // this laptop's data folder was replaced since
			}
			if err != nil {
				return sum, bad, err
			}
		}
		if l.Attempts != nil {
			for _, rc := range rcs.Attempts {
				err := markOne(rc.Status == survey.ReceiptStored || rc.Status == survey.ReceiptDuplicate, sum, "contact attempts", func() error {
					return l.Attempts.MarkSent(ctx, rc.ID)
				})
				if err == nil {
					err = settleAttempt(ctx, l.Attempts, rc, "", sum)
				}
				if survey.ErrorCode(err) == survey.ENOTFOUND {
					continue
				}
				if err != nil {
					return sum, bad, err
				}
			}
		}
		if l.Updates != nil {
			for _, rc := range rcs.Updates {
				err := markOne(rc.Status == survey.ReceiptStored || rc.Status == survey.ReceiptDuplicate, sum, "roster updates", func() error {
					return l.Updates.MarkSent(ctx, rc.ID)
				})
				if err == nil {
					err = settleUpdate(ctx, l.Updates, rc, "", sum)
				}
				if survey.ErrorCode(err) == survey.ENOTFOUND {
					continue
				}
				if err != nil {
					return sum, bad, err
				}
			}
		}
	}
	return sum, bad, nil
}

// markOne runs mark, which records one receipt's item sent, when held (the server holds the
// item); a failure is an UnrecordedError for what (interviews, contact attempts, roster
// updates), counting the interviews already settled and this one.
func markOne(held bool, sum *Summary, what string, mark func() error) error {
	if !held {
		return nil
	}
	if err := mark(); err != nil {
		safe := 1
		if what == "interviews" {
			safe += sum.Count(survey.OutcomeStored, survey.OutcomeDuplicate)
		}
		return &UnrecordedError{Safe: safe, What: what, Err: fmt.Errorf("mark sent: %w", err)}
	}
	return nil
}
