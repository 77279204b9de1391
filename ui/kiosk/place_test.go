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
