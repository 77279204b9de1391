package escpos

import (
	"fmt"
	"strings"
	"time"

	"onewindow/app"
)

// Options says what the printer can do.
type Options struct {
	// Columns is the line width in half-width characters (12 dots each):
	// 48 on an 80 mm printer, 32 on a 58 mm one. A Chinese character takes
	// two.
	Columns int
	// NativeQR is false for printers without the QR functions; their QR
	// codes go as raster images, at a cost in bytes and time.
	NativeQR bool
	QRModule int // dots per QR module
}

// DefaultOptions fit an 80 mm hall printer with a QR generator.
func DefaultOptions() Options { return Options{Columns: 48, NativeQR: true, QRModule: 6} }

func (o Options) fill() Options {
	if o.Columns < 24 {
		o.Columns = 48
	}
	if o.QRModule < 1 || o.QRModule > 16 {
		o.QRModule = 6
	}
	return o
}

// Dots is the printable width in dots.
func (o Options) Dots() int { return o.fill().Columns * 12 }

// runeCols is how many half-width columns a rune takes on paper.
func runeCols(r rune) int {
	if r < 0x80 {
		return 1
	}
	return 2
}

// cols is the width of s in half-width columns.
func cols(s string) int {
	n := 0
	for _, r := range s {
		n += runeCols(r)
	}
	return n
}

// noLineStart are the characters a Chinese line must not begin with.
const noLineStart = "。，、；：！？）》」』】”’.,;:!?)"

// wrap breaks s into lines of at most width columns. Chinese breaks
// anywhere; a run of Latin letters and digits (a case number, a URL) is kept
// whole when it fits on a line.
func wrap(s string, width int) []string {
	if width < 2 {
		width = 2
	}
	var lines []string
	var cur []rune
	w := 0
	runes := []rune(s)
	for i := 0; i < len(runes); i++ {
		r := runes[i]
		if r < 0x80 && r != ' ' && (i == 0 || runes[i-1] >= 0x80 || runes[i-1] == ' ') {
			j := i
			for j < len(runes) && runes[j] < 0x80 && runes[j] != ' ' {
				j++
			}
			if word := j - i; word <= width && w+word > width {
				lines, cur, w = append(lines, strings.TrimRight(string(cur), " ")), nil, 0
			}
		}
		if w+runeCols(r) > width {
			// 避头: closing punctuation never starts a line; the character
			// before it moves down with it.
			var carry []rune
			if strings.ContainsRune(noLineStart, r) && len(cur) > 1 {
				carry = []rune{cur[len(cur)-1]}
				cur = cur[:len(cur)-1]
			}
			lines, cur, w = append(lines, strings.TrimRight(string(cur), " ")), carry, cols(string(carry))
		}
		if w == 0 && r == ' ' {
			continue
		}
		cur, w = append(cur, r), w+runeCols(r)
	}
	if len(cur) > 0 || len(lines) == 0 {
		lines = append(lines, string(cur))
	}
	return lines
}

// labelled writes "label value", wrapping value under itself.
func labelled(b *Builder, o Options, label, value string) {
	indent := cols(label)
	for i, l := range wrap(value, o.Columns-indent) {
		if i == 0 {
			b.Line(label + l)
		} else {
			b.Line(strings.Repeat(" ", indent) + l)
		}
	}
}

func paragraph(b *Builder, o Options, s string) {
	for _, l := range wrap(s, o.Columns) {
		b.Line(l)
	}
}

func qr(b *Builder, o Options, data string) {
	if o.NativeQR {
		b.QR(data, o.QRModule, ECCM)
	} else {
		// The raster carries no quiet zone (white dots cost wire time);
		// a blank line gives the scanner its margin.
		b.Feed(1)
		b.QRRaster(data, o.QRModule, ECCM)
	}
	b.Line("")
}

// stamp writes t in the hall's time zone, whatever zone the caller's clock
// (and the machine) is in: paper always shows the hall's time.
func stamp(t time.Time) string { return t.In(app.HallZone).Format("2006-01-02 15:04") }

func waitText(d time.Duration) string {
	if d <= 0 {
		return "即将叫号，请留意"
	}
	return fmt.Sprintf("预计等候约 %d 分钟", int((d+time.Minute-1)/time.Minute))
}

