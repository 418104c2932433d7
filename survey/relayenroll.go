package survey

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"fmt"
	"slices"
	"strings"
	"time"

	"golang.org/x/crypto/argon2"
)

// Enrollment at a relay with no link to the centre. The centre keeps, beside each unused
// enrollment code (stored as an HMAC it alone can check), an argon2id verifier of the code;
// a relay pulls the verifiers of the codes of the accounts it serves while it is online,
// checks a code a laptop types against them offline, gives the laptop a token of its own
// making and queues the enrollment; the centre consumes the code when the relay confirms
// it, and the token then works at the centre too.

// The argon2id cost of a code verifier: 2 passes over 19 MiB, one lane. A relay tries a
// code against each verifier it holds, so the cost is paid per verifier per attempt.
const (
	verifierTime    = 2
	verifierMemory  = 19 * 1024
	verifierThreads = 1
	verifierKeyLen  = 32
)

// NewCodeVerifier returns the argon2id verifier of an enrollment code, salted at random,
// in the PHC string format ("$argon2id$v=19$m=19456,t=2,p=1$SALT$HASH"). It never gives
// the code back; CheckCode tests a guess against it.
func NewCodeVerifier(code string) string {
	salt := make([]byte, 16)
	if _, err := rand.Read(salt); err != nil {
		panic(err)
	}
	sum := argon2.IDKey([]byte(NormalizeCode(code)), salt, verifierTime, verifierMemory, verifierThreads, verifierKeyLen)
	b64 := base64.RawStdEncoding
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version, verifierMemory, verifierTime, verifierThreads,
		b64.EncodeToString(salt), b64.EncodeToString(sum))
}

// CheckCode reports whether code is the one verifier was made of, in constant time. A
// verifier it cannot read, or whose cost is beyond what NewCodeVerifier uses fourfold,
// matches nothing.
func CheckCode(code, verifier string) bool {
	parts := strings.Split(verifier, "$")
	if len(parts) != 6 || parts[0] != "" || parts[1] != "argon2id" || parts[2] != fmt.Sprintf("v=%d", argon2.Version) {
		return false
	}
	var m, t uint32
	var p uint8
	if n, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &m, &t, &p); err != nil || n != 3 {
		return false
	}
	if m == 0 || m > 4*verifierMemory || t == 0 || t > 4*verifierTime || p == 0 || p > 4 {
		return false
	}
	b64 := base64.RawStdEncoding
	salt, err := b64.DecodeString(parts[4])
	if err != nil || len(salt) < 8 || len(salt) > 64 {
		return false
	}
	want, err := b64.DecodeString(parts[5])
	if err != nil || len(want) != verifierKeyLen {
		return false
	}
	got := argon2.IDKey([]byte(NormalizeCode(code)), salt, t, m, p, verifierKeyLen)
	return subtle.ConstantTimeCompare(got, want) == 1
}

// RelayCode is an unused enrollment code as the centre gives it to a relay: the account
// it enrolls, the code's argon2id verifier and when the code expires. ID names the
// verifier (it says nothing of the code).
type RelayCode struct {
	ID        string    `json:"id"`
	User      string    `json:"user"`
	Role      Role      `json:"role"`
	Verifier  string    `json:"verifier"`
	ExpiresAt time.Time `json:"expires_at"`
}

// RelayEnrollment is a laptop's enrollment at a relay that could not reach the centre:
// the code the laptop typed, the SHA-256 of the token the relay gave it, the device, when
// it enrolled, and the laptop's data key sealed to the centre's key when the laptop gave
// it (LaptopID names that key).
type RelayEnrollment struct {
	// ID is the relay's name for the enrollment; Verifier the RelayCode.ID the code matched.
	ID        string `json:"id"`
	Verifier  string `json:"verifier,omitempty"`
	Code      string `json:"code"`
	User      string `json:"user"`
	Role      Role   `json:"role"`
	TokenHash string `json:"token_hash"`
	Device    string `json:"device,omitempty"`
	// EnrolledAt is the relay's clock when the laptop enrolled.
	EnrolledAt time.Time `json:"enrolled_at"`
	LaptopID   string    `json:"laptop_id,omitempty"`
	SealedKey  []byte    `json:"sealed_key,omitempty"`
	// State is pending until the centre answers, then confirmed or refused (with the
	// centre's RefusedCode and Message); KeySent says the centre has the sealed key.
	State       EnrollState `json:"state,omitempty"`
	RefusedCode string      `json:"refused_code,omitempty"`
	Message     string      `json:"message,omitempty"`
	KeySent     bool        `json:"key_sent,omitempty"`
	// Held counts the interviews pushed under the enrollment's token that wait for it.
	Held int `json:"held,omitempty"`
}

