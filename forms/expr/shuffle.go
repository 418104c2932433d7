package expr

import "math"

// Shuffle returns the order in which ODK Collect (JavaRosa) shows n items shuffled with a
// seed: out[k] is the index of the item shown k-th. JavaRosa shuffles a select's choices
// (randomize=true with a seed) and randomize(nodeset, seed) this way, a Fisher-Yates shuffle
// driven by a Park-Miller generator, so that one seed gives one order on every device; ODK
// Web Forms copies it. The seed is read as Java's Double.longValue() reads it: NaN (a text
// that is no number, or nothing) is 0, a fraction is cut toward zero.
func Shuffle(n int, seed float64) []int {
	const modulus, multiplier = 2147483647.0, 16807.0
	switch {
	case math.IsNaN(seed):
		seed = 0
	case seed >= 1<<63:
		seed = 1 << 63 // Long.MAX_VALUE, as a double
	case seed <= -(1 << 63):
		seed = -(1 << 63)
	default:
		seed = math.Trunc(seed)
	}
	state := math.Mod(seed, modulus)
	if state <= 0 {
		state += modulus - 1
	}
	next := func() float64 {
		state = math.Mod(state*multiplier, modulus)
		return (state - 1) / (modulus - 1)
	}
	out := make([]int, n)
	for i := range n {
		j := int(math.Floor(next() * float64(i+1)))
		if j != i {
			out[i] = out[j]
		}
		out[j] = i
	}
	return out
}
