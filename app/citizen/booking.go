package citizen

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"onewindow/app"
)

// Appointments (网上预约, issue 18 §3): a citizen chooses a hall, an item,
// a day and a slot with places left, and books with their name, ID number
// and mobile; they get a booking code, which the hall's kiosk takes at
// check-in (or their ID card), and with which and their ID number they can
// cancel. The rules are app's (app.BookingRequest.Check) and central's
// (capacity, one booking per person, item and day); these use cases lead
// the citizen through them.

// BookingStore is what the appointments' use cases keep on central
// (sync/central's Central is one).
type BookingStore interface {
	// BookingHalls are the halls whose set-up offers appointments;
	// BookingHall is one of them, with its days and items (app.ErrNotFound
	// for another hall).
	BookingHalls(ctx context.Context) ([]BookingHall, error)
	BookingHall(ctx context.Context, hall string) (BookingHall, error)
	// BookingSlots are a hall's slots on day with the places left for
	// the item's queue category.
	BookingSlots(ctx context.Context, hall, item string, day app.Date) ([]SlotPlaces, error)
	// Book takes a booking, or refuses it with the reason (app's
	// booking errors, app.ErrInvalidIDNumber, app.ErrInvalidInput).
	Book(ctx context.Context, r app.BookingRequest) (app.Booking, error)
	// CancelBooking cancels an open booking, proved with the ID number it
	// was booked with (app.ErrNotFound otherwise).
	CancelBooking(ctx context.Context, hall, code, idNumber string) (app.Booking, error)
}

// BookingHall is a hall that takes appointments, with its plan and, when
// read as one hall, the days that can be booked now (its working days
// to its horizon) and the items it takes appointments for (BookingItems).
type BookingHall struct {
	Code  string
	Name  app.Text
	Plan  app.BookingPlan
	Days  []app.Date
	Items []BookingItem
}

// SlotPlaces is one slot of a day as the booking page shows it: the
// places for a queue category and how many are left.
type SlotPlaces struct {
	Slot     app.BookingSlot
	Capacity int
	Left     int
	Open     bool // not started yet
}

// Bookable reports whether the slot can be booked now.
func (p SlotPlaces) Bookable() bool { return p.Open && p.Left > 0 }

// BookingItem is an item a hall takes appointments for.
type BookingItem struct {
	Code     string
	Name     app.Text
	Category app.Text
}

// HallBooking is one hall's booking page: the items it takes
// appointments for and the days that can be booked.
type HallBooking struct {
	Hall  BookingHall
	Items []BookingItem
	Days  []app.Date
}

// errNoBooking is a hall or item that takes no appointments: the page
// does not exist.
var errNoBooking = fmt.Errorf("%w: no appointments here", app.ErrNotFound)

// BookingHalls are the halls that take appointments.
func (s *Service) BookingHalls(ctx context.Context) ([]BookingHall, error) {
	if s.Bookings == nil {
		return nil, nil
	}
	return s.Bookings.BookingHalls(ctx)
}

// HallBooking is what a hall takes appointments for, as of now: the items
// of the queue categories its slots have places for, in the catalogue's
// order, and the days from today to its horizon.
func (s *Service) HallBooking(ctx context.Context, hall string) (HallBooking, error) {
	var out HallBooking
	if s.Bookings == nil {
		return out, errNoBooking
	}
	h, err := s.Bookings.BookingHall(ctx, hall)
	if errors.Is(err, app.ErrNotFound) || err == nil && !h.Plan.Offered() {
		return out, errNoBooking
	}
	if err != nil {
		return out, err
	}
	out.Hall, out.Items, out.Days = h, h.Items, h.Days
	return out, nil
}

// BookingItems are the items of cat a plan takes appointments for: those
// of the queue categories its slots have places for, in the catalogue's
// order.
func BookingItems(plan app.BookingPlan, cat *app.Catalog) []BookingItem {
	if cat == nil {
		return nil
	}
	cats := map[string]bool{}
	for _, sl := range plan.Slots {
		for c, n := range sl.Capacity {
			cats[c] = cats[c] || n > 0
		}
	}
	var out []BookingItem
	for _, it := range cat.Items {
		if cats[it.Category] {
			c, _ := cat.Category(it.Category)
			out = append(out, BookingItem{Code: it.Code, Name: it.Name, Category: c.Name})
		}
	}
	return out
}

