package survey

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// sampleRespondent is a roster row as the server stores it, with escapes, non-ASCII text,
// extra columns and an update time.
func sampleRespondent(t testing.TB) []byte {
	t.Helper()
	b, err := json.Marshal(&Respondent{RosterID: "R-1", NIK: "6408064101800001", Name: "Siti \"Ani\" Nur\\ — ✓",
		Sex: SexFemale, BirthDate: "1980-01-01", Phone: "+6285700000001", PhoneRaw: "0857 0000 0001", Education: "5",
		Institution: "UPTD <BLKI> & Bontang", Kejuruan: "LAS", ProgramName: "Program\tLAS", BatchID: "BTG-2025-01",
		TrainingStart: "2025-02-03", TrainingEnd: "2025-04-03", BudgetYear: "2025", Funding: "apbn", Completion: "pass",
		Regency: "6474", Extra: map[string]string{"ibu": "Aminah", "catatan": "line\nnext"},
		UpdatedAt: time.Date(2026, 11, 30, 1, 2, 3, 4, time.UTC)})
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestDecodeRespondentAgrees checks that the roster-row decoder reads what encoding/json
// reads, through its own path where it accepts the input and through encoding/json where
// it does not.
func TestDecodeRespondentAgrees(t *testing.T) {
	for _, tc := range []struct {
		name   string
		in     string
		accept bool // by the fast path
	}{
		{"stored row", string(sampleRespondent(t)), true},
		{"no extra", `{"roster_id":"R-2","full_name":"Budi","sex":"L","completion":"pass"}`, true},
		{"spaces", " { \"roster_id\" : \"R-3\" , \"extra\" : { } }\n", true},
		{"empty", `{}`, true},
		{"escapes", `{"full_name":"A\u00e9\n\"b\""}`, true},
		{"unknown key", `{"roster_id":"R-4","nama_ibu":"x"}`, false},
		{"other case", `{"Roster_ID":"R-5"}`, false},
		{"null", `{"roster_id":null,"full_name":"x"}`, false},
		{"duplicate", `{"roster_id":"a","roster_id":"b"}`, false},
		{"duplicate extra", `{"extra":{"a":"1","a":"2"}}`, false},
		{"escaped time", `{"updated_at":"2026-11-30T01:02:03\u005a"}`, false},
		{"bad utf-8", "{\"full_name\":\"\xff\"}", false},
		{"surrogate", `{"full_name":"\ud83d\ude00"}`, false},
		{"trailing", `{"roster_id":"a"} x`, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var fast Respondent
			ok := decodeRespondentJSON([]byte(tc.in), tc.in, &fast)
			if ok != tc.accept {
				t.Fatalf("fast path accepted %v, want %v", ok, tc.accept)
			}
			var slow Respondent
			slowErr := json.Unmarshal([]byte(tc.in), &slow)
			var rd RecordReader
			got, err := rd.DecodeRespondent([]byte(tc.in))
			if (err != nil) != (slowErr != nil) {
				t.Fatalf("DecodeRespondent error %v, encoding/json %v", err, slowErr)
			}
			if err != nil {
				return
			}
			if diff := cmp.Diff(&slow, got); diff != "" {
				t.Fatalf("decoders differ (-encoding/json +DecodeRespondent):\n%s", diff)
			}
			var own Respondent
			if err := UnmarshalRespondent([]byte(tc.in), &own); err != nil {
				t.Fatalf("UnmarshalRespondent: %v", err)
			}
			if diff := cmp.Diff(slow, own); diff != "" {
				t.Fatalf("decoders differ (-encoding/json +UnmarshalRespondent):\n%s", diff)
			}
		})
	}
}

// FuzzDecodeRespondentJSON checks the roster-row decoder against encoding/json on any input:
// when it accepts, encoding/json accepts and reads the same row.
func FuzzDecodeRespondentJSON(f *testing.F) {
	f.Add(sampleRespondent(f))
	f.Add([]byte(`{"roster_id":"R-2","extra":{"a":"b"}}`))
	f.Add([]byte(`{"updated_at":"2026-11-30T01:02:03Z"}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		var fast Respondent
		if !decodeRespondentJSON(b, string(b), &fast) {
			return
		}
		var slow, own Respondent
		if err := json.Unmarshal(b, &slow); err != nil {
			t.Fatalf("encoding/json refuses %q, which the fast decoder read: %v", b, err)
		}
		if diff := cmp.Diff(slow, fast); diff != "" {
			t.Fatalf("decoders differ on %q (-encoding/json +fast):\n%s", b, diff)
		}
		if !decodeRespondentJSON(b, "", &own) || !cmp.Equal(slow, own) {
			t.Fatalf("decoding %q with strings of their own differs: %+v", b, own)
		}
	})
}

// TestRecordReaderAgrees checks that a RecordReader decoding one record after another gives
// each what DecodeRecord gives, nothing of the one before left in the reused map, and
// that strings taken from an earlier record keep their values.
func TestRecordReaderAgrees(t *testing.T) {
	first := sampleRecord(t)
	second := []byte(`{"answers":{"/d/x":"2"},"id":"b2","revision":1,"started_at":"2026-01-02T03:04:05Z","finalized_at":"2026-01-02T03:04:05Z"}`)
	fallback := []byte(`{"ID":"c3","Revision":1,"started_at":"2026-01-02T03:04:05Z","finalized_at":"2026-01-02T03:04:05Z"}`)
	var rd RecordReader
	var kept []string
	for _, b := range [][]byte{first, second, fallback, first} {
		want, err := DecodeRecord(b)
		if err != nil {
			t.Fatal(err)
		}
		got, err := rd.Decode(b)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Fatalf("RecordReader differs from DecodeRecord (-want +got):\n%s", diff)
		}
		kept = append(kept, got.ID)
	}
	if want := []string{"a1", "b2", "c3", "a1"}; !cmp.Equal(kept, want) {
		t.Fatalf("kept ids %q, want %q", kept, want)
	}
	if _, err := rd.Decode([]byte(`{"id":"x","revision":1,"answers":{"/a\u0001":"1"},"started_at":"2026-01-02T03:04:05Z","finalized_at":"2026-01-02T03:04:05Z"}`)); ErrorCode(err) != EINVALID {
		t.Fatalf("a control character in a path: %v, want EINVALID", err)
	}
}

// TestRespondentValue checks Value against Values for every roster column and extra.
func TestRespondentValue(t *testing.T) {
	for _, r := range []*Respondent{
		{RosterID: "R-1", Name: "Ani", Phone: "+6285700000001", Kejuruan: "LAS", Extra: map[string]string{"ibu": "Aminah", "kejuruan": "ignored"}},
		{RosterID: "R-2", PhoneRaw: "0857", Extra: map[string]string{"phone_main": "from extra"}},
		{Extra: map[string]string{"nik": "extra nik"}},
	} {
		vals := r.Values()
		for _, k := range append(RosterColumnNames[:], "ibu", "none") {
			if got := r.Value(k); got != vals[k] {
				t.Errorf("%s: Value(%q) = %q, Values has %q", r.RosterID, k, got, vals[k])
			}
		}
	}
	if (*Respondent)(nil).Value("nik") != "" {
		t.Error("a nil respondent has a value")
	}
}
