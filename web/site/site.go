// Package site holds what every web page onewindow serves shares: the
// security headers and the caching of embedded files.
package site

import "net/http"

// Headers sets the pages' security headers: no script, style, frame or
// connection from anywhere but this server. referrer is the
// Referrer-Policy.
func Headers(h http.Header, referrer string) {
	h.Set("Content-Security-Policy", "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "+
		"connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Referrer-Policy", referrer)
	h.Set("X-Frame-Options", "DENY")
}

// Static serves embedded files, cached for a day.
func Static(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "public, max-age=86400")
		h.ServeHTTP(w, r)
	})
}
