package survey

import "testing"

// TestKeepAccepted: a phone number corrected from the field and accepted stays when the
// office's file, made before, is uploaded again with the old number; the number it
// replaced stays as phone_previous; a file with a third number replaces it, and an
// update not accepted changes nothing.
func TestKeepAccepted(t *testing.T) {
	const old, fixed, third = "+6281234560001", "+6281355550103", "+6281299990000"
	stored := &Respondent{RosterID: "R1", Name: "Ani", Phone: fixed, PhoneRaw: LocalPhone(fixed), Extra: map[string]string{ExtraPreviousPhone: old}}
	accepted := []*RosterUpdate{{RosterID: "R1", Field: FieldPhone, Value: fixed, Replaced: old, Status: UpdateAccepted}}
	file := &Respondent{RosterID: "R1", Name: "Ani", Phone: old, PhoneRaw: LocalPhone(old), Extra: map[string]string{ExtraPreviousPhone: old}}
	got := file.KeepAccepted(stored, accepted)
	if got.Phone != fixed || got.PhoneRaw != LocalPhone(fixed) || got.Extra[ExtraPreviousPhone] != old {
		t.Errorf("the old file over an accepted phone: %+v", got)
	}
	if file.Phone != old {
		t.Errorf("the file's row was changed in place: %+v", file)
	}
	other := &Respondent{RosterID: "R1", Name: "Ani", Phone: third}
	if got := other.KeepAccepted(stored, accepted); got.Phone != third {
		t.Errorf("a file with another number: %+v", got)
	}
	pending := []*RosterUpdate{{RosterID: "R1", Field: FieldPhone, Value: fixed, Replaced: old, Status: UpdatePending}}
	if got := file.KeepAccepted(stored, pending); got.Phone != old {
		t.Errorf("an update not accepted: %+v", got)
	}
}
