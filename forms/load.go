package forms

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"html"
	"io"
	"maps"
	"math"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"tracer/forms/expr"
	"tracer/forms/workbook"
)

// Load reads and compiles the form in path: an .xlsx or .xls XLSForm, or an XLSForm written as
// Markdown tables (.md). A form with errors does not load: the error is a *LoadError listing
// every problem found, each naming the file, sheet, cell and cause.
func Load(path string) (*Form, error) { return LoadContext(context.Background(), path) }

// LoadContext is Load that stops when ctx is cancelled. A file larger than
// workbook.DefaultLimits allows is refused before it is read.
func LoadContext(ctx context.Context, path string) (*Form, error) {
	fh, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer fh.Close()
	max := workbook.DefaultLimits.FileBytes
	data, err := io.ReadAll(io.LimitReader(fh, max+1))
	if err != nil {
		return nil, err
	}
	if int64(len(data)) > max {
		lim := &workbook.LimitError{Limit: "file size", Max: max}
		return nil, &LoadError{File: path, Issues: []*Issue{{File: path, col: -1, Msg: lim.Error()}}}
	}
	if strings.EqualFold(filepath.Ext(path), ".zip") {
		return ParseContext(ctx, path, data)
	}
	f, err := parse(ctx, path, data, dirSource(path))
	if err != nil || len(f.Attachments) == 0 {
		return f, err
	}
	base := filepath.Base(path)
	if f.bundle, err = writeBundle(base, data, f.Attachments); err != nil {
		return nil, err
	}
	f.bundleName = strings.TrimSuffix(base, filepath.Ext(base)) + ".zip"
	f.Hash = attachmentsHash(f.bundle)
	f.nameVersion()
	return f, nil
}

// Parse compiles a form from the bytes of a file; name's extension says the format and name
// is used in messages. A .zip is a bundle of a form and the files it reads (see Bundle);
// any other form file is read without attachments.
func Parse(name string, data []byte) (*Form, error) {
	return ParseContext(context.Background(), name, data)
}

// ParseContext is Parse that stops when ctx is cancelled. An .xlsx workbook is read within
// workbook.DefaultLimits: one over a limit is refused with a message naming the limit.
func ParseContext(ctx context.Context, name string, data []byte) (*Form, error) {
	if !strings.EqualFold(filepath.Ext(name), ".zip") {
		return parse(ctx, name, data, nil)
	}
	formName, form, files, err := openBundle(data)
	if err != nil {
		return nil, &LoadError{File: name, Issues: []*Issue{{File: name, col: -1, Msg: err.Error()}}}
	}
	f, err := parse(ctx, name+": "+formName, form, files)
	if err != nil {
		return nil, err
	}
	f.Hash = attachmentsHash(data)
	f.nameVersion()
	f.Source = name
	// The bundle is published under its file name, never the folders of a path it was
	// loaded from.
	f.bundleName, f.bundle = filepath.Base(name), data
	return f, nil
}

func parse(ctx context.Context, name string, data []byte, files fileSource) (*Form, error) {
	var tables map[string]*table
	var err error
	switch strings.ToLower(filepath.Ext(name)) {
	case ".xlsx", ".xlsm", ".xls":
		tables, err = readWorkbook(ctx, data)
	case ".md", ".markdown":
		tables, err = readMarkdown(data)
	default:
		return nil, &LoadError{File: name, Issues: []*Issue{{File: name, col: -1,
			Msg: fmt.Sprintf("unknown form format %q: give an XLSForm as .xlsx, .xls or .md (or a .zip bundle of one and its files)", filepath.Ext(name))}}}
	}
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return nil, err
	}
	if err != nil {
		return nil, &LoadError{File: name, Issues: []*Issue{{File: name, col: -1, Msg: err.Error()}}}
	}
	sum := sha256.Sum256(data)
	c := &compiler{file: name, tables: tables, files: files}
	f := c.compile()
	if len(c.issues) > 0 {
		return nil, &LoadError{File: name, Issues: c.issues}
	}
	f.Hash = hex.EncodeToString(sum[:])
	f.Source = name
	f.nameVersion()
	return f, nil
}

type compiler struct {
	rows   []rowSource
	file   string
	tables map[string]*table
	form   *Form
	issues []*Issue
	names  map[string][]*Node // every node by name (names may repeat in different groups)
	files  fileSource         // the form's attachments, nil when it was given without them
	// plainSurvey says the survey sheet has an untranslated label or hint column beside
	// translated ones: pyxform's language "default", its default language unless the
	// settings name another.
	plainSurvey bool
}

func (c *compiler) errorf(t *table, r row, col string, format string, args ...any) {
	c.issues = append(c.issues, c.issue(t, r, col, format, args...))
}

func (c *compiler) warnf(t *table, r row, col string, format string, args ...any) {
	c.form.Warnings = append(c.form.Warnings, c.issue(t, r, col, format, args...))
}

func (c *compiler) issue(t *table, r row, col string, format string, args ...any) *Issue {
	is := &Issue{File: c.file, Row: r.num, Column: col, col: -1, Msg: fmt.Sprintf(format, args...)}
	if t != nil {
		is.Sheet, is.md = t.name, t.md
		if col != "" {
			is.col = t.colIndex(col)
		}
	}
	return is
}

func (c *compiler) compile() *Form {
	f := &Form{Lists: make(map[string]*ChoiceList), byName: make(map[string]*Node), paths: make(map[*expr.PathNode]*Node), pathTop: make(map[*expr.PathNode]*Node), filters: make(map[*expr.PathNode][]pathFilter), rootAttrs: make(map[*expr.PathNode]string)}
	c.form = f
	c.names = make(map[string][]*Node)
	survey := c.tables["survey"]
	if survey == nil {
		c.issues = append(c.issues, &Issue{File: c.file, col: -1, Msg: "no sheet named survey: an XLSForm needs survey and, for selects, choices sheets"})
		return f
	}
	c.languages(survey)
	c.misspeltColumns(survey)
	c.translationGaps(survey, surveyTranslatable)
	if t := c.tables["choices"]; t != nil {
		c.translationGaps(t, choicesTranslatable)
	} else if t := c.tables["select_choices"]; t != nil {
		c.translationGaps(t, choicesTranslatable)
	}
	c.settings()
	c.unsupportedFeatures(survey)
	c.choices()
	c.attachments(survey)
	if len(c.issues) > 0 {
		return f
	}
	c.survey(survey)
	if len(c.issues) > 0 {
		return f
	}
	c.expressions(survey)
	if len(c.issues) > 0 {
		return f
	}
	c.graph(survey)
	c.bindRefs()
	f.itext = usesItext(f)
	for _, l := range f.Lists {
		l.itext = l.File == "" && listUsesItext(l)
		for _, ch := range l.Choices {
			ch.itext = l.itext
		}
	}
	c.unlabelledLists()
	return f
}

// unlabelledLists refuses a choice list, used by a select, whose first choice has no label
// in a form whose texts are not itext: pyxform writes the item without a label element, and
// ODK Collect refuses to open the form ("<label> node for itemset doesn't exist", which
// JavaRosa checks on the list's first item).
func (c *compiler) unlabelledLists() {
	f := c.form
	t := c.tables["choices"]
	if t == nil {
		t = c.tables["select_choices"]
	}
	used := map[string]bool{}
	for _, n := range f.Nodes {
		if n.ListName != "" && !n.Unsupported {
			used[n.ListName] = true
		}
	}
	for _, name := range slices.Sorted(maps.Keys(used)) {
		l := f.Lists[name]
		if l == nil || l.File != "" || l.itext || len(l.Choices) == 0 || t == nil {
			continue
		}
		if first := l.Choices[0]; first.Row > 0 && first.Label.In("", f.Languages) == "" && len(first.Media) == 0 {
			c.errorf(t, row{num: first.Row}, "label", "choice %q, the first of list %s, has no label: ODK Collect refuses such a form (the list's items then have no label); give it one", first.Name, name)
		}
	}
}

// bindRefs resolves the ${name} references of every expression to their nodes, once: a
// session then reads a reference by the node's index (env.Bound) instead of looking its
// name up at each evaluation. A name the form does not have stays unbound and reads empty,
// as Ref reads it.
func (c *compiler) bindRefs() {
	f := c.form
	id := func(name string) (int, bool) {
		if n := f.byName[name]; n != nil {
			return n.Index, true
		}
		return 0, false
	}
	f.eachExpr(func(x *expr.Expr) { x.BindRefs(id) })
}

// eachExpr calls fn for every expression of the form: the instance name and each node's
// relevance, constraint, calculation, choice filter (as written and as the predicate the
// session evaluates), repeat count, default, required and read-only conditions.
func (f *Form) eachExpr(fn func(*expr.Expr)) {
	if f.InstanceName != nil {
		fn(f.InstanceName)
	}
	for _, n := range f.Nodes {
		for _, x := range []*expr.Expr{n.Relevant, n.Constraint, n.Calculation, n.ChoiceFilter, n.filter,
			n.RepeatCount, n.Default, n.RequiredIf, n.ReadOnlyIf, n.seed} {
			if x != nil {
				fn(x)
			}
		}
	}
}

