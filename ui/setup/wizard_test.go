package setup

import (
	"context"
	"errors"
	"strings"
	"testing"

	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"onewindow/app/config"
	appsetup "onewindow/app/setup"
)

// fake records what the wizard asked of its services.
type fake struct {
	saved   []appsetup.Answers
	tested  []string
	bundles []string
}

func (f *fake) services() Services {
	return Services{
		Discover: func(context.Context) ([]Found, string) {
			return []Found{{Kind: "idcard", Port: "/dev/ttyUSB0", Baud: 115200}, {Kind: "printer", Port: "/dev/ttyUSB1", Baud: 9600}},
				"/dev/ttyUSB0  ID-card reader at 115200 baud\n/dev/ttyUSB1  ticket printer at 9600 baud"
		},
		Test: func(_ context.Context, a appsetup.Answers, device string) (string, error) {
			f.tested = append(f.tested, device+" "+a.Printer.Port)
			if device == "idcard" {
				return "", errors.New("no card was placed on the reader within 30s")
			}
			return "printed a test page", nil
		},
		Save: func(a appsetup.Answers) error {
			if _, err := a.Render(); err != nil {
				return err
			}
			f.saved = append(f.saved, a)
			return nil
		},
		Enrol: func(_ context.Context, bundle string) error {
			f.bundles = append(f.bundles, bundle)
			return errors.New("central refused the one-time code (the enrolment code was used already)")
		},
	}
}

func shows(t *testing.T, l *widget.Label, want string) {
	t.Helper()
	if !strings.Contains(l.Text, want) {
		t.Fatalf("want %q on the screen, got %q", want, l.Text)
	}
}

func TestWizardWalksThroughTheSteps(t *testing.T) {
	test.NewTempApp(t)
	f := &fake{}
	w := New(context.Background(), f.services())
	w.spawn = func(f func()) { f() }
	win := test.NewTempWindow(t, w.Content())
	win.Resize(win.Canvas().Size().Max(win.Content().MinSize()))

	test.Type(w.hall, "330106")
	test.Type(w.terminal, "K 01") // wrong: a space
	test.Type(w.hub, "192.168.10.2:7100")
	test.Type(w.hallKey, "0123456789abcdef0123456789abcdef")
	test.Type(w.central, "https://central.example.org:8443")

	// Discovery fills in the ports it found.
	w.tabs.SelectIndex(1)
	test.Tap(findButton(t, w, "Find devices"))
	shows(t, w.discovered, "ticket printer at 9600 baud")
	if w.idcard.Text != "/dev/ttyUSB0@115200" || w.printer.Text != "/dev/ttyUSB1@9600" {
		t.Fatalf("discovery should fill the device fields, got %q %q", w.idcard.Text, w.printer.Text)
	}

	// Each test says how it went.
	test.Tap(findButton(t, w, "Print a test page"))
	shows(t, w.tested, "✓ printed a test page")
	test.Tap(findButton(t, w, "Read a card"))
	shows(t, w.tested, "✗ no card was placed")

	// A wrong answer saves nothing and says which.
	test.Tap(w.saveButton)
	if len(f.saved) != 0 || !strings.Contains(w.saved.Text, "Nothing was saved") || !strings.Contains(w.saved.Text, "terminal") {
		t.Fatalf("a bad terminal code: want nothing saved and the problem named, got %d saves, %q", len(f.saved), w.saved.Text)
	}
	if !w.enrolButton.Disabled() {
		t.Fatalf("enrolment must wait for a saved configuration")
	}
	w.terminal.SetText("")
	test.Type(w.terminal, "K01")
	test.Tap(w.saveButton)
	if len(f.saved) != 1 || f.saved[0].Terminal != "K01" || f.saved[0].Role != config.RoleKiosk || f.saved[0].IDCard.Baud != 115200 {
		t.Fatalf("want the answers saved once, got %+v", f.saved)
	}
	if w.enrolButton.Disabled() || w.tabs.SelectedIndex() != 4 {
		t.Fatalf("after saving: want the enrol step open and its button enabled")
	}

	test.Type(w.bundle, "/media/usb/K01.json")
	test.Tap(w.enrolButton)
	shows(t, w.enrolled, "✗ central refused the one-time code")
	if len(f.bundles) != 1 || f.bundles[0] != "/media/usb/K01.json" {
		t.Fatalf("want the bundle passed to enrolment, got %v", f.bundles)
	}
	// The hall key never reaches a label.
	for _, l := range []*widget.Label{w.discovered, w.tested, w.saved, w.enrolled, w.problem} {
		if strings.Contains(l.Text, "0123456789abcdef") {
			t.Errorf("the hall key is on the screen: %q", l.Text)
		}
	}
}

// findButton finds a button on any step by its English words.
func findButton(t *testing.T, w *Wizard, words string) *widget.Button {
	t.Helper()
	for _, item := range w.tabs.Items {
		if b := searchButton(item.Content, words); b != nil {
			return b
		}
	}
	t.Fatalf("no button %q", words)
	return nil
}

// TestEveryDeviceTestIsNamedInBothLanguages: the test buttons' words are
// looked up by the device's name, which no source scan sees.
func TestEveryDeviceTestIsNamedInBothLanguages(t *testing.T) {
	t.Parallel() // no window: only the words
	for _, device := range []string{"idcard", "printer", "display", "caller", "rating", "scanner"} {
		key := "setup.test." + device
		zh, en, ok := strings.Cut(words.L(key), "  ")
		if !ok || zh == "" || en == "" || strings.Contains(zh+en, key) {
			t.Errorf("%s reads %q; want Chinese and English words", key, words.L(key))
		}
	}
}
