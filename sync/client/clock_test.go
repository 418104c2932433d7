package client_test

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"io"
	"log"
	"math/big"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	gosync "sync"
	"testing"
	"time"

	"tracer/survey"
	"tracer/sync/client"
	"tracer/sync/testbed"
)

// TestLaptopClockOffOverHTTPS: a server behind HTTPS (a reverse proxy's certificate, valid
// from an hour ago for 90 days) and a laptop whose clock is days behind, or far ahead (its
// battery died, it was set by hand): the certificate check fails on the laptop's clock. The
// sync says so in one line, in Indonesian too, once (no retries), as the laptop's clock, not
// an unreachable server; the outbox is kept, and with the clock set right the sync pushes
// each interview once.
func TestLaptopClockOffOverHTTPS(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	env := testbed.NewEnv(t, nil, nil)
	tok := testbed.Token(t, env.Users, "ani", survey.RoleEnumerator)

	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "127.0.0.1"},
		NotBefore: now.Add(-time.Hour), NotAfter: now.Add(90 * 24 * time.Hour),
		IPAddresses: []net.IP{net.ParseIP("127.0.0.1")}, KeyUsage: x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign,
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}, BasicConstraintsValid: true, IsCA: true}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	cert, _ := x509.ParseCertificate(der)
	roots := x509.NewCertPool()
	roots.AddCert(cert)

	var mu gosync.Mutex
	conns, requests := 0, 0
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		requests++
		mu.Unlock()
		env.HTTP.Config.Handler.ServeHTTP(w, r)
	}))
	srv.TLS = &tls.Config{Certificates: []tls.Certificate{{Certificate: [][]byte{der}, PrivateKey: key}}}
	srv.Config.ConnState = func(_ net.Conn, s http.ConnState) {
		if s == http.StateNew {
			mu.Lock()
			conns++
			mu.Unlock()
		}
	}
	srv.Config.ErrorLog = log.New(io.Discard, "", 0)
	srv.StartTLS()
	defer srv.Close()
	count := func() (int, int) {
		mu.Lock()
		defer mu.Unlock()
		c, r := conns, requests
		conns, requests = 0, 0
		return c, r
	}

	lap := testbed.NewLaptop(t)
	want, err := testbed.Seed(ctx, lap.Interviews, "ani", 2)
	if err != nil {
		t.Fatal(err)
	}
	laptop := func(clock time.Time) *client.Client {
		at := func() time.Time { return now }
		if !clock.IsZero() {
			at = func() time.Time { return clock }
		}
		hc := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: roots, Time: at}}}
		c, err := client.NewClient(srv.URL, client.WithToken(tok), client.WithHTTPClient(hc), client.WithClock(at),
			client.WithRetry(4, time.Millisecond, 5*time.Millisecond))
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	for _, tt := range []struct {
		name   string
		clock  time.Time
		en, id string
	}{
		{"behind", now.Add(-3 * 24 * time.Hour), "This laptop's clock says " + now.Add(-3*24*time.Hour).UTC().Format("2006-01-02 15:04 UTC") +
			", before the server's certificate is valid (from " + tmpl.NotBefore.UTC().Format("2006-01-02 15:04 UTC") + "): set the laptop's date and time, then sync again.",
			"Jam laptop ini menunjukkan " + now.Add(-3*24*time.Hour).UTC().Format("2006-01-02 15:04 UTC")},
		{"ahead", now.Add(200 * 24 * time.Hour), "The server's certificate expired on " + tmpl.NotAfter.UTC().Format("2006-01-02 15:04 UTC") +
			" and this laptop's clock says " + now.Add(200*24*time.Hour).UTC().Format("2006-01-02 15:04 UTC") +
			": if that date is right, the server's administrator must renew the certificate; if not, set the laptop's date and time, then sync again.",
			"Sertifikat server kedaluwarsa pada " + tmpl.NotAfter.UTC().Format("2006-01-02 15:04 UTC")},
	} {
		_, err := laptop(tt.clock).Sync(ctx, client.Laptop{Interviews: lap.Interviews, State: lap.State}, nil)
		c, r := count()
		if c == 0 || r != 0 {
			t.Fatalf("%s: %d connections, %d requests reached the server: want a refused handshake", tt.name, c, r)
		}
		if c != 1 {
			t.Errorf("%s: %d connections: a clock that is off was tried again", tt.name, c)
		}
		if err == nil || client.IsUnreachable(err) || survey.ErrorCode(err) != survey.EINVALID {
			t.Fatalf("%s: err = %v, want the laptop's clock (invalid), not unreachable", tt.name, err)
		}
		if got := survey.ErrorMessage(err); got != tt.en {
			t.Errorf("%s: the sync says\n%s\nwant\n%s", tt.name, got, tt.en)
		}
		if got := survey.LocalMessage(err, "id"); !strings.HasPrefix(got, tt.id) {
			t.Errorf("%s: in Indonesian the sync says\n%s\nwant it to start\n%s", tt.name, got, tt.id)
		}
		if left, _ := lap.Interviews.Outbox(ctx, 0); len(left) != 2 {
			t.Fatalf("%s: outbox has %d, want 2 untouched", tt.name, len(left))
		}
	}

	sum, err := laptop(time.Time{}).Sync(ctx, client.Laptop{Interviews: lap.Interviews, State: lap.State}, nil)
	if err != nil || sum.Count(survey.OutcomeStored) != 2 {
		t.Fatalf("the sync with the clock set right: %+v %v", sum, err)
	}
	testbed.CheckSame(t, env.Subs, want, lap)
}