// languages collects the form's languages from the translated columns of survey and choices.
func (c *compiler) languages(survey *table) {
	seen := map[string]bool{}
	untranslated := false
	for _, t := range []*table{survey, c.tables["choices"]} {
		if t == nil {
			continue
		}
		for _, h := range t.header {
			base, lang, ok := strings.Cut(h, "::")
			if !translatable[base] {
				continue
			}
			if !ok {
				if base == "label" || base == "hint" {
					untranslated = true
					c.plainSurvey = c.plainSurvey || t == survey
				}
				continue
			}
			if !seen[lang] {
				seen[lang] = true
				c.form.Languages = append(c.form.Languages, lang)
			}
		}
	}
	var uncoded []string
	for _, l := range c.form.Languages {
		if m := langCode.FindStringSubmatch(l); len(l) >= 3 && (m == nil || !langSubtag.MatchString(m[1])) {
			uncoded = append(uncoded, fmt.Sprintf("%q", l))
		}
	}
	if len(uncoded) > 0 {
		what := "the language " + uncoded[0] + " has"
		if len(uncoded) > 1 {
			what = "the languages " + strings.Join(uncoded, ", ") + " have"
		}
		c.warnf(survey, row{}, "", "%s no language code in brackets, as pyxform warns: write Bahasa Indonesia (id), English (en), so that software reading the form knows each language", what)
	}
	if len(c.form.Languages) == 0 || untranslated {
		c.form.Languages = append(c.form.Languages, "")
	}
}

// langCode is the code that ends a language's name, English (en); langSubtag what pyxform
// takes as one, an IANA language subtag (approximated as two or three small letters).
var (
	langCode   = regexp.MustCompile(`\((.*)\)$`)
	langSubtag = regexp.MustCompile(`^[a-z]{2,3}$`)
)

// The columns pyxform translates, on the survey and the choices sheet.
var (
	surveyTranslatable  = []string{"label", "hint", "guidance_hint", "constraint_message", "required_message", "image", "big-image", "audio", "video"}
	choicesTranslatable = []string{"label", "image", "big-image", "audio", "video"}
)

// translationGaps warns, as pyxform does, of a language of sheet t (the untranslated
// columns being the language "default") that lacks a column of cols another language has:
// with hint::English (en) and no hint::Bahasa Indonesia (id), pyxform writes "-" as the
// Indonesian hint of every question with an English one, and ODK shows that dash; tracer
// shows the English hint there.
// surveyColumns are the survey sheet's columns that change what a question does; a column
// named almost as one of them (relevent, calculaton, constriant::English) is a misspelling
// that would be ignored.
var surveyColumns = []string{"type", "name", "label", "hint", "required", "required_message",
	"relevant", "constraint", "constraint_message", "calculation", "choice_filter", "appearance",
	"read_only", "default", "repeat_count", "parameters", "trigger", "guidance_hint"}

// misspeltColumns warns of each column of survey sheet t that is not an XLSForm column but
// is one or two letters from one, on the first row that fills it: its cells are ignored, as
// pyxform passes unknown columns over, so a relevance typed under "relevent" never applies.
func (c *compiler) misspeltColumns(t *table) {
	for i, h := range t.header {
		base, _, _ := strings.Cut(h, "::")
		base = foldName(base)
		if base == "" || knownColumns[base] || strings.Contains(base, ":") {
			continue
		}
		var near string
		for _, k := range surveyColumns {
			limit := 2
			if len(k) <= 5 {
				limit = 1
			}
			if d := editDistance(base, k); d > 0 && d <= limit {
				near = k
				break
			}
		}
		if near == "" {
			continue
		}
		for _, r := range t.rows {
			if i < len(r.cells) && strings.TrimSpace(r.cells[i]) != "" {
				c.warnf(t, r, h, "column %q is no XLSForm column, so its cells are ignored: did you mean %s?", h, near)
				break
			}
		}
	}
}

// nearType returns the question type the first word of an unknown type cell is one or
// two letters from (intger, selct_one, begin_gruop), or "".
func nearType(cell string) string {
	word, _, _ := strings.Cut(strings.ToLower(strings.TrimSpace(cell)), " ")
	best, bestD := "", 3
	for k := range typeTable {
		limit := 2
		if len(k) <= 5 {
			limit = 1
		}
		if d := editDistance(word, k); d > 0 && d <= limit && (d < bestD || d == bestD && k < best) {
			best, bestD = k, d
		}
	}
	return best
}

// editDistance is the number of letters to insert, delete, change or swap with the next
// one to make b of a (the optimal string alignment distance), in bytes: column names are
// ASCII.
func editDistance(a, b string) int {
	d := make([][]int, len(a)+1)
	for i := range d {
		d[i] = make([]int, len(b)+1)
		d[i][0] = i
	}
	for j := range d[0] {
		d[0][j] = j
	}
	for i := 1; i <= len(a); i++ {
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			d[i][j] = min(d[i-1][j]+1, d[i][j-1]+1, d[i-1][j-1]+cost)
			if i > 1 && j > 1 && a[i-1] == b[j-2] && a[i-2] == b[j-1] {
				d[i][j] = min(d[i][j], d[i-2][j-2]+1)
			}
		}
	}
	return d[len(a)][len(b)]
}

func (c *compiler) translationGaps(t *table, cols []string) {
	var langs []string
	has := map[string]map[string]string{} // language -> column kind -> the header naming it
	kinds := map[string]string{}          // column kind -> a header naming it
	for _, h := range t.header {
		kind, lang, ok := mediaColumn(h)
		if !ok {
			kind, lang, _ = strings.Cut(h, "::")
			if !slices.Contains(cols, kind) {
				continue
			}
		}
		if has[lang] == nil {
			has[lang] = map[string]string{}
			langs = append(langs, lang)
		}
		has[lang][kind] = h
		if kinds[kind] == "" {
			kinds[kind] = h
		}
	}
	if len(langs) == 0 || len(langs) == 1 && langs[0] == "" {
		return
	}
	for _, lang := range langs {
		var missing, other []string
		for _, kind := range cols {
			if kinds[kind] != "" && has[lang][kind] == "" {
				missing = append(missing, kind)
				for _, l := range langs {
					if h := has[l][kind]; h != "" {
						other = append(other, h)
						break
					}
				}
			}
		}
		if len(missing) == 0 {
			continue
		}
		name := fmt.Sprintf("language %q has", lang)
		if lang == "" {
			name = "the untranslated columns (language \"default\") have"
		}
		what := "no " + missing[0] + " column"
		if len(missing) > 1 {
			what = "no " + strings.Join(missing, ", ") + " columns"
		}
		effect := "ODK shows \"-\" for each such text (pyxform fills the gap with it), tracer the other language's text"
		if !slices.ContainsFunc(missing, func(k string) bool { _, _, media := mediaColumn(k); return !media }) {
			effect = "ODK shows no media file there"
		}
		c.warnf(t, row{}, "", "%s %s on the %s sheet, where another language has one (%s): %s", name, what, t.name, strings.Join(other, ", "), effect)
	}
}

// unsupportedFeatures warns of what pyxform compiles for ODK Central and ODK Collect and
// tracer does not do, so that nobody counts on it: entities (the entities sheet, save_to
// columns) and encryption (public_key).
func (c *compiler) unsupportedFeatures(survey *table) {
	if t := c.tables["entities"]; t != nil && len(t.rows) > 0 {
		c.warnf(t, t.rows[0], "", "the entities sheet is not supported: the form's interviews create or update no entity (ODK Central's entity lists); the rest of the form runs")
	}
	if i := survey.colIndex("save_to"); i >= 0 {
		for _, r := range survey.rows {
			if i < len(r.cells) && strings.TrimSpace(r.cells[i]) != "" {
				c.warnf(survey, r, "save_to", "save_to saves an answer to an entity, which tracer does not support: the answer is kept in the interview only")
				break
			}
		}
	}
	if t := c.tables["settings"]; t != nil && len(t.rows) > 0 && t.get(t.rows[0], "public_key") != "" {
		c.warnf(t, t.rows[0], "public_key", "public_key: tracer does not encrypt interviews with the form's key (ODK Collect does); they are kept and sent as every interview is")
	}
}

func (c *compiler) settings() {
	f := c.form
	t := c.tables["settings"]
	if t != nil && len(t.rows) > 0 {
		r := t.rows[0]
		if name := t.get(r, "name"); name != "" && !isXMLName(name) {
			// pyxform names the XForm's root with it, so it must be an XML name.
			c.errorf(t, r, "name", "the form's name %q is not allowed: start with a letter or _, then letters, digits, _ - or . (a namespace prefix, prefix:name, may come first)", name)
		}
		f.Namespaces = parseNamespaces(t.get(r, "namespaces"))
		f.Title = t.get(r, "form_title")
		f.ID = t.get(r, "form_id")
		f.Version = t.get(r, "version")
		if dl := t.get(r, "default_language"); dl != "" {
			if l, ok := f.MatchLang(dl); ok && l != "" {
				f.DefaultLang = l
			} else if dl != "default" {
				c.warnf(t, r, "default_language", "default_language %q is not one of the form's languages (%s)", dl, langList(f.Languages))
			}
		}
		if in := t.get(r, "instance_name"); in != "" {
			f.InstanceName = c.parseExpr(t, r, "instance_name", in)
		}
	}
	if f.DefaultLang == "" && (!c.plainSurvey || !slices.Contains(f.Languages, "")) {
		// Without a default_language, pyxform's default is "default", the untranslated
		// columns, when the survey sheet has them; otherwise ODK opens the first language.
		f.DefaultLang = f.Languages[0]
	}
	if f.ID == "" {
		base := filepath.Base(c.file)
		f.ID = strings.TrimSuffix(base, filepath.Ext(base))
	}
	f.VersionFromContent = f.Version == ""
	if f.Title == "" {
		f.Title = f.ID
	}
}

// nameVersion gives a form whose settings name no version one from its hash. Interviews
// are kept by form and version, so a form needs one to be published and filled; as
// KoboToolbox does for such a form, the version is named from the content: the same form
// is the same version wherever it is loaded (the server, a laptop, an export), from a file
// with its attachments beside it or from the bundle publishing sent, and a changed form is
// a new version (where ODK Central refuses it for repeating its empty version).
func (f *Form) nameVersion() {
	if f.VersionFromContent {
		f.Version = f.Hash[:10]
	}
}

