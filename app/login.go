package app

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"golang.org/x/crypto/argon2"
)

// Login errors. Wrapped texts never say whether a staff id exists: a wrong
// id and a wrong password read the same to whoever tries them.
var (
	ErrBadCredentials = errors.New("the staff id or the password is wrong")
	ErrAccountLocked  = errors.New("the account is locked after too many wrong passwords")
	ErrNoPassword     = errors.New("no password has been set for this staff id")
	ErrNotAllowed     = errors.New("this staff id may not work at a service window")
	ErrStaffDisabled  = errors.New("this staff id was disabled by the hall's manager")
)

// PasswordParams are the argon2id costs a password is hashed with. They
// travel inside the encoded hash, so a hall can raise them later and old
// hashes still verify.
type PasswordParams struct {
	Memory  uint32 // KiB
	Time    uint32 // passes
	Threads uint8
	SaltLen uint32
	KeyLen  uint32
}

// DefaultPasswordParams are OWASP's argon2id minimum (19 MiB, 2 passes, 1
// lane). A window terminal is a small PC that must stay well under its
// memory budget; a login is rare and 19 MiB is freed at once.
var DefaultPasswordParams = PasswordParams{Memory: 19 * 1024, Time: 2, Threads: 1, SaltLen: 16, KeyLen: 32}

// HashPassword hashes a password with argon2id and a fresh salt, encoded in
// the PHC string format: $argon2id$v=19$m=19456,t=2,p=1$salt$hash.
func HashPassword(password string, p PasswordParams) (string, error) {
	if password == "" {
		return "", fmt.Errorf("%w: the password is empty", ErrInvalidInput)
	}
	salt := make([]byte, p.SaltLen)
	if _, err := rand.Read(salt); err != nil {
		return "", fmt.Errorf("hash password: %w", err)
	}
	key := argon2.IDKey([]byte(password), salt, p.Time, p.Memory, p.Threads, p.KeyLen)
	b64 := base64.RawStdEncoding
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version, p.Memory, p.Time, p.Threads,
		b64.EncodeToString(salt), b64.EncodeToString(key)), nil
}

// CheckPassword reports whether password matches the encoded argon2id hash:
// nil when it does, ErrBadCredentials when it does not, ErrInvalidInput when
// the hash itself is not one this build can read.
func CheckPassword(encoded, password string) error {
	p, salt, want, err := decodeHash(encoded)
	if err != nil {
		return err
	}
	got := argon2.IDKey([]byte(password), salt, p.Time, p.Memory, p.Threads, uint32(len(want)))
	if subtle.ConstantTimeCompare(got, want) != 1 {
		return ErrBadCredentials
	}
	return nil
}

// maxHashMemory bounds the memory a stored hash may ask for (1 GiB), so a
// damaged or hostile hash cannot make a login exhaust the terminal.
const maxHashMemory = 1 << 20

func decodeHash(encoded string) (p PasswordParams, salt, key []byte, err error) {
	bad := func(why string) error { return fmt.Errorf("%w: password hash: %s", ErrInvalidInput, why) }
	parts := strings.Split(encoded, "$")
	if len(parts) != 6 || parts[0] != "" {
		return p, nil, nil, bad("not in the $argon2id$v=…$m=…,t=…,p=…$salt$hash format")
	}
	if parts[1] != "argon2id" {
		return p, nil, nil, bad(fmt.Sprintf("algorithm %q is not argon2id", parts[1]))
	}
	var v int
	if _, err := fmt.Sscanf(parts[2], "v=%d", &v); err != nil || v != argon2.Version {
		return p, nil, nil, bad(fmt.Sprintf("version %q is not %d", parts[2], argon2.Version))
	}
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &p.Memory, &p.Time, &p.Threads); err != nil {
		return p, nil, nil, bad(fmt.Sprintf("parameters %q are not m=…,t=…,p=…", parts[3]))
	}
	if p.Memory < 8 || p.Memory > maxHashMemory || p.Time < 1 || p.Time > 100 || p.Threads < 1 {
		return p, nil, nil, bad(fmt.Sprintf("parameters %q are out of range", parts[3]))
	}
	b64 := base64.RawStdEncoding
	if salt, err = b64.DecodeString(parts[4]); err != nil || len(salt) < 8 {
		return p, nil, nil, bad("the salt is damaged")
	}
	if key, err = b64.DecodeString(parts[5]); err != nil || len(key) < 16 {
		return p, nil, nil, bad("the hash is damaged")
	}
	return p, salt, key, nil
}

