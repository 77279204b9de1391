package app

import (
	"context"
	"errors"
	"fmt"
	"image"
	"strings"
	"time"
)

// Errors a device driver returns. Each driver wraps them with the device, the
// port and a hint for the technician; callers decide with errors.Is.
var (
	ErrDeviceTimeout   = errors.New("the device did not answer in time")
	ErrPortGone        = errors.New("the serial port has gone away (unplugged or powered off)")
	ErrBadFrame        = errors.New("the device sent an answer that is garbled or cut short")
	ErrDeviceFault     = errors.New("the device reported a fault")
	ErrDeviceOffline   = errors.New("the device is offline")
	ErrNoCard          = errors.New("there is no card on the reader")
	ErrUnsupportedCard = errors.New("this card is not an identity document the reader knows")
	ErrBadCardData     = errors.New("the data read from the ID card is not valid")
	ErrPrintFailed     = errors.New("the print failed")
)

// Sex is the sex code on an ID card (GB/T 2261.1).
type Sex int

// Sex codes.
const (
	SexUnknown     Sex = 0
	SexMale        Sex = 1
	SexFemale      Sex = 2
	SexUnspecified Sex = 9
)

func (s Sex) String() string {
	switch s {
	case SexMale:
		return "男"
	case SexFemale:
		return "女"
	case SexUnspecified:
		return "未说明"
	}
	return "未知"
}

// IDCard is what a second-generation resident ID card (居民身份证) holds. It is
// personal data: never log it, and drop it when the citizen's task is done.
type IDCard struct {
	Name       string
	Sex        Sex
	NationCode string // GB 3304, two digits: 01 汉 … 56 基诺
	Nation     string // the nation's name as printed on the card: 汉, 蒙古 …
	BirthDate  time.Time
	Address    string
	Number     IDNumber
	Document   IDDocument // which card it is: empty for a resident ID card
	// Nationality (ISO 3166-1, three letters) and the name in Latin
	// letters are on a foreigner's permanent residence card only; Name is
	// its Chinese name when it has one, else the Latin one.
	Nationality string
	NameLatin   string
	Authority   string    // 签发机关; a foreigner's card has its code
	ValidFrom   time.Time // 有效期限 start
	ValidTo     time.Time // zero when the card never expires (长期)
	// Photo is the raw photo in the vendor's compressed WLT format. Only a
	// licensed vendor library decodes it; see PhotoDecoder.
	Photo []byte
}

// Expired reports whether the card is past its validity on day.
func (c IDCard) Expired(day time.Time) bool {
	if c.ValidTo.IsZero() {
		return false
	}
	y, m, d := day.Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC).After(c.ValidTo)
}

// PhotoImage decodes the card's photo with d. With no decoder installed, or a
// card without photo bytes, it returns nil and no error: the screen shows no
// photo, which is the normal case in a hall without the vendor's library.
func (c IDCard) PhotoImage(d PhotoDecoder) (image.Image, error) {
	if d == nil || len(c.Photo) == 0 {
		return nil, nil
	}
	img, err := d.DecodePhoto(c.Photo)
	if err != nil {
		return nil, fmt.Errorf("decode ID-card photo: %w", err)
	}
	return img, nil
}

// PhotoDecoder turns the card's WLT photo bytes into a picture (102×126). No
// open decoder exists, so onewindow ships none; a hall that holds a vendor's
// licence plugs one in.
type PhotoDecoder interface {
	DecodePhoto(wlt []byte) (image.Image, error)
}

// CardEventKind says what happened on an ID-card reader.
type CardEventKind int

// Card events.
const (
	CardPlaced     CardEventKind = iota + 1 // a card was read; Card holds it
	CardRemoved                             // the card left the reader
	CardUnreadable                          // a card is there but cannot be used; Err says why
	ReaderOffline                           // the reader stopped answering; Err says why
	ReaderOnline                            // the reader answers again
)

func (k CardEventKind) String() string {
	switch k {
	case CardPlaced:
		return "card placed"
	case CardRemoved:
		return "card removed"
	case CardUnreadable:
		return "card unreadable"
	case ReaderOffline:
		return "reader offline"
	case ReaderOnline:
		return "reader online"
	}
	return fmt.Sprintf("card event %d", int(k))
}

// CardEvent is one report of a reader's watch loop.
type CardEvent struct {
	Kind CardEventKind
	Card IDCard // with CardPlaced
	Err  error  // with CardUnreadable and ReaderOffline
}

