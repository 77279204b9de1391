package kiosk

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"onewindow/app"
	"onewindow/app/pii"
	"onewindow/app/selfservice"
	"onewindow/app/store"
	"onewindow/device/sim/idreadersim"
	"onewindow/ui/theme"
	"onewindow/ui/touch"
)

// kioskKey keys the hash of an ID number the kiosk sends the hub.
var kioskKey = []byte("0123456789abcdef0123456789abcdef")

// fakeQueue stands in for the hub: it numbers tickets per category and
// remembers every request, to check what left the kiosk.
type fakeQueue struct {
	mu       sync.Mutex
	requests []app.IssueRequest
	seq      map[string]int
	err      error
}

func (q *fakeQueue) Issue(_ context.Context, r app.IssueRequest) (app.Ticket, error) {
	q.mu.Lock()
	defer q.mu.Unlock()
	q.requests = append(q.requests, r)
	if q.err != nil {
		return app.Ticket{}, q.err
	}
	if q.seq == nil {
		q.seq = map[string]int{}
	}
	q.seq[r.Category]++
	code := app.TicketCode(r.Category, q.seq[r.Category])
	pr := r.Priority()
	return app.Ticket{ID: "2026-11-24/" + code, Code: code, Category: r.Category, Seq: q.seq[r.Category],
		Priority: pr, WhoMasked: r.Who, Issued: testNow, State: app.Waiting, Ahead: 3, Wait: 14 * time.Minute}, nil
}

func (q *fakeQueue) Requeue(context.Context, string, string, string, string) (app.Ticket, error) {
	return app.Ticket{}, app.ErrNoTicket
}

func (q *fakeQueue) Queue(context.Context, int) (app.QueueStatus, error) {
	if q.err != nil {
		return app.QueueStatus{}, q.err
	}
	return app.QueueStatus{Categories: []app.CategoryStatus{
		{Prefix: "A", Waiting: 3, Wait: 14 * time.Minute, Open: true},
		{Prefix: "G", Waiting: 0, Open: false},
	}}, nil
}

// fakeReader returns the card on it, or err.
type fakeReader struct {
	card *app.IDCard
	err  error
}

func (r *fakeReader) Read(context.Context) (app.IDCard, error) {
	if r.err != nil {
		return app.IDCard{}, r.err
	}
	if r.card == nil {
		return app.IDCard{}, app.ErrNoCard
	}
	return *r.card, nil
}

func (r *fakeReader) Watch(ctx context.Context) <-chan app.CardEvent {
	ch := make(chan app.CardEvent)
	go func() { <-ctx.Done(); close(ch) }()
	return ch
}

// fakePrinter keeps what it was asked to print; with fail set, every print
// fails and the status says why.
type fakePrinter struct {
	mu      sync.Mutex
	tickets []app.TicketPrint
	docs    []app.DocumentPrint
	fail    bool
	status  app.PrinterStatus
}

func (p *fakePrinter) PrintTicket(_ context.Context, t app.TicketPrint) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.fail {
		return app.ErrPrintFailed
	}
	p.tickets = append(p.tickets, t)
	return nil
}

func (p *fakePrinter) PrintNotice(context.Context, app.NoticePrint) error { return nil }

func (p *fakePrinter) PrintDocument(_ context.Context, d app.DocumentPrint) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.fail {
		return app.ErrPrintFailed
	}
	p.docs = append(p.docs, d)
	return nil
}

func (p *fakePrinter) Status(context.Context) (app.PrinterStatus, error) { return p.status, nil }

var testNow = time.Date(2026, 11, 24, 9, 30, 0, 0, app.HallZone)

// places tells where a ticket is from the store's queue, as the hub does.
type places struct{ *store.Store }

func (p places) Ticket(ctx context.Context, id string) (app.Ticket, error) { return p.TicketPlace(ctx, id) }

// rig is a kiosk in a test window with its fakes and a real store.
type rig struct {
	k       *Kiosk
	w       fyne.Window
	queue   *fakeQueue
	reader  *fakeReader
	printer *fakePrinter
	store   *store.Store
	clock   *app.ManualClock
}

func card(t testing.TB, i int) app.IDCard {
	t.Helper()
	return idreadersim.SampleCards()[i].Card
}

