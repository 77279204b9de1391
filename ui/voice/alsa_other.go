//go:build !linux || android || !cgo

package voice

// quietALSA does nothing where oto does not use ALSA.
func quietALSA() (done func() (count int, first string)) {
	return func() (int, string) { return 0, "" }
}
