package loadgen

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/textproto"
	"regexp"
	"strings"
	"sync"
	"time"

	"tracer/survey"
)

// CollectConfig describes a run of ODK Collect phones sending submissions over OpenRosa.
type CollectConfig struct {
	// URL is the Collect server URL of an account (https://HOST/v1/key/TOKEN, from
	// "tracer user collect"); every phone sends to it, as phones set up with one URL do.
	URL string
	// Phones send at once, each Submissions in turn, one at a time as Collect does.
	Phones, Submissions int
	// Instance is an XML instance of a published form; each submission is a copy with a
	// new meta/instanceID.
	Instance []byte
	// ServerPID, when not 0, is the server's process, whose CPU time goes into the report.
	ServerPID int
}

// instanceIDPattern finds the instanceID of an instance, whose every copy gets a new one.
var instanceIDPattern = regexp.MustCompile(`<instanceID>[^<]*</instanceID>`)

// RunCollect prepares every submission, then starts all phones at once and waits for them.
// A submission is stored when the server answers 201; anything else is an error (Collect
// does not retry by itself). Report.Sync and Report.Push both hold one submission's
// latency; Laptops counts the phones.
func RunCollect(ctx context.Context, cfg CollectConfig) (*Report, error) {
	if !instanceIDPattern.Match(cfg.Instance) {
		return nil, fmt.Errorf("collect: the instance has no meta/instanceID")
	}
	u := strings.TrimSuffix(cfg.URL, "/") + "/submission?deviceID=collect%3Aloadgen"
	type body struct {
		ct   string
		data []byte
	}
	bodies := make([][]body, cfg.Phones)
	for i := range bodies {
		for range cfg.Submissions {
			doc := instanceIDPattern.ReplaceAll(cfg.Instance, []byte("<instanceID>uuid:"+survey.NewID()+"</instanceID>"))
			var b bytes.Buffer
			mw := multipart.NewWriter(&b)
			h := textproto.MIMEHeader{}
			h.Set("Content-Disposition", `form-data; name="xml_submission_file"; filename="submission.xml"`)
			h.Set("Content-Type", "text/xml")
			pw, err := mw.CreatePart(h)
			if err != nil {
				return nil, err
			}
			_, _ = pw.Write(doc)
			if err := mw.Close(); err != nil {
				return nil, err
			}
			bodies[i] = append(bodies[i], body{mw.FormDataContentType(), b.Bytes()})
		}
	}
	transport := &http.Transport{MaxIdleConnsPerHost: cfg.Phones + 1}
	hc := &http.Client{Transport: transport, Timeout: 5 * time.Minute}
	defer transport.CloseIdleConnections()
	var mu sync.Mutex
	rep := &Report{Laptops: cfg.Phones, Interviews: cfg.Phones * cfg.Submissions}
	var lat []time.Duration
	fail := func(err error) {
		mu.Lock()
		defer mu.Unlock()
		rep.Errors++
		if rep.FirstError == nil {
			rep.FirstError = err
		}
	}
	send := func(b body) error {
		req, err := http.NewRequestWithContext(ctx, http.MethodPost, u, bytes.NewReader(b.data))
		if err != nil {
			return err
		}
		req.Header.Set("Content-Type", b.ct)
		req.Header.Set("X-OpenRosa-Version", "1.0")
		req.Header.Set("Date", time.Now().UTC().Format(http.TimeFormat))
		resp, err := hc.Do(req)
		if err != nil {
			return err
		}
		msg, _ := io.ReadAll(io.LimitReader(resp.Body, 4<<10))
		resp.Body.Close()
		if resp.StatusCode != http.StatusCreated {
			return fmt.Errorf("submission: %s: %s", resp.Status, msg)
		}
		return nil
	}
	start := make(chan struct{})
	var wg sync.WaitGroup
	for i := range bodies {
		wg.Go(func() {
			<-start
			var mine []time.Duration
			stored := 0
			for _, b := range bodies[i] {
				t0 := time.Now()
				err := send(b)
				mine = append(mine, time.Since(t0))
				if err != nil {
					fail(err)
					continue
				}
				stored++
			}
			mu.Lock()
			lat = append(lat, mine...)
			rep.Stored += stored
			mu.Unlock()
		})
	}
	if err := measure(Config{ServerPID: cfg.ServerPID}, rep, func() { close(start); wg.Wait() }); err != nil {
		return nil, err
	}
	rep.Push = percentiles(lat)
	rep.Sync = rep.Push
	return rep, nil
}
