package server

import (
	"bytes"
	"context"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"html/template"
	"io"
	"io/fs"
	"log/slog"
	"maps"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/klauspost/compress/gzip"

	"tracer/forms"
	"tracer/forms/builtin"
	"tracer/survey"
	"tracer/sync/server/webform"
	"tracer/sync/wire"
)

// This file serves self-response links: https://HOST/r/TOKEN opens the study's form for one
// alumnus in a phone's browser, rendered by ODK Web Forms (embedded, see package webform)
// and prefilled from his roster row; what he sends is the next revision of his interview,
// with mode web. A link shows nothing but his own prefilled form, works only while it is
// neither expired nor revoked, and is rate limited per address and per link.

// linkSubmitter is the submitter of every revision sent through a link. No account can
// have this name (account names have no slash), so no laptop can send revisions of it.
const linkSubmitter = "web/link"

// LinkRoutes lists the routes of self-response links; they need no account, the link's
// token is in the path.
var LinkRoutes = []string{
	"GET /r/{token}",
	"GET /r/{token}/form.xml",
	"POST /r/{token}/submission",
	"GET /r/assets/app.js",
}

// linkState is what the server keeps in memory for links: the rate limits and a lock per
// link, so that submissions through one link are numbered one after the other.
type linkState struct {
	// perAddr takes a token of every link request, by client address, and gives it back
	// once the request's token opens a link: it bounds guessing tokens, not alumni.
	perAddr *limiter
	// perAddrOpen bounds the requests that open a link, by client address, far above
	// perAddr: alumni behind one carrier's shared address (a carrier-grade NAT) or one
	// office's answer at once after a broadcast of their links.
	perAddrOpen *limiter
	perLink     *limiter // submissions, by link
	// forms bounds the loads of a link's prefilled form, by link: each is written anew
	// (385 KB for the built-in form) and kept while the client reads it, so without it
	// one link asked from many addresses took memory and CPU by the address.
	forms *limiter
	mu    sync.Mutex
	locks map[string]*linkLock
}

type linkLock struct {
	mu    sync.Mutex
	users int
}

// lock takes the lock of link id and returns the function that frees it.
func (st *linkState) lock(id string) func() {
	st.mu.Lock()
	l := st.locks[id]
	if l == nil {
		l = &linkLock{}
		st.locks[id] = l
	}
	l.users++
	st.mu.Unlock()
	l.mu.Lock()
	return func() {
		l.mu.Unlock()
		st.mu.Lock()
		if l.users--; l.users == 0 {
			delete(st.locks, id)
		}
		st.mu.Unlock()
	}
}

func (s *Server) linkRoutes() {
	s.links = &linkState{
		perAddr:     newLimiter(s.cfg.LinkBurst, s.cfg.LinkEvery, s.cfg.Now),
		perAddrOpen: newLimiter(linkOpenScale*s.cfg.LinkBurst, s.cfg.LinkEvery/linkOpenScale, s.cfg.Now),
		perLink:     newLimiter(5, time.Minute, s.cfg.Now),
		forms:       newLimiter(10, 10*time.Second, s.cfg.Now),
		locks:       map[string]*linkLock{},
	}
	handlers := map[string]func(http.ResponseWriter, *http.Request) error{
		"GET /r/{token}":             s.linkPage,
		"GET /r/{token}/form.xml":    s.linkForm,
		"POST /r/{token}/submission": s.linkSubmission,
		"GET /r/assets/app.js":       s.linkScript,
	}
	for _, p := range LinkRoutes {
		h := handlers[p]
		s.mux.Handle(p, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Referrer-Policy", "no-referrer")
			w.Header().Set("X-Robots-Tag", "noindex, nofollow")
			w.Header().Set("X-Content-Type-Options", "nosniff")
			if s.cfg.Links == nil {
				s.writeLinkError(w, r, survey.Errorf(survey.ENOTFOUND, "This server has no self-response links."))
				return
			}
			if p != "GET /r/assets/app.js" && !s.links.perAddr.allow(clientIP(r)) {
				w.Header().Set("Retry-After", fmt.Sprint(int(s.cfg.LinkEvery.Seconds()+0.5)))
				s.writeLinkError(w, r, linkBusy())
				return
			}
			if err := h(w, r); err != nil {
				if survey.ErrorCode(err) == survey.ERATELIMIT && w.Header().Get("Retry-After") == "" {
					w.Header().Set("Retry-After", fmt.Sprint(int(s.cfg.LinkEvery.Seconds()+0.5)))
				}
				s.writeLinkError(w, r, err)
			}
		}))
	}
}

