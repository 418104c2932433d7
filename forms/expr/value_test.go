package expr

import (
	"math"
	"testing"
	"time"
)

func TestToString(t *testing.T) {
	tenth := 0.1
	tests := []struct {
		v    Value
		want string
	}{
		{nil, ""},
		{String("a"), "a"},
		{Number(3), "3"},
		{Number(-3), "-3"},
		{Number(2.5), "2.5"},
		{Number(tenth + 0.2), "0.30000000000000004"},
		// As ODK Collect writes numbers (JavaRosa's toString, then Java's Double.toString).
		{Number(1e21), "1.0E21"},
		{Number(1e-7), "1.0E-7"},
		{Number(2147483647), "2147483647"},
		{Number(-2147483648), "-2147483648"},
		{Number(21474836470), "2.147483647E10"},
		{Number(12345678.5), "1.23456785E7"},
		{Number(9999999.5), "9999999.5"},
		{Number(0.001), "0.001"},
		{Number(0.0005), "5.0E-4"},
		{Number(3.0000000000000004), "3"},
		{Number(-2.9999999999999996), "-2.9999999999999996"}, // (int) cuts toward zero
		{Number(1e-13), "0"},
		{Number(math.Copysign(0, -1)), "0"},
		{Number(math.NaN()), "NaN"},
		{Number(math.Inf(1)), "Infinity"},
		{Number(math.Inf(-1)), "-Infinity"},
		{Bool(true), "true"},
		{Bool(false), "false"},
		{Date{T: time.Date(2026, 11, 22, 0, 0, 0, 0, time.UTC)}, "2026-11-22"},
		{Date{T: time.Date(2026, 11, 22, 9, 5, 0, 7e6, time.FixedZone("", 7*3600)), HasTime: true}, "2026-11-22T09:05:00.007+07:00"},
		{Date{T: time.Date(2026, 11, 22, 9, 5, 0, 0, time.UTC), HasTime: true}, "2026-11-22T09:05:00.000Z"},
		{Nodes{String("a"), String("b")}, "a"},
		{Nodes{}, ""},
	}
	for _, tt := range tests {
		if got := ToString(tt.v); got != tt.want {
			t.Errorf("ToString(%s) = %q, want %q", show(tt.v), got, tt.want)
		}
	}
}

func TestToNumber(t *testing.T) {
	tests := []struct {
		v    Value
		want float64 // NaN matches NaN
	}{
		{nil, math.NaN()},
		{String(""), math.NaN()},
		{String("  "), math.NaN()},
		{String("12"), 12},
		{String(" 12.5\n"), 12.5},
		{String("-3"), -3},
		{String(".5"), 0.5},
		{String("5."), 5},
		{String("-"), math.NaN()},
		{String("."), math.NaN()},
		{String("1.2.3"), math.NaN()},
		{String("1e3"), math.NaN()},
		{String("0x10"), math.NaN()},
		{String("+1"), math.NaN()},
		{String("Infinity"), math.NaN()},
		{String("NaN"), math.NaN()},
		{String("1,5"), 1.5}, // ODK Collect reads a comma as the decimal point
		{String(" -0,25 "), -0.25},
		{String("1,234,5"), math.NaN()},
		{String("1,2.5"), math.NaN()},
		{String("1970-01-02"), 1},
		{String("1969-12-31"), -1},
		{String("1970-01-01T12:00:00Z"), 0.5},
		{String("2026-13-01"), math.NaN()},
		{Number(4), 4},
		{Bool(true), 1},
		{Bool(false), 0},
		{Date{T: time.Date(1970, 1, 11, 0, 0, 0, 0, time.UTC)}, 10},
		{Date{T: time.Date(1970, 1, 11, 18, 0, 0, 0, time.UTC)}, 10},
		{Date{T: time.Date(1970, 1, 11, 18, 0, 0, 0, time.UTC), HasTime: true}, 10.75},
		{Nodes{String("7"), String("8")}, 7},
		{Nodes{}, math.NaN()},
	}
	for _, tt := range tests {
		got := ToNumber(tt.v)
		if got != tt.want && !(math.IsNaN(got) && math.IsNaN(tt.want)) {
			t.Errorf("ToNumber(%s) = %v, want %v", show(tt.v), got, tt.want)
		}
	}
}

func TestToBool(t *testing.T) {
	tests := []struct {
		v    Value
		want bool
	}{
		{nil, false},
		{String(""), false},
		{String("false"), true},
		{String("0"), true},
		{Number(0), false},
		{Number(math.NaN()), false},
		{Number(-1), true},
		{Bool(true), true},
		{Date{}, true},
		{Nodes{}, false},
		{Nodes{String("")}, true},
	}
	for _, tt := range tests {
		if got := ToBool(tt.v); got != tt.want {
			t.Errorf("ToBool(%s) = %t, want %t", show(tt.v), got, tt.want)
		}
	}
}

