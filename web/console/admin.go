package console

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"

	"onewindow/app"
	"onewindow/app/console"
	"onewindow/app/update"
)

// The pages of those who keep things: a hall's manager keeps its staff,
// an administrator the accounts and what central publishes; both read the
// audit log.

func (s *Server) staffPage(w http.ResponseWriter, r *http.Request, u who) {
	s.showStaff(w, r, u, http.StatusOK, "", "")
}

func (s *Server) showStaff(w http.ResponseWriter, r *http.Request, u who, status int, flash, problem string) {
	h, err := s.svc.HallSetup(r.Context(), u.Actor, r.PathValue("code"))
	if err != nil {
		s.failWith(w, r, err, &u)
		return
	}
	cat, ok := s.catalog(w, r, u)
	if !ok {
		return
	}
	s.render(w, r, status, "staff", &page{who: &u, Title: s.tr(r, "staff.title", h.Name.In(lang(r))), Flash: flash, Error: problem,
		Data: map[string]any{"Hall": h, "Cat": cat, "Roles": []app.StaffRole{app.RoleClerk, app.RoleManager, app.RoleTechnician}}})
}

// staffDone shows the staff page after a change: its words, or what was
// wrong with the form.
func (s *Server) staffDone(w http.ResponseWriter, r *http.Request, u who, err error, flash string) {
	switch {
	case err == nil:
		s.showStaff(w, r, u, http.StatusOK, flash, "")
	case errors.Is(err, console.ErrForbidden):
		s.failWith(w, r, err, &u)
	case errors.Is(err, app.ErrInvalidInput), errors.Is(err, app.ErrConflict):
		s.showStaff(w, r, u, http.StatusBadRequest, "", s.explain(r, err))
	default:
		s.failWith(w, r, err, &u)
	}
}

func (s *Server) addStaff(w http.ResponseWriter, r *http.Request, u who) {
	m := app.Staff{ID: r.PostFormValue("id"), Name: r.PostFormValue("name"), Role: app.StaffRole(r.PostFormValue("role"))}
	if console.CheckPassword(r.PostFormValue("password")) != nil {
		s.staffDone(w, r, u, fmt.Errorf("%w: %s", app.ErrInvalidInput, s.tr(r, "err.short", console.MinPasswordLen)), "")
		return
	}
	err := s.svc.AddStaff(r.Context(), u.Actor, r.PathValue("code"), m, r.PostFormValue("password"))
	s.staffDone(w, r, u, err, s.tr(r, "staff.added", strings.TrimSpace(m.ID)))
}

func (s *Server) staffAction(w http.ResponseWriter, r *http.Request, u who) {
	hall, id := r.PathValue("code"), r.PathValue("id")
	var err error
	flash := s.tr(r, "staff.changed")
	switch r.PathValue("action") {
	case "reset":
		if console.CheckPassword(r.PostFormValue("password")) != nil {
			s.staffDone(w, r, u, fmt.Errorf("%w: %s", app.ErrInvalidInput, s.tr(r, "err.short", console.MinPasswordLen)), "")
			return
		}
		err, flash = s.svc.ResetStaffPassword(r.Context(), u.Actor, hall, id, r.PostFormValue("password")), s.tr(r, "staff.resetdone", id)
	case "disable", "enable":
		err = s.svc.SetStaffDisabled(r.Context(), u.Actor, hall, id, r.PathValue("action") == "disable")
	default:
		s.render(w, r, http.StatusNotFound, "error", &page{who: &u, Error: s.tr(r, "err.notfound")})
		return
	}
	s.staffDone(w, r, u, err, flash)
}

func (s *Server) windowCategories(w http.ResponseWriter, r *http.Request, u who) {
	n, err := strconv.Atoi(r.PathValue("window"))
	if err != nil {
		s.staffDone(w, r, u, fmt.Errorf("%w: %q is not a window's number", app.ErrInvalidInput, r.PathValue("window")), "")
		return
	}
	var cats []string
	for _, c := range strings.FieldsFunc(r.PostFormValue("categories"), func(r rune) bool { return r == ',' || r == '，' || r == ' ' }) {
		cats = append(cats, strings.ToUpper(c))
	}
	err = s.svc.SetWindowCategories(r.Context(), u.Actor, r.PathValue("code"), n, cats)
	s.staffDone(w, r, u, err, s.tr(r, "staff.changed"))
}

func (s *Server) accounts(w http.ResponseWriter, r *http.Request, u who) {
	s.showAccounts(w, r, u, http.StatusOK, "", "")
}

func (s *Server) showAccounts(w http.ResponseWriter, r *http.Request, u who, status int, flash, problem string) {
	list, err := s.svc.Accounts(r.Context(), u.Actor)
	if err != nil {
		s.failWith(w, r, err, &u)
		return
	}
	cat, _ := s.svc.Store.Catalog(r.Context())
	s.render(w, r, status, "accounts", &page{who: &u, Title: s.tr(r, "acct.title"), Flash: flash, Error: problem,
		Data: map[string]any{"Accounts": list, "Roles": console.Roles, "Cat": cat, "Now": s.svc.Clock.Now()}})
}

