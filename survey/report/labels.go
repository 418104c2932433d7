package report

import "tracer/forms"

// dimensionQuestions names the question whose choice list holds a breakdown's codes.
var dimensionQuestions = map[Dimension]string{
	ByKejuruan:    "kejuruan",
	ByInstitution: "institution",
	ByFunding:     "funding",
	BySex:         "sex",
	ByRegency:     "domicile_regency",
	ByEducation:   "education",
}

// FormLabels returns a Config.Labels that names breakdown codes by the choice labels of the
// form's questions that collect them (kejuruan, funding, sex, domicile_regency ...), and a
// question's codes by its own choice labels when the Dimension is a question name, in lang
// (a code or a language name; the form's default when the form lacks it). Codes the form
// does not list get no label.
func FormLabels(f *forms.Form, lang string) func(Dimension, string) string {
	l, ok := f.MatchLang(lang)
	if !ok {
		l = f.DefaultLang
	}
	return func(d Dimension, code string) string {
		name := dimensionQuestions[d]
		if name == "" {
			name = string(d) // a question itself, as the distributions ask
		}
		q := f.Node(name)
		if q == nil || q.ListName == "" {
			return ""
		}
		// ChoiceOf knows the "other" that or_other adds, which the list does not hold.
		if c := f.ChoiceOf(q, code); c != nil {
			return c.Label.In(l, f.Languages)
		}
		return ""
	}
}
