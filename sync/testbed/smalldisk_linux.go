package testbed

import (
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"syscall"
	"testing"
)

// SmallDisk mounts a tmpfs of size bytes on a new temporary folder and returns it; the
// test is skipped where mounting is not allowed (it needs root). It is unmounted when the
// test ends.
func SmallDisk(tb testing.TB, size int) string {
	tb.Helper()
	dir := tb.TempDir()
	if err := syscall.Mount("tmpfs", dir, "tmpfs", 0, "size="+strconv.Itoa(size)); err != nil {
		tb.Skipf("no small disk for a real full-disk test: mount tmpfs: %v", err)
	}
	tb.Cleanup(func() { syscall.Unmount(dir, syscall.MNT_DETACH) })
	return dir
}

// FillDisk writes a file into dir until its disk is full and returns a function that
// deletes it again.
func FillDisk(tb testing.TB, dir string) (free func()) {
	tb.Helper()
	path := filepath.Join(dir, "filler")
	f, err := os.Create(path)
	if err != nil && !errors.Is(err, syscall.ENOSPC) {
		tb.Fatal(err)
	}
	if f != nil {
		block := make([]byte, 4096)
		for {
			if _, err := f.Write(block); err != nil {
				if !errors.Is(err, syscall.ENOSPC) {
					tb.Fatal(err)
				}
				break
			}
		}
		for { // the last partial block
			if _, err := f.Write(block[:1]); err != nil {
				break
			}
		}
		f.Close()
	}
	return func() { os.Remove(path) }
}
