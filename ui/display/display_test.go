package display

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"onewindow/app"
	"onewindow/ui/theme"
)

type said struct{ calls []string }

func (s *said) Call(code string, window int) {
	s.calls = append(s.calls, fmt.Sprintf("%s@%d", code, window))
}

var now = time.Date(2026, 11, 24, 10, 30, 0, 0, app.HallZone)

func newScreen(t *testing.T, l ...theme.Language) (*Display, fyne.Window, *said) {
	t.Helper()
	a := test.NewTempApp(t)
	w := a.NewWindow("display")
	w.Resize(fyne.NewSize(1920, 1080))
	s := &said{}
	d := New(w, Config{HallName: app.Text{Zh: "西溪区政务服务中心", En: "Xixi District Government Service Center"},
		Announcer: s, Clock: app.NewManualClock(now), Calls: 6, Language: append(l, theme.Chinese)[0]})
	d.SetStatus(app.QueueStatus{Categories: []app.CategoryStatus{
		{Prefix: "A", Name: app.Text{Zh: "户籍业务", En: "Household registration"}, Waiting: 12, Open: true},
		{Prefix: "B", Name: app.Text{Zh: "社保医保", En: "Social and medical insurance"}, Waiting: 3, Open: true},
		{Prefix: "G", Name: app.Text{Zh: "民政婚姻", En: "Civil affairs and marriage"}, Waiting: 0, Open: false},
	}})
	return d, w, s
}

func call(seq int64, kind app.QueueEventKind, code string, window int, at time.Time) app.QueueEvent {
	return app.QueueEvent{Seq: seq, Kind: kind, At: at, Window: window, Ticket: app.Ticket{Code: code, Window: window}}
}

func index(xs []string, s string) int {
	return slices.IndexFunc(xs, func(x string) bool { return x == s })
}

func TestCallsShowNewestFirstAndAreSaid(t *testing.T) {
	d, _, s := newScreen(t)
	d.Apply(call(1, "called", "A011", 2, now))
	d.Apply(call(2, "issued", "B004", 0, now))
	d.Apply(call(3, "called", "B003", 3, now))
	d.Apply(call(4, "called", "A012", 5, now))
	texts := d.Texts()
	if index(texts, "A012") < 0 || index(texts, "5号窗口") < 0 {
		t.Fatalf("the newest call is not on screen: %q", texts)
	}
	if !(index(texts, "A012") < index(texts, "B003") && index(texts, "B003") < index(texts, "A011")) {
		t.Errorf("calls should be newest first: %q", texts)
	}
	if !slices.Contains(texts, "请 A012 号到 5 号窗口办理") {
		t.Errorf("the latest call is not written out: %q", texts)
	}
	if got := strings.Join(s.calls, " "); got != "A011@2 B003@3 A012@5" {
		t.Errorf("said %q, want the three calls in order", got)
	}
	if !slices.Contains(texts, "12 人") || !slices.Contains(texts, "已停止取号") {
		t.Errorf("waiting counts missing: %q", texts)
	}
}

func TestRecallIsSaidAgainAndOldCallsAreNot(t *testing.T) {
	d, _, s := newScreen(t)
	d.Apply(call(1, "called", "A011", 2, now))
	d.Apply(call(2, "recalled", "A011", 2, now))
	d.Apply(call(3, "called", "C001", 6, now.Add(-10*time.Minute)))
	if got := strings.Join(s.calls, " "); got != "A011@2 A011@2" {
		t.Errorf("said %q; a recall is said again, a call caught up after a break is not", got)
	}
	n := 0
	for _, x := range d.Texts() {
		if x == "A011" {
			n++
		}
	}
	if n != 1 {
		t.Errorf("A011 shows %d times, want once", n)
	}
}

func TestHubOutageIsShown(t *testing.T) {
	d, _, _ := newScreen(t)
	d.SetHubError(errors.New("the hall hub cannot be reached"))
	if !strings.Contains(strings.Join(d.Texts(), "|"), "连接中断") {
		t.Errorf("the outage is not shown: %q", d.Texts())
	}
	d.SetHubError(nil)
	if strings.Contains(strings.Join(d.Texts(), "|"), "连接中断") {
		t.Errorf("the outage stays after the hub is back")
	}
}

func TestGoldenHallScreen(t *testing.T) {
	for _, l := range []theme.Language{theme.Chinese, theme.English} {
		d, w, _ := newScreen(t, l)
		for i, c := range []string{"A009", "B002", "A010", "F001", "A011", "A012"} {
			d.Apply(call(int64(i+1), "called", c, i+1, now))
		}
		test.AssertImageMatches(t, "hall-"+string(l)+".png", w.Canvas().Capture())
	}
}
