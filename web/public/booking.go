package public

import "net/http"

// bookingRoutes adds the appointments' pages (issue 18 §3).
// (Owned by the appointments work.)
func (s *Server) bookingRoutes(mux *http.ServeMux) {}
