// Package simpanel is the demo's control panel: buttons that play the
// hardware's part (place an ID card, run the printer out of paper, press a
// window's caller key) and a line showing what the simulators answered.
//
// It knows no device: each button runs a text command through Exec, the
// same commands `onewindow sim` reads on its console.
package simpanel

import (
	"fmt"

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
}

// Panel is the control panel's content.
type Panel struct {
	cfg    Config
	output *widget.Label
}

// New makes the panel.
func New(cfg Config) *Panel { return &Panel{cfg: cfg, output: widget.NewLabel("")} }

// Output is the last answer shown, for tests.
func (p *Panel) Output() string { return p.output.Text }

func (p *Panel) run(command string) {
	out, err := p.cfg.Kiosk(command)
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
	return container.NewVScroll(container.NewVBox(
		widget.NewLabelWithStyle("身份证阅读器 ID-card reader", fyne.TextAlignLeading, fyne.TextStyle{Bold: true}),
		container.NewGridWithColumns(2, cards...),
		widget.NewLabelWithStyle("打印机 Printer", fyne.TextAlignLeading, fyne.TextStyle{Bold: true}),
		printer,
		widget.NewLabelWithStyle("呼叫器 Caller keys", fyne.TextAlignLeading, fyne.TextStyle{Bold: true}),
		container.NewGridWithColumns(2, calls...),
		widget.NewSeparator(),
		p.output,
	))
}
