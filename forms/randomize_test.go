package forms_test

import (
	"bytes"
	"encoding/json"
	"slices"
	"strings"
	"testing"
	"time"

	"tracer/forms"
)

// randomizeForm has selects whose choices are shuffled with a seed, fixed and read from an
// answer, filtered, with or_other, and in a rank.
const randomizeForm = `| survey |
| | type | name | label | choice_filter | parameters | calculation |
| | decimal | sd | Seed | | | |
| | text | ts | Text seed | | | |
| | select_one fruit | fixed | Fixed | | randomize=true seed=42 | |
| | select_one fruit | bysd | By seed | | randomize=true seed=${sd} | |
| | select_multiple fruit | multi | Multi | cat != 'b' | randomize=True seed=${sd} | |
| | select_one fruit or_other | other | Other | | randomize=true seed=${sd} | |
| | rank fruit | ranked | Ranked | | randomize=true seed=${sd} | |
| | select_one fruit | bytext | By text | | randomize=true seed=${ts} | |
| | select_one fruit | plain | Plain | | randomize=false | |
| | calculate | joined | | | | join(' ', randomize(instance('fruit')/root/item/name, ${sd})) |
| choices |
| | list_name | name | label | cat |
| | fruit | a | Apple | a |
| | fruit | b | Banana | b |
| | fruit | c | Cherry | a |
| | fruit | d | Date | b |
| | fruit | e | Elder | a |
| | fruit | f | Fig | a |
| | fruit | g | Grape | b |
`

func choiceNames(s *forms.Session, path string) []string {
	var out []string
	for _, c := range s.Choices(path) {
		out = append(out, c.Name)
	}
	return out
}

// TestRandomizeWithSeed checks that a select with randomize=true and a seed offers its
// choices in ODK Collect's order for the seed (the orders below are ODK's engine's), and
// that the XForm writes the shuffle as pyxform does.
func TestRandomizeWithSeed(t *testing.T) {
	f, err := forms.Parse("randomize.md", []byte(randomizeForm))
	if err != nil {
		t.Fatal(err)
	}
	s := forms.NewSession(f, forms.Options{Location: time.UTC})
	if got, want := strings.Join(choiceNames(s, "fixed"), " "), "a f c b d e g"; got != want {
		t.Errorf("seed 42: tracer offers %s, ODK %s", got, want)
	}
	if got, want := strings.Join(choiceNames(s, "plain"), " "), "a b c d e f g"; got != want {
		t.Errorf("randomize=false: tracer offers %s, want the list's order %s", got, want)
	}
	// An empty seed is 0 in ODK Collect, as is a text that is no number.
	empty := strings.Join(choiceNames(s, "bysd"), " ")
	if _, err := s.Set("ts", "abc"); err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(choiceNames(s, "bytext"), " "); got != empty {
		t.Errorf("seed 'abc' gives %s, the empty seed %s: both are 0 in Collect", got, empty)
	}
	var x bytes.Buffer
	if err := forms.WriteXForm(&x, f); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		`nodeset="randomize(instance('fruit')/root/item, 42)"`,
		`nodeset="randomize(instance('fruit')/root/item[cat != 'b'], /data/sd)"`,
		`nodeset="instance('fruit')/root/item"`,
	} {
		if !strings.Contains(x.String(), want) {
			t.Errorf("the XForm has no itemset %s", want)
		}
	}
	if strings.Contains(x.String(), `randomize="`) {
		t.Error("the XForm writes randomize as an attribute, which ODK ignores")
	}
}

// TestRandomizeParametersRefused checks the parameters pyxform refuses.
func TestRandomizeParametersRefused(t *testing.T) {
	for _, c := range []struct{ params, want string }{
		{"randomize=yes", "randomize must be true or false"},
		{"seed=42", "needs randomize=true"},
		{"randomize=true seed=abc", "seed must be a number or a ${name}"},
		{"randomize=true seed=${nowhere}", "nowhere"},
	} {
		md := "| survey |\n| | type | name | label | parameters |\n| | select_one yn | q | Q | " + c.params + " |\n| choices |\n| | list_name | name | label |\n| | yn | y | Yes |\n| | yn | n | No |\n"
		_, err := forms.Parse("p.md", []byte(md))
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: got %v, want an error saying %q", c.params, err, c.want)
		}
	}
}

// TestODKOracleRandomize compares the order of shuffled choices with ODK's engine for
// seeds of every kind.
func TestODKOracleRandomize(t *testing.T) {
	node := oracleNode(t)
	f, err := forms.Parse("randomize.md", []byte(randomizeForm))
	if err != nil {
		t.Fatal(err)
	}
	var x bytes.Buffer
	if err := forms.WriteXForm(&x, f); err != nil {
		t.Fatal(err)
	}
	s := forms.NewSession(f, forms.Options{Location: time.UTC})
	questions := []string{"fixed", "bysd", "multi", "other", "ranked", "plain"}
	var steps []oracleStep
	var mine []map[string][]string
	for _, seed := range []string{"", "0", "1", "7", "-3", "2.9", "-2.9", "2147483646", "2147483647", "2147483648", "4294967296", "98765432109", "-98765432109"} {
		if p, err := s.Set("sd", seed); err != nil || p != nil {
			t.Fatalf("set sd %q: %v %v", seed, err, p)
		}
		steps = append(steps, oracleStep{Op: "set", Ref: xref("sd"), Value: s.Value("sd")})
		orders := map[string][]string{}
		for _, q := range questions {
			orders[q] = choiceNames(s, q)
		}
		orders["joined"] = strings.Fields(s.Value("joined"))
		mine = append(mine, orders)
	}
	res := runOracle(t, node, struct {
		Forms []oracleForm `json:"forms"`
	}{[]oracleForm{{Name: "randomize", XForm: x.String(), DeviceID: "test", Username: "enum1", Steps: steps}}})["randomize"]
	if res.Error != "" || len(res.Errors) > 0 || len(res.States) != len(steps)+1 {
		t.Fatalf("ODK's engine: %s %v, %d states", res.Error, res.Errors, len(res.States))
	}
	for i, st := range steps {
		raw := res.States[i+1][xref("joined")]
		if got, err := decodeState(raw); err != nil || !slices.Equal(mine[i]["joined"], strings.Fields(got.value)) {
			t.Errorf("seed %q: randomize() is %v in tracer, %s in ODK", st.Value, mine[i]["joined"], raw)
		}
		for _, q := range questions {
			var state []json.RawMessage
			if err := json.Unmarshal(res.States[i+1][xref(q)], &state); err != nil || len(state) < 5 {
				t.Fatalf("%s: ODK's state %s: %v", q, res.States[i+1][xref(q)], err)
			}
			var theirs []string
			if err := json.Unmarshal(state[4], &theirs); err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(mine[i][q], theirs) {
				t.Errorf("seed %q: %s offers %v in tracer, %v in ODK", st.Value, q, mine[i][q], theirs)
			}
		}
	}
}
