package forms

import "strings"

// engineTexts are the form engine's own messages to the enumerator in one language, one
// value per language: a misspelt message does not compile, and TestEngineTextsComplete finds
// one left empty. Formats take the arguments their names say.
type engineTexts struct {
	Required, Constraint string
	// Integer, BigInt, Decimal and Ambiguous refuse a number; Range takes the bounds.
	Integer, BigInt, Decimal, Ambiguous, Range string
	Year, MonthYear, Date, Time, DateTime      string
	// Choice and Dup take the choice name, Filtered the choice named for a reader (its
	// label, then its name).
	Choice, Filtered, Dup string
	Ack, Label            string
	// Image, BigImage, Audio and Video name a medium the terminal cannot show.
	Image, BigImage, Audio, Video string
	// NoQuestion, SameName (%s: the paths of the questions of that name), RepeatList,
	// InstanceObject and AnswerType refuse what a headless fill's answers file holds
	// (Session.Fill).
	NoQuestion, SameName, RepeatList, InstanceObject, AnswerType string
}

var indonesianTexts = engineTexts{
	Required:   "Pertanyaan ini wajib dijawab.",
	Constraint: "Jawaban tidak memenuhi aturan pertanyaan ini.",
	Integer:    "Masukkan bilangan bulat, misalnya 6500000 atau 6.500.000.",
	BigInt:     "Bilangan terlalu besar.",
	Decimal:    "Masukkan angka, misalnya 4,5 atau 4.5.",
	Ambiguous:  "Angka ini bisa dibaca dua cara: tulis tanpa pemisah ribuan, dengan satu koma atau titik untuk desimal (1234 atau 1,5).",
	Range:      "Masukkan angka dari %s sampai %s.",
	Year:       "Masukkan tahun, format TTTT.",
	MonthYear:  "Masukkan bulan dan tahun, format TTTT-BB.",
	Date:       "Masukkan tanggal yang ada, format TTTT-BB-HH.",
	Time:       "Masukkan jam dengan format JJ:MM.",
	DateTime:   "Masukkan tanggal dan jam, format TTTT-BB-HHTJJ:MM.",
	Choice:     "Pilihan %q tidak ada dalam daftar.",
	Filtered:   "Pilihan %s tidak berlaku untuk jawaban sebelumnya.",
	Dup:        "Pilihan %q dipilih dua kali.",
	Ack:        "Jawab OK untuk mengonfirmasi.",
	Label:      "Ini judul tabel, bukan pertanyaan: tidak ada jawaban di sini.",
	Image:      "Gambar",
	BigImage:   "Gambar besar",
	Audio:      "Audio",
	Video:      "Video",

	NoQuestion:     "Tidak ada pertanyaan dengan nama ini.",
	SameName:       "Beberapa pertanyaan bernama ini: tulis jalur yang dimaksud (%s).",
	RepeatList:     "Jawaban sebuah pengulangan harus berupa daftar objek, satu per isian.",
	InstanceObject: "Jawaban setiap isian pengulangan harus berupa objek.",
	AnswerType:     "Jawaban berupa teks, angka, true/false, atau daftar teks (untuk pilihan ganda).",
}

var englishTexts = engineTexts{
	Required:   "This question is required.",
	Constraint: "The answer breaks this question's rule.",
	Integer:    "Enter a whole number, such as 6500000 or 6,500,000.",
	BigInt:     "The number is too large.",
	Decimal:    "Enter a number, such as 4.5 or 4,5.",
	Ambiguous:  "This number reads two ways: write it without thousands separators, with one comma or dot for decimals (1234 or 1.5).",
	Range:      "Enter a number from %s to %s.",
	Year:       "Enter a year as YYYY.",
	MonthYear:  "Enter a month and year as YYYY-MM.",
	Date:       "Enter a real date as YYYY-MM-DD.",
	Time:       "Enter a time as HH:MM.",
	DateTime:   "Enter a date and time as YYYY-MM-DDTHH:MM.",
	Choice:     "%q is not one of the choices.",
	Filtered:   "%s does not apply given the earlier answers.",
	Dup:        "%q is chosen twice.",
	Ack:        "Answer OK to acknowledge.",
	Label:      "This is a table header, not a question: it takes no answer.",
	Image:      "Image",
	BigImage:   "Large image",
	Audio:      "Audio",
	Video:      "Video",

	NoQuestion:     "No question has this name.",
	SameName:       "Several questions have this name: give the path of the one meant (%s).",
	RepeatList:     "A repeat's answers must be a list of objects, one per instance.",
	InstanceObject: "Each instance's answers must be an object.",
	AnswerType:     "An answer is a string, a number, true/false, or a list of strings (for a select_multiple).",
}

// texts returns the engine's messages in Options.MessageLang, else in the session's form
// language: Indonesian for a language whose code is id or whose name says Indonesia,
// English otherwise.
func (s *Session) texts() *engineTexts {
	switch s.opt.MessageLang {
	case "id":
		return &indonesianTexts
	case "en":
		return &englishTexts
	}
	if LangCode(s.lang) == "id" || strings.Contains(strings.ToLower(s.lang), "indonesia") {
		return &indonesianTexts
	}
	return &englishTexts
}

// message picks one of the engine's texts: what a parser of typed answers returns to say
// why it refused one.
type message func(*engineTexts) string

// The refusals of the typed-answer parsers.
var (
	msgDecimal   message = func(t *engineTexts) string { return t.Decimal }
	msgAmbiguous message = func(t *engineTexts) string { return t.Ambiguous }
	msgYear      message = func(t *engineTexts) string { return t.Year }
	msgMonthYear message = func(t *engineTexts) string { return t.MonthYear }
	msgDate      message = func(t *engineTexts) string { return t.Date }
)
