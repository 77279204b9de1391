package simpanel

import (
	"errors"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"
)

func buttons(o fyne.CanvasObject, out map[string]*widget.Button) {
	switch x := o.(type) {
	case *widget.Button:
		out[x.Text] = x
	case *fyne.Container:
		for _, c := range x.Objects {
			buttons(c, out)
		}
	case *container.Scroll:
		buttons(x.Content, out)
	}
}

func TestButtonsRunTheSimulatorCommands(t *testing.T) {
	test.NewTempApp(t)
	var ran []string
	var called []int
	p := New(Config{
		Kiosk: func(c string) (string, error) {
			ran = append(ran, c)
			if c == "jam" {
				return "", errors.New("the printer is gone")
			}
			return "ok: " + c, nil
		},
		Cards:   []Card{{1, "王秀英"}},
		Call:    func(n int) (string, error) { called = append(called, n); return "A001 → window 2", nil },
		Windows: []int{1, 2},
	})
	w := test.NewTempWindow(t, p.Content())
	all := map[string]*widget.Button{}
	buttons(w.Content(), all)
	for _, label := range []string{"放卡 Place 1: 王秀英", "缺纸 Paper out", "卡纸 Jam", "2号窗口叫号 Call at window 2"} {
		b, ok := all[label]
		if !ok {
			t.Fatalf("no button %q among %d", label, len(all))
		}
		test.Tap(b)
		switch label {
		case "卡纸 Jam":
			if !strings.Contains(p.Output(), "error: the printer is gone") {
				t.Errorf("a failed command shows %q", p.Output())
			}
		case "2号窗口叫号 Call at window 2":
			if p.Output() != "A001 → window 2" {
				t.Errorf("the call shows %q", p.Output())
			}
		}
	}
	if strings.Join(ran, ",") != "place 1,paper out,jam" || len(called) != 1 || called[0] != 2 {
		t.Errorf("ran %q and called %v", ran, called)
	}
}

// TestWindowDevices: the card and printer buttons act on the devices of the
// terminal chosen (the kiosk's, or a clerk window's), and each window's
// rating pad rates on that window's bus ("rate 21 5" once went to the
// kiosk's, and the window waited for a rating for ever).
func TestWindowDevices(t *testing.T) {
	test.NewTempApp(t)
	ran := map[string][]string{}
	exec := func(who string) Exec {
		return func(c string) (string, error) { ran[who] = append(ran[who], c); return "ok", nil }
	}
	p := New(Config{Kiosk: exec("kiosk"), Call: func(int) (string, error) { return "", nil },
		WindowDevices: map[int]Exec{1: exec("w1"), 2: exec("w2")}})
	w := test.NewTempWindow(t, p.Content())
	all := map[string]*widget.Button{}
	buttons(w.Content(), all)
	tap := func(label string) {
		t.Helper()
		b, ok := all[label]
		if !ok {
			t.Fatalf("no button %q", label)
		}
		test.Tap(b)
	}
	tap("缺纸 Paper out")
	p.Choose(2)
	tap("缺纸 Paper out")
	tap("取走卡 Remove card")
	p.Choose(0)
	tap("装纸 Paper in")
	tap("1号 5 非常满意")
	tap("2号 1 非常不满意")
	want := map[string]string{"kiosk": "paper out,paper ok", "w1": "rate 21 5", "w2": "paper out,remove,rate 22 1"}
	for who, cmds := range want {
		if got := strings.Join(ran[who], ","); got != cmds {
			t.Errorf("%s's devices ran %q, want %q", who, got, cmds)
		}
	}
	if p.target.Selected != kioskLabel {
		t.Errorf("the devices chosen are %q", p.target.Selected)
	}
}