func newRig(t testing.TB, mutate ...func(*Config)) *rig {
	t.Helper()
	return newRigWith(t, nil, mutate...)
}

// newRigWith is newRig whose use cases' services and set-up set changes
// before they are made.
func newRigWith(t testing.TB, set func(*selfservice.Services, *selfservice.Config), mutate ...func(*Config)) *rig {
	t.Helper()
	a := test.NewTempApp(t)
	w := a.NewWindow("kiosk")
	w.Resize(fyne.NewSize(1280, 1024))
	clock := app.NewManualClock(testNow)
	keys, err := pii.LoadOrCreate(filepath.Join(t.TempDir(), "pd.key"))
	if err != nil {
		t.Fatal(err)
	}
	s, err := store.Open(context.Background(), filepath.Join(t.TempDir(), "k.db"), store.Options{Terminal: "K01", Keys: keys, Clock: clock})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	if err := store.LoadSample(context.Background(), s); err != nil {
		t.Fatal(err)
	}
	r := &rig{w: w, queue: &fakeQueue{}, reader: &fakeReader{}, printer: &fakePrinter{}, store: s, clock: clock}
	svc := selfservice.Services{Queue: r.queue, Tickets: places{s}, Catalogue: s, Intake: s, Progress: s, Ratings: s, Clock: clock}
	self := selfservice.Config{
		HallName: app.Text{Zh: "西溪区政务服务中心", En: "Xixi District Government Service Center"},
		KioskKey: kioskKey, Terminal: "K01",
	}
	if set != nil {
		set(&svc, &self)
	}
	ss, err := selfservice.New(context.Background(), svc, self)
	if err != nil {
		t.Fatal(err)
	}
	cfg := Config{Self: ss, Reader: r.reader, Printer: r.printer}
	for _, m := range mutate {
		m(&cfg)
	}
	k, err := New(w, cfg)
	if err != nil {
		t.Fatal(err)
	}
	k.inline = true
	k.pollQueue()
	r.k = k
	return r
}

// walk visits every object on screen with the chain of its parents.
func walk(o fyne.CanvasObject, parents []fyne.CanvasObject, fn func(o fyne.CanvasObject, parents []fyne.CanvasObject) bool) bool {
	if o == nil || !o.Visible() {
		return false
	}
	if fn(o, parents) {
		return true
	}
	parents = append(parents, o)
	switch x := o.(type) {
	case *fyne.Container:
		for _, c := range x.Objects {
			if walk(c, parents, fn) {
				return true
			}
		}
	case *container.Scroll:
		return walk(x.Content, parents, fn)
	case *touch.Keypad:
		return walk(test.WidgetRenderer(x).Objects()[0], parents, fn)
	case *hiddenTap:
	case fyne.Widget:
		if _, leaf := o.(*widget.Label); leaf {
			return false
		}
		for _, c := range test.WidgetRenderer(x).Objects() {
			if walk(c, parents, fn) {
				return true
			}
		}
	}
	return false
}

// texts is everything written on screen.
func (r *rig) texts() []string {
	var out []string
	walk(r.w.Content(), nil, func(o fyne.CanvasObject, _ []fyne.CanvasObject) bool {
		switch x := o.(type) {
		case *widget.Label:
			out = append(out, x.Text)
		case *canvas.Text:
			out = append(out, x.Text)
		case *touch.Button:
			out = append(out, x.Text)
		case *widget.Check:
			out = append(out, x.Text)
		case *tick:
			out = append(out, x.Text)
		}
		return false
	})
	return out
}

func (r *rig) shows(s string) bool {
	for _, x := range r.texts() {
		if strings.Contains(x, s) {
			return true
		}
	}
	return false
}

func (r *rig) mustShow(t *testing.T, s ...string) {
	t.Helper()
	for _, x := range s {
		if !r.shows(x) {
			t.Fatalf("page %q should show %q; it shows %q", r.k.Page(), x, r.texts())
		}
	}
}

