package client

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"tracer/survey"
	"tracer/sync/wire"
)

// Laptop is what a sync reads and writes on the laptop.
type Laptop struct {
	Interviews survey.InterviewStore
	Roster     survey.RosterStore
	State      survey.SyncStateStore
	// Attempts holds the laptop's contact attempts; none are pushed when nil.
	Attempts survey.AttemptStore
	// Updates holds the roster updates proposed on the laptop; none are pushed when nil.
	Updates survey.RosterUpdateStore
	// Waves keeps the study's waves as pulled; they are not pulled when nil.
	Waves survey.PulledWaves
	// Account is the account the laptop is enrolled as: revisions, contact attempts and
	// roster updates another account made are not pushed (the server takes an
	// enumerator's own only) but counted in the summary's Others, to go at that account's
	// login. Empty pushes everything.
	Account string
	// FormsDir receives pulled forms as "ID@VERSION.EXT"; no forms are pulled when empty.
	// With it, a revision made with a form the server has not published (its id, version
	// and hash) is held back: not pushed, listed in the summary's Held.
	FormsDir string
}

// Summary is what a sync did: one outcome per pushed revision (see survey.Outcome) and
// the counts of what was pulled.
type Summary = survey.SyncSummary

// Progress receives the count of revisions the server has answered for, after each receipt.
// It is called from the goroutine running Sync.
type Progress func(survey.SyncProgress)

// maxPages bounds every pull loop.
const maxPages = 100000

// Sync pushes the outbox in batches, then pulls forms, the roster and returned interviews.
// A revision is marked sent only when its receipt names the same id, revision and hash. It
// stops at the first request that fails after its retries and returns what it did so far;
// whatever was not confirmed stays in the outbox for the next sync. When the laptop pulls
// forms, the server's list is read first and a revision made with a form it does not
// publish is held back, not pushed.
func (c *Client) Sync(ctx context.Context, l Laptop, progress Progress) (*Summary, error) {
	if progress == nil {
		progress = func(survey.SyncProgress) {}
	}
	sum := &Summary{}
	var published []*survey.PublishedForm
	if l.FormsDir != "" {
		var err error
		if published, err = c.Forms(ctx); err != nil {
			return sum, err
		}
	}
	if err := c.pushOutbox(ctx, l, published, sum, progress); err != nil {
		return sum, err
	}
	if l.Attempts != nil {
		if err := c.pushAttempts(ctx, l.Attempts, l.Account, sum); err != nil {
			return sum, err
		}
	}
	if l.Updates != nil {
		if err := c.pushRosterUpdates(ctx, l.Updates, l.Account, sum); err != nil {
			return sum, err
		}
	}
	if l.FormsDir != "" {
		if err := c.pullForms(ctx, l, published, sum); err != nil {
			return sum, err
		}
	}
	if l.Roster != nil {
		if err := c.pullRoster(ctx, l, sum); err != nil {
			return sum, err
		}
	}
	if l.Waves != nil {
		if err := c.pullWaves(ctx, l.Waves, sum); err != nil {
			return sum, err
		}
	}
	if imp, ok := l.Attempts.(survey.AttemptImporter); ok && l.State != nil {
		if err := c.pullAssignedAttempts(ctx, l, imp, sum); err != nil {
			return sum, err
		}
	}
	returned := sum.Returned
	if err := c.pullReturned(ctx, l, sum); err != nil {
		return sum, err
	}
	if l.FormsDir != "" && sum.Returned > returned {
		// a returned interview of a version this laptop had let go needs it again
		if err := c.pullForms(ctx, l, published, sum); err != nil {
			return sum, err
		}
	}
	if err := c.pullApproved(ctx, l, sum); err != nil {
		return sum, err
	}
	if err := c.pullRefused(ctx, l, sum); err != nil {
		return sum, err
	}
	return sum, nil
}

