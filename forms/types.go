package forms

import "strings"

// typeInfo describes a question type the loader knows.
type typeInfo struct {
	kind        Kind
	base        string // canonical type name
	list        bool   // takes a choice list after the type
	unsupported bool   // cannot be captured at a keyboard
	external    bool   // choices come from an attachment
	attachment  bool   // not a question at all: an attachment declaration
}

var typeTable = map[string]typeInfo{
	"text":                      {kind: KindQuestion, base: "text"},
	"tel":                       {kind: KindQuestion, base: "text"},
	"string":                    {kind: KindQuestion, base: "text"},
	"integer":                   {kind: KindQuestion, base: "integer"},
	"int":                       {kind: KindQuestion, base: "integer"},
	"decimal":                   {kind: KindQuestion, base: "decimal"},
	"range":                     {kind: KindQuestion, base: "range"},
	"date":                      {kind: KindQuestion, base: "date"},
	"time":                      {kind: KindQuestion, base: "time"},
	"datetime":                  {kind: KindQuestion, base: "dateTime"},
	"acknowledge":               {kind: KindQuestion, base: "acknowledge"},
	"trigger":                   {kind: KindQuestion, base: "acknowledge"},
	"note":                      {kind: KindNote, base: "note"},
	"calculate":                 {kind: KindCalculate, base: "calculate"},
	"hidden":                    {kind: KindHidden, base: "hidden"},
	"select_one":                {kind: KindQuestion, base: "select_one", list: true},
	"select_multiple":           {kind: KindQuestion, base: "select_multiple", list: true},
	"rank":                      {kind: KindQuestion, base: "rank", list: true},
	"select_one_from_file":      {kind: KindQuestion, base: "select_one", list: true, external: true},
	"select_multiple_from_file": {kind: KindQuestion, base: "select_multiple", list: true, external: true},
	"select_one_external":       {kind: KindQuestion, base: "select_one", list: true, external: true},
	"begin_group":               {kind: KindGroup, base: "begin_group"},
	"end_group":                 {kind: KindGroup, base: "end_group"},
	"begin_repeat":              {kind: KindRepeat, base: "begin_repeat"},
	"end_repeat":                {kind: KindRepeat, base: "end_repeat"},
	// Metadata filled by the device.
	"start":          {kind: KindMeta, base: "start"},
	"end":            {kind: KindMeta, base: "end"},
	"today":          {kind: KindMeta, base: "today"},
	"deviceid":       {kind: KindMeta, base: "deviceid"},
	"imei":           {kind: KindMeta, base: "deviceid"},
	"username":       {kind: KindMeta, base: "username"},
	"email":          {kind: KindMeta, base: "email"},
	"phonenumber":    {kind: KindMeta, base: "phonenumber"},
	"subscriberid":   {kind: KindMeta, base: "subscriberid"},
	"simserial":      {kind: KindMeta, base: "simserial"},
	"audit":          {kind: KindMeta, base: "audit", unsupported: true},
	"start-geopoint": {kind: KindMeta, base: "start-geopoint", unsupported: true},
	// Taken when its trigger question changes (the XForm's odk:setgeopoint there).
	"background-geopoint": {kind: KindMeta, base: "background-geopoint", unsupported: true},
	"instanceid":          {kind: KindMeta, base: "instanceID"},
	// Captured by sensors or pens: they load, but a terminal cannot answer them.
	"image":            {kind: KindQuestion, base: "image", unsupported: true},
	"photo":            {kind: KindQuestion, base: "image", unsupported: true},
	"audio":            {kind: KindQuestion, base: "audio", unsupported: true},
	"background-audio": {kind: KindMeta, base: "background-audio", unsupported: true},
	"video":            {kind: KindQuestion, base: "video", unsupported: true},
	"file":             {kind: KindQuestion, base: "file", unsupported: true},
	"geopoint":         {kind: KindQuestion, base: "geopoint", unsupported: true},
	"gps":              {kind: KindQuestion, base: "geopoint", unsupported: true},
	"location":         {kind: KindQuestion, base: "geopoint", unsupported: true},
	"geotrace":         {kind: KindQuestion, base: "geotrace", unsupported: true},
	"geoshape":         {kind: KindQuestion, base: "geoshape", unsupported: true},
	"barcode":          {kind: KindQuestion, base: "barcode", unsupported: true},
	"signature":        {kind: KindQuestion, base: "image", unsupported: true},
	"osm":              {kind: KindQuestion, base: "osm", unsupported: true},
	"xml-external":     {kind: KindMeta, base: "xml-external", attachment: true},
	"csv-external":     {kind: KindMeta, base: "csv-external", attachment: true},
}