func TestToDate(t *testing.T) {
	utc := func(y int, m time.Month, d, h, mi, s, ms int) time.Time {
		return time.Date(y, m, d, h, mi, s, ms*1e6, time.UTC)
	}
	wita := time.FixedZone("", 8*3600)
	tests := []struct {
		v    Value
		want Date
		ok   bool
	}{
		{String("2026-11-22"), Date{T: utc(2026, 11, 22, 0, 0, 0, 0)}, true},
		{String(" 2024-02-29 "), Date{T: utc(2024, 2, 29, 0, 0, 0, 0)}, true},
		{String("2023-02-29"), Date{}, false},
		{String("2026-11-22T10:15:00.250+08:00"), Date{T: time.Date(2026, 11, 22, 10, 15, 0, 250e6, wita), HasTime: true}, true},
		{String("2026-11-22T10:15:00+0800"), Date{T: time.Date(2026, 11, 22, 10, 15, 0, 0, wita), HasTime: true}, true},
		{String("2026-11-22T10:15:00Z"), Date{T: utc(2026, 11, 22, 10, 15, 0, 0), HasTime: true}, true},
		{String("2026-11-22T10:15:00"), Date{T: utc(2026, 11, 22, 10, 15, 0, 0), HasTime: true}, true},
		{String("2026-11-22T10:15"), Date{T: utc(2026, 11, 22, 10, 15, 0, 0), HasTime: true}, true},
		{String("2026-11-22 10:15"), Date{}, false},
		{String("22/11/2026"), Date{}, false},
		{String("20779"), Date{}, false},
		{String(""), Date{}, false},
		{Number(20779), Date{T: utc(2026, 11, 22, 0, 0, 0, 0)}, true},
		{Number(-1), Date{T: utc(1969, 12, 31, 0, 0, 0, 0)}, true},
		{Number(0.5), Date{T: utc(1970, 1, 1, 12, 0, 0, 0), HasTime: true}, true},
		{Number(math.NaN()), Date{}, false},
		{Number(math.Inf(1)), Date{}, false},
		{Number(1e300), Date{}, false},
		{Bool(true), Date{}, false},
		{Nodes{String("2026-11-22")}, Date{T: utc(2026, 11, 22, 0, 0, 0, 0)}, true},
		{Nodes{}, Date{}, false},
		{nil, Date{}, false},
	}
	for _, tt := range tests {
		got, ok := ToDate(tt.v)
		if ok != tt.ok || !got.T.Equal(tt.want.T) || got.HasTime != tt.want.HasTime ||
			(ok && got.T.Format(time.RFC3339Nano) != tt.want.T.Format(time.RFC3339Nano)) {
			t.Errorf("ToDate(%s) = %v, %t; want %v, %t", show(tt.v), got, ok, tt.want, tt.ok)
		}
	}
}

// TestDateRoundTrip converts dates to days and back.
func TestDateRoundTrip(t *testing.T) {
	for _, s := range []string{"1970-01-01", "1900-03-01", "2000-02-29", "2026-11-22", "2099-12-31", "1970-01-01T00:00:00.001Z", "2026-11-22T23:59:59.999Z"} {
		d, ok := ToDate(String(s))
		if !ok {
			t.Fatalf("ToDate(%q) failed", s)
		}
		back, ok := ToDate(Number(ToNumber(d)))
		if !ok || ToString(back) != ToString(d) {
			t.Errorf("%s -> %v days -> %s", s, ToNumber(d), ToString(back))
		}
	}
}

// TestDaysFromCivil compares daysFromCivil with the time package over 1600 years.
func TestDaysFromCivil(t *testing.T) {
	for d := time.Date(1200, 1, 1, 0, 0, 0, 0, time.UTC); d.Year() < 2800; d = d.AddDate(0, 0, 1) {
		want := int(d.Unix() / secondsPerDay)
		if got := daysFromCivil(d.Year(), int(d.Month()), d.Day()); got != want {
			t.Fatalf("daysFromCivil(%s) = %d, want %d", d.Format("2006-01-02"), got, want)
		}
	}
	if got, want := daysFromCivil(-1, 3, 1), int(time.Date(-1, 3, 1, 0, 0, 0, 0, time.UTC).Unix()/secondsPerDay); got != want {
		t.Errorf("daysFromCivil(-1, 3, 1) = %d, want %d", got, want)
	}
}
