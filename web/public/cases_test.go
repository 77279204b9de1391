package public_test

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"onewindow/app"
	"onewindow/sync/scene"
	"onewindow/sync/wire"
	"onewindow/web/public"
)

// TestReceiptOpensTheCasesProgress: a receipt's code opens the case's
// progress with the masked applicant (a name with markup escaped), each
// department's opinion and where to pick up the result; a wrong key opens
// nothing; the case is in its hall's 办件公示 on the day it was decided.
func TestReceiptOpensTheCasesProgress(t *testing.T) {
	scene.Backends(t, func(t *testing.T, dsn string) {
		s := newSite(t, dsn, public.Options{})
		ctx := context.Background()
		a := scene.Applicant(2)
		a.Name = `<script>alert("王")</script>`
		c, err := s.hub.TakeIn(ctx, app.Intake{ItemCode: "GA-001", Applicant: a, Received: scene.All(t, s.hub, "GA-001"),
			Window: 1, Actor: "S1001", Outcome: app.Accepted})
		if err != nil {
			t.Fatal(err)
		}
		if c.Key == "" {
			t.Fatal("the case taken in has no key for its receipt's link")
		}
		if _, err := s.link.Push(ctx); err != nil {
			t.Fatal(err)
		}
		url := app.CaseLink(s.srv.URL, c.Number, c.Key)
		body := wantPage(t, url, http.StatusOK, []string{c.Number, "已受理", "&lt;", "尚无部门意见"}, "<script>alert", string(a.IDNumber), a.Phone)
		if strings.Contains(body, "统一出件窗口") {
			t.Error("a running case already says its result is ready")
		}
		wrong := []byte(c.Key)
		wrong[0] ^= 1
		for _, u := range []string{app.CaseLink(s.srv.URL, c.Number, string(wrong)), app.CaseLink(s.srv.URL, "330106K01-20261123-000999", c.Key)} {
			if code, body := get(t, u); code != http.StatusNotFound || strings.Contains(body, c.Number) {
				t.Errorf("%s: %d; want 404 telling nothing\n%s", u, code, body)
			}
		}
		if _, err := s.c.RecordOpinion(ctx, wire.Opinion{Case: c.Number, Department: "gongan", Approve: false, Reason: "户籍地址与材料不一致"}); err != nil {
			t.Fatal(err)
		}
		wantPage(t, url, http.StatusOK, []string{"不予许可", "不同意", "户籍地址与材料不一致", "统一出件窗口"})
		gs := wantPage(t, s.srv.URL+"/gs/"+scene.Hall+"?day=2026-11-23", http.StatusOK, []string{"办件公示", c.Number, "不予许可", "&lt;"}, "<script>alert")
		if strings.Contains(gs, c.Key) {
			t.Error("办件公示 shows the case's key, which opens its progress")
		}
		wantPage(t, s.srv.URL+"/gs/"+scene.Hall+"?day=2026-11-22", http.StatusOK, []string{"当日没有办结的办件"}, c.Number)
		if code, _ := get(t, s.srv.URL+"/gs/999999"); code != http.StatusNotFound {
			t.Errorf("办件公示 of a hall that does not exist: %d; want 404", code)
		}
	})
}
