package roster

import (
	"cmp"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/xuri/excelize/v2"

	"tracer/forms/workbook"
	"tracer/survey"
)

// Problem is what is wrong with one cell of a roster: Sheet the workbook's sheet ("" in a
// text file), Row as a spreadsheet user counts rows, Column as the file's header names it
// (or "header" for the file as a whole). A warning does not keep the row out.
type Problem struct {
	Sheet   string
	Row     int
	Column  string
	Message string
	Warning bool
}

// String returns "row N: column: reason", or "row N: column: warning: reason" ("sheet S
// row N: ..." in a workbook), with the file's text escaped for a terminal (survey.Printable).
func (p Problem) String() string {
	w := ""
	if p.Warning {
		w = "warning: "
	}
	if p.Row == 0 {
		return fmt.Sprintf("%s: %s%s", survey.Printable(p.Column), w, survey.Printable(p.Message))
	}
	return fmt.Sprintf("%s: %s: %s%s", survey.Printable(where(p.Sheet, p.Row)), survey.Printable(p.Column), w, survey.Printable(p.Message))
}

// field is a Respondent field a roster column can fill.
type field int

const (
	fieldNone field = iota
	fieldRosterID
	fieldNIK
	fieldName
	fieldSex
	fieldBirthDate
	fieldPhone
	fieldEducation
	fieldInstitution
	fieldKejuruan
	fieldProgram
	fieldBatch
	fieldTrainingStart
	fieldTrainingEnd
	fieldBudgetYear
	fieldFunding
	fieldCompletion
	fieldRegency
)

// aliases maps folded header names (see headerKey), English and Indonesian, to fields.
var aliases = map[string]field{}

func init() {
	for f, names := range map[field]string{
		fieldRosterID:      "roster_id id no_peserta nomor_peserta id_peserta kode_peserta participant_id no_induk_peserta",
		fieldNIK:           "nik no_nik nomor_nik no_ktp nomor_ktp ktp nomor_induk_kependudukan national_id",
		fieldName:          "full_name name nama nama_lengkap nama_peserta nama_alumni",
		fieldSex:           "sex gender jenis_kelamin jk l_p kelamin",
		fieldBirthDate:     "birth_date date_of_birth dob tanggal_lahir tgl_lahir tgl_lhr",
		fieldPhone:         "phone_main phone mobile phone_number no_hp nomor_hp hp no_telp no_telepon nomor_telepon telepon telp no_wa nomor_wa whatsapp",
		fieldEducation:     "education pendidikan pendidikan_terakhir",
		fieldInstitution:   "institution lembaga nama_lembaga instansi blk penyelenggara",
		fieldKejuruan:      "kejuruan vocation bidang_kejuruan",
		fieldProgram:       "program_name program nama_program pelatihan nama_pelatihan sub_kejuruan program_pelatihan",
		fieldBatch:         "batch_id batch angkatan gelombang kelas",
		fieldTrainingStart: "training_start_date training_start start_date tanggal_mulai tgl_mulai mulai_pelatihan",
		fieldTrainingEnd:   "training_end_date training_end end_date tanggal_selesai tgl_selesai selesai_pelatihan",
		fieldBudgetYear:    "budget_year tahun_anggaran ta",
		fieldFunding:       "funding funding_source sumber_dana sumber_anggaran",
		fieldCompletion:    "completion status_kelulusan kelulusan hasil_pelatihan",
		fieldRegency:       "domicile_regency regency kabupaten_kota kab_kota kabupaten domisili kode_kabupaten",
	} {
		for _, n := range strings.Fields(names) {
			aliases[n] = f
		}
	}
}

// headerKey folds a header cell for lookup in aliases: "No. HP" -> "no_hp".
func headerKey(s string) string { return strings.ReplaceAll(Fold(s), " ", "_") }

