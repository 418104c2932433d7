package server_test

import (
	"testing"

	"tracer/sync/testbed"
)

// Test 9: every route against every role, no token and a revoked token (testbed.RoleMatrix).
func TestRoleMatrix(t *testing.T) {
	env := testbed.NewEnv(t, nil, nil)
	want := testbed.RoleMatrix(t, testbed.Matrix{URL: env.URL, Users: env.Users, LaptopKeyStatus: 404, RelayAccountsStatus: 404, SupervisorReturns: 1})
	testbed.CheckSame(t, env.Subs, want)
}
