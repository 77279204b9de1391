package app

import (
	"errors"
	"fmt"
	"testing"
	"time"
)

func selfServiceItem() Item {
	return Item{Code: "GA-008", SelfService: true, Materials: []Material{
		{Name: Text{Zh: "居民身份证"}, Form: Original, Copies: 1, Required: true},
		{Name: Text{Zh: "委托书"}, Form: Original, Copies: 1},
	}}
}

func TestCheckSelfService(t *testing.T) {
	it := selfServiceItem()
	window := it
	window.SelfService = false
	for _, tc := range []struct {
		name string
		it   Item
		form SelfServiceForm
		ok   bool
	}{
		{"complete", it, SelfServiceForm{ItemCode: "GA-008", Phone: "13800138000", Held: []int{0}}, true},
		{"optional material too", it, SelfServiceForm{ItemCode: "GA-008", Phone: "19912345678", Held: []int{0, 1}}, true},
		{"window-only item", window, SelfServiceForm{ItemCode: "GA-008", Phone: "13800138000", Held: []int{0}}, false},
		{"form for another item", it, SelfServiceForm{ItemCode: "GA-001", Phone: "13800138000", Held: []int{0}}, false},
		{"required material missing", it, SelfServiceForm{ItemCode: "GA-008", Phone: "13800138000", Held: []int{1}}, false},
		{"no such material", it, SelfServiceForm{ItemCode: "GA-008", Phone: "13800138000", Held: []int{0, 7}}, false},
		{"short phone", it, SelfServiceForm{ItemCode: "GA-008", Phone: "1380013800", Held: []int{0}}, false},
	} {
		err := CheckSelfService(tc.it, tc.form)
		if (err == nil) != tc.ok {
			t.Errorf("%s: err = %v, want ok=%v", tc.name, err, tc.ok)
		}
		if err != nil && !errors.Is(err, ErrInvalidInput) {
			t.Errorf("%s: %v should wrap ErrInvalidInput", tc.name, err)
		}
	}
}

func TestValidMobile(t *testing.T) {
	for s, want := range map[string]bool{
		"13800138000": true, "19912345678": true, "12800138000": false, "23800138000": false,
		"1380013800": false, "138001380000": false, "1380013800x": false, "": false,
	} {
		if got := ValidMobile(s); got != want {
			t.Errorf("ValidMobile(%q) = %v, want %v", s, got, want)
		}
	}
}

func TestScannedCodes(t *testing.T) {
	for _, tc := range []struct {
		in            string
		ticket, case_ string
		err           error
	}{
		{TicketQR(Ticket{ID: "2026-11-24/A012"}), "2026-11-24/A012", "", nil},
		{CaseQR("K01-20261124-000001"), "", "K01-20261124-000001", nil},
		{" K01-20261124-000001\r\n", "", "K01-20261124-000001", nil},
		{"onewindow:case:", "", "", ErrUnknownCode},
		{"https://example.com/x", "", "", ErrUnknownCode},
		{"K01-2026112-000001", "", "", ErrUnknownCode},
	} {
		got, err := ParseScannedCode(tc.in)
		if !errors.Is(err, tc.err) || got.Ticket != tc.ticket || got.Case != tc.case_ {
			t.Errorf("ParseScannedCode(%q) = %+v, %v; want ticket %q case %q err %v", tc.in, got, err, tc.ticket, tc.case_, tc.err)
		}
	}
}