// LoginPolicy is how a terminal guards its logins.
type LoginPolicy struct {
	MaxFailures int           // wrong passwords in a row that lock the account
	LockFor     time.Duration // how long a locked account stays locked
	IdleLock    time.Duration // a terminal left alone this long locks its screen
}

// DefaultLoginPolicy: 5 wrong passwords lock an account for 15 minutes; a
// window left alone for 5 minutes locks (a citizen may be standing at it).
var DefaultLoginPolicy = LoginPolicy{MaxFailures: 5, LockFor: 15 * time.Minute, IdleLock: 5 * time.Minute}

// Validate checks the policy's figures.
func (p LoginPolicy) Validate() error {
	var pr Problems
	if p.MaxFailures < 1 || p.MaxFailures > 20 {
		pr.Add("max_failures", "must be between 1 and 20")
	}
	if p.LockFor < time.Minute || p.LockFor > 24*time.Hour {
		pr.Add("lock_for", "must be between 1 minute and 24 hours")
	}
	if p.IdleLock < 30*time.Second || p.IdleLock > 8*time.Hour {
		pr.Add("idle_lock", "must be between 30 seconds and 8 hours")
	}
	return pr.Err(ErrInvalidInput)
}

// LoginRecord is what a terminal remembers of a staff id's failed logins.
type LoginRecord struct {
	Failures    int       // wrong passwords since the last success or lock
	LockedUntil time.Time // zero when not locked
}

// StaffDirectory is where logins look staff up and keep their failures;
// app/store implements it.
type StaffDirectory interface {
	StaffMember(ctx context.Context, id string) (Staff, error)
	LoginRecord(ctx context.Context, id string) (LoginRecord, error)
	SetLoginRecord(ctx context.Context, id string, r LoginRecord) error
	// ChangeOwnPassword stores the password a member of staff chose and
	// sends it to the hall's other terminals.
	ChangeOwnPassword(ctx context.Context, id, hash string) error
}

// MinPasswordLen is the shortest password a person may choose.
const MinPasswordLen = 10

// CheckNewPassword says what is wrong with a password a person chooses.
func CheckNewPassword(password string) error {
	if len([]rune(password)) < MinPasswordLen {
		return fmt.Errorf("%w: a password has at least %d characters", ErrPasswordTooShort, MinPasswordLen)
	}
	return nil
}

// ErrPasswordTooShort: a new password is shorter than MinPasswordLen.
var ErrPasswordTooShort = fmt.Errorf("%w: the password is too short", ErrInvalidInput)

// ChangePassword checks a member of staff's present password and stores
// the new one they chose, which must differ from it.
func (a *Authenticator) ChangePassword(ctx context.Context, id, old, password string, p PasswordParams) error {
	m, err := a.Dir.StaffMember(ctx, id)
	if err != nil {
		return fmt.Errorf("change password: %w", err)
	}
	if err := CheckPassword(m.PasswordHash, old); err != nil {
		return err
	}
	if err := CheckNewPassword(password); err != nil {
		return err
	}
	if password == old {
		return ErrSamePassword
	}
	hash, err := HashPassword(password, p)
	if err != nil {
		return err
	}
	return a.Dir.ChangeOwnPassword(ctx, id, hash)
}

// ErrSamePassword: a new password must differ from the one it replaces.
var ErrSamePassword = fmt.Errorf("%w: the new password must differ from the old one", ErrInvalidInput)

// LockedError says until when an account is locked.
type LockedError struct{ Until time.Time }

func (e *LockedError) Error() string {
	return fmt.Sprintf("%v until %s", ErrAccountLocked, e.Until.In(HallZone).Format("15:04"))
}

