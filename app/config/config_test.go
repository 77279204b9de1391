package config_test

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/BurntSushi/toml"

	"onewindow/app"
	"onewindow/app/config"
)

var update = flag.Bool("update", false, "rewrite testdata/bad/*.want from what Load reports now")

// testKey is a hall key for tests only: 64 hex characters, as openssl makes.
const testKey = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"

// problemsOf returns the problems listed in err, failing the test when err is
// not a refused configuration.
func problemsOf(t *testing.T, err error) []string {
	t.Helper()
	if !errors.Is(err, app.ErrInvalidConfig) {
		t.Fatalf("wanted an error wrapping app.ErrInvalidConfig, got %v", err)
	}
	var pe *app.ProblemsError
	if !errors.As(err, &pe) {
		t.Fatalf("wanted an *app.ProblemsError naming each problem, got %T: %v", err, err)
	}
	return pe.Problems
}

// TestBadFiles replays every file under testdata/bad and holds what Load
// reports against the .want file beside it, one problem a line. The files
// hold the odd and corrupt inputs technicians and editors produce; go test
// -update rewrites the .want files for review.
func TestBadFiles(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("testdata", "bad", "*.toml"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no bad files found under testdata/bad (err %v)", err)
	}
	dir, err := filepath.Abs(filepath.Join("testdata", "bad"))
	if err != nil {
		t.Fatal(err)
	}
	for _, file := range files {
		name := strings.TrimSuffix(filepath.Base(file), ".toml")
		t.Run(name, func(t *testing.T) {
			c, err := config.Load(file)
			if err == nil {
				t.Fatalf("Load accepted a bad file:\n%s", c.Summary())
			}
			// Paths in messages depend on where the checkout is.
			var got strings.Builder
			for _, p := range problemsOf(t, err) {
				got.WriteString(strings.ReplaceAll(p, dir, "TESTDATA") + "\n")
			}
			wantFile := strings.TrimSuffix(file, ".toml") + ".want"
			if *update {
				if err := os.WriteFile(wantFile, []byte(got.String()), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(wantFile)
			if err != nil {
				t.Fatalf("no expectations for %s: %v (run go test -update, then review the .want file)", file, err)
			}
			if got.String() != string(want) {
				t.Errorf("problems reported for %s:\nwanted:\n%s\ngot:\n%s", file, want, got.String())
			}
		})
	}
	// A .want left behind by a removed input would stop being checked.
	wants, _ := filepath.Glob(filepath.Join("testdata", "bad", "*.want"))
	for _, w := range wants {
		if _, err := os.Stat(strings.TrimSuffix(w, ".want") + ".toml"); err != nil {
			t.Errorf("%s has no .toml input beside it", w)
		}
	}
}

// TestGoodFiles loads every file under testdata/good; each is a shape a real
// terminal's file takes (other roles, defaults left out, Windows line ends
// and ports, a byte-order mark) and must be accepted.
func TestGoodFiles(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("testdata", "good", "*.toml"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no good files found under testdata/good (err %v)", err)
	}
	for _, file := range files {
		t.Run(strings.TrimSuffix(filepath.Base(file), ".toml"), func(t *testing.T) {
			if _, err := config.Load(file); err != nil {
				t.Errorf("Load(%s) refused a good file: %v", file, err)
			}
		})
	}
}

// TestDefaults checks what a file that leaves settings out ends up with.
func TestDefaults(t *testing.T) {
	c, err := config.Load(filepath.Join("testdata", "good", "kiosk-minimal.toml"))
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		what      string
		got, want any
	}{
		{"log level", c.LogLevel, "info"},
		{"slog level", c.Level(), slog.LevelInfo},
		{"hall's time zone", c.Zone().String(), "Asia/Shanghai"},
		{"data dir", c.Paths.DataDir, "/var/lib/onewindow"},
		{"key file", c.Paths.KeyFile, "/var/lib/onewindow/personal-data.key"},
		{"ID reader baud", c.Devices.IDCard.Baud, 115200},
		{"printer baud", c.Devices.Printer.Baud, 9600},
		{"printer native QR", c.Devices.Printer.NativeQR, false},
		{"queue bus", c.Devices.QueueBus, (*config.Serial)(nil)},
		{"window", c.Window, (*config.Window)(nil)},
	}
	for _, tt := range tests {
		if !reflect.DeepEqual(tt.got, tt.want) {
			t.Errorf("%s: wanted %v, got %v", tt.what, tt.want, tt.got)
		}
	}
}

// TestRelativePaths: paths in a file are taken from the file's folder, so a
// terminal's configuration and key can be moved together.
func TestRelativePaths(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "keys", "hall.key"), testKey, 0o600)
	cfg := hallRole("display") + `
[paths]
data_dir = "data"
`
	cfg = strings.Replace(cfg, `hall_key = "`+testKey+`"`, `hall_key_file = "keys/hall.key"`, 1)
	path := filepath.Join(dir, "onewindow.toml")
	writeFile(t, path, cfg, 0o644)
	c, err := config.Load(path)
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct{ what, got, want string }{
		{"hall key file", c.Hub.HallKeyFile, filepath.Join(dir, "keys", "hall.key")},
		{"data dir", c.Paths.DataDir, filepath.Join(dir, "data")},
		{"key file", c.Paths.KeyFile, filepath.Join(dir, "data", "personal-data.key")},
	} {
		if tt.got != tt.want {
			t.Errorf("%s: wanted %s, got %s", tt.what, tt.want, tt.got)
		}
	}
	key, err := c.HallKey()
	if err != nil || key != testKey {
		t.Errorf("HallKey() from the file: wanted the key, got %d characters, error %v", len(key), err)
	}
}

