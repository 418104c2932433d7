// Package webform holds the self-response page's script: ODK Web Forms (@getodk/web-forms)
// and Vue, bundled by build.mjs from the versions package-lock.json pins, embedded so that
// tracer serve needs nothing else. Rebuild with: npm ci && node build.mjs.
package webform

import (
	"embed"
	"encoding/json"
	"io/fs"
)

//go:embed dist/app.js dist/versions.json
var dist embed.FS

// Assets is the built bundle: app.js and versions.json.
var Assets, _ = fs.Sub(dist, "dist")

// Versions returns the npm packages and versions the bundle was built from.
func Versions() (map[string]string, error) {
	b, err := fs.ReadFile(Assets, "versions.json")
	if err != nil {
		return nil, err
	}
	var v map[string]string
	return v, json.Unmarshal(b, &v)
}
