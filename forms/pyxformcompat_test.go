package forms_test

import (
	"bytes"
	"strings"
	"testing"

	"tracer/forms"
)

// These tests hold what pyxform accepts and how ODK then runs it, where tracer once did
// otherwise: names with a namespace prefix, the root's own name in absolute paths, itext
// decided per choice list, and warnings of translations a language lacks.

// TestNamesWithANamespacePrefixLoad: pyxform takes a name of two XML names joined by a
// colon (esri:code), declared by the settings' namespaces column; ${esri:code} and paths
// read it, and the XForm declares the prefix. A prefix nobody declares loads with a warning.
func TestNamesWithANamespacePrefixLoad(t *testing.T) {
	const form = `
| survey |
| | type | name | label | calculation |
| | text | esri:code | Code | |
| | calculate | upper | | concat(${esri:code}, '/', /data/esri:code, '/', string-length(../esri:code)) |
| | text | गाँव | Village | |
| | calculate | village | | ${गाँव} |
| settings |
| | form_id | namespaces |
| | ns | esri="http://esri.com/xforms" |
`
	f := mustParse(t, form)
	if len(f.Warnings) > 0 {
		t.Fatalf("warnings: %v", f.Warnings)
	}
	s := forms.NewSession(f, forms.Options{})
	runSteps(t, s, []step{
		{path: "esri:code", value: "AB12", wantPath: "upper", want: "AB12/AB12/4"},
		{path: "गाँव", value: "Desa", wantPath: "village", want: "Desa"},
	})
	var buf bytes.Buffer
	if err := forms.WriteXForm(&buf, f); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`xmlns:esri="http://esri.com/xforms"`, `<esri:code/>`, `nodeset="/data/esri:code"`} {
		if !strings.Contains(buf.String(), want) {
			t.Errorf("XForm lacks %s", want)
		}
	}

	f = mustParse(t, "| survey |\n| | type | name | label |\n| | text | geo:lat | Lat |\n")
	if len(f.Warnings) != 1 || !strings.Contains(f.Warnings[0].Error(), `line 3, sheet survey, column name: name "geo:lat" has the namespace prefix "geo", which the settings sheet's namespaces column does not declare`) {
		t.Errorf("warnings %v, want one of the undeclared prefix geo", f.Warnings)
	}
	for _, bad := range []string{"a:b:c", ":a", "a:", "a:1b", "1a"} {
		_, err := forms.Parse("test.md", []byte("| survey |\n| | type | name | label |\n| | text | "+bad+" | X |\n"))
		if err == nil || !strings.Contains(err.Error(), "is not allowed") {
			t.Errorf("name %q: error %v, want it refused", bad, err)
		}
	}
}

// TestAbsolutePathsStartAtTheFormsRootName: pyxform names the XForm's root with the
// settings' name, so /NAME/q is the question and /data/q names nothing there.
func TestAbsolutePathsStartAtTheFormsRootName(t *testing.T) {
	const form = `
| survey |
| | type | name | label | calculation | relevant |
| | integer | n | N | | |
| | calculate | twice | | /tracer/n * 2 | |
| | text | t | T | | /tracer/twice > 2 |
| settings |
| | form_id | name | instance_name |
| | rootname | tracer | concat('n', /tracer/n) |
`
	f := mustParse(t, form)
	s := forms.NewSession(f, forms.Options{})
	runSteps(t, s, []step{
		{path: "n", value: "1", wantPath: "twice", want: "2"},
		{wantPath: "t", relevant: no()},
		{path: "n", value: "2", wantPath: "t", relevant: yes()},
	})
	var buf bytes.Buffer
	if err := forms.WriteXForm(&buf, f); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`<tracer id="rootname"`, `nodeset="/tracer/twice"`, `calculate="/tracer/n * 2"`, `nodeset="/tracer/meta/instanceID"`} {
		if !strings.Contains(buf.String(), want) {
			t.Errorf("XForm lacks %s", want)
		}
	}
	_, err := forms.Parse("test.md", []byte(strings.Replace(form, "/tracer/n * 2", "/data/n * 2", 1)))
	if err == nil || !strings.Contains(err.Error(), `/data/n names no node: the form's root is named "tracer", not "data"`) {
		t.Errorf("error %v, want /data/n refused", err)
	}
}
