package tui

import (
	"strings"

	"tracer/survey"
)

// texts are the UI strings of one language, one field per text: a text the code names and
// a language does not have is a compile error, and TestTextsComplete fails on an empty one.
// Format verbs (%d, %s) are part of a text; the two languages take the same arguments.
type texts struct {
	// Screen titles, in the header.
	TitleQueue     string
	TitleDetail    string
	TitleCoverage  string
	TitleSync      string
	TitleHome      string
	TitlePicker    string
	TitleInterview string
	TitleJump      string
	TitleReview    string
	TitleList      string
	TitleSettings  string
	TitleMigrate   string
	TitleCalls     string
	TitleForms     string
	TitleUpdates   string

	// Key help, in the footer and the help screen.
	KeyQueue           string
	KeyCoverage        string
	KeyOpen            string
	KeyFilterField     string
	KeyRefresh         string
	KeyApprove         string
	KeyReturnInterview string
	KeyComment         string
	KeySend            string
	KeyKeepNote        string // Enter over a question comment: kept, sent with the return
	KeyPublish         string
	KeyRetire          string
	KeySync            string
	KeyReturned        string
	KeySyncNow         string
	KeyVoidOffer       string
	KeyVoidDraft       string
	KeyNext            string
	KeyBack            string
	KeyJump            string
	KeyFormLang        string
	KeySaveLeave       string
	KeyEsc             string
	KeyHelp            string
	KeyQuit            string
	KeyUp              string
	KeyDown            string
	KeyPageUp          string
	KeyPageDown        string
	KeyToggle          string
	KeyPick            string
	KeyAdd             string
	KeyRemove          string
	KeyReview          string
	KeyFinalize        string
	KeyYes             string
	KeyNo              string
	KeyNew             string
	KeyInterviews      string
	KeySettings        string
	KeyWalkIn          string
	KeyFilter          string
	KeyPrevInstance    string
	KeyNextInstance    string
	KeyReorder         string
	KeyLeft            string
	KeyRight           string
	KeyHome            string
	KeyEnd             string
	KeyBackspace       string
	KeyClear           string
	KeyClearEnd        string
	KeyDeleteWord      string
	KeySelect          string
	KeySearch          string
	KeyClearSearch     string
	KeyMoveUp          string
	KeyMoveDown        string
	KeyPlace           string
	KeyKeep            string
	KeyReset           string
	KeyAck             string
	KeyAddYes          string
	KeyAddNo           string
	KeyOutcome         string
	KeyRecord          string
	KeyCode            string
	KeyCancel          string
	KeyStartInterview  string
	KeyRosterUpdate    string
	KeyAcceptUpdate    string
	KeyRejectUpdate    string
	KeyUpdateHistory   string

	// Home.
	HomeQueue          string
	HomeCoverage       string
	HomeForms9         string
	HomeSync           string
	HomeServer         string
	HomeReturnedList   string
	HomeAlumni         string
	HomeWaveDone       string
	HomeDrafts         string
	HomeEnumerator     string
	HomeFinalized      string
	HomeForms          string
	HomeLocalForm      string
	HomeFormCount      string
	HomeForm           string
	HomeVersion        string
	HomeList           string
	HomeNew            string
	HomeQuit           string
	HomeReturned       string
	HomeRoster         string
	HomeSent           string
	HomeSettings       string
	HomeSupervisor     string
	HomeSupervisorRole string
	HomeToday          string
	HomeTodayCounts    string
	HomeCalls          string
	// HomeKeyUnused says that a key (%s) does nothing on Home; HomeKeySupervisor that it
	// opens a supervisor's screen, which this account does not have.
	HomeKeyUnused, HomeKeySupervisor string
	// ScreenKeyUnused says that a key (%s) does nothing on the screen on show.
	ScreenKeyUnused string
	HomeUpdates     string

	// Home's actions by their short names, for a window too short for the long ones.
	HomeShortCalls, HomeShortForms, HomeShortUpdates   string
	HomeShortTracing, HomeShortLinks, HomeShortAddress string

	// Picking a respondent.
	PickerPrior    string
	PickerThisYear string
	PickerThisWave string
	PickerPriorAsk string
	PickerDone     string
	PickerDraft    string
	PickerHint     string
	PickerNone     string
	PickerPrompt   string
	PickerEmpty    string

	// The interview.
	InterviewIdentity      string
	SexMale                string
	SexFemale              string
	InterviewAddAnother    string
	InterviewConfirmRemove string
	InterviewEmpty         string
	InterviewPrefill       string
	InterviewReadOnly      string
	InterviewSaved         string
	InterviewPart          string
	InterviewLangKept      string
	// InterviewLangNow names the form language Ctrl+L switched to, its place and how many
	// the form has.
	InterviewLangNow string
	// InterviewLabelCut ends a question's label cut to leave its entry room in a short window.
	InterviewLabelCut    string
	InterviewSavedMark   string
	InterviewQuitSaved   string
	InterviewQuitRefused string

	// A returned interview: the supervisor's comments.
	ReturnedComment  string
	ReturnedQuestion string
	ReturnedList     string

	// Voiding a draft.
	VoidOffer      string
	VoidAsk        string
	VoidNeedReason string
	VoidDone       string

	// The question inputs.
	FieldAck      string
	FieldFilter   string
	FieldNoMatch  string
	FieldNote     string
	PromptYes     string
	PromptNo      string
	FieldReadOnly string
	// FieldFreshHint and FieldFreshMaskHint say that typing replaces the answer shown.
	FieldFreshHint     string
	FieldFreshMaskHint string
	RankHint           string
	RankUnranked       string
	PlaceholderYear    string
	PlaceholderMonth   string
	PlaceholderDay     string
	PlaceholderHour    string
	PlaceholderMinute  string
	FieldDateOrder     string

	// Problems the inputs find while typing.
	LiveDate         string
	LiveIncomplete   string
	LiveNumber       string
	LiveNumberFormat string
	LiveNotInteger   string
	LiveYear         string
	LiveMonth        string
	LiveDay          string
	LiveNoDay        string
	LiveNoDayYear    string
	LiveHour         string
	LiveMinute       string
	LiveNoOption     string
	LivePickDigit    string
	// LiveMaskKey .. LiveSearchMany say which keys a question takes after a key it does not.
	LiveMaskKey   string
	LivePasteLong string
	// LivePasteLines says that a paste's line breaks were typed as spaces, not taken as Enter.
	LivePasteLines    string
	LivePromptKey     string
	LiveAckKey        string
	LiveRankKey       string
	LiveNoteKey       string
	LiveReadOnlyKey   string
	LiveSearchNoMatch string
	LiveSearchMany    string
	// LiveSearchNoMatchReq and LiveSearchManyReq are those two where the answer shown
	// cannot be taken (a required question with nothing picked): Enter would not go on.
	LiveSearchNoMatchReq string
	LiveSearchManyReq    string
	LiveInapplicable     string
	// LiveInapplicableReq is LiveInapplicable on a required question, where Enter
	// does not go on.
	LiveInapplicableReq string
	LiveArrowsKept      string
	LiveArrowsNone      string
	// LiveArrowsNoneRequired is LiveArrowsNone on a required question, which takes no
	// Enter without an answer.
	LiveArrowsNoneRequired string
	LiveEditUndone         string
	LiveStayed             string
	LiveKeyRefused         string
	LiveMaskBlocked        string
	LiveDecimalDot         string
	// LiveMaskFull answers a digit typed past a complete date or time; LiveIncomplete and it
	// name the entry (MaskEntries), LiveIncomplete also its first part not typed
	// (MaskParts: year, month, day, hour, minutes).
	LiveMaskFull string
	MaskEntries  [5]string
	MaskParts    [5]string
	// LiveNoRepeat .. LiveOneLang say why a key of the repeats or of the form language
	// changed nothing.
	LiveNoRepeat        string
	LiveRepeatCounted   string
	LiveNoOtherInstance string
	LiveOneLang         string
	LiveOnPrompt        string
	LiveOnFirstPrompt   string
	LiveUnusedKey       string
	// LiveNumbersText answers a key a text question with the numbers appearance does not
	// take.
	LiveNumbersText string
	// LiveSearchSpace answers a second Space in a search, which separates no words.
	LiveSearchSpace string
	// Months are the names of the months, January first.
	Months [12]string

	// Numbers.
	ThousandsSep string
	DecimalSep   string

	// Reviewing and finalizing an interview.
	FinalizeBusy       string
	FinalizeConfirm    string
	FinalizeDone       string
	FinalizeFixFirst   string
	FinalizeHelp       string
	FinalizeNoProblems string
	FinalizeProblems   string
	FinalizeReadOnly   string

	// The interviews list and the interview states.
	ListSearch     string
	ListNoMatch    string
	ListNotDraft   string
	StateAll       string
	StateDraft     string
	StateFinalized string
	StateSent      string
	StateReturned  string
	ListEmpty      string
	ListNotForSync string
	ListWalkIn     string

	// Settings and the language names.
	LangID       string
	LangEN       string
	SettingsForm string
	SettingsHint string
	SettingsUI   string

	// Moving a draft to a new form version.
	MigrateTitle    string
	MigrateAsk      string
	MigrateYes      string
	MigrateNo       string
	MigrateDone     string
	MigrateAllFit   string
	MigrateDropped  string
	MigrateMore     string
	EntriesAbove    string
	EntriesBelow    string
	MigrateFailed   string
	MigrateContinue string

	// Sync.
	SyncNoLogin        string
	SyncNoLoginShort   string
	SyncHowLogin       string
	SyncLoginCmd       string
	SyncHowLogin2      string
	SyncChecking       string
	SyncRunning        string
	SyncOnline         string
	SyncOffline        string
	SyncLast           string
	SyncNever          string
	SyncServer         string
	SyncProgress       string
	SyncHint           string
	SyncFailed         string
	SyncUnreachable    string
	SyncSummary        string
	SyncPulled         string
	SyncRosterGone     string
	SyncHeld           string
	SyncRelay          string
	SyncReturnedHint   string
	SyncOutcomePushed  string
	SyncOutcomeAlready string
	SyncOutcomeRefused string
	SyncOutcomeLate    string
	SyncRefusedLater   string
	// SyncRefusedLaterOther counts the contact attempts and roster updates refused later.
	SyncRefusedLaterOther string
	SyncOutcomeWaiting    string

	// The supervisor's review queue and review of one interview.
	ReviewFilterState      string
	ReviewFilterFlag       string
	ReviewFilterEnumerator string
	ReviewFilterKejuruan   string
	ReviewStateReceived    string
	ReviewStateApproved    string
	ReviewStateReturned    string
	ReviewStateResubmitted string
	ReviewHeadState        string
	ReviewHeadRespondent   string
	ReviewHeadEnumerator   string
	ReviewHeadReceived     string
	ReviewHeadVia          string
	ReviewViaLaptop        string
	ReviewViaCollect       string
	ReviewViaWeb           string
	ReviewHeadFlags        string
	ReviewEmpty            string
	ReviewCount            string
	ReviewLoading          string
	ReviewReceived         string
	ReviewDuration         string
	ReviewRevisions        string
	ReviewCollect          string
	ReviewWeb              string
	ReviewMoreFlags        string
	ReviewWas              string
	// ReviewDropped heads the answers of revision %d that the correction left out.
	ReviewDropped string
	// ReviewNoForm says that the form of the interview under review (its id and version) is
	// not on this laptop.
	ReviewNoForm          string
	ReviewIdentity        string
	ReviewLast            string
	ReviewQuestionComment string
	ReviewComment         string
	ReviewConfirm         string
	ReviewNeedComment     string
	ReviewNotes           string
	ReviewNotesLeave      string
	ReviewReturned        string
	ReviewApproved        string

	// Coverage against the roster.
	CoverageTotal        string
	CoverageUnlinked     string
	CoverageEnumerator   string
	CoverageByKejuruan   string
	CoverageByBatch      string
	CoverageByFunding    string
	CoverageByRegency    string
	CoverageRoster       string
	CoverageTraced       string
	CoverageApproved     string
	CoverageLegend       string
	CoverageToday        string
	CoverageHeadToday    string
	CoverageHeadTotal    string
	CoverageHeadApproved string
	CoverageHeadReturned string

	// The study's forms (supervisor).
	FormsEmpty          string
	FormsHeadForm       string
	FormsHeadVersion    string
	FormsHeadState      string
	FormsHeadPublished  string
	FormsHeadBy         string
	FormsHeadInterviews string
	FormsOffered        string
	FormsRetiredState   string
	FormsPathPrompt     string
	FormsPathEmpty      string
	FormsPublished      string
	FormsSame           string
	FormsNotLoaded      string
	FormsRefused        string // the server's refusal follows: a changed form, or one already published
	FormsPublishFailed  string
	FormsRetireConfirm  string
	FormsRetired        string
	FormsAlreadyRetired string
	FormsRetireFailed   string
	FormsMoreLines      string

	// The call list.
	CallsTitle    string
	CallsLoading  string
	CallsEmpty    string
	CallsDue      string
	CallsCallBack string
	CallsTries    string
	CallsBestHour string
	CallsNumbers  string
	CallsPick     string
	// CallsChooseFirst says that Enter records only an outcome chosen with the arrows.
	CallsChooseFirst string
	// CallsNoCode says that no outcome code begins with what was typed.
	CallsNoCode string
	// CallsStartConfirm asks before i records the call as an interview begun by phone and
	// opens it (%s: the alumnus's name); CallsStartCancelled says that nothing was recorded.
	CallsStartConfirm, CallsStartCancelled string
	CallsWhen                              string
	CallsSaved                             string
	CallsErr                               string
	CallsBadTime                           string
	// CallsPastTime says that the call-back time typed has passed (%s: the time read).
	CallsPastTime string
	CallsNoRoster string
	// The roster update proposed from the call list.
	CallsUpdatePick  string
	CallsUpdateValue string
	CallsProposed    string
	CallsProposedOld string
	// UpdateFieldNames names survey.UpdateFields, in their order.
	UpdateFieldNames [4]string
	// The supervisor's roster update screen.
	UpdatesPending      string
	UpdatesHistory      string
	UpdatesEmpty        string
	UpdatesWas          string
	UpdatesAccepted     string
	UpdatesRejected     string
	UpdatesPendingWord  string
	UpdatesDecided      string
	UpdatesNeedReason   string
	UpdatesAcceptPrompt string
	UpdatesRejectPrompt string

	// The PIN screen.
	PINTitle  string
	PINPrompt string
	PINWhy    string
	PINWrong  string
	PINWait   string
	PINBusy   string
	PINForgot string
	PINKeys   string

	// Errors, help and the window size.
	ErrVoid     string
	ErrFinalize string
	ErrLoad     string
	ErrOpen     string
	ErrSealed   string
	ErrSave     string
	ErrFull     string
	HelpTitle   string
	HelpClose   string
	TooSmall    string

	// Tracing is the supervisor's tracing screen.
	Tracing tracingTexts
	// Links is the supervisor's screen of self-response links.
	Links linksTexts
	// Address is the server's address drawn as a QR code over Home.
	Address addressTexts
	// Refused is the supervisor's list of late refusals.
	Refused refusedTexts
}

