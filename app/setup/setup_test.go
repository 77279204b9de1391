package setup

import (
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"onewindow/app"
	"onewindow/app/config"
)

const key = config.Secret("0123456789abcdef0123456789abcdef0123456789abcdef")

func kiosk(dir string) Answers {
	return Answers{Role: config.RoleKiosk, Hall: "330106", Terminal: "K01", HubAddress: "192.168.10.2:7100", HallKey: key,
		CentralURL: "https://central.example.org", DataDir: filepath.Join(dir, "data"),
		IDCard: &Device{Port: "/dev/ttyUSB0"}, Printer: &Device{Port: "/dev/ttyUSB1", Baud: 9600}, NativeQR: true}
}

func TestWriteThenLoad(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	path := filepath.Join(dir, "etc", "onewindow.toml")
	if err := Write(path, kiosk(dir), false); err != nil {
		t.Fatal(err)
	}
	cfg, err := config.Load(path)
	if err != nil {
		t.Fatalf("the written file does not load: %v", err)
	}
	if got, _ := cfg.HallKey(); got != key || cfg.Devices.Printer.Baud != 9600 || cfg.Devices.IDCard.Baud != config.DefaultIDCardBaud {
		t.Errorf("loaded %+v", cfg)
	}
	raw, _ := os.ReadFile(path)
	if strings.Contains(string(raw), string(key)) {
		t.Errorf("the key must not be in the configuration:\n%s", raw)
	}
	// Replacing keeps the old file.
	a := kiosk(dir)
	a.Terminal = "K02"
	if err := Write(path, a, false); !errors.Is(err, ErrExists) {
		t.Errorf("without replace: want ErrExists, got %v", err)
	}
	if err := Write(path, a, true); err != nil {
		t.Fatal(err)
	}
	if old, _ := os.ReadFile(path + ".old"); !strings.Contains(string(old), `terminal = "K01"`) {
		t.Errorf("want the old configuration kept as .old, got:\n%s", old)
	}
}

// TestConfigIsWhatWriteWrites: the configuration made without a file is
// the one a terminal loads from the file Write writes, but for where the
// hall key is held; bad answers make none, with the same problems.
func TestConfigIsWhatWriteWrites(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	path := filepath.Join(dir, "onewindow.toml")
	a := kiosk(dir)
	a.Scanner = &Device{Port: "/dev/ttyUSB2", Baud: 115200}
	if err := Write(path, a, false); err != nil {
		t.Fatal(err)
	}
	loaded, err := config.Load(path)
	if err != nil {
		t.Fatal(err)
	}
	made, err := a.Config()
	if err != nil {
		t.Fatal(err)
	}
	if got, _ := made.HallKey(); got != key || made.Hub.HallKeyFile != "" {
		t.Errorf("the configuration holds the hall key %q in file %q; want it held inline", got, made.Hub.HallKeyFile)
	}
	made.Hub.HallKey, loaded.Hub.HallKey, loaded.Hub.HallKeyFile = "", "", ""
	if !reflect.DeepEqual(made, loaded) {
		t.Errorf("made without a file:\n%+v\nloaded from the file written:\n%+v", made, loaded)
	}
	a.Terminal, a.HallKey, a.Printer = "k 1", "short", nil
	_, errMade := a.Config()
	_, errRender := a.Render()
	var pe *app.ProblemsError
	if !errors.As(errMade, &pe) || len(pe.Problems) != 3 || errRender == nil || errMade.Error() != errRender.Error() {
		t.Errorf("bad answers: Config says %v, Render %v; want the same 3 problems", errMade, errRender)
	}
}

func TestBadAnswersWriteNothing(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	a := kiosk(dir)
	a.Terminal, a.HallKey, a.Printer = "k 1", "short", nil
	err := Write(filepath.Join(dir, "etc", "onewindow.toml"), a, false)
	var pe *app.ProblemsError
	if !errors.As(err, &pe) || len(pe.Problems) != 3 {
		t.Fatalf("want 3 problems (terminal, hall key, printer), got %v", err)
	}
	if strings.Contains(err.Error(), "short") {
		t.Errorf("a problem must not repeat the hall key: %v", err)
	}
	if _, err := os.Stat(filepath.Join(dir, "etc")); !os.IsNotExist(err) {
		t.Errorf("bad answers must write nothing, yet %v", err)
	}
}

func TestParseDevice(t *testing.T) {
	t.Parallel()
	if d, err := ParseDevice("/dev/ttyUSB0@9600"); err != nil || d.Port != "/dev/ttyUSB0" || d.Baud != 9600 {
		t.Errorf("PORT@BAUD: %+v %v", d, err)
	}
	if d, err := ParseDevice("COM3"); err != nil || d.Port != "COM3" || d.Baud != 0 {
		t.Errorf("PORT: %+v %v", d, err)
	}
	if _, err := ParseDevice("/dev/ttyUSB0@fast"); !errors.Is(err, app.ErrInvalidInput) {
		t.Errorf("a rate that is not a number: want ErrInvalidInput, got %v", err)
	}
}

