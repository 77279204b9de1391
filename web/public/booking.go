package public

import (
	"fmt"
	"html/template"
	"net/http"
	"slices"
	"strconv"

	qrcode "github.com/skip2/go-qrcode"

	"onewindow/app"
	"onewindow/app/citizen"
)

// The appointments' pages (网上预约, issue 18 §3), phone first: choose the
// hall, then the item, then the day and a slot with places left; then name,
// ID number and mobile on a form with its CSRF token; the confirmation shows
// the booking code large, with a QR code of it for the kiosk's scanner.
// A booking is cancelled on its hall's cancel page with its code and the
// ID number it was booked with.
//
//	GET  /book/                               the halls
//	GET  /book/{hall}/                        its items
//	GET  /book/{hall}/{item}/?day=            the days and that day's slots
//	GET  /book/{hall}/{item}/{day}/{slot}     the form
//	POST /book/{hall}/{item}/{day}/{slot}     book: the confirmation
//	GET  /book/{hall}/cancel                  the cancel form
//	POST /book/{hall}/cancel                  cancel

// bookingRoutes adds the appointments' pages.
func (s *Server) bookingRoutes(mux *http.ServeMux) {
	mux.HandleFunc("GET /book/{$}", s.bookHalls)
	mux.HandleFunc("GET /book/{hall}/{$}", s.bookItems)
	mux.HandleFunc("GET /book/{hall}/cancel", s.cancelForm)
	mux.HandleFunc("POST /book/{hall}/cancel", s.cancel)
	mux.HandleFunc("GET /book/{hall}/{item}/{$}", s.bookSlots)
	mux.HandleFunc("GET /book/{hall}/{item}/{day}/{slot}", s.bookForm)
	mux.HandleFunc("POST /book/{hall}/{item}/{day}/{slot}", s.book)
}

func init() {
	for k, v := range bookingWords {
		words[k] = v
	}
}

var bookingWords = map[string]app.Text{
	"book.title":              {Zh: "网上预约", En: "Book an appointment"},
	"book.halls":              {Zh: "请选择办事大厅：", En: "Choose the service hall:"},
	"book.nohalls":            {Zh: "目前没有大厅提供网上预约。", En: "No hall takes appointments online now."},
	"book.items":              {Zh: "请选择要办理的事项：", En: "Choose what you need done:"},
	"book.day":                {Zh: "请选择日期：", En: "Choose the day:"},
	"book.slots":              {Zh: "请选择时段（显示剩余名额）：", En: "Choose a time (places left shown):"},
	"book.left":               {Zh: "剩余 %d 个", En: "%d left"},
	"book.full":               {Zh: "已约满", En: "Full"},
	"book.past":               {Zh: "已过时", En: "Past"},
	"book.noslots":            {Zh: "这一天没有可预约的时段。", En: "No times can be booked that day."},
	"book.who":                {Zh: "请填写预约人信息", En: "Who is coming"},
	"book.name":               {Zh: "姓名（与身份证一致）", En: "Name (as on the ID card)"},
	"book.id":                 {Zh: "身份证号码", En: "ID number"},
	"book.mobile":             {Zh: "手机号码", En: "Mobile number"},
	"book.submit":             {Zh: "提交预约", En: "Book"},
	"book.privacy":            {Zh: "身份证号码和手机号码加密保存，只用于本次预约和签到；大厅只看到遮挡后的姓名。", En: "Your ID and mobile numbers are kept encrypted and used for this booking and its check-in only; the hall sees your name masked."},
	"book.done":               {Zh: "预约成功", En: "Booked"},
	"book.code":               {Zh: "预约码", En: "Booking code"},
	"book.when":               {Zh: "时间", En: "When"},
	"book.item":               {Zh: "事项", En: "Service"},
	"book.hall":               {Zh: "地点", En: "Where"},
	"book.whom":               {Zh: "预约人", En: "Booked for"},
	"book.checkin":            {Zh: "请在预约时段开始前 %d 分钟至开始后 %d 分钟内，到大厅自助机点「取号」→「预约签到」，刷身份证或输入预约码签到，即可优先取号。请记下或截图保存预约码。", En: "From %d minutes before your time to %d minutes after it starts, tap Take a number → Check in for a booking at a kiosk in the hall, and read your ID card or type the code: you get a priority number. Note the code or take a screenshot."},
	"book.qr":                 {Zh: "预约码二维码（可在自助机扫码）", En: "The code as a QR code (the kiosk can scan it)"},
	"book.cancel.link":        {Zh: "取消预约", En: "Cancel a booking"},
	"book.cancel.title":       {Zh: "取消预约", En: "Cancel a booking"},
	"book.cancel.note":        {Zh: "请输入预约码和预约时填写的身份证号码。", En: "Type the booking code and the ID number you booked with."},
	"book.cancel.do":          {Zh: "确认取消", En: "Cancel the booking"},
	"book.cancelled":          {Zh: "预约已取消，名额已释放。", En: "The booking is cancelled and its place freed."},
	"book.again":              {Zh: "重新预约", En: "Book again"},
	"book.back":               {Zh: "返回", En: "Back"},
	"book.p.full":             {Zh: "这个时段刚刚约满了，请选择其他时段。", En: "That time has just filled up; please choose another."},
	"book.p.twice":            {Zh: "您已预约过这个事项当天的时段。如需改时间，请先取消原来的预约。", En: "You already hold a booking for this service on that day. To change the time, cancel that booking first."},
	"book.p.closed":           {Zh: "这个时段不能预约（已经开始、已过去、大厅当天不办公，或超出可预约的天数）。", En: "That time cannot be booked (it has started, is past, the hall is closed that day, or it is too far ahead)."},
	"book.p.not_offered":      {Zh: "这个事项或时段不提供网上预约。", En: "That service or time cannot be booked online."},
	"book.p.not_found":        {Zh: "没有找到与预约码和身份证号码相符的预约。", En: "No booking matches that code and ID number."},
	"book.p.not_open":         {Zh: "这个预约已经取消或已经签到，不能再取消。", En: "That booking was cancelled or checked in already; it cannot be cancelled."},
	"book.p.name":             {Zh: "请填写身份证上的姓名（不含数字和符号）。", En: "Give your name as on your ID card (no digits or symbols)."},
	"book.p.mobile":           {Zh: "请填写11位手机号码，如 13800138000。", En: "Give an 11-digit mobile number, like 13800138000."},
	"book.p.id_number.check":  {Zh: "身份证号码的最后一位（校验位）不对，请核对是否输错。", En: "The ID number's last character (its check digit) is wrong; please check for a typing mistake."},
	"book.p.id_number.form":   {Zh: "身份证号码应为18位，前17位是数字，最后一位是数字或X。", En: "An ID number has 18 characters: 17 digits and a digit or X."},
	"book.p.id_number.region": {Zh: "身份证号码的前6位不是有效的地区码，请核对。", En: "The first 6 digits of the ID number are not a region; please check."},
	"book.p.id_number.birth":  {Zh: "身份证号码中的出生日期不对，请核对。", En: "The birth date in the ID number is wrong; please check."},
	"book.p.input":            {Zh: "填写的内容有误，请核对。", En: "Something on the form is wrong; please check it."},
}