// liveID names a problem an input finds while typing (an impossible date, a number that does
// not read); texts.live gives its text. The zero value is no problem.
type liveID uint8

// The problems an input finds while typing.
const (
	liveNone liveID = iota
	liveDate
	liveIncomplete
	liveNumber
	liveNumberFormat
	liveNotInteger
	liveYear
	liveMonth
	liveDay
	liveNoDay
	liveNoDayYear
	liveHour
	liveMinute
	liveNoOption
	livePickDigit
	liveMaskKey
	livePasteLong
	livePasteLines
	livePromptKey
	liveAckKey
	liveRankKey
	liveNoteKey
	liveReadOnlyKey
	liveSearchNoMatch
	liveSearchMany
	liveSearchNoMatchRequired
	liveSearchManyRequired
	liveInapplicable
	liveInapplicableRequired
	liveArrowsKept
	liveArrowsNone
	liveArrowsNoneRequired
	liveEditUndone
	liveStayed
	liveKeyRefused
	liveMaskBlocked
	liveDecimalDot
	liveMaskFull
	liveNoRepeat
	liveRepeatCounted
	liveNoOtherInstance
	liveOneLang
	liveOnPrompt
	liveOnFirstPrompt
	liveUnusedKey
	liveNumbersText
	liveSearchSpace
	// nLive counts the problems; it is none.
	nLive
)

// live returns the text of problem p, "" for liveNone.
func (t *texts) live(p liveID) string {
	switch p {
	case liveDate:
		return t.LiveDate
	case liveIncomplete:
		return t.LiveIncomplete
	case liveNumber:
		return t.LiveNumber
	case liveNumberFormat:
		return t.LiveNumberFormat
	case liveNotInteger:
		return t.LiveNotInteger
	case liveYear:
		return t.LiveYear
	case liveMonth:
		return t.LiveMonth
	case liveDay:
		return t.LiveDay
	case liveNoDay:
		return t.LiveNoDay
	case liveNoDayYear:
		return t.LiveNoDayYear
	case liveHour:
		return t.LiveHour
	case liveMinute:
		return t.LiveMinute
	case liveNoOption:
		return t.LiveNoOption
	case livePickDigit:
		return t.LivePickDigit
	case liveMaskKey:
		return t.LiveMaskKey
	case livePasteLong:
		return t.LivePasteLong
	case livePasteLines:
		return t.LivePasteLines
	case livePromptKey:
		return t.LivePromptKey
	case liveAckKey:
		return t.LiveAckKey
	case liveRankKey:
		return t.LiveRankKey
	case liveNoteKey:
		return t.LiveNoteKey
	case liveReadOnlyKey:
		return t.LiveReadOnlyKey
	case liveSearchNoMatch:
		return t.LiveSearchNoMatch
	case liveSearchMany:
		return t.LiveSearchMany
	case liveSearchNoMatchRequired:
		return t.LiveSearchNoMatchReq
	case liveSearchManyRequired:
		return t.LiveSearchManyReq
	case liveInapplicable:
		return t.LiveInapplicable
	case liveInapplicableRequired:
		return t.LiveInapplicableReq
	case liveArrowsKept:
		return t.LiveArrowsKept
	case liveArrowsNone:
		return t.LiveArrowsNone
	case liveArrowsNoneRequired:
		return t.LiveArrowsNoneRequired
	case liveEditUndone:
		return t.LiveEditUndone
	case liveStayed:
		return t.LiveStayed
	case liveKeyRefused:
		return t.LiveKeyRefused
	case liveMaskBlocked:
		return t.LiveMaskBlocked
	case liveDecimalDot:
		return t.LiveDecimalDot
	case liveMaskFull:
		return t.LiveMaskFull
	case liveNoRepeat:
		return t.LiveNoRepeat
	case liveRepeatCounted:
		return t.LiveRepeatCounted
	case liveNoOtherInstance:
		return t.LiveNoOtherInstance
	case liveOneLang:
		return t.LiveOneLang
	case liveOnPrompt:
		return t.LiveOnPrompt
	case liveOnFirstPrompt:
		return t.LiveOnFirstPrompt
	case liveUnusedKey:
		return t.LiveUnusedKey
	case liveNumbersText:
		return t.LiveNumbersText
	case liveSearchSpace:
		return t.LiveSearchSpace
	}
	return ""
}

// uiLangs are the codes of the UI languages, in the order settings offers them.
var uiLangs = []string{"id", "en"}

// textsFor returns the UI strings of lang ("id", "en") and whether lang is a UI language;
// English when it is not. The result is shared and never written to.
func textsFor(lang string) (*texts, bool) {
	switch lang {
	case "id":
		return &textsID, true
	case "en":
		return &textsEN, true
	}
	return &textsEN, false
}

