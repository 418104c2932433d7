package client_test

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"tracer/forms"
	"tracer/survey"
	"tracer/sync/client"
	"tracer/sync/server"
	"tracer/sync/testbed"
)

// A form published as a legacy .xls workbook reaches the laptop as one: the sync keeps its
// extension, and the file it writes loads with its questions and choices.
func TestSyncPullsAnXLSForm(t *testing.T) {
	py := "/usr/bin/python3"
	if err := exec.Command(py, "-c", "import xlwt").Run(); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("CI=true but %s cannot import xlwt: %v", py, err)
		}
		t.Skipf("%s with xlwt is needed (Debian's python3-xlwt): %v", py, err)
	}
	src := filepath.Join(t.TempDir(), "kerja.xls")
	script := `import sys, xlwt
b = xlwt.Workbook(encoding="utf-8")
s = b.add_sheet("survey")
for r, row in enumerate([["type", "name", "label::Bahasa Indonesia (id)", "label::English (en)"],
                         ["select_one yn", "bekerja", "Apakah Anda bekerja?", "Are you working?"],
                         ["integer", "gaji", "Gaji sebulan (Rp)", "Monthly pay (IDR)"]]):
    for c, v in enumerate(row):
        s.write(r, c, v)
s.write(2, 4, "${bekerja} = '1'")
s.write(0, 4, "relevant")
c = b.add_sheet("choices")
for r, row in enumerate([["list_name", "name", "label::Bahasa Indonesia (id)", "label::English (en)"],
                         ["yn", 1, "Ya", "Yes"], ["yn", 2, "Tidak", "No"]]):
    for k, v in enumerate(row):
        c.write(r, k, v)
st = b.add_sheet("settings")
st.write(0, 0, "form_id"); st.write(0, 1, "version")
st.write(1, 0, "kerja_xls"); st.write(1, 1, 2026120101)
b.save(sys.argv[1])
`
	if out, err := exec.Command(py, "-c", script, src).CombinedOutput(); err != nil {
		t.Fatalf("xlwt: %v\n%s", err, out)
	}
	source, err := os.ReadFile(src)
	if err != nil {
		t.Fatal(err)
	}

	ctx := context.Background()
	env := testbed.NewEnv(t, nil, nil)
	if _, _, err := server.Publish(ctx, env.Forms, "kerja.xls", source, "sri"); err != nil {
		t.Fatal(err)
	}
	c, err := client.NewClient(env.URL, client.WithToken(testbed.Token(t, env.Users, "ani", survey.RoleEnumerator)), fastRetry())
	if err != nil {
		t.Fatal(err)
	}
	lap := testbed.NewLaptop(t)
	dir := t.TempDir()
	laptop := client.Laptop{Interviews: lap.Interviews, Roster: lap.Roster, State: lap.State, FormsDir: dir}
	if _, err := c.Sync(ctx, laptop, nil); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "kerja_xls@2026120101.xls")
	f, err := forms.Load(path)
	if err != nil {
		t.Fatalf("the pulled form: %v", err)
	}
	if f.ID != "kerja_xls" || f.Version != "2026120101" {
		t.Fatalf("form %s version %s", f.ID, f.Version)
	}
	s := forms.NewSession(f, forms.Options{Lang: "id"})
	var names []string
	for _, ch := range s.Choices("bekerja") {
		names = append(names, ch.Name+"="+s.ChoiceLabel(ch))
	}
	if got := len(names); got != 2 || names[0] != "1=Ya" || names[1] != "2=Tidak" {
		t.Fatalf("choices of bekerja: %v", names)
	}
	if s.Relevant("gaji") {
		t.Fatal("gaji is relevant before bekerja is answered")
	}
	if p, err := s.Set("bekerja", "1"); err != nil || p != nil {
		t.Fatalf("set bekerja: %v %v", p, err)
	}
	if !s.Relevant("gaji") {
		t.Fatal("gaji is not relevant when bekerja = 1")
	}
}
