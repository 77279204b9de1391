package app

import (
	"onewindow/app/suite"
	"strings"
	"testing"
)

// TestLinksReadBackAtTheKiosk: a ticket's and a case's links name the
// ticket and the case for the kiosk, offline, as the codes before them
// did; without a key or a base they are the codes of old.
func TestLinksReadBackAtTheKiosk(t *testing.T) {
	tk := Ticket{ID: "2026-12-06/A001", Day: "2026-12-06", Code: "A001", Key: TicketKey(suite.Intl, "secret", "330106", "2026-12-06/A001")}
	link := TicketLink("https://zwfw.example.gov.cn/", "330106", tk)
	if !strings.HasPrefix(link, "https://zwfw.example.gov.cn/t/330106/2026-12-06/A001/") || !strings.HasSuffix(link, tk.Key) {
		t.Fatalf("ticket link %s", link)
	}
	for code, want := range map[string]ScannedCode{
		link:                {Ticket: "2026-12-06/A001", Hall: "330106"},
		" " + link + "\r\n": {Ticket: "2026-12-06/A001", Hall: "330106"},
		"https://x.example/pub/t/330106/2026-12-06/B012/k": {Ticket: "2026-12-06/B012", Hall: "330106"},
		TicketQR(tk): {Ticket: "2026-12-06/A001"},
		CaseLink("https://zwfw.example.gov.cn", "K01-20261206-000001", "abc"): {Case: "K01-20261206-000001"},
		CaseQR("K01-20261206-000001"):                                         {Case: "K01-20261206-000001"},
		"K01-20261206-000001":                                                 {Case: "K01-20261206-000001"},
	} {
		got, err := ParseScannedCode(code)
		if err != nil || got != want {
			t.Errorf("%q: %+v, %v; want %+v", code, got, err, want)
		}
	}
	for _, code := range []string{"https://zwfw.example.gov.cn/t/330106/2026-13-06/A001/k", "https://zwfw.example.gov.cn/c/nonsense/k",
		"ftp://zwfw.example.gov.cn/t/330106/2026-12-06/A001/k", "https://evil.example/", "hello"} {
		if _, err := ParseScannedCode(code); err == nil {
			t.Errorf("%q was read as the hall's code", code)
		}
	}
	if TicketLink("", "330106", tk) != TicketQR(tk) || TicketLink("https://x", "330106", Ticket{ID: tk.ID}) != TicketQR(Ticket{ID: tk.ID}) {
		t.Error("without a base or a key a ticket's code is not the kiosk's code of old")
	}
	if CaseLink("https://x", "K01-20261206-000001", "") != CaseQR("K01-20261206-000001") {
		t.Error("without a key a case's code is not the kiosk's code of old")
	}
}

// TestKeysAreTheirTicketsAndCasesOwn: a key differs with the secret, the
// hall and the ticket, and a case's with its first hash; SameKey takes a
// key in either case and never an empty one.
func TestKeysAreTheirTicketsAndCasesOwn(t *testing.T) {
	k := TicketKey(suite.Intl, "s", "330106", "2026-12-06/A001")
	for _, other := range []string{TicketKey(suite.Intl, "t", "330106", "2026-12-06/A001"), TicketKey(suite.Intl, "s", "330107", "2026-12-06/A001"),
		TicketKey(suite.Intl, "s", "330106", "2026-12-06/A002"), TicketKey(suite.Intl, "s", "330106", "2026-12-07/A001")} {
		if other == k {
			t.Error("two tickets share a key")
		}
	}
	if len(k) != keyLength || ReceiptKey("h1") == ReceiptKey("h2") || len(ReceiptKey("h1")) != keyLength {
		t.Error("keys are not 16 characters, or two cases share one")
	}
	if !SameKey(strings.ToUpper(k), k) || SameKey("", "") || SameKey(k, "") || SameKey(k[:15], k) {
		t.Error("SameKey")
	}
}