// textsID are the UI strings in Bahasa Indonesia.
var textsID = texts{
	TitleQueue:     "Antrean pemeriksaan",
	TitleDetail:    "Periksa wawancara",
	TitleCoverage:  "Cakupan",
	TitleSync:      "Sinkronisasi",
	TitleHome:      "Beranda",
	TitlePicker:    "Pilih responden",
	TitleInterview: "Wawancara",
	TitleJump:      "Lompat ke pertanyaan",
	TitleReview:    "Periksa dan finalisasi",
	TitleList:      "Daftar wawancara",
	TitleSettings:  "Pengaturan",
	TitleMigrate:   "Versi formulir baru",
	TitleCalls:     "Daftar telepon",
	TitleForms:     "Formulir studi",
	TitleUpdates:   "Usulan perbaikan roster",

	KeyQueue:           "antrean pemeriksaan",
	KeyCoverage:        "cakupan",
	KeyOpen:            "buka",
	KeyFilterField:     "filter berikutnya",
	KeyRefresh:         "muat ulang",
	KeyApprove:         "setujui",
	KeyReturnInterview: "kembalikan",
	KeyComment:         "catatan pertanyaan",
	KeySend:            "kirim",
	KeyKeepNote:        "simpan",
	KeyPublish:         "terbitkan formulir",
	KeyRetire:          "pensiunkan formulir",
	KeySync:            "sinkron",
	KeyReturned:        "dikembalikan",
	KeySyncNow:         "sinkron sekarang",
	KeyVoidOffer:       "batalkan draf ini",
	KeyVoidDraft:       "batalkan draf",
	KeyNext:            "lanjut",
	KeyBack:            "kembali",
	KeyJump:            "lompat",
	KeyFormLang:        "bahasa formulir",
	KeySaveLeave:       "simpan & keluar",
	KeyEsc:             "kembali",
	KeyHelp:            "bantuan",
	KeyQuit:            "keluar",
	KeyUp:              "atas",
	KeyDown:            "bawah",
	KeyPageUp:          "halaman atas",
	KeyPageDown:        "halaman bawah",
	KeyToggle:          "centang",
	KeyPick:            "pilih",
	KeyAdd:             "tambah isian",
	KeyRemove:          "hapus isian",
	KeyReview:          "periksa",
	KeyFinalize:        "finalisasi",
	KeyYes:             "ya",
	KeyNo:              "tidak",
	KeyNew:             "wawancara baru",
	KeyInterviews:      "daftar wawancara",
	KeySettings:        "pengaturan",
	KeyWalkIn:          "responden baru (walk-in)",
	KeyFilter:          "ganti",
	KeyPrevInstance:    "isian sebelumnya",
	KeyNextInstance:    "isian berikutnya",
	KeyReorder:         "pindah urutan",
	KeyLeft:            "kiri",
	KeyRight:           "kanan",
	KeyHome:            "awal",
	KeyEnd:             "akhir",
	KeyBackspace:       "hapus",
	KeyClear:           "kosongkan",
	KeyClearEnd:        "hapus sampai akhir",
	KeyDeleteWord:      "hapus kata",
	KeySelect:          "pilih",
	KeySearch:          "cari",
	KeyClearSearch:     "hapus pencarian",
	KeyMoveUp:          "naikkan",
	KeyMoveDown:        "turunkan",
	KeyPlace:           "taruh di urutan",
	KeyKeep:            "pakai urutan ini",
	KeyReset:           "ulangi",
	KeyAck:             "OK",
	KeyAddYes:          "tambah",
	KeyAddNo:           "lanjut",
	KeyOutcome:         "hasil",
	KeyRecord:          "catat",
	KeyCode:            "ketik kode",
	KeyCancel:          "batal",
	KeyStartInterview:  "mulai wawancara",
	KeyRosterUpdate:    "perbarui data",
	KeyAcceptUpdate:    "terima",
	KeyRejectUpdate:    "tolak",
	KeyUpdateHistory:   "menunggu/riwayat",

	HomeQueue:          "Antrean pemeriksaan",
	HomeCoverage:       "Cakupan terhadap daftar alumni",
	HomeForms9:         "Formulir studi: terbitkan, daftar, pensiunkan",
	HomeSync:           "Sinkronisasi dengan server",
	HomeServer:         "Server",
	HomeReturnedList:   "Dikembalikan untuk diperbaiki (%d)",
	HomeAlumni:         "%d alumni",
	HomeWaveDone:       "gelombang “%s”: %d diwawancarai",
	HomeDrafts:         "Draf",
	HomeEnumerator:     "Pencacah",
	HomeFinalized:      "Final, belum terkirim",
	HomeForms:          "%d dari %d · f ganti formulir",
	HomeLocalForm:      "File lokal untuk dicoba, bukan formulir yang diterbitkan: wawancaranya tidak untuk sinkronisasi.",
	HomeFormCount:      "%d di formulir ini · %d semua formulir",
	HomeForm:           "Formulir",
	HomeVersion:        "versi",
	HomeList:           "Daftar wawancara",
	HomeNew:            "Wawancara baru",
	HomeQuit:           "Keluar",
	HomeReturned:       "Dikembalikan untuk diperbaiki",
	HomeRoster:         "Daftar alumni",
	HomeSent:           "Terkirim",
	HomeSettings:       "Pengaturan",
	HomeSupervisor:     "Pengawas",
	HomeSupervisorRole: "akun pengawas: antrean pemeriksaan di 6",
	HomeShortCalls:     "daftar telepon", HomeShortForms: "formulir", HomeShortUpdates: "pembaruan daftar",
	HomeShortTracing: "pelacakan", HomeShortLinks: "tautan", HomeShortAddress: "alamat",
	HomeToday:         "Hari ini",
	HomeTodayCounts:   "%d selesai · %d draf · %d menunggu dikirim",
	HomeCalls:         "Daftar telepon (tindak lanjut)",
	HomeKeyUnused:     "Tombol “%s” tidak dipakai di Beranda; ? menampilkan tombol yang dipakai.",
	HomeKeySupervisor: "Tombol %s hanya untuk akun pengawas; ? menampilkan tombol akun ini.",
	ScreenKeyUnused:   "Tombol “%s” tidak dipakai di layar ini; ? menampilkan tombol yang dipakai.",
	HomeUpdates:       "Usulan perbaikan roster dari lapangan",

	PickerThisYear: "tahun ini",
	PickerThisWave: "pada gelombang “%s”",
	PickerPrior:    "%s sudah punya wawancara selesai untuk formulir ini %s (%s, %s, revisi %d). Wawancara kedua membuat dua catatan untuk satu alumni; perbaikan dilakukan lewat wawancara yang dikembalikan.",
	PickerPriorAsk: "Tetap mulai wawancara kedua? y = ya, tombol lain = batal",
	PickerDone:     "sudah diwawancarai",
	PickerDraft:    "draf",
	PickerHint:     "Ketik nama, ID peserta, atau 4+ angka terakhir NIK/telepon. Ctrl+N: responden di luar daftar.",
	PickerNone:     "Tidak ada yang cocok.",
	PickerPrompt:   "Cari responden:",
	PickerEmpty:    "Daftar alumni di laptop ini masih kosong: impor dengan \"tracer roster import FILE\" atau sinkronkan dengan server (4 di Beranda).",

	InterviewIdentity:      "Di daftar alumni: %s · NIK %s · lahir %s · %s · %s (%s)",
	SexMale:                "Laki-laki",
	SexFemale:              "Perempuan",
	InterviewAddAnother:    "Tambah %s lagi? (sudah %d)",
	InterviewConfirmRemove: "Hapus %s beserta jawabannya? y = ya, tombol lain = batal",
	InterviewEmpty:         "Formulir ini tidak punya pertanyaan.",
	InterviewPrefill:       "Dari daftar alumni: periksa dengan responden, Enter bila benar.",
	InterviewReadOnly:      "hanya baca",
	InterviewSaved:         "Wawancara disimpan sebagai draf.",
	InterviewPart:          "Bagian %d/%d",
	InterviewLangKept:      "Ctrl+L: ganti. Bahasa formulir responden ini tetap: %s.",
	InterviewLangNow:       "Bahasa formulir sekarang: %s (%d dari %d); Ctrl+L ganti ke berikutnya.",
	InterviewLabelCut:      "… (terpotong; Ctrl+R menampilkannya utuh)",
	InterviewSavedMark:     "tersimpan",
	InterviewQuitSaved:     "Draf wawancara %s tersimpan; lanjutkan lewat Daftar wawancara.",
	InterviewQuitRefused:   "Isian di “%s” tidak disimpan: %s",

	ReturnedComment:  "Catatan pemeriksa:",
	ReturnedQuestion: "Catatan untuk pertanyaan ini:",
	ReturnedList:     "%d pertanyaan bercatatan (✎ di Ctrl+J): %s",

	VoidOffer:      "Salah responden? Tekan v untuk membatalkan draf %s (dengan alasan).",
	VoidAsk:        "Batalkan draf %s? Tulis alasannya (Enter batalkan draf, Esc kembali):",
	VoidNeedReason: "Alasan wajib diisi.",
	VoidDone:       "Draf %s dibatalkan.",

	FieldAck:           "Ya, sudah dikonfirmasi",
	FieldFilter:        "Cari:",
	FieldNoMatch:       "Tidak ada pilihan yang cocok.",
	FieldNote:          "Tekan Enter untuk lanjut.",
	PromptYes:          "Ya, tambah",
	PromptNo:           "Tidak, lanjut",
	FieldReadOnly:      "(tidak dapat diubah)",
	FieldFreshHint:     "Ketikan baru menggantikan jawaban ini; ←/→ atau Backspace untuk mengubah sebagiannya; Esc mengembalikannya.",
	FieldFreshMaskHint: "Ketikan baru menggantikan jawaban ini; Backspace untuk mengubah sebagiannya; Esc mengembalikannya.",
	RankHint:           "Urutan tersimpan. Shift+↑/↓ atau angka memindah pilihan; Ctrl+U mengulang.",
	RankUnranked:       "Belum diurutkan: Shift+↑/↓ atau angka memindah pilihan; Spasi = urutan ini.",
	PlaceholderYear:    "T",
	PlaceholderMonth:   "B",
	PlaceholderDay:     "H",
	PlaceholderHour:    "J",
	PlaceholderMinute:  "M",
	FieldDateOrder:     "(boleh juga %s)",

	LiveDate:               "Tanggal atau jam itu tidak ada.",
	LiveIncomplete:         "Isian %s belum lengkap: ketik %s, atau Ctrl+U mengosongkannya.",
	LiveNumber:             "Hanya angka yang bisa diketik di sini.",
	LiveNumbersText:        "Hanya angka, spasi dan . , - + yang bisa diketik di sini: formulir meminta angka.",
	LiveSearchSpace:        "Dalam pencarian, Spasi memisahkan kata: untuk memilih yang disorot, pindah ke sana dengan ↑/↓ lalu tekan Spasi (atau Enter dulu).",
	LiveNumberFormat:       "Angka itu tidak terbaca. Contoh: 4500000, 4.500.000 atau 4,5.",
	LiveNotInteger:         "Harus bilangan bulat, tanpa koma.",
	LiveYear:               "Tahun harus 19xx atau 20xx.",
	LiveMonth:              "Bulan hanya 01 sampai 12.",
	LiveDay:                "Tanggal hanya 01 sampai 31.",
	LiveNoDay:              "%d %s tidak ada.",
	LiveNoDayYear:          "%d %s %d tidak ada (bukan tahun kabisat).",
	LiveHour:               "Jam hanya 00 sampai 23.",
	LiveMinute:             "Menit hanya 00 sampai 59.",
	LiveNoOption:           "Tidak ada pilihan dengan nomor itu.",
	LivePickDigit:          "Pilih dengan angka, atau ↑/↓ lalu Spasi.",
	LiveMaskKey:            "Ketik tanggal/jam dengan angka saja (pemisah - / . boleh).",
	LivePasteLong:          "Yang ditempel lebih panjang dari isian ini; tidak diambil.",
	LivePasteLines:         "Baris baru pada yang ditempel tidak dibaca sebagai Enter: periksa jawaban ini, lalu Enter.",
	LivePromptKey:          "Tekan 1 atau y untuk menambah; 2, n atau Enter untuk lanjut.",
	LiveAckKey:             "Tekan Spasi atau 1 untuk OK; Enter untuk lanjut.",
	LiveRankKey:            "Urutkan dengan Shift+↑/↓ atau angka; Spasi menyimpan urutan yang tampil.",
	LiveNoteKey:            "Ini catatan, tidak perlu dijawab: Enter untuk lanjut.",
	LiveReadOnlyKey:        "Jawaban ini tidak bisa diubah di sini: Enter untuk lanjut.",
	LiveSearchNoMatch:      "Tidak ada pilihan yang cocok dengan pencarian: perbaiki, atau hapus dengan Esc lalu Enter untuk lanjut.",
	LiveSearchMany:         "Pencarian belum dipilih: Spasi memilih yang disorot; Esc menghapus pencarian, lalu Enter untuk lanjut.",
	LiveSearchNoMatchReq:   "Tidak ada pilihan yang cocok dengan pencarian: perbaiki, atau hapus dengan Esc lalu pilih jawabannya.",
	LiveSearchManyReq:      "Pencarian belum dipilih: Spasi memilih yang disorot; Esc menghapus pencarian. Pertanyaan ini belum bisa dilewati.",
	LiveInapplicable:       "Jawaban “%s” tidak berlaku lagi setelah jawaban sebelumnya diubah, dan dihapus: pilih lagi, atau Enter untuk lanjut.",
	LiveInapplicableReq:    "Jawaban “%s” tidak berlaku lagi setelah jawaban sebelumnya diubah, dan dihapus: pertanyaan ini wajib, pilih lagi.",
	LiveArrowsKept:         "Jawaban tidak berubah: panah hanya menyorot. Spasi memilih yang disorot; Enter lagi untuk lanjut dengan jawaban yang ada.",
	LiveArrowsNone:         "Belum ada yang dipilih: panah hanya menyorot. Spasi memilih yang disorot; Enter lagi untuk lanjut tanpa jawaban.",
	LiveArrowsNoneRequired: "Belum ada yang dipilih: panah hanya menyorot. Pertanyaan ini wajib dijawab: Spasi memilih yang disorot.",
	LiveEditUndone:         "Perubahan dibatalkan: jawaban tersimpan kembali. Esc lagi untuk kembali.",
	LiveStayed:             "Masih di pertanyaan ini: perbaiki jawabannya, atau Esc untuk membatalkan perubahan dan kembali ke jawaban tersimpan.",
	LiveKeyRefused:         "Tombol %q tadi tidak diterima: periksa angkanya; Enter lagi untuk menyimpannya seperti yang tampil.",
	LiveMaskBlocked:        "Angka tadi tidak diterima, jadi angka berikutnya juga tidak: hapus dengan Backspace (atau Ctrl+U) lalu ketik lagi.",
	LiveNoRepeat:           "Pertanyaan ini tidak di dalam isian berulang: Ctrl+N, Ctrl+D dan Ctrl+↑/↓ hanya berlaku di dalamnya.",
	LiveRepeatCounted:      "Jumlah isian ini ditentukan oleh jawaban lain di formulir: ubah jawaban itu untuk menambah atau menghapus isian.",
	LiveNoOtherInstance:    "Tidak ada isian lain ke arah itu.",
	LiveOneLang:            "Formulir ini hanya punya satu bahasa.",
	LiveUnusedKey:          "Tombol itu tidak dipakai di pertanyaan ini; ? menampilkan tombol yang dipakai.",
	LiveOnPrompt:           "Di sini hanya ditanya apakah menambah isian: 1 menambah, 2 lanjut; Shift+Tab kembali ke isian terakhir.",
	LiveOnFirstPrompt:      "Di sini hanya ditanya apakah menambah isian (belum ada): 1 menambah, 2 lanjut.",
	LiveMaskFull:           "Isian %s sudah lengkap: Backspace menghapus angka terakhir, Ctrl+U mengosongkannya.",
	MaskEntries:            [5]string{"tanggal", "jam", "tanggal dan jam", "tahun", "bulan dan tahun"},
	MaskParts:              [5]string{"tahunnya", "bulannya", "harinya", "jamnya", "menitnya"},
	LiveDecimalDot:         "Angka ini bisa dibaca dua cara (ribuan atau desimal): tulis ribuan tanpa titik (1234), desimal dengan koma dan satu atau dua angka di belakangnya (1,5 atau 1,25).",
	Months:                 [12]string{"Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus", "September", "Oktober", "November", "Desember"},

	ThousandsSep: ".",
	DecimalSep:   ",",

	FinalizeBusy:       "Menyimpan…",
	FinalizeConfirm:    "Finalisasi wawancara ini? Setelah final tidak bisa diubah lagi. y = ya, tombol lain = batal",
	FinalizeDone:       "Wawancara sudah final dan masuk kotak kirim.",
	FinalizeFixFirst:   "Perbaiki masalah di atas dulu sebelum finalisasi.",
	FinalizeHelp:       "Enter: buka pertanyaan · f: finalisasi · Esc: kembali ke wawancara",
	FinalizeNoProblems: "Tidak ada masalah. Tekan f untuk finalisasi.",
	FinalizeProblems:   "%d masalah harus diperbaiki:",
	FinalizeReadOnly:   "Wawancara final: hanya baca.",

	ListSearch:     "Cari:",
	ListNoMatch:    "Tidak ada wawancara yang cocok.",
	ListNotDraft:   "Hanya draf yang bisa dibatalkan.",
	StateAll:       "Semua",
	StateDraft:     "Draf",
	StateFinalized: "Final",
	StateSent:      "Terkirim",
	StateReturned:  "Dikembalikan",
	ListEmpty:      "Belum ada wawancara di sini.",
	ListNotForSync: "⊘ tidak untuk sinkronisasi: dibuat dengan formulir yang tidak diterbitkan server; tetap di laptop ini.",
	ListWalkIn:     "(walk-in)",

	LangID:       "Bahasa Indonesia",
	LangEN:       "English",
	SettingsForm: "Bahasa formulir",
	SettingsHint: "←/→ atau Spasi mengganti. Bahasa formulir mengikuti bahasa tampilan bila formulir memilikinya.",
	SettingsUI:   "Bahasa tampilan",

	MigrateTitle:    "Formulir %s punya versi baru",
	MigrateAsk:      "Draf ini dimulai dengan versi %s. Versi %s sudah tiba. Pindahkan draf ke versi baru? Jawaban dibawa menurut nama dan jenis pertanyaan; yang tidak cocok ditampilkan dan disimpan di riwayat wawancara.",
	MigrateYes:      "pindahkan ke versi %s",
	MigrateNo:       "tetap di versi %s (tombol lain juga)",
	MigrateDone:     "Dipindahkan ke versi %s: %d jawaban dibawa.",
	MigrateAllFit:   "Semua jawaban cocok dengan versi baru.",
	MigrateDropped:  "%d jawaban tidak cocok (disimpan di riwayat wawancara, tidak dihapus diam-diam):",
	MigrateMore:     "… dan %d lagi",
	EntriesAbove:    "↑ %d lagi di atas",
	EntriesBelow:    "↓ %d lagi di bawah",
	MigrateFailed:   "Draf tidak dipindahkan:",
	MigrateContinue: "Tekan tombol apa saja untuk membuka draf.",

	SyncNoLogin:           "Belum login ke server: sinkronisasi tidak aktif.",
	SyncNoLoginShort:      "belum login · tracer login URL KODE",
	SyncHowLogin:          "Minta kode pendaftaran ke admin, lalu jalankan di terminal:",
	SyncLoginCmd:          "tracer login URL KODE",
	SyncHowLogin2:         "Contoh: tracer login http://10.0.0.2:8080 K7QF2M9X. Wawancara tetap bisa dilakukan tanpa login; semuanya tersimpan di laptop ini.",
	SyncChecking:          "memeriksa server…",
	SyncRunning:           "⇅ sinkron…",
	SyncOnline:            "terhubung",
	SyncOffline:           "terputus",
	SyncLast:              "sinkron terakhir",
	SyncNever:             "belum pernah",
	SyncServer:            "Server",
	SyncProgress:          "%d/%d terkirim",
	SyncHint:              "Tekan Enter untuk sinkron sekarang. Sinkronisasi juga berjalan sendiri saat server terjangkau.",
	SyncFailed:            "Sinkronisasi gagal:",
	SyncUnreachable:       "Server tidak terjangkau. Tidak ada yang berubah di laptop ini; coba lagi nanti.",
	SyncSummary:           "%d baru terkirim · %d sudah ada · %d ditolak · %d menunggu",
	SyncPulled:            "Diterima: %d formulir, %d baris daftar alumni, %d wawancara dikembalikan.",
	SyncRosterGone:        "%d alumni yang tidak lagi ditugaskan kepada Anda dihapus dari laptop ini.",
	SyncRelay:             "Aman di dua mesin: laptop ini dan relay %s; relay meneruskannya ke pusat saat terhubung.",
	SyncHeld:              "Tidak untuk sinkronisasi: %d wawancara dibuat dengan formulir yang tidak diterbitkan server (%s). Tetap di laptop ini; terkirim setelah server menerbitkan berkas yang persis sama.",
	SyncReturnedHint:      "Ada wawancara dikembalikan: buka lewat 5 di Beranda.",
	SyncOutcomePushed:     "baru",
	SyncOutcomeAlready:    "sudah ada",
	SyncOutcomeRefused:    "ditolak",
	SyncOutcomeLate:       "ditolak pusat",
	SyncRefusedLater:      "%d wawancara yang sudah diterima relay ditolak di pusat. Wawancara tetap di laptop ini dan tidak dikirim lagi; hubungi supervisor.",
	SyncRefusedLaterOther: "%d percobaan kontak atau usulan data yang sudah diterima relay ditolak di pusat. Semuanya tetap di laptop ini dan tidak dikirim lagi; hubungi supervisor.",
	SyncOutcomeWaiting:    "menunggu",

	ReviewFilterState:      "Status",
	ReviewFilterFlag:       "Tanda",
	ReviewFilterEnumerator: "Pencacah",
	ReviewFilterKejuruan:   "Kejuruan",
	ReviewStateReceived:    "diterima",
	ReviewStateApproved:    "disetujui",
	ReviewStateReturned:    "dikembalikan",
	ReviewStateResubmitted: "dikirim ulang",
	ReviewHeadState:        "Status",
	ReviewHeadRespondent:   "Responden",
	ReviewHeadEnumerator:   "Pencacah",
	ReviewHeadReceived:     "Diterima",
	ReviewHeadVia:          "Lewat",
	ReviewViaLaptop:        "laptop",
	ReviewViaCollect:       "Collect %s",
	ReviewViaWeb:           "tautan web",
	ReviewHeadFlags:        "Tanda",
	ReviewEmpty:            "Tidak ada wawancara dengan filter ini.",
	ReviewCount:            "%d wawancara",
	ReviewLoading:          "Memuat…",
	ReviewReceived:         "Diterima %s",
	ReviewDuration:         "durasi %s menit",
	ReviewRevisions:        "%d revisi",
	ReviewCollect:          "Dikirim dari ODK Collect, perangkat %s",
	ReviewWeb:              "Diisi sendiri oleh alumni lewat tautan",
	ReviewMoreFlags:        "… dan %d tanda lain",
	ReviewWas:              "(r%d: %s)",
	ReviewDropped:          "Jawaban r%d yang tidak ada lagi di koreksi ini",
	ReviewNoForm:           "Formulir %s versi %s, tempat wawancara ini dibuat, tidak ada di laptop ini: sinkronkan (4 di Beranda) untuk mengambilnya. Sementara itu jawaban ditampilkan menurut namanya.",
	ReviewIdentity:         "Daftar alumni: %s · NIK %s · lahir %s · %s",
	ReviewLast:             "Terakhir: %s oleh %s, %s",
	ReviewQuestionComment:  "Catatan untuk pertanyaan ini (Enter simpan, Esc batal):",
	ReviewComment:          "Alasan mengembalikan, untuk pencacah (Enter kirim, Esc batal):",
	ReviewConfirm:          "Setujui revisi ini? y = ya, tombol lain = batal",
	ReviewNeedComment:      "Pengembalian perlu catatan.",
	ReviewNotes:            "Catatan pertanyaan yang ikut dikembalikan (x): %d.",
	ReviewNotesLeave:       "%d catatan pertanyaan belum terkirim: hanya ikut bila dikembalikan (x). Esc lagi membuangnya.",
	ReviewReturned:         "Dikembalikan ke pencacah.",
	ReviewApproved:         "Disetujui.",

	CoverageTotal:        "Terlacak %d dari %d (%d%%) · disetujui %d (%d%%)",
	CoverageUnlinked:     "%d wawancara di luar daftar alumni (walk-in).",
	CoverageEnumerator:   "Pencacah",
	CoverageByKejuruan:   "Kejuruan",
	CoverageByBatch:      "Angkatan",
	CoverageByFunding:    "Sumber dana",
	CoverageByRegency:    "Kabupaten",
	CoverageRoster:       "Alumni",
	CoverageTraced:       "Terlacak",
	CoverageApproved:     "Disetujui",
	CoverageLegend:       "█ disetujui  ▒ terlacak, belum disetujui  ░ belum terlacak",
	CoverageToday:        "Hari ini = %s",
	CoverageHeadToday:    "Hari ini",
	CoverageHeadTotal:    "Total",
	CoverageHeadApproved: "Setuju",
	CoverageHeadReturned: "Kembali",

	FormsEmpty:          "Belum ada formulir yang diterbitkan. Tekan p untuk menerbitkan XLSForm.",
	FormsHeadForm:       "Formulir",
	FormsHeadVersion:    "Versi",
	FormsHeadState:      "Status",
	FormsHeadPublished:  "Diterbitkan",
	FormsHeadBy:         "Oleh",
	FormsHeadInterviews: "Wawancara",
	FormsOffered:        "ditawarkan",
	FormsRetiredState:   "pensiun",
	FormsPathPrompt:     "Path berkas XLSForm (.xlsx, .xls atau .md) untuk diterbitkan (Enter terbitkan, Esc batal):",
	FormsPathEmpty:      "Ketik path berkasnya dulu, lalu Enter (Esc batal).",
	FormsPublished:      "Formulir %s versi %s diterbitkan (sha256 %s). Laptop menariknya pada sinkronisasi berikutnya.",
	FormsSame:           "Formulir %s versi %s sudah diterbitkan dengan isi yang sama: tidak ada yang berubah.",
	FormsNotLoaded:      "%s tidak dapat dimuat, tidak diterbitkan:",
	FormsRefused:        "Tidak diterbitkan:",
	FormsPublishFailed:  "%s tidak diterbitkan:",
	FormsRetireConfirm:  "Pensiunkan formulir %s? Laptop berhenti menawarkannya untuk wawancara baru; yang sudah dibuat tetap tersinkron. y = ya, tombol lain = batal",
	FormsRetired:        "Formulir %s dipensiunkan: laptop berhenti menawarkannya pada sinkronisasi berikutnya.",
	FormsAlreadyRetired: "Formulir %s sudah pensiun; menerbitkan versi baru menawarkannya lagi.",
	FormsRetireFailed:   "Formulir %s tidak dipensiunkan:",
	FormsMoreLines:      "  … dan %d baris lagi",

	CallsTitle:          "Daftar telepon: %d alumni belum diwawancarai",
	CallsLoading:        "Memuat…",
	CallsEmpty:          "Tidak ada alumni yang perlu dihubungi.",
	CallsDue:            "jatuh tempo",
	CallsCallBack:       "telepon lagi",
	CallsTries:          "%d upaya",
	CallsBestHour:       "jam terbaik %02d:00",
	CallsNumbers:        "Nomor: %s",
	CallsPick:           "Hasil upaya untuk %s (↑↓ atau ketik kodenya, enter; esc batal):",
	CallsChooseFirst:    "Pilih hasil dengan ↑/↓ atau ketik kodenya (mis. 3.13) dulu, lalu Enter.",
	CallsNoCode:         "Tidak ada kode hasil yang diawali %s: pilih dengan ↑/↓ atau ketik kodenya (mis. 3.13), lalu Enter.",
	CallsStartConfirm:   "Mulai wawancara %s lewat telepon sekarang (dicatat sebagai upaya kontak)? i atau y = ya, tombol lain = batal.",
	CallsStartCancelled: "Wawancara tidak dimulai; tidak ada yang dicatat.",
	CallsWhen:           "Telepon lagi kapan? (mis. 14:30, 14.30, besok 9, +2j, %s 09:00; Ctrl+U mengosongkan)",
	CallsSaved:          "Upaya tersimpan.",
	CallsErr:            "Gagal: ",
	CallsBadTime:        "Waktu tidak dikenali: ",
	CallsPastTime:       "Waktu itu sudah lewat: %s. Ketik waktu yang akan datang.",
	CallsNoRoster:       "Daftar telepon perlu roster dan penyimpan upaya.",
	CallsUpdatePick:     "Data baru untuk %s, diusulkan ke supervisor (↑↓, enter; esc batal):",
	CallsUpdateValue:    "%s baru: ",
	CallsProposed:       "Usulan tersimpan; terkirim saat sinkron, supervisor memutuskan.",
	CallsProposedOld:    "Usulan yang sama sudah ada; tidak ada yang baru disimpan.",
	UpdateFieldNames:    [4]string{"Nomor telepon", "Kabupaten/kota domisili", "Alamat", "Nama lengkap"},
	UpdatesPending:      "Usulan perbaikan roster menunggu keputusan: %d",
	UpdatesHistory:      "Riwayat usulan perbaikan roster: %d",
	UpdatesEmpty:        "Tidak ada usulan.",
	UpdatesWas:          "sebelumnya",
	UpdatesAccepted:     "diterima",
	UpdatesRejected:     "ditolak",
	UpdatesPendingWord:  "menunggu",
	UpdatesDecided:      "Usulan untuk %s %s.",
	UpdatesNeedReason:   "Penolakan perlu alasan.",
	UpdatesAcceptPrompt: "Terima (alasan boleh kosong; enter simpan, esc batal): ",
	UpdatesRejectPrompt: "Tolak, alasannya (enter simpan, esc batal): ",

	PINTitle:  "Buka data laptop",
	PINPrompt: "Masukkan PIN:",
	PINWhy:    "Draf wawancara dan data pribadi alumni di laptop ini terkunci dengan PIN yang dibuat saat tracer login.",
	PINWrong:  "PIN salah (%d kali berturut-turut). Tidak ada data yang hilang.",
	PINWait:   "Terlalu banyak PIN salah: coba lagi setelah %s (%d detik lagi). Tidak ada data yang hilang.",
	PINBusy:   "Memeriksa PIN…",
	PINForgot: "Lupa PIN? Minta kode baru ke admin, lalu jalankan: tracer login URL KODE. Semua draf tetap ada.",
	PINKeys:   "Enter buka · Esc keluar",

	ErrVoid:     "Gagal membatalkan draf:",
	ErrFinalize: "Gagal finalisasi:",
	ErrLoad:     "Gagal membaca data:",
	ErrOpen:     "Gagal membuka wawancara:",
	ErrSealed:   "Wawancara ini sudah final dan terkunci untuk server: jawabannya tidak bisa dibaca lagi di laptop ini.",
	ErrSave:     "BELUM TERSIMPAN:",
	ErrFull:     "Disk penuh: kosongkan sebagian ruang disk, lalu coba lagi. Jawaban yang sudah tersimpan tetap aman.",
	HelpTitle:   "Bantuan: semua tombol di layar ini",
	HelpClose:   "Tekan ? atau Esc untuk menutup.",
	TooSmall:    "Layar %dx%d terlalu kecil, perlu %dx%d.",
	Tracing:     tracingID,
	Links:       linksID,
	Address:     addressID,
	Refused:     refusedID,
}

