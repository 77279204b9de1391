package central

import (
	"context"
	"fmt"
	"strings"
)

// sender is a terminal pushing a batch, and the other terminals of its
// hall: a hall's hub relays their records (DESIGN.md §4a).
type sender struct {
	terminal string
	role     string // what it was enrolled as; "" before codes had a role
	peers    map[string]bool
}

// senderOf reads the terminals of a pushing terminal's hall.
func (c *Central) senderOf(ctx context.Context, terminal string) (sender, error) {
	s := sender{terminal: terminal, peers: map[string]bool{}}
	rows, err := c.q().query(ctx, `SELECT id, enrolled_as FROM terminals WHERE hall = (SELECT hall FROM terminals WHERE id = ?)`, terminal)
	if err != nil {
		return s, err
	}
	defer rows.Close()
	for rows.Next() {
		var id, role string
		if err := rows.Scan(&id, &role); err != nil {
			return s, err
		}
		s.peers[id] = true
		if id == terminal {
			s.role = role
		}
	}
	return s, rows.Err()
}

// notTheHub says why the sender may not report queue events, which only
// its hall's hub keeps; "" when it is the hub.
func (s sender) notTheHub() string {
	switch s.role {
	case RoleHub:
		return ""
	case "":
		return fmt.Sprintf("only the hall's hub reports queue events; terminal %s was enrolled before terminals had roles and never reported itself as the hub: if it is, enrol it again with a code made with -role hub", s.terminal)
	}
	return fmt.Sprintf("only the hall's hub reports queue events; terminal %s was enrolled as %s", s.terminal, s.role)
}

// notAWindow says why the sender may not send a clerk's own password:
// only a window terminal, where clerks log in, or the hall's hub, which
// relays the windows', may; "" when it may.
func (s sender) notAWindow() string {
	if s.role == RoleHub || s.role == RoleWindow {
		return ""
	}
	return fmt.Sprintf("only a window terminal or the hall's hub sends a member of staff's password; terminal %s was enrolled as %q", s.terminal, s.role)
}

// issuerOf is the terminal that numbered a case (terminal-date-sequence),
// if it is the sender or a terminal of its hall; empty otherwise.
func (s sender) issuerOf(number string) string {
	rest, _, ok := cutLast(number, "-")
	if ok {
		rest, _, ok = cutLast(rest, "-")
	}
	if !ok || (rest != s.terminal && !s.peers[rest]) {
		return ""
	}
	return rest
}

func cutLast(s, sep string) (before, after string, found bool) {
	if i := strings.LastIndex(s, sep); i >= 0 {
		return s[:i], s[i+len(sep):], true
	}
	return s, "", false
}
