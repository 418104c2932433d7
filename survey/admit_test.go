package survey

import "testing"

func TestAdmit(t *testing.T) {
	owned := Ownership{Latest: 2, First: "ani", Last: "ani"}
	for _, c := range []struct {
		name   string
		own    Ownership
		rev    int
		by     string
		prior  string
		status ReceiptStatus
		code   string
		after  Ownership
	}{
		{"a new interview", Ownership{}, 1, "ani", "", ReceiptStored, "", Ownership{Latest: 1, First: "ani", Last: "ani"}},
		{"the next revision", owned, 3, "ani", "", ReceiptStored, "", Ownership{Latest: 3, First: "ani", Last: "ani"}},
		{"the next revision by the latest sender", Ownership{Latest: 2, First: "ani", Last: "sri"}, 3, "sri", "", ReceiptStored, "", Ownership{Latest: 3, First: "ani", Last: "sri"}},
		{"the same bytes again", owned, 2, "ani", "h1", ReceiptDuplicate, "", owned},
		{"other bytes for a stored revision", owned, 2, "ani", "h0", ReceiptConflict, ECONFLICT, owned},
		{"another account's interview", owned, 3, "eko", "", ReceiptRefused, EFORBIDDEN, owned},
		{"another account, even a copy of a stored revision", owned, 2, "eko", "h1", ReceiptRefused, EFORBIDDEN, owned},
		{"a revision that skips one", owned, 4, "ani", "", ReceiptRefused, ECONFLICT, owned},
		{"an old revision not stored", owned, 1, "ani", "", ReceiptRefused, ECONFLICT, owned},
	} {
		own := c.own
		sub := &Submission{InterviewID: "iv-1", Revision: c.rev, Hash: "h1", SubmittedBy: c.by}
		r := Admit(sub, &own, c.prior)
		if r.Status != c.status || r.Code != c.code || r.InterviewID != "iv-1" || r.Revision != c.rev || r.Hash != "h1" {
			t.Errorf("%s: receipt %+v, want %s %q", c.name, r, c.status, c.code)
		}
		if (r.Code == "") != (r.Message == "") {
			t.Errorf("%s: code %q with message %q", c.name, r.Code, r.Message)
		}
		if own != c.after {
			t.Errorf("%s: ownership %+v after, want %+v", c.name, own, c.after)
		}
	}
}