// writeLinkError answers a link request with the error's message as plain text (the page's
// script shows it) or, for the page itself, as a small HTML page.
func (s *Server) writeLinkError(w http.ResponseWriter, r *http.Request, err error) {
	if answerStarted(w) {
		s.logCutAnswer(r, err)
		return
	}
	code := survey.ErrorCode(err)
	if code == survey.EINTERNAL {
		s.log.LogAttrs(r.Context(), slog.LevelError, "internal error", slog.String("route", r.Pattern), slog.String("err", err.Error()))
	}
	status := statusOf(code)
	msg := storeMessage(err)
	w.Header().Set("Cache-Control", "no-store")
	if r.Method == http.MethodGet && r.Pattern == "GET /r/{token}" {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.WriteHeader(status)
		_ = linkErrorPage.Execute(w, msg)
		return
	}
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.WriteHeader(status)
	_, _ = io.WriteString(w, msg)
}

// statusOf is wire.Status for the link routes.
func statusOf(code string) int {
	switch code {
	case survey.EUNAUTHORIZED:
		return http.StatusGone // a link that does not open: the page says to ask for a new one
	}
	return wire.Status(code)
}

var linkErrorPage = template.Must(template.New("error").Parse(`<!doctype html>
<html lang="id"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Studi penelusuran alumni</title></head>
<body style="font-family: sans-serif; margin: 2em; line-height: 1.5"><p id="tracer-status" class="error">{{.}}</p></body></html>
`))

var linkPageTmpl = template.Must(template.New("page").Parse(`<!doctype html>
<html lang="id"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{.Title}}</title>
<style>
body { margin: 0; font-family: sans-serif; }
#tracer-status { margin: 0; padding: 0.75em 1em; font-size: 1rem; line-height: 1.4; }
#tracer-status:empty { display: none; }
#tracer-status.done { background: #e6f4ea; color: #0d5223; }
#tracer-status.error { background: #fdecea; color: #8a1c12; }
#tracer-status.sending { background: #eef3fb; color: #1c3d6e; }
</style>
</head><body>
<p id="tracer-status" role="status" aria-live="polite"></p>
<div id="tracer-form" data-base="{{.Base}}"><noscript>Aktifkan JavaScript untuk mengisi kuesioner. / Turn on JavaScript to fill in the questionnaire.</noscript></div>
<script id="tracer-texts" type="application/json">{{.Texts}}</script>
<script type="module" src="/r/assets/app.js"></script>
</body></html>
`))

// linkTexts are the page script's messages, Indonesian first.
var linkTexts = map[string]string{
	"loadFailed": "Kuesioner tidak dapat dibuka; coba lagi nanti. / The questionnaire could not be opened; try again later.",
	"sending":    "Mengirim jawaban... / Sending your answers...",
	"network":    "Jawaban belum terkirim: periksa sambungan internet, lalu tekan Kirim lagi. Jawaban Anda masih ada di layar. / Not sent yet: check the internet connection, then press Send again. Your answers are still on screen.",
}

// linkOpenScale is how many times the requests of one client address that open a link may
// come, at once and over time, against those whose token opens none (Config.LinkBurst,
// LinkEvery): 300 at once and five a second by default, room for a few hundred alumni
// behind one shared address, while a client guessing tokens still gets 30 and one every
// 2 s.
const linkOpenScale = 10