// TestFiles covers what Load finds on disk beside the configuration. These
// cases need file modes and kinds that git does not keep, so they are made
// here rather than stored under testdata.
func TestFiles(t *testing.T) {
	tests := []struct {
		name  string
		setup func(t *testing.T, dir string) // makes files in dir
		cfg   string                         // DIR stands for dir
		want  []string                       // each a problem, DIR for dir
	}{
		{
			name:  "hall key file readable by others",
			setup: func(t *testing.T, dir string) { writeFile(t, dir+"/hall.key", testKey, 0o644) },
			cfg:   withKeyFile("hall.key"),
			want:  []string{"hub.hall_key_file: DIR/hall.key can be read by other users (mode 0644); make it private with: chmod 600 DIR/hall.key"},
		},
		{
			name:  "hall key file too short",
			setup: func(t *testing.T, dir string) { writeFile(t, dir+"/hall.key", "secret\n", 0o600) },
			cfg:   withKeyFile("hall.key"),
			want:  []string{"hub.hall_key_file: DIR/hall.key holds 6 characters; a hall key needs at least 32 (make one with: openssl rand -hex 32 > DIR/hall.key)"},
		},
		{
			name:  "hall key file empty",
			setup: func(t *testing.T, dir string) { writeFile(t, dir+"/hall.key", "", 0o600) },
			cfg:   withKeyFile("hall.key"),
			want:  []string{"hub.hall_key_file: DIR/hall.key holds 0 characters; a hall key needs at least 32 (make one with: openssl rand -hex 32 > DIR/hall.key)"},
		},
		{
			name:  "hall key file is a folder",
			setup: func(t *testing.T, dir string) { mkdir(t, dir+"/hall.key") },
			cfg:   withKeyFile("hall.key"),
			want:  []string{"hub.hall_key_file: DIR/hall.key is a folder, not a key file"},
		},
		{
			name:  "hall key file is huge",
			setup: func(t *testing.T, dir string) { writeFile(t, dir+"/hall.key", strings.Repeat("x", 5000), 0o600) },
			cfg:   withKeyFile("hall.key"),
			want:  []string{"hub.hall_key_file: DIR/hall.key is 5000 bytes; a key file holds one short line, so this is probably the wrong file"},
		},
		{
			name:  "hall key file missing",
			setup: func(t *testing.T, dir string) {},
			cfg:   withKeyFile("hall.key"),
			want:  []string{"hub.hall_key_file: DIR/hall.key does not exist"},
		},
		{
			name: "personal-data key readable by others, data dir a file",
			setup: func(t *testing.T, dir string) {
				writeFile(t, dir+"/data", "not a folder", 0o644)
				writeFile(t, dir+"/pd.key", testKey, 0o640)
			},
			cfg: hallRole("display") + "[paths]\ndata_dir = \"data\"\nkey_file = \"pd.key\"\n",
			want: []string{
				"paths.key_file: DIR/pd.key can be read by other users (mode 0640); make it private with: chmod 600 DIR/pd.key",
				"paths.data_dir: DIR/data is a file, not a folder",
			},
		},
		{
			name: "personal-data key not yet made, data dir present",
			setup: func(t *testing.T, dir string) {
				mkdir(t, dir+"/data")
			},
			cfg: hallRole("display") + "[paths]\ndata_dir = \"data\"\n",
		},
		{
			name:  "good private key file",
			setup: func(t *testing.T, dir string) { writeFile(t, dir+"/hall.key", testKey+"\n", 0o600) },
			cfg:   withKeyFile("hall.key"),
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			tt.setup(t, dir)
			path := filepath.Join(dir, "onewindow.toml")
			writeFile(t, path, strings.ReplaceAll(tt.cfg, "DIR", dir), 0o644)
			_, err := config.Load(path)
			var got []string
			if err != nil {
				for _, p := range problemsOf(t, err) {
					got = append(got, strings.ReplaceAll(p, dir, "DIR"))
				}
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("problems:\nwanted %q\ngot    %q", tt.want, got)
			}
		})
	}
}

