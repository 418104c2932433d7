package tui

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"tracer/survey"
)

// Links gives a supervisor the study's self-response links through the server: the calls
// "tracer link make", "list" and "revoke" make. It is nil for others.
type Links interface {
	// MakeLinks makes one link to form formID, valid until expires, for each alumnus sel
	// picks, and returns them with their tokens (the only time they are told). Returns
	// EINVALID or ENOTFOUND as survey.LinkStore.MakeLinks does.
	MakeLinks(ctx context.Context, sel survey.AssignSelector, formID string, expires time.Time) ([]*survey.NewLink, error)
	// Links lists every link, newest first, without tokens.
	Links(ctx context.Context) ([]*survey.Link, error)
	// RevokeLink revokes the link with id. Returns ENOTFOUND.
	RevokeLink(ctx context.Context, id string) error
}

// linksTexts are the links screen's texts in one language.
type linksTexts struct {
	Title, Home, Loading, Empty, Counts                    string
	HeadRoster, HeadState, HeadExpires, HeadRevs, HeadName string
	HeadActivity, Loopback                                 string
	Unused, Opened, Answered, Expired, RevokedState        string
	How, HowKeys                                           string
	WayNames                                               [4]string
	Days, URL, URLHint, Path, PathHint, EnterNext          string
	Confirm, Made, MadeNone, NotMade, Written              string
	NotWritten, WriteAgain, Exists, BadDays, BadURL        string
	NoFolder                                               string
	Empty1, BadList, RevokeConfirm, Revoked, NotRevoked    string
	AlreadyRevoked                                         string
	KeyMake, KeyRevoke, KeyWrite, Busy, Private            string
}

var linksID = linksTexts{
	Title: "Tautan isi mandiri", Home: "Tautan isi mandiri (WhatsApp)", Loading: "Memuat…",
	Empty:      "Belum ada tautan. Tekan n untuk membuat tautan bagi satu batch, kejuruan, kabupaten/kota atau daftar alumni.",
	Counts:     "%d tautan · %d belum dibuka · %d dibuka · %d dijawab · %d kedaluwarsa · %d dicabut",
	HeadRoster: "Roster id", HeadState: "Keadaan", HeadExpires: "Berlaku s.d.", HeadRevs: "Kiriman", HeadName: "Nama",
	HeadActivity: "Terakhir",
	Loopback:     "Alamat %s hanya terbuka di komputer ini: HP alumni tidak bisa membukanya. Ganti dengan alamat server yang dibuka dari internet, atau tekan Enter lagi untuk tetap memakainya (untuk mencoba).",
	Unused:       "belum dibuka", Opened: "dibuka", Answered: "dijawab", Expired: "kedaluwarsa", RevokedState: "dicabut",
	How: "Buat tautan untuk alumni menurut:", HowKeys: "b batch · k kejuruan · r kabupaten/kota · l daftar roster id · Esc batal",
	WayNames: [4]string{"batch", "kejuruan", "kabupaten/kota", "roster id"},
	Days:     "berlaku (hari, 1-366): ", URL: "alamat server: ",
	URLHint:   "Alamat server seperti dibuka dari HP alumni (https://...).",
	Path:      "simpan CSV ke: ",
	PathHint:  "Berkas baru; berisi nama, nomor HP, tautan dan pesan WhatsApp. Simpan rahasia.",
	EnterNext: "Enter lanjut · Esc batal",
	Confirm:   "Buat tautan untuk %s (formulir %s, berlaku %d hari) dan tulis CSV ke %s? (y/n)",
	Made:      "%d tautan dibuat; CSV ditulis ke %s.", MadeNone: "Tidak ada tautan dibuat.",
	NotMade: "Tautan tidak dibuat: ", Written: "CSV ditulis ke %s.",
	NotWritten: "%d tautan sudah dibuat tetapi CSV tidak tertulis (%s). Tekan w untuk menulisnya ke berkas lain; tautan ini hanya ada di layar ini sampai ditulis.",
	WriteAgain: "Tulis CSV %d tautan ke: ",
	Exists:     "Berkas %s sudah ada; pilih nama lain (tidak ada yang ditimpa).",
	NoFolder:   "Folder %s tidak ada.",
	BadDays:    "Isi jumlah hari 1 sampai 366.", BadURL: "Alamat harus http:// atau https:// dengan nama server.",
	Empty1: "Isi dulu, lalu Enter.", BadList: "Daftar roster id dipisah spasi atau koma.",
	RevokeConfirm: "Cabut tautan %s untuk %s? Tautan itu langsung tidak bisa dibuka. (y/n)",
	Revoked:       "Tautan %s dicabut.", NotRevoked: "Tidak dicabut: ",
	AlreadyRevoked: "Tautan %s sudah dicabut; tekan n untuk membuat tautan baru bagi alumni ini.",
	KeyMake:        "buat tautan", KeyRevoke: "cabut", KeyWrite: "tulis CSV", Busy: "Menghubungi server…",
	Private: "Nomor HP tidak ditampilkan; ada di CSV.",
}

