package app

import (
	"crypto/hmac"
	"encoding/base32"
	"net/url"
	"onewindow/app/suite"
	"strings"
)

// Public links (issue 18): what a ticket's and a receipt's QR code carry,
// so that a phone opens the ticket's place in the queue or the case's
// progress on central's citizens' pages, and the kiosk still reads them
// offline by the ticket id or case number inside. Each carries a key a
// stranger cannot guess, so the number alone, which anyone in the hall can
// read off the screen, opens nothing:
//
//	{base}/t/{hall}/{day}/{code}/{key}   a ticket: 2026-12-06, A001
//	{base}/c/{number}/{key}              a case
//
// A ticket's key is keyed with its hall's hub's secret (as central keeps it,
// hashed): the hub makes it when it issues the number, central checks it
// without having seen the ticket. A case's key is taken from the first link
// of its timeline's hash chain, which the terminal that took it in and
// central both hold and nobody else can work out.

// keyLength is how many characters of base32 a key has: 80 bits.
const keyLength = 16

var keyEncoding = base32.StdEncoding.WithPadding(base32.NoPadding)

// TicketKey is the key of a ticket's link: secret is the hub's secret as
// central keeps it (wire.SecretHash), hall the hall's code, id the ticket's
// (2026-12-06/A001), under the hall's crypto suite s.
func TicketKey(s suite.Name, secret, hall, id string) string {
	m := s.MAC([]byte(secret))
	m.Write([]byte("onewindow ticket link\x00" + hall + "\x00" + id))
	return strings.ToLower(keyEncoding.EncodeToString(m.Sum(nil))[:keyLength])
}

// ReceiptKey is the key of a case's link, from the hash of its timeline's
// first event, under the suite that made that event.
func ReceiptKey(firstHash string) string {
	h := ChainSuite(firstHash).Sum([]byte("onewindow receipt link\x00" + firstHash))
	return strings.ToLower(keyEncoding.EncodeToString(h)[:keyLength])
}

// SameKey compares a key from a link with the one expected in constant time.
func SameKey(got, want string) bool {
	return want != "" && hmac.Equal([]byte(strings.ToLower(got)), []byte(want))
}

// TicketLink is a ticket's link on the citizens' pages at base, or the
// kiosk-only code of old when the ticket has no key (the hub is not
// enrolled with central) or no base is set.
func TicketLink(base, hall string, t Ticket) string {
	if base == "" || t.Key == "" || hall == "" {
		return TicketQR(t)
	}
	return strings.TrimRight(base, "/") + "/t/" + url.PathEscape(hall) + "/" + string(t.Day) + "/" + url.PathEscape(t.Code) + "/" + t.Key
}

// CaseLink is a case's link at base, or the kiosk-only code of old without
// a base or key.
func CaseLink(base, number, key string) string {
	if base == "" || key == "" {
		return CaseQR(number)
	}
	return strings.TrimRight(base, "/") + "/c/" + url.PathEscape(number) + "/" + key
}

// parseLink reads a ticket's or a case's link (any host: the kiosk reads
// its own hall's codes whatever central they point at).
func parseLink(s string) (ScannedCode, bool) {
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return ScannedCode{}, false
	}
	parts := strings.Split(strings.Trim(u.Path, "/"), "/")
	n := len(parts)
	switch {
	case n >= 5 && parts[n-5] == "t":
		day, code := Date(parts[n-3]), parts[n-2]
		if _, err := day.Time(); err != nil || code == "" {
			return ScannedCode{}, false
		}
		return ScannedCode{Ticket: string(day) + "/" + code, Hall: parts[n-4]}, true
	case n >= 3 && parts[n-3] == "c" && caseNumberLike(parts[n-2]):
		return ScannedCode{Case: parts[n-2]}, true
	}
	return ScannedCode{}, false
}