func TestLoadUnreadable(t *testing.T) {
	dir := t.TempDir()
	_, err := config.Load(filepath.Join(dir, "absent.toml"))
	if !errors.Is(err, fs.ErrNotExist) || errors.Is(err, app.ErrInvalidConfig) {
		t.Errorf("a missing file: wanted an error wrapping fs.ErrNotExist (not a refused configuration), got %v", err)
	}
	big := filepath.Join(dir, "big.toml")
	writeFile(t, big, "# "+strings.Repeat("x", 1<<20)+"\n", 0o644)
	_, err = config.Load(big)
	want := big + ": is larger than 1 MiB; a configuration file is a few kilobytes, so this is probably the wrong file"
	if got := problemsOf(t, err); !slices.Equal(got, []string{want}) {
		t.Errorf("a 1 MiB file: wanted %q, got %q", want, got)
	}
}

// TestValidate checks a configuration built in code, as the set-up wizard
// builds one, rather than read from a file.
func TestValidate(t *testing.T) {
	good := func() *config.Config {
		return &config.Config{
			Role: config.RoleKiosk, Hall: "H1", Terminal: "K01", LogLevel: "warn",
			Hub:     config.Hub{Address: "10.0.0.2:7100", HallKey: testKey},
			Central: config.Central{URL: "https://central.example.org"},
			Paths:   config.Paths{DataDir: "/srv/ow", KeyFile: "/srv/ow/k"},
			Devices: config.Devices{
				IDCard:  &config.Serial{Port: "/dev/ttyUSB0", Baud: 115200},
				Printer: &config.Printer{Port: "COM3", Baud: 9600},
			},
		}
	}
	tests := []struct {
		name   string
		change func(c *config.Config)
		want   []string
	}{
		{"as built", func(c *config.Config) {}, nil},
		{"localhost http", func(c *config.Config) { c.Central.URL = "http://localhost:8080/ow" }, nil},
		{"loopback v6 http", func(c *config.Config) { c.Central.URL = "http://[::1]:8080" }, nil},
		{"windows long COM name", func(c *config.Config) { c.Devices.Printer.Port = `\\.\COM12` }, nil},
		{"central not a web address", func(c *config.Config) { c.Central.URL = "ftp://central.example.org" }, []string{
			`central.url: "ftp://central.example.org" is not a web address like https://central.example.org/onewindow`,
		}},
		{"kiosk loses its printer", func(c *config.Config) { c.Devices.Printer = nil }, []string{
			"devices.printer: is missing; a kiosk needs a ticket printer: add a [devices.printer] section with its port",
		}},
		{"hub listens without a host", func(c *config.Config) { c.Role = config.RoleHub; c.Hub.Address = ":7100" }, nil},
		{"kiosk dials no host", func(c *config.Config) { c.Hub.Address = ":7100" }, []string{
			`hub.address: ":7100" names no host; a kiosk must say where the hub is, like 192.168.10.2:7100`,
		}},
		{"same file for both keys", func(c *config.Config) {
			c.Hub.HallKey, c.Hub.HallKeyFile, c.Paths.KeyFile = "", "/srv/k", "/srv/k"
		}, []string{
			"paths.key_file: is the same file as hub.hall_key_file; the personal-data key and the hall key must be two different files",
		}},
		{"a zone that does not exist", func(c *config.Config) { c.TimeZone = "Asia/Peking" }, []string{
			`time_zone: "Asia/Peking" is not a time zone the hall can use; name it like Asia/Shanghai, or leave the line out for Asia/Shanghai`,
		}},
		{"the machine's zone is not the hall's", func(c *config.Config) { c.TimeZone = "Local" }, []string{
			`time_zone: "Local" is not a time zone the hall can use; name it like Asia/Shanghai, or leave the line out for Asia/Shanghai`,
		}},
		{"another hall's zone", func(c *config.Config) { c.TimeZone = "Asia/Urumqi" }, nil},
		{"central needs nothing of the hall", func(c *config.Config) {
			*c = config.Config{Role: config.RoleCentral, LogLevel: "debug", Paths: config.Paths{DataDir: "/srv", KeyFile: "/srv/k"}}
		}, nil},
		{"many at once", func(c *config.Config) {
			c.Hall = ""
			c.Terminal = "k 01"
			c.LogLevel = "loud"
			c.Central.URL = "https://user:pw@central.example.org:99999/x?y#z"
			c.Devices.IDCard.Baud = 14400
		}, []string{
			"hall: is missing; a kiosk belongs to a hall, give the hall's code",
			`terminal: "k 01" must be 1–12 capital letters or digits, like K01 or W05 (it goes into every case number)`,
			`log_level: "loud" is not a log level; use debug, info, warn or error`,
			"central.url: must not hold a user name or password; a terminal proves who it is by its enrolment",
			`central.url: "https://user:pw@central.example.org:99999/x?y#z" must not end in a query (?…) or fragment (#…)`,
			`central.url: "https://user:pw@central.example.org:99999/x?y#z": the port must be a number from 1 to 65535`,
			"devices.idcard.baud: 14400 is not a rate serial devices use; use one of 1200, 2400, 4800, 9600, 19200, 38400, 57600, 115200, 230400 (leave it out for the usual rate)",
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := good()
			tt.change(c)
			var got []string
			if err := c.Validate(); err != nil {
				got = problemsOf(t, err)
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("problems:\nwanted %q\ngot    %q", tt.want, got)
			}
		})
	}
}

