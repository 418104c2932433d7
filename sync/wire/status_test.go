package wire

import (
	"net/http"
	"testing"

	"tracer/survey"
)

// TestStatusRoundTrip: every survey error code goes to an HTTP status and back to itself,
// so the client's errors carry the codes the server started from.
func TestStatusRoundTrip(t *testing.T) {
	codes := []string{survey.EINVALID, survey.EUNAUTHORIZED, survey.EFORBIDDEN, survey.ENOTFOUND, survey.ECONFLICT,
		survey.ETOOLARGE, survey.ERATELIMIT, survey.ENOTIMPLEMENTED, survey.EUNAVAILABLE, survey.EFULL, survey.EINTERNAL}
	seen := map[int]string{}
	for _, c := range codes {
		st := Status(c)
		if st < 400 {
			t.Errorf("code %s has status %d", c, st)
		}
		if other, dup := seen[st]; dup {
			t.Errorf("codes %s and %s share status %d", c, other, st)
		}
		seen[st] = c
		if got := Code(st); got != c {
			t.Errorf("Code(Status(%s)) = %s", c, got)
		}
		if got := Code(ReceiptStatus(c)); got != c {
			t.Errorf("Code(ReceiptStatus(%s)) = %s", c, got)
		}
	}
	if Status("") != http.StatusOK || Status("bogus") != http.StatusInternalServerError || Code(http.StatusTeapot) != survey.EINTERNAL {
		t.Error("no code, an unknown code or an unknown status is not mapped as documented")
	}
	if ReceiptStatus(survey.EINVALID) != http.StatusUnprocessableEntity {
		t.Error("an invalid record's receipt is not 422")
	}
}