// textsEN are the UI strings in English.
var textsEN = texts{
	TitleQueue:     "Review queue",
	TitleDetail:    "Review an interview",
	TitleCoverage:  "Coverage",
	TitleSync:      "Sync",
	TitleHome:      "Home",
	TitlePicker:    "Pick a respondent",
	TitleInterview: "Interview",
	TitleJump:      "Jump to a question",
	TitleReview:    "Review and finalize",
	TitleList:      "Interviews",
	TitleSettings:  "Settings",
	TitleMigrate:   "New form version",
	TitleCalls:     "Call list",
	TitleForms:     "Study forms",
	TitleUpdates:   "Roster updates",

	KeyQueue:           "review queue",
	KeyCoverage:        "coverage",
	KeyOpen:            "open",
	KeyFilterField:     "next filter",
	KeyRefresh:         "refresh",
	KeyApprove:         "approve",
	KeyReturnInterview: "return",
	KeyComment:         "comment on question",
	KeySend:            "send",
	KeyKeepNote:        "keep",
	KeyPublish:         "publish a form",
	KeyRetire:          "retire form",
	KeySync:            "sync",
	KeyReturned:        "returned",
	KeySyncNow:         "sync now",
	KeyVoidOffer:       "void this draft",
	KeyVoidDraft:       "void draft",
	KeyNext:            "next",
	KeyBack:            "back",
	KeyJump:            "jump",
	KeyFormLang:        "form language",
	KeySaveLeave:       "save & leave",
	KeyEsc:             "back",
	KeyHelp:            "help",
	KeyQuit:            "quit",
	KeyUp:              "up",
	KeyDown:            "down",
	KeyPageUp:          "page up",
	KeyPageDown:        "page down",
	KeyToggle:          "toggle",
	KeyPick:            "pick",
	KeyAdd:             "add instance",
	KeyRemove:          "remove instance",
	KeyReview:          "review",
	KeyFinalize:        "finalize",
	KeyYes:             "yes",
	KeyNo:              "no",
	KeyNew:             "new interview",
	KeyInterviews:      "interviews",
	KeySettings:        "settings",
	KeyWalkIn:          "walk-in respondent",
	KeyFilter:          "switch",
	KeyPrevInstance:    "previous instance",
	KeyNextInstance:    "next instance",
	KeyReorder:         "move in order",
	KeyLeft:            "left",
	KeyRight:           "right",
	KeyHome:            "start",
	KeyEnd:             "end",
	KeyBackspace:       "delete",
	KeyClear:           "clear",
	KeyClearEnd:        "clear to end",
	KeyDeleteWord:      "delete word",
	KeySelect:          "pick",
	KeySearch:          "search",
	KeyClearSearch:     "clear search",
	KeyMoveUp:          "move up",
	KeyMoveDown:        "move down",
	KeyPlace:           "put at place",
	KeyKeep:            "keep this order",
	KeyReset:           "start over",
	KeyAck:             "OK",
	KeyAddYes:          "add",
	KeyAddNo:           "continue",
	KeyOutcome:         "outcome",
	KeyRecord:          "record",
	KeyCode:            "type the code",
	KeyCancel:          "cancel",
	KeyStartInterview:  "start interview",
	KeyRosterUpdate:    "update roster",
	KeyAcceptUpdate:    "accept",
	KeyRejectUpdate:    "reject",
	KeyUpdateHistory:   "pending/history",

	HomeQueue:          "Review queue",
	HomeCoverage:       "Coverage against the roster",
	HomeForms9:         "Study forms: publish, list, retire",
	HomeSync:           "Sync with the server",
	HomeServer:         "Server",
	HomeReturnedList:   "Returned for correction (%d)",
	HomeAlumni:         "%d alumn{us|i}",
	HomeWaveDone:       "wave “%s”: %d interviewed",
	HomeDrafts:         "Drafts",
	HomeEnumerator:     "Enumerator",
	HomeFinalized:      "Finalized, not sent",
	HomeForms:          "%d of %d · f switches form",
	HomeLocalForm:      "A local file to try, not a published form: its interviews are not for sync.",
	HomeFormCount:      "%d in this form · %d in all forms",
	HomeForm:           "Form",
	HomeVersion:        "version",
	HomeList:           "Interviews",
	HomeNew:            "New interview",
	HomeQuit:           "Quit",
	HomeReturned:       "Returned for correction",
	HomeRoster:         "Roster",
	HomeSent:           "Sent",
	HomeSettings:       "Settings",
	HomeSupervisor:     "Supervisor",
	HomeSupervisorRole: "supervisor account: review queue on 6",
	HomeShortCalls:     "calls", HomeShortForms: "forms", HomeShortUpdates: "roster updates",
	HomeShortTracing: "tracing", HomeShortLinks: "links", HomeShortAddress: "address",
	HomeToday:         "Today",
	HomeTodayCounts:   "%d done · %d in draft · %d waiting to send",
	HomeCalls:         "Call list (follow-up)",
	HomeKeyUnused:     "Key “%s” is not used on Home; ? lists the keys.",
	HomeKeySupervisor: "Key %s is for supervisor accounts; ? lists this account's keys.",
	ScreenKeyUnused:   "Key “%s” is not used on this screen; ? lists the keys.",
	HomeUpdates:       "Roster updates from the field",

	PickerThisYear: "this year",
	PickerThisWave: "in wave “%s”",
	PickerPrior:    "%s already has a completed interview in this form %s (%s, %s, revision %d). A second interview makes two records of one alumnus; corrections go through a returned interview.",
	PickerPriorAsk: "Start a second interview anyway? y = yes, any other key = cancel",
	PickerDone:     "interviewed",
	PickerDraft:    "draft",
	PickerHint:     "Type a name, participant id, or the last 4+ digits of NIK/phone. Ctrl+N: someone not on the roster.",
	PickerNone:     "Nobody matches.",
	PickerPrompt:   "Find the respondent:",
	PickerEmpty:    "This laptop has no roster yet: import one with \"tracer roster import FILE\" or sync with the server (4 on Home).",

	InterviewIdentity:      "On the roster: %s · NIK %s · born %s · %s · %s (%s)",
	SexMale:                "Male",
	SexFemale:              "Female",
	InterviewAddAnother:    "Add another %s? (%d so far)",
	InterviewConfirmRemove: "Remove %s and its answers? y = yes, any other key = cancel",
	InterviewEmpty:         "This form has no questions.",
	InterviewPrefill:       "From the roster: check with the respondent, Enter if right.",
	InterviewReadOnly:      "read-only",
	InterviewSaved:         "Interview saved as a draft.",
	InterviewPart:          "Part %d/%d",
	InterviewLangKept:      "Ctrl+L: switch. This respondent's form language is kept: %s.",
	InterviewLangNow:       "Form language now: %s (%d of %d); Ctrl+L switches to the next.",
	InterviewLabelCut:      "… (cut; Ctrl+R shows it whole)",
	InterviewSavedMark:     "saved",
	InterviewQuitSaved:     "The draft interview of %s is saved; continue it from the interviews list.",
	InterviewQuitRefused:   "The entry at “%s” was not saved: %s",

	ReturnedComment:  "Supervisor's comment:",
	ReturnedQuestion: "Comment on this question:",
	ReturnedList:     "%d question{s} with comments (✎ in Ctrl+J): %s",

	VoidOffer:      "Wrong respondent? Press v to void the draft of %s (with a reason).",
	VoidAsk:        "Void the draft of %s? Type the reason (Enter voids the draft, Esc goes back):",
	VoidNeedReason: "A reason is needed.",
	VoidDone:       "Draft of %s voided.",

	FieldAck:           "Yes, confirmed",
	FieldFilter:        "Search:",
	FieldNoMatch:       "No choice matches.",
	FieldNote:          "Press Enter to continue.",
	PromptYes:          "Yes, add",
	PromptNo:           "No, continue",
	FieldReadOnly:      "(cannot be changed)",
	FieldFreshHint:     "Typing replaces this answer; ←/→ or Backspace edit part of it; Esc brings it back.",
	FieldFreshMaskHint: "Typing replaces this answer; Backspace edits part of it; Esc brings it back.",
	RankHint:           "Order kept. Shift+↑/↓ or a number moves the option; Ctrl+U starts over.",
	RankUnranked:       "Not ranked yet: Shift+↑/↓ or a number moves the option; Space = this order.",
	PlaceholderYear:    "Y",
	PlaceholderMonth:   "M",
	PlaceholderDay:     "D",
	PlaceholderHour:    "h",
	PlaceholderMinute:  "m",
	FieldDateOrder:     "(or %s)",

	LiveDate:               "That date or time does not exist.",
	LiveIncomplete:         "The %s entry is not complete: type its %s, or Ctrl+U clears it.",
	LiveNumber:             "Only numbers can be typed here.",
	LiveNumbersText:        "Only digits, spaces and . , - + can be typed here: the form asks for numbers.",
	LiveSearchSpace:        "In a search, Space separates words: to pick the highlighted option, move to it with ↑/↓ and press Space (or press Enter first).",
	LiveNumberFormat:       "That number does not read. For example: 4500000, 4.500.000 or 4,5.",
	LiveNotInteger:         "A whole number is needed, without a decimal comma.",
	LiveYear:               "The year must be 19xx or 20xx.",
	LiveMonth:              "The month is 01 to 12 only.",
	LiveDay:                "The day is 01 to 31 only.",
	LiveNoDay:              "There is no %[2]s %[1]d.",
	LiveNoDayYear:          "There is no %[2]s %[1]d in %[3]d (not a leap year).",
	LiveHour:               "The hour is 00 to 23 only.",
	LiveMinute:             "The minutes are 00 to 59 only.",
	LiveNoOption:           "No option has that number.",
	LivePickDigit:          "Pick with a number, or ↑/↓ then Space.",
	LiveMaskKey:            "Type the date/time in digits only (- / . may separate).",
	LivePasteLong:          "What was pasted is longer than this entry; it was not taken.",
	LivePasteLines:         "The line breaks in what was pasted were not taken as Enter: check this answer, then press Enter.",
	LivePromptKey:          "Press 1 or y to add; 2, n or Enter to go on.",
	LiveAckKey:             "Press Space or 1 for OK; Enter to go on.",
	LiveRankKey:            "Order with Shift+↑/↓ or a digit; Space keeps the order shown.",
	LiveNoteKey:            "This is a note, nothing to answer: Enter goes on.",
	LiveReadOnlyKey:        "This answer cannot be changed here: Enter goes on.",
	LiveSearchNoMatch:      "No option matches the search: correct it, or clear it with Esc, then Enter to go on.",
	LiveSearchMany:         "The search is not picked yet: Space picks the highlighted option; Esc clears the search, then Enter goes on.",
	LiveSearchNoMatchReq:   "No option matches the search: correct it, or clear it with Esc, then pick the answer.",
	LiveSearchManyReq:      "The search is not picked yet: Space picks the highlighted option; Esc clears the search. This question cannot be passed yet.",
	LiveInapplicable:       "The answer “%s” no longer applies after an earlier answer changed, and is removed: pick again, or Enter goes on.",
	LiveInapplicableReq:    "The answer “%s” no longer applies after an earlier answer changed, and is removed: the question is required, pick again.",
	LiveArrowsKept:         "The answer is unchanged: the arrows only highlight. Space picks the highlighted option; Enter again goes on with the answer given.",
	LiveArrowsNone:         "Nothing is picked: the arrows only highlight. Space picks the highlighted option; Enter again goes on without an answer.",
	LiveArrowsNoneRequired: "Nothing is picked: the arrows only highlight. This question is required: Space picks the highlighted option.",
	LiveEditUndone:         "Edit undone: the saved answer is back. Esc again to go back.",
	LiveStayed:             "Still on this question: correct the answer, or Esc to undo the edit and get the saved answer back.",
	LiveKeyRefused:         "The key %q typed was not taken: check the number; Enter again saves it as shown.",
	LiveMaskBlocked:        "A digit was refused, so no more are taken: delete with Backspace (or Ctrl+U) and type again.",
	LiveNoRepeat:           "This question is in no repeat: Ctrl+N, Ctrl+D and Ctrl+↑/↓ work inside one.",
	LiveRepeatCounted:      "How many of these there are is set by another answer of the form: change that answer to add or remove one.",
	LiveNoOtherInstance:    "There is no other instance that way.",
	LiveOneLang:            "This form has one language only.",
	LiveUnusedKey:          "That key is not used on this question; ? lists the keys that are.",
	LiveOnPrompt:           "This only asks whether to add another: 1 adds one, 2 goes on; Shift+Tab goes back to the last one.",
	LiveOnFirstPrompt:      "This only asks whether to add one (there is none yet): 1 adds one, 2 goes on.",
	LiveMaskFull:           "The %s entry is complete: Backspace deletes its last digit, Ctrl+U clears it.",
	MaskEntries:            [5]string{"date", "time", "date and time", "year", "month and year"},
	MaskParts:              [5]string{"year", "month", "day", "hour", "minutes"},
	LiveDecimalDot:         "This number reads two ways (thousands or a decimal): write thousands without a dot (1234), a decimal with one or two digits after the comma or dot (1,5 or 1.25).",
	Months:                 [12]string{"January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"},

	ThousandsSep: ",",
	DecimalSep:   ".",

	FinalizeBusy:       "Saving…",
	FinalizeConfirm:    "Finalize this interview? It cannot be changed afterwards. y = yes, any other key = cancel",
	FinalizeDone:       "Interview finalized and put in the outbox.",
	FinalizeFixFirst:   "Fix the problems above before finalizing.",
	FinalizeHelp:       "Enter: open question · f: finalize · Esc: back to the interview",
	FinalizeNoProblems: "No problems. Press f to finalize.",
	FinalizeProblems:   "%d problem{s} to fix:",
	FinalizeReadOnly:   "Finalized interview: read-only.",

	ListSearch:     "Search:",
	ListNoMatch:    "No interview matches.",
	ListNotDraft:   "Only a draft can be voided.",
	StateAll:       "All",
	StateDraft:     "Draft",
	StateFinalized: "Final",
	StateSent:      "Sent",
	StateReturned:  "Returned",
	ListEmpty:      "No interviews here yet.",
	ListNotForSync: "⊘ not for sync: made with a form the server did not publish; kept on this laptop.",
	ListWalkIn:     "(walk-in)",

	LangID:       "Bahasa Indonesia",
	LangEN:       "English",
	SettingsForm: "Form language",
	SettingsHint: "←/→ or Space switches. The form language follows the UI language when the form has it.",
	SettingsUI:   "UI language",

	MigrateTitle:    "Form %s has a new version",
	MigrateAsk:      "This draft was started on version %s. Version %s has arrived. Move the draft to the new version? Answers carry over by question name and type; what does not fit is listed and kept in the interview's history.",
	MigrateYes:      "move to version %s",
	MigrateNo:       "keep version %s (any other key too)",
	MigrateDone:     "Moved to version %s: %d answer{s} carried over.",
	MigrateAllFit:   "Every answer fits the new version.",
	MigrateDropped:  "%d answer{s} {does|do} not fit (kept in the interview's history, not silently dropped):",
	MigrateMore:     "… and %d more",
	EntriesAbove:    "↑ %d more above",
	EntriesBelow:    "↓ %d more below",
	MigrateFailed:   "The draft was not moved:",
	MigrateContinue: "Press any key to open the draft.",

	SyncNoLogin:           "Not logged in to a server: sync is off.",
	SyncNoLoginShort:      "not logged in · tracer login URL CODE",
	SyncHowLogin:          "Ask the admin for an enrollment code, then run in a terminal:",
	SyncLoginCmd:          "tracer login URL CODE",
	SyncHowLogin2:         "For example: tracer login http://10.0.0.2:8080 K7QF2M9X. Interviews work without a login; everything is kept on this laptop.",
	SyncChecking:          "checking the server…",
	SyncRunning:           "⇅ syncing…",
	SyncOnline:            "online",
	SyncOffline:           "offline",
	SyncLast:              "last sync",
	SyncNever:             "never",
	SyncServer:            "Server",
	SyncProgress:          "%d/%d sent",
	SyncHint:              "Press Enter to sync now. Sync also runs by itself when the server is reachable.",
	SyncFailed:            "Sync failed:",
	SyncUnreachable:       "The server cannot be reached. Nothing changed on this laptop; try again later.",
	SyncSummary:           "%d pushed new · %d already there · %d refused · %d waiting",
	SyncPulled:            "Pulled: %d form{s}, %d roster row{s}, %d returned interview{s}.",
	SyncRosterGone:        "%d alumn{us|i} no longer assigned to you left this laptop.",
	SyncRelay:             "Safe on two machines: this laptop and the relay of %s; the relay sends them on to the centre when it reaches it.",
	SyncHeld:              "Not for sync: %d interview{s} made with a form the server did not publish (%s). {It stays|They stay} on this laptop and {syncs|sync} once the server publishes exactly that file.",
	SyncReturnedHint:      "Interviews were returned: open them with 5 on the Home screen.",
	SyncOutcomePushed:     "new",
	SyncOutcomeAlready:    "already there",
	SyncOutcomeRefused:    "refused",
	SyncOutcomeLate:       "refused later",
	SyncRefusedLater:      "%d interview{s} the relay took {was|were} refused at the centre. {It stays|They stay} on this laptop and are not sent again; tell your supervisor.",
	SyncRefusedLaterOther: "%d contact attempt{s} or roster update{s} the relay took {was|were} refused at the centre. {It stays|They stay} on this laptop and are not sent again; tell your supervisor.",
	SyncOutcomeWaiting:    "waiting",

	ReviewFilterState:      "State",
	ReviewFilterFlag:       "Flag",
	ReviewFilterEnumerator: "Enumerator",
	ReviewFilterKejuruan:   "Kejuruan",
	ReviewStateReceived:    "received",
	ReviewStateApproved:    "approved",
	ReviewStateReturned:    "returned",
	ReviewStateResubmitted: "resubmitted",
	ReviewHeadState:        "State",
	ReviewHeadRespondent:   "Respondent",
	ReviewHeadEnumerator:   "Enumerator",
	ReviewHeadReceived:     "Received",
	ReviewHeadVia:          "Via",
	ReviewViaLaptop:        "laptop",
	ReviewViaCollect:       "Collect %s",
	ReviewViaWeb:           "web link",
	ReviewHeadFlags:        "Flags",
	ReviewEmpty:            "No interview matches these filters.",
	ReviewCount:            "%d interview{s}",
	ReviewLoading:          "Loading…",
	ReviewReceived:         "Received %s",
	ReviewDuration:         "took %s min",
	ReviewRevisions:        "%d revision{s}",
	ReviewCollect:          "Sent from ODK Collect, device %s",
	ReviewWeb:              "Self-response by the alumnus through a link",
	ReviewMoreFlags:        "… and %d more flag{s}",
	ReviewWas:              "(r%d: %s)",
	ReviewDropped:          "Answers of r%d this correction no longer has",
	ReviewNoForm:           "Form %s version %s, which this interview was made with, is not on this laptop: sync (4 on Home) to pull it. Until then the answers are listed by their names.",
	ReviewIdentity:         "Roster: %s · NIK %s · born %s · %s",
	ReviewLast:             "Last: %s by %s, %s",
	ReviewQuestionComment:  "Comment on this question (Enter keeps, Esc cancels):",
	ReviewComment:          "Why it goes back, for the enumerator (Enter sends, Esc cancels):",
	ReviewConfirm:          "Approve this revision? y = yes, any other key = cancel",
	ReviewNeedComment:      "A return needs a comment.",
	ReviewNotes:            "Question comments that go with the return (x): %d.",
	ReviewNotesLeave:       "%d question comment{s} not sent: {it goes|they go} with a return (x) only. Esc again drops {it|them}.",
	ReviewReturned:         "Returned to the enumerator.",
	ReviewApproved:         "Approved.",

	CoverageTotal:        "Traced %d of %d (%d%%) · approved %d (%d%%)",
	CoverageUnlinked:     "%d interview{s} not on the roster (walk-ins).",
	CoverageEnumerator:   "Enumerators",
	CoverageByKejuruan:   "Kejuruan",
	CoverageByBatch:      "Batch",
	CoverageByFunding:    "Funding",
	CoverageByRegency:    "Regency",
	CoverageRoster:       "Roster",
	CoverageTraced:       "Traced",
	CoverageApproved:     "Approved",
	CoverageLegend:       "█ approved  ▒ traced, not approved  ░ not traced",
	CoverageToday:        "Today = %s",
	CoverageHeadToday:    "Today",
	CoverageHeadTotal:    "Total",
	CoverageHeadApproved: "Approv",
	CoverageHeadReturned: "Return",

	FormsEmpty:          "No form is published yet. Press p to publish an XLSForm.",
	FormsHeadForm:       "Form",
	FormsHeadVersion:    "Version",
	FormsHeadState:      "State",
	FormsHeadPublished:  "Published",
	FormsHeadBy:         "By",
	FormsHeadInterviews: "Interviews",
	FormsOffered:        "offered",
	FormsRetiredState:   "retired",
	FormsPathPrompt:     "Path of the XLSForm file (.xlsx, .xls or .md) to publish (Enter publishes, Esc cancels):",
	FormsPathEmpty:      "Type the file's path first, then Enter (Esc cancels).",
	FormsPublished:      "Published form %s version %s (sha256 %s). Laptops pull it at their next sync.",
	FormsSame:           "Form %s version %s is already published with these bytes: nothing to do.",
	FormsNotLoaded:      "%s does not load and was not published:",
	FormsRefused:        "Not published:",
	FormsPublishFailed:  "%s was not published:",
	FormsRetireConfirm:  "Retire form %s? Laptops stop offering it for new interviews; what was made with it still syncs. y = yes, any other key = cancel",
	FormsRetired:        "Form %s is retired: laptops stop offering it at their next sync.",
	FormsAlreadyRetired: "Form %s is already retired; publishing a new version offers it again.",
	FormsRetireFailed:   "Form %s was not retired:",
	FormsMoreLines:      "  … and %d more line{s}",

	CallsTitle:          "Call list: %d alumn{us|i} not yet interviewed",
	CallsLoading:        "Loading…",
	CallsEmpty:          "Nobody left to call.",
	CallsDue:            "due",
	CallsCallBack:       "call back",
	CallsTries:          "%d tr{y|ies}",
	CallsBestHour:       "best hour %02d:00",
	CallsNumbers:        "Numbers: %s",
	CallsPick:           "Outcome for %s (↑↓ or type its code, enter; esc cancels):",
	CallsChooseFirst:    "Choose the outcome with ↑/↓ or type its code (e.g. 3.13) first, then Enter.",
	CallsNoCode:         "No outcome code begins with %s: choose with ↑/↓ or type the code (e.g. 3.13), then Enter.",
	CallsStartConfirm:   "Start the interview of %s by phone now (recorded as a contact attempt)? i or y = yes, any other key = cancel.",
	CallsStartCancelled: "The interview was not started; nothing was recorded.",
	CallsWhen:           "Call back when? (e.g. 14:30, 14.30, tomorrow 9, +2h, %s 09:00; Ctrl+U clears)",
	CallsSaved:          "Attempt saved.",
	CallsErr:            "Failed: ",
	CallsBadTime:        "Not a time: ",
	CallsPastTime:       "That time has passed: %s. Type a time to come.",
	CallsNoRoster:       "The call list needs the roster and the attempt store.",
	CallsUpdatePick:     "New data for %s, proposed to the supervisor (↑↓, enter; esc cancels):",
	CallsUpdateValue:    "New %s: ",
	CallsProposed:       "Proposal saved; it goes with the next sync and the supervisor decides.",
	CallsProposedOld:    "The same proposal is already there; nothing new saved.",
	UpdateFieldNames:    [4]string{"phone number", "regency or city of domicile", "address", "full name"},
	UpdatesPending:      "Roster updates waiting for a decision: %d",
	UpdatesHistory:      "History of roster updates: %d",
	UpdatesEmpty:        "No updates.",
	UpdatesWas:          "was",
	UpdatesAccepted:     "accepted",
	UpdatesRejected:     "rejected",
	UpdatesPendingWord:  "pending",
	UpdatesDecided:      "The update for %s is %s.",
	UpdatesNeedReason:   "A rejection needs a reason.",
	UpdatesAcceptPrompt: "Accept (reason optional; enter saves, esc cancels): ",
	UpdatesRejectPrompt: "Reject, because (enter saves, esc cancels): ",

	PINTitle:  "Unlock this laptop's data",
	PINPrompt: "Enter the PIN:",
	PINWhy:    "Interview drafts and the alumni's personal data on this laptop are locked with the PIN set at tracer login.",
	PINWrong:  "Wrong PIN (%d in a row). Nothing is lost.",
	PINWait:   "Too many wrong PINs: try again after %s (%d second{s}). Nothing is lost.",
	PINBusy:   "Checking the PIN…",
	PINForgot: "Forgot the PIN? Ask the admin for a new code, then run: tracer login URL CODE. Every draft stays.",
	PINKeys:   "Enter unlock · Esc quit",

	ErrVoid:     "Could not void the draft:",
	ErrFinalize: "Could not finalize:",
	ErrLoad:     "Could not read the data:",
	ErrOpen:     "Could not open the interview:",
	ErrSealed:   "This interview is finalized and sealed for the server: its answers can no longer be read on this laptop.",
	ErrSave:     "NOT SAVED:",
	ErrFull:     "The disk is full: free some disk space, then try again. Answers saved before are kept.",
	HelpTitle:   "Help: every key of this screen",
	HelpClose:   "Press ? or Esc to close.",
	TooSmall:    "Window %dx%d is too small; %dx%d needed.",
	Tracing:     tracingEN,
	Links:       linksEN,
	Address:     addressEN,
	Refused:     refusedEN,
}