// IDCardReader reads resident ID cards.
type IDCardReader interface {
	// Read reads the card on the reader now; ErrNoCard when there is none.
	Read(ctx context.Context) (IDCard, error)
	// Watch reports cards placed and removed until ctx ends, then closes the
	// channel. A card that stays on the reader is reported once.
	Watch(ctx context.Context) <-chan CardEvent
}

// PrinterStatus is a receipt printer's state, from its real-time status.
type PrinterStatus struct {
	Offline      bool
	CoverOpen    bool
	PaperOut     bool
	PaperNearEnd bool // it still prints; the hall should change the roll soon
	Error        bool // cutter jam or another fault the printer reports
}

// Ready reports whether a print would come out whole.
func (s PrinterStatus) Ready() bool {
	return !s.Offline && !s.CoverOpen && !s.PaperOut && !s.Error
}

// String says the state in the words a technician uses, most serious first.
func (s PrinterStatus) String() string {
	var parts []string
	if s.Error {
		parts = append(parts, "error (cutter jam or printer fault)")
	}
	if s.CoverOpen {
		parts = append(parts, "cover open")
	}
	if s.PaperOut {
		parts = append(parts, "paper out")
	}
	if s.Offline && !s.CoverOpen && !s.PaperOut && !s.Error {
		parts = append(parts, "offline")
	}
	if s.PaperNearEnd && !s.PaperOut {
		parts = append(parts, "paper near end")
	}
	if len(parts) == 0 {
		return "ready"
	}
	return strings.Join(parts, ", ")
}

// TicketPrint is a queue ticket (排队号票) as it goes on paper.
type TicketPrint struct {
	HallName      string
	Number        string // A012
	Category      string // the queue category's name
	Priority      Priority
	Ahead         int // people who will be called before this ticket
	EstimatedWait time.Duration
	Issued        time.Time
	QRPayload     string // what the QR code on the ticket carries; empty for none
	Footer        string // a line of advice at the bottom, e.g. 过号请重新取号
}

// Validate names what is missing from a ticket before it goes to paper.
func (t TicketPrint) Validate() error {
	var p Problems
	if strings.TrimSpace(t.HallName) == "" {
		p.Add("ticket: hall name", "is empty")
	}
	if strings.TrimSpace(t.Number) == "" {
		p.Add("ticket: number", "is empty")
	}
	if !t.Priority.Valid() {
		p.Add("ticket: priority", fmt.Sprintf("%q is not a priority", t.Priority))
	}
	if t.Ahead < 0 {
		p.Add("ticket: people ahead", "is negative")
	}
	if t.EstimatedWait < 0 {
		p.Add("ticket: estimated wait", "is negative")
	}
	if t.Issued.IsZero() {
		p.Add("ticket: issued time", "is not set")
	}
	return p.Err(ErrInvalidInput)
}

// NoticeKind is one of the three notices a window prints at intake.
type NoticeKind int

// Notice kinds.
const (
	NoticeAccepted NoticeKind = iota + 1 // 受理通知书: the case is taken in
	NoticeMissing                        // 一次性告知书: every missing material, told once
	NoticeRejected                       // 不予受理通知书: the case is refused, with the reason
)

// Title is the notice's title as printed.
func (k NoticeKind) Title() string {
	switch k {
	case NoticeAccepted:
		return "受理通知书"
	case NoticeMissing:
		return "一次性告知书"
	case NoticeRejected:
		return "不予受理通知书"
	}
	return ""
}

// NoticeMaterial is one line of a notice's materials list.
type NoticeMaterial struct {
	Name     string
	Received bool
	Note     string // e.g. 原件1份, or what is wrong with it
}

// NoticePrint is a case notice as it goes on paper. The applicant's name and
// ID number are masked by the layout whatever the caller passes, so a notice
// left on a counter never shows them whole.
type NoticePrint struct {
	Kind        NoticeKind
	HallName    string
	CaseNumber  string
	ItemName    string
	Applicant   string
	ApplicantID string
	Materials   []NoticeMaterial
	DueDate     time.Time // 受理通知书: the promised completion date
	Reason      string    // 不予受理通知书: why; 一次性告知书: what to do next
	Window      string    // the window that took the case, e.g. 5号窗口
	QRPayload   string
	Printed     time.Time
}