var linksEN = linksTexts{
	Title: "Self-response links", Home: "Self-response links (WhatsApp)", Loading: "Loading…",
	Empty:      "No links yet. Press n to make links for a batch, kejuruan, regency or a list of alumni.",
	Counts:     "%d link{s} · %d unused · %d opened · %d answered · %d expired · %d revoked",
	HeadRoster: "Roster id", HeadState: "State", HeadExpires: "Expires", HeadRevs: "Answers", HeadName: "Name",
	HeadActivity: "Latest",
	Loopback:     "%s opens only on this computer: alumni's phones cannot reach it. Type the server's address as the internet reaches it, or press Enter again to keep it (for a try).",
	Unused:       "unused", Opened: "opened", Answered: "answered", Expired: "expired", RevokedState: "revoked",
	How: "Make links for alumni by:", HowKeys: "b batch · k kejuruan · r regency · l list of roster ids · Esc cancel",
	WayNames: [4]string{"batch", "kejuruan", "regency", "roster ids"},
	Days:     "valid for (days, 1-366): ", URL: "server address: ",
	URLHint:   "The server's address as alumni's phones reach it (https://...).",
	Path:      "write the CSV to: ",
	PathHint:  "A new file; it holds names, phone numbers, links and WhatsApp messages. Keep it private.",
	EnterNext: "Enter next · Esc cancel",
	Confirm:   "Make links for %s (form %s, valid %d day{s}) and write the CSV to %s? (y/n)",
	Made:      "%d link{s} made; CSV written to %s.", MadeNone: "No link was made.",
	NotMade: "No links made: ", Written: "CSV written to %s.",
	NotWritten: "%d link{s} {was|were} made but the CSV was not written (%s). Press w to write it to another file; until then {this link exists|these links exist} only on this screen.",
	WriteAgain: "Write the CSV of %d link{s} to: ",
	Exists:     "%s already exists; choose another name (nothing is overwritten).",
	NoFolder:   "The folder %s does not exist.",
	BadDays:    "Type a number of days from 1 to 366.", BadURL: "The address must be http:// or https:// with the server's name.",
	Empty1: "Type it first, then Enter.", BadList: "Roster ids separated by spaces or commas.",
	RevokeConfirm: "Revoke link %s of %s? It stops opening at once. (y/n)",
	Revoked:       "Link %s revoked.", NotRevoked: "Not revoked: ",
	AlreadyRevoked: "Link %s is already revoked; press n to make a new link for this alumnus.",
	KeyMake:        "make links", KeyRevoke: "revoke", KeyWrite: "write CSV", Busy: "Asking the server…",
	Private: "Phone numbers are not shown; they are in the CSV.",
}

// state names a link's state.
func (lt *linksTexts) state(s survey.LinkState) string {
	switch s {
	case survey.LinkUnused:
		return lt.Unused
	case survey.LinkOpened:
		return lt.Opened
	case survey.LinkAnswered:
		return lt.Answered
	case survey.LinkExpired:
		return lt.Expired
	case survey.LinkRevoked:
		return lt.RevokedState
	}
	return string(s)
}

// The links screen's messages.
type (
	// goLinksMsg opens the links screen.
	goLinksMsg struct{}
	// linksListedMsg carries the links read from the server.
	linksListedMsg struct {
		list  []*survey.Link
		names map[string]string // by roster id, from the laptop's roster
		err   error
	}
	// linksMadeMsg says how making links and writing their CSV went: fileErr when the
	// CSV file could not be created and err when the server refused (no link was made
	// in either case), writeErr when links were made and their CSV was not written.
	linksMadeMsg struct {
		made     []*survey.NewLink
		path     string
		fileErr  error
		err      error
		writeErr error
	}
	// linksWrittenMsg says how writing the CSV of links made earlier went.
	linksWrittenMsg struct {
		path string
		err  error
	}
	// linkRevokedMsg says how a revocation went.
	linkRevokedMsg struct {
		id  string
		err error
	}
)