// Parsed is a roster table checked row by row.
type Parsed struct {
	// Respondents are the accepted rows, in file order.
	Respondents []*survey.Respondent
	// Rows holds the row number of each accepted respondent.
	Rows []int
	// Sheets holds the sheet of each accepted respondent ("" in a text file).
	Sheets []string
	// Problems lists rejections and warnings in row order.
	Problems []Problem
	// Rejected counts the rows kept out.
	Rejected int
}

// Parse checks every row of t by the rules of docs/INDICATORS.md (NIK, phone numbers) and the roster's own rules:
// the roster id, the name, the NIK and the kejuruan are required; NIK and the main phone
// number must pass the hard rules (the phone is stored as E.164, the raw text kept);
// dates must be real; a roster id may appear once. Soft findings (a NIK that disagrees
// with the sex or birth date, a NIK or phone number on several rows, a made-up looking
// number) are warnings. In a workbook a cell is judged by what it holds too: a NIK stored
// as a number of 16 or more digits, a phone number stored as a number that lost a leading 0
// which cannot be put back, an error value or a formula without its result refuse the row;
// a mobile number whose 0 is put back, a hidden row, column or sheet are warnings; date cells and
// day numbers count as the workbook's date system does. ref is the date ages are judged at.
// It returns an EINVALID error when the header lacks a name or NIK column.
func Parse(t *Table, ref time.Time) (*Parsed, error) {
	cols := make([]field, len(t.Header))
	seen := map[field]int{}
	var out Parsed
	for i, h := range t.Header {
		f := aliases[headerKey(h)]
		if f != fieldNone {
			if j, dup := seen[f]; dup {
				return nil, survey.Errorf(survey.EINVALID, "header: columns %q and %q mean the same", t.Header[j], h)
			}
			seen[f] = i
		}
		cols[i] = f
	}
	for _, f := range []field{fieldName, fieldNIK} {
		if _, ok := seen[f]; !ok {
			name := map[field]string{fieldName: "name (full_name, Nama)", fieldNIK: "NIK"}[f]
			return nil, survey.Errorf(survey.EINVALID, "header: no %s column", name)
		}
	}
	label := func(f field) string {
		if i, ok := seen[f]; ok {
			return strings.TrimSpace(t.Header[i])
		}
		return "roster_id"
	}
	_, haveID := seen[fieldRosterID]
	if !haveID {
		out.Problems = append(out.Problems, Problem{Sheet: t.HeaderSheet, Row: t.HeaderRow, Column: "header", Message: "no roster id column; the NIK is used as roster id", Warning: true})
	}
	_, haveKejuruan := seen[fieldKejuruan]
	for _, h := range t.HiddenSheets {
		out.Problems = append(out.Problems, Problem{Sheet: h.Sheet, Row: h.HeaderRow, Column: "sheet", Warning: true,
			Message: "hidden in the workbook, read all the same; delete the sheet from the file if its rows are not alumni"})
	}
	for _, h := range t.HiddenColumns {
		col := "column " + columnName(h.Col)
		if h.Header != "" {
			col = h.Header
		}
		out.Problems = append(out.Problems, Problem{Sheet: h.Sheet, Row: h.HeaderRow, Column: col, Warning: true,
			Message: fmt.Sprintf("column %s is hidden in the sheet, read all the same; unhide it to check its values, or delete it if it is not roster data", columnName(h.Col))})
	}

	// The row (its index in t.Rows) where each roster id, NIK and phone number was first seen.
	idRow := map[string]int{}
	nikRow := map[string]int{}
	phoneRow := map[string]int{}
	for ri, row := range t.Rows {
		if blank(row.Cells) {
			continue
		}
		var ps []Problem
		reject := func(f field, format string, args ...any) {
			ps = append(ps, Problem{Sheet: row.Sheet, Row: row.N, Column: label(f), Message: fmt.Sprintf(format, args...)})
		}
		warn := func(f field, format string, args ...any) {
			ps = append(ps, Problem{Sheet: row.Sheet, Row: row.N, Column: label(f), Message: fmt.Sprintf(format, args...), Warning: true})
		}
		r := &survey.Respondent{}
		// The fields whose workbook cell was refused for what it holds (an error value, a
		// formula without its result, a number that lost digits, a day number no date has),
		// so no other problem is told about them.
		var refused map[field]bool
		// The workbook's number cells of the NIK and phone columns, read by their value.
		var nikNumber, phoneNumber *number
		for i, cell := range row.Cells {
			v := cleanSpace(cell)
			if i >= len(cols) {
				if v != "" {
					ps = append(ps, Problem{Sheet: row.Sheet, Row: row.N, Column: t.columnName(row, i), Message: "value outside the header's columns", Warning: true})
				}
				continue
			}
			typ, ref := row.typeOf(i), cellName(t.column(row, i), row.N)
			if cols[i] != fieldNone || strings.TrimSpace(t.Header[i]) != "" {
				if msg := cellFault(typ, ref, v); msg != "" {
					ps = append(ps, Problem{Sheet: row.Sheet, Row: row.N, Column: strings.TrimSpace(t.Header[i]), Message: msg})
					refused = withField(refused, cols[i])
					continue
				}
			}
			numeric := typ.Kind == workbook.Number || typ.Kind == workbook.Date
			switch cols[i] {
			case fieldNIK, fieldPhone, fieldBirthDate, fieldTrainingStart, fieldTrainingEnd: // read below
			default:
				if x, err := strconv.ParseFloat(v, 64); err == nil && numeric && math.Abs(x) >= 1e15 && strings.TrimSpace(t.Header[i]) != "" {
					p := Problem{Sheet: row.Sheet, Row: row.N, Column: strings.TrimSpace(t.Header[i]), Warning: cols[i] != fieldRosterID,
						Message: fmt.Sprintf("stored as a number (cell %s, %s): Excel keeps only 15 digits of a number, so its last digits may be lost; format the column as Text and type the values again", ref, v)}
					ps = append(ps, p)
					if !p.Warning {
						refused = withField(refused, cols[i])
						continue
					}
				}
			}
			switch cols[i] {
			case fieldNIK, fieldPhone:
				if numeric {
					if x, err := strconv.ParseFloat(v, 64); err == nil {
						n := &number{value: x, raw: v, cell: ref}
						if cols[i] == fieldNIK {
							nikNumber = n
						} else {
							phoneNumber = n
						}
					}
				}
			case fieldBirthDate, fieldTrainingStart, fieldTrainingEnd:
				// A date cell, or a day number in a cell formatted General, counted as
				// the workbook counts its days.
				if x, err := strconv.ParseFloat(v, 64); err == nil && numeric {
					iso, ok := serialDate(x, t.Date1904)
					if !ok {
						reject(cols[i], "%s (cell %s) is not a date from 1919 to 2099", v, ref)
						refused = withField(refused, cols[i])
						continue
					}
					v = iso
				}
			case fieldNone:
				if x, err := strconv.ParseFloat(v, 64); err == nil && typ.Kind == workbook.Date {
					if iso, ok := serialDate(x, t.Date1904); ok {
						v = iso // kept as the date Excel shows, not its day number
					}
				}
			}
			switch cols[i] {
			case fieldNone:
				switch {
				case v == "":
				case strings.TrimSpace(t.Header[i]) == "":
					ps = append(ps, Problem{Sheet: row.Sheet, Row: row.N, Column: t.columnName(row, i), Message: "value under a column with no header, not read; give the column a header", Warning: true})
				default:
					if r.Extra == nil {
						r.Extra = map[string]string{}
					}
					r.Extra[strings.TrimSpace(t.Header[i])] = v
				}
			case fieldRosterID:
				r.RosterID = v
			case fieldNIK:
				r.NIK = v
			case fieldName:
				r.Name = v
			case fieldSex:
				r.Sex = v
			case fieldBirthDate:
				r.BirthDate = v
			case fieldPhone:
				r.PhoneRaw = strings.TrimSpace(cell)
			case fieldEducation:
				r.Education = v
			case fieldInstitution:
				r.Institution = v
			case fieldKejuruan:
				r.Kejuruan = v
			case fieldProgram:
				r.ProgramName = v
			case fieldBatch:
				r.BatchID = v
			case fieldTrainingStart:
				r.TrainingStart = v
			case fieldTrainingEnd:
				r.TrainingEnd = v
			case fieldBudgetYear:
				r.BudgetYear = v
			case fieldFunding:
				r.Funding = v
			case fieldCompletion:
				r.Completion = v
			case fieldRegency:
				r.Regency = v
			}
		}

		if row.Hidden {
			ps = append(ps, Problem{Sheet: row.Sheet, Row: row.N, Column: "row", Warning: true,
				Message: "hidden in the sheet, read all the same; delete the row from the file if it is not an alumnus"})
		}

		// Required values.
		switch odd := unusual(r.Name); {
		case refused[fieldName]: // said already
		case r.Name == "":
			reject(fieldName, "required")
		case odd != "":
			warn(fieldName, "unusual characters %s; check the name", odd)
		}
		if i, ok := seen[fieldName]; ok && i < len(row.Cells) && strings.ContainsRune(row.Cells[i], '\u00a0') {
			warn(fieldName, "no-break space replaced by a space")
		}
		if haveKejuruan && r.Kejuruan == "" && !refused[fieldKejuruan] {
			reject(fieldKejuruan, "required")
		}

		// NIK (hard rules, then soft ones below once sex and birth date are known).
		var nik survey.NIK
		if nikNumber != nil {
			if digits, ok := nikNumber.digits(); !ok || len(digits) >= 16 {
				reject(fieldNIK, "NIK stored as a number (cell %s, %s): Excel keeps only 15 digits of a number, so the NIK's last digit may be lost even where it looks right; format the column as Text and type the NIK again", nikNumber.cell, nikNumber.raw)
				refused = withField(refused, fieldNIK)
			} else {
				r.NIK = digits // too short for a NIK: ParseNIK says so
			}
		}
		if refused[fieldNIK] {
			// said already
		} else if r.NIK == "" {
			reject(fieldNIK, "required")
		} else if scientific(r.NIK) {
			reject(fieldNIK, "%q is a number in scientific notation: Excel keeps only 15 digits of a number, so the NIK's last digits are lost; format the column as Text and type the NIKs again", r.NIK)
		} else if n, err := survey.ParseNIK(r.NIK); err != nil {
			msg := survey.ErrorMessage(err)
			if d := survey.NormalizeNIK(r.NIK); len(d) == 16 && strings.HasSuffix(d, "0000") {
				msg += "; a NIK typed as a number in Excel loses its last digit (Excel keeps 15): format the column as Text and type the NIK again"
			}
			reject(fieldNIK, "%s", msg)
		} else {
			nik, r.NIK = n, n.String()
		}
		if !haveID {
			r.RosterID = r.NIK
		}
		switch {
		case refused[fieldRosterID] || refused[fieldNIK] && !haveID: // said already
		case r.RosterID == "" && haveID:
			reject(fieldRosterID, "required")
		case survey.HasHidden(r.RosterID):
			reject(fieldRosterID, "holds a control character")
		}

		if r.Sex != "" {
			if s, ok := parseSex(r.Sex); ok {
				r.Sex = s
			} else {
				reject(fieldSex, "%q is not L or P (laki-laki, perempuan)", r.Sex)
			}
		} else if !nik.IsZero() {
			r.Sex = nik.Sex()
		}

		if r.Completion != "" {
			if c, ok := survey.ParseCompletion(r.Completion); ok {
				r.Completion = c
			} else {
				reject(fieldCompletion, "%q is not pass, finished_not_pass or dropout (lulus, belum kompeten, tidak menyelesaikan)", r.Completion)
			}
		}

		dates := []struct {
			f field
			v *string
		}{{fieldBirthDate, &r.BirthDate}, {fieldTrainingStart, &r.TrainingStart}, {fieldTrainingEnd, &r.TrainingEnd}}
		dateOK := true
		for _, d := range dates {
			if *d.v == "" {
				continue
			}
			iso, err := parseDate(*d.v)
			if err != nil {
				reject(d.f, "%v", err)
				dateOK = false
				continue
			}
			*d.v = iso
		}
		if dateOK && r.TrainingStart != "" && r.TrainingEnd != "" && r.TrainingEnd < r.TrainingStart {
			reject(fieldTrainingEnd, "training ends (%s) before it starts (%s)", r.TrainingEnd, r.TrainingStart)
		}
		if r.Regency != "" {
			if code, err := survey.ParseRegency(r.Regency); err != nil {
				reject(fieldRegency, "%s", strings.TrimSuffix(survey.ErrorMessage(err), "."))
			} else {
				r.Regency = code
			}
		}
		if r.BudgetYear != "" {
			if y, err := strconv.Atoi(r.BudgetYear); err != nil || y < 2000 || y > 2100 {
				reject(fieldBudgetYear, "%q is not a year", r.BudgetYear)
			}
		}

		restored := false // the leading 0 of a phone number stored as a number put back
		if phoneNumber != nil {
			digits, ok := phoneNumber.digits()
			switch {
			case !ok || len(digits) > 15:
				reject(fieldPhone, "stored as a number (cell %s, %s) that is not a phone number's digits: format the column as Text and type the number again", phoneNumber.cell, phoneNumber.raw)
				refused = withField(refused, fieldPhone)
			case strings.HasPrefix(digits, "62"):
				r.PhoneRaw = digits
			case strings.HasPrefix(digits, "8"):
				r.PhoneRaw, restored = "0"+digits, true
			default:
				reject(fieldPhone, "stored as a number (cell %s, %s), which loses the leading 0, and not a mobile number whose 0 can be put back: format the column as Text and type the number again", phoneNumber.cell, digits)
				refused = withField(refused, fieldPhone)
			}
		}
		if r.PhoneRaw != "" && !refused[fieldPhone] {
			e164, kind, err := survey.NormalizePhone(r.PhoneRaw)
			switch {
			case scientific(r.PhoneRaw):
				reject(fieldPhone, "%q is a number in scientific notation, whose digits may be lost: format the column as Text and type the number again", r.PhoneRaw)
			case err != nil && len(twoPhones(r.PhoneRaw)) > 1:
				reject(fieldPhone, "%q holds more than one number: keep the main one here and put the others in another column", r.PhoneRaw)
			case err != nil:
				reject(fieldPhone, "%s", survey.ErrorMessage(err))
			case kind != survey.PhoneMobile:
				reject(fieldPhone, "a landline; the main phone must be a mobile number (08...)")
			default:
				r.Phone = e164
				if restored {
					warn(fieldPhone, "stored as a number (cell %s), which drops the leading 0: read as %s; format the column as Text to keep it", phoneNumber.cell, r.PhoneRaw)
				}
				for _, p := range survey.CheckPhone(e164) {
					warn(fieldPhone, "%s", p.Message)
				}
			}
		}

		// Soft checks of the NIK against the other columns.
		if !nik.IsZero() {
			bd := ""
			if dateOK {
				bd = r.BirthDate
			}
			sex := ""
			if _, ok := parseSex(r.Sex); ok {
				sex = r.Sex
			}
			for _, p := range nik.Check(sex, bd, ref) {
				f := map[string]field{"sex": fieldSex, "birth_date": fieldBirthDate}[p.Field]
				if f == fieldNone {
					f = fieldNIK
				}
				warn(f, "%s", p.Message)
			}
		}
		// The age at the start of training, or at its end when the roster gives no start.
		if b, err := time.Parse(time.DateOnly, r.BirthDate); dateOK && err == nil {
			if s, err := time.Parse(time.DateOnly, r.TrainingStart); err == nil {
				if a := yearsBetween(b, s); a < 15 {
					warn(fieldBirthDate, "aged %d at the start of training, under 15", a)
				}
			} else if e, err := time.Parse(time.DateOnly, r.TrainingEnd); r.TrainingStart == "" && err == nil {
				if a := yearsBetween(b, e); a < 15 {
					warn(fieldBirthDate, "aged %d at the end of training, under 15", a)
				}
			}
		}

		rejected := false
		for _, p := range ps {
			rejected = rejected || !p.Warning
		}
		if !rejected {
			if first, dup := idRow[r.RosterID]; dup {
				ps = append(ps, Problem{Sheet: row.Sheet, Row: row.N, Column: label(fieldRosterID), Message: fmt.Sprintf("duplicate roster id %s, first on %s", r.RosterID, t.Rows[first].Where())})
				rejected = true
			}
		}
		if !rejected {
			idRow[r.RosterID] = ri
			if first, dup := nikRow[r.NIK]; dup {
				warn(fieldNIK, "same NIK as %s; the same person in two batches is fine, else correct it", t.Rows[first].Where())
			} else {
				nikRow[r.NIK] = ri
			}
			if r.Phone != "" {
				if first, dup := phoneRow[r.Phone]; dup {
					warn(fieldPhone, "same number as %s (a shared family phone?)", t.Rows[first].Where())
				} else {
					phoneRow[r.Phone] = ri
				}
			}
			out.Respondents = append(out.Respondents, r)
			out.Rows = append(out.Rows, row.N)
			out.Sheets = append(out.Sheets, row.Sheet)
		} else {
			out.Rejected++
		}
		out.Problems = append(out.Problems, ps...)
	}
	sortProblems(t, out.Problems)
	return &out, nil
}

