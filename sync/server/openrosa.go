package server

import (
	"bytes"
	"context"
	"crypto/md5"
	"encoding/hex"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"mime"
	"mime/multipart"
	"net/http"
	"net/url"
	"os"
	"path"
	"strconv"
	"strings"
	"time"

	"tracer/forms"
	"tracer/forms/builtin"
	"tracer/survey"
	"tracer/sync/wire"
)

// This file is the OpenRosa side of the server, for ODK Collect: the form list, each form's
// manifest and XForm, and submissions. Collect is given a server URL that holds the
// account's token, https://HOST/v1/key/TOKEN, as ODK Central gives app users, and adds
// /formList and /submission to it. A submission is an XForm instance (multipart/form-data,
// the part xml_submission_file); the server reads it into a record of the form version it
// names, checks it with the form engine like a laptop's push and stores it with the same
// receipts, its instanceID being the interview's id.

// OpenRosaRoutes lists the OpenRosa routes with the roles they serve: the token is in the
// path, and errors are OpenRosa XML responses.
var OpenRosaRoutes = []Route{
	{"GET /v1/key/{token}/formList", collectors},
	{"GET /v1/key/{token}/forms/{id}/{version}/form.xml", collectors},
	{"GET /v1/key/{token}/forms/{id}/{version}/manifest", collectors},
	{"GET /v1/key/{token}/forms/{id}/{version}/" + RosterFile, collectors},
	{"GET /v1/key/{token}/forms/{id}/{version}/media/{file}", collectors},
	{"HEAD /v1/key/{token}/submission", collectors},
	{"POST /v1/key/{token}/submission", collectors},
}

// MaxXMLSubmission is the most bytes the XML instance of one submission may have.
const MaxXMLSubmission = 2 << 20

func (s *Server) openRosaRoutes() {
	handlers := map[string]handlerFunc{
		"GET /v1/key/{token}/formList":                           s.formList,
		"GET /v1/key/{token}/forms/{id}/{version}/form.xml":      s.xformDownload,
		"GET /v1/key/{token}/forms/{id}/{version}/manifest":      s.manifest,
		"GET /v1/key/{token}/forms/{id}/{version}/" + RosterFile: s.rosterDownload,
		"GET /v1/key/{token}/forms/{id}/{version}/media/{file}":  s.attachmentDownload,
		"HEAD /v1/key/{token}/submission":                        s.submissionPreflight,
		"POST /v1/key/{token}/submission":                        s.submission,
	}
	for _, rt := range OpenRosaRoutes {
		h := handlers[rt.Pattern]
		if h == nil {
			panic("server: no handler for " + rt.Pattern)
		}
		s.mux.Handle(rt.Pattern, s.openRosaGuard(rt.Roles, h))
	}
}

// openRosaGuard authenticates the token of the path, checks the role, sets the OpenRosa
// headers and writes an error as an OpenRosa response.
func (s *Server) openRosaGuard(roles []survey.Role, h handlerFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("X-OpenRosa-Version", "1.0")
		w.Header().Set("Date", s.cfg.Now().UTC().Format(http.TimeFormat))
		u, err := s.cfg.Users.Authenticate(r.Context(), r.PathValue("token"))
		if err == nil {
			if sw, ok := w.(*statusWriter); ok {
				sw.user = u.Name
			}
			if !hasRole(roles, u.Role) {
				err = survey.Errorf(survey.EFORBIDDEN, "The %s role may not do this.", u.Role)
			}
		}
		if err == nil {
			var leave func()
			if leave, err = s.enter(u.Name); err == nil {
				defer leave()
				err = h(w, r, u)
			} else {
				w.Header().Set("Retry-After", "5")
			}
		}
		if err != nil {
			s.writeOpenRosaError(w, r, err)
		}
	})
}

// openRosaResponse is the OpenRosa response envelope, whose message Collect shows.
type openRosaResponse struct {
	XMLName xml.Name `xml:"http://openrosa.org/http/response OpenRosaResponse"`
	Message struct {
		Nature string `xml:"nature,attr,omitempty"`
		Text   string `xml:",chardata"`
	} `xml:"message"`
}

func writeOpenRosa(w http.ResponseWriter, status int, nature, msg string) {
	writeOpenRosaBody(w, status, openRosaBody(nature, msg))
}