// problemText is a refusal in the reader's words, each problem once.
func (s *Server) problemText(r *http.Request, err error) string {
	out := ""
	for _, p := range citizen.BookingProblem(err) {
		if out != "" {
			out += " "
		}
		out += s.tr(r, "book.p."+p)
	}
	return out
}

func (s *Server) bookHalls(w http.ResponseWriter, r *http.Request) {
	halls, err := s.svc.BookingHalls(r.Context())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "book_halls", &page{Title: s.tr(r, "book.title"), Data: halls})
}

func (s *Server) bookItems(w http.ResponseWriter, r *http.Request) {
	hb, err := s.svc.HallBooking(r.Context(), r.PathValue("hall"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "book_items", &page{Title: s.tr(r, "book.title"), Data: hb})
}

func (s *Server) bookSlots(w http.ResponseWriter, r *http.Request) {
	ib, err := s.svc.ItemBooking(r.Context(), r.PathValue("hall"), r.PathValue("item"), app.Date(r.URL.Query().Get("day")))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "book_slots", &page{Title: s.tr(r, "book.title"), Data: ib})
}

// formData is the booking form: the slot chosen and what was typed (never
// the ID number again).
type formData struct {
	citizen.ItemBooking
	Slot   citizen.SlotPlaces
	Name   string
	Mobile string
}

// slotOf is the slot the path names, with its places now.
func (s *Server) slotOf(r *http.Request) (formData, error) {
	ib, err := s.svc.ItemBooking(r.Context(), r.PathValue("hall"), r.PathValue("item"), app.Date(r.PathValue("day")))
	if err != nil {
		return formData{}, err
	}
	for _, sl := range ib.Slots {
		if sl.Slot.ID() == r.PathValue("slot") {
			return formData{ItemBooking: ib, Slot: sl}, nil
		}
	}
	return formData{}, app.ErrNotFound
}

func (s *Server) bookForm(w http.ResponseWriter, r *http.Request) {
	f, err := s.slotOf(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "book_form", &page{Title: s.tr(r, "book.title"), CSRF: s.csrfToken(w, r), Data: f})
}

// done is the confirmation page's data.
type done struct {
	Booking app.Booking
	Item    citizen.BookingItem
	Hall    citizen.BookingHall
	QR      template.HTML // the code as an inline SVG QR code
}

