package app

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"
)

// fastParams keep the tests quick; the format and checks are the same.
var fastParams = PasswordParams{Memory: 64, Time: 1, Threads: 1, SaltLen: 16, KeyLen: 32}

func TestPasswordHashRoundTrip(t *testing.T) {
	h, err := HashPassword("窗口123", fastParams)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(h, "$argon2id$v=19$m=64,t=1,p=1$") {
		t.Fatalf("want a PHC argon2id string, got %q", h)
	}
	if err := CheckPassword(h, "窗口123"); err != nil {
		t.Fatalf("the right password: want nil, got %v", err)
	}
	if err := CheckPassword(h, "窗口124"); !errors.Is(err, ErrBadCredentials) {
		t.Fatalf("a wrong password: want ErrBadCredentials, got %v", err)
	}
	h2, _ := HashPassword("窗口123", fastParams)
	if h2 == h {
		t.Fatal("two hashes of one password are equal: the salt is not fresh")
	}
	if _, err := HashPassword("", fastParams); !errors.Is(err, ErrInvalidInput) {
		t.Fatalf("empty password: want ErrInvalidInput, got %v", err)
	}
}

func TestCheckPasswordRefusesDamagedHashes(t *testing.T) {
	good, _ := HashPassword("x", fastParams)
	parts := strings.Split(good, "$")
	for name, h := range map[string]string{
		"empty":        "",
		"bcrypt":       "$2a$10$abcdefghijklmnopqrstuuABCDEFGHIJKLMNOPQRSTUVWXYZ012345",
		"argon2i":      strings.Replace(good, "argon2id", "argon2i", 1),
		"version 16":   strings.Replace(good, "v=19", "v=16", 1),
		"huge memory":  strings.Replace(good, "m=64", "m=99999999", 1),
		"zero time":    strings.Replace(good, "t=1", "t=0", 1),
		"salt garbage": strings.Join([]string{"", parts[1], parts[2], parts[3], "!!!", parts[5]}, "$"),
		"short hash":   strings.Join([]string{"", parts[1], parts[2], parts[3], parts[4], "AAAA"}, "$"),
	} {
		if err := CheckPassword(h, "x"); !errors.Is(err, ErrInvalidInput) {
			t.Errorf("%s: want ErrInvalidInput, got %v", name, err)
		}
	}
}

type memDir struct {
	staff map[string]Staff
	recs  map[string]LoginRecord
}

func (m *memDir) StaffMember(_ context.Context, id string) (Staff, error) {
	s, ok := m.staff[id]
	if !ok {
		return Staff{}, ErrNotFound
	}
	return s, nil
}
func (m *memDir) LoginRecord(_ context.Context, id string) (LoginRecord, error) {
	return m.recs[id], nil
}
func (m *memDir) SetLoginRecord(_ context.Context, id string, r LoginRecord) error {
	m.recs[id] = r
	return nil
}
func (m *memDir) ChangeOwnPassword(_ context.Context, id, hash string) error {
	s := m.staff[id]
	s.PasswordHash, s.MustChange = hash, false
	m.staff[id] = s
	return nil
}

// TestOneTimePasswordIsChangedAndDisabledStaffRefused: a member of staff
// with a one-time password logs in (MustChange says to change it), changes
// it only with the present one and to a new one long enough; a disabled
// member is refused even with the right password.
func TestOneTimePasswordIsChangedAndDisabledStaffRefused(t *testing.T) {
	h, _ := HashPassword("one-time-pass", fastParams)
	dir := &memDir{staff: map[string]Staff{
		"S1": {ID: "S1", Role: RoleClerk, PasswordHash: h, MustChange: true},
		"S2": {ID: "S2", Role: RoleClerk, PasswordHash: h, Disabled: true},
	}, recs: map[string]LoginRecord{}}
	a := &Authenticator{Dir: dir, Policy: DefaultLoginPolicy, Clock: SystemClock{}}
	ctx := context.Background()
	m, err := a.Login(ctx, "S1", "one-time-pass")
	if err != nil || !m.MustChange {
		t.Fatalf("login with a one-time password: %+v, %v; want MustChange", m, err)
	}
	for _, c := range []struct {
		old, new string
		want     error
	}{
		{"wrong-password", "my-own-password", ErrBadCredentials},
		{"one-time-pass", "short", ErrPasswordTooShort},
		{"one-time-pass", "one-time-pass", ErrSamePassword},
	} {
		if err := a.ChangePassword(ctx, "S1", c.old, c.new, fastParams); !errors.Is(err, c.want) {
			t.Errorf("change %q → %q: %v; want %v", c.old, c.new, err, c.want)
		}
	}
	if err := a.ChangePassword(ctx, "S1", "one-time-pass", "my-own-password", fastParams); err != nil {
		t.Fatal(err)
	}
	if m, err := a.Login(ctx, "S1", "my-own-password"); err != nil || m.MustChange {
		t.Fatalf("login with the new password: %+v, %v", m, err)
	}
	if _, err := a.Login(ctx, "S2", "one-time-pass"); !errors.Is(err, ErrStaffDisabled) {
		t.Fatalf("a disabled member's login: %v; want ErrStaffDisabled", err)
	}
}

