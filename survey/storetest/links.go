package storetest

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"tracer/survey"
)

// testLinks checks self-response links: the store keeps only the token's hash, a link
// opens until it expires or is revoked, a new link for an alumnus replaces his old one and
// keeps its interview, and two supervisors making links for one alumnus at once leave him
// one active link.
func testLinks(t *testing.T, open Opener) {
	ctx := context.Background()
	s := open(t)
	if _, err := s.Forms.Publish(ctx, &survey.PublishedForm{ID: "tracer", Version: "1", Name: "tracer.xlsx", Source: []byte("v1"), PublishedBy: "sri"}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Roster.Upload(ctx, []*survey.Respondent{
		{RosterID: "R-2", Name: "Rina", BatchID: "B1", Kejuruan: "LAS", Phone: "+6281234567002"},
		{RosterID: "R-1", Name: "Dimas", BatchID: "B1", Kejuruan: "TKR", Phone: "+6281234567001"},
		{RosterID: "R-3", Name: "Sari", BatchID: "B2", Kejuruan: "LAS", Regency: "6471"},
	}); err != nil {
		t.Fatal(err)
	}
	later := time.Now().Add(24 * time.Hour)
	one := survey.AssignSelector{RosterIDs: []string{"R-1"}}

	_, err := s.Links.MakeLinks(ctx, survey.AssignSelector{}, "tracer", later, "sri")
	wantCode(t, "no alumni named", err, survey.EINVALID)
	_, err = s.Links.MakeLinks(ctx, one, "tracer", time.Now().Add(-time.Minute), "sri")
	wantCode(t, "an expiry in the past", err, survey.EINVALID)
	_, err = s.Links.MakeLinks(ctx, one, "", later, "sri")
	wantCode(t, "no form", err, survey.EINVALID)
	_, err = s.Links.MakeLinks(ctx, one, "other", later, "sri")
	wantCode(t, "a form not published", err, survey.ENOTFOUND)
	_, err = s.Links.MakeLinks(ctx, survey.AssignSelector{RosterIDs: []string{"R-1", "R-9"}}, "tracer", later, "sri")
	wantCode(t, "a roster id the roster does not hold", err, survey.ENOTFOUND)
	_, err = s.Links.MakeLinks(ctx, survey.AssignSelector{Batch: "B9"}, "tracer", later, "sri")
	wantCode(t, "a batch with nobody", err, survey.ENOTFOUND)
	_, err = s.Links.MakeLinks(ctx, survey.AssignSelector{Regency: "9999"}, "tracer", later, "sri")
	wantCode(t, "a regency with nobody", err, survey.ENOTFOUND)
	_, err = s.Links.MakeLinks(ctx, survey.AssignSelector{Batch: "B1", Kejuruan: "LAS"}, "tracer", later, "sri")
	wantCode(t, "a batch and a kejuruan at once", err, survey.EINVALID)
	if ls, err := s.Links.Links(ctx); err != nil || len(ls) != 0 {
		t.Fatalf("refused makes left %d links (%v), want none", len(ls), err)
	}

	made, err := s.Links.MakeLinks(ctx, one, "tracer", later, "sri")
	if err != nil || len(made) != 1 {
		t.Fatalf("make: %d links, %v", len(made), err)
	}
	first := made[0]
	if l := first.Link; first.Token == "" || l.ID == "" || l.RosterID != "R-1" || l.FormID != "tracer" || l.InterviewID == "" ||
		l.CreatedBy != "sri" || l.CreatedAt.IsZero() || !l.ExpiresAt.Equal(later) ||
		!l.RevokedAt.IsZero() || first.Respondent == nil || first.Respondent.Name != "Dimas" {
		t.Fatalf("made %+v %+v", first.Link, first.Respondent)
	}
	// Only the token's hash is stored: no column of any row holds the token.
	if hashes := tableText(t, s, "links"); !strings.Contains(hashes, survey.HashSecret(first.Token)) || strings.Contains(hashes, first.Token) {
		t.Fatalf("the links table holds the token itself, or not its hash")
	}

	l, p, err := s.Links.OpenLink(ctx, first.Token)
	if err != nil || l.ID != first.Link.ID || l.InterviewID != first.Link.InterviewID || p.RosterID != "R-1" || p.Phone != "+6281234567001" {
		t.Fatalf("open: %+v %+v %v", l, p, err)
	}
	// Every link that does not open gets the same answer.
	_, _, bad := s.Links.OpenLink(ctx, "forged")
	wantCode(t, "a forged token", bad, survey.EUNAUTHORIZED)
	for _, tok := range []string{"", strings.Repeat("A", 43), strings.Repeat("A", 300), first.Link.ID} {
		_, _, err := s.Links.OpenLink(ctx, tok)
		if survey.ErrorCode(err) != survey.EUNAUTHORIZED || survey.ErrorMessage(err) != survey.ErrorMessage(bad) {
			t.Errorf("open %.20q: %v, want the one refusal", tok, err)
		}
	}

	// Expiry.
	s.SetNow(func() time.Time { return later.Add(time.Second) })
	_, _, err = s.Links.OpenLink(ctx, first.Token)
	wantCode(t, "an expired link", err, survey.EUNAUTHORIZED)
	s.SetNow(time.Now)

	// A new link for the same alumnus replaces the old one and keeps its interview; the
	// batch makes one for each of its alumni, in roster id order.
	s.SetNow(func() time.Time { return time.Now().Add(time.Second) })
	batch, err := s.Links.MakeLinks(ctx, survey.AssignSelector{Batch: "B1"}, "tracer", later, "budi")
	s.SetNow(time.Now)
	if err != nil || len(batch) != 2 || batch[0].Link.RosterID != "R-1" || batch[1].Link.RosterID != "R-2" {
		t.Fatalf("links for batch B1: %d, %v", len(batch), err)
	}
	again := batch[0]
	if again.Link.InterviewID != first.Link.InterviewID || again.Token == first.Token || again.Link.ID == first.Link.ID {
		t.Errorf("a new link for R-1: %+v, want a new token on interview %s", again.Link, first.Link.InterviewID)
	}
	if batch[1].Link.InterviewID == first.Link.InterviewID || batch[1].Respondent.Name != "Rina" {
		t.Errorf("R-2's link: %+v %+v", batch[1].Link, batch[1].Respondent)
	}
	_, _, err = s.Links.OpenLink(ctx, first.Token)
	wantCode(t, "the replaced link", err, survey.EUNAUTHORIZED)
	if l, _, err := s.Links.OpenLink(ctx, again.Token); err != nil || l.ID != again.Link.ID {
		t.Fatalf("the new link: %+v %v", l, err)
	}
	byKejuruan, err := s.Links.MakeLinks(ctx, survey.AssignSelector{Kejuruan: "LAS"}, "tracer", later, "sri")
	if err != nil || len(byKejuruan) != 2 || byKejuruan[0].Link.RosterID != "R-2" || byKejuruan[1].Link.RosterID != "R-3" {
		t.Fatalf("links for kejuruan LAS: %d, %v", len(byKejuruan), err)
	}

	// Listed newest first, through another handle too.
	ls, err := open(t).Links.Links(ctx)
	if err != nil || len(ls) != 5 {
		t.Fatalf("links: %d, %v, want 5", len(ls), err)
	}
	for i := 1; i < len(ls); i++ {
		if ls[i].CreatedAt.After(ls[i-1].CreatedAt) {
			t.Errorf("links not newest first: %s before %s", ls[i-1].CreatedAt, ls[i].CreatedAt)
		}
	}
	if last := ls[len(ls)-1]; last.ID != first.Link.ID || last.RevokedAt.IsZero() {
		t.Errorf("the first link, listed last: %+v, want it revoked", last)
	}
	active := map[string]int{}
	for _, l := range ls {
		if l.Active(time.Now()) {
			active[l.RosterID]++
		}
	}
	if fmt.Sprint(active) != "map[R-1:1 R-2:1 R-3:1]" {
		t.Errorf("active links per alumnus: %v, want one each", active)
	}

	// Revoking.
	if err := s.Links.RevokeLink(ctx, again.Link.ID); err != nil {
		t.Fatal(err)
	}
	_, _, err = s.Links.OpenLink(ctx, again.Token)
	wantCode(t, "a revoked link", err, survey.EUNAUTHORIZED)
	revokedAt := linkByID(t, s, again.Link.ID).RevokedAt
	s.SetNow(func() time.Time { return time.Now().Add(time.Hour) })
	if err := s.Links.RevokeLink(ctx, again.Link.ID); err != nil {
		t.Fatalf("revoke twice: %v", err)
	}
	s.SetNow(time.Now)
	if got := linkByID(t, s, again.Link.ID).RevokedAt; revokedAt.IsZero() || !got.Equal(revokedAt) {
		t.Errorf("revoked at %s, then %s after revoking again", revokedAt, got)
	}
	wantCode(t, "revoke an unknown link", s.Links.RevokeLink(ctx, "Lnope"), survey.ENOTFOUND)

	// Revisions through a link.
	rl := batch[1].Link
	if n, err := s.Links.NextRevision(ctx, rl); err != nil || n != 1 {
		t.Fatalf("next revision of a new interview: %d %v", n, err)
	}
	if _, err := s.Submissions.Ingest(ctx, []*survey.Submission{Submission(t, rl.InterviewID, 1, "1"), Submission(t, rl.InterviewID, 2, "2")}); err != nil {
		t.Fatal(err)
	}
	if n, err := s.Links.NextRevision(ctx, rl); err != nil || n != 3 {
		t.Fatalf("next revision after 2: %d %v", n, err)
	}
	if err := s.Links.LinkUsed(ctx, rl, 2); err != nil {
		t.Fatal(err)
	}
	if err := s.Links.LinkUsed(ctx, rl, 1); err != nil {
		t.Fatal(err)
	}
	if got := linkByID(t, s, rl.ID); got.Revisions != 2 || got.LastUsedAt.IsZero() || got.State(time.Now()) != survey.LinkRevoked {
		t.Errorf("a used link: %d revisions, last used %s, %s; want 2, a time and revoked (R-2 has a newer link)", got.Revisions, got.LastUsedAt, got.State(time.Now()))
	}

	// A link by regency of domicile; opening its form is recorded the first time only.
	byRegency, err := s.Links.MakeLinks(ctx, survey.AssignSelector{Regency: "6471"}, "tracer", later, "sri")
	if err != nil || len(byRegency) != 1 || byRegency[0].Link.RosterID != "R-3" {
		t.Fatalf("links for regency 6471: %d, %v", len(byRegency), err)
	}
	rg := byRegency[0].Link
	if got := linkByID(t, s, rg.ID); !got.OpenedAt.IsZero() || got.State(time.Now()) != survey.LinkUnused {
		t.Errorf("a new link: opened at %s, %s; want never and unused", got.OpenedAt, got.State(time.Now()))
	}
	firstOpen := time.Now().Add(-time.Minute).Truncate(time.Second)
	s.SetNow(func() time.Time { return firstOpen })
	if err := s.Links.LinkOpened(ctx, rg); err != nil {
		t.Fatal(err)
	}
	s.SetNow(time.Now)
	if err := s.Links.LinkOpened(ctx, rg); err != nil {
		t.Fatal(err)
	}
	if got := linkByID(t, s, rg.ID); !got.OpenedAt.Equal(firstOpen) || got.State(time.Now()) != survey.LinkOpened {
		t.Errorf("an opened link: opened at %s, %s; want %s and opened", got.OpenedAt, got.State(time.Now()), firstOpen)
	}

	// Supervisors on several handles making links for one alumnus at once leave him one
	// active link, and one interview.
	const writers = 8
	handles := make([]Stores, writers)
	for i := range handles {
		handles[i] = open(t)
	}
	for range 5 {
		var wg sync.WaitGroup
		start := make(chan struct{})
		errs := make(chan error, writers)
		for _, h := range handles {
			wg.Add(1)
			go func() {
				defer wg.Done()
				<-start
				_, err := h.Links.MakeLinks(ctx, survey.AssignSelector{RosterIDs: []string{"R-3", "R-1"}}, "tracer", later, "sri")
				errs <- err
			}()
		}
		close(start)
		wg.Wait()
		close(errs)
		for err := range errs {
			if err != nil {
				t.Fatalf("make at once: %v", err)
			}
		}
	}
	ls, err = s.Links.Links(ctx)
	if err != nil {
		t.Fatal(err)
	}
	active, interviews := map[string]int{}, map[string]map[string]bool{}
	for _, l := range ls {
		if l.Active(time.Now()) {
			active[l.RosterID]++
		}
		if interviews[l.RosterID] == nil {
			interviews[l.RosterID] = map[string]bool{}
		}
		interviews[l.RosterID][l.InterviewID] = true
	}
	if fmt.Sprint(active) != "map[R-1:1 R-2:1 R-3:1]" || len(interviews["R-1"]) != 1 || len(interviews["R-3"]) != 1 {
		t.Errorf("after links made at once: active %v, interviews %v; want one active link and one interview each", active, interviews)
	}
}

// linkByID returns the link with id from the list.
func linkByID(t *testing.T, s Stores, id string) *survey.Link {
	t.Helper()
	ls, err := s.Links.Links(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range ls {
		if l.ID == id {
			return l
		}
	}
	t.Fatalf("no link %s listed", id)
	return nil
}

// tableText returns every value of every row of table, as text, one per line.
func tableText(t *testing.T, s Stores, table string) string {
	t.Helper()
	rows, err := s.SQL.QueryContext(context.Background(), `SELECT * FROM `+table)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	vals := make([]any, len(cols))
	ptrs := make([]any, len(cols))
	for i := range vals {
		ptrs[i] = &vals[i]
	}
	for rows.Next() {
		if err := rows.Scan(ptrs...); err != nil {
			t.Fatal(err)
		}
		for _, v := range vals {
			if x, ok := v.([]byte); ok {
				v = string(x)
			}
			fmt.Fprintln(&b, v)
		}
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return b.String()
}
