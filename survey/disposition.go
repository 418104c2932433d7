package survey

import (
	"strings"
	"time"
)

// Class is the AAPOR outcome class a disposition counts in when response rates are
// computed (AAPOR, Standard Definitions): I complete, P partial, R refusal and break-off,
// NC non-contact, O other eligible non-interview, U unknown eligibility, NE not eligible.
type Class string

// The AAPOR outcome classes.
const (
	ClassComplete   Class = "I"
	ClassPartial    Class = "P"
	ClassRefusal    Class = "R"
	ClassNonContact Class = "NC"
	ClassOther      Class = "O"
	ClassUnknown    Class = "U"
	ClassIneligible Class = "NE"
)

// Disposition is one outcome code of a contact attempt or of an alumnus: an AAPOR code
// with its class and labels in Bahasa Indonesia and English.
type Disposition struct {
	Code  string
	Class Class
	ID    string // Bahasa Indonesia
	EN    string
	// Callback marks the outcome that takes a call-back time.
	Callback bool
	// Temporary marks an outcome that says the alumnus is to be tried again: it stays on
	// the call list. Other outcomes close the case (a complete, a refusal, a death, ...).
	Temporary bool
}

// DispositionCallback is the code of "call me again at ...".
const DispositionCallback = "2.21"

// DispositionNotAttempted is the final code of an alumnus nobody tried to reach.
const DispositionNotAttempted = "3.11"

// Dispositions is the table of outcome codes, AAPOR's codes for surveys of specifically
// named persons by telephone and in person, refined where the study needs it. The
// 3.3x codes (a number or address that does not lead to the named alumnus) are this
// study's refinement of AAPOR's unknown-eligibility class: for a list of named alumni, a
// dead number says nothing about whether the alumnus is eligible.
var Dispositions = []Disposition{
	{Code: "1.1", Class: ClassComplete, ID: "wawancara selesai", EN: "complete interview"},
	{Code: "1.2", Class: ClassPartial, ID: "wawancara sebagian", EN: "partial interview"},
	{Code: "2.11", Class: ClassRefusal, ID: "menolak", EN: "refusal"},
	{Code: "2.12", Class: ClassRefusal, ID: "berhenti di tengah wawancara", EN: "break-off"},
	{Code: "2.21", Class: ClassNonContact, ID: "minta dihubungi lagi pada ...", EN: "asked to be called back at ...", Callback: true, Temporary: true},
	{Code: "2.22", Class: ClassNonContact, ID: "pesan ditinggalkan, belum dibalas", EN: "message left, no reply yet", Temporary: true},
	{Code: "2.23", Class: ClassNonContact, ID: "alumni sedang tidak ada (kata keluarga)", EN: "alumnus away (family says)", Temporary: true},
	{Code: "2.31", Class: ClassOther, ID: "meninggal", EN: "deceased"},
	{Code: "2.32", Class: ClassOther, ID: "sakit / tidak mampu diwawancarai", EN: "ill or unable to be interviewed"},
	{Code: "2.33", Class: ClassOther, ID: "kendala bahasa", EN: "language barrier"},
	{Code: "2.35", Class: ClassOther, ID: "lainnya (memenuhi syarat)", EN: "other, eligible", Temporary: true},
	{Code: "3.11", Class: ClassUnknown, ID: "belum dihubungi", EN: "not attempted"},
	{Code: "3.12", Class: ClassUnknown, ID: "nomor selalu sibuk", EN: "always busy", Temporary: true},
	{Code: "3.13", Class: ClassUnknown, ID: "tidak diangkat", EN: "no answer", Temporary: true},
	{Code: "3.16", Class: ClassUnknown, ID: "gangguan jaringan", EN: "technical phone problem", Temporary: true},
	{Code: "3.31", Class: ClassUnknown, ID: "nomor tidak aktif", EN: "number not in service", Temporary: true},
	{Code: "3.32", Class: ClassUnknown, ID: "salah sambung", EN: "wrong number", Temporary: true},
	{Code: "3.33", Class: ClassUnknown, ID: "pindah / tidak diketahui", EN: "moved, whereabouts unknown", Temporary: true},
	{Code: "4.10", Class: ClassIneligible, ID: "bukan alumni sasaran", EN: "not in the cohort (out of sample)"},
	{Code: "4.90", Class: ClassIneligible, ID: "tidak memenuhi syarat, lainnya", EN: "not eligible, other"},
}

