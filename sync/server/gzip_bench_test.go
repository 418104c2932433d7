package server_test

import (
	"bytes"
	stdgzip "compress/gzip"
	"crypto/rand"
	"encoding/json"
	"io"
	"testing"

	"github.com/klauspost/compress/gzip"

	"tracer/sync/wire"
)

// BenchmarkGzipPush gzips and gunzips a push of 20 sealed records of 2,900 bytes (the JSON
// a laptop sends, ciphertext in base64) at the fastest level, with klauspost/compress, which
// the laptops and the server use, and with the standard library's compress/gzip.
func BenchmarkGzipPush(b *testing.B) {
	var req wire.PushRequest
	for range 20 {
		sealed := make([]byte, 2900)
		rand.Read(sealed)
		req.Items = append(req.Items, wire.PushItem{ID: "01a2337e-3c3c-727b-ae1f-a6d8d76d5a20", Revision: 1, Hash: "3a7bd3e2360a3d29eea436fcfb7e44c735d117c42d1c1835420b6b9942dd4f1b", Sealed: sealed})
	}
	body, err := json.Marshal(req)
	if err != nil {
		b.Fatal(err)
	}
	var zipped bytes.Buffer
	zw := gzip.NewWriter(&zipped)
	zw.Write(body)
	zw.Close()
	b.Logf("%d bytes, %d gzipped", len(body), zipped.Len())
	type writer interface {
		io.WriteCloser
		Reset(io.Writer)
	}
	type reader interface {
		io.Reader
		Reset(io.Reader) error
	}
	kw, _ := gzip.NewWriterLevel(nil, gzip.BestSpeed)
	sw, _ := stdgzip.NewWriterLevel(nil, stdgzip.BestSpeed)
	kr, _ := gzip.NewReader(bytes.NewReader(zipped.Bytes()))
	sr, _ := stdgzip.NewReader(bytes.NewReader(zipped.Bytes()))
	for _, c := range []struct {
		name string
		w    writer
		r    reader
	}{{"klauspost", kw, kr}, {"std", sw, sr}} {
		b.Run(c.name+"/gzip", func(b *testing.B) {
			for b.Loop() {
				c.w.Reset(io.Discard)
				c.w.Write(body)
				c.w.Close()
			}
		})
		b.Run(c.name+"/gunzip", func(b *testing.B) {
			for b.Loop() {
				c.r.Reset(bytes.NewReader(zipped.Bytes()))
				if n, err := io.Copy(io.Discard, c.r); err != nil || n != int64(len(body)) {
					b.Fatalf("%d bytes, %v", n, err)
				}
			}
		})
	}
}
