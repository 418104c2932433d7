package export

import (
	"archive/zip"
	"bufio"
	"compress/flate"
	"encoding/csv"
	"fmt"
	"io"
	"os"
	"strings"
)

// bom is the UTF-8 byte-order mark Excel needs to read a CSV file as UTF-8.
const bom = "\uFEFF"

// csvTable is one table's CSV writer: the open zip entry for the interview table, a
// temporary file for a repeat table.
type csvTable struct {
	w    *csv.Writer
	buf  *bufio.Writer
	file *os.File
}

type csvSink struct {
	s      *schema
	zw     *zip.Writer
	tables []*csvTable
	cells  []string
}

func newCSVSink(w io.Writer, s *schema, tempDir string) (*csvSink, error) {
	zw := zip.NewWriter(w)
	// Speed over size: the default level makes deflate the slowest step of a large export.
	zw.RegisterCompressor(zip.Deflate, func(out io.Writer) (io.WriteCloser, error) {
		return flate.NewWriter(out, flate.BestSpeed)
	})
	k := &csvSink{s: s, zw: zw}
	for i, t := range s.tables {
		var out io.Writer
		ct := &csvTable{}
		if i == 0 {
			entry, err := zw.Create(t.name + ".csv")
			if err != nil {
				return nil, err
			}
			out = entry
		} else {
			f, err := os.CreateTemp(tempDir, "tracer-export-*.csv")
			if err != nil {
				k.abort()
				return nil, fmt.Errorf("export %s: %w", t.name, err)
			}
			ct.file = f
			ct.buf = bufio.NewWriterSize(f, 64<<10)
			out = ct.buf
		}
		k.tables = append(k.tables, ct)
		ct.w = csv.NewWriter(out)
		if i == 0 {
			// The zip entry is written to by the csv.Writer's own buffer.
			if _, err := io.WriteString(out, bom); err != nil {
				return nil, err
			}
		} else if _, err := ct.buf.WriteString(bom); err != nil {
			return nil, err
		}
		header := make([]string, len(t.cols))
		for j, c := range t.cols {
			header[j] = c.name
		}
		if err := k.write(ct.w, header); err != nil {
			k.abort()
			return nil, err
		}
	}
	return k, nil
}

// write writes one CSV record, neutralising formulas and turning CR LF into LF.
func (k *csvSink) write(w *csv.Writer, cells []string) error {
	if cap(k.cells) < len(cells) {
		k.cells = make([]string, len(cells))
	}
	out := k.cells[:len(cells)]
	for i, v := range cells {
		out[i] = csvValue(v)
	}
	return w.Write(out)
}

func csvValue(v string) string {
	v = Neutralize(v)
	if strings.Contains(v, "\r\n") {
		v = strings.ReplaceAll(v, "\r\n", "\n")
	}
	return v
}

func (k *csvSink) row(t *table, cells []string) error {
	return k.write(k.tables[t.id].w, cells)
}

func (k *csvSink) finish(codebook [][]string) error {
	defer k.abort()
	main := k.tables[0].w
	main.Flush()
	if err := main.Error(); err != nil {
		return fmt.Errorf("export interviews: %w", err)
	}
	for i, t := range k.s.tables[1:] {
		ct := k.tables[i+1]
		ct.w.Flush()
		if err := ct.w.Error(); err != nil {
			return fmt.Errorf("export %s: %w", t.name, err)
		}
		if err := ct.buf.Flush(); err != nil {
			return fmt.Errorf("export %s: %w", t.name, err)
		}
		entry, err := k.zw.Create(t.name + ".csv")
		if err != nil {
			return err
		}
		if _, err := ct.file.Seek(0, io.SeekStart); err != nil {
			return err
		}
		if _, err := io.Copy(entry, ct.file); err != nil {
			return fmt.Errorf("export %s: %w", t.name, err)
		}
	}
	entry, err := k.zw.Create("codebook.csv")
	if err != nil {
		return err
	}
	if _, err := io.WriteString(entry, bom); err != nil {
		return err
	}
	cw := csv.NewWriter(entry)
	for _, r := range codebook {
		if err := k.write(cw, r); err != nil {
			return err
		}
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return err
	}
	return k.zw.Close()
}

// abort removes the temporary files.
func (k *csvSink) abort() {
	for _, ct := range k.tables {
		if ct.file != nil {
			ct.file.Close()
			os.Remove(ct.file.Name())
			ct.file = nil
		}
	}
}
