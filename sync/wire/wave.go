package wire

import (
	"time"

	"tracer/survey"
)

// WaveRequest adds a wave of the study (see survey.WaveStore.AddWave): Name starts at
// StartsAt, or when the server receives it when that is zero.
type WaveRequest struct {
	Name     string    `json:"name"`
	StartsAt time.Time `json:"starts_at,omitzero"`
}

// Validate checks the wave's name.
func (r *WaveRequest) Validate() error { return survey.CheckWaveName(r.Name) }

// WavesResponse lists the study's waves, first to current.
type WavesResponse struct {
	Waves []survey.Wave `json:"waves"`
}
