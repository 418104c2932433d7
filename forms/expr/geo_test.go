package expr

import "testing"

// TestGeo checks area(), distance() and geofence() against the values ODK's engines give
// (JavaRosa's formulas, which ODK Web Forms copies; the oracle's geo.md walks them too).
func TestGeo(t *testing.T) {
	const shape = "'-6.2 106.8 10 5; -6.3 106.9 0 0;-6.25 107 1 1; -6.2 106.8'"
	tests := []struct {
		src  string
		want Value
	}{
		// A shape, closed or not, a trailing ";" ignored, altitude and accuracy optional.
		{"area(" + shape + ")", Number(92385257.29)},
		{"area('-6.2 106.8; -6.3 106.9; -6.25 107;')", Number(92385257.29)},
		{"distance(" + shape + ")", Number(50903.99)},
		{"distance('-6.2 106.8', '-6.3 106.9 0 0', '-6.25 107')", Number(28082.35)},
		{"distance('1 2; 3 4')", Number(314753.33)},
		// Fewer than three points, no shape at all, or a point out of range: no area, as in
		// ODK, where a calculation of the area of a plot not yet walked is 0.
		{"area('-6.2 106.8; -6.3 106.9')", Number(0)},
		{"area('')", Number(0)},
		{"area(${empty})", Number(0)},
		{"area(${ages})", Number(0)},
		{"area('95 1; 1 1; 2 2')", Number(0)},
		// A distance of no line stops the form in ODK; here it is NaN.
		{"distance('')", nan},
		{"distance(${ages}, ${names})", nan},
		{"distance('1 2')", nan},
		// geofence: a point inside a closed shape.
		{"geofence('-6.25 106.9', " + shape + ")", Bool(true)},
		{"geofence('-6.5 106.9', " + shape + ")", Bool(false)},
		{"geofence('-6.25 106.9', '-6.2 106.8; -6.3 106.9; -6.25 107')", Bool(false)}, // not closed
		{"geofence('', " + shape + ")", Bool(false)},
		{"geofence('95 1', " + shape + ")", Bool(false)},
	}
	for _, tt := range tests {
		t.Run(tt.src, func(t *testing.T) {
			e := mustParse(t, tt.src)
			if err := Check(e); err != nil {
				t.Fatalf("Check: %v", err)
			}
			if got, want := show(e.Eval(newTestEnv())), show(tt.want); got != want {
				t.Errorf("Eval(%q) = %s, want %s", tt.src, got, want)
			}
		})
	}
}
