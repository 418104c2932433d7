package forms_test

import (
	"bytes"
	"strings"
	"testing"

	"tracer/forms"
	"tracer/forms/builtin"
)

// TestWriteXFormRoster: the roster choice writes roster_id as a writable select of the
// attached file's rows that fills in the named questions, and refuses what it cannot write.
func TestWriteXFormRoster(t *testing.T) {
	f, err := builtin.Load()
	if err != nil {
		t.Fatal(err)
	}
	var plain, b bytes.Buffer
	if err := forms.WriteXForm(&plain, f); err != nil {
		t.Fatal(err)
	}
	if err := forms.WriteXFormRoster(&b, f, &forms.XFormRoster{File: "roster.csv", Key: "roster_id", Columns: []string{"funding", "full_name"}}); err != nil {
		t.Fatal(err)
	}
	x := b.String()
	for _, want := range []string{
		`<instance id="roster" src="jr://file-csv/roster.csv"/>`,
		`<bind nodeset="/data/grp_consent/roster_id" type="string" required="true()"`,
		`<setvalue event="xforms-value-changed" ref="/data/grp_training/funding" value="instance('roster')/root/item[name = /data/grp_consent/roster_id]/funding"/>`,
	} {
		if !strings.Contains(x, want) {
			t.Errorf("no %s", want)
		}
	}
	if strings.Contains(x, "/data/grp_identity/nik\" value=\"instance('roster')") {
		t.Error("a question not named in Columns is filled in")
	}
	if !strings.Contains(plain.String(), `<bind nodeset="/data/grp_consent/roster_id" type="string" required="true()" jr:requiredMsg="jr:itext('/data/grp_consent/roster_id:jr:requiredMsg')" readonly="true()"/>`) ||
		strings.Contains(plain.String(), "jr://file-csv/roster.csv") {
		t.Error("the plain XForm changed")
	}
	for _, bad := range []forms.XFormRoster{
		{File: "roster.xlsx", Key: "roster_id"},
		{File: "roster.csv", Key: "no_such"},
		{File: "roster.csv", Key: "grp_consent"},
		{File: "roster.csv", Key: "roster_id", Columns: []string{"no_such"}},
		{File: "roster.csv", Key: "roster_id", Columns: []string{"outcome"}}, // a calculation
		{File: "prov.csv", Key: "roster_id"},                                 // a choice list's name
	} {
		if err := forms.WriteXFormRoster(&bytes.Buffer{}, f, &bad); err == nil {
			t.Errorf("%+v written", bad)
		}
	}
}
