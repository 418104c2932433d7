package survey

import "testing"

// TestReceiptOutcome: every receipt status and refusal code has the outcome the laptop acts
// on; only conflicts and refusals that would come again are final.
func TestReceiptOutcome(t *testing.T) {
	for _, tt := range []struct {
		status ReceiptStatus
		code   string
		want   Outcome
		final  bool
	}{
		{ReceiptStored, "", OutcomeStored, false},
		{ReceiptDuplicate, "", OutcomeDuplicate, false},
		{ReceiptConflict, ECONFLICT, OutcomeConflict, true},
		{ReceiptRefused, EINVALID, OutcomeRefused, true},
		{ReceiptRefused, EFORBIDDEN, OutcomeRefused, true},
		{ReceiptRefused, ECONFLICT, OutcomeRefused, true},
		{ReceiptRefused, ENOTFOUND, OutcomeWaiting, false},
		{ReceiptRefused, EINTERNAL, OutcomeWaiting, false},
		{"", "", OutcomeWaiting, false},
	} {
		rc := Receipt{Status: tt.status, Code: tt.code}
		if got := rc.Outcome(); got != tt.want || got.Final() != tt.final {
			t.Errorf("%s/%s: outcome %s final %v, want %s final %v", tt.status, tt.code, got, got.Final(), tt.want, tt.final)
		}
	}
	sum := SyncSummary{Outcomes: []PushOutcome{{Outcome: OutcomeStored}, {Outcome: OutcomeWaiting}, {Outcome: OutcomeConflict}}}
	if sum.Count(OutcomeConflict, OutcomeRefused) != 1 || len(sum.With(OutcomeStored, OutcomeWaiting)) != 2 || sum.Complete() {
		t.Errorf("summary counts wrong: %+v", sum)
	}
	if done := (SyncSummary{Outcomes: []PushOutcome{{Outcome: OutcomeDuplicate}}}); !done.Complete() {
		t.Error("a summary of duplicates is not complete")
	}
}
