package central

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"regexp"
	"strconv"
	"time"

	"onewindow/app"
	"onewindow/app/console"
	"onewindow/app/update"
	"onewindow/sync/wire"
)

// Update is an update package central holds for one kind of machine.
type Update struct {
	Manifest  update.Manifest
	Size      int
	Published time.Time
}

// PublishUpdate takes a signed update package (.owu) for the terminals of
// the machine its manifest names, replacing the one held for it. The
// package is verified against keys first, so that central never hands out
// what a terminal would refuse; a package that fails, or that is not newer
// than the one held (unless downgrade, to go back after a bad release),
// changes nothing.
func (c *Central) PublishUpdate(ctx context.Context, pkg []byte, keys []update.PublicKey, downgrade bool) (update.Manifest, error) {
	v, err := update.VerifySigned(bytes.NewReader(pkg), keys)
	if err != nil {
		return update.Manifest{}, fmt.Errorf("publish update: %w: %w", app.ErrInvalidInput, err)
	}
	m := v.Manifest
	target := update.FileName(m.OS, m.Arch)
	manifest, _ := json.Marshal(m)
	err = c.tx(ctx, func(x q) error {
		var held string
		err := x.row(ctx, `SELECT version FROM updates WHERE target = ?`, target).Scan(&held)
		switch {
		case errors.Is(err, sql.ErrNoRows):
		case err != nil:
			return err
		case !downgrade && update.CompareVersions(m.Version, held) <= 0:
			return fmt.Errorf("%w: central holds %s for %s/%s already and %s is not newer (give -downgrade to go back on purpose)",
				ErrConflict, held, m.OS, m.Arch, m.Version)
		}
		_, err = x.exec(ctx, `INSERT INTO updates (target, version, manifest, package, published_at) VALUES (?, ?, ?, ?, ?)
			ON CONFLICT (target) DO UPDATE SET version = excluded.version, manifest = excluded.manifest,
			package = excluded.package, published_at = excluded.published_at`,
			target, m.Version, string(manifest), pkg, stamp(c.now()))
		return err
	})
	if err != nil {
		return update.Manifest{}, fmt.Errorf("publish update: %w", err)
	}
	c.log.Info("update published", "version", m.Version, "os", m.OS, "arch", m.Arch, "bytes", len(pkg))
	return m, nil
}

// Updates lists the update packages central holds.
func (c *Central) Updates(ctx context.Context) ([]Update, error) {
	rows, err := c.q().query(ctx, `SELECT manifest, length(package), published_at FROM updates ORDER BY target`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Update
	for rows.Next() {
		var u Update
		var manifest, at string
		if err := rows.Scan(&manifest, &u.Size, &at); err != nil {
			return nil, err
		}
		if err := json.Unmarshal([]byte(manifest), &u.Manifest); err != nil {
			return nil, err
		}
		u.Published, _ = parseStamp(at)
		out = append(out, u)
	}
	return out, rows.Err()
}

// updateSlots is how many update packages central sends at once.
const updateSlots = 4

// updateFileRe is the name a package is asked for under: linux-amd64.owu.
var updateFileRe = regexp.MustCompile(`^[a-z0-9]{1,16}-[a-z0-9]{1,16}\.owu$`)

// handleUpdate serves the package for the machine the file name names, to
// enrolled terminals. With ?current=VERSION it answers 204 No Content when
// the package is not newer, so a terminal does not download megabytes to
// learn that. What it serves is not trusted by the terminal: it verifies
// the signature before installing.
func (c *Central) handleUpdate(w http.ResponseWriter, r *http.Request) {
	file := r.PathValue("file")
	if !updateFileRe.MatchString(file) {
		c.problem(w, r, http.StatusBadRequest, fmt.Errorf("%w: %q is not an update package name like linux-amd64.owu", app.ErrInvalidInput, file))
		return
	}
	var version string
	err := c.q().row(r.Context(), `SELECT version FROM updates WHERE target = ?`, file).Scan(&version)
	if err == nil {
		w.Header().Set(wire.HeaderVersion, version)
		if cur := r.URL.Query().Get("current"); cur != "" && update.CompareVersions(version, cur) <= 0 {
			w.WriteHeader(http.StatusNoContent)
			return
		}
	}
	// A package is tens of megabytes read whole: only a few at once, so
	// that a hall's terminals all asking after a release do not fill
	// central's memory. The others are told when to come back.
	select {
	case c.updateSlots <- struct{}{}:
		defer func() { <-c.updateSlots }()
	default:
		w.Header().Set("Retry-After", "60")
		c.problem(w, r, http.StatusServiceUnavailable, errors.New("central is sending the update to other terminals; try again in a minute"))
		return
	}
	var pkg []byte
	if err == nil {
		err = c.q().row(r.Context(), `SELECT version, package FROM updates WHERE target = ?`, file).Scan(&version, &pkg)
	}
	if errors.Is(err, sql.ErrNoRows) {
		c.problem(w, r, http.StatusNotFound, fmt.Errorf("%w: central holds no update for %s", app.ErrNotFound, file))
		return
	}
	if err != nil {
		c.fail(w, r, err)
		return
	}
	w.Header().Set(wire.HeaderVersion, version)
	w.Header().Set("Content-Type", "application/octet-stream")
	w.Header().Set("Content-Length", strconv.Itoa(len(pkg)))
	w.WriteHeader(http.StatusOK)
	w.Write(pkg)
	c.log.Info("update served", "terminal", r.Context().Value(terminalKey), "version", version, "file", file)
}

// TrustUpdateKeys sets the keys update packages published from the web
// console are verified against (central serve's -update-keys).
func (c *Central) TrustUpdateKeys(keys []update.PublicKey) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.updateKeys = keys
}

// UpdatePackages lists the update packages, for the console.
func (c *Central) UpdatePackages(ctx context.Context) ([]console.UpdatePackage, error) {
	us, err := c.Updates(ctx)
	out := make([]console.UpdatePackage, len(us))
	for i, u := range us {
		out[i] = packageOf(u.Manifest, u.Size, u.Published)
	}
	return out, err
}

// PublishPackage publishes an update package from the console, verified
// against the keys central serve trusts.
func (c *Central) PublishPackage(ctx context.Context, pkg []byte, downgrade bool) (console.UpdatePackage, error) {
	c.mu.Lock()
	keys := c.updateKeys
	c.mu.Unlock()
	if len(keys) == 0 {
		return console.UpdatePackage{}, fmt.Errorf("%w: central trusts no update key; start 'central serve' with -update-keys", app.ErrInvalidInput)
	}
	m, err := c.PublishUpdate(ctx, pkg, keys, downgrade)
	return packageOf(m, len(pkg), c.now()), err
}

func packageOf(m update.Manifest, size int, published time.Time) console.UpdatePackage {
	return console.UpdatePackage{OS: m.OS, Arch: m.Arch, Version: m.Version, Size: size, Signed: m.Signed, Published: published}
}
