package printersim_test

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"image"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"onewindow/app"
	"onewindow/device/escpos"
	"onewindow/device/serialport"
	"onewindow/device/sim"
	"onewindow/device/sim/printersim"
)

var update = flag.Bool("update", false, "rewrite the golden PNGs in testdata/golden")

var (
	rendererOnce sync.Once
	renderer     *printersim.Renderer
	rendererErr  error
)

// newRenderer fails, never skips, without the font: a rendering test that
// silently passes without rendering proves nothing.
func newRenderer(t *testing.T) *printersim.Renderer {
	t.Helper()
	rendererOnce.Do(func() { renderer, rendererErr = printersim.NewRenderer("") })
	if rendererErr != nil {
		t.Fatalf("%v", rendererErr)
	}
	return renderer
}

type rig struct {
	sim     *printersim.Sim
	link    *sim.Link
	printer *escpos.Printer
}

func newRig(t *testing.T, opts escpos.Options) *rig {
	t.Helper()
	link, err := sim.Open(t.TempDir(), "printer", nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { link.Close() })
	s := printersim.New(link, newRenderer(t), opts.Dots(), "", nil)
	go s.Serve()
	port, err := serialport.Open(serialport.Config{Device: "ticket printer", Path: link.Path(), Baud: 115200,
		ReadTimeout: 100 * time.Millisecond, ReopenEvery: 50 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { port.Close() })
	p := escpos.New(port, escpos.Config{Options: opts, StatusTimeout: 400 * time.Millisecond, Retries: 2})
	return &rig{sim: s, link: link, printer: p}
}

func ctx(t *testing.T) context.Context {
	c, cancel := context.WithTimeout(t.Context(), 60*time.Second)
	t.Cleanup(cancel)
	return c
}

var issued = time.Date(2026, 11, 23, 9, 32, 0, 0, time.FixedZone("CST", 8*3600))

func sampleTicket() app.TicketPrint {
	return app.TicketPrint{
		HallName: "朝阳区政务服务中心", Number: "A012", Category: "综合受理", Ahead: 5,
		EstimatedWait: 15 * time.Minute, Issued: issued,
		QRPayload: "https://zwfw.example.gov.cn/q/T20261123A012",
		Footer:    "过号请重新取号，请留意大厅叫号屏",
	}
}

func sampleNotice(kind app.NoticeKind) app.NoticePrint {
	n := app.NoticePrint{
		Kind: kind, HallName: "朝阳区政务服务中心", CaseNumber: "KS0105-20261123-0042",
		ItemName: "个体工商户设立登记", Applicant: "欧阳娜仁", ApplicantID: "150102196603014021",
		Window: "5号窗口", QRPayload: "https://zwfw.example.gov.cn/c/KS0105-20261123-0042", Printed: issued,
		Materials: []app.NoticeMaterial{
			{Name: "申请人身份证", Received: true, Note: "原件1份"},
			{Name: "个体工商户登记申请书", Received: true, Note: "原件1份"},
			{Name: "经营场所使用证明", Received: kind != app.NoticeMissing, Note: "复印件1份"},
			{Name: "委托代理人身份证明", Received: kind != app.NoticeMissing, Note: "复印件1份"},
		},
	}
	switch kind {
	case app.NoticeAccepted:
		n.DueDate = time.Date(2026, 12, 7, 0, 0, 0, 0, time.UTC)
	case app.NoticeMissing:
		n.Reason = "经营场所证明须为产权人签字的租赁合同；补齐后可到任一综合窗口办理，无需重新取号。"
	case app.NoticeRejected:
		n.Reason = "申请事项依法不属于本机关职权范围，请向朝阳区市场监督管理局申请。"
	}
	return n
}

func TestGoldenPages(t *testing.T) {
	r := newRig(t, escpos.DefaultOptions())
	jobs := []struct {
		name  string
		print func() error
		want  []string // text that must be on the page
	}{
		{"ticket", func() error { return r.printer.PrintTicket(ctx(t), sampleTicket()) },
			[]string{"朝阳区政务服务中心", "A012", "综合受理", "您前面还有 5 人等候", "预计等候约 15 分钟", "取号时间 2026-11-23 09:32"}},
		{"notice-accepted", func() error { return r.printer.PrintNotice(ctx(t), sampleNotice(app.NoticeAccepted)) },
			[]string{"受理通知书", "KS0105-20261123-0042", "欧**仁", "150102********4021", "承诺办结日期：2026年12月07日"}},
		{"notice-missing", func() error { return r.printer.PrintNotice(ctx(t), sampleNotice(app.NoticeMissing)) },
			[]string{"一次性告知书", "经营场所使用证明", "委托代理人身份证明", "欧**仁"}},
		{"notice-rejected", func() error { return r.printer.PrintNotice(ctx(t), sampleNotice(app.NoticeRejected)) },
			[]string{"不予受理通知书", "职权范围", "行政复议"}},
	}
	for i, j := range jobs {
		t.Run(j.name, func(t *testing.T) {
			if err := j.print(); err != nil {
				t.Fatal(err)
			}
			pages := r.sim.Pages()
			if len(pages) != i+1 {
				t.Fatalf("want %d pages, got %d", i+1, len(pages))
			}
			p := pages[i]
			all := strings.Join(p.Lines, "\n")
			for _, w := range j.want {
				if !strings.Contains(all, w) {
					t.Errorf("the page should contain %q; it has:\n%s", w, all)
				}
			}
			for _, secret := range []string{"欧阳娜仁", "150102196603014021"} {
				if strings.Contains(all, secret) {
					t.Errorf("the page shows personal data unmasked: %q", secret)
				}
			}
			if len(p.QR) != 1 || !strings.HasPrefix(p.QR[0], "https://") {
				t.Errorf("want one QR code with a link, got %q", p.QR)
			}
			golden(t, j.name, p.Image)
		})
	}
	if n := r.sim.Skipped(); n != 0 {
		t.Errorf("the printer skipped %d bytes it did not understand", n)
	}
}

// golden compares a page with testdata/golden/<name>.png. Font rasterising
// may differ by a few dots between library versions, so a small share of
// differing dots passes; a mismatch is written to testdata/failed/.
func golden(t *testing.T, name string, got *image.Gray) {
	t.Helper()
	path := filepath.Join("testdata", "golden", name+".png")
	if *update {
		writePNG(t, path, got)
		return
	}
	f, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -run TestGoldenPages -update to create it)", err)
	}
	img, err := png.Decode(bytes.NewReader(f))
	if err != nil {
		t.Fatal(err)
	}
	want := image.NewGray(img.Bounds())
	for y := img.Bounds().Min.Y; y < img.Bounds().Max.Y; y++ {
		for x := img.Bounds().Min.X; x < img.Bounds().Max.X; x++ {
			want.Set(x, y, img.At(x, y))
		}
	}
	if want.Bounds() != got.Bounds() {
		writePNG(t, filepath.Join("testdata", "failed", name+".png"), got)
		t.Fatalf("%s: want a page of %v, got %v; the new one is in testdata/failed/", name, want.Bounds().Size(), got.Bounds().Size())
	}
	diff := 0
	for i := range got.Pix {
		if (got.Pix[i] < 0x80) != (want.Pix[i] < 0x80) {
			diff++
		}
	}
	if limit := len(got.Pix) / 200; diff > limit {
		writePNG(t, filepath.Join("testdata", "failed", name+".png"), got)
		t.Fatalf("%s: %d dots differ from the golden page, at most %d allowed; see testdata/failed/%s.png", name, diff, limit, name)
	}
}

