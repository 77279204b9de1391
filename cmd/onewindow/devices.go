package main

import (
	"log/slog"
	"time"

	"onewindow/app/config"
	"onewindow/device/escpos"
	"onewindow/device/idreader"
	"onewindow/device/serialport"
)

// serialDevices opens a terminal's serial devices from [devices] and keeps
// every port it opened, so that they close together. A port missing at
// start is not fatal: the role works without that device, says in plain
// words what it cannot do, and the log names the port.
type serialDevices struct {
	log   *slog.Logger
	ports []*serialport.Port
	tried []triedPort // every port asked for, opened or not: the health report says which
}

func (d *serialDevices) open(name, path string, baud int) *serialport.Port {
	p, err := serialport.Open(serialport.Config{Device: name, Path: path, Baud: baud,
		ReadTimeout: 100 * time.Millisecond, ReopenEvery: 2 * time.Second, Log: d.log})
	d.tried = append(d.tried, triedPort{name: name, path: path, port: p, err: err})
	if err != nil {
		d.log.Error("device not available; working without it", "device", name, "err", err)
		return nil
	}
	d.ports = append(d.ports, p)
	return p
}

// openPrinter is the ESC/POS printer of c, or nil.
func (d *serialDevices) openPrinter(c *config.Printer, name string) *escpos.Printer {
	if c == nil {
		return nil
	}
	p := d.open(name, c.Port, c.Baud)
	if p == nil {
		return nil
	}
	opts := escpos.DefaultOptions()
	opts.NativeQR = c.NativeQR
	return escpos.New(p, escpos.Config{Options: opts, Log: d.log})
}

// openReader is the ID-card reader of c, or nil.
func (d *serialDevices) openReader(c *config.Serial) *idreader.Reader {
	if c == nil {
		return nil
	}
	p := d.open("ID-card reader", c.Port, c.Baud)
	if p == nil {
		return nil
	}
	return idreader.New(p, idreader.Config{Log: d.log})
}

func (d *serialDevices) close() {
	for _, p := range d.ports {
		p.Close()
	}
}
