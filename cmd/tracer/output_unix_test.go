//go:build unix

package main

import (
	"bytes"
	"io"
	"os"
	"path/filepath"
	"syscall"
	"testing"
)

// TestOutputIntoPipe: -o naming a named pipe (as /dev/null is a device) is written in
// place; renaming the finished file onto it would replace the pipe with a file, and, run
// as root, /dev/null with the export.
func TestOutputIntoPipe(t *testing.T) {
	pipe := filepath.Join(t.TempDir(), "out.pipe")
	if err := syscall.Mkfifo(pipe, 0o600); err != nil {
		t.Skipf("no named pipes here: %v", err)
	}
	got := make(chan []byte, 1)
	go func() {
		f, err := os.Open(pipe)
		if err != nil {
			got <- []byte(err.Error())
			return
		}
		defer f.Close()
		b, _ := io.ReadAll(f)
		got <- b
	}()
	m := &Main{Stdout: io.Discard, Stderr: io.Discard}
	w, commit, _, err := m.output(pipe)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := io.WriteString(w, "interview_id,revision\n"); err != nil {
		t.Fatal(err)
	}
	if err := commit(); err != nil {
		t.Fatal(err)
	}
	fi, err := os.Lstat(pipe)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode()&os.ModeNamedPipe == 0 {
		t.Fatalf("the named pipe was replaced by a %v", fi.Mode())
	}
	if b := <-got; !bytes.Equal(b, []byte("interview_id,revision\n")) {
		t.Fatalf("the reader got %q", b)
	}

	// A folder is refused with a message, not written into or replaced.
	if _, _, _, err := m.output(t.TempDir()); err == nil {
		t.Fatal("a folder was accepted as the output file")
	}
}
