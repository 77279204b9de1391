package app

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
)

// ErrTrailingData means something follows a JSON document that must be
// all there is: a second object, or a stray bracket ({…}}), which
// json.Decoder.More does not see.
var ErrTrailingData = errors.New("something follows the end of the JSON")

// JSONEnd checks that dec has read its whole input but for white space:
// every strict decoding of a body, a file or a payload ends with it.
func JSONEnd(dec *json.Decoder) error {
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return ErrTrailingData
	}
	return nil
}

// DecodeStrict decodes one JSON document into v, refusing unknown fields
// and anything after the document.
func DecodeStrict(data []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return err
	}
	return JSONEnd(dec)
}