// linkStep is where the make dialog is.
type linkStep int

const (
	linkNone    linkStep = iota
	linkHow              // choosing batch, kejuruan, regency or list
	linkValue            // typing the batch, kejuruan, regency or the ids
	linkDays             // how many days the links last
	linkURL              // the server's public address
	linkPath             // where the CSV goes
	linkConfirm          // y or n
	linkRevoke           // y or n to revoke the link under the cursor
	linkRewrite          // a path for the CSV of links made whose CSV was not written
)

// linksScreen is the supervisor's screen of self-response links: every link with its
// alumnus's roster id, state (unused, opened, answered, expired, revoked), expiry, answers
// and who made it. n makes links for a batch, kejuruan, regency or list of roster ids and
// writes the CSV of names, phones, links and WhatsApp messages to a new file, asking
// before it sends; x revokes the link under the cursor, asked first. Links made whose CSV
// could not be written stay on the screen until w writes them elsewhere.
type linksScreen struct {
	c             *common
	list          []*survey.Link
	names         map[string]string
	loaded        bool
	err           error
	cursor        int
	width, height int

	step                    linkStep
	revoke                  *survey.Link // the link x asked about, whatever the list's order when it is read again
	way                     int          // 0 batch, 1 kejuruan, 2 regency, 3 list
	value, days, base, path lineEdit
	busy                    bool
	status                  string
	statusErr               bool
	// pending are links made whose CSV is not written yet: their tokens are nowhere else.
	pending []*survey.NewLink
	// pendingBase is the address the pending links were made for.
	pendingBase string
	// loopbackOK is the loopback address the supervisor confirmed she means.
	loopbackOK string
}

func newLinksScreen(c *common) *linksScreen { return &linksScreen{c: c} }

func (v *linksScreen) SetSize(w, h int) { v.width, v.height = w, h }

func (v *linksScreen) lt() *linksTexts { return &v.c.t.Links }

// typing reports whether free text is being typed.
func (v *linksScreen) typing() bool {
	switch v.step {
	case linkValue, linkDays, linkURL, linkPath, linkRewrite:
		return true
	}
	return false
}

// maxNames is how many links the list names from the laptop's roster; beyond it (a
// study's whole roster, twice over) a link shows its roster id alone.
const maxNames = 5000

func (v *linksScreen) load() tea.Cmd {
	ls, roster, ctx := v.c.cfg.Links, v.c.cfg.Roster, v.c.ctx
	return func() tea.Msg {
		list, err := ls.Links(ctx)
		if err != nil {
			return linksListedMsg{err: err}
		}
		// The alumni's names come from the laptop's roster, not the server: the list of
		// links carries no personal data.
		names := map[string]string{}
		for _, l := range list {
			if roster == nil || len(names) >= maxNames {
				break
			}
			if _, ok := names[l.RosterID]; ok {
				continue
			}
			names[l.RosterID] = ""
			if p, err := roster.Get(ctx, l.RosterID); err == nil && p != nil {
				names[l.RosterID] = p.Name
			}
		}
		return linksListedMsg{list: list, names: names}
	}
}

// selector is the selection the dialog describes.
func (v *linksScreen) selector() (survey.AssignSelector, bool) {
	val := strings.TrimSpace(v.value.Value())
	var sel survey.AssignSelector
	switch v.way {
	case 0:
		sel.Batch = val
	case 1:
		sel.Kejuruan = val
	case 2:
		sel.Regency = val
	default:
		sel.RosterIDs = strings.FieldsFunc(val, func(r rune) bool { return r == ',' || r == ' ' || r == ';' })
	}
	return sel, sel.Named() == 1
}

// what names the selection: "batch B1", "roster id R1" or "3 roster ids".
func (v *linksScreen) what() string {
	lt := v.lt()
	sel, _ := v.selector()
	if v.way == 3 {
		if len(sel.RosterIDs) == 1 {
			return lt.WayNames[3] + " " + survey.Printable(sel.RosterIDs[0])
		}
		return fmt.Sprintf("%d %s", len(sel.RosterIDs), lt.WayNames[3])
	}
	return lt.WayNames[v.way] + " " + survey.Printable(strings.TrimSpace(v.value.Value()))
}

