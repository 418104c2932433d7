package expr

import (
	"math"
	"regexp"
	"strconv"
	"strings"
)

// The geo functions, area(), distance() and geofence(), compute as JavaRosa does and ODK
// Web Forms copies: a geopoint is "lat lon [alt [acc]]", a geotrace or geoshape its points
// joined by ";", or the values of a node-set one point each. tracer takes no geo answers,
// but a default, a calculation or an imported record can hold one, and a form that reads
// none still computes what ODK computes of nothing (area() of no shape is 0).

// earthRadius is the radius JavaRosa takes for the earth, in meters.
const earthRadius = 6378100

type geopoint struct{ lat, lon float64 }

// jsNumber reads s as JavaScript's Number() does for the texts a geopoint holds: spaces
// around ignored, an empty text 0, a decimal number (with an exponent or not) its value,
// anything else NaN.
func jsNumber(s string) float64 {
	s = strings.TrimSpace(s)
	if s == "" {
		return 0
	}
	if strings.Trim(s, "0123456789.eE+-") != "" {
		return math.NaN()
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil {
		return math.NaN()
	}
	return f
}

var geoSpaces = regexp.MustCompile(`\s+`)

// parseGeopoint reads one point: two to four numbers, latitude and longitude within
// their ranges.
func parseGeopoint(s string) (geopoint, bool) {
	parts := geoSpaces.Split(s, -1)
	if len(parts) < 2 || len(parts) > 4 {
		return geopoint{}, false
	}
	lat, lon := jsNumber(parts[0]), jsNumber(parts[1])
	if math.Abs(lat) > 90 || math.Abs(lon) > 180 {
		return geopoint{}, false
	}
	return geopoint{lat, lon}, true
}

var traceEnd = regexp.MustCompile(`(\s*;)+$`)
var traceSep = regexp.MustCompile(`\s*;\s*`)

// parseGeotrace reads a geotrace or geoshape written as one text: at least two points.
func parseGeotrace(s string) ([]geopoint, bool) {
	s = traceEnd.ReplaceAllString(strings.TrimSpace(s), "")
	return geopoints(traceSep.Split(s, -1))
}

func geopoints(values []string) ([]geopoint, bool) {
	if len(values) < 2 {
		return nil, false
	}
	out := make([]geopoint, len(values))
	for i, v := range values {
		p, ok := parseGeopoint(v)
		if !ok {
			return nil, false
		}
		out[i] = p
	}
	return out, true
}

// geoValues are the texts of a geo function's arguments, a node-set giving one per node.
func geoValues(env Env, args []evalFn) []string {
	var out []string
	for _, a := range args {
		for _, v := range flatten(nil, a(env)) {
			out = append(out, ToString(v))
		}
	}
	return out
}

// tracePoints reads the points of a geo function's arguments: one text holding a
// geotrace, or several texts of one point each.
func tracePoints(values []string) ([]geopoint, bool) {
	switch len(values) {
	case 0:
		return nil, false
	case 1:
		return parseGeotrace(values[0])
	}
	return geopoints(values)
}

func radians(deg float64) float64 { return deg * math.Pi / 180 }

// geoRound rounds to hundredths as JavaScript's Math.round does (a half up) and drops the
// sign.
func geoRound(v float64) float64 {
	if v == 0 {
		return 0
	}
	return math.Abs(math.Floor(v*100+0.5) / 100)
}

// geoArea is the area, in square meters, of the polygon the points trace, closed if it is
// not: 0 for fewer than three points.
func geoArea(pts []geopoint) float64 {
	if len(pts) < 3 {
		return 0
	}
	shape := pts
	if first, last := pts[0], pts[len(pts)-1]; first != last {
		shape = append(append([]geopoint(nil), pts...), first)
	}
	total := 0.0
	for i := 1; i < len(shape); i++ {
		s, e := shape[i-1], shape[i]
		total += radians(e.lon-s.lon) * (2 + math.Sin(radians(e.lat)) + math.Sin(radians(s.lat)))
	}
	return geoRound(total * earthRadius * earthRadius / 2)
}

// geoDistance is the length, in meters, of the line through the points.
func geoDistance(pts []geopoint) float64 {
	total := 0.0
	for i := 1; i < len(pts); i++ {
		s, e := pts[i-1], pts[i]
		dl := radians(s.lon - e.lon)
		p0, p1 := radians(s.lat), radians(e.lat)
		total += math.Acos(math.Sin(p0)*math.Sin(p1)+math.Cos(p0)*math.Cos(p1)*math.Cos(dl)) * earthRadius
	}
	return geoRound(total)
}

// geoInside reports whether the point is inside the closed shape (its first point
// repeated last), by the crossings of a ray as JavaRosa counts them.
func geoInside(p geopoint, shape []geopoint) bool {
	if len(shape) < 2 || shape[0] != shape[len(shape)-1] {
		return false
	}
	in := false
	for i := 1; i < len(shape); i++ {
		p1, p2 := shape[i-1], shape[i]
		if (p2.lat > p.lat) != (p1.lat > p.lat) && p.lon < (p1.lon-p2.lon)*(p.lat-p2.lat)/(p1.lat-p2.lat)+p2.lon {
			in = !in
		}
	}
	return in
}

func compileArea(args []evalFn) evalFn {
	return func(env Env) Value {
		pts, _ := tracePoints(geoValues(env, args))
		return Number(geoArea(pts))
	}
}

// compileDistance: a value that is no line of two points or more is an error in ODK,
// which stops the form; here it is NaN, an empty calculation.
func compileDistance(args []evalFn) evalFn {
	return func(env Env) Value {
		pts, ok := tracePoints(geoValues(env, args))
		if !ok {
			return Number(math.NaN())
		}
		return Number(geoDistance(pts))
	}
}

func compileGeofence(args []evalFn) evalFn {
	return func(env Env) Value {
		vs := geoValues(env, args)
		if len(vs) < 2 || vs[0] == "" || vs[1] == "" {
			return Bool(false)
		}
		p, ok := parseGeopoint(vs[0])
		shape, ok2 := parseGeotrace(vs[1])
		return Bool(ok && ok2 && geoInside(p, shape))
	}
}