// LookupDisposition returns the disposition of code ("2.21"; "2.210" and " 2.21 " too).
func LookupDisposition(code string) (Disposition, bool) {
	code = strings.TrimSpace(code)
	for _, d := range Dispositions {
		if d.Code == code || strings.TrimRight(code, "0") == strings.TrimRight(d.Code, "0") && strings.Contains(code, ".") {
			return d, true
		}
	}
	return Disposition{}, false
}

// DispositionLabel returns the label of code in lang ("id" or "en"), or code itself.
func DispositionLabel(code, lang string) string {
	d, ok := LookupDisposition(code)
	if !ok {
		return code
	}
	if lang == "id" {
		return d.ID
	}
	return d.EN
}

// rank orders the classes for the final disposition: a higher rank wins over a lower one
// whatever their order in time.
func (c Class) rank() int {
	switch c {
	case ClassComplete:
		return 7
	case ClassPartial:
		return 6
	case ClassIneligible:
		return 5
	case ClassRefusal:
		return 4
	case ClassOther:
		return 3
	case ClassNonContact:
		return 2
	case ClassUnknown:
		return 1
	}
	return 0
}

// DispositionEvent is one thing that happened to an alumnus that bears on its final disposition: an
// attempt's outcome, or an interview (complete, partial, or refused at consent).
type DispositionEvent struct {
	Code string
	At   time.Time
}

// FinalDisposition returns the final disposition code of one alumnus from everything
// recorded about it: the event of the highest class wins, in the order complete, partial,
// not eligible, refusal or break-off, other eligible, non-contact, unknown eligibility
// (a contact outcome is never undone by a later unanswered call, and an interview is
// never undone by anything); among events of the same class the latest one wins (the
// later of equal times: the later in the list). No event gives 3.11, not attempted.
func FinalDisposition(events []DispositionEvent) string {
	best, bestRank := DispositionNotAttempted, 0
	var bestAt time.Time
	for _, e := range events {
		d, ok := LookupDisposition(e.Code)
		if !ok {
			continue
		}
		r := d.Class.rank()
		if r > bestRank || r == bestRank && !e.At.Before(bestAt) {
			best, bestRank, bestAt = d.Code, r, e.At
		}
	}
	return best
}

// InterviewDisposition is the disposition an interview gives its alumnus, from its answers
// to the consent question and the main activity: consent given and the main activity
// answered is a complete (1.1), consent given without it a partial (1.2), consent refused
// a refusal (2.11); with consent unanswered the interview says nothing ("").
func InterviewDisposition(consent, mainStatus string) string {
	switch {
	case consent == "yes" && mainStatus != "":
		return "1.1"
	case consent == "yes":
		return "1.2"
	case consent != "":
		return "2.11"
	}
	return ""
}

// AlumnusDisposition is the final disposition (FinalDisposition) of one alumnus from the
// outcomes of its contact attempts and those of its interviews (InterviewDisposition).
// Where it has an interview, the interview's own record says whether it was complete,
// partial or refused: attempts coded 1.1 or 1.2 (an interview begun by phone, say) are
// then left out.
func AlumnusDisposition(attempts, interviews []DispositionEvent) string {
	if len(interviews) == 0 {
		return FinalDisposition(attempts)
	}
	events := make([]DispositionEvent, 0, len(attempts)+len(interviews))
	for _, e := range attempts {
		if e.Code != "1.1" && e.Code != "1.2" {
			events = append(events, e)
		}
	}
	return FinalDisposition(append(events, interviews...))
}