// linkBusy is the refusal of a link request over a per-address bound.
func linkBusy() error {
	return survey.Errorf(survey.ERATELIMIT, "Terlalu banyak permintaan; tunggu sebentar lalu coba lagi. / Too many requests; wait a moment and try again.")
}

// openLink opens the link whose token the request's path holds. A token that opens a link
// gives back the per-address token the request took (linkState.perAddr) and takes one of
// the larger bound of requests that open links (perAddrOpen) instead: alumni sharing one
// address are not taken for someone guessing tokens.
func (s *Server) openLink(r *http.Request) (*survey.Link, *survey.Respondent, error) {
	l, p, err := s.cfg.Links.OpenLink(r.Context(), r.PathValue("token"))
	if err != nil {
		return nil, nil, err
	}
	ip := clientIP(r)
	s.links.perAddr.refund(ip)
	if !s.links.perAddrOpen.allow(ip) {
		return nil, nil, linkBusy()
	}
	return l, p, nil
}

// linkPage serves the page of a link: the form is loaded by the script from form.xml.
func (s *Server) linkPage(w http.ResponseWriter, r *http.Request) error {
	l, _, err := s.openLink(r)
	if err != nil {
		return err
	}
	pf, err := s.newestVersion(r.Context(), l.FormID)
	if err != nil {
		return err
	}
	texts, _ := json.Marshal(linkTexts)
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("Content-Security-Policy", "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; connect-src 'self'; font-src 'self' data:; object-src 'none'; base-uri 'none'; frame-ancestors 'none'")
	return linkPageTmpl.Execute(w, map[string]any{
		"Title": pf.Title, "Base": "/r/" + r.PathValue("token"), "Texts": template.JS(texts),
	})
}

// newestVersion returns the newest published version of form id. Returns ENOTFOUND when
// none is published or the form is retired.
func (s *Server) newestVersion(ctx context.Context, id string) (*survey.PublishedForm, error) {
	all, err := s.cfg.Forms.Forms(ctx)
	if err != nil {
		return nil, err
	}
	var newest *survey.PublishedForm
	for _, pf := range all {
		if pf.ID == id {
			newest = pf
		}
	}
	if newest == nil || newest.Retired {
		return nil, survey.Errorf(survey.ENOTFOUND, "Studi ini sudah ditutup. / This study is closed.")
	}
	return newest, nil
}

