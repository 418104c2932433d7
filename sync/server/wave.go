package server

import (
	"context"
	"fmt"
	"iter"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"time"

	"tracer/survey"
	"tracer/survey/report"
	"tracer/sync/wire"
)

// addWave answers POST /api/v1/waves: a supervisor opens the study's next wave.
func (s *Server) addWave(w http.ResponseWriter, r *http.Request, u *survey.User) error {
	if s.cfg.Waves == nil {
		return survey.Errorf(survey.ENOTFOUND, "This server keeps no waves.")
	}
	var req wire.WaveRequest
	if err := s.decode(w, r, &req); err != nil {
		return err
	}
	wave := survey.Wave{Name: req.Name, StartsAt: req.StartsAt, CreatedBy: u.Name, CreatedAt: s.cfg.Now()}
	if wave.StartsAt.IsZero() {
		wave.StartsAt = wave.CreatedAt
	}
	if err := s.cfg.Waves.AddWave(r.Context(), wave); err != nil {
		return err
	}
	s.log.LogAttrs(r.Context(), slog.LevelInfo, "wave added", slog.String("user", u.Name), slog.String("wave", wave.Name))
	writeJSON(w, http.StatusOK, wave)
	return nil
}

// listWaves answers GET /api/v1/waves.
func (s *Server) listWaves(w http.ResponseWriter, r *http.Request, _ *survey.User) error {
	waves, err := s.waves(r)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, wire.WavesResponse{Waves: waves})
	return nil
}

func (s *Server) waves(r *http.Request) ([]survey.Wave, error) {
	if s.cfg.Waves == nil {
		return nil, nil
	}
	return s.cfg.Waves.Waves(r.Context())
}

// waveScope is the wave a report counts: the attempts and interviews recorded in it and
// the assignments in force during it. The zero value counts everything, as a study with
// no waves does.
type waveScope struct {
	waves []survey.Wave
	wave  survey.Wave
	// assignments are the wave's; nil: the current ones.
	assignments map[string]string
}

// resolveWave returns the scope of the wave called name, of the current wave when name
// is "", and the zero scope when the study has no waves. Returns ENOTFOUND for a name
// the study does not have.
func resolveWave(ctx context.Context, src Sources, name string) (waveScope, error) {
	var waves []survey.Wave
	if src.Waves != nil {
		var err error
		if waves, err = src.Waves.Waves(ctx); err != nil {
			return waveScope{}, fmt.Errorf("read waves: %w", err)
		}
	}
	if len(waves) == 0 {
		if name != "" {
			return waveScope{}, survey.Errorf(survey.ENOTFOUND, "The study has no waves, so no wave %q (tracer wave add NAME).", name)
		}
		return waveScope{}, nil
	}
	if name == "" {
		name = waves[len(waves)-1].Name
	}
	w, ok := survey.FindWave(waves, name)
	if !ok {
		var names []string
		for _, w := range waves {
			names = append(names, strconv.Quote(w.Name))
		}
		return waveScope{}, survey.Errorf(survey.ENOTFOUND, "The study has no wave %q; its waves are %s.", name, strings.Join(names, ", "))
	}
	return scopeOf(ctx, src, waves, w)
}

// scopeOf returns the scope of wave w, one of waves.
func scopeOf(ctx context.Context, src Sources, waves []survey.Wave, w survey.Wave) (waveScope, error) {
	as, err := src.Waves.WaveAssignments(ctx, w.Name)
	if err != nil {
		return waveScope{}, fmt.Errorf("read the assignments of wave %s: %w", w.Name, err)
	}
	return waveScope{waves: waves, wave: w, assignments: as}, nil
}

// holds reports whether something recorded at t belongs to the scope's wave.
func (sc waveScope) holds(t time.Time) bool {
	return survey.InWave(sc.waves, sc.wave.Name, t)
}

// records keeps, of all, the interview records of the scope's wave (report.InterviewTime).
func (sc waveScope) records(all iter.Seq2[*survey.Record, error]) iter.Seq2[*survey.Record, error] {
	if len(sc.waves) == 0 {
		return all
	}
	return func(yield func(*survey.Record, error) bool) {
		for r, err := range all {
			if err == nil && !sc.holds(report.InterviewTime(r)) {
				continue
			}
			if !yield(r, err) {
				return
			}
		}
	}
}
