package escpos

import (
	"bytes"
	"encoding/hex"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"onewindow/app"
)

func unhex(t testing.TB, s string) []byte {
	t.Helper()
	b, err := hex.DecodeString(strings.ReplaceAll(s, " ", ""))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestBuilderBytes(t *testing.T) {
	tests := []struct {
		name  string
		build func(b *Builder)
		want  string // after the initialise and Chinese-mode prefix
	}{
		{"align centre", func(b *Builder) { b.Align(Center) }, "1B 61 01"},
		{"bold", func(b *Builder) { b.Bold(true).Bold(false) }, "1B 45 01 1B 45 00"},
		{"size 6×6", func(b *Builder) { b.Size(6, 6) }, "1D 21 55"},
		{"size 2 wide 1 high", func(b *Builder) { b.Size(2, 1) }, "1D 21 10"},
		{"feed", func(b *Builder) { b.Feed(3) }, "1B 64 03"},
		{"partial cut after 4", func(b *Builder) { b.Cut(true, 4) }, "1D 56 42 04"},
		{"full cut", func(b *Builder) { b.Cut(false, 0) }, "1D 56 41 00"},
		{"rare characters in GB18030", func(b *Builder) { b.Line("李堃 马喆 赵昇") }, "C0 EE 88 D2 20 C2 ED 86 B4 20 D5 D4 95 4E 0A"},
		{"outside the BMP, four bytes", func(b *Builder) { b.Text("𠀀") }, "95 32 82 36"},
		{"control characters stripped", func(b *Builder) { b.Text("张\x1b@\x1dV\x00三") }, "D5 C5 40 56 C8 FD"},
		{"native QR", func(b *Builder) { b.QR("AB", 6, ECCM) },
			"1D 28 6B 04 00 31 41 32 00 " +
				"1D 28 6B 03 00 31 43 06 " +
				"1D 28 6B 03 00 31 45 31 " +
				"1D 28 6B 05 00 31 50 30 41 42 " +
				"1D 28 6B 03 00 31 51 30"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := NewBuilder()
			tt.build(b)
			got, err := b.Bytes()
			if err != nil {
				t.Fatal(err)
			}
			want := append(unhex(t, "1B 40 1C 26"), unhex(t, tt.want)...)
			if !bytes.Equal(got, want) {
				t.Fatalf("want % X\ngot  % X", want, got)
			}
		})
	}
}

func TestBuilderRefuses(t *testing.T) {
	tests := []struct {
		name  string
		build func(b *Builder)
	}{
		{"size 0", func(b *Builder) { b.Size(0, 1) }},
		{"size 9", func(b *Builder) { b.Size(1, 9) }},
		{"empty QR", func(b *Builder) { b.QR("", 6, ECCM) }},
		{"QR too long", func(b *Builder) { b.QR(strings.Repeat("x", MaxQRData+1), 6, ECCM) }},
		{"QR module 17", func(b *Builder) { b.QR("x", 17, ECCM) }},
		{"QR bad ECC", func(b *Builder) { b.QR("x", 6, 52) }},
		{"raster QR empty", func(b *Builder) { b.QRRaster("", 6, ECCM) }},
		{"feed 300", func(b *Builder) { b.Feed(300) }},
		{"invalid UTF-8", func(b *Builder) { b.Text("\xff\xfe") }},
	}
	for _, tt := range tests {
		b := NewBuilder()
		tt.build(b)
		b.Line("after")
		if _, err := b.Bytes(); !errors.Is(err, app.ErrInvalidInput) {
			t.Errorf("%s: want ErrInvalidInput, got %v", tt.name, err)
		}
	}
}

