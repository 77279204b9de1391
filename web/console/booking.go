package console

import (
	"errors"
	"fmt"
	"net/http"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"onewindow/app"
	"onewindow/app/console"
)

// The hall's appointments in the console (issue 18 §3): its manager sets
// what the hall offers to book — the slots of a day with the places per
// queue category, how many days ahead, the check-in window — on
// /halls/{code}/booking; central publishes it to the hall with its set-up.
// The slots are typed one a line, "09:00-10:00 A=5 B=3", as a manager
// would write them on paper.

func init() {
	for k, v := range bookingWords {
		words[k] = v
	}
	problemWords = append(problemWords, bookingProblems...)
}

var bookingWords = map[string]app.Text{
	"booking.link":    {Zh: "网上预约设置", En: "Appointments"},
	"booking.title":   {Zh: "%s · 网上预约", En: "%s · appointments"},
	"booking.note":    {Zh: "每行一个时段，写成“09:00-10:00 A=5 B=3”：时段，然后每个业务类别的名额。全部清空即不提供网上预约。保存后发布到大厅各终端。", En: "One slot a line, as \"09:00-10:00 A=5 B=3\": the time, then the places for each queue category. Empty, the hall offers no appointments. Saving publishes to the hall's terminals."},
	"booking.slots":   {Zh: "时段与名额", En: "Slots and places"},
	"booking.cats":    {Zh: "业务类别：", En: "Queue categories:"},
	"booking.horizon": {Zh: "可预约天数（含今天以后几天）", En: "Days ahead that can be booked"},
	"booking.early":   {Zh: "可提前签到（分钟）", En: "Check-in opens, minutes before"},
	"booking.late":    {Zh: "可迟到签到（分钟）", En: "Check-in closes, minutes after the start"},
	"booking.grace":   {Zh: "爽约宽限（时段结束后分钟）", En: "No-show after the slot's end plus minutes"},
	"booking.save":    {Zh: "保存并发布", En: "Save and publish"},
	"booking.saved":   {Zh: "预约设置已发布到大厅各终端。", En: "The appointments were published to the hall's terminals."},
	"booking.none":    {Zh: "本大厅目前不提供网上预约。", En: "The hall offers no appointments now."},
	"booking.line":    {Zh: "第 %d 行“%s”：%s", En: "line %d \"%s\": %s"},
	"booking.badslot": {Zh: "时段须写成 09:00-10:00", En: "write the time as 09:00-10:00"},
	"booking.badcap":  {Zh: "名额须写成 类别=人数，如 A=5", En: "write places as category=number, like A=5"},
	"booking.badnum":  {Zh: "%s须为整数", En: "%s must be a whole number"},
	"dash.bookings":   {Zh: "预约", En: "Booked"},
	"dash.checkedin":  {Zh: "已签到", En: "Checked in"},
	"dash.noshows":    {Zh: "爽约", En: "No-shows"},
}

var bookingProblems = []struct {
	re   *regexp.Regexp
	text app.Text
}{
	{regexp.MustCompile(`^booking\.horizon_days: `), app.Text{Zh: "可预约天数须为 1–90 天", En: "Days ahead must be 1 to 90"}},
	{regexp.MustCompile(`^booking\.(early|late)_minutes: `), app.Text{Zh: "提前或迟到签到的分钟须为 0–180", En: "Check-in minutes before and after must be 0 to 180"}},
	{regexp.MustCompile(`^booking\.grace_minutes: `), app.Text{Zh: "爽约宽限须为 0–240 分钟", En: "The no-show grace must be 0 to 240 minutes"}},
	{regexp.MustCompile(`^booking\.slots: no slots`), app.Text{Zh: "请至少填写一个时段", En: "Give at least one slot"}},
	{regexp.MustCompile(`^booking\.slots: at most`), app.Text{Zh: "一天最多 48 个时段", En: "At most 48 slots a day"}},
	{regexp.MustCompile(`^booking\.slots\[\d+\] \(([^)]*)\): must end after`), app.Text{Zh: "时段 $1 须先开始后结束", En: "Slot $1 must end after it starts"}},
	{regexp.MustCompile(`^booking\.slots\[\d+\] \(([^)]*)\): overlaps`), app.Text{Zh: "时段 $1 与上一个时段重叠，请按时间先后填写", En: "Slot $1 overlaps the one before; give them in order"}},
	{regexp.MustCompile(`^booking\.slots\[\d+\] \(([^)]*)\): start and end`), app.Text{Zh: "时段 $1 须写成 09:00-10:00", En: "Write slot $1 as 09:00-10:00"}},
	{regexp.MustCompile(`^booking\.slots\[\d+\] \(([^)]*)\): capacity: no queue`), app.Text{Zh: "时段 $1 没有任何业务类别的名额", En: "Slot $1 has no places for any category"}},
	{regexp.MustCompile(`^booking\.slots\[\d+\] \(([^)]*)\): capacity: queue category "([^"]*)" is not`), app.Text{Zh: "时段 $1：业务类别 $2 不在事项目录中", En: "Slot $1: queue category $2 is not in the catalogue"}},
	{regexp.MustCompile(`^booking\.slots\[\d+\] \(([^)]*)\): capacity (\S+): `), app.Text{Zh: "时段 $1：类别 $2 的名额须为 0–999", En: "Slot $1: the places for $2 must be 0 to 999"}},
}