// expandPath makes a typed path absolute: "~/" is the home folder, a relative path is
// below the working folder.
func expandPath(p string) string {
	p = strings.TrimSpace(p)
	if rest, ok := strings.CutPrefix(p, "~/"); ok {
		if home, err := os.UserHomeDir(); err == nil {
			p = filepath.Join(home, rest)
		}
	}
	if abs, err := filepath.Abs(p); err == nil {
		p = abs
	}
	return p
}

// createNew creates the file at path for the CSV: a new file only readable by its owner,
// never one that exists.
func createNew(path string) (*os.File, error) {
	return os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
}

// writeLinks writes the CSV of made to f and closes it.
func writeLinks(f *os.File, base string, made []*survey.NewLink) error {
	err := survey.WriteLinksCSV(f, base, made)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}

// makeCmd creates the CSV file first (so that a path that cannot be written stops the
// making before any link exists), then makes the links, then writes them.
func (v *linksScreen) makeCmd() tea.Cmd {
	sel, _ := v.selector()
	days, _ := strconv.Atoi(strings.TrimSpace(v.days.Value()))
	ls, ctx, now := v.c.cfg.Links, v.c.ctx, v.c.cfg.Now()
	formID, base, path := v.c.cfg.Form.ID, strings.TrimSpace(v.base.Value()), expandPath(v.path.Value())
	v.busy = true
	return func() tea.Msg {
		f, err := createNew(path)
		if err != nil {
			return linksMadeMsg{path: path, fileErr: err}
		}
		made, err := ls.MakeLinks(ctx, sel, formID, now.Add(time.Duration(days)*24*time.Hour))
		if err != nil {
			f.Close()
			os.Remove(path)
			return linksMadeMsg{path: path, err: err}
		}
		if err := writeLinks(f, base, made); err != nil {
			os.Remove(path)
			return linksMadeMsg{made: made, path: path, writeErr: err}
		}
		return linksMadeMsg{made: made, path: path}
	}
}

// rewriteCmd writes the CSV of the pending links to the path typed.
func (v *linksScreen) rewriteCmd() tea.Cmd {
	made, base, path := v.pending, v.pendingBase, expandPath(v.path.Value())
	v.busy = true
	return func() tea.Msg {
		f, err := createNew(path)
		if err != nil {
			return linksWrittenMsg{path: path, err: err}
		}
		if err := writeLinks(f, base, made); err != nil {
			os.Remove(path)
			return linksWrittenMsg{path: path, err: err}
		}
		return linksWrittenMsg{path: path}
	}
}

func (v *linksScreen) revokeCmd(id string) tea.Cmd {
	ls, ctx := v.c.cfg.Links, v.c.ctx
	v.busy = true
	return func() tea.Msg { return linkRevokedMsg{id: id, err: ls.RevokeLink(ctx, id)} }
}

// loopback reports whether host names this computer only (localhost, 127.0.0.0/8, ::1).
func loopback(host string) bool {
	if ip := net.ParseIP(host); ip != nil {
		return ip.IsLoopback()
	}
	return strings.EqualFold(host, "localhost") || strings.HasSuffix(strings.ToLower(host), ".localhost")
}

// fileError is what the supervisor is told of a file that could not be created or
// written.
func (v *linksScreen) fileError(path string, err error) string {
	if errors.Is(err, fs.ErrExist) {
		return survey.Plurals(v.lt().Exists, path)
	}
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return path + ": " + pe.Err.Error()
	}
	return v.c.errorText(err)
}

// clearStatus drops the status line as the list is read again: what it told of an earlier
// action no longer applies, except that links made whose CSV is not written still exist
// only on this screen, which it keeps saying.
func (v *linksScreen) clearStatus() {
	v.status, v.statusErr = "", false
	if len(v.pending) > 0 {
		v.status, v.statusErr = survey.Plurals(v.lt().NotWritten, len(v.pending), v.lt().KeyWrite), true
	}
}

