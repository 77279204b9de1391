// Package simpanel is the demo's control panel: buttons that play the
// hardware's part (place an ID card, run the printer out of paper, press a
// window's caller key, rate a clerk on the rating pad) and a line showing
// what the simulators answered. The card and printer buttons act on the
// devices of the terminal chosen above them: the kiosk's or a clerk
// window's.
//
// It knows no device: each button runs a text command through Exec, the
// same commands `onewindow sim` reads on its console.
package simpanel

import (
	"fmt"
	"sort"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"
)

// Exec runs one simulator command ("place 2", "paper out", …) and returns
// what the simulator answered.
type Exec func(command string) (string, error)

// Card is a sample ID card the panel can place.
type Card struct {
	Index int
	Label string
}

// Config is what the panel drives.
type Config struct {
	Kiosk Exec // the kiosk's simulators
	Cards []Card
	// Call asks the hub to call the next citizen to window n, as the
	// window's caller key would.
	Call    func(window int) (string, error)
	Windows []int
	// WindowDevices are the simulators of the windows that have a
	// terminal: their card reader and printer are offered beside the
	// kiosk's, and their rating pad (address 20+N) is.
	WindowDevices map[int]Exec
}

// Panel is the control panel's content.
type Panel struct {
	cfg    Config
	output *widget.Label
	target *widget.RadioGroup // whose card reader and printer
	execs  map[string]Exec    // by the target's label
}

const kioskLabel = "自助终端 Kiosk"

func windowLabel(n int) string { return fmt.Sprintf("%d号窗口 Window %d", n, n) }

// New makes the panel.
func New(cfg Config) *Panel {
	p := &Panel{cfg: cfg, output: widget.NewLabel(""), execs: map[string]Exec{kioskLabel: cfg.Kiosk}}
	labels := []string{kioskLabel}
	for _, n := range p.windows() {
		labels = append(labels, windowLabel(n))
		p.execs[windowLabel(n)] = cfg.WindowDevices[n]
	}
	p.target = widget.NewRadioGroup(labels, nil)
	p.target.Horizontal = true
	p.target.Required = true
	p.target.SetSelected(kioskLabel)
	return p
}

// windows are the windows with devices, in order.
func (p *Panel) windows() []int {
	var out []int
	for n := range p.cfg.WindowDevices {
		out = append(out, n)
	}
	sort.Ints(out)
	return out
}

// Choose makes the card and printer buttons act on the devices of the
// kiosk (0) or of window n, as choosing it above them does.
func (p *Panel) Choose(window int) {
	if window == 0 {
		p.target.SetSelected(kioskLabel)
	} else {
		p.target.SetSelected(windowLabel(window))
	}
}

// Output is the last answer shown, for tests.
func (p *Panel) Output() string { return p.output.Text }

func (p *Panel) run(command string) { p.runOn(p.execs[p.target.Selected], command) }

func (p *Panel) runOn(exec Exec, command string) {
	out, err := exec(command)
	if err != nil {
		out = "error: " + err.Error()
	}
	p.output.SetText(out)
}

func (p *Panel) button(label, command string) *widget.Button {
	return widget.NewButton(label, func() { p.run(command) })
}

// Content is the panel, to put in a window.
func (p *Panel) Content() fyne.CanvasObject {
	p.output.Wrapping = fyne.TextWrapWord
	var cards []fyne.CanvasObject
	for _, c := range p.cfg.Cards {
		cards = append(cards, p.button(fmt.Sprintf("放卡 Place %d: %s", c.Index, c.Label), fmt.Sprintf("place %d", c.Index)))
	}
	cards = append(cards, p.button("取走卡 Remove card", "remove"))
	printer := container.NewGridWithColumns(2,
		p.button("缺纸 Paper out", "paper out"), p.button("装纸 Paper in", "paper ok"),
		p.button("开盖 Cover open", "cover open"), p.button("合盖 Cover closed", "cover closed"),
		p.button("卡纸 Jam", "jam"), p.button("清除卡纸 Clear jam", "jam clear"),
		p.button("拔掉读卡器 Unplug reader", "vanish idreader"), p.button("插回读卡器 Plug reader", "return idreader"),
	)
	var ratings []fyne.CanvasObject
	words := map[int]string{5: "非常满意", 4: "满意", 3: "基本满意", 2: "不满意", 1: "非常不满意"}
	for _, n := range p.windows() {
		exec := p.cfg.WindowDevices[n]
		for level := 5; level >= 1; level-- {
			command := fmt.Sprintf("rate %d %d", 20+n, level)
			ratings = append(ratings, widget.NewButton(fmt.Sprintf("%d号 %d %s", n, level, words[level]), func() { p.runOn(exec, command) }))
		}
	}
	var calls []fyne.CanvasObject
	for _, n := range p.cfg.Windows {
		n := n
		calls = append(calls, widget.NewButton(fmt.Sprintf("%d号窗口叫号 Call at window %d", n, n), func() {
			out, err := p.cfg.Call(n)
			if err != nil {
				out = "error: " + err.Error()
			}
			p.output.SetText(out)
		}))
	}
	bold := fyne.TextStyle{Bold: true}
	var rating []fyne.CanvasObject
	if len(ratings) > 0 {
		rating = []fyne.CanvasObject{
			widget.NewLabelWithStyle("评价器 Rating pads (the window asks after each citizen)", fyne.TextAlignLeading, bold),
			container.NewGridWithColumns(5, ratings...),
		}
	}
	return container.NewVScroll(container.NewVBox(append(append([]fyne.CanvasObject{
		widget.NewLabelWithStyle("设备 The devices of", fyne.TextAlignLeading, bold),
		p.target,
		widget.NewLabelWithStyle("身份证阅读器 ID-card reader", fyne.TextAlignLeading, bold),
		container.NewGridWithColumns(2, cards...),
		widget.NewLabelWithStyle("打印机 Printer", fyne.TextAlignLeading, bold),
		printer,
		widget.NewLabelWithStyle("呼叫器 Caller keys", fyne.TextAlignLeading, bold),
		container.NewGridWithColumns(2, calls...)},
		rating...),
		widget.NewSeparator(),
		p.output,
	)...))
}
