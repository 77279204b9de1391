package public

import (
	"net/http"

	"onewindow/app"
)

// casePage is a case's progress, opened from its receipt's code.
func (s *Server) casePage(w http.ResponseWriter, r *http.Request) {
	v, err := s.svc.Case(r.Context(), r.PathValue("number"), r.PathValue("key"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "case", &page{Title: s.trLang(s.lang(r), "case.title"), Data: v})
}

// publicity is a hall's 办件公示 of a day (?day=, today by default).
func (s *Server) publicity(w http.ResponseWriter, r *http.Request) {
	day := app.Date(r.URL.Query().Get("day"))
	if day == "" {
		day = s.svc.Today()
	}
	p, err := s.svc.Publicity(r.Context(), r.PathValue("hall"), day)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "publicity", &page{Title: s.trLang(s.lang(r), "gs.title"), Data: p})
}