// EnrollState is where an enrollment made at a relay offline stands.
type EnrollState string

// The states of a relay's offline enrollment. Released is a refused one whose held
// interviews the relay's supervisor let go to the centre under the account.
const (
	EnrollPending   EnrollState = "pending"
	EnrollConfirmed EnrollState = "confirmed"
	EnrollRefused   EnrollState = "refused"
	EnrollReleased  EnrollState = "released"
)

// EnrollConfirmation is the centre's answer to a relay's offline enrollment: confirmed
// (the code is consumed and the token works at the centre; answering again for the same
// token says confirmed again), or refused with a code and a message for people.
type EnrollConfirmation struct {
	Confirmed bool   `json:"confirmed"`
	User      string `json:"user,omitempty"`
	Code      string `json:"code,omitempty"`
	Message   string `json:"message,omitempty"`
}

// RelayEnroller is implemented by the centre's UserStore: it gives relays the verifiers of
// the unused codes of the accounts they serve and confirms what they enrolled offline.
type RelayEnroller interface {
	// RelayCodes returns the unused, unexpired codes of the enumerator and supervisor
	// accounts that are not revoked, with their verifiers, soonest expiry first, at most
	// limit.
	RelayCodes(ctx context.Context, limit int) ([]RelayCode, error)

	// ConfirmEnrollment consumes e.Code for a token whose SHA-256 is e.TokenHash, in one
	// transaction, and keeps e.SealedKey as the laptop's key (when none is kept for it).
	// Asked again for the same code and token, it confirms again and changes nothing else.
	// A code unknown, used for another token, revoked (its account revoked), or expired
	// before e.EnrolledAt is refused: the confirmation says so, with no error.
	ConfirmEnrollment(ctx context.Context, e RelayEnrollment) (EnrollConfirmation, error)
}

// RelayEnrollStore keeps a relay's verifiers and the enrollments it made offline.
type RelayEnrollStore interface {
	// MirrorCodes makes the relay's verifiers those the centre gave, in one transaction:
	// a verifier not listed any more is dropped, unless a laptop used it here.
	MirrorCodes(ctx context.Context, codes []RelayCode) error

	// Verifiers returns the verifiers not used here that expire after now.
	Verifiers(ctx context.Context, now time.Time) ([]RelayCode, error)

	// Enroll records e (made with the verifier e.Verifier) in one transaction: the
	// verifier is marked used, the account and e.TokenHash become live on the relay and
	// e waits for the centre. Returns ECONFLICT when a laptop used the verifier here
	// before.
	Enroll(ctx context.Context, e RelayEnrollment) error

	// Enrollments returns the enrollments made here, oldest first, with their held
	// interviews counted; only those still to send to the centre (pending, or confirmed
	// with a sealed key the centre does not have yet) when toSend.
	Enrollments(ctx context.Context, toSend bool) ([]RelayEnrollment, error)

	// EnrollmentOf returns the enrollment whose token has the SHA-256 tokenHash.
	// Returns ENOTFOUND.
	EnrollmentOf(ctx context.Context, tokenHash string) (*RelayEnrollment, error)

	// HoldLaptopKey keeps the sealed data key a laptop gave under the token tokenHash
	// of an enrollment made here, to send with it. Returns ENOTFOUND when the token is
	// not of one.
	HoldLaptopKey(ctx context.Context, tokenHash, laptopID string, sealed []byte) error

	// Settle records the centre's answer for enrollment id: confirmed, its interviews
	// go on; refused, its token stops working here and its interviews stay held.
	// keySent says the centre has the laptop's sealed key.
	Settle(ctx context.Context, id string, c EnrollConfirmation, keySent bool) error

	// Release lets the held interviews of the refused enrollment id go to the centre
	// under its account. Returns ENOTFOUND, and ECONFLICT when it is not refused.
	Release(ctx context.Context, id string) error
}

// VerifierID names a verifier for relays: a digest of it, saying nothing of the code.
func VerifierID(verifier string) string { return HashSecret(verifier)[:32] }

// SoonestCodes returns the codes sorted by expiry, soonest first (then by id), at most
// limit of them (all when limit <= 0).
func SoonestCodes(codes []RelayCode, limit int) []RelayCode {
	slices.SortFunc(codes, func(a, b RelayCode) int {
		if c := a.ExpiresAt.Compare(b.ExpiresAt); c != 0 {
			return c
		}
		return strings.Compare(a.ID, b.ID)
	})
	if limit > 0 && len(codes) > limit {
		codes = codes[:limit]
	}
	return codes
}

// Rows is a result set as database/sql gives one (*sql.Rows): what ReadRelayCodes reads.
type Rows interface {
	Next() bool
	Scan(dest ...any) error
	Err() error
}