// ItemBooking is one item's booking page on a day: the slots with the
// places left.
type ItemBooking struct {
	HallBooking
	Item  BookingItem
	Day   app.Date
	Slots []SlotPlaces
}

// ItemBooking is the slots of an item at a hall on day (the first day
// that can be booked when day is empty). A hall, item or day that cannot
// be booked is app.ErrNotFound.
func (s *Service) ItemBooking(ctx context.Context, hall, item string, day app.Date) (ItemBooking, error) {
	hb, err := s.HallBooking(ctx, hall)
	if err != nil {
		return ItemBooking{}, err
	}
	out := ItemBooking{HallBooking: hb}
	i := slices.IndexFunc(hb.Items, func(it BookingItem) bool { return it.Code == item })
	if i < 0 || len(hb.Days) == 0 {
		return out, errNoBooking
	}
	out.Item = hb.Items[i]
	if day == "" {
		day = hb.Days[0]
	}
	if !slices.Contains(hb.Days, day) {
		return out, errNoBooking
	}
	out.Day = day
	out.Slots, err = s.Bookings.BookingSlots(ctx, hall, item, day)
	return out, err
}

// BookingForm is what the citizen types on the booking form.
type BookingForm struct {
	Name, IDNumber, Mobile string
}

// Book books the slot of an item at a hall on day for the citizen.
func (s *Service) Book(ctx context.Context, hall, item string, day app.Date, slot string, f BookingForm) (app.Booking, error) {
	if s.Bookings == nil {
		return app.Booking{}, errNoBooking
	}
	return s.Bookings.Book(ctx, app.BookingRequest{Hall: hall, Item: item, Day: day, Slot: slot,
		Name: strings.TrimSpace(f.Name), IDNumber: strings.TrimSpace(f.IDNumber), Mobile: strings.TrimSpace(f.Mobile)})
}

// CancelBooking cancels a booking with its code and the ID number it was
// booked with.
func (s *Service) CancelBooking(ctx context.Context, hall, code, idNumber string) (app.Booking, error) {
	if s.Bookings == nil {
		return app.Booking{}, errNoBooking
	}
	if code = strings.TrimSpace(code); !app.ValidBookingCode(code) {
		return app.Booking{}, fmt.Errorf("%w: a booking code is 8 digits", app.ErrNotFound) // as an unknown one
	}
	return s.Bookings.CancelBooking(ctx, hall, code, strings.TrimSpace(idNumber))
}

// BookingProblem names why a booking or a cancellation was refused, for
// the page to put in words: "id" (the ID number, with Detail), "name",
// "mobile", "closed", "full", "twice", "not_offered", "not_found",
// "not_open"; "" for an error that is not the citizen's.
func BookingProblem(err error) []string {
	var pe *app.ProblemsError
	switch {
	case err == nil:
		return nil
	case errors.Is(err, app.ErrBookingFull):
		return []string{"full"}
	case errors.Is(err, app.ErrBookingTwice):
		return []string{"twice"}
	case errors.Is(err, app.ErrBookingClosed):
		return []string{"closed"}
	case errors.Is(err, app.ErrBookingNotOffered):
		return []string{"not_offered"}
	case errors.Is(err, app.ErrBookingNotOpen):
		return []string{"not_open"}
	case errors.Is(err, app.ErrNotFound):
		return []string{"not_found"}
	case errors.Is(err, app.ErrInvalidIDNumber):
		return []string{"id_number." + idProblem(err.Error())}
	case errors.As(err, &pe):
		var out []string
		for _, p := range pe.Problems {
			field, why, _ := strings.Cut(p, ": ")
			if field == "id_number" {
				field += "." + idProblem(why)
			}
			out = append(out, field)
		}
		return out
	case errors.Is(err, app.ErrInvalidInput):
		return []string{"input"}
	}
	return nil
}

// idProblem names what is wrong with an ID number from the rule's words.
func idProblem(why string) string {
	switch {
	case strings.Contains(why, "check digit"):
		return "check"
	case strings.Contains(why, "characters"), strings.Contains(why, "digit"):
		return "form"
	case strings.Contains(why, "region"):
		return "region"
	case strings.Contains(why, "birth date"):
		return "birth"
	}
	return "form"
}
