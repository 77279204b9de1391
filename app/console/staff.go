package console

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"onewindow/app"
)

// A hall's manager keeps the hall's staff: a new clerk, a one-time
// password when one is forgotten, a member who leaves disabled. Each change
// is published to the hall's terminals with the set-up; a one-time password
// must be changed at the next login at a window, and the password the clerk
// chooses then is never overwritten by a later publish.

// HallSetup is a hall's set-up for its manager, passwords left out.
func (s *Service) HallSetup(ctx context.Context, by Actor, hall string) (app.Hall, error) {
	if by.Role != Manager || !by.SeesHall(hall) {
		return app.Hall{}, ErrForbidden
	}
	h, err := s.Store.HallSetup(ctx, hall)
	for i := range h.Staff {
		h.Staff[i].PasswordHash = ""
	}
	return h, err
}

// ErrNoSuchStaff: the hall has no member of staff with that id.
var ErrNoSuchStaff = fmt.Errorf("%w: the hall has no member of staff with that id", app.ErrInvalidInput)

// AddStaff adds a member of staff with a one-time password.
func (s *Service) AddStaff(ctx context.Context, by Actor, hall string, m app.Staff, password string) error {
	m.Name = strings.TrimSpace(m.Name)
	m.ID = strings.TrimSpace(m.ID)
	return s.changeStaff(ctx, by, hall, AuditStaffAdded, m.ID, string(m.Role), func(h *app.Hall) error {
		if slices.ContainsFunc(h.Staff, func(x app.Staff) bool { return x.ID == m.ID }) {
			return fmt.Errorf("%w: staff id %s is taken", app.ErrConflict, m.ID)
		}
		if err := s.oneTime(&m, password); err != nil {
			return err
		}
		h.Staff = append(h.Staff, m)
		return nil
	})
}

// ResetStaffPassword gives a member of staff a one-time password.
func (s *Service) ResetStaffPassword(ctx context.Context, by Actor, hall, id, password string) error {
	return s.changeStaff(ctx, by, hall, AuditStaffReset, id, "", func(h *app.Hall) error {
		i := slices.IndexFunc(h.Staff, func(x app.Staff) bool { return x.ID == id })
		if i < 0 {
			return ErrNoSuchStaff
		}
		return s.oneTime(&h.Staff[i], password)
	})
}

// SetStaffDisabled disables a member of staff (no login at any window
// once the hall has the set-up) or enables them again.
func (s *Service) SetStaffDisabled(ctx context.Context, by Actor, hall, id string, disabled bool) error {
	action := AuditStaffEnabled
	if disabled {
		action = AuditStaffDisabled
	}
	return s.changeStaff(ctx, by, hall, action, id, "", func(h *app.Hall) error {
		i := slices.IndexFunc(h.Staff, func(x app.Staff) bool { return x.ID == id })
		if i < 0 {
			return ErrNoSuchStaff
		}
		h.Staff[i].Disabled = disabled
		return nil
	})
}

// SetWindowCategories sets the queue categories a window of the hall
// calls, in its calling order; each must be a category of the catalogue.
func (s *Service) SetWindowCategories(ctx context.Context, by Actor, hall string, window int, categories []string) error {
	return s.changeStaff(ctx, by, hall, AuditWindow, fmt.Sprint(window), strings.Join(categories, ","), func(h *app.Hall) error {
		i := slices.IndexFunc(h.Windows, func(w app.Window) bool { return w.Number == window })
		if i < 0 {
			return fmt.Errorf("%w: the hall has no window %d", app.ErrInvalidInput, window)
		}
		if len(categories) == 0 {
			return fmt.Errorf("%w: a window calls at least one category", app.ErrInvalidInput)
		}
		h.Windows[i].Categories = categories
		return nil
	})
}

func (s *Service) oneTime(m *app.Staff, password string) error {
	if err := CheckPassword(password); err != nil {
		return err
	}
	hash, err := app.HashPassword(password, s.Params)
	if err != nil {
		return err
	}
	m.PasswordHash, m.PasswordSet, m.MustChange = hash, s.Clock.Now().UTC(), true
	return nil
}

func (s *Service) changeStaff(ctx context.Context, by Actor, hall, action, id, detail string, fn func(*app.Hall) error) error {
	if by.Role != Manager || !by.SeesHall(hall) {
		return ErrForbidden
	}
	v, err := s.Store.UpdateHall(ctx, hall, fn)
	if errors.Is(err, app.ErrNotFound) {
		return ErrForbidden
	}
	if err != nil {
		return err
	}
	return s.audit(ctx, by, action, hall+"/"+id, strings.TrimSpace(detail+fmt.Sprintf(" change %d", v)))
}

// UpdatePackages lists the update packages central hands out, for an
// administrator.
func (s *Service) UpdatePackages(ctx context.Context, by Actor) ([]UpdatePackage, error) {
	if by.Role != Admin {
		return nil, ErrForbidden
	}
	return s.Store.UpdatePackages(ctx)
}

// PublishUpdate publishes a signed update package (.owu), as 'central
// publish-update' does: one that does not verify, or is not newer than
// the one held (unless downgrade), changes nothing.
func (s *Service) PublishUpdate(ctx context.Context, by Actor, pkg []byte, downgrade bool) (UpdatePackage, error) {
	if by.Role != Admin {
		return UpdatePackage{}, ErrForbidden
	}
	u, err := s.Store.PublishPackage(ctx, pkg, downgrade)
	if err != nil {
		return u, err
	}
	return u, s.audit(ctx, by, AuditUpdate, u.OS+"/"+u.Arch, u.Version)
}
