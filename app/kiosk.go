package app

import (
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"
)

// Kiosk timeouts: how long a kiosk waits for a touch before it goes home
// and forgets the citizen (an IdleTimer with one of these). Elderly mode doubles them: reading and finding a
// button take longer, and a screen that resets mid-task is worse than one
// that waits.
const (
	KioskIdleTimeout   = 60 * time.Second
	ElderlyIdleTimeout = 2 * KioskIdleTimeout
)

// SelfServiceForm is what a citizen fills in at a kiosk for a self-service
// item, besides the ID card: a mobile number for the hall to reach them and
// the materials they say they hold. Both are chosen from lists or typed as
// digits, since a kiosk has no Chinese input.
type SelfServiceForm struct {
	ItemCode string
	Phone    string
	Held     []int // indexes into the item's materials
}

// CheckSelfService decides whether a kiosk may submit the form for item it:
// only items marked self-service, a mainland mobile number (11 digits
// starting with 1), and every required material held.
func CheckSelfService(it Item, f SelfServiceForm) error {
	var p Problems
	if !it.SelfService {
		p.Add("item", fmt.Sprintf("%s is not a self-service item; it is taken in at a window", it.Code))
	}
	if f.ItemCode != it.Code {
		p.Add("item", fmt.Sprintf("the form is for %q, not %s", f.ItemCode, it.Code))
	}
	if !ValidMobile(f.Phone) {
		p.Add("phone", "must be a mobile number of 11 digits starting with 1")
	}
	held := map[int]bool{}
	for _, i := range f.Held {
		if i < 0 || i >= len(it.Materials) {
			p.Add("materials", fmt.Sprintf("item %s has no material number %d", it.Code, i))
			continue
		}
		held[i] = true
	}
	for i, m := range it.Materials {
		if m.Required && !held[i] {
			p.Add("materials", fmt.Sprintf("the required material %q is not held", m.Name.Zh))
		}
	}
	return p.Err(ErrInvalidInput)
}