// Validate names what is missing from a notice for its kind.
func (n NoticePrint) Validate() error {
	var p Problems
	if n.Kind.Title() == "" {
		p.Add("notice: kind", fmt.Sprintf("%d is not a notice kind", int(n.Kind)))
	}
	if strings.TrimSpace(n.HallName) == "" {
		p.Add("notice: hall name", "is empty")
	}
	if strings.TrimSpace(n.CaseNumber) == "" {
		p.Add("notice: case number", "is empty")
	}
	if strings.TrimSpace(n.ItemName) == "" {
		p.Add("notice: item name", "is empty")
	}
	if strings.TrimSpace(n.Applicant) == "" {
		p.Add("notice: applicant", "is empty")
	}
	if n.Printed.IsZero() {
		p.Add("notice: printed time", "is not set")
	}
	switch n.Kind {
	case NoticeAccepted:
		if n.DueDate.IsZero() {
			p.Add("受理通知书: due date", "is not set")
		}
	case NoticeMissing:
		missing := 0
		for _, m := range n.Materials {
			if !m.Received {
				missing++
			}
		}
		if missing == 0 {
			p.Add("一次性告知书: materials", "lists no missing material")
		}
	case NoticeRejected:
		if strings.TrimSpace(n.Reason) == "" {
			p.Add("不予受理通知书: reason", "is empty; a refusal must say why")
		}
	}
	return p.Err(ErrInvalidInput)
}

// DocumentPrint is any other printout: a service guide (办事指南), a case's
// progress, a technician's test page.
type DocumentPrint struct {
	HallName  string
	Title     string
	Lines     []string // paragraphs; an empty string is a blank line
	QRPayload string
	Printed   time.Time
}

// Printer is a ticket and receipt printer. A print returns nil only when the
// printer was ready before and after it; otherwise an error wrapping
// ErrPrintFailed says what to tell the citizen and the technician.
type Printer interface {
	PrintTicket(ctx context.Context, t TicketPrint) error
	PrintNotice(ctx context.Context, n NoticePrint) error
	PrintDocument(ctx context.Context, d DocumentPrint) error
	Status(ctx context.Context) (PrinterStatus, error)
}

// CallerKey is a key on a clerk's caller keypad (呼叫器).
type CallerKey int

// Caller keys, as the queue bus numbers them.
const (
	KeyCallNext CallerKey = 1
	KeyRecall   CallerKey = 2
	KeySkip     CallerKey = 3
	KeyPause    CallerKey = 4
	KeyResume   CallerKey = 5
	KeyTransfer CallerKey = 6
)

func (k CallerKey) String() string {
	switch k {
	case KeyCallNext:
		return "call next"
	case KeyRecall:
		return "recall"
	case KeySkip:
		return "skip"
	case KeyPause:
		return "pause"
	case KeyResume:
		return "resume"
	case KeyTransfer:
		return "transfer"
	}
	return fmt.Sprintf("key %d", int(k))
}

// BusEventKind says what a queue-bus device reported.
type BusEventKind int

// Queue-bus events.
const (
	BusKey           BusEventKind = iota + 1 // a caller keypad's key; Key holds it
	BusRating                                // a rating pad's result; Rating holds it
	BusDeviceOffline                         // the device stopped answering; Err says why
	BusDeviceOnline                          // the device answers again
)

// BusEvent is one report from the queue bus. Addr is the device's bus address.
type BusEvent struct {
	Kind   BusEventKind
	Addr   int
	Key    CallerKey
	Rating RatingLevel
	Err    error
}

// QueueBus drives the hall's window displays, caller keypads and rating pads.
type QueueBus interface {
	// Show puts text on the window display at addr (e.g. "A023 请到5号窗口").
	Show(ctx context.Context, addr int, text string) error
	// Clear blanks the display at addr.
	Clear(ctx context.Context, addr int) error
	// PromptRating asks the citizen at the rating pad addr to rate; the
	// result comes later as a BusRating event.
	PromptRating(ctx context.Context, addr int, text string) error
	// Events delivers key presses, ratings and devices going offline and
	// online again.
	Events() <-chan BusEvent
}

// Scanner is a QR or barcode scanner.
type Scanner interface {
	// Next returns the next code scanned, a repeated scan of the same code
	// within a short time reported once.
	Next(ctx context.Context) (string, error)
}
