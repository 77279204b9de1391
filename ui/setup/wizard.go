// Package setup is the set-up wizard: the first screen of a terminal that
// has no configuration, in Chinese and English. It walks a technician
// through the same steps as `onewindow setup` with flags (the terminal's
// role and addresses, device discovery, a test of each device, saving the
// configuration, enrolment with central), and does none of the work
// itself: every step calls a function of Services, which cmd/onewindow
// wires to app/setup, device/probe and sync/link. So the wizard and the
// scripted roll-out cannot disagree.
//
// Its words are in both languages at once, Chinese first, from the screens'
// translation files (theme.Both). Work runs off the UI goroutine and comes
// back through fyne.Do. The wizard never shows a card's content unmasked or
// the hall key.
package setup

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"onewindow/app"
	"onewindow/app/config"
	appsetup "onewindow/app/setup"
	"onewindow/ui/theme"
)

// Found is a device discovery found.
type Found struct {
	Kind string // idcard, printer, queuebus
	Port string
	Baud int
}

// Services are the steps' work.
type Services struct {
	// Discover probes the serial ports; it returns what answered where
	// and the lines to show.
	Discover func(ctx context.Context) ([]Found, string)
	// Test runs one device's test (idcard, printer, display, caller,
	// rating, scanner) with the answers so far, and says what happened.
	Test func(ctx context.Context, a appsetup.Answers, device string) (string, error)
	// Save writes the configuration.
	Save func(a appsetup.Answers) error
	// Enrol enrols the saved terminal with the bundle file; its error is
	// worded for the technician.
	Enrol func(ctx context.Context, bundle string) error
}

// Wizard is the set-up screen.
type Wizard struct {
	svc   Services
	ctx   context.Context
	words *theme.Words // Chinese and English at once
	// spawn starts a step's work; tests run it in place, where Fyne's test
	// driver would otherwise race the test for the widgets.
	spawn func(func())

	role                                         *widget.Select
	hall, terminal, hub, hallKey, central, data  *widget.Entry
	window, categories                           *widget.Entry
	idcard, printer, queuebus, scanner           *widget.Entry
	discovered, tested, saved, enrolled, problem *widget.Label
	bundle                                       *widget.Entry
	tabs                                         *container.AppTabs
	saveButton, enrolButton                      *widget.Button
}

// tr is the wizard's words under key, in both languages.
func (w *Wizard) tr(key string, args ...any) string { return w.words.L(key, args...) }

// words are the wizard's: both languages, whose files are tested to hold
// every key.
var words = func() *theme.Words {
	w, err := theme.Both(theme.Chinese, theme.English)
	if err != nil {
		panic(err)
	}
	return w
}()

// New builds the wizard. ctx bounds the work it starts.
func New(ctx context.Context, svc Services) *Wizard {
	w := &Wizard{svc: svc, ctx: ctx, words: words, spawn: func(f func()) { go f() }}
	roles := []string{string(config.RoleKiosk), string(config.RoleWindow), string(config.RoleDisplay), string(config.RoleHub)}
	w.role = widget.NewSelect(roles, nil)
	w.role.SetSelected(string(config.RoleKiosk))
	// Placeholders say "e.g." so that an empty field never looks filled in.
	entry := func(example string) *widget.Entry {
		e := widget.NewEntry()
		e.SetPlaceHolder(w.tr("setup.example") + " " + example)
		return e
	}
	w.hall, w.terminal = entry("330106"), entry("K01")
	w.hub, w.central = entry("192.168.10.2:7100"), entry("https://central.example.org:8443")
	w.hallKey = widget.NewPasswordEntry()
	w.hallKey.SetPlaceHolder(w.tr("setup.hallkey.hint"))
	w.data = entry(config.DefaultDataDir)
	w.window, w.categories = entry("5"), entry("A,C")
	w.idcard, w.printer = entry("/dev/ttyUSB0@115200"), entry("/dev/ttyUSB1@9600")
	w.queuebus, w.scanner = entry("/dev/ttyUSB2@9600"), entry("/dev/ttyACM0")
	for _, l := range []**widget.Label{&w.discovered, &w.tested, &w.saved, &w.enrolled, &w.problem} {
		*l = widget.NewLabel("")
		(*l).Wrapping = fyne.TextWrapWord
	}
	w.bundle = entry("/media/usb/K01.json")

	terminal := widget.NewForm(
		widget.NewFormItem(w.tr("setup.role"), w.role),
		widget.NewFormItem(w.tr("setup.hall"), w.hall),
		widget.NewFormItem(w.tr("setup.terminal"), w.terminal),
		widget.NewFormItem(w.tr("setup.hub"), w.hub),
		widget.NewFormItem(w.tr("setup.hallkey"), w.hallKey),
		widget.NewFormItem(w.tr("setup.central"), w.central),
		widget.NewFormItem(w.tr("setup.data"), w.data),
		widget.NewFormItem(w.tr("setup.window"), w.window),
		widget.NewFormItem(w.tr("setup.categories"), w.categories),
	)
	devices := container.NewVBox(
		widget.NewForm(
			widget.NewFormItem(w.tr("setup.idcard"), w.idcard),
			widget.NewFormItem(w.tr("setup.printer"), w.printer),
			widget.NewFormItem(w.tr("setup.queuebus"), w.queuebus),
			widget.NewFormItem(w.tr("setup.scanner"), w.scanner),
		),
		widget.NewButton(w.tr("setup.discover"), w.discover),
		w.discovered,
	)
	testButton := func(device string) fyne.CanvasObject {
		return widget.NewButton(w.tr("setup.test."+device), func() { w.test(device) })
	}
	tests := container.NewVBox(
		widget.NewLabel(w.tr("setup.tests")),
		container.NewGridWithColumns(3,
			testButton("idcard"), testButton("printer"), testButton("display"),
			testButton("caller"), testButton("rating"), testButton("scanner"),
		),
		w.tested,
	)
	w.saveButton = widget.NewButton(w.tr("setup.save"), w.save)
	w.saveButton.Importance = widget.HighImportance
	save := container.NewVBox(
		widget.NewLabel(w.tr("setup.save.hint")),
		w.saveButton, w.saved,
	)
	w.enrolButton = widget.NewButton(w.tr("setup.enrol"), w.enrol)
	w.enrolButton.Disable()
	enrol := container.NewVBox(
		widget.NewForm(widget.NewFormItem(w.tr("setup.bundle"), w.bundle)),
		w.enrolButton, w.enrolled,
	)
	w.tabs = container.NewAppTabs(
		container.NewTabItem(w.tr("setup.tab.terminal"), terminal),
		container.NewTabItem(w.tr("setup.tab.devices"), devices),
		container.NewTabItem(w.tr("setup.tab.tests"), tests),
		container.NewTabItem(w.tr("setup.tab.save"), save),
		container.NewTabItem(w.tr("setup.tab.enrol"), enrol),
	)
	return w
}