func (e *LockedError) Unwrap() error { return ErrAccountLocked }

// BadCredentialsError says how many tries are left before the lock.
type BadCredentialsError struct{ Left int }

func (e *BadCredentialsError) Error() string {
	return fmt.Sprintf("%v; %d more wrong tries lock the account", ErrBadCredentials, e.Left)
}

func (e *BadCredentialsError) Unwrap() error { return ErrBadCredentials }

// Authenticator logs staff in at a terminal.
type Authenticator struct {
	Dir    StaffDirectory
	Policy LoginPolicy
	Clock  Clock
}

// dummyHash is checked against when a staff id is unknown, so an unknown id
// takes as long to refuse as a wrong password.
var dummyHash, _ = HashPassword("onewindow", DefaultPasswordParams)

// Login checks a staff id and password. A wrong password counts towards the
// lock; the MaxFailures-th locks the account for LockFor. While locked, even
// the right password is refused. Only clerks and managers may log in.
func (a *Authenticator) Login(ctx context.Context, id, password string) (Staff, error) {
	id = strings.TrimSpace(id)
	if id == "" || password == "" {
		return Staff{}, fmt.Errorf("%w: enter both the staff id and the password", ErrInvalidInput)
	}
	now := a.Clock.Now()
	rec, err := a.Dir.LoginRecord(ctx, id)
	if err != nil {
		return Staff{}, fmt.Errorf("login: %w", err)
	}
	if now.Before(rec.LockedUntil) {
		return Staff{}, &LockedError{Until: rec.LockedUntil}
	}
	m, err := a.Dir.StaffMember(ctx, id)
	switch {
	case errors.Is(err, ErrNotFound):
		CheckPassword(dummyHash, password)
		return Staff{}, ErrBadCredentials
	case err != nil:
		return Staff{}, fmt.Errorf("login: %w", err)
	case m.PasswordHash == "":
		return Staff{}, ErrNoPassword
	}
	switch err := CheckPassword(m.PasswordHash, password); {
	case errors.Is(err, ErrBadCredentials):
		rec.Failures++
		if rec.Failures >= a.Policy.MaxFailures {
			rec = LoginRecord{LockedUntil: now.Add(a.Policy.LockFor)}
			if err := a.Dir.SetLoginRecord(ctx, id, rec); err != nil {
				return Staff{}, fmt.Errorf("login: %w", err)
			}
			return Staff{}, &LockedError{Until: rec.LockedUntil}
		}
		if err := a.Dir.SetLoginRecord(ctx, id, rec); err != nil {
			return Staff{}, fmt.Errorf("login: %w", err)
		}
		return Staff{}, &BadCredentialsError{Left: a.Policy.MaxFailures - rec.Failures}
	case err != nil:
		return Staff{}, fmt.Errorf("login %s: %w", id, err)
	}
	if m.Role != RoleClerk && m.Role != RoleManager {
		return Staff{}, ErrNotAllowed
	}
	if m.Disabled {
		return Staff{}, ErrStaffDisabled
	}
	if rec != (LoginRecord{}) {
		if err := a.Dir.SetLoginRecord(ctx, id, LoginRecord{}); err != nil {
			return Staff{}, fmt.Errorf("login: %w", err)
		}
	}
	m.PasswordHash = ""
	return m, nil
}

// IdleTimer tells when a terminal has been left alone long enough to lock.
type IdleTimer struct {
	clock Clock
	after time.Duration
	mu    sync.Mutex
	last  time.Time
}

// NewIdleTimer starts counting idle time from now.
func NewIdleTimer(c Clock, after time.Duration) *IdleTimer {
	return &IdleTimer{clock: c, after: after, last: c.Now()}
}

// Touch records activity: a key, a click, a card, a keypad press.
func (t *IdleTimer) Touch() {
	t.mu.Lock()
	t.last = t.clock.Now()
	t.mu.Unlock()
}

// Expired reports whether the terminal has been idle for the lock time.
func (t *IdleTimer) Expired() bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.clock.Now().Sub(t.last) >= t.after
}
