package sqlite_test

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"tracer/survey"
	"tracer/survey/sqlite"
	"tracer/survey/vault"
)

// TestRelayEncryptsAtRest: a relay's database with its data key keeps no personal value
// of the mirrored roster, no returned record and no record pushed in clear in its file,
// and reads each back as it came; a relay that worked in clear is encrypted in place,
// once; another key reads nothing.
func TestRelayEncryptsAtRest(t *testing.T) {
	ctx := context.Background()
	for _, inPlace := range []bool{false, true} {
		t.Run(map[bool]string{false: "from the start", true: "in place"}[inPlace], func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "relay.db")
			db, err := sqlite.Open(ctx, path)
			if err != nil {
				t.Fatal(err)
			}
			defer db.Close()
			c, err := vault.NewCipher(vault.NewDataKey())
			if err != nil {
				t.Fatal(err)
			}
			if !inPlace {
				db.Encrypt(c)
			}
			secrets := []string{"6474061208000003", "Budi Santoso", "+6281234567803", "Jl. Melati 7", "Gaji pertama 4750000", "Catatan rahasia 9911",
				"+6281299887766", "Nomor istri 4417", "+6281377665544", "Jl. Kenanga 12", "Catatan lain 7734"}
			store := sqlite.NewRelayStore(db)
			row := &survey.Respondent{RosterID: "R3", NIK: secrets[0], Name: secrets[1], Phone: secrets[2], PhoneRaw: "081234567803",
				BirthDate: "2000-08-12", Kejuruan: "TIK", BatchID: "B1", Extra: map[string]string{"alamat": secrets[3]}}
			must(t, store.MirrorRoster(ctx, []survey.RelayRosterRow{{RosterRow: survey.RosterRow{Seq: 4, Respondent: row}, AssignedTo: "ani"}}))
			ret := &survey.ReturnNotice{Seq: 9, InterviewID: "iv-1", Revision: 1, Comment: "cek gaji", SubmittedBy: "ani",
				Record: []byte(`{"answers":{"income":"` + secrets[4] + `"}}`)}
			must(t, store.MirrorReturns(ctx, []*survey.ReturnNotice{ret}))
			clear := []byte(`{"id":"iv-2","note":"` + secrets[5] + `"}`)
			if _, err := store.Accept(ctx, []*survey.RelayItem{{InterviewID: "iv-2", Revision: 1, Hash: survey.HashBytes(clear), Body: clear,
				SubmittedBy: "ani", DeviceTime: time.Now()}}); err != nil {
				t.Fatal(err)
			}
			// A contact attempt and roster updates laptops pushed, with the number used, a
			// note, a new phone and a new address; and another content under the attempt's id.
			at := time.Now().Add(-time.Hour).UTC().Truncate(time.Second)
			att := &survey.Attempt{ID: "at-1", RosterID: "R3", At: at, Enumerator: "ani", Mode: survey.ModePhone,
				Channel: secrets[6], Outcome: "3.13", Note: secrets[7]}
			other := *att
			other.Note = secrets[10]
			attempts := sqlite.NewAttemptLedger(db)
			rcs, err := attempts.Ingest(ctx, []*survey.Attempt{att, &other}, "ani", true)
			if err != nil || rcs[0].Status != survey.ReceiptStored || rcs[1].Status != survey.ReceiptConflict {
				t.Fatalf("the attempts: %v %+v", err, rcs)
			}
			updates := sqlite.NewRosterUpdateLedger(db)
			ups := []*survey.RosterUpdate{
				{ID: "up-1", RosterID: "R3", Field: survey.FieldPhone, Value: secrets[8], Old: secrets[2], ProposedBy: "ani", ProposedAt: at},
				{ID: "up-2", RosterID: "R3", Field: survey.FieldAddress, Value: secrets[9], Note: "pindah", ProposedBy: "ani", ProposedAt: at},
			}
			if rcs, err := updates.Ingest(ctx, ups, "ani", true); err != nil || rcs[0].Status != survey.ReceiptStored || rcs[1].Status != survey.ReceiptStored {
				t.Fatalf("the roster updates: %v %+v", err, rcs)
			}
			inFile := func() []string {
				t.Helper()
				var found []string
				for _, f := range []string{path, path + "-wal"} {
					b, _ := os.ReadFile(f)
					for _, s := range secrets {
						if bytes.Contains(b, []byte(s)) {
							found = append(found, filepath.Base(f)+": "+s)
						}
					}
				}
				return found
			}
			if inPlace {
				if len(inFile()) == 0 {
					t.Fatal("the clear database holds none of the values: the check cannot fail")
				}
				db.Encrypt(c)
				rows, feed, items, err := db.EncryptRelayInPlace(ctx)
				if err != nil || rows != 1 || feed != 1 || items != 5 {
					t.Fatalf("encrypted %d rows, %d feed entries, %d records, attempts and updates (%v), want 1, 1 and 5", rows, feed, items, err)
				}
				if rows, feed, items, err := db.EncryptRelayInPlace(ctx); err != nil || rows+feed+items != 0 {
					t.Fatalf("a second pass encrypted %d, %d, %d (%v)", rows, feed, items, err)
				}
			}
			if found := inFile(); len(found) > 0 {
				t.Fatalf("in clear in the relay's files: %v", found)
			}
			got, err := sqlite.NewServerRosterStore(db).Changes(ctx, 0, 10, "ani")
			if err != nil || len(got) != 1 {
				t.Fatalf("roster: %v %d rows", err, len(got))
			}
			if r := got[0].Respondent; r.NIK != row.NIK || r.Name != row.Name || r.Phone != row.Phone || r.Extra["alamat"] != secrets[3] || r.Kejuruan != "TIK" {
				t.Fatalf("the roster row read back: %+v", r)
			}
			rets, err := store.Returned(ctx, 0, "ani", 10)
			if err != nil || len(rets) != 1 || !bytes.Equal(rets[0].Record, ret.Record) {
				t.Fatalf("returns read back: %v %+v", err, rets)
			}
			pend, err := store.Pending(ctx, 0, 10)
			if err != nil || len(pend) != 1 || !bytes.Equal(pend[0].Body, clear) {
				t.Fatalf("the record read back: %v %+v", err, pend)
			}
			gotA, err := attempts.List(ctx, survey.AttemptFilter{})
			if err != nil || len(gotA) != 1 || !gotA[0].Same(att) {
				t.Fatalf("the attempt read back: %v %+v", err, gotA)
			}
			gotU, err := updates.List(ctx, survey.UpdateFilter{})
			if err != nil || len(gotU) != 2 || gotU[0].Value != secrets[8] || gotU[0].Old != secrets[2] || gotU[1].Value != secrets[9] {
				t.Fatalf("the roster updates read back: %v %+v", err, gotU)
			}
			// The same proposal again is known for what it is, though its value is encrypted.
			again := *ups[0]
			again.ID = "up-3"
			if rcs, err := updates.Ingest(ctx, []*survey.RosterUpdate{&again}, "ani", true); err != nil || rcs[0].Status != survey.ReceiptDuplicate || rcs[0].Seq != gotU[0].Seq {
				t.Fatalf("the same phone proposed again: %v %+v, want a duplicate of seq %d", err, rcs, gotU[0].Seq)
			}
			// Accepting the new phone keeps the roster row and the value it replaced encrypted.
			if x, err := updates.Decide(ctx, "up-1", true, "sri", ""); err != nil || x.Replaced != secrets[2] {
				t.Fatalf("accepting the new phone: %v %+v", err, x)
			}
			if got, err := sqlite.NewServerRosterStore(db).Changes(ctx, 0, 10, "ani"); err != nil || len(got) != 1 || got[0].Respondent.Phone != secrets[8] ||
				got[0].Respondent.Extra["phone_previous"] != secrets[2] {
				t.Fatalf("the row after the accepted phone: %v %+v", err, got)
			}
			if found := inFile(); len(found) > 0 {
				t.Fatalf("in clear in the relay's files after a decision: %v", found)
			}
			other2, _ := vault.NewCipher(vault.NewDataKey())
			db.Encrypt(other2)
			if _, err := attempts.List(ctx, survey.AttemptFilter{}); err == nil {
				t.Fatal("another key read the attempts")
			}
			db.Encrypt(other2)
			if _, err := sqlite.NewServerRosterStore(db).Changes(ctx, 0, 10, "ani"); err == nil || strings.Contains(err.Error(), secrets[1]) {
				t.Fatalf("another key read the roster: %v", err)
			}
			db.Encrypt(nil)
			raw, err := sqlite.NewServerRosterStore(db).Changes(ctx, 0, 10, "ani")
			if err != nil || raw[0].Respondent.Name == row.Name || !vault.Encrypted(raw[0].Respondent.Name) {
				t.Fatalf("without the key the name reads %q (%v)", raw[0].Respondent.Name, err)
			}
		})
	}
}