// ownOnly returns the entries of todo that account made (all of them when account is
// empty), counting the others in sum.Others.
func ownOnly[T any](todo []T, account string, maker func(T) string, sum *Summary) []T {
	if account == "" {
		return todo
	}
	own := todo[:0:0]
	for _, x := range todo {
		if m := maker(x); m != "" && m != account {
			sum.Others++
			continue
		}
		own = append(own, x)
	}
	return own
}

// pushOutbox pushes what the outbox holds, less what an earlier sync saw refused for good
// and, when published is not nil, what was made with a form it does not list.
func (c *Client) pushOutbox(ctx context.Context, l Laptop, published []*survey.PublishedForm, sum *Summary, progress Progress) error {
	items, err := l.Interviews.Outbox(ctx, 0)
	if err != nil {
		return fmt.Errorf("read outbox: %w", err)
	}
	refused := map[string]bool{}
	if l.State != nil {
		rs, err := l.State.Refusals(ctx)
		if err != nil {
			return fmt.Errorf("read refusals: %w", err)
		}
		for _, r := range rs {
			refused[fmt.Sprint(r.InterviewID, "/", r.Revision, "/", r.Hash)] = true
		}
	}
	var have formSet
	if published != nil || l.FormsDir != "" {
		have = newFormSet(published)
	}
	var todo []*survey.OutboxItem
	for _, it := range items {
		if refused[fmt.Sprint(it.InterviewID, "/", it.Revision, "/", it.Hash)] {
			sum.Skipped++
			continue
		}
		if have.holds(it) {
			sum.Held = append(sum.Held, held(it))
			continue
		}
		if l.Account != "" && it.Enumerator != "" && it.Enumerator != l.Account {
			sum.Others++
			continue
		}
		todo = append(todo, it)
	}
	if len(todo) == 0 {
		return nil
	}
	p := survey.SyncProgress{Total: len(todo)}
	for len(todo) > 0 {
		n, size := 0, 0
		for n < len(todo) && n < c.batchCount && (n == 0 || size+wireSize(todo[n]) <= c.batchBytes) {
			size += wireSize(todo[n])
			n++
		}
		batch := todo[:n]
		todo = todo[n:]
		if err := c.pushBatch(ctx, l, batch, sum, &p, progress); err != nil {
			return err
		}
	}
	return nil
}

// formSet is the forms a server publishes, by id, version and hash; nil knows nothing.
type formSet map[string]bool

func newFormSet(list []*survey.PublishedForm) formSet {
	s := formSet{}
	for _, pf := range list {
		s[pf.ID+"\x00"+pf.Version+"\x00"+pf.Hash] = true
	}
	return s
}

// holds reports whether it must be held back: made with a form the set does not hold.
func (s formSet) holds(it *survey.OutboxItem) bool {
	return s != nil && it.FormID != "" && !s[it.FormID+"\x00"+it.FormVersion+"\x00"+it.FormHash]
}

func held(it *survey.OutboxItem) survey.HeldRevision {
	return survey.HeldRevision{InterviewID: it.InterviewID, Revision: it.Revision,
		FormID: it.FormID, FormVersion: it.FormVersion, FormHash: it.FormHash}
}

// pulledForms reads the server's list of forms as the last sync saved it in dir; nil when
// there is none yet.
func pulledForms(dir string) (formSet, error) {
	if dir == "" {
		return nil, nil
	}
	data, err := os.ReadFile(filepath.Join(dir, ManifestName))
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	} else if err != nil {
		return nil, err
	}
	var list []*survey.PublishedForm
	if err := json.Unmarshal(data, &list); err != nil {
		return nil, fmt.Errorf("the list of pulled forms: %w", err)
	}
	return newFormSet(list), nil
}

// wireSize is how many bytes an outbox item's body takes in a push: a sealed body travels
// in base64.
func wireSize(it *survey.OutboxItem) int {
	if it.Sealed {
		return base64.StdEncoding.EncodedLen(len(it.Body))
	}
	return len(it.Body)
}