func TestStatusBytes(t *testing.T) {
	tests := []struct {
		name      string
		p, c, pap byte
		want      string
		ready     bool
	}{
		{"ready", 0x12, 0x12, 0x12, "ready", true},
		{"paper out (protocol example)", 0x1A, 0x32, 0x7E, "paper out", false},
		{"cover open", 0x1A, 0x16, 0x12, "cover open", false},
		{"paper near end", 0x12, 0x12, 0x1E, "paper near end", true},
		{"error", 0x1A, 0x52, 0x12, "error (cutter jam or printer fault)", false},
		{"offline for another reason", 0x1A, 0x12, 0x12, "offline", false},
	}
	for _, tt := range tests {
		st, err := DecodeStatus(tt.p, tt.c, tt.pap)
		if err != nil || st.String() != tt.want || st.Ready() != tt.ready {
			t.Errorf("%s: want %q ready=%v, got %q ready=%v (%v)", tt.name, tt.want, tt.ready, st, st.Ready(), err)
		}
		if tt.name == "offline for another reason" {
			continue
		}
		if e := []byte{EncodeStatus(1, st), EncodeStatus(2, st), EncodeStatus(4, st)}; !bytes.Equal(e, []byte{tt.p, tt.c, tt.pap}) {
			t.Errorf("%s: EncodeStatus gives % X, want % X", tt.name, e, []byte{tt.p, tt.c, tt.pap})
		}
	}
	for _, b := range []byte{0x00, 0x13, 0x02, 0x10, 0x92, 0xFF} {
		if _, err := DecodeStatus(b, 0x12, 0x12); !errors.Is(err, app.ErrBadFrame) {
			t.Errorf("0x%02X is not a status byte: want ErrBadFrame, got %v", b, err)
		}
	}
}

func TestWrap(t *testing.T) {
	tests := []struct {
		in    string
		width int
		want  []string
	}{
		{"", 10, []string{""}},
		{"一二三四五六", 6, []string{"一二三", "四五六"}},
		{"编号KS0105-2026", 10, []string{"编号KS0105", "-2026"}},
		{"编号 KS0105-20", 10, []string{"编号", "KS0105-20"}},
		{"编号KS01", 10, []string{"编号KS01"}},
		{"一二三，四", 6, []string{"一二", "三，四"}},
		{"ab cd", 3, []string{"ab", "cd"}},
	}
	for _, tt := range tests {
		got := wrap(tt.in, tt.width)
		if strings.Join(got, "|") != strings.Join(tt.want, "|") {
			t.Errorf("wrap(%q, %d) = %q, want %q", tt.in, tt.width, got, tt.want)
		}
		for _, l := range got {
			if cols(l) > tt.width {
				t.Errorf("wrap(%q, %d): line %q is %d columns wide", tt.in, tt.width, l, cols(l))
			}
		}
	}
}

var when = time.Date(2026, 11, 23, 9, 32, 0, 0, time.UTC)

func ticket() app.TicketPrint {
	return app.TicketPrint{HallName: "朝阳区政务服务中心", Number: "A012", Category: "综合受理", Ahead: 5,
		EstimatedWait: 15 * time.Minute, Issued: when, QRPayload: "https://zwfw.example.gov.cn/q/T20261123A012",
		Footer: "过号请重新取号，请留意大厅叫号屏"}
}

func notice(kind app.NoticeKind) app.NoticePrint {
	return app.NoticePrint{Kind: kind, HallName: "朝阳区政务服务中心", CaseNumber: "KS0105-20261123-0042",
		ItemName: "个体工商户设立登记", Applicant: "欧阳娜仁", ApplicantID: "150102196603014021", Window: "5号窗口",
		QRPayload: "https://zwfw.example.gov.cn/c/KS0105-20261123-0042", Printed: when,
		DueDate: when.AddDate(0, 0, 14), Reason: "申请事项依法不属于本机关职权范围。",
		Materials: []app.NoticeMaterial{{Name: "申请人身份证", Received: true, Note: "原件1份"}, {Name: "经营场所使用证明", Note: "复印件1份"}}}
}