func (v *linksScreen) Update(msg tea.Msg) tea.Cmd {
	k, lt := v.c.keys, v.lt()
	switch msg := msg.(type) {
	case goLinksMsg:
		v.clearStatus()
		return v.load()
	case linksListedMsg:
		v.loaded, v.err = true, msg.err
		if msg.err != nil {
			v.c.log.Error("list links", "err", msg.err)
			return nil
		}
		v.list, v.names = msg.list, msg.names
		v.cursor = min(v.cursor, max(len(v.list)-1, 0))
	case linksMadeMsg:
		v.busy = false
		switch {
		case msg.fileErr != nil:
			v.status, v.statusErr = lt.NotMade+v.fileError(msg.path, msg.fileErr), true
			return nil
		case msg.err != nil:
			v.c.log.Warn("make links", "err", msg.err)
			v.status, v.statusErr = lt.NotMade+v.c.errorText(msg.err), true
			return nil
		case msg.writeErr != nil:
			v.c.log.Error("write links CSV", "path", msg.path, "err", msg.writeErr)
			v.pending, v.pendingBase = msg.made, strings.TrimSpace(v.base.Value())
			v.status, v.statusErr = survey.Plurals(lt.NotWritten, len(msg.made), v.fileError(msg.path, msg.writeErr)), true
		case len(msg.made) == 0:
			v.status, v.statusErr = lt.MadeNone, true
		default:
			v.status, v.statusErr = survey.Plurals(lt.Made, len(msg.made), msg.path), false
		}
		return v.load()
	case linksWrittenMsg:
		v.busy = false
		if msg.err != nil {
			v.status, v.statusErr = survey.Plurals(lt.NotWritten, len(v.pending), v.fileError(msg.path, msg.err)), true
			return nil
		}
		v.pending = nil
		v.status, v.statusErr = survey.Plurals(lt.Written, msg.path), false
	case linkRevokedMsg:
		v.busy = false
		if msg.err != nil {
			v.status, v.statusErr = lt.NotRevoked+v.c.errText(msg.err), true
			return nil
		}
		v.status, v.statusErr = survey.Plurals(lt.Revoked, msg.id), false
		return v.load()
	case tea.KeyPressMsg:
		if v.busy {
			return nil
		}
		if v.step != linkNone {
			return v.dialogKey(msg)
		}
		switch {
		case key.Matches(msg, k.Esc):
			return v.c.navigate(goHomeMsg{})
		case key.Matches(msg, k.Up):
			v.cursor = max(v.cursor-1, 0)
		case key.Matches(msg, k.Down):
			v.cursor = max(min(v.cursor+1, len(v.list)-1), 0)
		case key.Matches(msg, k.PageUp):
			v.cursor = max(v.cursor-10, 0)
		case key.Matches(msg, k.PageDown):
			v.cursor = max(min(v.cursor+10, len(v.list)-1), 0)
		case key.Matches(msg, k.Refresh):
			v.clearStatus()
			return v.load()
		case key.Matches(msg, k.MakeLinks) && len(v.pending) > 0:
			// links made whose CSV is not written are written first: their tokens are nowhere else
			v.status, v.statusErr = survey.Plurals(lt.NotWritten, len(v.pending), lt.KeyWrite), true
		case key.Matches(msg, k.MakeLinks):
			v.step, v.status = linkHow, ""
			v.value.SetValue("")
			v.days.SetValue("30")
			v.base.SetValue(v.c.cfg.Server)
			v.path.SetValue(fmt.Sprintf("tautan-%s.csv", v.c.cfg.Now().Format("20060102-1504")))
		case key.Matches(msg, k.RevokeLink):
			switch {
			case v.cursor >= len(v.list):
			case v.list[v.cursor].RevokedAt.IsZero():
				v.step, v.status, v.revoke = linkRevoke, "", v.list[v.cursor]
			default:
				v.status, v.statusErr = survey.Plurals(lt.AlreadyRevoked, v.list[v.cursor].ID), false
			}
		case key.Matches(msg, k.WriteCSV) && len(v.pending) > 0:
			v.step, v.status = linkRewrite, ""
			v.path.SetValue(fmt.Sprintf("tautan-%s.csv", v.c.cfg.Now().Format("20060102-150405")))
		default:
			return keyUnused(v.c, msg)
		}
	}
	return nil
}

