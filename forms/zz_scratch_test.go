package forms_test

import (
	"testing"
	"time"

	"tracer/forms"
)

func TestZZScratch(t *testing.T) {
	f := mustParse(t, `| survey |
| | type | name | label | calculation |
| | integer | a | A | |
| | calculate | c | | /hh/a + 1 |
| | calculate | d | | /data/a + 1 |
| settings |
| | form_id | name |
| | x | hh |
`)
	s := forms.NewSession(f, forms.Options{Location: time.UTC})
	s.Set("a", "3")
	t.Logf("c=%q d=%q", s.Value("c"), s.Value("d"))
}
