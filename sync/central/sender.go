package central

import (
	"context"
	"strings"
)

// sender is a terminal pushing a batch, and the other terminals of its
// hall: a hall's hub relays their records (DESIGN.md §4a).
type sender struct {
	terminal string
	peers    map[string]bool
}

// senderOf reads the terminals of a pushing terminal's hall.
func (c *Central) senderOf(ctx context.Context, terminal string) (sender, error) {
	s := sender{terminal: terminal, peers: map[string]bool{}}
	rows, err := c.q().query(ctx, `SELECT id FROM terminals WHERE hall = (SELECT hall FROM terminals WHERE id = ?)`, terminal)
	if err != nil {
		return s, err
	}
	defer rows.Close()
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return s, err
		}
		s.peers[id] = true
	}
	return s, rows.Err()
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