// pushBatch pushes one batch and acts on each receipt as its outcome says: marked sent,
// recorded as refused for good, or left in the outbox.
func (c *Client) pushBatch(ctx context.Context, l Laptop, batch []*survey.OutboxItem, sum *Summary, p *survey.SyncProgress, progress Progress) error {
	req := make([]wire.PushItem, len(batch))
	for i, it := range batch {
		req[i] = wire.PushItem{ID: it.InterviewID, Revision: it.Revision, Hash: it.Hash, Body: it.Body}
		if it.Sealed {
			req[i].Body, req[i].Sealed = nil, it.Body
		}
	}
	resp, err := c.Push(ctx, req)
	if err != nil {
		return err
	}
	if resp.Relay != "" {
		sum.Relay = resp.Relay
	}
	sent := make([]survey.SentRevision, 0, len(batch))
	for i, rc := range resp.Receipts {
		it := batch[i]
		if rc.InterviewID != it.InterviewID || rc.Revision != it.Revision || rc.Hash != it.Hash {
			return fmt.Errorf("push: receipt %d names %s revision %d, not the interview sent", i+1, rc.InterviewID, rc.Revision)
		}
		if rc.Safe() {
			sent = append(sent, survey.SentRevision{InterviewID: rc.InterviewID, Revision: rc.Revision, Hash: rc.Hash})
		}
	}
	// Every revision the server holds is marked sent in one transaction, not one each.
	if err := l.Interviews.MarkSent(ctx, sent...); err != nil {
		safe := sum.Count(survey.OutcomeStored, survey.OutcomeDuplicate) + len(sent)
		return &UnrecordedError{Safe: safe, What: "interviews", Err: fmt.Errorf("mark them sent: %w", err)}
	}
	for _, rc := range resp.Receipts {
		if err := settle(ctx, l, rc.Receipt, sum); err != nil {
			return err
		}
		p.Done++
		progress(*p)
	}
	return nil
}

// settle adds the outcome of one revision's receipt to sum, once the revisions the server
// holds are marked sent: a refusal for good is recorded, so that the revision is not sent
// again; anything else stays in the outbox for the next sync.
func settle(ctx context.Context, l Laptop, rc survey.Receipt, sum *Summary) error {
	out := survey.PushOutcome{InterviewID: rc.InterviewID, Revision: rc.Revision, Outcome: rc.Outcome()}
	if !rc.Safe() {
		out.Code, out.Reason = rc.Code, rc.Message
		if out.Outcome.Final() && l.State != nil {
			if err := l.State.Refuse(ctx, survey.Refusal{InterviewID: rc.InterviewID, Revision: rc.Revision, Hash: rc.Hash,
				Code: rc.Code, Message: rc.Message}); err != nil {
				return fmt.Errorf("record refusal of %s: %w", rc.InterviewID, err)
			}
		}
	}
	sum.Outcomes = append(sum.Outcomes, out)
	return nil
}

// pushAttempts pushes the attempts no receipt has settled, in batches: an attempt is
// marked sent only on a stored or duplicate receipt naming it, recorded as refused for
// good on a final refusal, and otherwise left for the next sync.
func (c *Client) pushAttempts(ctx context.Context, store survey.AttemptStore, account string, sum *Summary) error {
	todo, err := store.Unsent(ctx)
	if err != nil {
		return fmt.Errorf("read attempts: %w", err)
	}
	todo = ownOnly(todo, account, func(a *survey.Attempt) string { return a.Enumerator }, sum)
	for len(todo) > 0 {
		n := min(len(todo), c.batchCount, wire.MaxAttempts)
		batch := todo[:n]
		todo = todo[n:]
		resp, err := c.PushAttempts(ctx, batch)
		if err != nil {
			return err
		}
		ids, err := heldIDs(resp.Receipts, batch, func(a *survey.Attempt) string { return a.ID }, "attempt")
		if err != nil {
			return err
		}
		if err := store.MarkSent(ctx, ids...); err != nil {
			return &UnrecordedError{Safe: len(ids), What: "contact attempts", Err: fmt.Errorf("mark them sent: %w", err)}
		}
		for i, rc := range resp.Receipts {
			if err := settleAttempt(ctx, store, rc, batch[i].RosterID, sum); err != nil {
				return err
			}
		}
	}
	return nil
}

