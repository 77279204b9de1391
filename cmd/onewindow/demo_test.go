//go:build unix

package main

import (
	"context"
	"io"
	"log/slog"
	"testing"

	"onewindow/app/config"
	"onewindow/app/setup"
	"onewindow/device/sim/simctl"
	"onewindow/sync/hub"
)

// TestDemoConfigurationsAreATechnicians: the demo's terminals are
// configured through app/setup, as a technician's are: each configuration
// passes `onewindow config check`, names the demo's hall, hub and hall key
// and its own simulators, and boots as its role.
func TestDemoConfigurationsAreATechnicians(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	h, err := startDemoHall(ctx, t.TempDir(), "", slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	defer h.close()
	window, err := h.windowAnswers(ctx, 1)
	if err != nil {
		t.Fatal(err)
	}
	kiosk := h.kioskAnswers()
	for _, a := range []setup.Answers{kiosk, window, h.answers(config.RoleDisplay, "D01")} {
		path, cfg, err := h.writeConfig(a)
		if err != nil {
			t.Errorf("%s: %v", a.Role, err)
			continue
		}
		if code, out, errOut := runArgs(t, "config", "check", path); code != 0 {
			t.Errorf("%s: config check %s: exit %d\n%s%s", a.Role, path, code, out, errOut)
		}
		key, err := cfg.HallKey()
		if cfg.Role != a.Role || cfg.Hall != demoHallCode || hub.URL(cfg.Hub.Address) != h.hubURL || err != nil || string(key) != h.hallKey {
			t.Errorf("%s: role %s, hall %s, hub %s, hall key %v; want the demo's", a.Role, cfg.Role, cfg.Hall, cfg.Hub.Address, err)
		}
		if a.Role == config.RoleKiosk {
			continue // it runs in the demo's process, on the demo's own store
		}
		term, err := bootTerminal(ctx, bootSpec{role: a.Role, what: string(a.Role), path: path, sample: true}, io.Discard)
		if err != nil {
			t.Errorf("%s: the configuration does not boot: %v", a.Role, err)
			continue
		}
		term.close()
	}

	made, err := kiosk.Config()
	if err != nil {
		t.Fatal(err)
	}
	if d := made.Devices; d.IDCard == nil || d.IDCard.Port != h.kioskSims.Path(simctl.IDReader) || d.IDCard.Baud != 115200 ||
		d.Printer == nil || d.Printer.Port != h.kioskSims.Path(simctl.Printer) || !d.Printer.NativeQR ||
		d.Scanner == nil || d.Scanner.Port != h.kioskSims.Path(simctl.Scanner) || d.Scanner.Baud != 9600 {
		t.Errorf("the kiosk's devices are %+v; want its simulators", d)
	}
	_, cfg, err := h.writeConfig(window)
	if err != nil {
		t.Fatal(err)
	}
	if w, d := cfg.Window, cfg.Devices; w.Number != 1 || len(w.Categories) == 0 ||
		d.QueueBus == nil || d.QueueBus.Port != h.windowSims[1].Path(simctl.QueueBus) ||
		d.Printer == nil || d.Printer.Port != h.windowSims[1].Path(simctl.Printer) || !d.Printer.NativeQR {
		t.Errorf("window %d, categories %v, devices %+v; want window 1's with the window simulators", w.Number, w.Categories, d)
	}
}
