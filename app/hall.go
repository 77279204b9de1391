package app

import (
	"fmt"
	"regexp"
	"time"
)

// Window is a service window (窗口) and the queue categories it serves, in
// the order it calls them.
type Window struct {
	Number     int      `json:"number"`
	Name       Text     `json:"name"`
	Categories []string `json:"categories"`
}

// StaffRole is what a member of staff may do.
type StaffRole string

// Staff roles.
const (
	RoleClerk      StaffRole = "clerk"      // 窗口人员
	RoleManager    StaffRole = "manager"    // 大厅管理员
	RoleTechnician StaffRole = "technician" // 运维人员
)

// Staff is a member of the hall's staff. Staff names are public (they are on
// the window's badge), so they are not treated as citizens' personal data.
type Staff struct {
	ID           string    `json:"id"`
	Name         string    `json:"name"`
	Role         StaffRole `json:"role"`
	PasswordHash string    `json:"password_hash,omitempty"`
	// PasswordSet is when PasswordHash was set: a hash travels from the
	// hall manager's reset (central's hall set-up) or from the clerk's own
	// change (an OpStaffPassword), and everywhere the newer one wins, so a
	// password a clerk changed is never overwritten by an older reset.
	PasswordSet time.Time `json:"password_set,omitzero"`
	// MustChange: the password was set by someone else (a one-time
	// password); the clerk changes it at the next login.
	MustChange bool `json:"must_change,omitempty"`
	Disabled   bool `json:"disabled,omitempty"` // may not log in
}

// NewerPassword reports whether m carries a password set after what has.
func (m Staff) NewerPassword(has Staff) bool {
	return m.PasswordHash != "" && (has.PasswordHash == "" || m.PasswordSet.After(has.PasswordSet))
}

// StaffPasswordPayload is an OpStaffPassword operation's payload: a
// clerk's own new password, for the hall and central.
type StaffPasswordPayload struct {
	Staff string    `json:"staff"`
	Hash  string    `json:"hash"`
	Set   time.Time `json:"set_at"`
}

// Hall is the set-up of one hall that central publishes: its windows and staff.
type Hall struct {
	Code    string   `json:"code"`
	Name    Text     `json:"name"`
	Windows []Window `json:"windows"`
	Staff   []Staff  `json:"staff"`
	// Booking is what the hall offers to book (网上预约); absent, none.
	Booking BookingPlan `json:"booking,omitzero"`
	// BookingKey keys the hash of a booker's ID number (BookingIDKey).
	// Central never publishes it in the set-up: it adds it to the set-up
	// it sends the hall's kiosks only (sync/central, bookings_sync.go).
	BookingKey string `json:"booking_key,omitempty"`
	// NearCall: a citizen's phone says 即将叫到您 with this many or fewer
	// ahead (QueueRules.NearCall); 0 keeps the hall's rule.
	NearCall int `json:"near_call,omitempty"`
}

var staffIDRe = regexp.MustCompile(`^[A-Za-z0-9_-]{1,32}$`)

// Validate checks the hall set-up against the catalogue's queue categories.
func (h Hall) Validate(cat *Catalog) error {
	var p Problems
	if h.Code == "" {
		p.Add("code", "is empty")
	}
	cats := map[string]bool{}
	if cat != nil {
		for _, c := range cat.Categories {
			cats[c.Prefix] = true
		}
	}
	nums := map[int]bool{}
	for i, w := range h.Windows {
		where := fmt.Sprintf("window %d (No. %d)", i+1, w.Number)
		if w.Number < 1 || w.Number > 999 {
			p.Add(where+": number", "must be between 1 and 999")
		}
		if nums[w.Number] {
			p.Add(where+": number", "appears twice")
		}
		nums[w.Number] = true
		if len(w.Categories) == 0 {
			p.Add(where+": categories", "the window serves no queue category")
		}
		for _, c := range w.Categories {
			if cat != nil && !cats[c] {
				p.Add(where+": categories", fmt.Sprintf("queue category %q is not in the catalogue", c))
			}
		}
	}
	ids := map[string]bool{}
	for i, s := range h.Staff {
		where := fmt.Sprintf("staff %d (%s)", i+1, s.ID)
		if !staffIDRe.MatchString(s.ID) {
			p.Add(where+": id", "must be 1–32 letters, digits, '-' or '_'")
		}
		if ids[s.ID] {
			p.Add(where+": id", "appears twice")
		}
		ids[s.ID] = true
		if s.Name == "" {
			p.Add(where+": name", "is empty")
		}
		switch s.Role {
		case RoleClerk, RoleManager, RoleTechnician:
		default:
			p.Add(where+": role", fmt.Sprintf("is %q; must be clerk, manager or technician", s.Role))
		}
	}
	p = append(p, h.Booking.problems(cat)...) // appointments (booking.go)
	if h.NearCall < 0 || h.NearCall > 100 {
		p.Add("near_call", "must be 0 to 100 places")
	}
	return p.Err(ErrInvalidInput)
}

// Settings are the hall's rules that central may tune.
type Settings struct {
	WarnDays     int // a case is yellow when this many working days or fewer remain
	FollowUpDays int // a bad rating must be followed up within this many working days
	Queue        QueueRules
}

// DefaultSettings are used until central publishes others.
var DefaultSettings = Settings{WarnDays: 2, FollowUpDays: 5, Queue: DefaultQueueRules}

// Validate checks the settings, naming each one out of range.
func (st Settings) Validate() error {
	var p Problems
	if st.WarnDays < 0 || st.WarnDays > 30 {
		p.Add("warn_days", "must be between 0 and 30 working days")
	}
	if st.FollowUpDays < 1 || st.FollowUpDays > 60 {
		p.Add("follow_up_days", "must be between 1 and 60 working days")
	}
	if st.Queue.ElderlyAge < 50 || st.Queue.ElderlyAge > 100 {
		p.Add("elderly_age", "must be between 50 and 100 years")
	}
	if st.Queue.PriorityCap < 1 || st.Queue.PriorityCap > 20 {
		p.Add("priority_cap", "must be between 1 and 20 calls in a row")
	}
	if st.Queue.NearCall < 0 || st.Queue.NearCall > 100 {
		p.Add("near_call", "must be 0 to 100")
	}
	if st.Queue.MaxRecalls < 0 || st.Queue.MaxRecalls > 10 {
		p.Add("max_recalls", "must be between 0 and 10")
	}
	return p.Err(ErrInvalidInput)
}