// heldIDs checks that the receipts name the items sent, in order, and returns the ids of
// those the server holds (stored or duplicate); what names the kind of item in an error.
func heldIDs[T any](receipts []survey.AttemptReceipt, sent []T, id func(T) string, what string) ([]string, error) {
	var ids []string
	for i, rc := range receipts {
		if rc.ID != id(sent[i]) {
			return nil, fmt.Errorf("push %ss: receipt %d names %s, not the %s sent", what, i+1, rc.ID, what)
		}
		if rc.Status == survey.ReceiptStored || rc.Status == survey.ReceiptDuplicate {
			ids = append(ids, rc.ID)
		}
	}
	return ids, nil
}

// settleAttempt adds the outcome of one attempt's receipt to sum as settle does for a
// revision, once those the server holds are marked sent.
func settleAttempt(ctx context.Context, store survey.AttemptStore, rc survey.AttemptReceipt, rosterID string, sum *Summary) error {
	out := survey.AttemptOutcome{ID: rc.ID, RosterID: rosterID, Outcome: rc.Outcome(), Code: rc.Code, Reason: rc.Message}
	switch {
	case rc.Status == survey.ReceiptStored || rc.Status == survey.ReceiptDuplicate:
	case out.Outcome.Final():
		if err := store.Refuse(ctx, rc.ID, rc.Message+" ("+rc.Code+")"); err != nil {
			return fmt.Errorf("record refusal of attempt %s: %w", rc.ID, err)
		}
	}
	sum.Attempts = append(sum.Attempts, out)
	return nil
}

// pushRosterUpdates pushes the roster updates no receipt has settled, before the roster is
// pulled, as pushAttempts does for attempts.
func (c *Client) pushRosterUpdates(ctx context.Context, store survey.RosterUpdateStore, account string, sum *Summary) error {
	todo, err := store.Unsent(ctx)
	if err != nil {
		return fmt.Errorf("read roster updates: %w", err)
	}
	todo = ownOnly(todo, account, func(u *survey.RosterUpdate) string { return u.ProposedBy }, sum)
	for len(todo) > 0 {
		n := min(len(todo), c.batchCount, wire.MaxRosterUpdates)
		batch := todo[:n]
		todo = todo[n:]
		resp, err := c.PushRosterUpdates(ctx, batch)
		if err != nil {
			return err
		}
		ids, err := heldIDs(resp.Receipts, batch, func(u *survey.RosterUpdate) string { return u.ID }, "roster update")
		if err != nil {
			return err
		}
		if err := store.MarkSent(ctx, ids...); err != nil {
			return &UnrecordedError{Safe: len(ids), What: "roster updates", Err: fmt.Errorf("mark them sent: %w", err)}
		}
		for i, rc := range resp.Receipts {
			if err := settleUpdate(ctx, store, rc, batch[i].RosterID, sum); err != nil {
				return err
			}
		}
	}
	return nil
}

// settleUpdate adds the outcome of one roster update's receipt to sum as settleAttempt
// does for an attempt.
func settleUpdate(ctx context.Context, store survey.RosterUpdateStore, rc survey.AttemptReceipt, rosterID string, sum *Summary) error {
	out := survey.AttemptOutcome{ID: rc.ID, RosterID: rosterID, Outcome: rc.Outcome(), Code: rc.Code, Reason: rc.Message}
	switch {
	case rc.Status == survey.ReceiptStored || rc.Status == survey.ReceiptDuplicate:
	case out.Outcome.Final():
		if err := store.Refuse(ctx, rc.ID, rc.Message+" ("+rc.Code+")"); err != nil {
			return fmt.Errorf("record refusal of roster update %s: %w", rc.ID, err)
		}
	}
	sum.Updates = append(sum.Updates, out)
	return nil
}