// planText is a plan's slots as the form shows them, one a line.
func planText(p app.BookingPlan) string {
	var b strings.Builder
	for _, s := range p.Slots {
		b.WriteString(s.ID())
		cats := make([]string, 0, len(s.Capacity))
		for c := range s.Capacity {
			cats = append(cats, c)
		}
		slices.Sort(cats)
		for _, c := range cats {
			fmt.Fprintf(&b, " %s=%d", c, s.Capacity[c])
		}
		b.WriteString("\n")
	}
	return b.String()
}

var slotLine = regexp.MustCompile(`^(\d{1,2}:\d{2})\s*[-–~～至到]\s*(\d{1,2}:\d{2})$`)

// parsePlan reads the form; a line it cannot read is named in the
// reader's language. The plan's own rules are checked by the use case.
func (s *Server) parsePlan(r *http.Request) (app.BookingPlan, error) {
	var p app.BookingPlan
	bad := func(line int, text, why string) error {
		return fmt.Errorf("%w: %s", app.ErrInvalidInput, s.tr(r, "booking.line", line, text, why))
	}
	for i, line := range strings.Split(r.PostFormValue("slots"), "\n") {
		line = strings.TrimSpace(strings.NewReplacer("＝", "=", "：", ":", "，", " ", ",", " ").Replace(line))
		if line == "" {
			continue
		}
		fields := strings.Fields(line)
		m := slotLine.FindStringSubmatch(fields[0])
		if m == nil {
			return p, bad(i+1, line, s.tr(r, "booking.badslot"))
		}
		pad := func(t string) string {
			if len(t) == 4 {
				return "0" + t
			}
			return t
		}
		slot := app.BookingSlot{Start: pad(m[1]), End: pad(m[2]), Capacity: map[string]int{}}
		for _, f := range fields[1:] {
			c, n, ok := strings.Cut(f, "=")
			v, err := strconv.Atoi(n)
			if !ok || err != nil || c == "" {
				return p, bad(i+1, line, s.tr(r, "booking.badcap"))
			}
			slot.Capacity[strings.ToUpper(c)] = v
		}
		p.Slots = append(p.Slots, slot)
	}
	if len(p.Slots) == 0 {
		return app.BookingPlan{}, nil // no appointments
	}
	for _, f := range []struct {
		name string
		to   *int
	}{{"horizon", &p.HorizonDays}, {"early", &p.EarlyMinutes}, {"late", &p.LateMinutes}, {"grace", &p.GraceMinutes}} {
		v, err := strconv.Atoi(strings.TrimSpace(r.PostFormValue(f.name)))
		if err != nil {
			return p, fmt.Errorf("%w: %s", app.ErrInvalidInput, s.tr(r, "booking.badnum", s.tr(r, "booking."+f.name)))
		}
		*f.to = v
	}
	return p, nil
}

func (s *Server) bookingPlanPage(w http.ResponseWriter, r *http.Request, u who) {
	s.showBookingPlan(w, r, u, http.StatusOK, "", "", nil)
}

// showBookingPlan shows the hall's plan, or the form as sent with what
// was wrong with it.
func (s *Server) showBookingPlan(w http.ResponseWriter, r *http.Request, u who, status int, flash, problem string, sent *app.BookingPlan) {
	h, err := s.svc.HallSetup(r.Context(), u.Actor, r.PathValue("code"))
	if err != nil {
		s.failWith(w, r, err, &u)
		return
	}
	cat, ok := s.catalog(w, r, u)
	if !ok {
		return
	}
	plan, text := h.Booking, planText(h.Booking)
	if sent != nil {
		plan, text = *sent, r.PostFormValue("slots")
	}
	if plan.HorizonDays == 0 && !plan.Offered() {
		plan = app.BookingPlan{HorizonDays: 7, EarlyMinutes: 30, LateMinutes: 15, GraceMinutes: 30}
	}
	s.render(w, r, status, "booking", &page{who: &u, Title: s.tr(r, "booking.title", h.Name.In(lang(r))), Flash: flash, Error: problem,
		Data: map[string]any{"Hall": h, "Cat": cat, "Plan": plan, "Text": text, "Offered": h.Booking.Offered()}})
}

func (s *Server) setBookingPlan(w http.ResponseWriter, r *http.Request, u who) {
	plan, err := s.parsePlan(r)
	if err == nil {
		err = s.svc.SetBookingPlan(r.Context(), u.Actor, r.PathValue("code"), plan)
	}
	switch {
	case err == nil:
		s.showBookingPlan(w, r, u, http.StatusOK, s.tr(r, "booking.saved"), "", nil)
	case errors.Is(err, console.ErrForbidden):
		s.failWith(w, r, err, &u)
	case errors.Is(err, app.ErrInvalidInput):
		s.showBookingPlan(w, r, u, http.StatusBadRequest, "", s.explain(r, err), &plan)
	default:
		s.failWith(w, r, err, &u)
	}
}
