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

// PulledWaves keeps on a laptop the study's waves as the last sync pulled them from the
// server, so that the call list counts only what was recorded in the current wave.
type PulledWaves interface {
	// SetWaves replaces the kept waves with waves, first to current.
	SetWaves(ctx context.Context, waves []Wave) error
	// Waves returns the kept waves, first to current; none before the first pull.
	Waves(ctx context.Context) ([]Wave, error)
}

// CurrentWave returns the name of the current (last) of waves, "" when there are none.
func CurrentWave(waves []Wave) string {
	if len(waves) == 0 {
		return ""
	}
	return waves[len(waves)-1].Name
}

// InWave reports whether something recorded at t belongs to the wave called name, one of
// waves (see WaveAt). With no waves everything belongs to the study's one wave.
func InWave(waves []Wave, name string, t time.Time) bool {
	return len(waves) == 0 || WaveAt(waves, t) == name
}

// InterviewTime is the time that places an interview in a wave: when it was begun, or
// when it was finalized for one that does not say when it was begun.
func InterviewTime(startedAt, finalizedAt time.Time) time.Time {
	if !startedAt.IsZero() {
		return startedAt
	}
	return finalizedAt
}

// WaveAttempts returns the attempts of attempts made in the current of waves; all of them
// when there are no waves.
func WaveAttempts(waves []Wave, attempts []*Attempt) []*Attempt {
	if len(waves) == 0 {
		return attempts
	}
	cur := CurrentWave(waves)
	var out []*Attempt
	for _, a := range attempts {
		if InWave(waves, cur, a.At) {
			out = append(out, a)
		}
	}
	return out
}
