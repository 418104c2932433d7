package export

import (
	"archive/zip"
	"io"

	"github.com/klauspost/compress/flate"
)

// fastDeflate makes zw deflate its entries at the fastest level of klauspost/compress's
// deflate, which writes standard deflate streams (any unzip reads them) in about half the
// CPU of the standard library's fastest level and about a tenth smaller on export tables.
// Deflate at the standard library's default level was a quarter of a large export's CPU,
// and at its fastest level still a fifth.
func fastDeflate(zw *zip.Writer) {
	zw.RegisterCompressor(zip.Deflate, func(out io.Writer) (io.WriteCloser, error) {
		return flate.NewWriter(out, flate.BestSpeed)
	})
}