// Every layout must decode cleanly: no byte the printer would skip, no
// command cut off, and the text readable back.
func TestLayoutsDecode(t *testing.T) {
	jobs := map[string]func(Options) ([]byte, error){
		"ticket": func(o Options) ([]byte, error) { return Ticket(ticket(), o) },
		"elderly ticket": func(o Options) ([]byte, error) {
			t := ticket()
			t.Priority = app.Elderly
			return Ticket(t, o)
		},
		"accepted": func(o Options) ([]byte, error) { return Notice(notice(app.NoticeAccepted), o) },
		"missing":  func(o Options) ([]byte, error) { return Notice(notice(app.NoticeMissing), o) },
		"rejected": func(o Options) ([]byte, error) { return Notice(notice(app.NoticeRejected), o) },
		"document": func(o Options) ([]byte, error) {
			return Document(app.DocumentPrint{HallName: "朝阳区政务服务中心", Title: "办事指南：个体工商户设立登记", Lines: []string{"申请材料：", "1. 身份证", ""}, QRPayload: "https://x.example/g/1", Printed: when}, o)
		},
	}
	for name, job := range jobs {
		for _, c := range []struct {
			native  bool
			columns int
		}{{true, 48}, {false, 48}, {true, 32}} {
			native := c.native
			o := DefaultOptions()
			o.NativeQR, o.Columns = native, c.columns
			data, err := job(o)
			if err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			ops, skipped, err := Decode(data)
			if err != nil || skipped != 0 {
				t.Fatalf("%s native=%v: decode: %d bytes skipped, %v", name, native, skipped, err)
			}
			var text strings.Builder
			var qr, raster int
			for _, op := range ops {
				switch op.Kind {
				case OpText:
					text.WriteString(op.Text())
				case OpQRPrint:
					qr++
				case OpRaster:
					raster++
				}
			}
			if native && (qr != 1 || raster != 0) || !native && (qr != 0 || raster != 1) {
				t.Errorf("%s native=%v: %d native QR and %d raster images", name, native, qr, raster)
			}
			if strings.Contains(text.String(), "欧阳娜仁") || strings.Contains(text.String(), "150102196603014021") {
				t.Errorf("%s: personal data printed unmasked", name)
			}
			if ops[len(ops)-1].Kind != OpCut {
				t.Errorf("%s: the job must end with a cut", name)
			}
			if w := widestLine(ops); w > o.Columns {
				t.Errorf("%s on %d columns: a line is %d columns wide", name, o.Columns, w)
			}
		}
	}
}

// widestLine is the width of the widest printed line, in half-width
// columns, counting character sizes.
func widestLine(ops []Op) int {
	widest, cur, w := 0, 0, 1
	for _, op := range ops {
		switch op.Kind {
		case OpSize:
			w = op.N>>4&7 + 1
		case OpInit:
			w = 1
		case OpText:
			cur += cols(op.Text()) * w
		case OpLF, OpFeed, OpQRPrint, OpRaster, OpCut:
			widest, cur = max(widest, cur), 0
		}
	}
	return max(widest, cur)
}

func TestTicketFitsTheBudget(t *testing.T) {
	data, err := Ticket(ticket(), DefaultOptions())
	if err != nil {
		t.Fatal(err)
	}
	if len(data) > 600 {
		t.Fatalf("a ticket with native QR must take at most 600 bytes (0.65 s at 9600 baud); it takes %d", len(data))
	}
}

// TestPriorityAndTheHallsTimeOnTheTicket: a priority ticket says why it is
// called first, and every time is the hall's whatever the clock's zone
// (when is 09:32 UTC, 17:32 in the hall).
func TestPriorityAndTheHallsTimeOnTheTicket(t *testing.T) {
	for p, mark := range map[app.Priority]string{app.Elderly: "【老年人优先】", app.Appointment: "【预约】", app.Disability: "【残疾人优先】", app.NoPriority: ""} {
		tk := ticket()
		tk.Priority = p
		data, err := Ticket(tk, DefaultOptions())
		if err != nil {
			t.Fatal(err)
		}
		text := decodedText(t, data)
		if mark != "" && !strings.Contains(text, mark) || mark == "" && strings.Contains(text, "【") {
			t.Errorf("a ticket of priority %q: want mark %q, got\n%s", p, mark, text)
		}
		if !strings.Contains(text, "2026-11-23 17:32") {
			t.Errorf("the ticket must show the hall's time 17:32:\n%s", text)
		}
	}
	data, err := Notice(notice(app.NoticeAccepted), DefaultOptions())
	if err != nil {
		t.Fatal(err)
	}
	if text := decodedText(t, data); !strings.Contains(text, "2026-11-23 17:32") {
		t.Errorf("the notice must show the hall's time 17:32:\n%s", text)
	}
}

func decodedText(t *testing.T, data []byte) string {
	t.Helper()
	ops, _, err := Decode(data)
	if err != nil {
		t.Fatal(err)
	}
	var text strings.Builder
	for _, op := range ops {
		switch op.Kind {
		case OpText:
			text.WriteString(op.Text())
		case OpLF:
			text.WriteString("\n")
		}
	}
	return text.String()
}