func TestWriteFileAtomicLeavesNoTemporaryFile(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	p := filepath.Join(dir, "k")
	if err := WriteFileAtomic(p, []byte("secret"), 0o600); err != nil {
		t.Fatal(err)
	}
	if fi, _ := os.Stat(p); fi.Mode().Perm() != 0o600 {
		t.Errorf("mode %v", fi.Mode())
	}
	if err := WriteFileAtomic(filepath.Join(dir, "missing", "k"), []byte("x"), 0o600); err == nil {
		t.Errorf("into a folder that does not exist: want an error")
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 1 {
		t.Errorf("want only the file, got %v", entries)
	}
}

// TestKioskKeyOnKiosksOnly: a kiosk's kiosk key goes into kiosk.key beside
// its configuration, not into the configuration; the hub may not be given
// one, and nothing is written when it is.
func TestKioskKeyOnKiosksOnly(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	path := filepath.Join(dir, "onewindow.toml")
	kk := config.Secret("kiosk key: 0123456789abcdef0123456789abcdef")
	a := kiosk(dir)
	a.KioskKey = kk
	if err := Write(path, a, false); err != nil {
		t.Fatal(err)
	}
	cfg, err := config.Load(path)
	if err != nil {
		t.Fatal(err)
	}
	raw, _ := os.ReadFile(path)
	if got, err := cfg.KioskKey(); got != kk || err != nil || strings.Contains(string(raw), string(kk)) {
		t.Errorf("the kiosk key read back is %q (%v); the configuration must name its file only:\n%s", got, err, raw)
	}
	hubDir := t.TempDir()
	h := Answers{Role: config.RoleHub, Hall: "330106", Terminal: "H01", HubAddress: ":7100", HallKey: key, KioskKey: kk}
	if err := Write(filepath.Join(hubDir, "onewindow.toml"), h, false); !errors.Is(err, app.ErrInvalidConfig) || !strings.Contains(err.Error(), "kiosk_key") {
		t.Errorf("a hub given the kiosk key: %v; want it refused", err)
	}
	if left, _ := os.ReadDir(hubDir); len(left) != 0 {
		t.Errorf("a refused set-up wrote %d files", len(left))
	}
}

// TestTheHubsCertificate: a hub's set-up makes the hall's hub certificate
// and its private key (private to its owner); a terminal given the
// certificate names it, and neither the key nor a terminal's copy of it
// travels anywhere else. A hub set up again keeps a key it was given.
func TestTheHubsCertificate(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	hubPath := filepath.Join(dir, "hub", "onewindow.toml")
	if err := Write(hubPath, Answers{Role: config.RoleHub, Hall: "330106", Terminal: "H01", HubAddress: ":7100", HallKey: key}, false); err != nil {
		t.Fatal(err)
	}
	cfg, err := config.Load(hubPath)
	if err != nil {
		t.Fatal(err)
	}
	cert, err := cfg.HubCertificate()
	if err != nil || cert == nil || cfg.Hub.KeyFile == "" {
		t.Fatalf("the hub's configuration: certificate %d bytes, %v, key file %q; want both", len(cert), err, cfg.Hub.KeyFile)
	}
	if fi, err := os.Stat(cfg.Hub.KeyFile); err != nil || fi.Mode().Perm() != 0o600 {
		t.Errorf("the hub's private key: %v, %v; want mode 600", fi, err)
	}
	a := kiosk(dir)
	a.HubCert = cert
	path := filepath.Join(dir, "kiosk", "onewindow.toml")
	if err := Write(path, a, false); err != nil {
		t.Fatal(err)
	}
	kc, err := config.Load(path)
	if err != nil {
		t.Fatal(err)
	}
	if got, _ := kc.HubCertificate(); string(got) != string(cert) || kc.Hub.KeyFile != "" {
		t.Errorf("the kiosk pins %d bytes (key file %q); want the hub's certificate and no key", len(got), kc.Hub.KeyFile)
	}
	if _, err := os.Stat(filepath.Join(dir, "kiosk", HubKeyFileName)); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("the hub's private key is beside the kiosk's configuration: %v", err)
	}
	// A kiosk's configuration naming a key file is refused.
	raw, _ := os.ReadFile(path)
	bad := strings.Replace(string(raw), "certificate_file", "key_file = \"hub-key.pem\"\ncertificate_file", 1)
	if _, err := config.Parse([]byte(bad)); err == nil || !strings.Contains(err.Error(), "only the hub holds its private key") {
		t.Errorf("a kiosk holding the hub's key: %v; want it refused", err)
	}
}
