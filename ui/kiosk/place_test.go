package kiosk

import (
	"context"
	"testing"

	"fyne.io/fyne/v2/test"

	"onewindow/app"
)

// TestGoldenPlace: a waiting ticket's place, as the kiosk shows it when
// its code is scanned at home.
func TestGoldenPlace(t *testing.T) {
	r := newRig(t)
	for range 3 {
		if _, err := r.store.Issue(context.Background(), app.IssueRequest{RequestID: app.NewID(), Category: "A"}); err != nil {
			t.Fatal(err)
		}
	}
	r.k.Scanned("https://zwfw.example.gov.cn/t/330106/2026-11-24/A003/abcdefghijklmnop")
	r.mustShow(t, "A003", "前面还有 2 人")
	test.AssertImageMatches(t, "place-zh.png", r.w.Canvas().Capture())
}

// TestAScannedTicketShowsItsPlaceThenItsRating: at home a ticket's code
// shows where the ticket is now; once served, it is rated from there.
func TestAScannedTicketShowsItsPlaceThenItsRating(t *testing.T) {
	r := newRig(t)
	ctx := context.Background()
	for range 2 {
		if _, err := r.store.Issue(ctx, app.IssueRequest{RequestID: app.NewID(), Category: "B"}); err != nil {
			t.Fatal(err)
		}
	}
	link := "https://zwfw.example.gov.cn/t/330106/2026-11-24/B002/abcdefghijklmnop"
	r.k.Scanned(link)
	if r.k.Page() != "place" {
		t.Fatalf("a ticket's code at home shows %q, want its place", r.k.Page())
	}
	r.mustShow(t, "B002", "前面还有 1 人")
	r.mustNotShow(t, "评价本次服务")
	r.tap(t, "返回首页")
	if _, err := r.store.CallNext(ctx, app.NewID(), 1); err != nil {
		t.Fatal(err)
	}
	r.k.Scanned("onewindow:ticket:2026-11-24/B001") // the code printed before links
	r.mustShow(t, "B001", "请到 1 号窗口办理")
	r.tap(t, "返回首页")
	if _, err := r.store.Finish(ctx, app.NewID(), 1); err != nil {
		t.Fatal(err)
	}
	r.k.Scanned("onewindow:ticket:2026-11-24/B001")
	r.mustShow(t, "已办理完毕")
	r.tap(t, "评价本次服务")
	r.mustShow(t, "B001")
	r.tap(t, "非常满意")
	r.mustShow(t, "感谢您的评价")
	r.tap(t, "返回首页")
	r.k.Scanned("onewindow:ticket:2026-11-24/B009")
	r.mustShow(t, "没有查到")
}
