package main

import (
	"archive/tar"
	"compress/gzip"
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"onewindow/app"
	"onewindow/app/logs"
	"onewindow/app/store"
	"onewindow/app/suite"
	"onewindow/device/escpos"
	"onewindow/device/idreader"
	"onewindow/device/serialport"
	"onewindow/device/sim/simctl"
	"onewindow/internal/suitetest"
	"onewindow/sync/central"
	"onewindow/sync/hub"
	"onewindow/sync/link"
	"onewindow/sync/scene"
	"onewindow/sync/wire"
)

// TestBusyDayLogsNoPersonalData runs a hall's day with every part logging
// at debug level into one rotating log, then searches the log for every
// sample citizen's name, ID number and address. Any hit fails.
func TestBusyDayLogsNoPersonalData(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	dir := t.TempDir()
	logDir := filepath.Join(dir, "logs")
	// Small files, so the day also rotates the log: a leak into a rotated
	// file must be found too.
	w, err := logs.NewWriter(logDir, 4<<10, 50)
	if err != nil {
		t.Fatal(err)
	}
	log := slog.New(slog.NewJSONHandler(w, &slog.HandlerOptions{Level: slog.LevelDebug}))

	sims, err := simctl.Start(simctl.Config{Dir: dir, PaperDots: 576})
	if err != nil {
		t.Fatal(err)
	}
	defer sims.Close()

	// The hub, with the sample hall.
	hubStore, err := store.Open(ctx, filepath.Join(dir, "hub.db"), store.Options{Terminal: "H01", Keys: scene.Keys(t, 5)})
	if err != nil {
		t.Fatal(err)
	}
	defer hubStore.Close()
	if err := store.LoadSample(ctx, hubStore); err != nil {
		t.Fatal(err)
	}
	hubSrv, err := hub.New(hubStore, benchHallKey, log.With("part", "hub"))
	if err != nil {
		t.Fatal(err)
	}
	hubHTTP := httptest.NewServer(hubSrv.Handler())
	defer hubHTTP.Close()
	hc := hub.NewClient(hubHTTP.URL, benchHallKey, 5*time.Second)

	// Central, logging too.
	c, err := central.Open(ctx, filepath.Join(dir, "central.db"), central.Options{Keys: scene.Keys(t, 7), Logger: log.With("part", "central"), Suite: suitetest.Suite()})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	scene.PublishSample(t, c)
	centralHTTP := scene.Serve(t, c, central.ServerOptions{})

	// The window terminal: its store, enrolled; its devices.
	st := scene.OpenStore(t, dir, app.SystemClock{})
	defer st.Close()
	if err := store.LoadSample(ctx, st); err != nil {
		t.Fatal(err)
	}
	code, _, err := c.CreateEnrolCode(ctx, scene.Hall, scene.Terminal, scene.Role, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	lopt := link.Options{Logger: log.With("part", "link")}
	if err := link.Enrol(ctx, st, wire.Bundle{Central: centralHTTP.URL, Terminal: scene.Terminal, Hall: scene.Hall, Code: code}, lopt); err != nil {
		t.Fatal(err)
	}
	lk, err := link.New(ctx, st, lopt)
	if err != nil {
		t.Fatal(err)
	}
	port := func(name string, baud int) *serialport.Port {
		p, err := serialport.Open(serialport.Config{Device: name, Path: sims.Path(name), Baud: baud, Log: log.With("part", name)})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { p.Close() })
		return p
	}
	reader := idreader.New(port(simctl.IDReader, 115200), idreader.Config{Log: log.With("part", "idreader")})
	printer := escpos.New(port(simctl.Printer, 9600), escpos.Config{Options: escpos.DefaultOptions(), Log: log.With("part", "printer")})

	cards := sims.Reader.Cards()
	var people []app.IDCard
	for round := range 3 {
		for i := range cards {
			if round == 1 && i == 0 {
				// A dirty contact: the reader garbles, the driver retries.
				sims.Exec("fault idreader garbage 2")
			}
			if _, err := sims.Exec(fmt.Sprintf("place %d", i)); err != nil {
				t.Fatal(err)
			}
			card, err := reader.Read(ctx)
			sims.Exec("remove")
			if err != nil {
				// Damaged cards are refused: that too is logged.
				log.Info("card refused", "error", err)
				continue
			}
			if card.Document != app.ResidentID {
				continue // GA-001 (户口迁移) takes the resident ID card only
			}
			if round == 0 {
				people = append(people, card)
			}
			tk, err := hc.Issue(ctx, app.IssueRequest{RequestID: app.NewID(), Category: "A",
				Who: app.MaskName(card.Name), WhoKey: app.WhoKey(suite.Intl, []byte(benchHallKey), card.Number)})
			if err != nil {
				t.Fatal(err)
			}
			if err := printer.PrintTicket(ctx, app.TicketPrint{HallName: "西溪区政务服务中心", Number: tk.Code, Category: "户籍", Issued: time.Now()}); err != nil {
				t.Fatal(err)
			}
			for _, step := range []func(context.Context, string, int) (app.Ticket, error){hc.Call, hc.Start, hc.Finish} {
				if _, err := step(ctx, app.NewID(), 1); err != nil {
					t.Fatal(err)
				}
			}
			kase, err := st.TakeIn(ctx, app.Intake{ItemCode: "GA-001", Applicant: app.Applicant{Name: card.Name, IDNumber: card.Number, Phone: "13912345678"},
				Received: scene.All(t, st, "GA-001"), Window: 1, Ticket: tk.Code, Actor: "S1001", Outcome: app.Accepted})
			if err != nil {
				t.Fatal(err)
			}
			if err := printer.PrintNotice(ctx, app.NoticePrint{Kind: app.NoticeAccepted, HallName: "西溪区政务服务中心", CaseNumber: kase.Number,
				ItemName: "户口迁移", Applicant: card.Name, ApplicantID: string(card.Number), DueDate: dueTime(kase.Due), Printed: time.Now()}); err != nil {
				t.Fatal(err)
			}
		}
	}
	// A terminal with the wrong hall key knocks at the hub.
	hub.NewClient(hubHTTP.URL, strings.Repeat("0", 64), time.Second).Queue(ctx, 0)
	// Central gets the day's cases and decides them; the terminal learns.
	if err := lk.SyncNow(ctx); err != nil {
		t.Fatal(err)
	}
	decided := 0
	for _, d := range departmentsOf(t, st, "GA-001") {
		cases, err := st.DB().QueryContext(ctx, `SELECT number FROM cases`)
		if err != nil {
			t.Fatal(err)
		}
		var numbers []string
		for cases.Next() {
			var n string
			cases.Scan(&n)
			numbers = append(numbers, n)
		}
		cases.Close()
		for _, n := range numbers {
			if _, err := c.RecordOpinion(ctx, wire.Opinion{Case: n, Department: d, Approve: true}); err == nil {
				decided++
			}
		}
	}
	if err := lk.SyncNow(ctx); err != nil {
		t.Fatal(err)
	}
	w.Close()

	if len(people) < 2 || decided == 0 {
		t.Fatalf("the day was too quiet to prove anything: %d citizens read, %d decisions", len(people), decided)
	}
	files, _ := logs.Files(logDir)
	var all strings.Builder
	for _, f := range files {
		b, _ := os.ReadFile(f)
		all.Write(b)
	}
	text := all.String()
	// The log must be busy, or finding nothing in it proves nothing.
	for _, want := range []string{`"part":"hub"`, `"part":"central"`, "hub request", "wrong hall key"} {
		if !strings.Contains(text, want) {
			t.Errorf("want the day's log to hold %s lines; it holds %d bytes in %d files", want, len(text), len(files))
		}
	}
	if len(files) < 2 {
		t.Errorf("want the busy day to rotate the 4 KiB log at least once, got %d files", len(files))
	}
	for _, p := range people {
		for what, s := range map[string]string{"name": p.Name, "ID number": string(p.Number), "address": p.Address, "ID number's last 12 digits": string(p.Number)[6:]} {
			if i := strings.Index(text, s); i >= 0 {
				t.Errorf("the log holds a citizen's %s: …%s…", what, text[max(0, i-120):min(len(text), i+len(s)+40)])
			}
		}
	}
	t.Logf("%d citizens, %d decisions, %d log files, %d bytes of log", len(people), decided, len(files), len(text))
}