// qrSVG draws text as a QR code in SVG, one path of its dark modules: a
// PNG would cost a third of a booking's time to encode. Empty when the
// text does not encode.
func qrSVG(text string) template.HTML {
	q, err := qrcode.New(text, qrcode.Medium)
	if err != nil {
		return ""
	}
	bits := q.Bitmap()
	b := make([]byte, 0, 8<<10)
	b = fmt.Appendf(b, `<svg class="qr" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 %d %d" width="200" height="200" role="img" aria-label="%s"><rect width="100%%" height="100%%" fill="#fff"/><path fill="#000" d="`,
		len(bits), len(bits), template.HTMLEscapeString(text))
	for y, row := range bits {
		for x, dark := range row {
			if dark { // one module: M x y h1 v1 h-1 z
				b = append(b, 'M')
				b = strconv.AppendInt(b, int64(x), 10)
				b = append(b, ' ')
				b = strconv.AppendInt(b, int64(y), 10)
				b = append(b, "h1v1h-1z"...)
			}
		}
	}
	b = append(b, `"/></svg>`...)
	return template.HTML(b) // numbers only, and the code escaped
}

func (s *Server) book(w http.ResponseWriter, r *http.Request) {
	if !s.checkCSRF(r) {
		s.render(w, r, http.StatusForbidden, "error", &page{Error: s.tr(r, "err.csrf")})
		return
	}
	// Straight to the booking: the slot's places are counted by the
	// booking itself, and read again only to show a refusal.
	hb, err := s.svc.HallBooking(r.Context(), r.PathValue("hall"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	f := formData{ItemBooking: citizen.ItemBooking{HallBooking: hb, Day: app.Date(r.PathValue("day"))}}
	i := slices.IndexFunc(hb.Items, func(it citizen.BookingItem) bool { return it.Code == r.PathValue("item") })
	if i < 0 {
		s.notFound(w, r)
		return
	}
	f.Item = hb.Items[i]
	form := citizen.BookingForm{Name: r.PostFormValue("name"), IDNumber: r.PostFormValue("id_number"), Mobile: r.PostFormValue("mobile")}
	b, err := s.svc.Book(r.Context(), f.Hall.Code, f.Item.Code, f.Day, r.PathValue("slot"), form)
	if err != nil {
		problem := s.problemText(r, err)
		if problem == "" {
			s.fail(w, r, err)
			return
		}
		// The places left now; a slot that can no longer be shown (a day
		// gone by, a day the hall is closed) gets the words alone.
		again, err := s.slotOf(r)
		if err != nil {
			s.render(w, r, http.StatusBadRequest, "error", &page{Title: s.tr(r, "book.title"), Error: problem})
			return
		}
		f = again
		f.Name, f.Mobile = form.Name, form.Mobile
		s.render(w, r, http.StatusBadRequest, "book_form", &page{Title: s.tr(r, "book.title"), Error: problem, CSRF: s.csrfToken(w, r), Data: f})
		return
	}
	d := done{Booking: b, Item: f.Item, Hall: f.Hall, QR: qrSVG(b.Code)}
	s.render(w, r, http.StatusOK, "book_done", &page{Title: s.tr(r, "book.done"), Data: d})
}

// cancelData is the cancel page's: its hall, and the booking cancelled.
type cancelData struct {
	Hall      string
	Code      string
	Cancelled *app.Booking
}

func (s *Server) cancelForm(w http.ResponseWriter, r *http.Request) {
	if _, err := s.svc.HallBooking(r.Context(), r.PathValue("hall")); err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "book_cancel", &page{Title: s.tr(r, "book.cancel.title"), CSRF: s.csrfToken(w, r),
		Data: cancelData{Hall: r.PathValue("hall"), Code: r.URL.Query().Get("code")}})
}

func (s *Server) cancel(w http.ResponseWriter, r *http.Request) {
	if !s.checkCSRF(r) {
		s.render(w, r, http.StatusForbidden, "error", &page{Error: s.tr(r, "err.csrf")})
		return
	}
	hall, code := r.PathValue("hall"), r.PostFormValue("code")
	b, err := s.svc.CancelBooking(r.Context(), hall, code, r.PostFormValue("id_number"))
	if err != nil {
		problem := s.problemText(r, err)
		if problem == "" {
			s.fail(w, r, err)
			return
		}
		s.render(w, r, http.StatusBadRequest, "book_cancel", &page{Title: s.tr(r, "book.cancel.title"), Error: problem,
			CSRF: s.csrfToken(w, r), Data: cancelData{Hall: hall, Code: code}})
		return
	}
	s.render(w, r, http.StatusOK, "book_cancel", &page{Title: s.tr(r, "book.cancel.title"), Data: cancelData{Hall: hall, Cancelled: &b}})
}