func (s *Server) createAccount(w http.ResponseWriter, r *http.Request, u who) {
	a := console.Account{Login: strings.TrimSpace(r.PostFormValue("login")), Name: r.PostFormValue("name"),
		Role: console.Role(r.PostFormValue("role")), Department: strings.TrimSpace(r.PostFormValue("department")),
		Scope: strings.TrimSpace(r.PostFormValue("scope"))}
	for _, h := range strings.Split(r.PostFormValue("halls"), ",") {
		if h = strings.TrimSpace(h); h != "" {
			a.Halls = append(a.Halls, h)
		}
	}
	password := r.PostFormValue("password")
	if console.CheckPassword(password) != nil {
		s.showAccounts(w, r, u, http.StatusBadRequest, "", s.tr(r, "err.short", console.MinPasswordLen))
		return
	}
	if err := s.svc.CreateAccount(r.Context(), u.Actor, a, password); err != nil {
		if errors.Is(err, app.ErrInvalidInput) || errors.Is(err, app.ErrConflict) {
			s.showAccounts(w, r, u, http.StatusBadRequest, "", s.explain(r, err))
			return
		}
		s.failWith(w, r, err, &u)
		return
	}
	s.showAccounts(w, r, u, http.StatusOK, s.tr(r, "acct.created", a.Login), "")
}

func (s *Server) accountAction(w http.ResponseWriter, r *http.Request, u who) {
	login := r.PathValue("login")
	var err error
	flash := ""
	switch r.PathValue("action") {
	case "reset":
		password := r.PostFormValue("password")
		if console.CheckPassword(password) != nil {
			s.showAccounts(w, r, u, http.StatusBadRequest, "", s.tr(r, "err.short", console.MinPasswordLen))
			return
		}
		err, flash = s.svc.ResetPassword(r.Context(), u.Actor, login, password), s.tr(r, "acct.resetdone", login)
	case "disable", "enable":
		err = s.svc.SetDisabled(r.Context(), u.Actor, login, r.PathValue("action") == "disable")
	default:
		s.render(w, r, http.StatusNotFound, "error", &page{who: &u, Error: s.tr(r, "err.notfound")})
		return
	}
	if err != nil {
		s.failWith(w, r, err, &u)
		return
	}
	s.showAccounts(w, r, u, http.StatusOK, flash, "")
}

func (s *Server) publishPage(w http.ResponseWriter, r *http.Request, u who) {
	s.showPublish(w, r, u, http.StatusOK, "", "")
}

func (s *Server) showPublish(w http.ResponseWriter, r *http.Request, u who, status int, flash, problem string) {
	list, err := s.svc.Publications(r.Context(), u.Actor)
	if err != nil {
		s.failWith(w, r, err, &u)
		return
	}
	pkgs, err := s.svc.UpdatePackages(r.Context(), u.Actor)
	if err != nil {
		s.failWith(w, r, err, &u)
		return
	}
	s.render(w, r, status, "publish", &page{who: &u, Title: s.tr(r, "pub.title"), Flash: flash, Error: problem,
		Data: map[string]any{"Kinds": []string{"catalog", "hall", "calendar"}, "List": list, "Packages": pkgs}})
}

// maxPublish is the largest file an administrator publishes (a province's
// catalogue is a few hundred kilobytes).
const maxPublish = 8 << 20

func (s *Server) publish(w http.ResponseWriter, r *http.Request, u who) {
	kind := r.PathValue("kind")
	f, _, err := r.FormFile("file")
	if err != nil {
		s.showPublish(w, r, u, http.StatusBadRequest, "", s.tr(r, "err.file"))
		return
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, maxPublish+1))
	if err != nil || len(data) > maxPublish {
		s.showPublish(w, r, u, http.StatusBadRequest, "", s.tr(r, "err.input", "the file is larger than 8 MB"))
		return
	}
	v, err := s.svc.Publish(r.Context(), u.Actor, kind, data)
	if err != nil {
		if errors.Is(err, console.ErrForbidden) {
			s.failWith(w, r, err, &u)
			return
		}
		s.showPublish(w, r, u, http.StatusBadRequest, "", s.explain(r, err))
		return
	}
	s.showPublish(w, r, u, http.StatusOK, s.tr(r, "pub.done", v), "")
}

func (s *Server) audit(w http.ResponseWriter, r *http.Request, u who) {
	log, err := s.svc.AuditLog(r.Context(), u.Actor, console.AuditFilter{Login: r.URL.Query().Get("login"), Target: r.URL.Query().Get("target")})
	if err != nil {
		s.failWith(w, r, err, &u)
		return
	}
	s.render(w, r, http.StatusOK, "audit", &page{who: &u, Title: s.tr(r, "audit.title"), Data: log})
}

func (s *Server) publishUpdate(w http.ResponseWriter, r *http.Request, u who) {
	f, _, err := r.FormFile("file")
	if err != nil {
		s.showPublish(w, r, u, http.StatusBadRequest, "", s.tr(r, "err.file"))
		return
	}
	defer f.Close()
	pkg, err := io.ReadAll(io.LimitReader(f, update.MaxPackage+1))
	if err != nil || len(pkg) > update.MaxPackage {
		s.showPublish(w, r, u, http.StatusBadRequest, "", s.tr(r, "err.input", "the package is larger than 512 MB"))
		return
	}
	p, err := s.svc.PublishUpdate(r.Context(), u.Actor, pkg, r.PostFormValue("downgrade") == "on")
	if err != nil {
		if errors.Is(err, console.ErrForbidden) {
			s.failWith(w, r, err, &u)
			return
		}
		s.showPublish(w, r, u, http.StatusBadRequest, "", s.explain(r, err))
		return
	}
	s.showPublish(w, r, u, http.StatusOK, s.tr(r, "pub.updated", p.Version, p.OS+"/"+p.Arch), "")
}
