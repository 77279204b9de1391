package app

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// CallClips is how the hall screen says a call aloud, as the names of the
// voice pack's clips in order: 请 A 零 一 二 号 到 十 二 号窗口办理. The
// ticket's digits are read one by one, as halls do (A012: A 零 一 二); the
// window's number is read as a number (12: 十二).
func CallClips(code string, window int) []string {
	clips := []string{"please"}
	for _, r := range strings.ToUpper(code) {
		switch {
		case r >= 'A' && r <= 'Z', r >= '0' && r <= '9':
			clips = append(clips, string(r))
		}
	}
	clips = append(clips, "number", "to")
	clips = append(clips, NumberClips(window)...)
	return append(clips, "window")
}

// NumberClips reads n (1–999) the Chinese way: 10 十, 12 十二, 20 二十,
// 105 一百零五, 110 一百一十.
func NumberClips(n int) []string {
	if n <= 0 || n > 999 {
		return strings.Split(strconv.Itoa(max(n, 0)), "")
	}
	var out []string
	h, t, u := n/100, n/10%10, n%10
	if h > 0 {
		out = append(out, strconv.Itoa(h), "hundred")
	}
	switch {
	case t > 0:
		if t > 1 || h > 0 {
			out = append(out, strconv.Itoa(t))
		}
		out = append(out, "ten")
	case h > 0 && u > 0:
		out = append(out, "0")
	}
	if u > 0 {
		out = append(out, strconv.Itoa(u))
	}
	return out
}

// CallText is how the hall screen writes a call, in lang ("zh" or "en").
func CallText(code string, window int, lang string) string {
	if lang == "en" {
		return fmt.Sprintf("Number %s, please go to window %d", code, window)
	}
	return fmt.Sprintf("请 %s 号到 %d 号窗口办理", code, window)
}

// Call is one call on the hall screen: a ticket number and its window.
type Call struct {
	Code   string
	Window int
	At     time.Time
}

// StaleCall is how old a call may be and still be said aloud: a hall
// screen that reconnects after a break catches up on the calls it missed
// without reading them all out.
const StaleCall = time.Minute

// CallBoard is the hall screen's list of the last calls, newest first. A
// recall of a number already on the board moves it to the top.
type CallBoard struct {
	Size  int
	calls []Call
}

// Add puts a call on top and reports whether it should be said aloud
// (it is not older than StaleCall at now).
func (b *CallBoard) Add(c Call, now time.Time) (announce bool) {
	for i, x := range b.calls {
		if x.Code == c.Code {
			b.calls = append(b.calls[:i], b.calls[i+1:]...)
			break
		}
	}
	b.calls = append([]Call{c}, b.calls...)
	if b.Size > 0 && len(b.calls) > b.Size {
		b.calls = b.calls[:b.Size]
	}
	return now.Sub(c.At) <= StaleCall
}

// Calls lists the board, newest first.
func (b *CallBoard) Calls() []Call { return append([]Call(nil), b.calls...) }
