package client

import (
	"context"
	"errors"
	"net/http"
	"strconv"
	"time"

	"tracer/survey"
	"tracer/sync/wire"
)

// As returns a copy of the client that sends token instead of its own.
func (c *Client) As(token string) *Client {
	cp := *c
	cp.token = token
	return &cp
}

// RelayAccounts lists the accounts a relay serves with their token hashes (the relay's
// supervisor account).
func (c *Client) RelayAccounts(ctx context.Context) ([]survey.RelayAccount, error) {
	var out wire.RelayAccountsResponse
	if err := c.do(ctx, http.MethodGet, wire.Prefix+"/relay/accounts", nil, &out, true); err != nil {
		return nil, err
	}
	return out.Accounts, nil
}

// RelayPush forwards one batch the account forName pushed to a relay, with that batch's
// device time, and returns one receipt per item, in order. It is idempotent, so retried.
func (c *Client) RelayPush(ctx context.Context, forName string, deviceTime time.Time, items []wire.PushItem) (*wire.PushResponse, error) {
	var out wire.PushResponse
	req := wire.RelayPushRequest{For: forName, PushRequest: wire.PushRequest{DeviceTime: deviceTime.UTC(), Items: items}}
	if err := c.do(ctx, http.MethodPost, wire.Prefix+"/relay/push", req, &out, true); err != nil {
		return nil, err
	}
	if len(out.Receipts) != len(items) {
		return nil, errors.New(survey.Plurals("relay push: %d receipt{s} for %d interview{s}", len(out.Receipts), len(items)))
	}
	return &out, nil
}

// RelayAttempts forwards contact attempts the account forName pushed to a relay.
func (c *Client) RelayAttempts(ctx context.Context, forName string, attempts []*survey.Attempt) (*wire.AttemptPushResponse, error) {
	var out wire.AttemptPushResponse
	req := wire.RelayAttemptsRequest{For: forName, AttemptPushRequest: wire.AttemptPushRequest{DeviceTime: c.now().UTC(), Attempts: attempts}}
	if err := c.do(ctx, http.MethodPost, wire.Prefix+"/relay/attempts", req, &out, true); err != nil {
		return nil, err
	}
	if len(out.Receipts) != len(attempts) {
		return nil, errors.New(survey.Plurals("relay attempts: %d receipt{s} for %d attempt{s}", len(out.Receipts), len(attempts)))
	}
	return &out, nil
}

// RelayRoster pulls a page of roster changes with their assignments.
func (c *Client) RelayRoster(ctx context.Context, after int64) (*wire.RelayRosterResponse, error) {
	var out wire.RelayRosterResponse
	err := c.do(ctx, http.MethodGet, wire.Prefix+"/relay/roster?after="+strconv.FormatInt(after, 10), nil, &out, true)
	if err == nil {
		err = c.checkPage("roster rows", after, out.Next, len(out.Rows), out.More)
	}
	return &out, err
}

// RelayReturned pulls a page of every account's returns with their records.
func (c *Client) RelayReturned(ctx context.Context, after int64) (*wire.ReturnedResponse, error) {
	var out wire.ReturnedResponse
	err := c.do(ctx, http.MethodGet, wire.Prefix+"/relay/returned?after="+strconv.FormatInt(after, 10), nil, &out, true)
	if err == nil {
		err = c.checkPage("returned interviews", after, out.Next, len(out.Returns), out.More)
	}
	return &out, err
}

// RelayApproved pulls a page of every account's approvals.
func (c *Client) RelayApproved(ctx context.Context, after int64) (*wire.RelayApprovedResponse, error) {
	var out wire.RelayApprovedResponse
	err := c.do(ctx, http.MethodGet, wire.Prefix+"/relay/approved?after="+strconv.FormatInt(after, 10), nil, &out, true)
	if err == nil {
		err = c.checkPage("approvals", after, out.Next, len(out.Approvals), out.More)
	}
	return &out, err
}

// RelayRosterUpdates forwards roster updates the account forName pushed to a relay.
func (c *Client) RelayRosterUpdates(ctx context.Context, forName string, updates []*survey.RosterUpdate) (*wire.RosterUpdatePushResponse, error) {
	var out wire.RosterUpdatePushResponse
	req := wire.RelayRosterUpdatesRequest{For: forName, RosterUpdatePushRequest: wire.RosterUpdatePushRequest{DeviceTime: c.now().UTC(), Updates: updates}}
	if err := c.do(ctx, http.MethodPost, wire.Prefix+"/relay/roster-updates", req, &out, true); err != nil {
		return nil, err
	}
	if len(out.Receipts) != len(updates) {
		return nil, errors.New(survey.Plurals("relay roster updates: %d receipt{s} for %d update{s}", len(out.Receipts), len(updates)))
	}
	return &out, nil
}

// RelayCodes returns the verifiers of the unused enrollment codes of the accounts a relay
// serves (the relay's supervisor account).
func (c *Client) RelayCodes(ctx context.Context) ([]survey.RelayCode, error) {
	var out wire.RelayCodesResponse
	if err := c.do(ctx, http.MethodGet, wire.Prefix+"/relay/codes", nil, &out, true); err != nil {
		return nil, err
	}
	return out.Codes, nil
}

// RelayEnroll asks the centre to confirm an enrollment the relay made offline. The
// centre's refusal is an answer (EnrollConfirmation.Confirmed false), not an error.
func (c *Client) RelayEnroll(ctx context.Context, e survey.RelayEnrollment) (survey.EnrollConfirmation, error) {
	var out wire.RelayEnrollResponse
	req := wire.RelayEnrollRequest{Code: e.Code, User: e.User, TokenHash: e.TokenHash, Device: e.Device,
		EnrolledAt: e.EnrolledAt.UTC(), LaptopID: e.LaptopID, SealedKey: e.SealedKey}
	if err := c.do(ctx, http.MethodPost, wire.Prefix+"/relay/enroll", req, &out, true); err != nil {
		return survey.EnrollConfirmation{}, err
	}
	return out.EnrollConfirmation, nil
}