// dialogKey drives the make dialog (the way, the value, the days, the address, the path,
// then y to send or n to cancel), the revocation's question and the path of a rewrite;
// Esc cancels at any step and nothing is sent.
func (v *linksScreen) dialogKey(msg tea.KeyPressMsg) tea.Cmd {
	lt := v.lt()
	if msg.String() == "esc" {
		v.step, v.status = linkNone, ""
		if len(v.pending) > 0 {
			v.status, v.statusErr = survey.Plurals(lt.NotWritten, len(v.pending), "Esc"), true
		}
		return nil
	}
	switch v.step {
	case linkHow:
		if i := strings.Index("bkrl", msg.String()); i >= 0 && len(msg.String()) == 1 {
			v.way, v.step, v.status = i, linkValue, ""
		}
	case linkValue, linkDays, linkURL, linkPath, linkRewrite:
		ed := map[linkStep]*lineEdit{linkValue: &v.value, linkDays: &v.days, linkURL: &v.base, linkPath: &v.path, linkRewrite: &v.path}[v.step]
		if msg.String() != "enter" && msg.String() != "tab" {
			km := defaultEditKeyMap()
			ed.update(&km, msg)
			return nil
		}
		val := strings.TrimSpace(ed.Value())
		if val == "" {
			v.status, v.statusErr = lt.Empty1, true
			return nil
		}
		switch v.step {
		case linkValue:
			if _, ok := v.selector(); !ok {
				v.status, v.statusErr = lt.BadList, true
				return nil
			}
		case linkDays:
			if d, err := strconv.Atoi(val); err != nil || d < 1 || d > 366 {
				v.status, v.statusErr = lt.BadDays, true
				return nil
			}
		case linkURL:
			u, err := url.Parse(val)
			if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
				v.status, v.statusErr = lt.BadURL, true
				return nil
			}
			if loopback(u.Hostname()) && v.loopbackOK != val {
				v.loopbackOK = val
				v.status, v.statusErr = survey.Plurals(lt.Loopback, val), true
				return nil
			}
		case linkPath, linkRewrite:
			p := expandPath(val)
			if _, err := os.Stat(p); err == nil {
				v.status, v.statusErr = survey.Plurals(lt.Exists, p), true
				return nil
			}
			if fi, err := os.Stat(filepath.Dir(p)); err != nil || !fi.IsDir() {
				v.status, v.statusErr = survey.Plurals(lt.NoFolder, filepath.Dir(p)), true
				return nil
			}
		}
		v.status = ""
		if v.step == linkRewrite {
			v.step = linkNone
			return v.rewriteCmd()
		}
		v.step++
	case linkConfirm:
		switch msg.String() {
		case "y", "Y":
			v.step = linkNone
			return v.makeCmd()
		case "n", "N":
			v.step = linkNone
		}
	case linkRevoke:
		switch msg.String() {
		case "y", "Y":
			v.step = linkNone
			return v.revokeCmd(v.revoke.ID)
		case "n", "N":
			v.step = linkNone
		}
	}
	return nil
}

