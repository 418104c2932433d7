package main

import (
	"fmt"
	"os"
	"path/filepath"
)

// dataDir resolves the laptop's data folder: the --data flag, else TRACER_DATA, else the
// user's config folder followed by "tracer". The folder is created readable by the owner only.
func (m *Main) dataDir(flagValue string) (string, error) {
	dir := flagValue
	if dir == "" {
		dir = m.Getenv("TRACER_DATA")
	}
	if dir == "" {
		base, err := os.UserConfigDir()
		if err != nil {
			return "", fmt.Errorf("find the user's config folder (set --data or TRACER_DATA): %w", err)
		}
		dir = filepath.Join(base, "tracer")
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return "", fmt.Errorf("create data folder %s: %w", dir, err)
	}
	return dir, nil
}
