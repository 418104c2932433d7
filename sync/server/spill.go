package server

import (
	"bufio"
	"cmp"
	"container/heap"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"iter"
	"os"
	"slices"
	"time"
)

// spillSorter sorts more items than memory should hold: it sorts them in runs of at most
// max items, writes each full run to a temporary file in dir and merges the runs while they
// are read back. Memory holds one run and a read buffer per file.
type spillSorter[T any] struct {
	cmp   func(a, b T) int
	write func(w *spillWriter, t T)
	read  func(r *spillReader) T
	max   int
	dir   string
	buf   []T
	runs  []*os.File
}

func newSpillSorter[T any](dir string, max int, cmp func(a, b T) int, write func(*spillWriter, T), read func(*spillReader) T) *spillSorter[T] {
	return &spillSorter[T]{cmp: cmp, write: write, read: read, max: max, dir: dir}
}

// add adds t, writing a run to disk when memory holds max items.
func (s *spillSorter[T]) add(t T) error {
	s.buf = append(s.buf, t)
	if len(s.buf) < s.max {
		return nil
	}
	return s.spill()
}

// spill sorts the items in memory and writes them to a new run file.
func (s *spillSorter[T]) spill() error {
	slices.SortStableFunc(s.buf, s.cmp)
	f, err := os.CreateTemp(s.dir, sortTempPattern)
	if err != nil {
		return fmt.Errorf("sort: %w", err)
	}
	s.runs = append(s.runs, f)
	w := &spillWriter{w: bufio.NewWriterSize(f, 64<<10)}
	for _, t := range s.buf {
		s.write(w, t)
	}
	if err := w.w.Flush(); err != nil {
		return fmt.Errorf("sort: %w", err)
	}
	clear(s.buf)
	s.buf = s.buf[:0]
	return nil
}

// sorted returns the items in order. Call it once, after the last add; close removes the
// files.
func (s *spillSorter[T]) sorted() iter.Seq2[T, error] {
	return func(yield func(T, error) bool) {
		var zero T
		if len(s.runs) == 0 {
			slices.SortStableFunc(s.buf, s.cmp)
			for _, t := range s.buf {
				if !yield(t, nil) {
					return
				}
			}
			return
		}
		if len(s.buf) > 0 {
			if err := s.spill(); err != nil {
				yield(zero, err)
				return
			}
		}
		s.buf = nil
		m := &spillMerge[T]{cmp: s.cmp}
		for i, f := range s.runs {
			if _, err := f.Seek(0, io.SeekStart); err != nil {
				yield(zero, fmt.Errorf("sort: %w", err))
				return
			}
			r := &spillReader{r: bufio.NewReaderSize(f, 64<<10)}
			t := s.read(r)
			if r.err == nil {
				m.heads = append(m.heads, spillHead[T]{t, i, r})
			} else if !errors.Is(r.err, io.EOF) {
				yield(zero, fmt.Errorf("sort: %w", r.err))
				return
			}
		}
		heap.Init(m)
		for len(m.heads) > 0 {
			h := &m.heads[0]
			if !yield(h.t, nil) {
				return
			}
			h.t = s.read(h.r)
			switch {
			case h.r.err == nil:
				heap.Fix(m, 0)
			case errors.Is(h.r.err, io.EOF):
				heap.Pop(m)
			default:
				yield(zero, fmt.Errorf("sort: %w", h.r.err))
				return
			}
		}
	}
}

// close removes the run files.
func (s *spillSorter[T]) close() {
	for _, f := range s.runs {
		f.Close()
		os.Remove(f.Name())
	}
	s.runs, s.buf = nil, nil
}

// spillHead is the next item of one run.
type spillHead[T any] struct {
	t   T
	run int
	r   *spillReader
}

// spillMerge is a heap of the runs' next items; equal items come in run order, so the
// merge is stable as the runs are.
type spillMerge[T any] struct {
	cmp   func(a, b T) int
	heads []spillHead[T]
}

func (m *spillMerge[T]) Len() int { return len(m.heads) }
func (m *spillMerge[T]) Less(i, j int) bool {
	return cmp.Or(m.cmp(m.heads[i].t, m.heads[j].t), cmp.Compare(m.heads[i].run, m.heads[j].run)) < 0
}
func (m *spillMerge[T]) Swap(i, j int) { m.heads[i], m.heads[j] = m.heads[j], m.heads[i] }
func (m *spillMerge[T]) Push(x any)    { m.heads = append(m.heads, x.(spillHead[T])) }
func (m *spillMerge[T]) Pop() any {
	h := m.heads[len(m.heads)-1]
	m.heads = m.heads[:len(m.heads)-1]
	return h
}

// spillWriter writes the fields of a run's items; a write error shows at the flush.
type spillWriter struct {
	w   *bufio.Writer
	tmp [binary.MaxVarintLen64]byte
}

func (w *spillWriter) int(v int64) { w.w.Write(binary.AppendVarint(w.tmp[:0], v)) }

func (w *spillWriter) string(s string) {
	w.int(int64(len(s)))
	w.w.WriteString(s)
}

func (w *spillWriter) time(t time.Time) {
	w.int(t.Unix())
	w.int(int64(t.Nanosecond()))
}

// spillReader reads what a spillWriter wrote; the first error sticks (io.EOF at the end of
// the run).
type spillReader struct {
	r   *bufio.Reader
	err error
}

func (r *spillReader) int() int64 {
	if r.err != nil {
		return 0
	}
	v, err := binary.ReadVarint(r.r)
	if err != nil {
		r.err = err
	}
	return v
}

func (r *spillReader) string() string {
	n := r.int()
	if r.err != nil {
		return ""
	}
	if n < 0 || n > 1<<30 {
		r.err = errors.New("corrupt run file")
		return ""
	}
	b := make([]byte, n)
	if _, err := io.ReadFull(r.r, b); err != nil {
		r.err = io.ErrUnexpectedEOF
	}
	return string(b)
}

func (r *spillReader) time() time.Time {
	sec, nsec := r.int(), r.int()
	if r.err != nil {
		return time.Time{}
	}
	return time.Unix(sec, nsec).UTC()
}
