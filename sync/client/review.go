package client

import (
	"context"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"tracer/survey"
	"tracer/survey/review"
	"tracer/sync/wire"
)

// Queue returns a page of the review queue (supervisor): interviews with their review
// state and flags, filtered by q, by the sequence number of their latest revision. Send
// the page's Next as q.After for the next page while More is true.
func (c *Client) Queue(ctx context.Context, q survey.ReviewQuery) (*survey.ReviewPage, error) {
	v := url.Values{}
	set := func(k, x string) {
		if x != "" {
			v.Set(k, x)
		}
	}
	set("state", string(q.State))
	set("flag", q.Flag)
	set("enumerator", q.Enumerator)
	set("kejuruan", q.Kejuruan)
	set("program", q.Program)
	if q.After > 0 {
		v.Set("after", strconv.FormatInt(q.After, 10))
	}
	if q.Limit > 0 {
		v.Set("limit", strconv.Itoa(q.Limit))
	}
	var out survey.ReviewPage
	if err := c.do(ctx, http.MethodGet, wire.Prefix+"/review?"+v.Encode(), nil, &out, true); err != nil {
		return nil, err
	}
	if err := c.checkPage("the review queue", q.After, out.Next, len(out.Interviews), out.More); err != nil {
		return nil, err
	}
	return &out, nil
}

// Review returns everything a supervisor reviews of one interview: its state and flags,
// the latest revision's record, every revision, the review history and conflicting
// contents (supervisor). Returns ENOTFOUND.
func (c *Client) Review(ctx context.Context, id string) (*survey.ReviewDetail, error) {
	var out wire.InterviewReview
	if err := c.do(ctx, http.MethodGet, wire.Prefix+"/review/"+url.PathEscape(id), nil, &out, true); err != nil {
		return nil, err
	}
	rec, err := out.Record()
	if err != nil {
		return nil, fmt.Errorf("review %s: %w", id, err)
	}
	d := out.ReviewDetail
	d.Record = rec
	return &d, nil
}

// Revision returns the record of one stored revision of an interview, personal answers
// masked as the server keeps them from everyone but the analysts (supervisor, analyst).
// Returns ENOTFOUND.
func (c *Client) Revision(ctx context.Context, id string, revision int) (*survey.Record, error) {
	var out struct {
		Body []byte `json:"body"`
	}
	path := fmt.Sprintf("%s/interviews/%s/%d", wire.Prefix, url.PathEscape(id), revision)
	if err := c.do(ctx, http.MethodGet, path, nil, &out, true); err != nil {
		return nil, err
	}
	rec, err := survey.DecodeRecord(out.Body)
	if err != nil {
		return nil, fmt.Errorf("revision %d of %s: %w", revision, id, err)
	}
	return rec, nil
}

// Approve approves the latest revision of an interview (supervisor). Approving twice gives
// the first approval, so it is retried. Returns ENOTFOUND, and ECONFLICT when revision is
// not the latest or the interview is returned.
func (c *Client) Approve(ctx context.Context, id string, revision int, comment string) (*survey.ReviewEvent, error) {
	var out survey.ReviewEvent
	if err := c.do(ctx, http.MethodPost, wire.Prefix+"/interviews/"+url.PathEscape(id)+"/approve",
		wire.ApproveRequest{Revision: revision, Comment: comment}, &out, true); err != nil {
		return nil, err
	}
	return &out, nil
}

// ReturnWithComments returns the latest revision of an interview for correction with a
// comment and comments on single questions by answer path (supervisor). Returning twice
// gives the first notice, so it is retried. Returns EINVALID, ENOTFOUND and ECONFLICT.
func (c *Client) ReturnWithComments(ctx context.Context, id string, revision int, comment string, questions []survey.QuestionComment) (*survey.ReturnNotice, error) {
	var out survey.ReturnNotice
	if err := c.do(ctx, http.MethodPost, wire.Prefix+"/interviews/"+url.PathEscape(id)+"/return",
		wire.ReturnRequest{Revision: revision, Comment: comment, Questions: questions}, &out, true); err != nil {
		return nil, err
	}
	return &out, nil
}

// Coverage returns the roster's coverage (supervisor): traced and approved by kejuruan,
// batch, funding and regency, and per enumerator on day (today on the server when zero).
func (c *Client) Coverage(ctx context.Context, day time.Time) (*review.Coverage, error) {
	path := wire.Prefix + "/coverage"
	if !day.IsZero() {
		path += "?day=" + day.Format(time.DateOnly)
	}
	var out review.Coverage
	if err := c.do(ctx, http.MethodGet, path, nil, &out, true); err != nil {
		return nil, err
	}
	return &out, nil
}

// ExportQuery says what to export: format csv (a zip), xlsx, jsonl, sav or dta (zips);
// revisions approved (default), latest or all; select answers as labels in Lang; Form when
// the server holds interviews of several forms; CSVDialect standard (default) or excel-id.
type ExportQuery struct {
	Format     string
	Revisions  string
	Labels     bool
	Lang       string
	Form       string
	CSVDialect string
	// Alumni adds the alumni table: one row per roster row with its disposition.
	Alumni bool
	// Wave names the wave the alumni table counts; "" for the current one.
	Wave string
}