// tap taps the button labelled s, or the home tile whose title is s, or
// the check box with the text s.
func (r *rig) tap(t testing.TB, s string) {
	t.Helper()
	var target fyne.Tappable
	walk(r.w.Content(), nil, func(o fyne.CanvasObject, parents []fyne.CanvasObject) bool {
		switch x := o.(type) {
		case *touch.Button:
			if x.Text != "" && (x.Text == s || strings.HasPrefix(x.Text, s+"\n") || strings.HasPrefix(x.Text, s)) {
				target = x
				return true
			}
		case *widget.Check:
			if x.Text == s {
				target = x
				return true
			}
		case *tick:
			if x.Text == s {
				target = x
				return true
			}
		case *canvas.Text:
			if x.Text == s {
				// a tile: the button is the first object of the stack
				// two levels up
				for i := len(parents) - 1; i >= 0; i-- {
					if c, ok := parents[i].(*fyne.Container); ok {
						for _, obj := range c.Objects {
							if b, ok := obj.(*touch.Button); ok && b.Text == "" {
								target = b
								return true
							}
						}
					}
				}
			}
		}
		return false
	})
	if target == nil {
		t.Fatalf("page %q has nothing labelled %q to tap; it shows %q", r.k.Page(), s, r.texts())
	}
	test.Tap(target)
}

func (r *rig) keys(pad *touch.Keypad, s string) {
	for _, c := range s {
		test.Tap(pad.Key(string(c)))
	}
}

func TestTakeNumberWithIDCardSendsNoIDNumberAndPrints(t *testing.T) {
	r := newRig(t)
	c := card(t, 1) // 王秀英, born 1951: elderly
	r.reader.card = &c
	r.tap(t, "取号")
	r.mustShow(t, "请选择业务类别", "等候 3 人")
	r.tap(t, "读身份证")
	r.mustShow(t, "王*英", "老年人优先")
	if r.shows("王秀英") {
		t.Errorf("the full name is on screen")
	}
	r.tap(t, "A  户籍业务")
	if r.k.Page() != "ticket" {
		t.Fatalf("after choosing a category the page is %q, want ticket", r.k.Page())
	}
	r.mustShow(t, "A001", "请取走号票", "老年人优先")

	// What the request carries is app/selfservice's rule, tested there
	// (TestTakeANumberSendsOnlyTheMaskedNameTheAgeAndTheKey).
	if len(r.queue.requests) != 1 || r.queue.requests[0].Category != "A" || r.queue.requests[0].Who != "王*英" {
		t.Fatalf("the hub got %+v, want one request in A for 王*英", r.queue.requests)
	}
	if len(r.printer.tickets) != 1 || r.printer.tickets[0].Number != "A001" || r.printer.tickets[0].QRPayload != "onewindow:ticket:2026-11-24/A001" {
		t.Fatalf("printed %+v, want ticket A001 with its QR code", r.printer.tickets)
	}
	r.tap(t, "完成，返回首页")
	if r.k.Page() != "home" {
		t.Errorf("done goes to %q, want home", r.k.Page())
	}
}

func TestTicketStaysOnScreenWhenThePrinterIsOutOfPaper(t *testing.T) {
	r := newRig(t)
	r.printer.fail, r.printer.status = true, app.PrinterStatus{PaperOut: true}
	r.tap(t, "取号")
	r.tap(t, "A  户籍业务")
	r.mustShow(t, "A001", "打印机没纸了", "请用手机拍下本屏号码和二维码")
	var qr bool
	walk(r.w.Content(), nil, func(o fyne.CanvasObject, _ []fyne.CanvasObject) bool {
		if img, ok := o.(*canvas.Image); ok && img.Image != nil && img.Image.Bounds().Dx() >= 200 {
			qr = true
		}
		return qr
	})
	if !qr {
		t.Errorf("no QR code on the ticket page")
	}
}

func TestHubProblemsAreSaidInPlainWords(t *testing.T) {
	for _, tc := range []struct {
		err  error
		want string
	}{
		{errors.New("the hall hub cannot be reached at http://10.0.0.2:7100: connection refused"), "排队系统暂时连接不上"},
		{fmt.Errorf("issue: %w", app.ErrCategoryFull), "今天的号已取完"},
		{fmt.Errorf("issue: %w", app.ErrCategoryClosed), "今天已停止取号"},
	} {
		r := newRig(t)
		r.tap(t, "取号")
		r.queue.err = tc.err
		r.tap(t, "A  户籍业务")
		r.mustShow(t, tc.want)
		if r.k.Page() != "number" {
			t.Errorf("after a refused issue the page is %q, want number", r.k.Page())
		}
	}
}