// title is the header title of screen s; "" for a screen without one.
func (t *texts) title(s screen) string {
	switch s {
	case screenHome:
		return t.TitleHome
	case screenPicker:
		return t.TitlePicker
	case screenInterview:
		return t.TitleInterview
	case screenJump:
		return t.TitleJump
	case screenReview:
		return t.TitleReview
	case screenList:
		return t.TitleList
	case screenSettings:
		return t.TitleSettings
	case screenSync:
		return t.TitleSync
	case screenQueue:
		return t.TitleQueue
	case screenDetail:
		return t.TitleDetail
	case screenCoverage:
		return t.TitleCoverage
	case screenMigrate:
		return t.TitleMigrate
	case screenCalls:
		return t.TitleCalls
	case screenForms:
		return t.TitleForms
	case screenUpdates:
		return t.TitleUpdates
	case screenTracing:
		return t.Tracing.Title
	case screenLinks:
		return t.Links.Title
	case screenRefused:
		return t.Refused.Screen
	}
	return ""
}

// state names an interview state; "" for one it does not know.
func (t *texts) state(s survey.State) string {
	switch s {
	case survey.StateDraft:
		return t.StateDraft
	case survey.StateFinalized:
		return t.StateFinalized
	case survey.StateSent:
		return t.StateSent
	case survey.StateReturned:
		return t.StateReturned
	}
	return ""
}

