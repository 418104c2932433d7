package report

import (
	"cmp"
	"math"
	"math/rand/v2"
	"slices"
	"sort"
	"testing"
)

// TestOrderStats checks that orderStats puts each wanted place where sorting puts it, on
// slices of every shape the incomes and months take: few distinct values, many, sorted
// either way, all equal, with NaN, long enough that the partitions run out of depth.
func TestOrderStats(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 11))
	shapes := map[string]func(n int) []float64{
		"distinct": func(n int) []float64 {
			xs := make([]float64, n)
			for i := range xs {
				xs[i] = rng.Float64() * 1e7
			}
			return xs
		},
		"few values": func(n int) []float64 {
			xs := make([]float64, n)
			for i := range xs {
				xs[i] = float64(rng.IntN(5))
			}
			return xs
		},
		"increasing": func(n int) []float64 {
			xs := make([]float64, n)
			for i := range xs {
				xs[i] = float64(i)
			}
			return xs
		},
		"decreasing": func(n int) []float64 {
			xs := make([]float64, n)
			for i := range xs {
				xs[i] = float64(n - i)
			}
			return xs
		},
		"equal": func(n int) []float64 {
			xs := make([]float64, n)
			for i := range xs {
				xs[i] = 3
			}
			return xs
		},
		"organ pipe": func(n int) []float64 {
			xs := make([]float64, n)
			for i := range xs {
				xs[i] = float64(min(i, n-i))
			}
			return xs
		},
		"with NaN": func(n int) []float64 {
			xs := make([]float64, n)
			for i := range xs {
				xs[i] = float64(rng.IntN(100))
			}
			if n > 0 {
				xs[rng.IntN(n)] = math.NaN()
			}
			return xs
		},
	}
	for name, make := range shapes {
		for _, n := range []int{1, 2, 3, 16, 17, 100, 1000, 5000} {
			for round := range 20 {
				xs := make(n)
				sorted := slices.Clone(xs)
				sort.Float64s(sorted)
				want := []int{rng.IntN(n), rng.IntN(n), n / 4, n / 2, (3 * n) / 4, n - 1, 0}
				orderStats(xs, want)
				for _, k := range want {
					if got := xs[k]; got != sorted[k] && !(math.IsNaN(got) && math.IsNaN(sorted[k])) {
						t.Fatalf("%s, %d values, round %d: place %d holds %v, sorted it holds %v", name, n, round, k, got, sorted[k])
					}
				}
				slices.SortFunc(xs, func(a, b float64) int { return cmp.Compare(a, b) })
				if !slices.EqualFunc(xs, sorted, func(a, b float64) bool { return a == b || math.IsNaN(a) && math.IsNaN(b) }) {
					t.Fatalf("%s, %d values: orderStats lost or changed values", name, n)
				}
			}
		}
	}
}