func (v *linksScreen) View() string {
	t, st, lt := v.c.t, v.c.st, v.lt()
	w := max(v.width, 40)
	var head []string
	if v.err != nil {
		head = append(head, strings.Split(wrap(t.ErrLoad+" "+v.c.errText(v.err), w, st.Error.Render), "\n")...)
	}
	now := v.c.cfg.Now()
	switch {
	case !v.loaded && v.err == nil:
		head = append(head, st.Muted.Render(lt.Loading))
	case v.loaded && v.err == nil && len(v.list) > 0:
		n := map[survey.LinkState]int{}
		for _, l := range v.list {
			n[l.State(now)]++
		}
		head = append(head, st.Title.Render(ansi.Truncate(survey.Plurals(lt.Counts, len(v.list), n[survey.LinkUnused], n[survey.LinkOpened],
			n[survey.LinkAnswered], n[survey.LinkExpired], n[survey.LinkRevoked]), w, "…")))
	}
	// The dialog or the last outcome, above the table so it is never scrolled away.
	var foot []string
	field := func(label string, ed *lineEdit, hint string) {
		foot = append(foot, st.Label.Render(label)+ed.view(max(w-ansi.StringWidth(label)-2, 10), st, true))
		if hint != "" {
			foot = append(foot, strings.Split(wrap(hint, w, st.Muted.Render), "\n")...)
		}
		foot = append(foot, st.Muted.Render(lt.EnterNext))
	}
	switch v.step {
	case linkHow:
		foot = append(foot, st.Label.Render(lt.How), lt.HowKeys)
	case linkValue:
		field(lt.WayNames[v.way]+": ", &v.value, "")
	case linkDays:
		field(lt.Days, &v.days, "")
	case linkURL:
		field(lt.URL, &v.base, lt.URLHint)
	case linkPath:
		field(lt.Path, &v.path, lt.PathHint)
	case linkRewrite:
		field(survey.Plurals(lt.WriteAgain, len(v.pending)), &v.path, lt.PathHint)
	case linkConfirm:
		days, _ := strconv.Atoi(strings.TrimSpace(v.days.Value()))
		foot = append(foot, strings.Split(wrap(survey.Plurals(lt.Confirm, v.what(), v.c.cfg.Form.ID, days, expandPath(v.path.Value())), w, st.Warn.Render), "\n")...)
	case linkRevoke:
		l := v.revoke
		who := strings.TrimSpace(l.RosterID + " " + v.names[l.RosterID])
		foot = append(foot, strings.Split(wrap(survey.Plurals(lt.RevokeConfirm, l.ID, who), w, st.Warn.Render), "\n")...)
	}
	if v.busy {
		foot = append(foot, st.Muted.Render(lt.Busy))
	}
	if v.status != "" {
		style := st.OK.Render
		if v.statusErr {
			style = st.Error.Render
		}
		foot = append(foot, strings.Split(wrap(v.status, w, style), "\n")...)
	}
	head = append(head, foot...)
	var lines []string
	if v.loaded && len(v.list) == 0 && v.err == nil && v.step == linkNone {
		lines = append(lines, strings.Split(wrap(lt.Empty, w, st.Muted.Render), "\n")...)
	} else if len(v.list) > 0 {
		head = append(head, st.Muted.Render(ansi.Truncate(fmt.Sprintf("  %-12s %-18s %-12s %-12s %7s %s", lt.HeadRoster, lt.HeadName,
			lt.HeadState, lt.HeadExpires, lt.HeadRevs, lt.HeadActivity), w, "…")))
	}
	rows := max(v.height-len(head), 1)
	start := 0
	if v.cursor >= rows {
		start = v.cursor - rows + 1
	}
	for i := start; i < len(v.list) && i < start+rows; i++ {
		l := v.list[i]
		state := l.State(now)
		latest := ""
		switch {
		case !l.LastUsedAt.IsZero():
			latest = l.LastUsedAt.Local().Format(time.DateOnly)
		case !l.OpenedAt.IsZero():
			latest = l.OpenedAt.Local().Format(time.DateOnly)
		}
		name := ansi.Truncate(survey.Printable(v.names[l.RosterID]), 18, "…")
		line := fmt.Sprintf("%-12s %s %-12s %-12s %7d %s", ansi.Truncate(survey.Printable(l.RosterID), 12, "…"),
			name+strings.Repeat(" ", max(18-ansi.StringWidth(name), 0)), lt.state(state), l.ExpiresAt.Local().Format(time.DateOnly), l.Revisions, latest)
		switch {
		case i == v.cursor:
			line = st.Selected.Render("› " + line)
		case state == survey.LinkRevoked || state == survey.LinkExpired:
			line = "  " + st.Muted.Render(line)
		default:
			line = "  " + line
		}
		lines = append(lines, ansi.Truncate(line, w, "…"))
	}
	out := strings.Join(head, "\n")
	if len(lines) > 0 {
		if out != "" {
			out += "\n"
		}
		out += strings.Join(lines, "\n")
	}
	return out
}

func (v *linksScreen) ShortHelp() []key.Binding {
	k := v.c.keys
	if v.typing() {
		return []key.Binding{k.Next, k.Esc}
	}
	if len(v.pending) > 0 {
		return []key.Binding{k.WriteCSV, k.MakeLinks, k.RevokeLink, k.Up, k.Down, k.Esc}
	}
	return []key.Binding{k.MakeLinks, k.RevokeLink, k.Up, k.Down, k.Refresh, k.Esc}
}

func (v *linksScreen) FullHelp() [][]key.Binding {
	k := v.c.keys
	first := []key.Binding{k.MakeLinks, k.RevokeLink, k.Refresh}
	if len(v.pending) > 0 {
		first = append(first, k.WriteCSV)
	}
	return [][]key.Binding{first, {k.Up, k.Down, k.PageUp, k.PageDown}, {k.Esc}}
}