// Ticket lays out a queue ticket: the hall, the number as large as the
// paper allows, the category, the people ahead and the wait, the time, and
// a QR code to follow the queue on a phone.
func Ticket(t app.TicketPrint, o Options) ([]byte, error) {
	if err := t.Validate(); err != nil {
		return nil, err
	}
	o = o.fill()
	b := NewBuilder()
	b.Align(Center).Bold(true)
	if cols(t.HallName)*2 <= o.Columns {
		b.Size(2, 2).Line(t.HallName)
	} else {
		b.Size(1, 2)
		paragraph(b, o, t.HallName)
	}
	b.Bold(false).Size(1, 1).Line("排队号")
	// The number is what a citizen looks for on the hall screen: as wide
	// as the paper allows, up to the printer's largest size.
	mag := min(6, max(1, o.Columns/max(1, cols(t.Number))))
	b.Size(mag, mag).Bold(true).Line(t.Number).Bold(false)
	if t.Category != "" {
		b.Size(2, 2)
		for _, l := range wrap(t.Category, o.Columns/2) {
			b.Line(l)
		}
	}
	if mark := t.Priority.Mark(); mark != "" {
		// Why this number is called before others, as large as the category.
		b.Size(2, 2).Bold(true)
		for _, l := range wrap("【"+mark+"】", o.Columns/2) {
			b.Line(l)
		}
		b.Bold(false)
	}
	b.Size(1, 1)
	b.Line(fmt.Sprintf("您前面还有 %d 人等候", t.Ahead))
	b.Line(waitText(t.EstimatedWait))
	b.Line("取号时间 " + stamp(t.Issued))
	if t.QRPayload != "" {
		qr(b, o, t.QRPayload)
		b.Line("扫码查看排队进度")
	}
	if t.Footer != "" {
		paragraph(b, o, t.Footer)
	}
	b.Cut(true, 4)
	return b.Bytes()
}

// Notice lays out one of the three intake notices. The applicant's name and
// ID number are masked here, whatever the caller passed.
func Notice(n app.NoticePrint, o Options) ([]byte, error) {
	if err := n.Validate(); err != nil {
		return nil, err
	}
	o = o.fill()
	b := NewBuilder()
	b.Align(Center).Bold(true).Size(2, 2).Line(n.Kind.Title()).Size(1, 1).Bold(false)
	b.Line(n.HallName)
	b.Line("")
	b.Align(Left)
	labelled(b, o, "办件编号：", n.CaseNumber)
	labelled(b, o, "申请事项：", n.ItemName)
	labelled(b, o, "申 请 人：", app.MaskName(n.Applicant))
	if n.ApplicantID != "" {
		labelled(b, o, "证件号码：", app.MaskIDNumber(n.ApplicantID))
	}
	if n.Window != "" {
		labelled(b, o, "受理窗口：", n.Window)
	}
	b.Line(strings.Repeat("-", o.Columns))
	var received, missing []app.NoticeMaterial
	for _, m := range n.Materials {
		if m.Received {
			received = append(received, m)
		} else {
			missing = append(missing, m)
		}
	}
	list := func(ms []app.NoticeMaterial) {
		for i, m := range ms {
			s := m.Name
			if m.Note != "" {
				s += "（" + m.Note + "）"
			}
			labelled(b, o, fmt.Sprintf("%2d. ", i+1), s)
		}
	}
	switch n.Kind {
	case app.NoticeAccepted:
		paragraph(b, o, "经审查，您提交的申请材料齐全、符合法定形式，本机关决定予以受理。")
		if len(received) > 0 {
			b.Line("已收材料：")
			list(received)
		}
		b.Bold(true)
		labelled(b, o, "承诺办结日期：", n.DueDate.In(app.HallZone).Format("2006年01月02日"))
		b.Bold(false)
	case app.NoticeMissing:
		paragraph(b, o, "经审查，您提交的申请材料不齐全或者不符合法定形式。请一次性补齐下列材料后再来办理：")
		b.Bold(true)
		list(missing)
		b.Bold(false)
		if len(received) > 0 {
			b.Line("已收材料：")
			list(received)
		}
		if n.Reason != "" {
			labelled(b, o, "说明：", n.Reason)
		}
	case app.NoticeRejected:
		paragraph(b, o, "经审查，您的申请不予受理，理由如下：")
		b.Bold(true)
		paragraph(b, o, n.Reason)
		b.Bold(false)
		if len(received) > 0 {
			b.Line("已退回材料：")
			list(received)
		}
		paragraph(b, o, "如不服本决定，可以自收到本通知书之日起六十日内依法申请行政复议，或者六个月内依法提起行政诉讼。")
	}
	b.Line(strings.Repeat("-", o.Columns))
	if n.QRPayload != "" {
		b.Align(Center)
		qr(b, o, n.QRPayload)
		b.Line("扫码查询办件进度")
	}
	b.Align(Right)
	b.Line(n.HallName + "（印章）")
	b.Line(stamp(n.Printed))
	b.Cut(false, 4)
	return b.Bytes()
}

// Document lays out any other printout: a title, paragraphs, a QR code.
func Document(d app.DocumentPrint, o Options) ([]byte, error) {
	if strings.TrimSpace(d.Title) == "" {
		return nil, fmt.Errorf("%w: a printout needs a title", app.ErrInvalidInput)
	}
	o = o.fill()
	b := NewBuilder()
	b.Align(Center).Bold(true).Size(2, 2)
	for _, l := range wrap(d.Title, o.Columns/2) {
		b.Line(l)
	}
	b.Size(1, 1).Bold(false)
	if d.HallName != "" {
		b.Line(d.HallName)
	}
	b.Line("")
	b.Align(Left)
	for _, p := range d.Lines {
		paragraph(b, o, p)
	}
	if d.QRPayload != "" {
		b.Align(Center)
		qr(b, o, d.QRPayload)
	}
	if !d.Printed.IsZero() {
		b.Align(Right).Line(stamp(d.Printed))
	}
	b.Cut(false, 4)
	return b.Bytes()
}
