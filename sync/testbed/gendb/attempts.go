package main

import (
	"strconv"
	"time"

	"github.com/google/uuid"

	"tracer/survey"
)

// With -attempts, every roster row gets the contact attempts an enumerator would have
// recorded for it, each outcome an AAPOR code of docs/TRACING.md, dated in the fieldwork
// and several per alumnus, so that the response rates meet every class:
//
//   - an alumnus interviewed: seven in ten were reached by phone after zero to two
//     unanswered calls or a call-back request, the last call coded 1.1 (recorded with
//     "attempt add") or 1.2 (an interview begun from the call list) naming the interview;
//     the others came to an event and have no attempt. One in 23 of those called also
//     refused a later call (the interview stands);
//   - an alumnus not interviewed (the roster rows past -n, and the turns the generator
//     gives to a second interview or a walk-in): 15% never attempted (3.11), 25% only
//     unanswered calls, busy lines, dead and wrong numbers (unknown eligibility), 15% a
//     call-back request or a message left (non-contact), 15% a refusal or a break-off
//     after a few calls, 8% deceased, ill, a language barrier or other (other eligible),
//     8% not eligible (4.10, 4.90), 14% an interview begun by phone and never finalized
//     (1.2 naming a draft the server never gets: a partial).
//
// Attempts are made by the alumnus's enumerator, the last one by a colleague for one
// alumnus in seven, and are pushed as "tracer sync" pushes them, received a few minutes
// after they were made.

// mix returns a well-spread hash of a and b.
func mix(a, b uint64) uint64 {
	x := a*0x9E3779B97F4A7C15 + b*0xBF58476D1CE4E5B9 + 0x94D049BB133111EB
	x ^= x >> 30
	x *= 0xBF58476D1CE4E5B9
	x ^= x >> 27
	x *= 0x94D049BB133111EB
	return x ^ x>>31
}

// v7 returns a version 7 UUID of time at whose random bits are those of the name-based
// UUID of key, so the same flags make the same ids.
func v7(at time.Time, key string) string {
	id := uuid.NewSHA1(idSpace, []byte(key))
	ms := uint64(at.UnixMilli())
	for k := range 6 {
		id[k] = byte(ms >> (40 - 8*k))
	}
	id[6] = 0x70 | id[6]&0x0f
	id[8] = 0x80 | id[8]&0x3f
	return id.String()
}

// interviewedRows returns, for each of the roster's rows, the number of the first
// interview made of it, or -1 when none was.
func interviewedRows(o options) []int32 {
	first := make([]int32, o.roster)
	for i := range first {
		first[i] = -1
	}
	order := newRosterOrder(o.roster, o.shuffle)
	for i := range o.n {
		row, ok := rowOf(i, order)
		if ok && first[row] < 0 {
			first[row] = int32(i)
		}
	}
	return first
}

// unknownCodes are the outcomes of calls that did not reach the alumnus or anyone who knew
// her.
var unknownCodes = []string{"3.13", "3.12", "3.31", "3.13", "3.16", "3.32", "3.33", "3.13"}