// TestSecretStaysHidden: a configuration may be printed or logged whole; the
// hall key must not come out with it.
func TestSecretStaysHidden(t *testing.T) {
	c, err := config.Parse([]byte(hallRole("hub")))
	if err != nil {
		t.Fatal(err)
	}
	var logged bytes.Buffer
	slog.New(slog.NewTextHandler(&logged, nil)).Info("config", "config", c)
	for _, out := range []string{
		fmt.Sprintf("%v", c), fmt.Sprintf("%+v", c), fmt.Sprintf("%#v", c), fmt.Sprint(*c),
		c.Summary(), logged.String(),
	} {
		if strings.Contains(out, testKey) || strings.Contains(out, testKey[:16]) {
			t.Errorf("the hall key came out in:\n%s", out)
		}
	}
	if key, err := c.HallKey(); err != nil || key != testKey {
		t.Errorf("HallKey(): wanted the inline key, got %d characters and error %v", len(key), err)
	}
}

// TestExampleLoads: the example a technician copies is itself a working
// configuration once its hall key file is beside it, and is refused for
// exactly that reason while it is not.
func TestExampleLoads(t *testing.T) {
	c, err := config.Parse([]byte(config.Example()))
	if err != nil {
		t.Fatalf("Parse(Example()): %v", err)
	}
	if c.Role != config.RoleWindow || c.Window == nil || c.Devices.Scanner == nil {
		t.Errorf("the example should show a window terminal with every device; got\n%s", c.Summary())
	}

	dir := t.TempDir()
	path := filepath.Join(dir, "onewindow.toml")
	writeFile(t, path, config.Example(), 0o644)
	_, err = config.Load(path)
	want := "hub.hall_key_file: " + filepath.Join(dir, "hall.key") + " does not exist"
	if got := problemsOf(t, err); !slices.Equal(got, []string{want}) {
		t.Errorf("the example without its key file: wanted only %q, got %q", want, got)
	}
	writeFile(t, filepath.Join(dir, "hall.key"), testKey+"\n", 0o600)
	if _, err := config.Load(path); err != nil {
		t.Errorf("the example with its key file: %v", err)
	}
}