func TestLoginLocksAfterFailuresAndUnlocksLater(t *testing.T) {
	h, _ := HashPassword("right", fastParams)
	dir := &memDir{staff: map[string]Staff{
		"S1": {ID: "S1", Name: "陈晓燕", Role: RoleClerk, PasswordHash: h},
		"T1": {ID: "T1", Name: "何志强", Role: RoleTechnician, PasswordHash: h},
		"S2": {ID: "S2", Name: "刘建国", Role: RoleClerk},
	}, recs: map[string]LoginRecord{}}
	clock := NewManualClock(time.Date(2026, 11, 23, 9, 0, 0, 0, HallZone))
	a := &Authenticator{Dir: dir, Policy: LoginPolicy{MaxFailures: 3, LockFor: 10 * time.Minute, IdleLock: time.Minute}, Clock: clock}
	ctx := context.Background()

	var bad *BadCredentialsError
	for left := 2; left >= 1; left-- {
		_, err := a.Login(ctx, "S1", "wrong")
		if !errors.As(err, &bad) || bad.Left != left {
			t.Fatalf("wrong password: want %d tries left, got %v", left, err)
		}
	}
	_, err := a.Login(ctx, "S1", "wrong")
	var locked *LockedError
	if !errors.As(err, &locked) || !locked.Until.Equal(clock.Now().Add(10*time.Minute)) {
		t.Fatalf("third wrong password: want locked for 10 minutes, got %v", err)
	}
	clock.Advance(9 * time.Minute)
	if _, err := a.Login(ctx, "S1", "right"); !errors.Is(err, ErrAccountLocked) {
		t.Fatalf("right password while locked: want ErrAccountLocked, got %v", err)
	}
	clock.Advance(time.Minute)
	m, err := a.Login(ctx, "S1", "right")
	if err != nil || m.ID != "S1" || m.PasswordHash != "" {
		t.Fatalf("after the lock: want S1 logged in without its hash, got %+v %v", m, err)
	}
	if dir.recs["S1"] != (LoginRecord{}) {
		t.Fatalf("a success must forget the failures, have %+v", dir.recs["S1"])
	}
	if _, err := a.Login(ctx, "nobody", "right"); !errors.Is(err, ErrBadCredentials) {
		t.Fatalf("unknown id: want ErrBadCredentials, got %v", err)
	}
	if _, err := a.Login(ctx, "T1", "right"); !errors.Is(err, ErrNotAllowed) {
		t.Fatalf("technician: want ErrNotAllowed, got %v", err)
	}
	if _, err := a.Login(ctx, "S2", "x"); !errors.Is(err, ErrNoPassword) {
		t.Fatalf("no password set: want ErrNoPassword, got %v", err)
	}
	if _, err := a.Login(ctx, " ", "x"); !errors.Is(err, ErrInvalidInput) {
		t.Fatalf("blank id: want ErrInvalidInput, got %v", err)
	}
}

func TestIdleTimer(t *testing.T) {
	clock := NewManualClock(time.Date(2026, 11, 23, 9, 0, 0, 0, HallZone))
	it := NewIdleTimer(clock, 5*time.Minute)
	clock.Advance(4 * time.Minute)
	if it.Expired() {
		t.Fatal("expired after 4 of 5 minutes")
	}
	it.Touch()
	clock.Advance(4 * time.Minute)
	if it.Expired() {
		t.Fatal("expired 4 minutes after a touch")
	}
	clock.Advance(time.Minute)
	if !it.Expired() {
		t.Fatal("not expired 5 minutes after the last touch")
	}
}
