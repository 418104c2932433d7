//go:build !linux

package testbed

import "testing"

// SmallDisk skips the test: small disks are mounted only on Linux.
func SmallDisk(tb testing.TB, size int) string {
	tb.Skip("no small disk for a real full-disk test on this system")
	return ""
}

// FillDisk is never reached where SmallDisk skips.
func FillDisk(tb testing.TB, dir string) (free func()) {
	tb.Skip("no small disk")
	return func() {}
}
