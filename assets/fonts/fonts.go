// Package fonts embeds the CJK font every onewindow screen draws with, so
// that what a citizen reads never depends on the fonts a machine happens to
// have: Noto Sans CJK SC, Regular and Bold, each cut down to GBK (every
// character a name on a resident ID card may hold) plus ASCII, punctuation,
// full-width forms and a few symbols. subset.py beside this file makes them
// from Debian's font packages; OFL.txt is their licence.
//
// It has no logic and imports nothing of the project.
package fonts

import _ "embed"

// Regular is Noto Sans CJK SC Regular, a single-face OpenType (CFF) font.
//
//go:embed NotoSansSC-Regular.otf
var Regular []byte

// Bold is Noto Sans CJK SC Bold, a single-face OpenType (CFF) font.
//
//go:embed NotoSansSC-Bold.otf
var Bold []byte