func writePNG(t *testing.T, path string, img image.Image) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, b.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
}

func TestRasterQRFallback(t *testing.T) {
	opts := escpos.DefaultOptions()
	opts.NativeQR = false
	r := newRig(t, opts)
	if err := r.printer.PrintTicket(ctx(t), sampleTicket()); err != nil {
		t.Fatal(err)
	}
	p := r.sim.Pages()[0]
	if p.Rasters != 1 || len(p.QR) != 0 {
		t.Fatalf("without native QR: want one raster image and no QR command, got %d rasters, %d QR", p.Rasters, len(p.QR))
	}
	golden(t, "ticket-raster-qr", p.Image)
}

func TestPrinterStates(t *testing.T) {
	tests := []struct {
		name   string
		set    func(s *printersim.Sim)
		stage  string
		status string
	}{
		{"paper out", func(s *printersim.Sim) { s.SetPaperOut(true) }, "before printing", "paper out"},
		{"cover open", func(s *printersim.Sim) { s.SetCoverOpen(true) }, "before printing", "cover open"},
		{"cutter jam", func(s *printersim.Sim) { s.SetError(true) }, "before printing", "error"},
		{"paper runs out mid-ticket", func(s *printersim.Sim) { s.PaperOutAfter(3) }, "after printing", "paper out"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			r := newRig(t, escpos.DefaultOptions())
			tt.set(r.sim)
			err := r.printer.PrintTicket(ctx(t), sampleTicket())
			if !errors.Is(err, app.ErrPrintFailed) {
				t.Fatalf("want ErrPrintFailed, got %v", err)
			}
			var pe *escpos.PrintError
			if !errors.As(err, &pe) || pe.Stage != tt.stage || !strings.Contains(err.Error(), tt.status) {
				t.Fatalf("want a failure %s saying %q, got %v", tt.stage, tt.status, err)
			}
			pages := r.sim.Pages()
			if tt.stage == "before printing" && len(pages) != 0 {
				t.Fatalf("a printer that is not ready must not be sent the job; %d pages came out", len(pages))
			}
			if tt.stage == "after printing" && (len(pages) != 1 || !pages[0].Incomplete) {
				t.Fatalf("want one incomplete page, got %d pages", len(pages))
			}
		})
	}
	r := newRig(t, escpos.DefaultOptions())
	r.sim.SetPaperNearEnd(true)
	st, err := r.printer.Status(ctx(t))
	if err != nil || !st.Ready() || !st.PaperNearEnd || st.String() != "paper near end" {
		t.Fatalf("near end: want ready with paper near end, got %v (%+v), %v", st, st, err)
	}
	if err := r.printer.PrintTicket(ctx(t), sampleTicket()); err != nil {
		t.Fatalf("paper near end still prints: %v", err)
	}
}