// sortProblems orders problems as t holds their rows: sheet by sheet, row by row.
func sortProblems(t *Table, ps []Problem) {
	sheet := map[string]int{t.HeaderSheet: 0}
	for _, s := range t.sheets {
		if _, ok := sheet[s]; !ok {
			sheet[s] = len(sheet)
		}
	}
	for _, r := range t.Rows {
		if _, ok := sheet[r.Sheet]; !ok {
			sheet[r.Sheet] = len(sheet)
		}
	}
	slices.SortStableFunc(ps, func(a, b Problem) int {
		return cmp.Or(cmp.Compare(sheet[a.Sheet], sheet[b.Sheet]), cmp.Compare(a.Row, b.Row))
	})
}

// withField returns set with f added, made when nil.
func withField(set map[field]bool, f field) map[field]bool {
	if set == nil {
		set = map[field]bool{}
	}
	set[f] = true
	return set
}

// number is a workbook's number cell: its value, its text in the file and its name (C4).
type number struct {
	value float64
	raw   string
	cell  string
}

// digits returns the number's digits when it is a whole number not below 0.
func (n *number) digits() (string, bool) {
	if n.value < 0 || n.value != math.Trunc(n.value) || math.IsInf(n.value, 0) {
		return "", false
	}
	return strconv.FormatFloat(n.value, 'f', 0, 64), true
}