func departmentsOf(t *testing.T, st *store.Store, item string) []string {
	t.Helper()
	it, err := st.Item(context.Background(), item)
	if err != nil {
		t.Fatal(err)
	}
	return it.Departments
}

func TestLogsExport(t *testing.T) {
	t.Parallel()
	b := newBench(t)
	// An inline hall key, a technician PIN: neither may leave the machine.
	raw, _ := os.ReadFile(b.config)
	withSecrets := strings.Replace(string(raw), `hall_key_file = "hall.key"`, `hall_key = "`+benchHallKey+`"`, 1)
	write(t, b.config, withSecrets, 0o644)
	lg, closer, err := logs.New(terminalLogDir(b.cfg), slog.LevelInfo, nil)
	if err != nil {
		t.Fatal(err)
	}
	lg.Info("terminal started", "role", "window")
	closer.Close()

	out := filepath.Join(t.TempDir(), "support.tar.gz")
	code, stdout, stderr := runArgs(t, "logs", "-config", b.config, "-o", out, "export")
	if code != 0 || !strings.Contains(stdout, "wrote "+out) {
		t.Fatalf("logs export: want exit 0 and the file named, got %d %q %q", code, stdout, stderr)
	}
	got := readTarGz(t, out)
	for _, name := range []string{"doctor.txt", "doctor.json", "onewindow.toml", "about.txt", "logs/onewindow.log"} {
		if _, ok := got[name]; !ok {
			t.Errorf("want %s in the bundle, got %v", name, keys(got))
		}
	}
	if !strings.Contains(got["doctor.txt"], "[ok  ] database integrity") || !strings.Contains(got["logs/onewindow.log"], "terminal started") {
		t.Errorf("doctor's report or the log is not the terminal's:\n%s\n%s", got["doctor.txt"], got["logs/onewindow.log"])
	}
	for name, data := range got {
		if strings.Contains(data, benchHallKey) {
			t.Errorf("%s in the bundle holds the hall key", name)
		}
	}
	if !strings.Contains(got["onewindow.toml"], `hall_key = "(redacted)"`) {
		t.Errorf("want the hall key's line kept with its value redacted, got:\n%s", got["onewindow.toml"])
	}
	// As docs and the Windows README write it: the flags after export.
	after := filepath.Join(t.TempDir(), "after.tar.gz")
	if code, stdout, stderr := runArgs(t, "logs", "export", "-config", b.config, "-o", after); code != 0 || !strings.Contains(stdout, "wrote "+after) {
		t.Errorf("logs export -config … -o …: want exit 0 and the file named, got %d %q %q", code, stdout, stderr)
	}
	if code, _, stderr := runArgs(t, "logs", "-config", b.config); code != 2 || !strings.Contains(stderr, "export") {
		t.Errorf("logs without export: want exit 2 saying to use export, got %d %q", code, stderr)
	}
}

func readTarGz(t *testing.T, path string) map[string]string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	gz, err := gzip.NewReader(f)
	if err != nil {
		t.Fatal(err)
	}
	tr := tar.NewReader(gz)
	out := map[string]string{}
	for {
		h, err := tr.Next()
		if err == io.EOF {
			return out
		}
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(tr)
		out[h.Name] = string(b)
	}
}

func keys(m map[string]string) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}

func dueTime(d app.Date) time.Time {
	t, _ := d.Time()
	return t
}