// ReadRelayCodes reads the rows of an engine's query of unused enrollment codes (the
// account, its role, the verifier and the expiry as the engine stores it, which parseTime
// reads) and returns those not expired at now, soonest first, at most limit (SoonestCodes):
// the part of RelayEnroller.RelayCodes every engine shares. The caller closes rows.
func ReadRelayCodes(rows Rows, parseTime func(string) (time.Time, error), now time.Time, limit int) ([]RelayCode, error) {
	var out []RelayCode
	for rows.Next() {
		var c RelayCode
		var role, expires string
		if err := rows.Scan(&c.User, &role, &c.Verifier, &expires); err != nil {
			return nil, err
		}
		var err error
		if c.ExpiresAt, err = parseTime(expires); err != nil {
			return nil, err
		}
		if !now.Before(c.ExpiresAt) {
			continue
		}
		c.Role, c.ID = Role(role), VerifierID(c.Verifier)
		out = append(out, c)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	return SoonestCodes(out, limit), nil
}

// RelayDevice is the device name the centre keeps for a token a relay gave a laptop.
func RelayDevice(device string) string {
	d := "via relay: " + device
	if len(d) > 128 {
		d = d[:128]
	}
	return d
}

// Check checks what a relay sends of an enrollment it made offline.
func (e *RelayEnrollment) Check() error {
	if n := len(NormalizeCode(e.Code)); n == 0 || n > 32 {
		return Errorf(EINVALID, "An enrollment confirmed by a relay needs the code the laptop typed.")
	}
	if len(e.TokenHash) != 64 || strings.Trim(e.TokenHash, "0123456789abcdef") != "" {
		return Errorf(EINVALID, "An enrollment confirmed by a relay needs the SHA-256 of the token it gave (64 hex digits).")
	}
	if e.EnrolledAt.IsZero() || e.User == "" || len(e.User) > 64 {
		return Errorf(EINVALID, "An enrollment confirmed by a relay needs the account and when the laptop enrolled.")
	}
	if len(e.Device) > 128 || HasHidden(e.Device) || len(e.LaptopID) > 64 || len(e.SealedKey) > 4096 {
		return Errorf(EINVALID, "An enrollment confirmed by a relay has a device of at most 128 characters, a laptop id of at most 64 and a key of at most 4096 bytes.")
	}
	return nil
}

// Why the centre refuses an enrollment a relay made offline.
const (
	EnrollUnknownCode = iota
	EnrollRevoked
	EnrollUsedElsewhere
	EnrollExpired
	EnrollOtherAccount
)

// RefuseEnrollment returns the centre's refusal of why (EnrollUnknownCode...) for the
// account user: a code and a one-line message for the relay's supervisor and the laptop.
func RefuseEnrollment(why int, user string) EnrollConfirmation {
	c := EnrollConfirmation{User: user}
	switch why {
	case EnrollRevoked:
		c.Code, c.Message = EFORBIDDEN, fmt.Sprintf("the centre revoked the account %s (and its codes)", user)
	case EnrollUsedElsewhere:
		c.Code, c.Message = ECONFLICT, fmt.Sprintf("the code of %s was used elsewhere (another laptop or the office) before the relay confirmed it", user)
	case EnrollExpired:
		c.Code, c.Message = EUNAUTHORIZED, fmt.Sprintf("the code of %s had expired when the laptop enrolled at the relay", user)
	case EnrollOtherAccount:
		c.Code, c.Message = ECONFLICT, fmt.Sprintf("the code is not of the account %s", user)
	default:
		c.Code, c.Message = EUNAUTHORIZED, "the centre does not know this code (it was revoked or never issued)"
	}
	return c
}

// JudgeEnrollment is the centre's rule for an enrollment e a relay made offline with a
// code of account u that expires at expires; used says the code was consumed, and
// usedFor the SHA-256 of the token it was consumed for. It returns the confirmation and
// whether it is one: a code consumed for e's own token confirms again (a relay sending
// again after it was cut off), and a code not consumed yet is to be consumed now.
func JudgeEnrollment(e RelayEnrollment, u *User, expires time.Time, used bool, usedFor string) (EnrollConfirmation, bool) {
	switch {
	case u.Name != e.User:
		return RefuseEnrollment(EnrollOtherAccount, e.User), false
	case !u.RevokedAt.IsZero():
		return RefuseEnrollment(EnrollRevoked, u.Name), false
	case used && usedFor == e.TokenHash:
		return EnrollConfirmation{Confirmed: true, User: u.Name}, true
	case used:
		return RefuseEnrollment(EnrollUsedElsewhere, u.Name), false
	case !e.EnrolledAt.Before(expires):
		return RefuseEnrollment(EnrollExpired, u.Name), false
	}
	return EnrollConfirmation{Confirmed: true, User: u.Name}, true
}
