package console_test

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"onewindow/sync/scene"
)

// TestBookingPlanInABrowser: the hall's manager sets the booking plan in
// chromium; a script error or a refused resource fails it. With
// ONEWINDOW_CONSOLE_SHOTS it saves console-booking.png.
func TestBookingPlanInABrowser(t *testing.T) {
	h := newHall(t, t.TempDir()+"/central.db")
	base := h.srv.URL
	ctx := chrome(t, 1280, 900)
	var text string
	if err := chromedp.Run(ctx, loginAs(base, "xixi"),
		chromedp.Navigate(base+"/halls/"+scene.Hall+"/booking"), chromedp.WaitVisible(`textarea[name=slots]`),
		chromedp.SetValue(`textarea[name=slots]`, "09:00-10:00 A=5 B=3\n10:00-11:00 A=5 B=3 H=2\n14:00-15:00 A=4 B=2"),
		chromedp.Click(`form[action$="/booking"] button[type=submit]`), chromedp.WaitVisible(`p.flash`), shoot("booking"),
		chromedp.Text(`main`, &text),
	); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(text, "预约设置已发布") {
		t.Errorf("the booking page after saving:\n%s", text)
	}
}
