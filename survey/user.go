package survey

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"strings"
	"time"
)

// Error codes the transport adds to the domain's: a request body over the size limit and
// a caller who tries too often, a server too busy to take the request now.
const (
	ETOOLARGE    = "too_large"    // the request body is over the limit
	ERATELIMIT   = "rate_limited" // too many attempts; wait and try again
	EUNAVAILABLE = "unavailable"  // the server is busy; try again shortly
)

// Role is what an account may do. Every account has exactly one.
type Role string

// The roles. An enumerator collects interviews; a supervisor publishes forms and rosters and
// reviews and returns interviews; an analyst reads and exports; an admin runs the server and
// its accounts.
const (
	RoleEnumerator Role = "enumerator"
	RoleSupervisor Role = "supervisor"
	RoleAnalyst    Role = "analyst"
	RoleAdmin      Role = "admin"
)

// Roles lists every role.
var Roles = []Role{RoleEnumerator, RoleSupervisor, RoleAnalyst, RoleAdmin}

// Valid reports whether r is one of the known roles.
func (r Role) Valid() bool {
	switch r {
	case RoleEnumerator, RoleSupervisor, RoleAnalyst, RoleAdmin:
		return true
	}
	return false
}

// Relayed reports whether a relay at an event serves accounts of role r: enumerators
// and supervisors.
func (r Role) Relayed() bool { return r == RoleEnumerator || r == RoleSupervisor }

// User is an account on the server.
type User struct {
	Name      string    `json:"name"`
	Role      Role      `json:"role"`
	CreatedAt time.Time `json:"created_at"`
	// RevokedAt is when the account was revoked: its codes and tokens stopped working.
	RevokedAt time.Time `json:"revoked_at,omitzero"`
	// Tokens counts the account's live tokens (enrolled devices).
	Tokens int `json:"tokens"`
}

// EnrollmentTTL is how long an enrollment code works.
const EnrollmentTTL = 24 * time.Hour

// codeAlphabet has no characters people confuse when reading aloud: no 0/O, 1/I/L, 5/S, 8/B.
const codeAlphabet = "ACDEFGHJKMNPQRTUVWXYZ234679"

// NewEnrollmentCode returns a random eight-character code from an unambiguous alphabet,
// written as two groups of four ("ACDE-2345") to be read aloud.
func NewEnrollmentCode() string {
	var b [8]byte
	out := make([]byte, 0, 9)
	for i := 0; i < len(b); i++ {
		// Rejection sampling keeps every character equally likely.
		for {
			if _, err := rand.Read(b[i : i+1]); err != nil {
				panic(err) // crypto/rand never fails on supported platforms
			}
			if int(b[i]) < 256-256%len(codeAlphabet) {
				break
			}
		}
		if i == 4 {
			out = append(out, '-')
		}
		out = append(out, codeAlphabet[int(b[i])%len(codeAlphabet)])
	}
	return string(out)
}

// NormalizeCode returns an enrollment code as stored: upper case without spaces or dashes.
func NormalizeCode(code string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case r == ' ' || r == '-' || r == '\t':
			return -1
		case r >= 'a' && r <= 'z':
			return r - 'a' + 'A'
		}
		return r
	}, code)
}

// NewToken returns a random 256-bit bearer token, URL-safe base64 without padding.
func NewToken() string {
	var b [32]byte
	if _, err := rand.Read(b[:]); err != nil {
		panic(err)
	}
	return base64.RawURLEncoding.EncodeToString(b[:])
}

// HashSecret returns the hex SHA-256 of a token: what the server stores instead of it.
// (Enrollment codes, being short, are stored keyed: see the store.)
func HashSecret(s string) string {
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:])
}

// UserStore keeps accounts, their one-time enrollment codes and their tokens. Codes and
// tokens are stored as hashes only.
type UserStore interface {
	// CreateUser adds an account with role and returns it with a fresh enrollment code.
	// Returns EINVALID for an empty name or unknown role and ECONFLICT when the name exists.
	CreateUser(ctx context.Context, name string, role Role) (*User, string, error)

	// NewCode returns a fresh enrollment code for an existing account.
	// Returns ENOTFOUND and ECONFLICT for a revoked account.
	NewCode(ctx context.Context, name string) (string, error)

	// Enroll exchanges a code for a new token for device, once. Returns EUNAUTHORIZED for a
	// code that is unknown, used, expired or belongs to a revoked account.
	Enroll(ctx context.Context, code, device string) (string, *User, error)

	// Authenticate returns the account a token belongs to. Returns EUNAUTHORIZED for an
	// unknown or revoked token.
	Authenticate(ctx context.Context, token string) (*User, error)

	// Users returns every account, by name.
	Users(ctx context.Context) ([]*User, error)

	// Revoke revokes an account: its codes and tokens stop working. Revoking twice is
	// harmless. Returns ENOTFOUND.
	Revoke(ctx context.Context, name string) error
}

// LaptopKeyStore keeps each laptop's data key sealed to the server's public key (server).
type LaptopKeyStore interface {
	// PutLaptopKey records the sealed data key of the account's laptop. A laptop's key is
	// recorded once: the same bytes again change nothing, others return ECONFLICT.
	PutLaptopKey(ctx context.Context, user, laptopID string, sealed []byte) error

	// LaptopKey returns the sealed data key of the account's laptop. Returns ENOTFOUND.
	LaptopKey(ctx context.Context, user, laptopID string) ([]byte, error)
}