// cellFault returns why the workbook cell named cell, whose text is v, cannot be read as a
// value, "" when it can: an error value (#N/A, #REF!), typed or a formula's, or a formula
// whose result the file does not hold.
func cellFault(typ workbook.Cell, cell, v string) string {
	switch {
	case typ.Kind == workbook.Error && typ.Formula:
		return fmt.Sprintf("cell %s: its formula gives the error %s, not a value: correct the formula, or type the value", cell, v)
	case typ.Kind == workbook.Error:
		return fmt.Sprintf("cell %s holds the error %s, not a value: type the value", cell, v)
	case typ.Formula && typ.Kind == workbook.Unknown && v == "":
		return fmt.Sprintf("cell %s holds a formula whose result the file does not keep (a program saved it without calculating): open the file in Excel or LibreOffice and save it again", cell)
	}
	return ""
}

// cellName names the cell of column col (1 for A) and row n: "C4".
func cellName(col, n int) string {
	name, err := excelize.CoordinatesToCellName(col, n)
	if err != nil {
		return fmt.Sprintf("R%dC%d", n, col)
	}
	return name
}

// columnName names column col (1 for A): "E".
func columnName(col int) string {
	name, err := excelize.ColumnNumberToName(col)
	if err != nil {
		return strconv.Itoa(col)
	}
	return name
}

