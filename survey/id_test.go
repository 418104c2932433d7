package survey_test

import (
	"slices"
	"testing"

	"github.com/google/uuid"

	"tracer/survey"
)

// Ids made one after another sort in that order (the server's indexes grow at their ends),
// are all distinct, and their short forms, made within the same millisecond or so, are too.
func TestNewIDOrderedAndShortIDRandom(t *testing.T) {
	const n = 100
	ids := make([]string, n)
	for i := range ids {
		ids[i] = survey.NewID()
		u, err := uuid.Parse(ids[i])
		if err != nil || u.Version() != 7 || u.Variant() != uuid.RFC4122 {
			t.Fatalf("id %q: version %d, variant %v, %v; want a version 7 UUID", ids[i], u.Version(), u.Variant(), err)
		}
	}
	if !slices.IsSorted(ids) {
		t.Errorf("ids made in a row do not sort in that order: %v", ids)
	}
	seen := map[string]string{}
	for _, id := range ids {
		s := survey.ShortID(id)
		if len(s) != 8 {
			t.Fatalf("ShortID(%q) = %q, want 8 characters", id, s)
		}
		if other, ok := seen[s]; ok {
			t.Fatalf("ids %s and %s made in a row have the same short id %s", other, id, s)
		}
		seen[s] = id
	}
	if got := survey.ShortID("iv-9"); got != "iv-9" {
		t.Errorf("ShortID of a short id: %q", got)
	}
}