func TestProblemsArePlainAndSpecific(t *testing.T) {
	for _, tc := range []struct {
		got, want KioskProblem
	}{
		{QueueProblem(fmt.Errorf("issue: %w", ErrCategoryFull)), ProblemCategoryFull},
		{QueueProblem(fmt.Errorf("issue: %w", ErrCategoryClosed)), ProblemCategoryClosed},
		{QueueProblem(errors.New("dial tcp: connection refused")), ProblemHubUnreachable},
		{QueueProblem(nil), ProblemNone},
		{CardProblem(fmt.Errorf("read: %w", ErrNoCard)), ProblemNoCard},
		{CardProblem(fmt.Errorf("read: %w", ErrUnsupportedCard)), ProblemCardNotID},
		{CardProblem(fmt.Errorf("read: %w", ErrInvalidIDNumber)), ProblemCardBad},
		{CardProblem(fmt.Errorf("read: %w", ErrDeviceTimeout)), ProblemReaderFault},
		{CardProblem(ErrNotConfigured), ProblemNotSetUp},
		{PrintProblem(PrinterStatus{PaperOut: true, Offline: true}, nil), ProblemPaperOut},
		{PrintProblem(PrinterStatus{CoverOpen: true}, nil), ProblemPrinterCover},
		{PrintProblem(PrinterStatus{}, ErrPortGone), ProblemPrinterFault},
		{RecordsProblem(fmt.Errorf("case: %w", ErrNotFound)), ProblemNotFound},
		{RecordsProblem(ErrUnknownCode), ProblemUnknownCode},
		{RecordsProblem(errors.New("disk I/O error")), ProblemRecords},
	} {
		if tc.got != tc.want {
			t.Errorf("got %q, want %q", tc.got, tc.want)
		}
	}
}

func TestCheckCard(t *testing.T) {
	today := time.Date(2026, 11, 24, 0, 0, 0, 0, time.UTC)
	first17 := "11010519850312123"
	d, _ := IDCheckDigit(first17)
	good := IDCard{Number: IDNumber(first17 + string(d)), ValidTo: today.AddDate(1, 0, 0)}
	if err := CheckCard(good, today); err != nil {
		t.Errorf("a valid card: %v", err)
	}
	expired := good
	expired.ValidTo = today.AddDate(0, 0, -1)
	if err := CheckCard(expired, today); !errors.Is(err, ErrCardExpired) {
		t.Errorf("an expired card: %v", err)
	}
	bad := good
	bad.Number = IDNumber(first17 + "0")
	if d == '0' {
		bad.Number = IDNumber(first17 + "1")
	}
	if err := CheckCard(bad, today); !errors.Is(err, ErrInvalidIDNumber) {
		t.Errorf("a card with a wrong check digit: %v", err)
	}
}

func TestTechnicianPIN(t *testing.T) {
	for _, bad := range []string{"", "12345", "1234567890123", "12ab56"} {
		if _, err := NewTechnicianPIN(bad); !errors.Is(err, ErrBadPIN) {
			t.Errorf("NewTechnicianPIN(%q) = %v, want ErrBadPIN", bad, err)
		}
	}
	p, err := NewTechnicianPIN("246810")
	if err != nil {
		t.Fatal(err)
	}
	if !p.Matches("246810") || p.Matches("246811") || TechnicianPIN("").Matches("") {
		t.Errorf("PIN matching is wrong")
	}
	if q, err := ParseTechnicianPIN(string(p) + "\n"); err != nil || q != p {
		t.Errorf("reading back the stored PIN: %q, %v", q, err)
	}
	if _, err := ParseTechnicianPIN("246810"); !errors.Is(err, ErrInvalidConfig) {
		t.Errorf("a bare PIN in the file: %v, want ErrInvalidConfig", err)
	}
}

func TestPINAttemptsLockAfterFailures(t *testing.T) {
	p, err := NewTechnicianPIN("246810")
	if err != nil {
		t.Fatal(err)
	}
	c := NewManualClock(time.Date(2026, 11, 24, 9, 0, 0, 0, time.UTC))
	a := NewPINAttempts(c)
	for i := 0; i < MaxPINFailures; i++ {
		if a.Try(p, "000000") {
			t.Fatal("a wrong PIN opened the page")
		}
	}
	if !a.Locked() || a.Try(p, "246810") {
		t.Fatalf("after %d failures even the right PIN must be refused for a while", MaxPINFailures)
	}
	c.Advance(PINLockout)
	if a.Locked() || !a.Try(p, "246810") {
		t.Errorf("after the lockout the right PIN should open the page")
	}
}