func TestClosedCategoryCannotBeChosen(t *testing.T) {
	r := newRig(t)
	r.k.pollQueue()
	r.tap(t, "取号")
	r.mustShow(t, "今日已停止取号")
	r.tap(t, "G  民政婚姻")
	if len(r.queue.requests) != 0 {
		t.Errorf("a closed category issued a number")
	}
}

func TestBadCardIsRefusedInPlainWords(t *testing.T) {
	r := newRig(t)
	c := card(t, 7) // damaged: the check digit is wrong
	r.reader.card = &c
	r.tap(t, "取号")
	r.tap(t, "读身份证")
	r.mustShow(t, "身份证信息无法读取")
	r.reader.card, r.reader.err = nil, fmt.Errorf("read: %w", app.ErrDeviceTimeout)
	r.tap(t, "读身份证")
	r.mustShow(t, "身份证阅读器没有响应")
}

func TestGuideFindsItemsByPinyinInitials(t *testing.T) {
	r := newRig(t)
	r.tap(t, "办事指南")
	r.tap(t, "按拼音首字母查找")
	r.keys(r.k.searchPad, "HKQY")
	r.mustShow(t, "hkqy", "户口迁移（市内）")
	r.tap(t, "户口迁移（市内）")
	r.mustShow(t, "申请材料", "收费标准：不收费", "承诺时限")
	r.tap(t, "打印指南")
	r.mustShow(t, "已打印")
	if len(r.printer.docs) != 1 || !strings.Contains(r.printer.docs[0].Title, "户口迁移") {
		t.Errorf("printed %+v, want the guide of 户口迁移", r.printer.docs)
	}
}

func TestGuideByDepartmentInThreeTaps(t *testing.T) {
	r := newRig(t)
	r.tap(t, "办事指南")
	r.tap(t, "区公安分局")
	r.tap(t, "居民身份证换领")
	r.mustShow(t, "工本费20元")
	r.tap(t, "返回首页")
	if r.k.Page() != "home" {
		t.Errorf("home goes to %q", r.k.Page())
	}
}

func TestSelfServiceApplicationPrintsAMaskedReceipt(t *testing.T) {
	r := newRig(t)
	c := card(t, 2) // 李堃
	r.reader.card = &c
	r.tap(t, "自助申报")
	r.tap(t, "户籍证明开具")
	r.tap(t, "读身份证")
	r.mustShow(t, "李*", "手机号")
	r.keys(r.k.phonePad, "1380013800")
	r.tap(t, "提交申请")
	r.mustShow(t, "请输入11位手机号码")
	r.keys(r.k.phonePad, "0")
	r.submitRequired(t, "GA-008")
	if r.k.Page() != "receipt" {
		t.Fatalf("after submitting the page is %q (%q), want receipt", r.k.Page(), r.texts())
	}
	r.mustShow(t, "K01-20261124-000001", "回执已打印", "预审", "办件查询")
	r.mustNotShow(t, "短信") // nothing sends one
	// The stored case and the receipt's lines are app/selfservice's
	// (TestSelfServiceApplicationIsTakenInAndItsReceiptMasked).
	got, err := r.store.Case(context.Background(), "K01-20261124-000001")
	if err != nil || got.State != app.Submitted || got.Applicant.Phone != "13800138000" {
		t.Fatalf("stored case %+v, %v; want submitted with the phone", got, err)
	}
	if len(r.printer.docs) != 1 || r.printer.docs[0].QRPayload != app.CaseQR("K01-20261124-000001") {
		t.Fatalf("printed %+v, want the receipt with its code", r.printer.docs)
	}
}