// Content is the wizard's screen.
func (w *Wizard) Content() fyne.CanvasObject {
	title := widget.NewLabelWithStyle(w.tr("setup.title"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	return container.NewBorder(title, w.problem, nil, nil, w.tabs)
}

// Answers reads the form. A field that cannot be read (a window number
// that is not a number) is reported as a problem.
func (w *Wizard) Answers() (appsetup.Answers, error) {
	a := appsetup.Answers{Role: config.Role(w.role.Selected), Hall: strings.TrimSpace(w.hall.Text),
		Terminal: strings.TrimSpace(w.terminal.Text), HubAddress: strings.TrimSpace(w.hub.Text),
		HallKey: config.Secret(strings.TrimSpace(w.hallKey.Text)), CentralURL: strings.TrimSpace(w.central.Text),
		DataDir: strings.TrimSpace(w.data.Text), NativeQR: true}
	var p app.Problems
	if s := strings.TrimSpace(w.window.Text); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil {
			p.Add(w.tr("setup.problem.window"), fmt.Sprintf("%q is not a number", s))
		}
		a.Window = n
	}
	if s := strings.TrimSpace(w.categories.Text); s != "" {
		for _, c := range strings.Split(s, ",") {
			a.Categories = append(a.Categories, strings.TrimSpace(c))
		}
	}
	for _, d := range []struct {
		name string
		e    *widget.Entry
		to   **appsetup.Device
	}{{"ID-card reader", w.idcard, &a.IDCard}, {"printer", w.printer, &a.Printer}, {"queue bus", w.queuebus, &a.QueueBus}, {"QR scanner", w.scanner, &a.Scanner}} {
		dev, err := appsetup.ParseDevice(strings.TrimSpace(d.e.Text))
		if err != nil {
			p.Add(d.name, err.Error())
		}
		*d.to = dev
	}
	return a, p.Err(app.ErrInvalidInput)
}

// run does work off the UI goroutine and shows its outcome on l.
func (w *Wizard) run(l *widget.Label, busy string, work func() (string, error)) {
	l.SetText(busy)
	w.spawn(func() {
		msg, err := work()
		fyne.Do(func() {
			if err != nil {
				l.SetText("✗ " + err.Error())
				return
			}
			l.SetText("✓ " + msg)
		})
	})
}

func (w *Wizard) discover() {
	w.run(w.discovered, w.tr("setup.discovering"), func() (string, error) {
		found, text := w.svc.Discover(w.ctx)
		fyne.Do(func() {
			for _, f := range found {
				e := map[string]*widget.Entry{"idcard": w.idcard, "printer": w.printer, "queuebus": w.queuebus}[f.Kind]
				if e != nil && strings.TrimSpace(e.Text) == "" {
					e.SetText(fmt.Sprintf("%s@%d", f.Port, f.Baud))
				}
			}
		})
		return text, nil
	})
}

func (w *Wizard) test(device string) {
	a, err := w.Answers()
	if err != nil {
		w.tested.SetText("✗ " + err.Error())
		return
	}
	w.run(w.tested, w.tr("setup.testing")+" "+device, func() (string, error) {
		return w.svc.Test(w.ctx, a, device)
	})
}

func (w *Wizard) save() {
	a, err := w.Answers()
	if err == nil {
		err = w.svc.Save(a)
	}
	var pe *app.ProblemsError
	switch {
	case errors.As(err, &pe):
		w.saved.SetText("✗ " + w.tr("setup.unsaved") + "\n" + strings.Join(pe.Problems, "\n"))
	case err != nil:
		w.saved.SetText("✗ " + err.Error())
	default:
		w.saved.SetText("✓ " + w.tr("setup.saved"))
		w.enrolButton.Enable()
		w.tabs.SelectIndex(4)
	}
}

func (w *Wizard) enrol() {
	bundle := strings.TrimSpace(w.bundle.Text)
	w.run(w.enrolled, w.tr("setup.enrolling"), func() (string, error) {
		if err := w.svc.Enrol(w.ctx, bundle); err != nil {
			return "", err
		}
		return w.tr("setup.enrolled"), nil
	})
}
