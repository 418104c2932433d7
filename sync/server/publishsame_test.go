package server

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"tracer/forms"
	"tracer/survey"
)

// TestPublishUnchangedExport: a form published from Markdown and then again as the XLSX
// exported from it (other bytes, the same form) is refused as changing nothing, naming the
// file it was published from, in English and in Bahasa Indonesia; a form changed under
// the same version, or whose attached file changed, is refused as needing a new version.
func TestPublishUnchangedExport(t *testing.T) {
	ctx := context.Background()
	store := formStore(t)
	md := "| survey |\n| | type | name | label | choice_filter |\n| | select_one_from_file towns.csv | town | Town | |\n| | integer | age | Age | |\n" +
		"| settings |\n| | form_id | version |\n| | job | 1 |\n"
	if _, added, err := Publish(ctx, store, "job.zip", zipFiles(t, "job.md", md, "towns.csv", "name,label\n1,Samarinda\n"), "sri"); err != nil || !added {
		t.Fatalf("first publication: %v %v", added, err)
	}
	var xlsx bytes.Buffer
	if err := forms.WriteXLSX(&xlsx, "job.md", []byte(md)); err != nil {
		t.Fatal(err)
	}
	_, _, err := Publish(ctx, store, "job.zip", zipFiles(t, "job.xlsx", xlsx.String(), "towns.csv", "name,label\n1,Samarinda\n"), "sri")
	if survey.ErrorCode(err) != survey.ECONFLICT || !strings.Contains(survey.ErrorMessage(err), "already published, with the same questions, choices and files, from job.zip; this file (an export or a copy of it) changes nothing") {
		t.Errorf("the unchanged export: %v", err)
	}
	if id := survey.LocalMessage(err, "id"); !strings.Contains(id, "sudah diterbitkan, dengan pertanyaan, pilihan dan berkas yang sama, dari job.zip") {
		t.Errorf("the unchanged export, in Indonesian: %s", id)
	}
	for name, bundle := range map[string][]byte{
		"a changed label":  zipFiles(t, "job.md", strings.Replace(md, "| Age |", "| Age in years |", 1), "towns.csv", "name,label\n1,Samarinda\n"),
		"a changed file":   zipFiles(t, "job.md", md, "towns.csv", "name,label\n1,Samarinda\n2,Balikpapan\n"),
		"a changed column": zipFiles(t, "job.md", strings.Replace(md, "| integer | age |", "| decimal | age |", 1), "towns.csv", "name,label\n1,Samarinda\n"),
	} {
		_, _, err := Publish(ctx, store, "job.zip", bundle, "sri")
		if survey.ErrorCode(err) != survey.ECONFLICT || !strings.Contains(survey.ErrorMessage(err), "already published with other content: change the version") {
			t.Errorf("%s: %v", name, err)
		}
	}
}
