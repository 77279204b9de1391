//go:build linux && !android && cgo

package voice

// #cgo pkg-config: alsa
// #include <stdarg.h>
// #include <stdio.h>
// #include <alsa/asoundlib.h>
//
// // ALSA writes every error it meets while it looks for a device to
// // stderr, from C: 32 "ALSA lib ..." lines on a machine without a sound
// // card. keep holds the first instead, for the log.
// static char kept[512];
// static int count;
//
// static void keep(const char *file, int line, const char *function, int err, const char *fmt, ...) {
// 	if (count++ > 0) return;
// 	int n = snprintf(kept, sizeof kept, "%s:%d:(%s) ", file, line, function);
// 	if (n < 0 || n >= (int)sizeof kept) return;
// 	va_list ap;
// 	va_start(ap, fmt);
// 	vsnprintf(kept + n, sizeof kept - n, fmt, ap);
// 	va_end(ap);
// }
//
// static void quiet(void) { count = 0; kept[0] = 0; snd_lib_error_set_handler(keep); }
// static void loud(void) { snd_lib_error_set_handler(NULL); }
// static int keptCount(void) { return count; }
// static const char *keptFirst(void) { return kept; }
import "C"

// quietALSA keeps ALSA's messages off stderr until the returned function
// is called, which restores ALSA's own handler and says how many messages
// there were and the first of them: the log carries them, once, with the
// warning that there is no sound device.
func quietALSA() (done func() (count int, first string)) {
	C.quiet()
	return func() (int, string) {
		C.loud()
		return int(C.keptCount()), C.GoString(C.keptFirst())
	}
}