// rowAttempts returns the attempts made on roster row r, in time order; interview is the
// number of its first interview, or -1.
func rowAttempts(r int, interview int, o options) []*survey.Attempt {
	row := rosterRow(r)
	h := mix(uint64(r), 1)
	var codes []string
	var last time.Time // when the last attempt is made; zero: spread from the row's day
	draft := ""
	if interview >= 0 {
		if h%10 < 3 {
			return nil // came to an event
		}
		for k := range int(h / 10 % 3) {
			codes = append(codes, []string{"3.13", "2.21", "3.12"}[(int(h/30)+k)%3])
		}
		codes = append(codes, []string{"1.1", "1.2"}[h/90%2])
		last = startedAt(interview, o.n, 1).Add(-2 * time.Minute)
		if h%23 == 0 {
			codes = append(codes, "2.11") // refused a later call; the interview stands
		}
	} else {
		pct := h % 100
		calls := int(h/100%4) + 1
		for k := range calls - 1 {
			codes = append(codes, unknownCodes[(int(h/400)+k)%len(unknownCodes)])
		}
		end := unknownCodes[(int(h/400)+calls)%len(unknownCodes)]
		switch {
		case pct < 15:
			return nil // never attempted
		case pct < 40:
		case pct < 55:
			end = []string{"2.21", "2.22", "2.23"}[h/1600%3]
			if h/4800%2 == 0 {
				codes = append(codes, end)
				end = "3.13" // an unanswered call after a call-back request: the request stands
			}
		case pct < 70:
			end = []string{"2.11", "2.11", "2.12"}[h/1600%3]
		case pct < 78:
			end = []string{"2.31", "2.32", "2.33", "2.35"}[h/1600%4]
		case pct < 86:
			end = []string{"4.10", "4.90"}[h/1600%2]
		default:
			end = "1.2"
		}
		codes = append(codes, end)
	}
	if last.IsZero() {
		last = firstDay.Add(time.Duration(h>>20%(80*24)) * time.Hour).Add(time.Duration(h>>40%60) * time.Minute)
	}
	n := len(codes)
	if interview >= 0 && codes[n-1] == "2.11" {
		n-- // the refusal after the interview is dated after it
	}
	out := make([]*survey.Attempt, 0, len(codes))
	for k, code := range codes {
		// Attempts a day and a few hours apart, the last before an interview at last, a
		// refusal after it a step later.
		at := last.Add(-time.Duration(n-1-k) * (26*time.Hour + time.Duration(h>>8%90)*time.Minute))
		enumerator := enumeratorName(r)
		if k == len(codes)-1 && h%7 == 3 {
			enumerator = enumeratorName(r + 3) // a colleague took the alumnus over
		}
		a := &survey.Attempt{ID: v7(at, "attempt-"+strconv.Itoa(r)+"-"+strconv.Itoa(k)), RosterID: row.RosterID,
			At: at, Enumerator: enumerator, Mode: []survey.Mode{survey.ModePhone, survey.ModeWhatsApp, survey.ModePhone, survey.ModeVisit}[(int(h%4)+k)%4],
			Outcome: code}
		if a.Mode == survey.ModePhone || a.Mode == survey.ModeWhatsApp {
			a.Channel = survey.LocalPhone(row.Phone)
		}
		switch code {
		case survey.DispositionCallback:
			a.Callback = at.Add(time.Duration(2+h%5) * 24 * time.Hour)
		case "1.1", "1.2":
			if interview >= 0 {
				a.InterviewID = interviewID(interview, o.n)
			} else {
				if draft == "" {
					draft = v7(at, "draft-"+strconv.Itoa(r))
				}
				a.InterviewID = draft
				a.Note = "terputus setelah bagian pekerjaan"
			}
		case "2.11":
			a.Note = "tidak bersedia"
		case "2.31":
			a.Note = "menurut keluarga"
		}
		out = append(out, a)
	}
	return out
}

// returned reports whether interview i is among the share returned for correction (and
// so not approved): a share of each thousand, scattered by another hash than approved's.
func returned(i int, share float64) bool {
	return share > 0 && uint64(i)*40503%1000 < uint64(share*1000+0.5)
}

// returnNote is what the supervisor writes on a returned interview.
func returnNote(i int) string {
	return []string{"Periksa lagi pendapatan: jauh di atas UMK.", "Tanggal mulai kerja sebelum pelatihan selesai?",
		"Nama pemberi kerja kurang lengkap."}[i%3]
}

// returns lists the interviews returned for correction: each chosen interview's latest
// revision, returned 20 hours after the server received it.
func returns(o options) []approval {
	var out []approval
	for i := range o.n {
		if !returned(i, o.returned) {
			continue
		}
		rev := 1
		if i%20 == 13 {
			rev = 2
		}
		out = append(out, approval{id: interviewID(i, o.n), enumerator: enumeratorName(i), revision: rev,
			at: receivedAt(finalAt(i, o.n, rev)).Add(20 * time.Hour), comment: returnNote(i)})
	}
	return out
}
