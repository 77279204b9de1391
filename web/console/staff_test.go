package console_test

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"onewindow/app"
	"onewindow/app/console"
	"onewindow/app/store"
	"onewindow/assets"
	"onewindow/sync/central"
	"onewindow/sync/link"
	"onewindow/sync/scene"
	"onewindow/sync/wire"
)

// TestManagerKeepsTheHallsStaff: the hall's manager adds a clerk and sets
// a one-time password; the hall's terminal gets both with its next pull;
// the clerk's own new password travels back to central, and neither a
// later set-up file nor an older reset overwrites it. Another hall's
// manager changes nothing.
func TestManagerKeepsTheHallsStaff(t *testing.T) {
	scene.Backends(t, func(t *testing.T, dsn string) {
		h := newHall(t, dsn)
		ctx := context.Background()
		m := h.browser(t)
		m.login("xixi")
		if code, body := m.get("/halls/" + scene.Hall + "/staff"); code != 200 || !strings.Contains(body, "S1001") {
			t.Fatalf("the staff page: %d", code)
		}
		code, body := m.post("/halls/"+scene.Hall+"/staff", url.Values{"id": {"S1099"}, "name": {"新同事"}, "role": {"clerk"}, "password": {"first-pass-99"}})
		if code != 200 || !strings.Contains(body, "已新增 S1099") {
			t.Fatalf("add a clerk: %d\n%s", code, body)
		}
		if code, body := m.post("/halls/"+scene.Hall+"/staff", url.Values{"id": {"S1099"}, "name": {"重复"}, "role": {"clerk"}, "password": {"first-pass-99"}}); code != http.StatusBadRequest ||
			!strings.Contains(body, "工号 S1099 已存在") {
			t.Fatalf("a staff id taken: %d; want 400 and the words", code)
		}
		if code, body := m.post("/halls/"+scene.Hall+"/staff", url.Values{"id": {"S 1"}, "name": {" "}, "role": {"clerk"}, "password": {"first-pass-99"}}); code != http.StatusBadRequest ||
			!strings.Contains(body, "工号须为 1–32 位字母") || !strings.Contains(body, "姓名不能为空") {
			t.Fatalf("a bad staff id and no name: %d; want 400 and both in words", code)
		}
		if code, body := m.post("/halls/"+scene.Hall+"/staff/S1001/reset", url.Values{"password": {"one-time-pass"}}); code != 200 || !strings.Contains(body, "一次性密码已设置") {
			t.Fatalf("reset S1001: %d", code)
		}
		o := h.browser(t)
		o.login("other")
		o.get("/halls")
		if code, _ := o.post("/halls/"+scene.Hall+"/staff/S1001/disable", url.Values{}); code != http.StatusForbidden {
			t.Fatalf("another hall's manager disabling S1001: %d; want 403", code)
		}
		// A kiosk of the hall, in the public area, gets the set-up without
		// the staff's passwords, by its changes and by a snapshot.
		kst, err := store.Open(ctx, filepath.Join(t.TempDir(), "kiosk.db"), store.Options{Terminal: "330106K02", Keys: scene.Keys(t, 3), Clock: h.clock})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { kst.Close() })
		enrolCode, exp, err := h.c.CreateEnrolCode(ctx, scene.Hall, "330106K02", central.RoleKiosk, time.Hour)
		if err != nil {
			t.Fatal(err)
		}
		kopt := link.Options{Clock: h.clock, Timeout: 10 * time.Second}
		if err := link.Enrol(ctx, kst, wire.Bundle{Central: h.srv.URL, Terminal: "330106K02", Hall: scene.Hall, Code: enrolCode, Expires: exp}, kopt); err != nil {
			t.Fatal(err)
		}
		kl, err := link.New(ctx, kst, kopt)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := kl.Pull(ctx); err != nil {
			t.Fatal(err)
		}
		if m, err := kst.StaffMember(ctx, "S1001"); err != nil || m.PasswordHash != "" || m.MustChange {
			t.Fatalf("the kiosk's S1001 after its pull: %+v, %v; want no password", m, err)
		}
		if code, _ := m.post("/halls/"+scene.Hall+"/staff/S1002/reset", url.Values{"password": {"one-time-pass"}}); code != 200 {
			t.Fatalf("reset S1002: %d", code)
		}
		if _, err := kl.Pull(ctx); err != nil {
			t.Fatal(err)
		}
		if m, err := kst.StaffMember(ctx, "S1002"); err != nil || m.PasswordHash != "" {
			t.Fatalf("the kiosk's S1002 after a reset's change: %+v, %v; want no password", m, err)
		}
		if !audited(t, h.c, "xixi", console.AuditStaffReset, scene.Hall+"/S1001") {
			t.Fatal("the reset is not in the audit log")
		}
		// A window's categories: known ones in the order given; an unknown
		// one changes nothing; another hall's manager is refused.
		if code, _ := m.post("/halls/"+scene.Hall+"/windows/2", url.Values{"categories": {"b, a"}}); code != 200 {
			t.Fatalf("window 2's categories: %d", code)
		}
		if code, body := m.post("/halls/"+scene.Hall+"/windows/2", url.Values{"categories": {"A, ZZ"}}); code != http.StatusBadRequest ||
			!strings.Contains(body, "业务类别 ZZ 不在事项目录中") {
			t.Fatalf("an unknown category: %d; want 400 and the words", code)
		}
		if code, _ := o.post("/halls/"+scene.Hall+"/windows/2", url.Values{"categories": {"A"}}); code != http.StatusForbidden {
			t.Fatalf("another hall's manager setting window 2: %d; want 403", code)
		}
		if setup, _ := h.c.HallSetup(ctx, scene.Hall); !slices.Equal(setup.Windows[1].Categories, []string{"B", "A"}) {
			t.Fatalf("window 2 calls %v; want B, A", setup.Windows[1].Categories)
		}

		// The hall takes both; S1001 logs in once with the one-time
		// password and must change it.
		if _, err := h.link.Pull(ctx); err != nil {
			t.Fatal(err)
		}
		auth := &app.Authenticator{Dir: h.st, Policy: app.DefaultLoginPolicy, Clock: h.clock}
		for _, id := range []string{"S1099", "S1001"} {
			pw := map[string]string{"S1099": "first-pass-99", "S1001": "one-time-pass"}[id]
			if s, err := auth.Login(ctx, id, pw); err != nil || !s.MustChange {
				t.Fatalf("%s at the hall after the pull: %+v, %v; want a login that must change its password", id, s, err)
			}
		}
		h.clock.Advance(time.Minute)
		if err := auth.ChangePassword(ctx, "S1001", "one-time-pass", "my-own-pass-1", app.DefaultPasswordParams); err != nil {
			t.Fatal(err)
		}
		if _, err := h.link.Push(ctx); err != nil {
			t.Fatal(err)
		}
		setup, err := h.c.HallSetup(ctx, scene.Hall)
		if err != nil {
			t.Fatal(err)
		}
		clerk := func(setup app.Hall) app.Staff {
			for _, s := range setup.Staff {
				if s.ID == "S1001" {
					return s
				}
			}
			t.Fatal("S1001 is gone from the set-up")
			return app.Staff{}
		}
		if s := clerk(setup); s.MustChange || app.CheckPassword(s.PasswordHash, "my-own-pass-1") != nil {
			t.Fatalf("central's set-up after the clerk's change: %+v; want the clerk's own password", s)
		}
		// The sample set-up file again (no passwords in it), and a pull.
		if _, err := h.c.PublishHall(ctx, assets.SampleHall); err != nil {
			t.Fatal(err)
		}
		if _, err := h.link.Pull(ctx); err != nil {
			t.Fatal(err)
		}
		if _, err := auth.Login(ctx, "S1001", "my-own-pass-1"); err != nil {
			t.Fatalf("the clerk's own password after a later publish: %v", err)
		}
		setup, _ = h.c.HallSetup(ctx, scene.Hall)
		if app.CheckPassword(clerk(setup).PasswordHash, "my-own-pass-1") != nil {
			t.Fatal("a later publish of the set-up file lost the clerk's password at central")
		}
		// Disabled: no login at the hall once it has the set-up.
		m.get("/halls/" + scene.Hall + "/staff")
		if code, _ := m.post("/halls/"+scene.Hall+"/staff/S1001/disable", url.Values{}); code != 200 {
			t.Fatalf("disable S1001: %d", code)
		}
		if _, err := h.link.Pull(ctx); err != nil {
			t.Fatal(err)
		}
		if _, err := auth.Login(ctx, "S1001", "my-own-pass-1"); !errors.Is(err, app.ErrStaffDisabled) {
			t.Fatalf("a disabled clerk's login: %v; want ErrStaffDisabled", err)
		}
		// A later publish of the set-up file (which cannot say "disabled")
		// leaves the clerk disabled.
		if _, err := h.c.PublishHall(ctx, assets.SampleHall); err != nil {
			t.Fatal(err)
		}
		if _, err := h.link.Pull(ctx); err != nil {
			t.Fatal(err)
		}
		if _, err := auth.Login(ctx, "S1001", "my-own-pass-1"); !errors.Is(err, app.ErrStaffDisabled) {
			t.Fatalf("a disabled clerk's login after the set-up file was published again: %v; want ErrStaffDisabled", err)
		}
	})
}