// serialDate returns the date of an Excel serial day number x (its time of day left out) as
// YYYY-MM-DD, counted from 1904 when date1904 holds, as that workbook counts. It reports
// false for a day before 1919 or after 2099, as no roster date is.
func serialDate(x float64, date1904 bool) (string, bool) {
	if math.IsNaN(x) || math.IsInf(x, 0) {
		return "", false
	}
	days := math.Floor(x)
	if date1904 {
		days += 1462 // 1904-01-01 is day 1462 of the 1900 date system
	}
	if days < 7000 || days > 73000 {
		return "", false
	}
	return time.Date(1899, 12, 30, 0, 0, 0, 0, time.UTC).AddDate(0, 0, int(days)).Format(time.DateOnly), true
}

// cleanSpace trims a cell and turns runs of white space (no-break spaces included) into one
// space.
func cleanSpace(s string) string {
	return strings.Join(strings.Fields(strings.ReplaceAll(s, "\u00a0", " ")), " ")
}

// twoPhones splits a cell that holds several phone numbers ("0812 3333 4444 / 0857 1111
// 2222", "0812...; 0857...", "0812... atau 0857...") into them, when each is a number.
func twoPhones(s string) []string {
	parts := strings.FieldsFunc(strings.ReplaceAll(strings.ToLower(s), "atau", "/"), func(r rune) bool {
		return r == '/' || r == ';' || r == ',' || r == '&' || r == '|' || r == '\n'
	})
	var out []string
	for _, p := range parts {
		if _, _, err := survey.NormalizePhone(strings.TrimSpace(p)); err != nil {
			return nil
		}
		out = append(out, strings.TrimSpace(p))
	}
	return out
}