// ValidMobile reports whether s is a mainland mobile number: 11 digits,
// the first 1 and the second 3 to 9.
func ValidMobile(s string) bool {
	if len(s) != 11 || s[0] != '1' || s[1] < '3' || s[1] > '9' {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// What the QR codes a kiosk prints carry. A ticket's code names the ticket
// (its hall day and number), a receipt's the case: never personal data.
const (
	ticketCodePrefix = "onewindow:ticket:"
	caseCodePrefix   = "onewindow:case:"
)

// TicketQR is the QR payload of a ticket.
func TicketQR(t Ticket) string { return ticketCodePrefix + t.ID }

// CaseQR is the QR payload of a case receipt.
func CaseQR(number string) string { return caseCodePrefix + number }

// ScannedCode is what a code read at the kiosk refers to.
type ScannedCode struct {
	Ticket string // the ticket's id (2026-11-23/A001), or
	Case   string // the case number
	Hall   string // a ticket's hall, when its link names it
}

// ErrUnknownCode means a scanned code was not printed by onewindow.
var ErrUnknownCode = errors.New("this code was not printed by the hall")

// ParseScannedCode reads a code scanned from a ticket or a receipt: their
// links to the citizens' pages (links.go), or the codes printed before
// them. A bare case number (what a clerk's notice prints under its code)
// is taken too.
func ParseScannedCode(s string) (ScannedCode, error) {
	s = strings.TrimSpace(s)
	if sc, ok := parseLink(s); ok {
		return sc, nil
	}
	switch {
	case strings.HasPrefix(s, ticketCodePrefix) && len(s) > len(ticketCodePrefix):
		return ScannedCode{Ticket: s[len(ticketCodePrefix):]}, nil
	case strings.HasPrefix(s, caseCodePrefix) && len(s) > len(caseCodePrefix):
		return ScannedCode{Case: s[len(caseCodePrefix):]}, nil
	case caseNumberLike(s):
		return ScannedCode{Case: s}, nil
	}
	return ScannedCode{}, ErrUnknownCode
}

// caseNumberLike matches the case numbers the store makes: terminal code,
// hall date and sequence, K01-20261123-000001.
func caseNumberLike(s string) bool {
	parts := strings.Split(s, "-")
	if len(parts) != 3 || len(parts[1]) != 8 || len(parts[2]) != 6 || parts[0] == "" {
		return false
	}
	for _, p := range parts[1:] {
		for _, r := range p {
			if r < '0' || r > '9' {
				return false
			}
		}
	}
	return true
}

// KioskProblem is a problem a kiosk tells a citizen about, in words the
// screens translate. The codes are stable; the screens hold the words.
type KioskProblem string

// Kiosk problems.
const (
	ProblemNone           KioskProblem = ""
	ProblemHubUnreachable KioskProblem = "hub_unreachable" // the hall's queue cannot be reached
	ProblemCategoryFull   KioskProblem = "category_full"
	ProblemCategoryClosed KioskProblem = "category_closed"
	ProblemPaperOut       KioskProblem = "printer_paper_out"
	ProblemPrinterCover   KioskProblem = "printer_cover_open"
	ProblemPrinterFault   KioskProblem = "printer_fault" // offline, jammed, unplugged
	ProblemReaderFault    KioskProblem = "reader_fault"  // the card reader does not answer
	ProblemNoCard         KioskProblem = "no_card"
	ProblemCardNotID      KioskProblem = "card_not_id"  // not an identity document the reader knows
	ProblemCardBad        KioskProblem = "card_bad"     // unreadable or invalid data
	ProblemCardExpired    KioskProblem = "card_expired" // past its validity
	ProblemNotFound       KioskProblem = "not_found"    // no such case or ticket
	ProblemUnknownCode    KioskProblem = "unknown_code" // a QR code not from the hall
	ProblemRecords        KioskProblem = "records"      // the kiosk's own database failed
	ProblemNotSetUp       KioskProblem = "not_set_up"   // the device or service is not configured
	ProblemHallOffline    KioskProblem = "hall_offline" // the hall's records (at the hub) cannot be reached
	ProblemNotRateable    KioskProblem = "not_rateable" // not served today, not the hall's, or rated already
)

// ErrNotConfigured means the kiosk has no such device or service set up.
var ErrNotConfigured = errors.New("not set up on this terminal")

// PrintProblem says why a print failed, from the printer's status asked
// after the failure (statusErr when even that failed).
func PrintProblem(st PrinterStatus, statusErr error) KioskProblem {
	switch {
	case statusErr != nil:
		return ProblemPrinterFault
	case st.PaperOut:
		return ProblemPaperOut
	case st.CoverOpen:
		return ProblemPrinterCover
	}
	return ProblemPrinterFault
}

// CardProblem says what is wrong when reading an ID card failed.
func CardProblem(err error) KioskProblem {
	switch {
	case err == nil:
		return ProblemNone
	case errors.Is(err, ErrNotConfigured):
		return ProblemNotSetUp
	case errors.Is(err, ErrNoCard):
		return ProblemNoCard
	case errors.Is(err, ErrUnsupportedCard):
		return ProblemCardNotID
	case errors.Is(err, ErrBadCardData), errors.Is(err, ErrInvalidIDNumber):
		return ProblemCardBad
	}
	return ProblemReaderFault
}

// QueueProblem says what is wrong when taking a number failed. Anything
// but the queue's own refusals means the hub could not be reached or
// failed: the citizen can only be sent to the staff.
func QueueProblem(err error) KioskProblem {
	switch {
	case err == nil:
		return ProblemNone
	case errors.Is(err, ErrCategoryFull):
		return ProblemCategoryFull
	case errors.Is(err, ErrCategoryClosed):
		return ProblemCategoryClosed
	case errors.Is(err, ErrNotConfigured):
		return ProblemNotSetUp
	}
	return ProblemHubUnreachable
}

// RecordsProblem says what is wrong when a look-up in the hall's records, or a rating, failed.
func RecordsProblem(err error) KioskProblem {
	switch {
	case err == nil:
		return ProblemNone
	case errors.Is(err, ErrNotFound):
		return ProblemNotFound
	case errors.Is(err, ErrUnknownCode):
		return ProblemUnknownCode
	case errors.Is(err, ErrHubUnreachable):
		return ProblemHallOffline
	case errors.Is(err, ErrNotRateable):
		return ProblemNotRateable
	}
	return ProblemRecords
}

// CheckCard decides whether a card read at the kiosk may be used today: a
// valid number and not expired.
func CheckCard(c IDCard, today time.Time) error {
	if _, err := ParseDocumentNumber(c.Document, string(c.Number), today); err != nil {
		return err
	}
	if c.Expired(today) {
		return ErrCardExpired
	}
	return nil
}

// ErrCardExpired means an ID card is past its validity.
var ErrCardExpired = errors.New("the ID card has expired")

// TechnicianPIN is the hash of the PIN that opens a kiosk's technician
// page, as kept in its file: the argon2id form HashPassword makes, so a
// stolen file costs a guesser real work per try. There is no default PIN:
// a kiosk without one says the page is not set up.
type TechnicianPIN string

// PIN rules: digits only (the kiosk's keypad has digits), 6 to 12 of them.
const (
	MinPINLength = 6
	MaxPINLength = 12
)

// ErrBadPIN means a PIN is not acceptable as a new PIN.
var ErrBadPIN = errors.New("a technician PIN must be 6 to 12 digits")

// NewTechnicianPIN hashes a new PIN.
func NewTechnicianPIN(pin string) (TechnicianPIN, error) {
	if len(pin) < MinPINLength || len(pin) > MaxPINLength || strings.Trim(pin, "0123456789") != "" {
		return "", ErrBadPIN
	}
	h, err := HashPassword(pin, DefaultPasswordParams)
	return TechnicianPIN(h), err
}

// ParseTechnicianPIN checks the stored form read from a PIN file.
func ParseTechnicianPIN(s string) (TechnicianPIN, error) {
	s = strings.TrimSpace(s)
	if err := CheckPassword(s, ""); err != nil && !errors.Is(err, ErrBadCredentials) {
		return "", fmt.Errorf("%w: the technician PIN file does not hold a PIN hash made by onewindow kiosk -set-pin", ErrInvalidConfig)
	}
	return TechnicianPIN(s), nil
}

// Matches reports whether pin is the PIN. An empty TechnicianPIN matches nothing.
func (p TechnicianPIN) Matches(pin string) bool {
	return p != "" && CheckPassword(string(p), pin) == nil
}

// PINAttempts limits guessing at the kiosk: after MaxPINFailures wrong PINs
// the entry is locked for PINLockout.
type PINAttempts struct {
	mu       sync.Mutex
	clock    Clock
	failures int
	until    time.Time
}

// Limits on PIN guessing.
const (
	MaxPINFailures = 5
	PINLockout     = 5 * time.Minute
)

// NewPINAttempts counts attempts on clock c.
func NewPINAttempts(c Clock) *PINAttempts { return &PINAttempts{clock: c} }

// Locked reports whether the entry is locked now.
func (a *PINAttempts) Locked() bool {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.clock.Now().Before(a.until)
}

// Try checks pin against p, counting failures; a locked entry refuses
// every PIN, the right one too.
func (a *PINAttempts) Try(p TechnicianPIN, pin string) bool {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.clock.Now().Before(a.until) {
		return false
	}
	if p.Matches(pin) {
		a.failures = 0
		return true
	}
	a.failures++
	if a.failures >= MaxPINFailures {
		a.failures = 0
		a.until = a.clock.Now().Add(PINLockout)
	}
	return false
}
