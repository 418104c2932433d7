package storetest

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"tracer/survey"
)

// testRelayEnroll: the verifiers of unused codes a relay pulls, and the confirmation of an
// enrollment a relay made offline: the code consumed once for the relay's token, again
// the same answer, refused for a code used elsewhere, revoked or expired.
func testRelayEnroll(t *testing.T, open Opener) {
	ctx := context.Background()
	s := open(t)
	en, ok := s.Users.(survey.RelayEnroller)
	if !ok {
		t.Fatal("the user store does not implement survey.RelayEnroller")
	}
	_, code, err := s.Users.CreateUser(ctx, "rani", survey.RoleEnumerator)
	if err != nil {
		t.Fatal(err)
	}
	_, other, err := s.Users.CreateUser(ctx, "sita", survey.RoleSupervisor)
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := s.Users.CreateUser(ctx, "adi", survey.RoleAdmin); err != nil {
		t.Fatal(err)
	}
	codes, err := en.RelayCodes(ctx, 0)
	if err != nil || len(codes) != 2 {
		t.Fatalf("relay codes: %+v %v, want rani's and sita's (no admin's)", codes, err)
	}
	for _, c := range codes {
		plain := map[string]string{"rani": code, "sita": other}[c.User]
		if !survey.CheckCode(plain, c.Verifier) || survey.CheckCode("ACDE-2345", c.Verifier) || strings.Contains(c.Verifier, survey.NormalizeCode(plain)) {
			t.Fatalf("the verifier of %s does not check its code alone", c.User)
		}
		if c.ID != survey.VerifierID(c.Verifier) || !c.ExpiresAt.After(time.Now()) {
			t.Fatalf("code %+v", c)
		}
	}
	if one, err := en.RelayCodes(ctx, 1); err != nil || len(one) != 1 {
		t.Fatalf("relay codes limited to 1: %d %v", len(one), err)
	}

	e := survey.RelayEnrollment{Code: strings.ToLower(code), User: "rani", TokenHash: survey.HashSecret("relay-token-1"),
		Device: "laptop", EnrolledAt: time.Now(), LaptopID: "L1", SealedKey: []byte("sealed")}
	// Several servers confirm at once (a relay retrying): every answer says confirmed.
	var wg sync.WaitGroup
	answers := make([]survey.EnrollConfirmation, 4)
	errs := make([]error, 4)
	for i := range answers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			answers[i], errs[i] = open(t).Users.(survey.RelayEnroller).ConfirmEnrollment(ctx, e)
		}()
	}
	wg.Wait()
	for i := range answers {
		if errs[i] != nil || !answers[i].Confirmed || answers[i].User != "rani" {
			t.Fatalf("confirmation %d: %+v %v", i, answers[i], errs[i])
		}
	}
	if u, err := s.Users.Authenticate(ctx, "relay-token-1"); err != nil || u.Name != "rani" {
		t.Fatalf("the relay's token at the centre: %+v %v", u, err)
	}
	if key, err := s.LaptopKeys.LaptopKey(ctx, "rani", "L1"); err != nil || string(key) != "sealed" {
		t.Fatalf("the laptop key the confirmation carried: %q %v", key, err)
	}
	users, err := s.Users.Users(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, u := range users {
		if u.Name == "rani" && u.Tokens != 1 {
			t.Fatalf("rani has %d tokens after confirmations sent again, want 1", u.Tokens)
		}
	}
	if _, _, err := s.Users.Enroll(ctx, code, "office"); survey.ErrorCode(err) != survey.EUNAUTHORIZED {
		t.Fatalf("the code after the confirmation: %v, want used", err)
	}
	if codes, _ := en.RelayCodes(ctx, 0); len(codes) != 1 || codes[0].User != "sita" {
		t.Fatalf("relay codes after the confirmation: %+v, want sita's alone", codes)
	}

	refused := func(what string, e survey.RelayEnrollment, want string) {
		t.Helper()
		c, err := en.ConfirmEnrollment(ctx, e)
		if err != nil || c.Confirmed || c.Code != want || c.Message == "" {
			t.Fatalf("%s: %+v %v, want refused %s", what, c, err, want)
		}
	}
	// The same code for another token: used elsewhere.
	e2 := e
	e2.TokenHash = survey.HashSecret("relay-token-2")
	refused("the code again for another token", e2, survey.ECONFLICT)
	// A code never issued.
	e3 := e2
	e3.Code = "ACDE-2345"
	refused("a code never issued", e3, survey.EUNAUTHORIZED)
	// Another account's code named for rani.
	e4 := e2
	e4.Code = other
	refused("sita's code for rani", e4, survey.ECONFLICT)
	// Enrolled at the relay after the code expired.
	e5 := e2
	e5.Code, e5.User, e5.EnrolledAt = other, "sita", time.Now().Add(survey.EnrollmentTTL+time.Hour)
	refused("a code expired at the relay", e5, survey.EUNAUTHORIZED)
	// The account revoked: refused, and a confirmed token stops confirming.
	if err := s.Users.Revoke(ctx, "sita"); err != nil {
		t.Fatal(err)
	}
	e6 := e5
	e6.EnrolledAt = time.Now()
	refused("a revoked account's code", e6, survey.EFORBIDDEN)
	if _, err := en.ConfirmEnrollment(ctx, survey.RelayEnrollment{Code: code, User: "rani"}); survey.ErrorCode(err) != survey.EINVALID {
		t.Fatalf("a confirmation without a token: %v, want invalid", err)
	}
}