// linkForm serves the newest version of the link's form as an XForm, prefilled from the
// alumnus's roster row.
func (s *Server) linkForm(w http.ResponseWriter, r *http.Request) error {
	l, p, err := s.openLink(r)
	if err != nil {
		return err
	}
	if !s.links.forms.allow(l.ID) {
		w.Header().Set("Retry-After", "10")
		return survey.Errorf(survey.ERATELIMIT, "Kuesioner ini terlalu sering dibuka; tunggu sebentar lalu muat ulang halaman. / This questionnaire was opened too often; wait a moment, then reload the page.")
	}
	pf, err := s.newestVersion(r.Context(), l.FormID)
	if err != nil {
		return err
	}
	b, _, err := s.xform(r.Context(), pf.ID, pf.Version)
	if err != nil {
		return err
	}
	f, err := s.forms.get(r.Context(), pf.ID, pf.Version)
	if err != nil {
		return err
	}
	vals := p.Values()
	if f.Node(builtin.RosterID) != nil {
		vals[builtin.RosterID] = l.RosterID // the link's alumnus, whatever the roster row says
	}
	// The alumnus answers by himself through the link: the form's mode question is
	// answered "web" and kept off his screen (a value without a control is sent as is).
	web := f.ModeChoice(string(survey.ModeWeb))
	if web {
		vals[forms.ModeQuestion] = string(survey.ModeWeb)
	}
	out, err := PrefillXForm(b, f, vals)
	if err == nil && web {
		out, err = HideXFormControl(out, forms.XFormPath(f.Node(forms.ModeQuestion)))
	}
	if err != nil {
		return survey.Errorf(survey.EINTERNAL, "prefill form %s: %v", pf.ID, err)
	}
	if l.OpenedAt.IsZero() {
		if err := s.cfg.Links.LinkOpened(r.Context(), l); err != nil {
			s.log.LogAttrs(r.Context(), slog.LevelWarn, "record link opened", slog.String("link", l.ID), slog.String("err", err.Error()))
		}
	}
	w.Header().Set("Content-Type", "text/xml; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	// The built-in form's 385 KB (its regencies) are a tenth of that compressed.
	return writeBody(w, r, out)
}

// linkStore returns the server's link store, ENOTFOUND when it keeps none.
func (s *Server) linkStore() (survey.LinkStore, error) {
	if s.cfg.Links == nil {
		return nil, survey.Errorf(survey.ENOTFOUND, "This server keeps no self-response links.")
	}
	return s.cfg.Links, nil
}

// makeLinks makes a supervisor's self-response links and answers with their tokens: the
// only time they are told. Of each alumnus's roster row only his id, name and phone go
// back, what the message to him needs.
func (s *Server) makeLinks(w http.ResponseWriter, r *http.Request, u *survey.User) error {
	links, err := s.linkStore()
	if err != nil {
		return err
	}
	var req wire.LinkRequest
	if err := s.decode(w, r, &req); err != nil {
		return err
	}
	made, err := links.MakeLinks(r.Context(), req.AssignSelector, req.FormID, req.Expires, u.Name)
	if err != nil {
		return err
	}
	for _, nl := range made {
		if p := nl.Respondent; p != nil {
			nl.Respondent = &survey.Respondent{RosterID: p.RosterID, Name: p.Name, Phone: p.Phone}
		}
	}
	s.log.LogAttrs(r.Context(), slog.LevelInfo, "links made", slog.String("user", u.Name), slog.String("form", req.FormID), slog.Int("links", len(made)))
	writeJSON(w, http.StatusCreated, wire.LinksMade{Links: made})
	return nil
}

// listLinks lists every self-response link, without tokens.
func (s *Server) listLinks(w http.ResponseWriter, r *http.Request, _ *survey.User) error {
	links, err := s.linkStore()
	if err != nil {
		return err
	}
	ls, err := links.Links(r.Context())
	if err != nil {
		return err
	}
	if ls == nil {
		ls = []*survey.Link{}
	}
	writeJSON(w, http.StatusOK, wire.LinkList{Links: ls})
	return nil
}

// revokeLink revokes a link by its id: it stops opening at once.
func (s *Server) revokeLink(w http.ResponseWriter, r *http.Request, u *survey.User) error {
	links, err := s.linkStore()
	if err != nil {
		return err
	}
	id := r.PathValue("id")
	if err := links.RevokeLink(r.Context(), id); err != nil {
		return err
	}
	s.log.LogAttrs(r.Context(), slog.LevelInfo, "link revoked", slog.String("user", u.Name), slog.String("link", id))
	writeJSON(w, http.StatusOK, wire.LinkRevoked{ID: id, Revoked: true})
	return nil
}

// linkScript serves the embedded ODK Web Forms bundle. Anyone may ask for it, so it is
// read once: reading it per request copied its 3.4 MB for every client, and slow readers
// each kept their copy for the write timeout (400 of them took 1.2 GB). A browser that
// takes gzip (every phone's does) gets it compressed, 1.3 MB, compressed once: alumni
// open their links on prepaid mobile data.
func (s *Server) linkScript(w http.ResponseWriter, r *http.Request) error {
	get := appScript
	if acceptsGzip(r.Header.Values("Accept-Encoding")) {
		get = appScriptGzip
		w.Header().Set("Content-Encoding", "gzip")
	}
	b, err := get()
	if err != nil {
		w.Header().Del("Content-Encoding")
		return err
	}
	w.Header().Set("Content-Type", "text/javascript; charset=utf-8")
	w.Header().Set("Cache-Control", "public, max-age=3600")
	w.Header().Add("Vary", "Accept-Encoding")
	http.ServeContent(w, r, "app.js", time.Time{}, bytes.NewReader(b))
	return nil
}

// appScript returns the page's script, read from the embedded bundle once.
var appScript = sync.OnceValues(func() ([]byte, error) { return fs.ReadFile(webform.Assets, "app.js") })

// appScriptGzip returns appScript gzip-compressed, compressed once.
var appScriptGzip = sync.OnceValues(func() ([]byte, error) {
	b, err := appScript()
	if err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	zw, err := gzip.NewWriterLevel(&buf, gzip.BestCompression)
	if err != nil {
		return nil, err
	}
	if _, err := zw.Write(b); err != nil {
		return nil, err
	}
	if err := zw.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
})

// acceptsGzip reports whether Accept-Encoding header values take gzip: a "gzip" coding
// whose weight is not 0, else a "*" whose weight is not 0 (RFC 9110, 12.5.3).
func acceptsGzip(values []string) bool {
	gz, star := -1.0, -1.0
	for _, v := range values {
		for part := range strings.SplitSeq(v, ",") {
			name, params, _ := strings.Cut(part, ";")
			q := 1.0
			for p := range strings.SplitSeq(params, ";") {
				k, v, ok := strings.Cut(strings.TrimSpace(p), "=")
				if ok && strings.EqualFold(strings.TrimSpace(k), "q") {
					if f, err := strconv.ParseFloat(strings.TrimSpace(v), 64); err == nil {
						q = f
					}
				}
			}
			switch strings.ToLower(strings.TrimSpace(name)) {
			case "gzip", "x-gzip":
				gz = max(gz, q)
			case "*":
				star = max(star, q)
			}
		}
	}
	return gz > 0 || gz < 0 && star > 0
}

// linkSubmission stores what the alumnus sent through his link as the next revision of his
// interview, with mode web. The same answers as the latest revision again (a double tap, a
// resend) store nothing and answer that they are already there.
func (s *Server) linkSubmission(w http.ResponseWriter, r *http.Request) error {
	l, _, err := s.openLink(r)
	if err != nil {
		return err
	}
	if !s.links.perLink.allow(l.ID) {
		w.Header().Set("Retry-After", "60")
		return survey.Errorf(survey.ERATELIMIT, "Terlalu banyak kiriman lewat tautan ini; tunggu satu menit. / Too many submissions through this link; wait a minute.")
	}
	if r.ContentLength > s.cfg.MaxBody {
		return s.linkTooLarge()
	}
	// One decoding slot like any request with a body, as the link's own account, once the
	// body has arrived (within LinkBodyTime): a second submission through the same link
	// waits its turn. Bodies through links together hold fewer slots than there are
	// (Server.linkSlots) and a quarter of the receiving budgets: a link is in an alumnus's
	// hands, and his slow or forged bodies must not keep laptops and phones from syncing.
	_ = http.NewResponseController(w).SetReadDeadline(time.Now().Add(s.cfg.LinkBodyTime))
	release, err := s.admitIn(w, r, linkSubmitter+"/"+l.ID, s.linkSlots)
	if err != nil {
		w.Header().Set("Retry-After", "5")
		return err
	}
	defer release()
	doc, files, err := s.readSubmission(w, r)
	if survey.ErrorCode(err) == survey.ETOOLARGE {
		return s.linkTooLarge()
	} else if err != nil {
		return err
	}
	ctx := r.Context()
	rec, _, err := s.recordFromInstance(ctx, doc, l.CreatedBy, "")
	if err != nil {
		return err
	}
	if err := refuseFiles(rec, files); err != nil {
		return err
	}
	if rec.FormID != l.FormID {
		return survey.Errorf(survey.EINVALID, "This link is for form %s, not %s.", l.FormID, rec.FormID)
	}
	f, err := s.forms.get(ctx, rec.FormID, rec.FormVersion)
	if err != nil {
		return err
	}
	if n := f.Node(builtin.RosterID); n != nil && n.Repeat == nil {
		switch got := rec.Answers[n.Path()]; got {
		case l.RosterID:
		case "":
			rec.Answers[n.Path()] = l.RosterID
		default:
			return survey.Errorf(survey.EFORBIDDEN, "Tautan ini hanya untuk satu alumni. / This link is for one alumnus only.")
		}
	}
	rec.ID, rec.RespondentID, rec.Mode, rec.Device = l.InterviewID, l.RosterID, survey.CaptureWeb, ""
	rec.Lang = "id"
	if lang, ok := f.MatchLang("id"); !ok || lang == "" {
		rec.Lang = ""
	}

	unlock := s.links.lock(l.ID)
	defer unlock()
	rev, err := s.cfg.Links.NextRevision(ctx, l)
	if err != nil {
		return err
	}
	if rev > 1 {
		prev, err := s.cfg.Submissions.Get(ctx, l.InterviewID, rev-1)
		if err != nil {
			return err
		}
		if old, err := survey.DecodeRecord(prev.Body); err == nil && old.FormVersion == rec.FormVersion && maps.Equal(old.Answers, rec.Answers) {
			writeLinkText(w, http.StatusOK, "Jawaban ini sudah kami terima sebelumnya. Terima kasih! / We already have these answers. Thank you!")
			return nil
		}
	}
	if rev > s.cfg.LinkRevisions {
		n := strconv.Itoa(s.cfg.LinkRevisions)
		s.log.LogAttrs(ctx, slog.LevelWarn, "link submission refused: too many revisions", slog.String("link", l.ID), slog.String("interview", rec.ID))
		return survey.Errorf(survey.EFORBIDDEN, "Jawaban lewat tautan ini sudah dikirim %s kali; kiriman ini tidak disimpan. Hubungi BLK bila ada yang perlu diubah. / Answers were sent through this link %s times already; this one was not saved. Contact the training centre if something must change.",
			n, n)
	}
	rec.Revision = rev
	rc, err := s.storeRecord(ctx, rec, &survey.User{Name: linkSubmitter, Role: survey.RoleSupervisor}, time.Time{}, "", nil)
	if err != nil {
		return err
	}
	switch rc.Status {
	case survey.ReceiptStored:
		if err := s.cfg.Links.LinkUsed(ctx, l, rev); err != nil {
			return err
		}
	case survey.ReceiptDuplicate:
	default:
		return survey.Errorf(cmpCode(rc.Code), "%s", rc.Message)
	}
	s.log.LogAttrs(ctx, slog.LevelInfo, "link submission", slog.String("link", l.ID), slog.String("interview", rec.ID),
		slog.Int("revision", rev), slog.String("status", string(rc.Status)))
	writeLinkText(w, http.StatusCreated, "Terima kasih! Jawaban Anda sudah tersimpan. Anda boleh menutup halaman ini. / Thank you! Your answers are saved. You may close this page.")
	return nil
}

// linkTooLarge is the answer to a submission through a link over the server's limit, which
// the page shows to the alumnus: his answers stay on his screen.
func (s *Server) linkTooLarge() error {
	size := fmt.Sprintf("%d KB", s.cfg.MaxBody>>10)
	if s.cfg.MaxBody >= 1<<20 {
		size = fmt.Sprintf("%d MB", s.cfg.MaxBody>>20)
	}
	return survey.Errorf(survey.ETOOLARGE, "Kiriman terlalu besar (lebih dari %s) dan belum tersimpan; hapus foto atau berkas lampiran, lalu tekan Kirim lagi. / The submission is too large (over %s) and was not saved; remove photos or attached files, then press Send again.", size, size)
}

// cmpCode is code, or ECONFLICT when empty.
func cmpCode(code string) string {
	if code == "" {
		return survey.ECONFLICT
	}
	return code
}

func writeLinkText(w http.ResponseWriter, status int, msg string) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_, _ = io.WriteString(w, msg)
}