// scientific reports whether s is a number in scientific notation, as Excel shows and
// saves as CSV a long number in a cell formatted General (6.47406E+15).
func scientific(s string) bool {
	m, e, ok := strings.Cut(strings.ToUpper(strings.ReplaceAll(s, ",", ".")), "E")
	if !ok || m == "" || e == "" {
		return false
	}
	e = strings.TrimPrefix(strings.TrimPrefix(e, "+"), "-")
	return strings.Trim(m, "0123456789.") == "" && e != "" && strings.Trim(e, "0123456789") == ""
}

// parseSex reads the ways rosters write sex.
func parseSex(s string) (string, bool) {
	switch headerKey(s) {
	case "l", "lk", "laki", "laki_laki", "lakilaki", "pria", "m", "male", "1":
		return survey.SexMale, true
	case "p", "pr", "perempuan", "wanita", "w", "f", "female", "2":
		return survey.SexFemale, true
	}
	return "", false
}

// dateLayouts are the date forms rosters use; day first, as Indonesia writes dates.
var dateLayouts = []string{"2006-01-02", "2006/01/02", "02/01/2006", "2/1/2006", "02-01-2006", "2-1-2006", "02.01.2006", "2.1.2006"}

// parseDate returns s as YYYY-MM-DD. It accepts ISO dates, day-first dates with slashes,
// dashes or dots, dates with the month's name in Bahasa Indonesia or English, whole or
// short ("12 Agustus 2024", "3-Mar-24", "1 Nop 1999"), and Excel serial day numbers (as
// XLSX cells hold dates). A two-digit year is read as Excel reads one: 00-29 are 2000-2029,
// 30-99 are 1930-1999.
func parseDate(s string) (string, error) {
	if n, err := strconv.Atoi(s); err == nil {
		if iso, ok := serialDate(float64(n), false); ok {
			return iso, nil
		}
		return "", fmt.Errorf("%q is not a date", s)
	}
	d := s
	if len(d) > 10 && (d[10] == 'T' || d[10] == ' ') && strings.Contains(d[10:], ":") { // 1991-07-03 00:00:00
		d = d[:10]
	}
	t, ok := dayMonthYear(d)
	if !ok {
		for _, l := range dateLayouts {
			if pt, err := time.Parse(l, d); err == nil {
				t, ok = pt, true
				break
			}
		}
	}
	if !ok {
		return "", fmt.Errorf("%q is not a real date (use YYYY-MM-DD, DD/MM/YYYY or 12 Agustus 2024)", s)
	}
	if t.Year() < 1900 || t.Year() > 2100 {
		return "", fmt.Errorf("%q is not a plausible date", s)
	}
	return t.Format(time.DateOnly), nil
}