func TestStatusSurvivesFaults(t *testing.T) {
	tests := []struct {
		fault sim.Fault
		times int
		want  error
	}{
		{sim.Garbage, 1, nil},
		{sim.BadChecksum, 1, nil},
		{sim.CutFrame, 1, nil},
		{sim.SlowReply, 1, nil},
		{sim.NoReply, 1, nil},
		{sim.NoReply, 9, app.ErrDeviceTimeout},
		{sim.BadChecksum, 9, app.ErrBadFrame},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("%v×%d", tt.fault, tt.times), func(t *testing.T) {
			t.Parallel()
			r := newRig(t, escpos.DefaultOptions())
			r.link.SetSlow(600 * time.Millisecond)
			r.link.Inject(tt.fault, tt.times)
			err := r.printer.PrintTicket(ctx(t), sampleTicket())
			if tt.want == nil {
				if err != nil {
					t.Fatalf("one %v fault: want the ticket printed, got %v", tt.fault, err)
				}
				if len(r.sim.Pages()) != 1 {
					t.Fatalf("want 1 page, got %d", len(r.sim.Pages()))
				}
				return
			}
			if !errors.Is(err, app.ErrPrintFailed) || !errors.Is(err, tt.want) {
				t.Fatalf("want ErrPrintFailed and %v, got %v", tt.want, err)
			}
			if len(r.sim.Pages()) != 0 {
				t.Fatal("a printer that cannot be asked its state must not be sent the job")
			}
		})
	}
}

func TestPrinterVanishesAndComesBack(t *testing.T) {
	r := newRig(t, escpos.DefaultOptions())
	r.link.Vanish()
	err := r.printer.PrintTicket(ctx(t), sampleTicket())
	if !errors.Is(err, app.ErrPrintFailed) || !errors.Is(err, app.ErrPortGone) {
		t.Fatalf("want ErrPrintFailed and ErrPortGone, got %v", err)
	}
	if err := r.link.Return(); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(30 * time.Second)
	for {
		err := r.printer.PrintTicket(ctx(t), sampleTicket())
		if err == nil {
			break
		}
		if !errors.Is(err, app.ErrPortGone) || time.Now().After(deadline) {
			t.Fatalf("after the port came back: %v", err)
		}
		time.Sleep(20 * time.Millisecond)
	}
	if len(r.sim.Pages()) != 1 {
		t.Fatalf("want 1 page after the port came back, got %d", len(r.sim.Pages()))
	}
}

func TestNoFontFailsLoudly(t *testing.T) {
	_, err := printersim.NewRenderer("/nonexistent/font.ttf")
	if !errors.Is(err, printersim.ErrNoFont) || !strings.Contains(err.Error(), printersim.FontPackage) {
		t.Fatalf("want ErrNoFont naming %s, got %v", printersim.FontPackage, err)
	}
}