// Export streams an export to w (analyst) and returns the bytes written. Nothing is held
// in memory and the request has no overall timeout; ctx ends it. A connection that breaks
// mid-body is an error wrapping ErrUnreachable, and w then holds an incomplete file.
func (c *Client) Export(ctx context.Context, q ExportQuery, w io.Writer) (int64, error) {
	v := url.Values{}
	for k, x := range map[string]string{"format": q.Format, "revisions": q.Revisions, "lang": q.Lang, "form": q.Form, "csv_dialect": q.CSVDialect} {
		if x != "" {
			v.Set(k, x)
		}
	}
	if q.Labels {
		v.Set("labels", "1")
	}
	if q.Alumni {
		v.Set("alumni", "1")
		if q.Wave != "" {
			v.Set("wave", q.Wave)
		}
	}
	return c.stream(ctx, wire.Prefix+"/export?"+v.Encode(), w, false)
}

// ReportQuery says what report to compute: breakdowns ("kejuruan,batch"), format text,
// json, xlsx or html, revisions approved (default) or latest, and the label language.
type ReportQuery struct {
	By        string
	Format    string
	Revisions string
	Lang      string
	// Section is "response" for the response rates alone, else the indicators (with the
	// response rates). E and Threshold set the response rates' e and the non-response
	// table's threshold.
	Section   string
	E         string
	Threshold string
	// Wave names the wave to report; "" for the current one.
	Wave string
}

// Report writes the indicator report to w (analyst or supervisor).
func (c *Client) Report(ctx context.Context, q ReportQuery, w io.Writer) (int64, error) {
	v := url.Values{}
	for k, x := range map[string]string{"by": q.By, "format": q.Format, "revisions": q.Revisions, "lang": q.Lang,
		"section": q.Section, "e": q.E, "threshold": q.Threshold, "wave": q.Wave} {
		if x != "" {
			v.Set(k, x)
		}
	}
	return c.stream(ctx, wire.Prefix+"/report?"+v.Encode(), w, q.Format == "html")
}

// stream GETs path and copies a 2xx body to w. It tries again, with backoff, only while no
// byte has reached w. A web page (text/html) is no answer of the server unless html says
// it was asked for: a Wi-Fi login page answering in the server's place never reaches w.
func (c *Client) stream(ctx context.Context, path string, w io.Writer, html bool) (int64, error) {
	hc := *c.noRedirects()
	hc.Timeout = 0 // a long export must not be cut by the client's overall timeout
	var last error
	for try := 0; try < c.attempts; try++ {
		if try > 0 {
			d := time.Duration(c.jitter() * float64(min(c.maxOff, c.backoff<<min(try-1, 20))))
			t := time.NewTimer(d)
			select {
			case <-ctx.Done():
				t.Stop()
				return 0, &UnreachableError{URL: c.base, Err: errors.Join(ctx.Err(), last)}
			case <-t.C:
			}
		}
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, c.base+path, nil)
		if err != nil {
			return 0, err
		}
		if c.token != "" {
			req.Header.Set("Authorization", "Bearer "+c.token)
		}
		resp, err := hc.Do(req)
		if err != nil {
			var ue *url.Error
			if errors.As(err, &ue) {
				err = ue.Err
			}
			last = err
			continue
		}
		if err := c.redirected(resp, path); err != nil {
			resp.Body.Close()
			if errors.As(err, new(*foreignError)) {
				return 0, &UnreachableError{URL: c.base, Err: err}
			}
			return 0, err
		}
		if resp.StatusCode/100 != 2 {
			data, _ := io.ReadAll(io.LimitReader(resp.Body, maxErrorAnswer))
			resp.Body.Close()
			last = refusal(resp, data)
			if retryable(resp.StatusCode) {
				continue
			}
			if errors.As(last, new(*foreignError)) {
				return 0, &UnreachableError{URL: c.base, Err: last}
			}
			return 0, last
		}
		if mt, _, _ := mime.ParseMediaType(resp.Header.Get("Content-Type")); mt == "text/html" && !html {
			resp.Body.Close()
			last = &foreignError{Status: resp.Status, ContentType: resp.Header.Get("Content-Type")}
			continue
		}
		ew := &errWriter{w: w}
		n, err := io.Copy(ew, resp.Body)
		resp.Body.Close()
		if ew.err != nil {
			return n, fmt.Errorf("write output: %w", ew.err)
		}
		if err != nil {
			return n, &UnreachableError{URL: c.base, Err: fmt.Errorf("the answer broke off after %d bytes: %w", n, err)}
		}
		return n, nil
	}
	var se *survey.Error
	if errors.As(last, &se) {
		return 0, last
	}
	return 0, &UnreachableError{URL: c.base, Err: last}
}

// errWriter remembers the error of its writer, so a failing output is told apart from a
// broken connection.
type errWriter struct {
	w   io.Writer
	err error
}

func (e *errWriter) Write(p []byte) (int, error) {
	n, err := e.w.Write(p)
	if err != nil {
		e.err = err
	}
	return n, err
}
