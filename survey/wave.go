package survey

import (
	"context"
	"strings"
	"time"
	"unicode/utf8"
)

// Wave is a named period of the study in which the same cohort is traced again, say
// "6 bulan" and then "12 bulan" after the training: each wave has its own attempts,
// interviews, assignments and report. A wave runs from StartsAt until the next wave
// starts; what was recorded before the first wave started belongs to the first wave, so
// a study that adds its first wave late loses nothing. A study with no wave is one wave.
type Wave struct {
	Name      string    `json:"name"`
	StartsAt  time.Time `json:"starts_at"`
	CreatedBy string    `json:"created_by,omitempty"`
	CreatedAt time.Time `json:"created_at"`
}

// WaveStore keeps the study's waves (server).
type WaveStore interface {
	// AddWave adds a wave that starts at w.StartsAt, after every wave already added; it
	// becomes the current wave. The assignments in force until then are kept as those of
	// the wave before it. Returns EINVALID for a name that is empty, too long or has
	// control characters, or for a start not after the current wave's start, and
	// ECONFLICT when the name is taken.
	AddWave(ctx context.Context, w Wave) error
	// Waves returns the waves, first to current.
	Waves(ctx context.Context) ([]Wave, error)
	// WaveAssignments returns who each roster row was assigned to during the wave called
	// name: the current assignments for the current wave, those kept when the next wave
	// began for an earlier one. Returns ENOTFOUND for an unknown wave.
	WaveAssignments(ctx context.Context, name string) (map[string]string, error)
}

// CheckWaveName returns an EINVALID error when name cannot name a wave: empty, longer
// than 40 characters, or holding control characters.
func CheckWaveName(name string) error {
	if strings.TrimSpace(name) == "" || name != strings.TrimSpace(name) {
		return Errorf(EINVALID, "A wave's name is not empty and does not start or end with a space, not %q.", name)
	}
	if utf8.RuneCountInString(name) > 40 {
		return Errorf(EINVALID, "A wave's name is at most 40 characters, not %d.", utf8.RuneCountInString(name))
	}
	if Printable(name) != name {
		return Errorf(EINVALID, "A wave's name has no control characters: %q.", name)
	}
	return nil
}

// WaveAt returns the name of the wave that time t falls in: the last of waves (first to
// current) that started at or before t, the first wave for a time before any started,
// "" when there are no waves.
func WaveAt(waves []Wave, t time.Time) string {
	if len(waves) == 0 {
		return ""
	}
	name := waves[0].Name
	for _, w := range waves[1:] {
		if !t.Before(w.StartsAt) {
			name = w.Name
		}
	}
	return name
}

// FindWave returns the wave called name among waves, and whether it is there.
func FindWave(waves []Wave, name string) (Wave, bool) {
	for _, w := range waves {
		if w.Name == name {
			return w, true
		}
	}
	return Wave{}, false
}
