package builtin

// The names of the built-in form's core questions: the ones the report, the review flags and
// the TUI read by name. They are the form's own names (the survey sheet's name column), so
// that a question renamed in blk-tracer.md fails TestQuestionNames instead of reading as
// empty; QuestionNames lists them all.
const (
	Consent          = "consent"
	InterviewDate    = "interview_date"
	TrainingEndDate  = "training_end_date"
	MainStatus       = "main_status"
	Searching4W      = "searching_4w"
	Available2W      = "available_2w"
	MonthsToFirstJob = "months_to_first_job"
	FirstJobDate     = "first_job_date"
	FirstJobDateNW   = "first_job_date_nw"
	JobStartDate     = "job_start_date"
	JobMatch         = "job_match"
	SkillUse         = "skill_use"
	IncomeExact      = "income_exact"
	IncomeBand       = "income_band"
	WorkRegency      = "work_regency"
	HoursWeek        = "hours_week"
	Contract         = "contract"
	CertAssessed     = "cert_assessed"
	CertResult       = "cert_result"
	BizPaidWorkers   = "biz_paid_workers"
	StatusBefore     = "status_before"
	SatOverall       = "sat_overall"
	SatInstructor    = "sat_instructor"
	SatPractice      = "sat_practice"
	SatRelevance     = "sat_relevance"
	Recommend        = "recommend"
	JobSatisfaction  = "job_satisfaction"
	SectorKBLI       = "sector_kbli"
	OccupationKBJI   = "occupation_kbji"
	EmployerType     = "employer_type"
	HowFound         = "how_found"
	RosterID         = "roster_id"
	NIK              = "nik"
	WorkLastWeek     = "work_last_week"
	TempAbsent       = "temp_absent"
	WorkCountry      = "work_country"
	Kejuruan         = "kejuruan"
	DomicileRegency  = "domicile_regency"
	// IdentityOK asks whether the roster's identity shown on screen is right.
	IdentityOK = "identity_ok"
)

// QuestionNames lists every core question name above.
var QuestionNames = []string{
	IdentityOK,
	Consent,
	InterviewDate,
	TrainingEndDate,
	MainStatus,
	Searching4W,
	Available2W,
	MonthsToFirstJob,
	FirstJobDate,
	FirstJobDateNW,
	JobStartDate,
	JobMatch,
	SkillUse,
	IncomeExact,
	IncomeBand,
	WorkRegency,
	DomicileRegency,
	HoursWeek,
	Contract,
	CertAssessed,
	CertResult,
	BizPaidWorkers,
	StatusBefore,
	SatOverall,
	SatInstructor,
	SatPractice,
	SatRelevance,
	Recommend,
	JobSatisfaction,
	SectorKBLI,
	OccupationKBJI,
	EmployerType,
	HowFound,
	RosterID,
	NIK,
	WorkLastWeek,
	TempAbsent,
	WorkCountry,
	Kejuruan,
}
