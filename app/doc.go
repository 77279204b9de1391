// Package app holds the rules of the service hall and the types every other
// part of onewindow speaks: service items, cases and their states, ratings,
// supervision lights, and the interfaces that the device drivers (device/)
// and the network code (sync/) implement.
//
// It must not import a UI toolkit, a serial-port library or an HTTP client:
// the arrows point from ui/, device/ and sync/ into app/, never back.
package app