// UnrecordedError is a sync that stopped after the server had stored Safe revisions (or
// contact attempts, or roster updates: What names them), because the laptop could not
// record that they were sent (most often a full disk). Nothing is lost: the next sync
// sends them again and the server recognises each as already there.
//
// Its chain holds what people are told as a survey.Error with the code of the laptop's
// error: survey.ErrorMessage and survey.ErrorCode read that one, and survey.LocalMessage
// says it in Indonesian, with the laptop's error in Indonesian too when the catalogue knows
// its message (a full disk).
type UnrecordedError struct {
	Safe int
	What string // "interviews", "contact attempts" or "roster updates"
	Err  error
}

// Error says what is safe and what went wrong, with the laptop's error in full.
func (e *UnrecordedError) Error() string {
	return fmt.Sprintf("%d %s are safe on the server; this laptop could not record that: %v", e.Safe, e.What, e.Err)
}

// Unwrap returns what people are told (message) and the laptop's error.
func (e *UnrecordedError) Unwrap() []error {
	if m := e.message(); m != nil {
		return []error{m, e.Err}
	}
	return []error{e.Err}
}

// message returns the sentence people are told, with a key for each kind of item and the
// message of the laptop's error as the cause; nil for a What it does not know.
func (e *UnrecordedError) message() *survey.Error {
	code, cause := survey.ErrorCode(e.Err), survey.ErrorMessage(e.Err)
	switch e.What {
	case "interviews":
		return survey.Errorf(code, "%d interview{s} {is|are} safe on the server; this laptop could not record that: %s", e.Safe, cause)
	case "contact attempts":
		return survey.Errorf(code, "%d contact attempt{s} {is|are} safe on the server; this laptop could not record that: %s", e.Safe, cause)
	case "roster updates":
		return survey.Errorf(code, "%d roster update{s} {is|are} safe on the server; this laptop could not record that: %s", e.Safe, cause)
	}
	return nil
}

// pullForms keeps in the laptop's forms folder the versions of list it needs (the newest
// version of each form, and every version a draft, a returned interview or an unsent one
// was made with): it downloads those it lacks and removes the others, then saves the list
// itself.
func (c *Client) pullForms(ctx context.Context, l Laptop, list []*survey.PublishedForm, sum *Summary) error {
	dir := l.FormsDir
	need, err := neededForms(ctx, l.Interviews)
	if err != nil {
		return err
	}
	newest := map[string]*survey.PublishedForm{}
	for _, f := range list { // in publication order within an id
		newest[f.ID] = f
	}
	for _, f := range list {
		path := filepath.Join(dir, FormFileName(f))
		_, statErr := os.Stat(path)
		if newest[f.ID] != f && !need[f.ID+"\x00"+f.Version+"\x00"+f.Hash] {
			if statErr == nil {
				if err := os.Remove(path); err != nil {
					return fmt.Errorf("remove form %s version %s, no longer needed: %w", f.ID, f.Version, err)
				}
				sum.FormsRemoved++
			}
			continue
		}
		if statErr == nil {
			// A file of another form under this name (an older laptop's naming) or a
			// damaged one is fetched again, never kept for this form.
			if b, err := os.ReadFile(path); err == nil && survey.HashBytes(b) == f.Hash {
				continue
			}
		}
		full, err := c.Form(ctx, f.ID, f.Version)
		if err != nil {
			return err
		}
		if survey.HashBytes(full.Source) != f.Hash {
			return fmt.Errorf("form %s version %s: downloaded bytes do not match the hash", f.ID, f.Version)
		}
		if err := writeFileAtomic(path, full.Source); err != nil {
			return fmt.Errorf("save form %s: %w", f.ID, err)
		}
		sum.Forms++
	}
	// The list itself, so the laptop knows each form's published name, hash and whether it
	// is retired without the server.
	manifest, err := json.Marshal(list)
	if err != nil {
		return err
	}
	if err := writeFileAtomic(filepath.Join(dir, ManifestName), manifest); err != nil {
		return fmt.Errorf("save the list of forms: %w", err)
	}
	return nil
}