// months maps the names of months, whole and short, in Bahasa Indonesia and English (folded)
// to their numbers.
var months = map[string]time.Month{}

func init() {
	for i, names := range []string{
		"januari january jan", "februari pebruari february feb peb", "maret march mar",
		"april apr", "mei may", "juni june jun", "juli july jul",
		"agustus august agu agt ags aug", "september sept sep", "oktober october okt oct",
		"november nopember nov nop", "desember december des dec",
	} {
		for _, n := range strings.Fields(names) {
			months[n] = time.Month(i + 1)
		}
	}
}

// dayMonthYear reads a day, a month and a year separated by spaces, dashes, slashes or dots,
// the month a number or a name ("12 Agustus 2024", "3-Mar-24", "01-01-96"), the year of two
// or four digits. It reports false for anything else, and for a day the month does not have.
func dayMonthYear(s string) (time.Time, bool) {
	parts := strings.FieldsFunc(strings.ToLower(s), func(r rune) bool {
		return r == ' ' || r == '-' || r == '/' || r == '.' || r == ','
	})
	if len(parts) != 3 {
		return time.Time{}, false
	}
	day, err := strconv.Atoi(parts[0])
	if err != nil || len(parts[0]) > 2 {
		return time.Time{}, false
	}
	month, named := months[parts[1]]
	if !named {
		m, err := strconv.Atoi(parts[1])
		if err != nil || len(parts[1]) > 2 || len(parts[2]) != 2 {
			return time.Time{}, false // numeric months with a four-digit year: dateLayouts
		}
		month = time.Month(m)
	}
	year, err := strconv.Atoi(parts[2])
	switch {
	case err != nil:
		return time.Time{}, false
	case len(parts[2]) == 2 && year < 30:
		year += 2000
	case len(parts[2]) == 2:
		year += 1900
	case len(parts[2]) != 4:
		return time.Time{}, false
	}
	if month < 1 || month > 12 || day < 1 {
		return time.Time{}, false
	}
	t := time.Date(year, month, day, 0, 0, 0, 0, time.UTC)
	if t.Day() != day { // 31 April
		return time.Time{}, false
	}
	return t, true
}

// yearsBetween returns the completed years from a to b.
func yearsBetween(a, b time.Time) int {
	y := b.Year() - a.Year()
	if b.Month() < a.Month() || (b.Month() == a.Month() && b.Day() < a.Day()) {
		y--
	}
	return y
}

// unusual returns the distinct characters of a name that names do not usually hold
// (anything but letters, marks, spaces, apostrophes, periods, commas and hyphens), quoted.
func unusual(name string) string {
	var odd []string
	for _, r := range name {
		if unicode.IsLetter(r) || unicode.IsMark(r) || strings.ContainsRune(" '’.,-", r) {
			continue
		}
		if q := strconv.QuoteRune(r); !slices.Contains(odd, q) {
			odd = append(odd, q)
		}
	}
	return strings.Join(odd, " ")
}