// PrefillXForm returns xform (an XForm of f) with the primary instance's values set from
// vals, keyed by question name (or path): the form opens with them as its defaults. Only
// questions outside repeats are prefilled. The rest of the document is kept byte for byte.
func PrefillXForm(xform []byte, f *forms.Form, vals map[string]string) ([]byte, error) {
	want := map[string]string{} // instance path below the root -> value
	for _, n := range f.Nodes {
		if n.Repeat != nil || n.IsGroup() {
			continue
		}
		v, ok := vals[n.Path()]
		if !ok {
			v, ok = vals[n.Name]
		}
		if ok && v != "" {
			want[n.Path()] = v
		}
	}
	dec := xml.NewDecoder(bytes.NewReader(xform))
	var out bytes.Buffer
	copied := int64(0)
	var path []string
	inModel, inInstance, done := false, false, false
	depth := 0 // depth inside the primary instance: 1 is its root element
	var start int64
	target := ""
	for !done {
		before := dec.InputOffset()
		tok, err := dec.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, err
		}
		switch t := tok.(type) {
		case xml.StartElement:
			switch {
			case inInstance:
				depth++
				if depth > 1 {
					path = append(path, t.Name.Local)
				}
				target = ""
				if v, ok := want[strings.Join(path, "/")]; ok && depth > 1 {
					target, start = v, before
				}
			case inModel && t.Name.Local == "instance" && !hasAttr(t, "id"):
				inInstance = true
			case t.Name.Local == "model":
				inModel = true
			}
		case xml.EndElement:
			if !inInstance {
				continue
			}
			if depth == 0 {
				done = true
				continue
			}
			if target != "" {
				name := path[len(path)-1]
				out.Write(xform[copied:start])
				out.WriteString("<" + name + ">")
				_ = xml.EscapeText(&out, []byte(target))
				out.WriteString("</" + name + ">")
				copied = dec.InputOffset()
				target = ""
			}
			if depth > 1 {
				path = path[:len(path)-1]
			}
			depth--
		}
	}
	out.Write(xform[copied:])
	return out.Bytes(), nil
}

