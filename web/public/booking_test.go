package public_test

import (
	"context"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"onewindow/app"
	"onewindow/sync/scene"
	"onewindow/web/public"
)

// booker is a phone's browser with its cookies.
type booker struct {
	t    *testing.T
	base string
	c    *http.Client
}

func newBooker(t *testing.T, base string) *booker {
	jar, _ := cookiejar.New(nil)
	return &booker{t: t, base: base, c: &http.Client{Jar: jar}}
}

func (p *booker) do(method, path string, form url.Values) (int, string) {
	p.t.Helper()
	var res *http.Response
	var err error
	if method == http.MethodPost {
		res, err = p.c.PostForm(p.base+path, form)
	} else {
		res, err = p.c.Get(p.base + path)
	}
	if err != nil {
		p.t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, string(b)
}

var csrfField = regexp.MustCompile(`name="csrf" value="([0-9a-f]{32})"`)

// form opens a form page and returns its CSRF token.
func (p *booker) form(path string) string {
	p.t.Helper()
	code, body := p.do(http.MethodGet, path, nil)
	m := csrfField.FindStringSubmatch(body)
	if code != 200 || m == nil {
		p.t.Fatalf("%s: %d, no form token\n%s", path, code, body)
	}
	return m[1]
}

func mustHave(t *testing.T, what string, code int, body string, status int, want ...string) {
	t.Helper()
	if code != status {
		t.Errorf("%s: %d; want %d\n%s", what, code, status, body)
	}
	for _, w := range want {
		if !strings.Contains(body, w) {
			t.Errorf("%s lacks %q\n%s", what, w, body)
		}
	}
}

// TestBookingPages (#18 §3, §4): a citizen books on a booker: hall, item,
// day and slot with the places left, then the form; a wrong check digit,
// a name with markup (shown escaped), a missing form token, a full slot
// and a second booking of the same person are refused in words and book
// nothing; the confirmation shows the code and its QR code; the booking is
// cancelled with its code and ID number only.
func TestBookingPages(t *testing.T) {
	scene.Backends(t, func(t *testing.T, dsn string) {
		s := newSite(t, dsn, public.Options{})
		ctx := context.Background()
		if _, err := s.c.UpdateHall(ctx, scene.Hall, func(h *app.Hall) error {
			h.Booking = app.BookingPlan{Slots: []app.BookingSlot{
				{Start: "09:00", End: "10:00", Capacity: map[string]int{"A": 1}},
				{Start: "10:00", End: "11:00", Capacity: map[string]int{"A": 2, "B": 2}},
			}, HorizonDays: 7, EarlyMinutes: 30, LateMinutes: 15, GraceMinutes: 30}
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		p := newBooker(t, s.srv.URL)
		code, body := p.do("GET", "/book/", nil)
		mustHave(t, "the halls", code, body, 200, "西溪区政务服务中心", `href="/book/330106/"`)
		code, body = p.do("GET", "/book/330106/", nil)
		mustHave(t, "the items", code, body, 200, "居民身份证换领", `href="/book/330106/GA-003/"`)
		if strings.Contains(body, "GJJ-001") {
			t.Error("an item of a queue without places is offered")
		}
		code, body = p.do("GET", "/book/330106/GA-003/?day=2026-11-23", nil)
		mustHave(t, "today's slots at 09:30", code, body, 200, "已过时", "剩余 2 个")
		code, body = p.do("GET", "/book/330106/GA-003/?day=2026-11-24", nil)
		mustHave(t, "tomorrow's slots", code, body, 200, "剩余 1 个", `/book/330106/GA-003/2026-11-24/09:00-10:00`)
		if strings.Contains(body, "2026-11-28") || strings.Contains(body, "2026-11-29") || !strings.Contains(body, "2026-11-30") {
			t.Error("the days offered are not the hall's working days")
		}
		if code, _ := p.do("GET", "/book/330106/GA-003/?day=2026-12-24", nil); code != 404 {
			t.Errorf("a day beyond the horizon: %d", code)
		}

		slot := "/book/330106/GA-003/2026-11-24/09:00-10:00"
		token := p.form(slot)
		good := url.Values{"csrf": {token}, "name": {"张三"}, "id_number": {"11010519491231002X"}, "mobile": {"13800138000"}}
		bad := func(edit func(url.Values)) url.Values {
			f := url.Values{}
			for k, v := range good {
				f[k] = append([]string(nil), v...)
			}
			edit(f)
			return f
		}
		code, body = p.do("POST", slot, bad(func(f url.Values) { f.Set("id_number", "110105194912310021") }))
		mustHave(t, "a wrong check digit", code, body, 400, "校验位）不对")
		code, body = p.do("POST", slot, bad(func(f url.Values) { f.Set("name", `<script>alert("x")</script>`) }))
		mustHave(t, "a name with markup", code, body, 400, "请填写身份证上的姓名", "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;")
		if strings.Contains(body, `<script>alert`) {
			t.Error("the name's markup is not escaped")
		}
		if strings.Contains(body, "11010519491231002X") {
			t.Error("the form shows the ID number again")
		}
		code, body = p.do("POST", slot, bad(func(f url.Values) { f.Del("csrf") }))
		mustHave(t, "no form token", code, body, 403, "页面已过期")
		if n, _ := held(t, s); n != 0 {
			t.Fatalf("refusals booked %d", n)
		}

		code, body = p.do("POST", slot, good)
		mustHave(t, "the booking", code, body, 200, "预约成功", `<svg class="qr"`, "张*", "2026-11-24 09:00-10:00", "预约签到")
		m := regexp.MustCompile(`<p class="number code">(\d{8})</p>`).FindStringSubmatch(body)
		if m == nil {
			t.Fatalf("no booking code on the confirmation\n%s", body)
		}
		bookingCode := m[1]
		if strings.Contains(body, "11010519491231002X") || strings.Contains(body, "13800138000") {
			t.Error("the confirmation shows the ID or mobile number")
		}
		code, body = p.do("POST", slot, bad(func(f url.Values) { f.Set("id_number", "330106198807150031") }))
		mustHave(t, "the last place taken", code, body, 400, "刚刚约满")
		code, body = p.do("POST", "/book/330106/GA-003/2026-11-24/10:00-11:00", good)
		mustHave(t, "a second booking of the same person", code, body, 400, "您已预约过这个事项当天的时段")
		code, body = p.do("POST", "/book/330106/GA-003/2026-11-20/10:00-11:00", bad(func(f url.Values) { f.Set("id_number", "330106198807150031") }))
		mustHave(t, "a form of a day gone by", code, body, 400, "这个时段不能预约")
		code, body = p.do("POST", "/book/330106/GA-003/2026-11-28/10:00-11:00", bad(func(f url.Values) { f.Set("id_number", "330106198807150031") }))
		mustHave(t, "a Saturday, the hall closed", code, body, 400, "大厅当天不办公")
		if code, _ := p.do("GET", "/book/330106/GA-003/?day=2026-11-28", nil); code != 404 {
			t.Errorf("a Saturday's slots: %d; want 404", code)
		}

		cancel := "/book/330106/cancel"
		token = p.form(cancel + "?code=" + bookingCode)
		code, body = p.do("POST", cancel, url.Values{"csrf": {token}, "code": {bookingCode}, "id_number": {"330106198807150031"}})
		mustHave(t, "a stranger's cancel", code, body, 400, "没有找到与预约码和身份证号码相符的预约")
		code, body = p.do("POST", cancel, url.Values{"csrf": {token}, "code": {bookingCode}, "id_number": {"11010519491231002X"}})
		mustHave(t, "the cancel", code, body, 200, "预约已取消")
		if n, taken := held(t, s); n != 0 || taken != 0 {
			t.Errorf("after the cancel: %d bookings, %d places", n, taken)
		}
		code, body = p.do("GET", "/book/330106/GA-003/?day=2026-11-24", nil)
		mustHave(t, "the place freed", code, body, 200, "剩余 1 个")
	})
}

func held(t *testing.T, s *site) (bookings, taken int) {
	t.Helper()
	if err := s.c.DB().QueryRow(`SELECT COUNT(*), (SELECT COALESCE(SUM(taken), 0) FROM booking_slots) FROM bookings WHERE state <> 'cancelled'`).
		Scan(&bookings, &taken); err != nil {
		t.Fatal(err)
	}
	return
}