func TestLayoutsRefuseIncompleteInput(t *testing.T) {
	t0 := ticket()
	t0.Priority = "vip"
	if _, err := Ticket(t0, DefaultOptions()); !errors.Is(err, app.ErrInvalidInput) || !strings.Contains(err.Error(), "priority") {
		t.Errorf("ticket of an unknown priority: want ErrInvalidInput naming it, got %v", err)
	}
	t1 := ticket()
	t1.Number = ""
	if _, err := Ticket(t1, DefaultOptions()); !errors.Is(err, app.ErrInvalidInput) {
		t.Errorf("ticket without a number: want ErrInvalidInput, got %v", err)
	}
	n := notice(app.NoticeRejected)
	n.Reason = " "
	if _, err := Notice(n, DefaultOptions()); !errors.Is(err, app.ErrInvalidInput) || !strings.Contains(err.Error(), "must say why") {
		t.Errorf("refusal without a reason: want ErrInvalidInput saying why, got %v", err)
	}
	n = notice(app.NoticeMissing)
	n.Materials = []app.NoticeMaterial{{Name: "x", Received: true}}
	if _, err := Notice(n, DefaultOptions()); !errors.Is(err, app.ErrInvalidInput) {
		t.Errorf("一次性告知书 with nothing missing: want ErrInvalidInput, got %v", err)
	}
}

func TestParseIncompleteCommands(t *testing.T) {
	data, err := Ticket(ticket(), DefaultOptions())
	if err != nil {
		t.Fatal(err)
	}
	whole, _, _ := Decode(data)
	// Fed in every possible split, a streaming parser must find the same
	// commands: a Chinese character or a QR command split across two
	// reads waits for its tail.
	for cut := 1; cut < len(data); cut += 7 {
		var ops []Op
		buf := append([]byte(nil), data[:cut]...)
		rest := data[cut:]
		for {
			op, n, err := Parse(buf)
			if errors.Is(err, ErrIncomplete) {
				if len(rest) == 0 {
					break
				}
				buf, rest = append(buf, rest...), nil
				continue
			}
			if err != nil {
				t.Fatalf("cut at %d: %v", cut, err)
			}
			buf = buf[n:]
			ops = append(ops, op)
		}
		var a, b strings.Builder
		for _, op := range whole {
			a.WriteString(op.Text())
		}
		for _, op := range ops {
			b.WriteString(op.Text())
		}
		if a.String() != b.String() {
			t.Fatalf("cut at %d: text differs:\n%s\n%s", cut, a.String(), b.String())
		}
	}
}

// testdata/corrupt holds streams a confused host or a noisy line could send.
// The decoder must not panic, must skip what it cannot read, and say so.
func TestCorruptStreams(t *testing.T) {
	files, _ := filepath.Glob("testdata/corrupt/*.bin")
	if len(files) == 0 {
		t.Fatal("no files in testdata/corrupt")
	}
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		_, skipped, err := Decode(data)
		if err == nil && skipped == 0 {
			t.Errorf("%s: a corrupt stream decoded without complaint", filepath.Base(f))
		}
	}
}

func FuzzParse(f *testing.F) {
	data, _ := Ticket(ticket(), DefaultOptions())
	f.Add(data)
	f.Add(unhex(f, "10 04 01 10 04 02 10 04 04"))
	f.Add(unhex(f, "1D 76 30 00 01 00 02 00 FF 00"))
	f.Fuzz(func(t *testing.T, data []byte) {
		buf := data
		for len(buf) > 0 {
			op, n, err := Parse(buf)
			if n < 0 || n > len(buf) {
				t.Fatalf("n=%d out of 0–%d", n, len(buf))
			}
			if errors.Is(err, ErrIncomplete) {
				if n != 0 {
					t.Fatalf("incomplete must consume nothing, consumed %d", n)
				}
				return
			}
			if err != nil && (!errors.Is(err, app.ErrBadFrame) || n != 1) {
				t.Fatalf("a bad byte must be ErrBadFrame skipping 1, got n=%d %v", n, err)
			}
			if err == nil && n == 0 {
				t.Fatal("a command of no bytes: the printer would loop")
			}
			if op.Kind == OpRaster && len(op.Raster.Bits) != op.Raster.WidthBytes*op.Raster.Height {
				t.Fatal("raster size does not match its bits")
			}
			_ = op.Text()
			buf = buf[n:]
		}
	})
}
