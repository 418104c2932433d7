package report

import (
	"fmt"
	"strings"

	"tracer/forms"
	"tracer/forms/builtin"
)

// need is a core question an indicator reads, with the choice codes or types the report
// expects of it.
type need struct {
	name    string
	choices []string // codes a select must offer; nil: not a select
	types   []string // accepted question types; nil: any
}

var (
	needConsent    = need{builtin.Consent, []string{"yes"}, nil}
	needStatus     = need{builtin.MainStatus, []string{"1", "2", "3", "4", "5", "6", "7", "8"}, nil}
	needDate       = need{builtin.InterviewDate, nil, []string{"date", "today", "calculate"}}
	needSearching  = need{builtin.Searching4W, []string{"yes"}, nil}
	needAvailable  = need{builtin.Available2W, []string{"yes"}, nil}
	needMatch      = need{builtin.JobMatch, []string{"1", "2", "3"}, nil}
	needSkill      = need{builtin.SkillUse, []string{"1", "2"}, nil}
	needJobSat     = need{builtin.JobSatisfaction, []string{"1", "2"}, nil}
	needHours      = need{builtin.HoursWeek, nil, []string{"integer", "decimal", "calculate"}}
	needRegency    = need{builtin.WorkRegency, nil, nil}
	needContract   = need{builtin.Contract, nil, nil}
	needAssessed   = need{builtin.CertAssessed, nil, nil}
	needResult     = need{builtin.CertResult, nil, nil}
	needBizWorkers = need{builtin.BizPaidWorkers, nil, []string{"integer", "calculate"}}
	needBefore     = need{builtin.StatusBefore, []string{"4", "5", "6", "7"}, nil}
	needRecommend  = need{builtin.Recommend, nil, []string{"integer", "range", "select_one", "calculate"}}
	needSat        = func(name string) need { return need{name, []string{"4", "5"}, nil} }
	numeric        = []string{"integer", "decimal", "range", "calculate"}
	dates          = []string{"date", "calculate"}
)

// indicatorNeeds says what each indicator reads: every question of all, and at least one
// of any (an alternative source, such as an income band when the exact income is not
// asked). Every indicator also needs an interview to count: consent and main_status.
var indicatorNeeds = []struct {
	ids []string
	all []need
	any []need
}{
	{ids: []string{"response_rate", "contact_rate", "absorption", "absorption_weighted", "absorption_cohort", "absorption_trainee",
		"wage_employment", "self_employment", "absorbed_industry", "absorbed_self", "absorbed_ojt", "overseas", "overseas_absorbed", "neet"}},
	{ids: []string{"unemployment"}, all: []need{needSearching, needAvailable}},
	{ids: []string{"first_job_months", "employed_at_completion", "employed_within_"}, all: []need{needDate},
		any: []need{{builtin.MonthsToFirstJob, nil, numeric}, {builtin.FirstJobDate, nil, dates}, {builtin.FirstJobDateNW, nil, dates}, {builtin.JobStartDate, nil, dates}}},
	{ids: []string{"job_match", "job_match_top3", "relevant_employment"}, all: []need{needMatch}},
	{ids: []string{"skill_use"}, all: []need{needSkill}},
	{ids: []string{"income_median", "income_median_wage", "income_median_self"},
		any: []need{{builtin.IncomeExact, nil, numeric}, {builtin.IncomeBand, nil, nil}}},
	{ids: []string{"umk", "umk_120"}, all: []need{needHours, needRegency, needDate},
		any: []need{{builtin.IncomeExact, nil, numeric}, {builtin.IncomeBand, nil, nil}}},
	{ids: []string{"formal_contract"}, all: []need{needContract}},
	{ids: []string{"cert_coverage", "cert_pass"}, all: []need{needAssessed, needResult}},
	{ids: []string{"biz_jobs"}, all: []need{needBizWorkers}},
	{ids: []string{"net_entry"}, all: []need{needBefore}},
	{ids: []string{"training_sat_mean", "training_sat_top2"}, all: []need{needSat(builtin.SatOverall)}},
	{ids: []string{"sat_instructor_mean", "sat_instructor_top2"}, all: []need{needSat(builtin.SatInstructor)}},
	{ids: []string{"sat_practice_mean", "sat_practice_top2"}, all: []need{needSat(builtin.SatPractice)}},
	{ids: []string{"sat_relevance_mean", "sat_relevance_top2"}, all: []need{needSat(builtin.SatRelevance)}},
	{ids: []string{"nps"}, all: []need{needRecommend}},
	{ids: []string{"job_sat_top2"}, all: []need{needJobSat}},
}

// Feed says whether a form can feed one indicator, and why not.
type Feed struct {
	Indicator Indicator
	OK        bool
	// Problems name each missing or unusable question: "main_status: no question has this
	// name", "job_match: its list lacks the codes 3".
	Problems []string
}

// CheckForm tells, indicator by indicator, whether the report can compute it from
// interviews made with f: the core tracer questions (forms/builtin's names) it reads must
// be there with the types and choice codes the report expects. The report reads questions
// by name, so a renamed question feeds nothing.
func CheckForm(f *forms.Form) []Feed {
	base := []string{}
	for _, n := range []need{needConsent, needStatus} {
		if p := n.check(f); p != "" {
			base = append(base, p)
		}
	}
	var out []Feed
	for _, group := range indicatorNeeds {
		problems := append([]string(nil), base...)
		for _, n := range group.all {
			if p := n.check(f); p != "" {
				problems = append(problems, p)
			}
		}
		if len(group.any) > 0 {
			var alt []string
			for _, n := range group.any {
				p := n.check(f)
				if p == "" {
					alt = nil
					break
				}
				alt = append(alt, p)
			}
			if len(alt) > 0 {
				problems = append(problems, "none of: "+strings.Join(alt, "; "))
			}
		}
		for _, id := range group.ids {
			in, ok := Lookup(id)
			if !ok {
				in, _ = Lookup(id + "6") // the employed_within_ family, as its first window
				in.ID = id + "K"
			}
			out = append(out, Feed{Indicator: in, OK: len(problems) == 0, Problems: problems})
		}
	}
	return out
}

// FeedsReport reports whether f has what every interview needs to count in the report:
// consent and main_status with their codes.
func FeedsReport(f *forms.Form) bool {
	return needConsent.check(f) == "" && needStatus.check(f) == ""
}

// check returns "" when f has the question as needed, else what is wrong.
func (n need) check(f *forms.Form) string {
	q := f.Node(n.name)
	if q == nil || q.IsGroup() {
		return n.name + ": no question has this name"
	}
	if n.types != nil && !contains(n.types, q.Type) {
		return fmt.Sprintf("%s: type %s, want %s", n.name, q.Type, strings.Join(n.types, " or "))
	}
	if n.choices == nil {
		return ""
	}
	if q.ListName == "" {
		return fmt.Sprintf("%s: type %s, want a select with the codes %s", n.name, q.Type, strings.Join(n.choices, ", "))
	}
	var missing []string
	for _, c := range n.choices {
		if f.ChoiceOf(q, c) == nil {
			missing = append(missing, c)
		}
	}
	if len(missing) > 0 {
		return fmt.Sprintf("%s: its list %s lacks the codes %s", n.name, q.ListName, strings.Join(missing, ", "))
	}
	return ""
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