// openRosaBody is the OpenRosa response document with a message.
func openRosaBody(nature, msg string) []byte {
	var resp openRosaResponse
	resp.Message.Nature, resp.Message.Text = nature, msg
	b, _ := xml.Marshal(resp) // a struct of strings always marshals
	return append([]byte(xml.Header), b...)
}

func writeOpenRosaBody(w http.ResponseWriter, status int, body []byte) {
	w.Header().Set("Content-Type", "text/xml; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_, _ = w.Write(body)
}

func (s *Server) writeOpenRosaError(w http.ResponseWriter, r *http.Request, err error) {
	code := survey.ErrorCode(err)
	if code == survey.EINTERNAL {
		s.log.LogAttrs(r.Context(), slog.LevelError, "internal error", slog.String("route", r.Pattern), slog.String("err", err.Error()))
	}
	status := wire.Status(code)
	if status == http.StatusRequestEntityTooLarge || status == http.StatusBadRequest {
		w.Header().Set("Connection", "close")
	}
	if r.Method == http.MethodHead {
		w.WriteHeader(status)
		return
	}
	writeOpenRosa(w, status, "error", storeMessage(err))
}

// baseURL is the URL Collect reached this server at, with the token path: the prefix of the
// URLs the form list gives.
func baseURL(r *http.Request) string {
	scheme := "http"
	if r.TLS != nil || r.Header.Get("X-Forwarded-Proto") == "https" {
		scheme = "https"
	}
	return scheme + "://" + r.Host + "/v1/key/" + url.PathEscape(r.PathValue("token"))
}

// xform returns the XForm of a published version and its OpenRosa hash ("md5:...").
func (s *Server) xform(ctx context.Context, id, version string) ([]byte, string, error) {
	return s.xformFor(ctx, id, version, nil)
}

// xformFor returns the XForm of a published version that chooses its respondent as roster
// says (the plain XForm when roster is nil), and its OpenRosa hash.
func (s *Server) xformFor(ctx context.Context, id, version string, roster *forms.XFormRoster) ([]byte, string, error) {
	k := xformKey{id: id, version: version}
	if roster != nil {
		k.roster = roster.File + ":" + roster.Key + ":" + strings.Join(roster.Columns, ",")
	}
	s.xformMu.Lock()
	x, ok := s.xforms[k]
	s.xformMu.Unlock()
	if ok {
		return x.doc, x.hash, nil
	}
	f, err := s.forms.get(ctx, id, version)
	if err != nil {
		return nil, "", err
	}
	b, err := s.cfg.XForm(f, roster)
	if err != nil {
		return nil, "", survey.Errorf(survey.EINTERNAL, "Form %s version %s cannot be written as an XForm: %v", id, version, err)
	}
	x = cachedXForm{doc: b, hash: md5Hash(b)}
	s.xformMu.Lock()
	s.xforms[k] = x
	s.xformMu.Unlock()
	return x.doc, x.hash, nil
}

// md5Hash is OpenRosa's hash of a file: "md5:" and the hex MD5 of its bytes.
func md5Hash(b []byte) string {
	sum := md5.Sum(b)
	return "md5:" + hex.EncodeToString(sum[:])
}

// xformKey names a cached XForm: a published version, and for Collect's variant the roster
// attachment it reads ("" for the plain XForm).
type xformKey struct{ id, version, roster string }

// cachedXForm is a published version written as an XForm, once: a version never changes.
type cachedXForm struct {
	doc  []byte
	hash string
}

type xformsList struct {
	XMLName xml.Name      `xml:"http://openrosa.org/xforms/xformsList xforms"`
	Forms   []xformsEntry `xml:"xform"`
}

type xformsEntry struct {
	FormID      string `xml:"formID"`
	Name        string `xml:"name"`
	Version     string `xml:"version"`
	Hash        string `xml:"hash"`
	DownloadURL string `xml:"downloadUrl"`
	ManifestURL string `xml:"manifestUrl"`
}

// formList answers OpenRosa's form list: the newest version of every form not retired.
// formID=X lists only that form.
func (s *Server) formList(w http.ResponseWriter, r *http.Request, u *survey.User) error {
	all, err := s.cfg.Forms.Forms(r.Context())
	if err != nil {
		return err
	}
	newest := map[string]*survey.PublishedForm{}
	var order []string
	for _, pf := range all { // by id and publication: the last of an id is its newest
		if pf.Retired {
			continue
		}
		if _, ok := newest[pf.ID]; !ok {
			order = append(order, pf.ID)
		}
		newest[pf.ID] = pf
	}
	only := r.URL.Query().Get("formID")
	list := xformsList{Forms: []xformsEntry{}}
	base := baseURL(r)
	var rows []*survey.Respondent
	rowsRead := false
	readRows := func() ([]*survey.Respondent, error) { // once, for the forms whose file is not kept
		if !rowsRead {
			read, err := s.collectRows(r.Context(), u)
			if err != nil {
				return nil, err
			}
			rows, rowsRead = read, true
		}
		return rows, nil
	}
	for _, id := range order {
		pf := newest[id]
		if only != "" && id != only {
			continue
		}
		f, err := s.forms.get(r.Context(), pf.ID, pf.Version)
		if err != nil {
			return err
		}
		cf, err := s.collectFile(r.Context(), f, u, readRows)
		if err != nil {
			return err
		}
		_, hash, err := s.xformFor(r.Context(), pf.ID, pf.Version, cf.spec)
		if err != nil {
			return err
		}
		u := base + "/forms/" + url.PathEscape(pf.ID) + "/" + url.PathEscape(pf.Version)
		name := pf.Title
		if name == "" {
			name = pf.ID
		}
		list.Forms = append(list.Forms, xformsEntry{FormID: pf.ID, Name: name, Version: pf.Version, Hash: hash,
			DownloadURL: u + "/form.xml", ManifestURL: u + "/manifest"})
	}
	return writeXML(w, http.StatusOK, list)
}

func writeXML(w http.ResponseWriter, status int, v any) error {
	b, err := xml.MarshalIndent(v, "", "  ")
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "text/xml; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_, _ = io.WriteString(w, xml.Header)
	_, _ = w.Write(b)
	return nil
}

func (s *Server) xformDownload(w http.ResponseWriter, r *http.Request, u *survey.User) error {
	f, cf, err := s.collectForm(r, u)
	if err != nil {
		return err
	}
	b, _, err := s.xformFor(r.Context(), f.ID, f.Version, cf.spec)
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "text/xml; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	_ = writeBody(w, r, b) // the client is gone if this fails; nothing to do
	return nil
}

type xformsManifest struct {
	XMLName xml.Name    `xml:"http://openrosa.org/xforms/xformsManifest manifest"`
	Files   []mediaFile `xml:"mediaFile"`
}

type mediaFile struct {
	Filename    string `xml:"filename"`
	Hash        string `xml:"hash"`
	DownloadURL string `xml:"downloadUrl"`
}

// manifest answers a form's OpenRosa manifest: the account's roster file when the form
// chooses its respondent from the roster, and the data files the form reads (published
// with it in its bundle: select_one_from_file, pulldata, instance()).
func (s *Server) manifest(w http.ResponseWriter, r *http.Request, u *survey.User) error {
	f, cf, err := s.collectForm(r, u)
	if err != nil {
		return err
	}
	spec := cf.spec
	m := xformsManifest{Files: []mediaFile{}}
	base := baseURL(r) + "/forms/" + url.PathEscape(f.ID) + "/" + url.PathEscape(f.Version) + "/"
	if spec != nil {
		m.Files = append(m.Files, mediaFile{Filename: spec.File, Hash: cf.hash, DownloadURL: base + spec.File})
	}
	for _, a := range f.Attachments {
		if spec != nil && a.Name == spec.File {
			continue // the roster file of the account is the one Collect gets
		}
		m.Files = append(m.Files, mediaFile{Filename: a.Name, Hash: md5Hash(a.Data), DownloadURL: base + "media/" + url.PathEscape(a.Name)})
	}
	return writeXML(w, http.StatusOK, m)
}

// attachmentDownload serves a data file of a form's manifest.
func (s *Server) attachmentDownload(w http.ResponseWriter, r *http.Request, _ *survey.User) error {
	f, err := s.forms.get(r.Context(), r.PathValue("id"), r.PathValue("version"))
	if err != nil {
		return err
	}
	name := r.PathValue("file")
	for _, a := range f.Attachments {
		if a.Name == name {
			ct := "text/csv; charset=utf-8"
			if strings.EqualFold(path.Ext(name), ".xml") {
				ct = "text/xml; charset=utf-8"
			}
			mediaHeaders(w, ct, a.Name, len(a.Data))
			return writeBody(w, r, a.Data)
		}
	}
	return survey.Errorf(survey.ENOTFOUND, "Form %s version %s has no file %q.", f.ID, f.Version, name)
}

// mediaHeaders sets the headers of a file of a form's manifest. A file is data, never a
// page: a browser that opens its address (which holds a Collect token) downloads it, and
// runs no script an XML file a supervisor published may hold.
func mediaHeaders(w http.ResponseWriter, contentType, name string, size int) {
	h := w.Header()
	h.Set("Content-Type", contentType)
	h.Set("Content-Length", strconv.Itoa(size))
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Content-Security-Policy", "sandbox; default-src 'none'")
	h.Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": name}))
}

// submissionPreflight answers Collect's HEAD before a submission: 204 with the largest body
// the server takes.
func (s *Server) submissionPreflight(w http.ResponseWriter, _ *http.Request, _ *survey.User) error {
	w.Header().Set("X-OpenRosa-Accept-Content-Length", fmt.Sprint(s.cfg.MaxBody))
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// submission stores one Collect submission: the XML instance is read within its limit,
// and the instance becomes revision 1 of the interview its instanceID names, checked and
// stored as a laptop's push is. tracer keeps no media files: a submission that carries one
// (a photo, a recording, a signature) is refused, naming the file and its question, so
// that nothing is dropped unseen; Collect keeps it on the phone. Stored: 201; the same submission again: 201 (harmless); another
// content under a stored instanceID: 202, kept apart and flagged for the supervisor.
func (s *Server) submission(w http.ResponseWriter, r *http.Request, u *survey.User) error {
	if r.ContentLength > s.cfg.MaxBody {
		return survey.Errorf(survey.ETOOLARGE, "The submission has %d bytes; this server takes at most %d (attachments included).", r.ContentLength, s.cfg.MaxBody)
	}
	release, err := s.admit(w, r, u.Name)
	if err != nil {
		w.Header().Set("Retry-After", "5")
		return err
	}
	defer release()
	xmlDoc, files, err := s.readSubmission(w, r)
	if err != nil {
		return err
	}
	ctx := r.Context()
	device := r.URL.Query().Get("deviceID")
	rec, deprecated, err := s.recordFromInstance(ctx, xmlDoc, u.Name, device)
	if err != nil {
		return err
	}
	if err := refuseFiles(rec, files); err != nil {
		return err
	}
	rec.Mode = survey.CaptureCollect
	if err := s.checkRespondent(ctx, rec); err != nil {
		return err
	}
	instanceID := rec.ID
	if err := s.placeInstance(ctx, rec, deprecated); err != nil {
		return err
	}
	// An edit's instanceID is recorded with its revision, in one transaction. The account's
	// turn is handed on once the record is checked, as a push's is, so that the submissions
	// of phones sharing the account are stored in one group commit.
	rc, err := s.storeRecord(ctx, rec, u, deviceTime(r), instanceID, release)
	if err != nil {
		return err
	}
	s.log.LogAttrs(ctx, slog.LevelInfo, "collect submission", slog.String("user", u.Name), slog.String("interview", rec.ID),
		slog.String("status", string(rc.Status)))
	return answerReceipt(w, rc)
}

// placeInstance makes rec, read from a Collect instance whose instanceID is rec.ID, the
// revision it is: the one it was stored as before (a resend), or, for an edit (deprecated
// names the instance it edits), the next revision of the edited instance's interview, which
// keeps its id. The same content as that interview's latest revision is that revision (a
// resend whose index entry was lost). An edit of an instance this server never received
// stands for it: revision 1 under the edited instance's id, so that the original, if it
// ever comes, is kept beside it and flagged. Without an index, only edits of an interview's
// first instance are recognised.
func (s *Server) placeInstance(ctx context.Context, rec *survey.Record, deprecated string) error {
	idx, _ := s.cfg.Submissions.(survey.InstanceIndex)
	lookup := func(instanceID string) (string, int, error) {
		if idx != nil {
			id, rev, err := idx.Instance(ctx, instanceID)
			if survey.ErrorCode(err) != survey.ENOTFOUND {
				return id, rev, err
			}
		}
		if _, err := s.cfg.Submissions.Get(ctx, instanceID, 1); err != nil {
			return "", 0, err
		}
		return instanceID, 1, nil
	}
	if idx != nil {
		if id, rev, err := idx.Instance(ctx, rec.ID); err == nil {
			rec.ID, rec.Revision = id, rev
			return nil
		} else if survey.ErrorCode(err) != survey.ENOTFOUND {
			return err
		}
	}
	if deprecated == "" {
		return nil
	}
	id, _, err := lookup(deprecated)
	if survey.ErrorCode(err) == survey.ENOTFOUND {
		rec.ID, rec.Revision = deprecated, 1
		return nil
	} else if err != nil {
		return err
	}
	latest := 1
	for {
		if _, err := s.cfg.Submissions.Get(ctx, id, latest+1); survey.ErrorCode(err) == survey.ENOTFOUND {
			break
		} else if err != nil {
			return err
		}
		latest++
	}
	prev, err := s.cfg.Submissions.Get(ctx, id, latest)
	if err != nil {
		return err
	}
	rec.ID, rec.Revision = id, latest
	if h, err := rec.Hash(); err == nil && h == prev.Hash {
		return nil
	}
	rec.Revision = latest + 1
	return nil
}

// refuseFiles refuses a submission that carries files, naming the first file and the
// question whose answer it is.
func refuseFiles(rec *survey.Record, files []string) error {
	if len(files) == 0 {
		return nil
	}
	question := ""
	for p, v := range rec.Answers {
		if v == files[0] && (question == "" || p < question) {
			question = p
		}
	}
	where := ""
	if question != "" {
		where = " (the answer to " + question + ")"
	}
	return survey.Errorf(survey.EINVALID, "Server tracer tidak menyimpan foto atau berkas lain (%s): kiriman ini tidak disimpan. / The submission carries %d file{s}, first %s%s: tracer keeps no photos or other files, so it is not stored; remove the media question from the form or leave it empty.",
		files[0], len(files), files[0], where)
}

// The answers to a stored, a duplicate and a conflicting submission, written once.
var (
	storedBody    = openRosaBody("submit_success", "Tersimpan di server tracer. / Stored on the tracer server.")
	duplicateBody = openRosaBody("submit_success", "Sudah diterima sebelumnya; tidak ada yang berubah. / Already received; nothing changed.")
	conflictBody  = openRosaBody("submit_success",
		"Isi lain dengan instanceID ini sudah ada: keduanya disimpan dan ditandai untuk supervisor. / Another content with this instanceID was received before: both are kept and flagged for the supervisor.")
)

// answerReceipt writes the OpenRosa answer for a receipt of a stored or refused submission.
func answerReceipt(w http.ResponseWriter, rc survey.Receipt) error {
	switch rc.Status {
	case survey.ReceiptStored:
		writeOpenRosaBody(w, http.StatusCreated, storedBody)
	case survey.ReceiptDuplicate:
		writeOpenRosaBody(w, http.StatusCreated, duplicateBody)
	case survey.ReceiptConflict:
		writeOpenRosaBody(w, http.StatusAccepted, conflictBody)
	default:
		return survey.Errorf(rc.Code, "%s", rc.Message)
	}
	return nil
}

// deviceTime reads the device's clock from the Date header, zero when absent or unreadable.
func deviceTime(r *http.Request) time.Time {
	for _, layout := range []string{http.TimeFormat, time.RFC1123Z, time.RFC3339, "2006-01-02T15:04:05-0700"} {
		if t, err := time.Parse(layout, r.Header.Get("Date")); err == nil {
			return t.UTC()
		}
	}
	return time.Time{}
}

// readSubmission reads a multipart submission: the XML instance (at most MaxXMLSubmission
// bytes) and the names of the files sent with it (photos and other media), which are read
// to the end of the body and not kept. The whole body is bounded by MaxBody while it is
// read, so memory stays bounded whatever is sent.
func (s *Server) readSubmission(w http.ResponseWriter, r *http.Request) ([]byte, []string, error) {
	mt, params, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil || mt != "multipart/form-data" || params["boundary"] == "" {
		return nil, nil, survey.Errorf(survey.EINVALID, "A submission is multipart/form-data with the instance in the part xml_submission_file.")
	}
	// Collect and the link page send submissions uncompressed; a compressed one read as it
	// came was refused as a malformed multipart body ("bufio: buffer full").
	if enc := strings.TrimSpace(r.Header.Get("Content-Encoding")); enc != "" && !strings.EqualFold(enc, "identity") {
		return nil, nil, survey.Errorf(survey.EINVALID, "A submission is sent uncompressed, not with Content-Encoding %q.", enc)
	}
	body := http.MaxBytesReader(w, r.Body, s.cfg.MaxBody)
	mr := multipart.NewReader(body, params["boundary"])
	var doc []byte
	var files []string
	tooLarge := func(err error) error {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return survey.Errorf(survey.ETOOLARGE, "The submission is over %d bytes (attachments included): tracer keeps no photos or other files; remove them from the form.", s.cfg.MaxBody)
		}
		if errors.Is(err, os.ErrDeadlineExceeded) {
			return survey.Errorf(survey.EINVALID, "Kiriman terlalu lama sampai dan belum tersimpan; tekan Kirim lagi. / The submission took too long to arrive and was not saved; send it again.")
		}
		return nil
	}
	for {
		part, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			if e := tooLarge(err); e != nil {
				return nil, nil, e
			}
			return nil, nil, survey.Errorf(survey.EINVALID, "The multipart body is malformed: %v.", err)
		}
		if part.FormName() == "xml_submission_file" && doc == nil {
			b, err := io.ReadAll(io.LimitReader(part, MaxXMLSubmission+1))
			if err != nil {
				if e := tooLarge(err); e != nil {
					return nil, nil, e
				}
				return nil, nil, survey.Errorf(survey.EINVALID, "The multipart body is malformed: %v.", err)
			}
			if len(b) > MaxXMLSubmission {
				return nil, nil, survey.Errorf(survey.ETOOLARGE, "The XML instance is over %d bytes.", MaxXMLSubmission)
			}
			doc = b
			continue
		}
		if name := part.FileName(); name != "" {
			files = append(files, name)
		}
		if _, err := io.Copy(io.Discard, part); err != nil {
			if e := tooLarge(err); e != nil {
				return nil, nil, e
			}
			return nil, nil, survey.Errorf(survey.EINVALID, "The multipart body is malformed: %v.", err)
		}
	}
	if doc == nil {
		return nil, nil, survey.Errorf(survey.EINVALID, "The submission has no part xml_submission_file holding the instance.")
	}
	return doc, files, nil
}