// reviewState names a review state; "" for one it does not know.
func (t *texts) reviewState(s survey.ReviewState) string {
	switch s {
	case survey.ReviewReceived:
		return t.ReviewStateReceived
	case survey.ReviewApproved:
		return t.ReviewStateApproved
	case survey.ReviewReturned:
		return t.ReviewStateReturned
	case survey.ReviewResubmitted:
		return t.ReviewStateResubmitted
	}
	return ""
}

// sex names a roster sex code (L, P); "" for another code.
func (t *texts) sex(code string) string {
	switch code {
	case "L":
		return t.SexMale
	case "P":
		return t.SexFemale
	}
	return ""
}

// langName names a UI language by its code; "" for another code.
func (t *texts) langName(code string) string {
	switch code {
	case "id":
		return t.LangID
	case "en":
		return t.LangEN
	}
	return ""
}

// coverageBy names a coverage breakdown (review.CoverageDimensions); the dimension itself
// for one it does not know.
func (t *texts) coverageBy(dim string) string {
	switch dim {
	case "kejuruan":
		return t.CoverageByKejuruan
	case "batch":
		return t.CoverageByBatch
	case "funding":
		return t.CoverageByFunding
	case "regency":
		return t.CoverageByRegency
	}
	return dim
}

// month names month m (1 to 12); "" for another number.
// maskPart names the part of a date or time entry of a layout letter (Y, M, D, h, m).
func (t *texts) maskPart(letter byte) string {
	if i := strings.IndexByte("YMDhm", letter); i >= 0 {
		return t.MaskParts[i]
	}
	return ""
}

func (t *texts) month(m int) string {
	if m < 1 || m > 12 {
		return ""
	}
	return t.Months[m-1]
}
