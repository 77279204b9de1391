// Package voice embeds the hall screen's default voice pack: one WAV clip
// per digit, letter and word of a call (请, 号, 到, 号窗口办理 …) and the
// kiosk's spoken prompts, made with espeak-ng by packaging/make-voice.sh.
// A hall may replace the pack with its own recordings (README.md here).
//
// It has no logic and imports nothing of the project.
package voice

import "embed"

// Default holds the clips as default/<name>.wav.
//
//go:embed default/*.wav
var Default embed.FS