func langList(langs []string) string {
	out := make([]string, len(langs))
	for i, l := range langs {
		if l == "" {
			l = "default"
		}
		out[i] = l
	}
	return strings.Join(out, ", ")
}

// choiceColumnHint names a column of the choices sheet t that looks meant to hold what
// (the choice's list name, its name) under one of names, which pyxform does not read so,
// saying which columns it reads (accepted); "" when t has none of them.
func choiceColumnHint(t *table, what, accepted string, names ...string) string {
	for _, h := range t.header {
		if slices.Contains(names, foldName(h)) {
			return fmt.Sprintf(" (%q is not one: pyxform reads the choice's %s only from a column named %s; rename it)", h, what, accepted)
		}
	}
	return ""
}

func (c *compiler) choices() {
	for _, key := range []string{"choices", "select_choices"} {
		t := c.tables[key]
		if t == nil {
			continue
		}
		if len(t.rows) == 0 {
			continue
		}
		if t.colIndex("list_name") < 0 {
			c.errorf(t, row{}, "", "the %s sheet has no list_name column%s", t.name, choiceColumnHint(t, "list name", "list_name or list name", "list", "listname", "list_id"))
			return
		}
		if t.colIndex("name") < 0 {
			c.errorf(t, row{}, "", "the %s sheet has no name column%s", t.name, choiceColumnHint(t, "name", "name or value", "option", "choice", "code", "id", "choice_name"))
			return
		}
		allowDup := false
		if st := c.tables["settings"]; st != nil && len(st.rows) > 0 {
			allowDup = strings.EqualFold(st.get(st.rows[0], "allow_choice_duplicates"), "yes")
		}
		for _, r := range t.rows {
			listName := t.get(r, "list_name")
			if listName == "" {
				continue
			}
			name := t.get(r, "name")
			if name == "" {
				c.errorf(t, r, "name", "choice in list %s has no name", listName)
				continue
			}
			l := c.form.Lists[listName]
			if l == nil {
				l = &ChoiceList{Name: listName, byName: make(map[string]*Choice)}
				c.form.Lists[listName] = l
			}
			if prev := l.byName[name]; prev != nil && !allowDup {
				// pyxform refuses it without the setting: the answers could not be told apart.
				c.errorf(t, r, "name", "choice %q appears twice in list %s (first on row %d): give each choice its own name, or set allow_choice_duplicates to yes on the settings sheet if a choice filter tells them apart", name, listName, prev.Row)
			}
			ch := &Choice{Name: name, Label: make(Text), Row: r.num}
			for i, h := range t.header {
				if h == "" || i >= len(r.cells) {
					continue
				}
				v := strings.TrimSpace(r.cells[i])
				base, lang, translated := strings.Cut(h, "::")
				switch {
				case base == "label" && translated:
					ch.Label[lang] = v
				case base == "label":
					ch.Label[""] = v
				case isMedia(h):
					if v != "" {
						if ch.Media == nil {
							ch.Media = make(map[string]string)
						}
						ch.Media[h] = v
					}
				case h == "list_name" || h == "name" || translatable[base]:
				default:
					if ch.Extra == nil {
						ch.Extra = make(map[string]string)
					}
					ch.Extra[h] = v
					if !contains(l.Columns, h) {
						l.Columns = append(l.Columns, h)
					}
				}
			}
			l.Choices = append(l.Choices, ch)
			ch.pos = len(l.Choices)
			if l.byName[name] == nil {
				l.byName[name] = ch
			}
		}
	}
}

// mediaColumn takes a media column name apart: "image::English (en)" and
// "media::image::english_(en)" give image and the language; ok is false for other columns.
func mediaColumn(h string) (form, lang string, ok bool) {
	form, lang, _ = strings.Cut(strings.TrimPrefix(h, "media::"), "::")
	switch form {
	case "image", "big-image", "audio", "video":
		return form, lang, true
	}
	return "", "", false
}