// TestExampleShowsEverySetting: every setting the file may hold appears in
// the example (hall_key only in words, since a key given both ways is
// refused), and every setting line has a comment above it.
func TestExampleShowsEverySetting(t *testing.T) {
	example := config.Example()
	var top map[string]any
	md, err := toml.Decode(example, &top)
	if err != nil {
		t.Fatal(err)
	}
	for _, key := range settings(reflect.TypeFor[config.Config](), nil) {
		// hall_key is given both ways only in words, the kiosk key is a
		// kiosk's alone, not the example window's, and the hub certificate's
		// files are made by set-up, so the example only names them.
		if key == "hub.hall_key" || key == "hub.kiosk_key" || key == "hub.kiosk_key_file" ||
			key == "hub.certificate_file" || key == "hub.key_file" {
			if !strings.Contains(example, strings.TrimPrefix(key, "hub.")+" = ") {
				t.Errorf("the example does not mention %s", key)
			}
			continue
		}
		if !md.IsDefined(strings.Split(key, ".")...) {
			t.Errorf("the example does not show the setting %s", key)
		}
	}
	setting := regexp.MustCompile(`^[a-z_]+\s*=`)
	lines := strings.Split(example, "\n")
	for i, line := range lines {
		if setting.MatchString(line) && (i == 0 || !strings.HasPrefix(lines[i-1], "#")) {
			t.Errorf("line %d of the example, %q, has no comment above it", i+1, line)
		}
	}
}

// settings lists the dotted keys of every leaf setting of t.
func settings(t reflect.Type, at []string) []string {
	var keys []string
	for f := range t.Fields() {
		key := append(slices.Clip(at), f.Tag.Get("toml"))
		ft := f.Type
		if ft.Kind() == reflect.Pointer {
			ft = ft.Elem()
		}
		if ft.Kind() == reflect.Struct {
			keys = append(keys, settings(ft, key)...)
		} else {
			keys = append(keys, strings.Join(key, "."))
		}
	}
	return keys
}

// hallRole is a minimal valid file for a role that needs no devices.
func hallRole(role string) string {
	return `role = "` + role + `"
hall = "H1"
terminal = "D1"
[hub]
address = "10.0.0.2:7100"
hall_key = "` + testKey + `"
`
}

func withKeyFile(name string) string {
	return strings.Replace(hallRole("display"), `hall_key = "`+testKey+`"`, `hall_key_file = "`+name+`"`, 1)
}