// neededForms returns the forms (id, version and hash) of the laptop's drafts, returned
// interviews and finalized interviews not yet sent.
func neededForms(ctx context.Context, store survey.InterviewStore) (map[string]bool, error) {
	need := map[string]bool{}
	for _, st := range []survey.State{survey.StateDraft, survey.StateReturned, survey.StateFinalized} {
		ivs, err := store.List(ctx, survey.InterviewFilter{State: st})
		if err != nil {
			return nil, fmt.Errorf("list %s interviews: %w", st, err)
		}
		for _, iv := range ivs {
			need[iv.FormID+"\x00"+iv.FormVersion+"\x00"+iv.FormHash] = true
		}
	}
	return need, nil
}

// ManifestName is the file in the forms folder that holds the server's list of published
// forms as it was at the last sync (JSON, survey.PublishedForm without sources).
const ManifestName = "published.json"

// FormFileName returns the file name a pulled form is saved as: "ID@VERSION" with the
// extension it was published with. An id or version with a character other than a
// lowercase letter, a digit, '_', '-' or '.' has those replaced by '_' and a short hash of
// the two added ("a_b@1~3f9c0a1b.md"), so that two forms never share a file, on a
// file system that ignores case (Windows) too.
func FormFileName(f *survey.PublishedForm) string {
	plain := true
	clean := func(s string) string {
		return strings.Map(func(r rune) rune {
			if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '_' || r == '-' || r == '.' {
				return r
			}
			plain = false
			return '_'
		}, s)
	}
	name := clean(f.ID) + "@" + clean(f.Version)
	if strings.Contains(f.ID+f.Version, "..") || f.ID == "" || f.Version == "" {
		plain = false
	}
	if strings.HasPrefix(name, ".") { // no hidden file
		name, plain = "_"+name[1:], false
	}
	if !plain {
		sum := sha256.Sum256([]byte(f.ID + "\x00" + f.Version))
		name += "~" + hex.EncodeToString(sum[:4])
	}
	return name + filepath.Ext(f.Name)
}

func writeFileAtomic(path string, data []byte) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return err
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), ".pull-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}

// Cursor names in the laptop's SyncStateStore.
const (
	CursorRoster   = "roster"
	CursorReturned = "returned"
	CursorApproved = "approved"
	// CursorRefused follows the late refusals: revisions a relay took that the centre
	// refused for good.
	CursorRefused = "refused"
	// CursorAssignedAttempts follows the attempts others made on the laptop's alumni.
	CursorAssignedAttempts = "assigned_attempts"
)

func (c *Client) pullRoster(ctx context.Context, l Laptop, sum *Summary) error {
	after, err := c.cursor(ctx, l, CursorRoster)
	if err != nil {
		return err
	}
	// A laptop that never pulled holds no row to drop: it pulls its own rows only.
	gone := after > 0
	for range maxPages {
		page, err := c.Roster(ctx, after, gone)
		if err != nil {
			return err
		}
		if len(page.Rows) > 0 {
			rows := make([]*survey.Respondent, 0, len(page.Rows))
			var dropped []string
			for _, r := range page.Rows {
				if r.Gone {
					dropped = append(dropped, r.Respondent.RosterID)
				} else {
					rows = append(rows, r.Respondent)
				}
			}
			if _, err := l.Roster.Upsert(ctx, rows); err != nil {
				return fmt.Errorf("store pulled roster: %w", err)
			}
			sum.RosterRows += len(rows)
			if rm, ok := l.Roster.(survey.RosterRemover); ok && len(dropped) > 0 {
				n, err := rm.Remove(ctx, dropped)
				if err != nil {
					return fmt.Errorf("drop roster rows no longer this laptop's: %w", err)
				}
				sum.RosterGone += n
			}
			after = page.Next
			if err := c.setCursor(ctx, l, CursorRoster, after); err != nil {
				return err
			}
		}
		if !page.More {
			return nil
		}
	}
	return nil
}

