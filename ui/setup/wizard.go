// Package setup is the set-up wizard: the first screen of a terminal that
// has no configuration, in Chinese and English. It walks a technician
// through the same steps as `onewindow setup` with flags (the terminal's
// role and addresses, device discovery, a test of each device, saving the
// configuration, enrolment with central), and does none of the work
// itself: every step calls a function of Services, which cmd/onewindow
// wires to app/setup, device/probe and sync/link. So the wizard and the
// scripted roll-out cannot disagree.
//
// Work runs off the UI goroutine and comes back through fyne.Do. The
// wizard never shows a card's content unmasked or the hall key.
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
	svc Services
	ctx context.Context
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

// bi is a label in both languages, Chinese first.
func bi(zh, en string) string { return zh + "  " + en }

// New builds the wizard. ctx bounds the work it starts.
func New(ctx context.Context, svc Services) *Wizard {
	w := &Wizard{svc: svc, ctx: ctx, spawn: func(f func()) { go f() }}
	roles := []string{string(config.RoleKiosk), string(config.RoleWindow), string(config.RoleDisplay), string(config.RoleHub)}
	w.role = widget.NewSelect(roles, nil)
	w.role.SetSelected(string(config.RoleKiosk))
	// Placeholders say "e.g." so that an empty field never looks filled in.
	entry := func(example string) *widget.Entry {
		e := widget.NewEntry()
		e.SetPlaceHolder("例 e.g. " + example)
		return e
	}
	w.hall, w.terminal = entry("330106"), entry("K01")
	w.hub, w.central = entry("192.168.10.2:7100"), entry("https://central.example.org:8443")
	w.hallKey = widget.NewPasswordEntry()
	w.hallKey.SetPlaceHolder(bi("从 hall.key 复制", "paste from hall.key"))
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
		widget.NewFormItem(bi("角色", "Role"), w.role),
		widget.NewFormItem(bi("大厅编码", "Hall code"), w.hall),
		widget.NewFormItem(bi("终端编码", "Terminal code"), w.terminal),
		widget.NewFormItem(bi("叫号服务器", "Hub address"), w.hub),
		widget.NewFormItem(bi("大厅密钥", "Hall key"), w.hallKey),
		widget.NewFormItem(bi("中心平台", "Central URL"), w.central),
		widget.NewFormItem(bi("数据目录", "Data folder"), w.data),
		widget.NewFormItem(bi("窗口号", "Window number"), w.window),
		widget.NewFormItem(bi("服务类别", "Categories"), w.categories),
	)
	devices := container.NewVBox(
		widget.NewForm(
			widget.NewFormItem(bi("身份证阅读器", "ID-card reader"), w.idcard),
			widget.NewFormItem(bi("打印机", "Printer"), w.printer),
			widget.NewFormItem(bi("排队总线", "Queue bus"), w.queuebus),
			widget.NewFormItem(bi("扫码器", "QR scanner"), w.scanner),
		),
		widget.NewButton(bi("查找设备", "Find devices"), w.discover),
		w.discovered,
	)
	testButton := func(zh, en, device string) fyne.CanvasObject {
		return widget.NewButton(bi(zh, en), func() { w.test(device) })
	}
	tests := container.NewVBox(
		widget.NewLabel(bi("逐个测试设备：读卡、打印、显示、按键。", "Test each device: read a card, print, show, press a key.")),
		container.NewGridWithColumns(3,
			testButton("读身份证", "Read a card", "idcard"),
			testButton("打印测试页", "Print a test page", "printer"),
			testButton("窗口屏显示", "Show a number", "display"),
			testButton("呼叫器按键", "Caller key", "caller"),
			testButton("评价器按键", "Rating key", "rating"),
			testButton("扫码", "Scan a code", "scanner"),
		),
		w.tested,
	)
	w.saveButton = widget.NewButton(bi("保存配置", "Save the configuration"), w.save)
	w.saveButton.Importance = widget.HighImportance
	save := container.NewVBox(
		widget.NewLabel(bi("检查所有设置并保存。有错误时不会写入任何文件。", "Every setting is checked; nothing is written while one is wrong.")),
		w.saveButton, w.saved,
	)
	w.enrolButton = widget.NewButton(bi("注册到中心平台", "Enrol with central"), w.enrol)
	w.enrolButton.Disable()
	enrol := container.NewVBox(
		widget.NewForm(widget.NewFormItem(bi("注册文件", "Enrolment bundle"), w.bundle)),
		w.enrolButton, w.enrolled,
	)
	w.tabs = container.NewAppTabs(
		container.NewTabItem(bi("1 终端", "Terminal"), terminal),
		container.NewTabItem(bi("2 设备", "Devices"), devices),
		container.NewTabItem(bi("3 测试", "Tests"), tests),
		container.NewTabItem(bi("4 保存", "Save"), save),
		container.NewTabItem(bi("5 注册", "Enrol"), enrol),
	)
	return w
}

// Content is the wizard's screen.
func (w *Wizard) Content() fyne.CanvasObject {
	title := widget.NewLabelWithStyle(bi("终端设置", "Terminal set-up"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
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
			p.Add(bi("窗口号", "window number"), fmt.Sprintf("%q is not a number", s))
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
	w.run(w.discovered, bi("正在查找…", "Probing the serial ports…"), func() (string, error) {
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
	w.run(w.tested, bi("测试中…", "Testing…")+" "+device, func() (string, error) {
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
		w.saved.SetText("✗ " + bi("未保存，请修改：", "Nothing was saved; fix:") + "\n" + strings.Join(pe.Problems, "\n"))
	case err != nil:
		w.saved.SetText("✗ " + err.Error())
	default:
		w.saved.SetText("✓ " + bi("配置已保存。下一步：注册。", "Saved. Next: enrol."))
		w.enrolButton.Enable()
		w.tabs.SelectIndex(4)
	}
}

func (w *Wizard) enrol() {
	bundle := strings.TrimSpace(w.bundle.Text)
	w.run(w.enrolled, bi("正在注册…", "Enrolling…"), func() (string, error) {
		if err := w.svc.Enrol(w.ctx, bundle); err != nil {
			return "", err
		}
		return bi("注册成功。请运行 onewindow doctor 检查。", "Enrolled. Run 'onewindow doctor' to check."), nil
	})
}