func writeFile(t *testing.T, path, data string, mode os.FileMode) {
	t.Helper()
	mkdir(t, filepath.Dir(path))
	if err := os.WriteFile(path, []byte(data), mode); err != nil {
		t.Fatal(err)
	}
	// WriteFile's mode passes through the umask; the tests need it exact.
	if err := os.Chmod(path, mode); err != nil {
		t.Fatal(err)
	}
}

func mkdir(t *testing.T, dir string) {
	t.Helper()
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
}

// windowConfig is a window terminal's file with extra lines in [window].
func windowConfig(extra string) string {
	return `role = "window"
hall = "310105-01"
terminal = "W05"
[hub]
address = "192.168.10.2:7100"
hall_key = "` + testKey + `"
[central]
url = "https://central.example.org"
[devices.idcard]
port = "/dev/ttyUSB0"
[devices.printer]
port = "/dev/ttyUSB1"
[devices.queuebus]
port = "/dev/ttyUSB2"
[window]
number = 5
categories = ["A", "C"]
` + extra
}

// TestWindowLoginLimits: a hall may set its own login limits and the
// screen's language; left out, they are app.DefaultLoginPolicy and Chinese.
func TestWindowLoginLimits(t *testing.T) {
	c, err := config.Parse([]byte(windowConfig("language = \"en\"\nmax_failed_logins = 3\nlock_minutes = 30\nidle_lock_minutes = 2\n")))
	if err != nil {
		t.Fatal(err)
	}
	want := app.LoginPolicy{MaxFailures: 3, LockFor: 30 * time.Minute, IdleLock: 2 * time.Minute}
	if got := c.Window.LoginPolicy(); got != want {
		t.Errorf("login policy: wanted %+v, got %+v", want, got)
	}
	if err := c.Window.LoginPolicy().Validate(); err != nil {
		t.Errorf("a valid configuration gave an invalid policy: %v", err)
	}
	if c.Window.Language != "en" {
		t.Errorf("language: wanted en, got %q", c.Window.Language)
	}
	if want := "screen in English; 3 wrong passwords in a row lock a staff id for 30 min; the screen locks after 2 idle min"; !strings.Contains(c.Summary(), want) {
		t.Errorf("the summary should say %q:\n%s", want, c.Summary())
	}

	c, err = config.Parse([]byte(windowConfig("")))
	if err != nil {
		t.Fatal(err)
	}
	if got := c.Window.LoginPolicy(); got != app.DefaultLoginPolicy {
		t.Errorf("left out, the login policy should be app's default %+v, got %+v", app.DefaultLoginPolicy, got)
	}
	if c.Window.Language != "zh" {
		t.Errorf("left out, the language should be zh, got %q", c.Window.Language)
	}

	// Every bound of every limit, each problem named by its key.
	for _, tc := range []struct{ line, key string }{
		{"max_failed_logins = 21", "window.max_failed_logins"},
		{"max_failed_logins = 0", "window.max_failed_logins"},
		{"lock_minutes = 0", "window.lock_minutes"},
		{"lock_minutes = 1441", "window.lock_minutes"},
		{"idle_lock_minutes = 0", "window.idle_lock_minutes"},
		{"idle_lock_minutes = 481", "window.idle_lock_minutes"},
		{`language = ""`, "window.language"},
		{`language = "zh-CN"`, "window.language"},
	} {
		_, err := config.Parse([]byte(windowConfig(tc.line + "\n")))
		probs := problemsOf(t, err)
		if len(probs) != 1 || !strings.HasPrefix(probs[0], tc.key+": ") {
			t.Errorf("%s: wanted one problem naming %s, got %q", tc.line, tc.key, probs)
		}
	}
	for _, line := range []string{"max_failed_logins = 20", "lock_minutes = 1440", "idle_lock_minutes = 480", "max_failed_logins = 1\nlock_minutes = 1\nidle_lock_minutes = 1"} {
		if _, err := config.Parse([]byte(windowConfig(line + "\n"))); err != nil {
			t.Errorf("%q is within the limits, but: %v", line, err)
		}
	}
}