// typeAliases maps the spellings pyxform accepts to the names above.
var typeAliases = map[string]string{
	"begin group":                      "begin_group",
	"end group":                        "end_group",
	"begin repeat":                     "begin_repeat",
	"end repeat":                       "end_repeat",
	"begin_survey":                     "begin_group",
	"select one":                       "select_one",
	"select all that apply":            "select_multiple",
	"select multiple":                  "select_multiple",
	"select_one_from_file":             "select_one_from_file",
	"select one from file":             "select_one_from_file",
	"select multiple from file":        "select_multiple_from_file",
	"select one external":              "select_one_external",
	"add select one prompt using":      "select_one",
	"add select multiple prompt using": "select_multiple",
	"add integer prompt":               "integer",
	"add decimal prompt":               "decimal",
	"add text prompt":                  "text",
	"add date prompt":                  "date",
	"add time prompt":                  "time",
	"add note prompt":                  "note",
	"add image prompt":                 "image",
	"add photo prompt":                 "image",
	"add audio prompt":                 "audio",
	"add video prompt":                 "video",
	"add barcode prompt":               "barcode",
	"add location prompt":              "geopoint",
	"add dateTime prompt":              "datetime",
	"add datetime prompt":              "datetime",
	"add acknowledge prompt":           "acknowledge",
	"q picture":                        "image",
	"decimal-number":                   "decimal",
	"select_one_from_external":         "select_one_external",
}

// parsedType is the type cell of one survey row, taken apart.
type parsedType struct {
	info    typeInfo
	name    string // canonical key into typeTable
	list    string
	orOther bool
}

// parseType takes a type cell apart: "select_one yes_no or_other" -> select_one, yes_no, true
// ("or other" and "or specify other" too).
func parseType(cell string) (parsedType, bool) {
	s := strings.Join(strings.Fields(cell), " ")
	if len(s) > 4 && strings.EqualFold(s[:4], "uri:") {
		s = s[4:]
	}
	low := strings.ToLower(s)
	var pt parsedType
	for _, suffix := range []string{" or_other", " or other", " or specify other"} { // pyxform's three spellings
		if strings.HasSuffix(low, suffix) {
			pt.orOther = true
			s = strings.TrimSpace(s[:len(s)-len(suffix)])
			low = strings.ToLower(s)
			break
		}
	}
	// Longest alias or type that prefixes the cell wins, so "select one from file x.csv"
	// is not read as "select one".
	best := ""
	for k := range typeAliases {
		if (low == k || strings.HasPrefix(low, k+" ")) && len(k) > len(best) {
			best = k
		}
	}
	key := ""
	rest := ""
	if best != "" {
		key = typeAliases[best]
		rest = strings.TrimSpace(s[len(best):])
	} else {
		word, after, _ := strings.Cut(s, " ")
		key = strings.ToLower(word)
		rest = strings.TrimSpace(after)
	}
	info, ok := typeTable[key]
	if !ok {
		return pt, false
	}
	pt.info, pt.name = info, key
	if info.list {
		// Old forms write "select_one from list".
		if l, ok := strings.CutPrefix(rest, "from "); ok {
			rest = strings.TrimSpace(l)
		}
		pt.list = rest
	} else if rest != "" {
		return pt, false
	}
	return pt, true
}
