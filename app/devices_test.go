package app

import (
	"errors"
	"image"
	"strings"
	"testing"
	"time"
)

func TestPrinterStatus(t *testing.T) {
	tests := []struct {
		s     PrinterStatus
		ready bool
		says  string
	}{
		{PrinterStatus{}, true, "ready"},
		{PrinterStatus{PaperNearEnd: true}, true, "paper near end"},
		{PrinterStatus{PaperOut: true, PaperNearEnd: true, Offline: true}, false, "paper out"},
		{PrinterStatus{CoverOpen: true, Offline: true}, false, "cover open"},
		{PrinterStatus{Offline: true}, false, "offline"},
		{PrinterStatus{Error: true, Offline: true}, false, "error (cutter jam or printer fault)"},
		{PrinterStatus{CoverOpen: true, PaperOut: true, Offline: true}, false, "cover open, paper out"},
	}
	for _, tt := range tests {
		if tt.s.Ready() != tt.ready || tt.s.String() != tt.says {
			t.Errorf("%+v: want ready=%v %q, got ready=%v %q", tt.s, tt.ready, tt.says, tt.s.Ready(), tt.s.String())
		}
	}
}

func TestTicketPrintValidate(t *testing.T) {
	good := TicketPrint{HallName: "朝阳区政务服务中心", Number: "A012", Issued: time.Now()}
	if err := good.Validate(); err != nil {
		t.Fatalf("a whole ticket: %v", err)
	}
	bad := TicketPrint{Ahead: -1, EstimatedWait: -time.Minute}
	err := bad.Validate()
	if !errors.Is(err, ErrInvalidInput) {
		t.Fatalf("want ErrInvalidInput, got %v", err)
	}
	for _, want := range []string{"hall name", "number", "people ahead", "estimated wait", "issued time"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("the error should name %q: %v", want, err)
		}
	}
}

func TestNoticePrintValidate(t *testing.T) {
	base := NoticePrint{HallName: "h", CaseNumber: "c", ItemName: "i", Applicant: "张三", Printed: time.Now()}
	tests := []struct {
		name string
		n    func(n NoticePrint) NoticePrint
		says string // empty when valid
	}{
		{"accepted with due date", func(n NoticePrint) NoticePrint { n.Kind, n.DueDate = NoticeAccepted, time.Now(); return n }, ""},
		{"accepted without due date", func(n NoticePrint) NoticePrint { n.Kind = NoticeAccepted; return n }, "due date"},
		{"missing with a missing material", func(n NoticePrint) NoticePrint {
			n.Kind, n.Materials = NoticeMissing, []NoticeMaterial{{Name: "m"}}
			return n
		}, ""},
		{"missing with nothing missing", func(n NoticePrint) NoticePrint {
			n.Kind, n.Materials = NoticeMissing, []NoticeMaterial{{Name: "m", Received: true}}
			return n
		}, "no missing material"},
		{"rejected with reason", func(n NoticePrint) NoticePrint { n.Kind, n.Reason = NoticeRejected, "r"; return n }, ""},
		{"rejected without reason", func(n NoticePrint) NoticePrint { n.Kind = NoticeRejected; return n }, "must say why"},
		{"no kind", func(n NoticePrint) NoticePrint { return n }, "not a notice kind"},
		{"no case number", func(n NoticePrint) NoticePrint { n.Kind, n.Reason, n.CaseNumber = NoticeRejected, "r", ""; return n }, "case number"},
	}
	for _, tt := range tests {
		err := tt.n(base).Validate()
		switch {
		case tt.says == "" && err != nil:
			t.Errorf("%s: want valid, got %v", tt.name, err)
		case tt.says != "" && (!errors.Is(err, ErrInvalidInput) || !strings.Contains(err.Error(), tt.says)):
			t.Errorf("%s: want ErrInvalidInput saying %q, got %v", tt.name, tt.says, err)
		}
	}
	for k, title := range map[NoticeKind]string{NoticeAccepted: "受理通知书", NoticeMissing: "一次性告知书", NoticeRejected: "不予受理通知书"} {
		if k.Title() != title {
			t.Errorf("kind %d: want %s, got %s", k, title, k.Title())
		}
	}
}

type fakeDecoder struct{ err error }

func (f fakeDecoder) DecodePhoto(wlt []byte) (image.Image, error) {
	if f.err != nil {
		return nil, f.err
	}
	return image.NewRGBA(image.Rect(0, 0, 102, 126)), nil
}

func TestIDCardPhotoAndExpiry(t *testing.T) {
	c := IDCard{Photo: []byte("WLT"), ValidTo: time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)}
	if img, err := c.PhotoImage(nil); img != nil || err != nil {
		t.Errorf("no decoder: want no photo and no error, got %v, %v", img, err)
	}
	if img, err := c.PhotoImage(fakeDecoder{}); err != nil || img.Bounds().Dx() != 102 {
		t.Errorf("with a decoder: want a 102-wide photo, got %v, %v", img, err)
	}
	boom := errors.New("licence expired")
	if _, err := c.PhotoImage(fakeDecoder{err: boom}); !errors.Is(err, boom) {
		t.Errorf("a failing decoder: want its error, got %v", err)
	}
	if c.Expired(time.Date(2030, 1, 1, 15, 0, 0, 0, time.UTC)) || !c.Expired(time.Date(2030, 1, 2, 0, 0, 0, 0, time.UTC)) {
		t.Error("a card is valid through its last day and expired the day after")
	}
	if (IDCard{}).Expired(time.Date(2099, 1, 1, 0, 0, 0, 0, time.UTC)) {
		t.Error("a 长期 card never expires")
	}
	if SexFemale.String() != "女" || SexMale.String() != "男" {
		t.Error("sex names")
	}
}
