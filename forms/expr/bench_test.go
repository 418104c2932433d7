package expr

import "testing"

// benchCases are typical relevance, constraint and calculation expressions, with the
// answer "." stands for.
var benchCases = []struct {
	name, src string
	cur       Value
}{
	{"relevance", "${main_status} <= 5 and ${name} != ''", nil},
	{"selected", "selected(${symptoms}, 'cough') or count-selected(${symptoms}) > 2", nil},
	{"date", ". <= today() and . >= date('2020-01-01')", String("2024-05-17")},
	{"nik", `regex(., '^[1-9][0-9]{5}(0[1-9]|[12][0-9]|3[01]|4[1-9]|[56][0-9]|7[01])(0[1-9]|1[0-2])[0-9]{2}[0-9]{4}$') and substr(.,12,16) != '0000'`, String("6474014101980001")},
	{"calculate", "if(${five} >= 3, concat(${name}, ' ', ${last}), round(sum(${ages}) div count(${ages}), 1))", nil},
}

func BenchmarkParse(b *testing.B) {
	for _, bc := range benchCases {
		b.Run(bc.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := Parse(bc.src); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func BenchmarkEval(b *testing.B) {
	for _, bc := range benchCases {
		b.Run(bc.name, func(b *testing.B) {
			e := mustParse(b, bc.src)
			env := newTestEnv()
			env.current = bc.cur
			b.ReportAllocs()
			for b.Loop() {
				e.Eval(env)
			}
		})
	}
}