// pullWaves keeps on the laptop the study's waves. A server that does not offer them (a
// relay, an older server) is no error: the laptop keeps the waves it had, none for a
// laptop that never pulled any, and so counts the study as one wave.
func (c *Client) pullWaves(ctx context.Context, store survey.PulledWaves, sum *Summary) error {
	waves, err := c.Waves(ctx)
	if survey.ErrorCode(err) == survey.ENOTFOUND {
		return nil
	} else if err != nil {
		return err
	}
	if err := store.SetWaves(ctx, waves); err != nil {
		return fmt.Errorf("store pulled waves: %w", err)
	}
	return nil
}

// pullAssignedAttempts keeps on the laptop the attempts others made on the alumni assigned
// to it (after a reassignment: what was tried before). A roster pull that brought rows (a
// reassignment among them) starts again from the first attempt, so earlier attempts on a
// newly assigned alumnus come too; the laptop keeps each attempt once. A server that does
// not offer them (a relay, an older server) is no error.
func (c *Client) pullAssignedAttempts(ctx context.Context, l Laptop, imp survey.AttemptImporter, sum *Summary) error {
	after, err := c.cursor(ctx, l, CursorAssignedAttempts)
	if err != nil {
		return err
	}
	if sum.RosterRows > 0 {
		after = 0
	}
	for range maxPages {
		page, err := c.AssignedAttempts(ctx, after)
		if survey.ErrorCode(err) == survey.ENOTFOUND {
			return nil
		} else if err != nil {
			return err
		}
		if len(page.Attempts) > 0 {
			if err := imp.Import(ctx, page.Attempts); err != nil {
				return fmt.Errorf("store pulled attempts: %w", err)
			}
			sum.AttemptsPulled += len(page.Attempts)
		}
		after = max(after, page.Next)
		if err := c.setCursor(ctx, l, CursorAssignedAttempts, after); err != nil {
			return err
		}
		if !page.More {
			return nil
		}
	}
	return nil
}

func (c *Client) pullReturned(ctx context.Context, l Laptop, sum *Summary) error {
	after, err := c.cursor(ctx, l, CursorReturned)
	if err != nil {
		return err
	}
	for range maxPages {
		page, err := c.Returned(ctx, after)
		if err != nil {
			return err
		}
		for _, n := range page.Returns {
			err := l.Interviews.Return(ctx, n.InterviewID, n.Revision, ReturnComment(n), n.Record)
			switch survey.ErrorCode(err) {
			case "":
				sum.Returned++
			case survey.ENOTFOUND, survey.ECONFLICT:
				sum.ReturnedElsewhere++
			default:
				return fmt.Errorf("store returned interview %s: %w", n.InterviewID, err)
			}
		}
		if len(page.Returns) > 0 {
			after = page.Next
			if err := c.setCursor(ctx, l, CursorReturned, after); err != nil {
				return err
			}
		}
		if !page.More {
			return nil
		}
	}
	return nil
}

// pullApproved drops what the laptop kept of its sent interviews that the server approved.
func (c *Client) pullApproved(ctx context.Context, l Laptop, sum *Summary) error {
	after, err := c.cursor(ctx, l, CursorApproved)
	if err != nil {
		return err
	}
	for range maxPages {
		page, err := c.Approved(ctx, after)
		if err != nil {
			return err
		}
		for _, e := range page.Approvals {
			err := l.Interviews.Purge(ctx, e.InterviewID, e.Revision)
			switch survey.ErrorCode(err) {
			case "":
				sum.Purged++
			case survey.ENOTFOUND, survey.ECONFLICT: // another laptop's, or corrected since
			default:
				return fmt.Errorf("purge approved interview %s: %w", e.InterviewID, err)
			}
		}
		if len(page.Approvals) > 0 {
			after = page.Next
			if err := c.setCursor(ctx, l, CursorApproved, after); err != nil {
				return err
			}
		}
		if !page.More {
			return nil
		}
	}
	return nil
}