// HideXFormControl returns xform without the body control (the question's element with
// its label, hint and items) whose ref is path: its node stays in the instance with its
// value and binds, is sent with the rest, and is never shown. The rest of the document is
// kept byte for byte.
func HideXFormControl(xform []byte, path string) ([]byte, error) {
	dec := xml.NewDecoder(bytes.NewReader(xform))
	var out bytes.Buffer
	copied := int64(0)
	inModel := false
	for {
		before := dec.InputOffset()
		tok, err := dec.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, err
		}
		switch t := tok.(type) {
		case xml.StartElement:
			if t.Name.Local == "model" {
				inModel = true
				continue
			}
			if inModel || attr(t, "ref") != path {
				continue
			}
			if err := dec.Skip(); err != nil {
				return nil, err
			}
			out.Write(xform[copied:before])
			copied = dec.InputOffset()
		case xml.EndElement:
			if t.Name.Local == "model" {
				inModel = false
			}
		}
	}
	out.Write(xform[copied:])
	return out.Bytes(), nil
}

// attr is the value of t's attribute named name, "" when it has none.
func attr(t xml.StartElement, name string) string {
	for _, a := range t.Attr {
		if a.Name.Local == name {
			return a.Value
		}
	}
	return ""
}

func hasAttr(t xml.StartElement, name string) bool {
	for _, a := range t.Attr {
		if a.Name.Local == name {
			return true
		}
	}
	return false
}