// recordFromInstance reads an XML instance into revision 1 of the record its instanceID
// names, of the published form version it names, captured by the account enumerator on
// device (the deviceid metadata of the form when device is empty), and returns the
// instanceID of the instance it edits (meta/deprecatedID without "uuid:", "" for none). It
// checks nothing the form engine checks: storeRecord does.
func (s *Server) recordFromInstance(ctx context.Context, doc []byte, enumerator, device string) (*survey.Record, string, error) {
	in, err := forms.ReadInstance(bytes.NewReader(doc))
	if err != nil {
		return nil, "", survey.Errorf(survey.EINVALID, "The XML instance cannot be read: %v.", err)
	}
	f, err := s.forms.get(ctx, in.FormID, in.Version)
	if survey.ErrorCode(err) == survey.ENOTFOUND {
		return nil, "", survey.Errorf(survey.ENOTFOUND, "Form %q version %q is not published on this server: download the form again in Collect (Get Blank Form).", in.FormID, in.Version)
	} else if err != nil {
		return nil, "", err
	}
	answers, err := in.Answers(f)
	if err != nil {
		return nil, "", survey.Errorf(survey.EINVALID, "The XML instance does not fit the published form: %v.", err)
	}
	id := strings.TrimPrefix(in.InstanceID, "uuid:")
	if !usableInstanceID(id) {
		return nil, "", survey.Errorf(survey.EINVALID, "The instance has no usable meta/instanceID (1 to 128 characters, no spaces, slashes or control characters).")
	}
	deprecated := strings.TrimPrefix(in.DeprecatedID, "uuid:")
	if deprecated != "" && (!usableInstanceID(deprecated) || deprecated == id) {
		return nil, "", survey.Errorf(survey.EINVALID, "The instance's meta/deprecatedID is not the usable instanceID of another instance.")
	}
	rec := &survey.Record{ID: id, Revision: 1, FormID: f.ID, FormVersion: f.Version, FormHash: f.Hash,
		Enumerator: enumerator, Answers: make(map[string]string, len(answers))}
	for _, a := range answers {
		rec.Answers[a.Path] = a.Value
	}
	for _, n := range f.Nodes {
		if n.Kind != forms.KindMeta || n.Repeat != nil {
			continue
		}
		v := rec.Answers[n.Path()]
		switch n.Type {
		case "start":
			rec.StartedAt = parseODKTime(v)
		case "end":
			rec.FinalizedAt = parseODKTime(v)
		case "deviceid":
			if device == "" {
				device = v
			}
		}
	}
	if rec.FinalizedAt.IsZero() {
		rec.FinalizedAt = rec.StartedAt
	}
	if rec.StartedAt.IsZero() {
		rec.StartedAt = rec.FinalizedAt
	}
	if rec.FinalizedAt.IsZero() {
		// A form without start and end metadata: the time of receipt, which makes a resent
		// copy a conflict instead of a duplicate (docs/SERVER.md says to keep start and end).
		rec.StartedAt = s.cfg.Now().UTC().Truncate(time.Second)
		rec.FinalizedAt = rec.StartedAt
	}
	if len(device) > 128 || survey.HasHidden(device) {
		device = ""
	}
	rec.Device = device
	if f.Node(builtin.RosterID) != nil {
		if n := f.Node(builtin.RosterID); n.Repeat == nil {
			rec.RespondentID = rec.Answers[n.Path()]
		}
	}
	return rec, deprecated, nil
}