// pullRefused learns which of the laptop's sent revisions, contact attempts and roster
// updates the centre refused for good after a relay took them: each stays on the laptop
// with its refusal kept (so no sync sends it again) and is listed in the summary. Refusals
// of what the laptop does not hold (another laptop's) are passed over.
func (c *Client) pullRefused(ctx context.Context, l Laptop, sum *Summary) error {
	after, err := c.cursor(ctx, l, CursorRefused)
	if err != nil {
		return err
	}
	for range maxPages {
		page, err := c.Refused(ctx, after)
		if err != nil {
			return err
		}
		for _, x := range page.Refusals {
			err := refuseLate(ctx, l, x)
			switch survey.ErrorCode(err) {
			case "":
				outcome := x.Outcome
				if !outcome.Final() {
					outcome = survey.OutcomeRefused
				}
				sum.RefusedLater = append(sum.RefusedLater, survey.PushOutcome{Kind: x.Kind.Of(), InterviewID: x.InterviewID,
					Revision: x.Revision, Outcome: outcome, Code: x.Code, Reason: x.Message})
			case survey.ENOTFOUND, survey.ECONFLICT: // another laptop's
			default:
				return fmt.Errorf("record the refusal of %s %s: %w", x.Kind.Of(), x.InterviewID, err)
			}
		}
		if len(page.Refusals) > 0 {
			after = page.Next
			if err := c.setCursor(ctx, l, CursorRefused, after); err != nil {
				return err
			}
		}
		if !page.More {
			return nil
		}
	}
	return nil
}

// refuseLate keeps on the laptop the centre's late refusal x of what it sent, by its kind.
// Returns ENOTFOUND when the laptop does not hold it (or keeps no such items) and ECONFLICT
// for a revision the laptop holds with other content.
func refuseLate(ctx context.Context, l Laptop, x survey.LateRefusal) error {
	reason := x.Message
	if x.Code != "" {
		reason += " (" + x.Code + ")"
	}
	switch x.Kind.Of() {
	case survey.ItemAttempt:
		if l.Attempts == nil {
			return survey.Errorf(survey.ENOTFOUND, "This laptop keeps no attempts.")
		}
		return l.Attempts.Refuse(ctx, x.InterviewID, reason)
	case survey.ItemRosterUpdate:
		if l.Updates == nil {
			return survey.Errorf(survey.ENOTFOUND, "This laptop keeps no roster updates.")
		}
		return l.Updates.Refuse(ctx, x.InterviewID, reason)
	case survey.ItemInterview:
		return l.Interviews.RefuseSent(ctx, x.Refusal)
	}
	return survey.Errorf(survey.ENOTFOUND, "Refused %s %s: not a kind this laptop sends.", x.Kind, x.InterviewID)
}

func (c *Client) cursor(ctx context.Context, l Laptop, name string) (int64, error) {
	if l.State == nil {
		return 0, nil
	}
	v, err := l.State.Cursor(ctx, name)
	if err != nil {
		return 0, fmt.Errorf("read cursor %s: %w", name, err)
	}
	return v, nil
}

func (c *Client) setCursor(ctx context.Context, l Laptop, name string, v int64) error {
	if l.State == nil {
		return nil
	}
	if err := l.State.SetCursor(ctx, name, v); err != nil {
		return fmt.Errorf("store cursor %s: %w", name, err)
	}
	return nil
}

// IsUnreachable reports whether err means the server could not be reached.
func IsUnreachable(err error) bool { return errors.Is(err, ErrUnreachable) }

// ReturnComment is the comment a laptop keeps for a returned interview: the supervisor's
// comment, then one line per question comment ("- path: comment").
func ReturnComment(n *survey.ReturnNotice) string {
	var b strings.Builder
	b.WriteString(n.Comment)
	for _, q := range n.Questions {
		fmt.Fprintf(&b, "\n- %s: %s", q.Path, q.Comment)
	}
	return b.String()
}