func TestCaseProgressByReceiptCodeAndByCard(t *testing.T) {
	r := newRig(t)
	c := card(t, 3) // 马喆
	cs, err := r.store.TakeIn(context.Background(), app.Intake{ItemCode: "GA-008",
		Applicant: app.Applicant{Name: c.Name, IDNumber: c.Number}, Actor: "kiosk:K01", Outcome: app.Submitted})
	if err != nil {
		t.Fatal(err)
	}
	r.k.Scanned(app.CaseQR(cs.Number))
	if r.k.Page() != "case" {
		t.Fatalf("scanning a receipt at home shows %q, want case", r.k.Page())
	}
	r.mustShow(t, cs.Number, "马*", c.Number.Masked(), "已收件", "自助机")
	if r.shows("马喆") || r.shows(string(c.Number)) {
		t.Errorf("personal data shown whole: %q", r.texts())
	}
	r.tap(t, "返回首页")
	r.reader.card = &c
	r.tap(t, "办件查询")
	r.tap(t, "读身份证查询")
	r.mustShow(t, cs.Number, "户籍证明开具")

	r.tap(t, "返回首页")
	r.tap(t, "办件查询")
	r.k.Scanned("https://example.com/not-ours")
	r.mustShow(t, "不是本大厅打印的")
}

func TestBadRatingAsksForAReason(t *testing.T) {
	r := newRig(t)
	r.tap(t, "服务评价")
	r.keys(r.k.ratePad, "A12")
	r.tap(t, "下一步")
	r.mustShow(t, "一个字母加三位数字")
	r.keys(r.k.ratePad, "A012")
	r.tap(t, "下一步")
	r.mustShow(t, "非常满意", "非常不满意")
	r.tap(t, "不满意")
	r.tap(t, "提交评价")
	r.mustShow(t, "请至少选择一个原因")
	r.tap(t, "等候时间太长")
	r.tap(t, "提交评价")
	r.mustShow(t, "感谢您的评价", "回访")
	open, err := r.store.OpenFollowUps(context.Background())
	if err != nil || len(open) != 1 {
		t.Fatalf("open follow-ups = %d, %v; a bad rating must open one", len(open), err)
	}
}

func TestIdleTimeoutGoesHomeAndForgets(t *testing.T) {
	r := newRig(t)
	c := card(t, 0)
	r.reader.card = &c
	r.tap(t, "English")
	r.tap(t, "Take a number")
	r.tap(t, "Read ID card")
	r.mustShow(t, "张*")
	r.clock.Advance(app.KioskIdleTimeout - time.Second)
	r.k.CheckIdle()
	if r.k.Page() != "number" {
		t.Fatalf("before the timeout the page is %q, want number", r.k.Page())
	}
	r.clock.Advance(time.Second)
	r.k.CheckIdle()
	if r.k.Page() != "home" {
		t.Fatalf("after the timeout the page is %q, want home", r.k.Page())
	}
	if r.k.w.Language() != theme.Chinese {
		t.Errorf("the citizen's language survived the timeout")
	}
	r.tap(t, "取号")
	if r.shows("张*") {
		t.Errorf("the next citizen sees the last one's card")
	}
}

func TestTouchesKeepTheKioskAwake(t *testing.T) {
	r := newRig(t)
	r.tap(t, "办事指南")
	r.tap(t, "按拼音首字母查找")
	for i := 0; i < 5; i++ {
		r.clock.Advance(app.KioskIdleTimeout / 2)
		r.keys(r.k.searchPad, "H")
		r.k.CheckIdle()
	}
	if r.k.Page() != "search" {
		t.Errorf("a citizen typing was sent %q", r.k.Page())
	}
}

func TestTechnicianEntryNeedsAPIN(t *testing.T) {
	r := newRig(t)
	for i := 0; i < 5; i++ {
		test.Tap(r.k.hidden)
	}
	r.mustShow(t, "未设置运维密码")

	pin, err := app.NewTechnicianPIN("246810")
	if err != nil {
		t.Fatal(err)
	}
	r = newRig(t, func(c *Config) { c.PIN = pin })
	for i := 0; i < 4; i++ {
		test.Tap(r.k.hidden)
	}
	if r.k.Page() != "home" {
		t.Fatalf("four taps opened %q", r.k.Page())
	}
	test.Tap(r.k.hidden)
	r.keys(r.k.pinPad, "111111")
	r.tap(t, "进入")
	r.mustShow(t, "密码错误")
	r.keys(r.k.pinPad, "246810")
	r.tap(t, "进入")
	if r.k.Page() != "status" {
		t.Fatalf("the right PIN shows %q", r.k.Page())
	}
	r.mustShow(t, "打印机: ready", "身份证阅读器: ready, no card", "排队服务（大厅）: ok", "省级平台同步: 未配置")
}