// usableInstanceID reports whether id (without "uuid:") can name an interview.
func usableInstanceID(id string) bool {
	return id != "" && len(id) <= 128 && !survey.HasHidden(id) && !strings.ContainsAny(id, " /")
}

// parseODKTime reads an ODK dateTime ("2026-11-22T09:30:00.000+08:00"), zero when it is not one.
func parseODKTime(v string) time.Time {
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04:05.000-07:00", "2006-01-02T15:04:05.000-0700", "2006-01-02T15:04:05-0700"} {
		if t, err := time.Parse(layout, v); err == nil {
			return t.UTC()
		}
	}
	return time.Time{}
}

// storeRecord checks a record the server built from a submission exactly as a pushed one
// (form version, form engine) and stores it, submitted by u; it returns the receipt. An
// instanceID other than rec.ID (a Collect edit's) is recorded with the revision, in the
// same transaction (survey.Submission.InstanceID). release, when not nil, frees the
// caller's decoding slot once the record is checked and weighed for its commit.
func (s *Server) storeRecord(ctx context.Context, rec *survey.Record, u *survey.User, at time.Time, instanceID string, release func()) (survey.Receipt, error) {
	body, err := rec.Canonical()
	if err != nil {
		return survey.Receipt{}, err
	}
	if len(body) > wire.MaxRecord {
		return survey.Receipt{}, survey.Errorf(survey.ETOOLARGE, "The interview's record has over %d bytes.", wire.MaxRecord)
	}
	sub, err := s.check(ctx, wire.PushItem{ID: rec.ID, Revision: rec.Revision, Hash: survey.HashBytes(body), Body: body}, u)
	if err != nil {
		return survey.Receipt{}, err
	}
	sub.SubmittedBy, sub.DeviceTime, sub.InstanceID = u.Name, at, instanceID
	if release != nil {
		weight := min(int64(len(sub.Body))+512, s.cfg.MaxQueued)
		if err := s.queued.Acquire(ctx, weight); err != nil {
			return survey.Receipt{}, err
		}
		defer s.queued.Release(weight)
		release()
	}
	got, err := s.cfg.Submissions.Ingest(ctx, []*survey.Submission{sub})
	if err != nil {
		return survey.Receipt{}, err
	}
	rc := got[0]
	if rc.Status == survey.ReceiptConflict {
		s.log.LogAttrs(ctx, slog.LevelWarn, "conflicting revision kept for review",
			slog.String("interview", rc.InterviewID), slog.Int("revision", rc.Revision), slog.String("user", u.Name))
	}
	return rc, nil
}