// isMedia reports whether column h names a media file.
func isMedia(h string) bool {
	_, _, ok := mediaColumn(h)
	return ok
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// parseNamespaces reads the settings' namespaces cell as pyxform reads it: prefix="uri"
// pairs separated by spaces; a pair without "=" or without a prefix is left out, and so is a
// prefix the XForm declares already (h, jr, odk, orx, ev, xsd).
func parseNamespaces(cell string) []Namespace {
	var out []Namespace
	for _, part := range strings.Fields(cell) {
		p, uri, ok := strings.Cut(part, "=")
		if !ok || p == "" || strings.Contains(uri, "=") || builtinPrefixes[p] {
			continue
		}
		uri = strings.NewReplacer(`"`, "", "'", "").Replace(uri)
		if !slices.ContainsFunc(out, func(n Namespace) bool { return n.Prefix == p }) {
			out = append(out, Namespace{p, uri})
		}
	}
	return out
}

// builtinPrefixes are the namespace prefixes every XForm pyxform (and tracer) writes declares.
var builtinPrefixes = map[string]bool{"h": true, "jr": true, "odk": true, "orx": true, "ev": true, "xsd": true}

// namePrefix warns of a name whose namespace prefix the form does not declare: pyxform
// writes it so, and ODK Collect refuses the XForm (its XML parser finds an undefined prefix).
func (c *compiler) namePrefix(t *table, r row, name string) {
	prefix, _, ok := strings.Cut(name, ":")
	if !ok || builtinPrefixes[prefix] || slices.ContainsFunc(c.form.Namespaces, func(n Namespace) bool { return n.Prefix == prefix }) {
		return
	}
	c.warnf(t, r, "name", "name %q has the namespace prefix %q, which the settings sheet's namespaces column does not declare (%s=\"URI\"): ODK Collect refuses such a form", name, prefix, prefix)
}

// isXMLName reports whether name is what XLSForm allows as a name: an XML element name,
// which may carry one namespace prefix (esri:code), as pyxform allows it.
func isXMLName(name string) bool { return expr.IsName(name) }

// rowSource remembers where a node came from, for messages after the first pass.
type rowSource struct {
	r    row
	node *Node
	// relevant is set for a node the loader made itself (or_other's text question): its
	// relevance, and the row's cells are not its own.
	relevant string
	// search is the choice filter a search() appearance stands for (see search.go).
	search string
}

func (c *compiler) survey(t *table) {
	f := c.form
	if len(t.header) == 0 && len(t.rows) == 0 {
		c.errorf(t, row{}, "", "the form is empty: the survey sheet has nothing on it")
		return
	}
	if t.colIndex("type") < 0 {
		c.errorf(t, row{}, "", "the survey sheet has no type column")
		return
	}
	f.Root = &Node{Name: XFormRoot, Type: "root", Kind: KindGroup}
	if st := c.tables["settings"]; st != nil && len(st.rows) > 0 {
		if name := st.get(st.rows[0], "name"); name != "" && isXMLName(name) {
			f.Root.Name = name // pyxform names the XForm's root with it
		}
	}
	stack := []*Node{f.Root}
	begins := []row{{}}
	listUse := map[string][]listUser{}
	c.rows = nil
	for _, r := range t.rows {
		typeCell := t.get(r, "type")
		name := t.get(r, "name")
		if typeCell == "" {
			if name != "" || t.get(r, "label") != "" {
				c.errorf(t, r, "type", "row has no type (question %q)", name)
			}
			continue
		}
		pt, ok := parseType(typeCell)
		if !ok {
			if near := nearType(typeCell); near != "" {
				c.errorf(t, r, "type", "unknown question type %q: did you mean %s?", typeCell, near)
			} else {
				c.errorf(t, r, "type", "unknown question type %q", typeCell)
			}
			continue
		}
		switch pt.info.base {
		case "end_group", "end_repeat":
			top := stack[len(stack)-1]
			want := KindGroup
			if pt.info.base == "end_repeat" {
				want = KindRepeat
			}
			if len(stack) == 1 {
				c.errorf(t, r, "type", "%s without a matching begin", typeCell)
				continue
			}
			if top.Kind != want {
				c.errorf(t, r, "type", "%s closes %s %q begun on row %d", typeCell, kindWord(top.Kind), top.Name, top.Row)
			}
			stack = stack[:len(stack)-1]
			begins = begins[:len(begins)-1]
			continue
		}
		if pt.info.attachment {
			// csv-external x and xml-external x: the instance x, read from x.csv or x.xml.
			if name != "" {
				if f.declared == nil {
					f.declared = make(map[string]string)
				}
				f.declared[name] = name + map[string]string{"csv-external": ".csv", "xml-external": ".xml"}[pt.info.base]
			}
			continue
		}
		parent := stack[len(stack)-1]
		n := &Node{Name: name, Type: pt.info.base, Kind: pt.info.kind, ListName: pt.list, OrOther: pt.orOther,
			Unsupported: pt.info.unsupported, External: pt.info.external, Row: r.num, Parent: parent,
			Label: make(Text), Hint: make(Text), ConstraintMsg: make(Text), RequiredMsg: make(Text)}
		if parent.Kind == KindRepeat {
			n.Repeat = parent
		} else {
			n.Repeat = parent.Repeat
		}
		if pt.name == "begin_group" {
			n.Type = "group"
		} else if pt.name == "begin_repeat" {
			n.Type = "repeat"
		}
		c.nodeColumns(t, r, n)
		c.appearanceKind(t, r, n)
		if n.Kind == KindQuestion && (t.get(r, "calculation") != "" || n.Trigger != "") && len(n.Label) == 0 && len(n.Hint) == 0 {
			// pyxform writes no control for it: ODK computes it and never asks it.
			n.Kind, n.noControl = KindHidden, true
		}
		searchFilter := ""
		if pt.info.list && !pt.info.external && pt.list != "" {
			_, _, isSearch := searchAppearance(n.Appearance)
			listUse[pt.list] = append(listUse[pt.list], listUser{n, r, isSearch})
		}
		if pt.info.list && !pt.info.external && strings.Contains(n.Appearance, "search") {
			searchFilter = c.search(t, r, n, typeCell)
		}
		if name == "" && n.Kind == KindNote {
			// Old pyxform accepted nameless notes; give one a name nobody can type.
			name = fmt.Sprintf("_note_row%d", r.num)
			n.Name = name
			c.warnf(t, r, "name", "note has no name; it is called %s here", name)
		}
		switch {
		case name == "":
			c.errorf(t, r, "name", "%s row has no name", typeCell)
		case !isXMLName(name):
			c.errorf(t, r, "name", "name %q is not allowed: start with a letter or _, then letters, digits, _ - or . (a namespace prefix, prefix:name, may come first)", name)
		default:
			c.namePrefix(t, r, name)
		}
		for _, sib := range c.names[name] { // the nodes of that name, not every sibling
			if sib.Parent == parent && name != "" {
				c.errorf(t, r, "name", "duplicate name %q (also on row %d)", name, sib.Row)
			}
		}
		c.reservedName(t, r, n, parent, name)
		if pt.info.list && !pt.info.external {
			switch {
			case pt.list == "":
				c.errorf(t, r, "type", "%s needs a choice list name", typeCell)
			case f.Lists[pt.list] == nil:
				c.errorf(t, r, "type", "unknown choice list %q (not on the choices sheet)", pt.list)
			case pt.info.base == "select_multiple":
				// Its answer is its choices' names separated by spaces (pyxform refuses too).
				for _, ch := range f.Lists[pt.list].Choices {
					if strings.ContainsFunc(ch.Name, unicode.IsSpace) {
						c.errorf(t, r, "type", "%s: choice %q of list %s (choices row %d) has a space in its name, and a select_multiple keeps its choices separated by spaces: it could never record that one", typeCell, ch.Name, pt.list, ch.Row)
						break
					}
				}
			}
		}
		if pt.info.external && strings.HasSuffix(pt.name, "_from_file") && !fileListName(pt.list) {
			// pyxform refuses it: ODK reads a choice file as CSV, XML or GeoJSON by its name.
			c.errorf(t, r, "type", "%s: the file name %q should be a name with one extension, .csv, .xml or .geojson (pyxform takes no other)", typeCell, pt.list)
		} else if pt.info.external {
			if l := c.attachedList(t, r, n, pt.list); l != nil {
				c.useList(n, l)
				n.External = false
			} else if f.Lists[pt.list] == nil {
				n.Unsupported = true
				c.warnf(t, r, "type", "%s %q: its choices are in an attachment that is not loaded; the question is skipped", typeCell, name)
			} else {
				n.External = false
			}
		}
		if n.Unsupported && !pt.info.external {
			c.warnf(t, r, "type", "%s %q is not answerable on this device; the interview skips it", n.Type, name)
		}
		if n.Kind == KindCalculate && t.get(r, "calculation") == "" && t.get(r, "default") == "" {
			c.errorf(t, r, "calculation", "calculate %q has no calculation", name)
		}
		if n.Answerable() && n.Kind == KindQuestion && len(n.Label) == 0 && len(n.Hint) == 0 {
			c.warnf(t, r, "label", "%s %q has no label", n.Type, name)
		}
		n.Index = len(f.Nodes)
		f.Nodes = append(f.Nodes, n)
		n.childIdx = len(parent.Children)
		parent.Children = append(parent.Children, n)
		c.names[name] = append(c.names[name], n)
		c.rows = append(c.rows, rowSource{r: r, node: n, search: searchFilter})
		if n.OrOther {
			c.orOther(t, r, n)
		}
		if n.IsGroup() {
			stack = append(stack, n)
			begins = append(begins, r)
		}
	}
	for i := len(stack) - 1; i >= 1; i-- {
		c.errorf(t, begins[i], "type", "%s %q is never closed (add an end %s row)", kindWord(stack[i].Kind), stack[i].Name, kindWord(stack[i].Kind))
	}
	c.searchLists(t, listUse)
	c.tableLists(t)
	questions := 0
	for _, n := range f.Nodes {
		if !n.IsGroup() {
			questions++
		}
	}
	if questions == 0 && len(c.issues) == 0 {
		c.warnf(t, row{}, "", "the form has no questions")
	}
	for name, ns := range c.names {
		if len(ns) == 1 {
			f.byName[name] = ns[0]
		}
	}
}

// listUser is a select of a choice list on the survey sheet: whether it chooses through
// search().
type listUser struct {
	n      *Node
	r      row
	search bool
}

// searchLists refuses a list that a search() select and a select without it both use, as
// pyxform refuses it: the list of a search() is the placeholder of a file's columns, no
// choices another select could offer.
func (c *compiler) searchLists(t *table, use map[string][]listUser) {
	for _, list := range slices.Sorted(maps.Keys(use)) {
		us := use[list]
		var s *listUser
		var others []string
		for i, u := range us {
			if u.search && s == nil {
				s = &us[i]
			} else if !u.search {
				others = append(others, fmt.Sprintf("%q (row %d)", u.n.Name, u.r.num))
			}
		}
		if s != nil && len(others) > 0 {
			c.errorf(t, s.r, "appearance", "%q uses search() with the list %s, also used without search() by %s: give the search() its own list", s.n.Name, list, strings.Join(others, ", "))
		}
	}
}

// tableLists refuses what pyxform refuses in a group of appearance table-list: a choice
// filter on its first select (whose choices head the table's columns), and selects of
// different lists (a table has one set of columns).
func (c *compiler) tableLists(t *table) {
	for _, g := range c.form.Nodes {
		if g.Kind != KindGroup || !slices.Contains(strings.Fields(strings.ToLower(g.Appearance)), "table-list") {
			continue
		}
		var first *Node
		for _, n := range g.Children {
			if n.ListName == "" || n.IsGroup() {
				continue
			}
			r := c.rowOf(n)
			if first == nil {
				first = n
				if t.get(r, "choice_filter") != "" {
					c.errorf(t, r, "choice_filter", "a choice_filter on the first select of table-list group %q is not supported (pyxform refuses it): its choices head the table's columns", g.Name)
				}
				continue
			}
			if n.ListName != first.ListName {
				c.errorf(t, r, "type", "select %q of table-list group %q uses list %s, the first select %q list %s: a table's selects share one list", n.Name, g.Name, n.ListName, first.Name, first.ListName)
			}
		}
	}
}

// singleRef matches a repeat_count that is one ${name}, which pyxform's jr:count reads
// directly.
var singleRef = regexp.MustCompile(`^\s*\$\{[^{}\s]+\}\s*$`)

// reservedName refuses the names pyxform refuses for the place they are in: "meta" anywhere
// (the form's metadata group; a group of that name, as the Community Health Toolkit's
// forms have, only warns), a repeat named as the XForm's root or as another repeat of
// the form, wherever it is; and warns of a sibling whose name differs only in case (a
// spreadsheet or database that ignores case mixes their columns up).
func (c *compiler) reservedName(t *table, r row, n, parent *Node, name string) {
	if name == "" {
		return
	}
	switch {
	case name == "meta" && n.Kind == KindGroup:
		// The Community Health Toolkit's forms hold a group "meta" of their own, which its
		// pyxform takes; ODK's pyxform refuses it.
		c.warnf(t, r, "name", "a group named \"meta\": pyxform refuses it for ODK, which keeps that name for the form's metadata; rename the group to use the form with ODK Collect")
	case name == "meta":
		what := "question"
		if n.IsGroup() {
			what = kindWord(n.Kind)
		}
		c.errorf(t, r, "name", "the name \"meta\" is reserved for the form's metadata (instanceID, instanceName): give the %s another name", what)
	}
	if n.Kind == KindRepeat {
		if name == c.form.Root.Name {
			c.errorf(t, r, "name", "a repeat may not be named %q, the name of the form's root in its XForm: give it another name", name)
		}
		for _, o := range c.names[name] {
			if o.Kind == KindRepeat {
				c.errorf(t, r, "name", "repeat %q has the name of the repeat on row %d: repeat names must be unique in the whole form (pyxform refuses it)", name, o.Row)
				break
			}
		}
	}
	for _, sib := range parent.Children {
		if sib.Name != name && strings.EqualFold(sib.Name, name) {
			c.warnf(t, r, "name", "name %q differs from %q (row %d) only in case: tools that ignore case will mix their data up", name, sib.Name, sib.Row)
			break
		}
	}
}

func kindWord(k Kind) string {
	if k == KindRepeat {
		return "repeat"
	}
	return "group"
}

// nodeColumns copies a survey row's columns into n.
func (c *compiler) nodeColumns(t *table, r row, n *Node) {
	for i, h := range t.header {
		if h == "" || i >= len(r.cells) {
			continue
		}
		v := strings.TrimSpace(r.cells[i])
		if v == "" {
			continue
		}
		base, lang, translated := strings.Cut(h, "::")
		var text Text
		switch base {
		case "label":
			text = n.Label
		case "hint":
			text = n.Hint
		case "constraint_message":
			text = n.ConstraintMsg
		case "required_message":
			text = n.RequiredMsg
		}
		if text != nil {
			if translated {
				text[lang] = v
			} else {
				text[""] = v
			}
			continue
		}
		switch h {
		case "type", "name":
		case "appearance":
			n.Appearance = v
		case "parameters":
			n.Parameters = parseParameters(v)
		case "trigger":
			n.Trigger = strings.TrimSpace(v)
		default:
			if n.Extra == nil {
				n.Extra = make(map[string]string)
			}
			n.Extra[h] = v
		}
	}
}

func parseParameters(s string) map[string]string {
	out := make(map[string]string)
	for _, f := range strings.FieldsFunc(s, func(r rune) bool { return r == ' ' || r == ';' || r == ',' }) {
		k, v, ok := strings.Cut(f, "=")
		if ok {
			out[strings.ToLower(strings.TrimSpace(k))] = strings.TrimSpace(v)
		}
	}
	return out
}

// expressions parses every expression column of every node and resolves their references.
func (c *compiler) expressions(t *table) {
	for _, rs := range c.rows {
		n, r := rs.node, rs.r
		if rs.relevant != "" {
			n.Relevant = c.parseExpr(t, r, "type", rs.relevant)
			continue
		}
		get := func(col string) string { return t.get(r, col) }
		n.Relevant = c.parseExpr(t, r, "relevant", get("relevant"))
		n.Constraint = c.parseExpr(t, r, "constraint", get("constraint"))
		n.Calculation = c.parseExpr(t, r, "calculation", get("calculation"))
		n.ChoiceFilter = c.parseExpr(t, r, "choice_filter", get("choice_filter"))
		if rs.search != "" {
			n.ChoiceFilter = c.parseExpr(t, r, "appearance", rs.search)
		}
		n.RepeatCount = c.parseExpr(t, r, "repeat_count", get("repeat_count"))
		if d := get("default"); d != "" {
			if defaultIsDynamic(d, n.Type) {
				n.Default = c.parseExpr(t, r, "default", d)
			} else {
				n.DefaultText = d
			}
		}
		n.Required, n.RequiredIf = c.flag(t, r, "required", get("required"), !n.IsGroup())
		n.ReadOnly, n.ReadOnlyIf = c.flag(t, r, "read_only", get("read_only"), !n.IsGroup())
		for k := range n.Extra {
			switch k {
			case "relevant", "constraint", "calculation", "choice_filter", "repeat_count", "default", "required", "read_only":
				delete(n.Extra, k)
			}
		}
		if n.ChoiceFilter != nil && n.ListName == "" {
			// pyxform ignores it, and so does ODK.
			c.warnf(t, r, "choice_filter", "choice_filter on %s %q, which is not a select: it is ignored", n.Type, n.Name)
			n.ChoiceFilter = nil
		}
		c.checkParameters(t, r, n)
		if n.ListName != "" {
			c.randomizeParams(t, r, n)
		}
		if n.RepeatCount != nil && n.Kind != KindRepeat {
			// pyxform writes it as a jr:count on the control, which ODK ignores.
			c.warnf(t, r, "repeat_count", "repeat_count on %s %q, which is not a repeat: it is ignored", n.Type, n.Name)
			n.RepeatCount = nil
		}
		if n.RepeatCount != nil && n.Kind == KindRepeat && singleRef.MatchString(get("repeat_count")) {
			name := strings.TrimSuffix(strings.TrimPrefix(strings.TrimSpace(get("repeat_count")), "${"), "}")
			if ns := c.names[name]; len(ns) == 1 && ns[0].Type == "decimal" {
				// JavaRosa casts the count's value to an Integer: a decimal answer, even 2.0,
				// stops ODK Collect with an error, and ODK Web Forms makes no instances.
				c.warnf(t, r, "repeat_count", "repeat_count of repeat %q reads decimal %q: ODK Collect stops with an error on a count that is a decimal (ODK Web Forms makes no instances); make %q an integer", n.Name, name, name)
			}
		}
		if n.RepeatCount != nil && n.Kind == KindRepeat && !singleRef.MatchString(get("repeat_count")) {
			// pyxform computes any other count in a calculate named REPEAT_count beside the
			// repeat, and refuses a form that already has that name there.
			for _, sib := range n.Parent.Children {
				if sib.Name == n.Name+"_count" {
					c.errorf(t, r, "repeat_count", "repeat_count of repeat %q is not a single ${name}, so pyxform computes it in a question named %q beside the repeat, and row %d already has that name: rename that question", n.Name, sib.Name, sib.Row)
				}
			}
		}
		if n.Type == "background-geopoint" {
			// As pyxform checks it: the trigger says when the location is taken, and the
			// location is the device's, never a calculation.
			if n.Trigger == "" {
				c.errorf(t, r, "trigger", "background-geopoint %q needs a trigger: the ${name} of the question whose change takes the location", n.Name)
			}
			if t.get(r, "calculation") != "" {
				c.errorf(t, r, "calculation", "background-geopoint %q takes no calculation: its value is the device's location", n.Name)
			}
		}
		if n.Trigger != "" {
			c.triggers(t, r, n)
		}
	}
	if f := c.form; f.InstanceName != nil {
		for _, name := range f.InstanceName.Refs() {
			if len(c.names[name]) == 0 {
				c.errorf(c.tables["settings"], c.tables["settings"].rows[0], "instance_name", "${%s} refers to a question that does not exist", name)
			}
		}
		st := c.tables["settings"]
		c.resolvePaths(st, st.rows[0], "instance_name", f.InstanceName, pathScope{ctx: f.Root})
	}
	// Secondary instances other than choice lists are attachments the device does not have.
	for _, rs := range c.rows {
		n := rs.node
		for _, e := range []struct {
			col string
			x   *expr.Expr
		}{{"calculation", n.Calculation}, {"relevant", n.Relevant}, {"constraint", n.Constraint}, {"choice_filter", n.ChoiceFilter}, {"default", n.Default}} {
			if e.x == nil {
				continue
			}
			for _, inst := range instances(e.x.Root) {
				if c.form.Lists[inst] != nil {
					continue
				}
				c.warnf(t, rs.r, e.col, "reads instance('%s'), an attached data file that is not loaded here; it gives no values", inst)
				if e.col == "calculation" && !n.editable() {
					n.Detached = true
				}
			}
		}
	}
	// Regular expressions that ODK's clients read differently.
	for _, rs := range c.rows {
		n := rs.node
		for _, e := range []struct {
			col string
			x   *expr.Expr
		}{{"relevant", n.Relevant}, {"constraint", n.Constraint}, {"calculation", n.Calculation}, {"choice_filter", n.ChoiceFilter}, {"required", n.RequiredIf}, {"read_only", n.ReadOnlyIf}} {
			if e.x == nil {
				continue
			}
			walkCalls(e.x.Root, func(call *expr.CallNode) {
				if pat, ok := argString(call, 1); ok && call.Name == "regex" {
					if what := unportableRegex(pat); what != "" {
						c.warnf(t, rs.r, e.col, "regex pattern %q uses %s, which ODK Web Forms and Enketo (JavaScript) read otherwise than ODK Collect and tracer: spell it out (list the letters, [0-9], ^ and $)", pat, what)
					} else if !wholeTextRegex(pat) {
						c.warnf(t, rs.r, e.col, "regex pattern %q is not anchored at both ends: tracer, ODK Web Forms and Enketo match a part of the text, ODK Collect only the whole text; write ^...$ (with .* where a part is meant) so that every client agrees", pat)
					}
				}
			})
		}
	}
	// Times compared with < <= > >=: ODK Web Forms and tracer read a time as no number, so
	// the comparison never holds, where ODK Collect compares the times of day.
	for _, rs := range c.rows {
		n := rs.node
		for _, e := range []struct {
			col string
			x   *expr.Expr
		}{{"relevant", n.Relevant}, {"constraint", n.Constraint}, {"calculation", n.Calculation}, {"required", n.RequiredIf}, {"read_only", n.ReadOnlyIf}} {
			if e.x == nil {
				continue
			}
			if q := c.comparedTime(e.x.Root, n); q != nil {
				c.warnf(t, rs.r, e.col, "compares the time %s with < or >, which is always false in ODK Web Forms and tracer (ODK Collect compares them as times of day): compare decimal-time(${%s}) instead", q.Name, q.Name)
			}
		}
	}
	// References must name existing, unambiguous nodes.
	for _, rs := range c.rows {
		n := rs.node
		for _, e := range []struct {
			col string
			x   *expr.Expr
		}{{"relevant", n.Relevant}, {"constraint", n.Constraint}, {"calculation", n.Calculation},
			{"choice_filter", n.ChoiceFilter}, {"repeat_count", n.RepeatCount}, {"default", n.Default},
			{"required", n.RequiredIf}, {"read_only", n.ReadOnlyIf}, {"parameters", n.seed}} {
			if e.x == nil {
				continue
			}
			for _, ref := range e.x.Refs() {
				c.lookup(t, rs.r, e.col, ref)
				if ns := c.names[ref]; e.col == "repeat_count" && n.Kind == KindRepeat && len(ns) == 1 && ns[0].inside(n) {
					c.warnf(t, rs.r, e.col, "repeat_count of repeat %q reads %q, a question inside that repeat: no instance holds it before the count makes one, so the repeat never gets an instance (in ODK neither); ask %q before the repeat", n.Name, ref, ref)
				}
			}
			c.choiceNameArgs(t, rs.r, e.col, e.x)
			sc := pathScope{ctx: n}
			if e.col == "choice_filter" {
				sc.choice = c.form.Lists[n.ListName]
				sc.loose = sc.choice == nil
			}
			c.resolvePaths(t, rs.r, e.col, e.x, sc)
			c.ownRepeatPaths(t, rs.r, e.col, e.x, n)
		}
		if n.ChoiceFilter != nil {
			c.choicePredicate(t, rs.r, n)
		}
		// pyxform refuses a text that names no question, as it refuses an expression.
		for _, tc := range []struct {
			col  string
			text Text
		}{{"label", n.Label}, {"hint", n.Hint}, {"constraint_message", n.ConstraintMsg}, {"required_message", n.RequiredMsg}} {
			for _, lang := range sortedLangs(tc.text) {
				for _, ref := range labelRefs(tc.text[lang]) {
					col := tc.col
					if lang != "" {
						col += "::" + lang
					}
					switch ns := c.names[ref]; len(ns) {
					case 0:
						c.errorf(t, rs.r, col, "${%s} in the text refers to a question that does not exist", ref)
					case 1:
					default:
						c.errorf(t, rs.r, col, "${%s} in the text is ambiguous: that name is used on rows %s", ref, nodeRows(ns))
					}
				}
			}
		}
	}
	c.choiceLabelRefs()
}

// choiceLabelRefs refuses a ${name} in a choice's label that names no question, as pyxform
// refuses it (it writes the reference as an <output/> that ODK fills in).
func (c *compiler) choiceLabelRefs() {
	t := c.tables["choices"]
	if t == nil {
		t = c.tables["select_choices"]
	}
	if t == nil {
		return
	}
	for _, name := range slices.Sorted(maps.Keys(c.form.Lists)) {
		l := c.form.Lists[name]
		if l.File != "" {
			continue
		}
		for _, ch := range l.Choices {
			for _, lang := range sortedLangs(ch.Label) {
				for _, ref := range labelRefs(ch.Label[lang]) {
					ns := c.names[ref]
					if len(ns) == 1 {
						continue
					}
					col := "label"
					if lang != "" {
						col += "::" + lang
					}
					if len(ns) > 1 {
						c.errorf(t, row{num: ch.Row}, col, "${%s} in the label of choice %q (list %s) is ambiguous: that name is used on rows %s", ref, ch.Name, name, nodeRows(ns))
						continue
					}
					c.errorf(t, row{num: ch.Row}, col, "${%s} in the label of choice %q (list %s) refers to a question that does not exist", ref, ch.Name, name)
				}
			}
		}
	}
}

// fileListName reports whether a select_one_from_file's file name ends with one extension
// pyxform accepts (it refuses list.txt, and list.v2.csv for its two suffixes).
func fileListName(name string) bool {
	ext := path.Ext(name)
	switch ext {
	case ".csv", ".xml", ".geojson":
	default:
		return false
	}
	base := strings.TrimSuffix(name, ext)
	return base != "" && path.Ext(base) == ""
}

// rangeParamNames, selectParamNames and fileParamNames are the parameters pyxform accepts on
// a range, a select, and a select from a file; it refuses any other.
var (
	rangeParamNames  = []string{"end", "placeholder", "start", "step", "tick_interval", "tick_labelset"}
	selectParamNames = []string{"randomize", "seed"}
	fileParamNames   = []string{"label", "randomize", "seed", "value"}
	// typeParamNames are those of the other types pyxform checks.
	typeParamNames = map[string][]string{
		"text":             {"rows"},
		"image":            {"app", "max-pixels"},
		"audio":            {"quality"},
		"background-audio": {"quality"},
		"geopoint":         {"allow-mock-accuracy", "capture-accuracy", "warning-accuracy"},
		"geoshape":         {"allow-mock-accuracy", "incremental"},
		"geotrace":         {"allow-mock-accuracy", "incremental"},
	}
	// fileColumnName is what pyxform takes for the value= and label= of a select from a
	// file: a name that reads as an XPath step.
	fileColumnName = regexp.MustCompile(`^[a-zA-Z_][a-zA-Z0-9\-_.]*$`)
)

// triggers resolves the trigger column of n: one ${name}, or several separated by commas
// (${a}, ${b}), as pyxform takes them, each a question shown to the enumerator whose
// change sets n. n.Trigger keeps the names of those that resolve, joined by ", ".
func (c *compiler) triggers(t *table, r row, n *Node) {
	cell := n.Trigger
	var names []string
	for _, part := range strings.Split(cell, ",") {
		part = strings.TrimSpace(part)
		name := strings.TrimSuffix(strings.TrimPrefix(part, "${"), "}")
		if !strings.HasPrefix(part, "${") || !strings.HasSuffix(part, "}") || strings.ContainsAny(name, "${} ") || name == "" {
			c.errorf(t, r, "trigger", "trigger %q is not a reference: write the question whose change sets %q as ${name} (several separated by commas)", cell, n.Name)
			n.Trigger = ""
			return
		}
		src := c.lookup(t, r, "trigger", name)
		switch {
		case src == nil:
		case !src.shown():
			// pyxform refuses it: the setvalue belongs in the trigger's control, which
			// a question nobody answers does not have.
			c.errorf(t, r, "trigger", "${%s} is not shown to the enumerator (a calculation, or a question with a calculation and no label or hint), so it cannot trigger %q", name, n.Name)
		case slices.Contains(names, name):
		default:
			names = append(names, name)
			src.triggers = append(src.triggers, n)
		}
	}
	n.Trigger = strings.Join(names, ", ")
}

// trueWords are the spellings of true pyxform reads as yes (its yes_no aliases).
var trueWords = map[string]bool{"yes": true, "Yes": true, "YES": true, "true": true, "True": true, "TRUE": true, "true()": true}

// androidPackageProblem says why name is no Android package name, as pyxform checks the
// app= of an image (com.example.camera), or "" when it is one.
func androidPackageProblem(name string) string {
	segments := strings.Split(name, ".")
	switch {
	case strings.TrimSpace(name) == "":
		return "it is empty"
	case len(segments) < 2:
		return "it needs at least one '.' (com.example.app)"
	case strings.HasSuffix(name, "."):
		return "it cannot end in '.'"
	}
	for _, seg := range segments {
		switch {
		case seg == "":
			return "a part between dots is empty"
		case seg[0] == '_':
			return "a part cannot start with '_'"
		case seg[0] >= '0' && seg[0] <= '9':
			return "a part cannot start with a digit"
		}
		for _, r := range seg {
			if !(r == '_' || r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z') {
				return "it may hold only letters a-z and A-Z, digits and _, in parts separated by '.'"
			}
		}
	}
	return ""
}

// checkParameters refuses the parameters pyxform refuses on a range or a select: a part
// that is not name=value, a name the type does not take, and for a range numbers that are
// no numbers or that no answer could meet (a step of 0, or wider than the range, a
// tick_interval that is no multiple of the step, a placeholder off the steps or outside
// the range, a tick_labelset that names no list).
func (c *compiler) checkParameters(t *table, r row, n *Node) {
	raw := t.get(r, "parameters")
	var allowed []string
	switch {
	case n.Type == "range":
		allowed = rangeParamNames
	case n.ListName != "" && strings.Contains(strings.ReplaceAll(strings.ToLower(t.get(r, "type")), " ", "_"), "_from_file"):
		allowed = fileParamNames
	case n.ListName != "":
		allowed = selectParamNames
	default:
		allowed = typeParamNames[n.Type]
	}
	if raw == "" || allowed == nil {
		return
	}
	// pyxform splits on ";", else on ",", else on spaces, and wants name=value in each part.
	parts := strings.Split(raw, ";")
	if len(parts) == 1 {
		parts = strings.Split(raw, ",")
	}
	if len(parts) == 1 {
		parts = strings.Fields(raw)
	}
	var unknown []string
	for _, p := range parts {
		k, _, ok := strings.Cut(p, "=")
		if !ok {
			c.errorf(t, r, "parameters", "parameters %q: write each as name=value (%q has no =)", raw, strings.TrimSpace(p))
			return
		}
		if k = strings.ToLower(strings.TrimSpace(k)); !slices.Contains(allowed, k) && !slices.Contains(unknown, k) {
			unknown = append(unknown, k)
		}
	}
	if len(unknown) > 0 {
		c.errorf(t, r, "parameters", "%s takes the parameters %s, not %s", n.Type, strings.Join(allowed, ", "), strings.Join(unknown, ", "))
		return
	}
	for _, k := range []string{"value", "label"} {
		if v, ok := n.Parameters[k]; ok && slices.Equal(allowed, fileParamNames) && !fileColumnName.MatchString(v) {
			c.errorf(t, r, "parameters", "%s=%s is not a column name: it begins with a letter or _, then letters, digits, - _ or .", k, v)
		}
	}
	if v, ok := n.Parameters["rows"]; ok {
		if _, err := strconv.Atoi(v); err != nil {
			c.errorf(t, r, "parameters", "rows=%s is not a whole number", v)
		}
	}
	if v, ok := n.Parameters["max-pixels"]; ok {
		if _, err := strconv.Atoi(v); err != nil {
			c.errorf(t, r, "parameters", "max-pixels=%s is not a whole number", v)
		}
	}
	if v, ok := n.Parameters["app"]; ok && n.Type == "image" && (n.Appearance == "" || n.Appearance == "annotate") {
		// pyxform checks the app (an Android package) only where Collect launches it.
		if why := androidPackageProblem(v); why != "" {
			c.errorf(t, r, "parameters", "app=%s is not an Android package name: %s", v, why)
		}
	}
	if v, ok := n.Parameters["incremental"]; ok && !trueWords[v] {
		c.errorf(t, r, "parameters", "incremental=%s: a %s takes only incremental=true (or yes)", v, n.Type)
	}
	if v, ok := n.Parameters["quality"]; ok {
		q := []string{"voice-only", "low", "normal"}
		if n.Type == "audio" {
			q = append(q, "external")
		}
		if !slices.Contains(q, strings.ToLower(v)) {
			c.errorf(t, r, "parameters", "quality=%s is not one of %s", v, strings.Join(q, ", "))
		}
	}
	if v, ok := n.Parameters["allow-mock-accuracy"]; ok && v != "true" && v != "false" {
		c.errorf(t, r, "parameters", "allow-mock-accuracy=%s is neither true nor false", v)
	}
	for _, k := range []string{"capture-accuracy", "warning-accuracy"} {
		if v, ok := n.Parameters[k]; ok {
			if _, err := strconv.ParseFloat(v, 64); err != nil {
				c.errorf(t, r, "parameters", "%s=%s is not a number", k, v)
			}
		}
	}
	if n.Type != "range" {
		return
	}
	num := func(k string, def float64) (float64, bool) {
		v, ok := n.Parameters[k]
		if !ok {
			return def, true
		}
		f, err := strconv.ParseFloat(v, 64)
		if err != nil || math.IsInf(f, 0) || math.IsNaN(f) {
			c.errorf(t, r, "parameters", "range parameter %s=%s is not a number", k, v)
			return 0, false
		}
		return f, true
	}
	start, ok1 := num("start", 1)
	end, ok2 := num("end", 10)
	step, ok3 := num("step", 1)
	tick, ok4 := num("tick_interval", math.NaN())
	place, ok5 := num("placeholder", math.NaN())
	if !ok1 || !ok2 || !ok3 || !ok4 || !ok5 {
		return
	}
	width := math.Abs(end - start)
	onGrid := func(v, unit float64) bool {
		k := v / unit
		return math.Abs(k-math.Round(k)) < 1e-9
	}
	switch {
	case step == 0:
		c.errorf(t, r, "parameters", "range step must not be 0")
	case step > width:
		c.errorf(t, r, "parameters", "range step %s is larger than the range from %s to %s", fmtNum(step), fmtNum(start), fmtNum(end))
	case !math.IsNaN(tick) && tick == 0:
		c.errorf(t, r, "parameters", "range tick_interval must not be 0")
	case !math.IsNaN(tick) && tick > width:
		c.errorf(t, r, "parameters", "range tick_interval %s is larger than the range from %s to %s", fmtNum(tick), fmtNum(start), fmtNum(end))
	case !math.IsNaN(tick) && !onGrid(tick, step):
		c.errorf(t, r, "parameters", "range tick_interval %s is not a multiple of the step %s", fmtNum(tick), fmtNum(step))
	case !math.IsNaN(place) && !onGrid(place-start, step):
		c.errorf(t, r, "parameters", "range placeholder %s is not on a step of %s from %s", fmtNum(place), fmtNum(step), fmtNum(start))
	case !math.IsNaN(place) && (place < math.Min(start, end) || place > math.Max(start, end)):
		c.errorf(t, r, "parameters", "range placeholder %s is outside the range from %s to %s", fmtNum(place), fmtNum(start), fmtNum(end))
	}
	if ls, ok := n.Parameters["tick_labelset"]; ok && c.form.Lists[ls] == nil {
		c.errorf(t, r, "parameters", "range tick_labelset %q names no list of the choices sheet", ls)
	}
}

// randomizeParams reads a select's randomize and seed parameters as pyxform does: randomize
// is true or false, a seed needs randomize and is a number or a ${name}.
func (c *compiler) randomizeParams(t *table, r row, n *Node) {
	rnd, hasRnd := n.Parameters["randomize"]
	seed, hasSeed := n.Parameters["seed"]
	if hasRnd {
		switch strings.ToLower(rnd) {
		case "true":
			n.randomize = true
		case "false":
		default:
			c.errorf(t, r, "parameters", "randomize must be true or false, not %q", rnd)
			return
		}
	}
	if !hasSeed {
		return
	}
	if !hasRnd {
		c.errorf(t, r, "parameters", "seed=%s needs randomize=true beside it, as pyxform requires", seed)
		return
	}
	if _, err := strconv.ParseFloat(seed, 64); err != nil && !strings.HasPrefix(seed, "${") {
		c.errorf(t, r, "parameters", "seed must be a number or a ${name} reference, not %q", seed)
		return
	}
	if n.randomize {
		n.seed = c.parseExpr(t, r, "parameters", seed)
	}
}

// choicePredicate compiles n's choice filter as pyxform writes it in the XForm, the
// predicate of instance('list')/root/item[filter], for the session to evaluate per choice.
// Its paths were checked on the filter itself; they are resolved again here, silently, for
// the predicate's own nodes.
func (c *compiler) choicePredicate(t *table, r row, n *Node) {
	src := fmt.Sprintf("instance('%s')/root/item[%s]", n.ListName, n.ChoiceFilter.Src)
	x, err := expr.Parse(src)
	if err != nil {
		c.errorf(t, r, "choice_filter", "in %q: %v", n.ChoiceFilter.Src, err)
		return
	}
	p, ok := x.Root.(*expr.PathNode)
	if !ok || len(p.StepPreds(1)) != 1 {
		c.errorf(t, r, "choice_filter", "in %q: not a filter of the choices", n.ChoiceFilter.Src)
		return
	}
	issues := len(c.issues)
	c.resolvePaths(t, r, "choice_filter", x, pathScope{ctx: n})
	c.issues = c.issues[:issues]
	n.filter, n.filterPred = x, p.StepPreds(1)[0]
	n.filterEq = planEqFilter(n, c.form.Lists[n.ListName])
}

// choiceNameArgs checks the quoted question of each jr:choice-name(value, '${q}') call in x:
// it must name a select, or the call would give "" without a word.
func (c *compiler) choiceNameArgs(t *table, r row, col string, x *expr.Expr) {
	for _, name := range choiceNameQuestions(x) {
		if q := c.lookup(t, r, col, name); q != nil && q.ListName == "" {
			c.errorf(t, r, col, "jr:choice-name() names %s %q, which has no choice list", q.Type, q.Name)
		}
	}
}

// choiceNameQuestions returns the names of the questions the jr:choice-name(value, '${q}')
// calls of x name with a literal ('${q}' or a path '/data/g/q').
func choiceNameQuestions(x *expr.Expr) []string {
	var out []string
	var walk func(n expr.Node)
	walk = func(n expr.Node) {
		switch n := n.(type) {
		case *expr.CallNode:
			if lit, ok := argString(n, 1); ok && n.Name == "jr:choice-name" {
				name := strings.TrimSpace(lit)
				if strings.HasPrefix(name, "${") && strings.HasSuffix(name, "}") {
					name = strings.TrimSpace(name[2 : len(name)-1])
				} else if i := strings.LastIndexByte(name, '/'); i >= 0 {
					name = name[i+1:]
				}
				out = append(out, name)
			}
			for _, a := range n.Args {
				walk(a)
			}
		case *expr.BinaryNode:
			walk(n.L)
			walk(n.R)
		case *expr.UnaryNode:
			walk(n.X)
		case *expr.PathNode:
			for _, preds := range n.Preds {
				for _, p := range preds {
					walk(p)
				}
			}
		}
	}
	if x != nil {
		walk(x.Root)
	}
	return out
}

// argString returns argument i of call n when it is a string literal.
func argString(n *expr.CallNode, i int) (string, bool) {
	if i >= len(n.Args) {
		return "", false
	}
	s, ok := n.Args[i].(*expr.StringNode)
	if !ok {
		return "", false
	}
	return s.Value, true
}

// sortedLangs returns the languages of a text in order, so that messages come in a stable order.
func sortedLangs(t Text) []string {
	out := make([]string, 0, len(t))
	for l := range t {
		out = append(out, l)
	}
	sort.Strings(out)
	return out
}

// lookup resolves a reference, reporting a missing or ambiguous name.
func (c *compiler) lookup(t *table, r row, col, name string) *Node {
	ns := c.names[name]
	switch len(ns) {
	case 0:
		c.errorf(t, r, col, "${%s} refers to a question that does not exist", name)
		return nil
	case 1:
		return ns[0]
	default:
		c.errorf(t, r, col, "${%s} is ambiguous: that name is used on rows %s", name, nodeRows(ns))
		return nil
	}
}

// nodeRows lists the rows of ns, as "4, 7".
func nodeRows(ns []*Node) string {
	rows := make([]string, len(ns))
	for i, n := range ns {
		rows[i] = fmt.Sprint(n.Row)
	}
	return strings.Join(rows, ", ")
}

// instances returns the names of the secondary instances an expression reads, once each.
func instances(n expr.Node) []string {
	var out []string
	var walk func(n expr.Node)
	walk = func(n expr.Node) {
		switch x := n.(type) {
		case *expr.PathNode:
			if x.Instance != "" && !contains(out, x.Instance) {
				out = append(out, x.Instance)
			}
			for _, preds := range x.Preds {
				for _, p := range preds {
					walk(p)
				}
			}
		case *expr.BinaryNode:
			walk(x.L)
			walk(x.R)
		case *expr.UnaryNode:
			walk(x.X)
		case *expr.CallNode:
			for _, a := range x.Args {
				walk(a)
			}
		}
	}
	walk(n)
	return out
}

var labelRef = regexp.MustCompile(`\$\{([^}\s]+)\}`)

// labelRefs returns the ${name} references in a label or hint.
func labelRefs(s string) []string {
	var out []string
	for _, m := range labelRef.FindAllStringSubmatch(s, -1) {
		out = append(out, m[1])
	}
	return out
}

// unportableRegex names the first construct of a regular expression that JavaScript's
// RegExp, which ODK Web Forms and Enketo use without flags, reads otherwise than Java's (ODK
// Collect) and Go's (tracer): Unicode classes, braced hex escapes, inline flags or named
// groups, \A and \z anchors, POSIX classes, \Q...\E quoting. It returns "" for none.
func unportableRegex(pat string) string {
	for _, c := range []struct{ sub, what string }{
		{`\p{`, `\p{...}`}, {`\P{`, `\P{...}`}, {`\pL`, `\pL`}, {`\x{`, `\x{...}`},
		{`\A`, `\A`}, {`\z`, `\z`}, {`\Z`, `\Z`}, {`[[:`, `a POSIX class [[:...:]]`}, {`\Q`, `\Q...\E`},
	} {
		if i := strings.Index(pat, c.sub); i >= 0 && !escapedAt(pat, i) {
			return c.what
		}
	}
	for i := 0; i+2 < len(pat); i++ {
		if pat[i] == '(' && pat[i+1] == '?' && !escapedAt(pat, i) {
			if b := pat[i+2]; b >= 'a' && b <= 'z' || b >= 'A' && b <= 'Z' {
				return "inline flags or a named group (?" + string(b) + "...)"
			}
		}
	}
	return ""
}

// wholeTextRegex reports whether pat can only match a whole text: it starts with ^, ends
// with an unescaped $, and has no | outside parentheses and brackets (^a|b$ matches a part).
// ODK Collect matches regex() against the whole text (Java's Pattern.matches), ODK Web
// Forms, Enketo and tracer anywhere in it; such a pattern reads alike in all of them.
func wholeTextRegex(pat string) bool {
	if !strings.HasPrefix(pat, "^") || !strings.HasSuffix(pat, "$") || escapedAt(pat, len(pat)-1) {
		return false
	}
	depth, class := 0, false
	for i := 0; i < len(pat); i++ {
		switch b := pat[i]; {
		case b == '\\':
			i++ // the escaped byte is a literal
		case class:
			class = b != ']'
		case b == '[':
			class = true
			if i+1 < len(pat) && pat[i+1] == '^' {
				i++
			}
			if i+1 < len(pat) && pat[i+1] == ']' {
				i++ // a ] first in a class is one of its members
			}
		case b == '(':
			depth++
		case b == ')':
			depth--
		case b == '|' && depth == 0:
			return false
		}
	}
	return true
}

// escapedAt reports whether the byte at i follows an odd number of backslashes.
func escapedAt(s string, i int) bool {
	n := 0
	for j := i - 1; j >= 0 && s[j] == '\\'; j-- {
		n++
	}
	return n%2 == 1
}

// defaultIsDynamic reports whether a default is an expression computed when the interview
// starts rather than a value, as pyxform decides (default_is_dynamic): read as pyxform's
// lexer reads it, left to right, the first token that matches at each place, it holds a
// ${reference}, a function call, a predicate, a union or an arithmetic operator. A date,
// dateTime or geo default with a minus between its tokens is a value ("2026-01-01" is one
// token anyway, and "-5" a number).
func defaultIsDynamic(s, typ string) bool {
	dashOK := typ == "date" || typ == "dateTime" || typ == "geopoint" || typ == "geotrace" || typ == "geoshape"
	for s != "" {
		if strings.HasPrefix(s, " mod ") || strings.HasPrefix(s, " div ") {
			return true
		}
		if n := defaultLiteral.FindStringIndex(s); n != nil {
			s = s[n[1]:]
			continue
		}
		if defaultRef.MatchString(s) {
			return true
		}
		switch s[0] {
		case '*', '+', '|':
			return true
		case '-': // not a number's sign, which the literals took
			return !dashOK
		}
		if n := defaultName.FindStringIndex(s); n != nil {
			if n[1] < len(s) && (s[n[1]] == '(' || s[n[1]] == '[') {
				return true // a function call or a predicate
			}
			s = s[n[1]:]
			continue
		}
		_, size := utf8.DecodeRuneInString(s)
		s = s[size:]
	}
	return false
}

// The tokens of pyxform's lexer that make no default dynamic and may hold what would
// otherwise read as an operator: dates, times, numbers (signed), quoted literals,
// whitespace and the other single characters; a name; a ${reference}. A time's fraction of
// a second is read as one (pyxform's pattern wants a dot and a space there, and would make
// "14:30:15.123+07:00" an addition).
var (
	defaultLiteral = regexp.MustCompile(`^(?:-?\d{4}-\d{2}-\d{2}(?:T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:[+-]\d{2}:\d{2}|Z)?)?|\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:[+-]\d{2}:\d{2}|Z)?|-?\d+\.\d*|-?\.\d+|-?\d+|!=|<=|>=|[=<>(),/]|\.\.?|\[\]\{\}|"[^"]*"|'[^']*'|\s+)`)
	defaultRef     = regexp.MustCompile(`^\$\{[^}]+\}`)
	defaultName    = regexp.MustCompile(`^[\pL_][\pL\pN_.\-\x{b7}]*(?::[\pL_][\pL\pN_.\-\x{b7}]*)?`)
)

// flag reads a yes/no column that may also hold an expression. On a question (leaf), a
// single word other than yes or no would be a path to a child it does not have: it is
// refused as a misspelt yes or no (wajib, ya, mandatory), saying what the column takes.
func (c *compiler) flag(t *table, r row, col, v string, leaf bool) (bool, *expr.Expr) {
	w := strings.TrimSpace(v)
	switch strings.ToLower(w) {
	case "", "no", "false", "false()", "0", "n":
		return false, nil
	case "yes", "true", "true()", "1", "y":
		return true, nil
	}
	if leaf && flagWord.MatchString(w) {
		c.errorf(t, r, col, "%s is %q: write yes or no, or an expression such as ${age} >= 15", col, w)
		return false, nil
	}
	x := c.parseExpr(t, r, col, v)
	return false, x
}

// flagWord is a single word, which a yes/no column of a question cannot mean as a path.
var flagWord = regexp.MustCompile(`^[\pL_][\pL\pN_-]*$`)

// xmlEscape matches the XML character references an expression copied from an XForm holds.
var xmlEscape = regexp.MustCompile(`&(gt|lt|amp|quot|apos|#[0-9]{1,7}|#x[0-9a-fA-F]{1,6});`)

func (c *compiler) parseExpr(t *table, r row, col, src string) *expr.Expr {
	if strings.TrimSpace(src) == "" {
		return nil
	}
	if xmlEscape.MatchString(src) {
		// Copied from an XForm: the XForm shows these as plain operators, and so does ODK.
		decoded := xmlEscape.ReplaceAllStringFunc(src, html.UnescapeString)
		c.warnf(t, r, col, "XML escapes in %q are read as %q; write the operators themselves", src, decoded)
		src = decoded
	}
	x, err := expr.Parse(src)
	if err == nil {
		err = expr.Check(x)
	}
	if err != nil {
		var se *expr.SyntaxError
		if errors.As(err, &se) {
			c.errorf(t, r, col, "in %q: %s", src, se.Error())
		} else {
			c.errorf(t, r, col, "in %q: %v", src, err)
		}
		return nil
	}
	return x
}

func (c *compiler) rowOf(n *Node) row {
	for _, rs := range c.rows {
		if rs.node == n {
			return rs.r
		}
	}
	return row{}
}

// ownRepeatPaths warns of the first path of x that climbs out of the repeat instance its
// row is in and back down into that repeat (/data/r/x or ../../r/x inside repeat r, no
// filter on r). tracer and ODK Web Forms read every instance there, but ODK Collect
// narrows such a path to the instance the expression is in (JavaRosa contextualizes a
// reference with the multiplicities of its context): sum(/data/r/x) inside r is the total
// in one and this instance's x in the other. n is the row's node.
func (c *compiler) ownRepeatPaths(t *table, r row, col string, x *expr.Expr, n *Node) {
	for _, p := range x.Paths() {
		top := c.form.pathTop[p]
		target := c.form.paths[p]
		if top == nil || target == nil {
			continue
		}
		if col == "choice_filter" && !p.Current {
			// Collect evaluates a choice filter with the choice as its context: only a path
			// from current(), the select, is narrowed to the select's instance.
			continue
		}
		// The outermost repeat below top around both the row and the target: Collect reads
		// only the row's instance of it.
		var rep *Node
		for q := target.Repeat; q != nil && isAncestor(top, q); q = q.Repeat {
			if n == q || isInside(n, q) {
				rep = q
			}
		}
		if rep == nil {
			continue
		}
		c.warnf(t, r, col, "in %q: %s reads every instance of repeat %q in tracer and ODK Web Forms, but only this instance in ODK Collect; compute it in a calculate after end_repeat (${%s} there names every instance in all of them) and read that calculate here",
			x.Src, p, rep.Name, target.Name)
		return
	}
}

// comparedTime returns a time question that x compares with < <= > or >= (self stands for
// "."), or nil.
func (c *compiler) comparedTime(x expr.Node, self *Node) *Node {
	isTime := func(x expr.Node) *Node {
		var n *Node
		switch x := x.(type) {
		case *expr.RefNode:
			n = c.form.byName[x.Name]
		case *expr.PathNode:
			if !x.Absolute && x.Ref == "" && x.Instance == "" && !x.Current && len(x.Steps) == 1 && x.Steps[0] == "." {
				n = self
			} else if x.Ref != "" && len(x.Steps) <= 1 && x.Preds == nil {
				n = c.form.byName[x.Ref]
			} else {
				n = c.form.paths[x]
			}
		}
		if n != nil && n.Type == "time" {
			return n
		}
		return nil
	}
	switch x := x.(type) {
	case *expr.BinaryNode:
		switch x.Op {
		case expr.OpLt, expr.OpLe, expr.OpGt, expr.OpGe:
			if n := isTime(x.L); n != nil {
				return n
			}
			if n := isTime(x.R); n != nil {
				return n
			}
		}
		if n := c.comparedTime(x.L, self); n != nil {
			return n
		}
		return c.comparedTime(x.R, self)
	case *expr.UnaryNode:
		return c.comparedTime(x.X, self)
	case *expr.CallNode:
		for _, a := range x.Args {
			if n := c.comparedTime(a, self); n != nil {
				return n
			}
		}
	}
	return nil
}
