package pii

import (
	"fmt"
	"strings"
	"testing"

	"onewindow/app/suite"
)

// BenchmarkPrimitives puts the primitives' cost under each suite side by
// side (issue 19): sealing and opening an ID number (18 bytes) and an
// outbox payload (1 KiB, as the drain opens each operation), an ID
// number's keyed index, and the chain's hash over an event's worth of
// bytes. The AEAD's concrete type is logged (go test -v): *sm4.gcmAsm is
// gmsm's assembly SM4-GCM, anything else a generic one.
//
//	go test -tags no_emoji -run '^$' -bench Primitives -count 5 ./app/pii
func BenchmarkPrimitives(b *testing.B) {
	enc, mac := make([]byte, 32), make([]byte, 32)
	for i := range enc {
		enc[i], mac[i] = byte(i), byte(i+1)
	}
	suites := []suite.Name{suite.Intl, suite.GM}
	keys := map[suite.Name]*Keys{}
	for _, s := range suites {
		k, err := New(enc, mac)
		if err != nil {
			b.Fatal(err)
		}
		k.Use(s)
		keys[s] = k
	}
	b.Logf("AEAD under intl: %T; under gm: %T", keys[suite.Intl].intl, keys[suite.GM].gm)
	values := []struct{ name, value string }{
		{"id-18B", "33010619800101001X"},
		{"payload-1KiB", strings.Repeat(`{"number":"330106K01-20261123-000001","name":"张伟"}`, 25)[:1024]},
	}
	for _, v := range values {
		for _, op := range []string{"Seal", "Open"} {
			for _, s := range suites {
				k := keys[s]
				sealed := k.Seal(v.value, "case/1/id")
				b.Run(fmt.Sprintf("%s/%s/suite=%s", op, v.name, s), func(b *testing.B) {
					b.SetBytes(int64(len(v.value)))
					for range b.N {
						if op == "Seal" {
							k.Seal(v.value, "case/1/id")
						} else if _, err := k.Open(sealed, "case/1/id"); err != nil {
							b.Fatal(err)
						}
					}
				})
			}
		}
	}
	for _, s := range suites {
		b.Run(fmt.Sprintf("Index/id-18B/suite=%s", s), func(b *testing.B) {
			for range b.N {
				keys[s].Index("id", values[0].value)
			}
		})
	}
	ev := []byte(strings.Repeat("x", 200))
	for _, s := range suites {
		b.Run(fmt.Sprintf("Hash/event-200B/suite=%s", s), func(b *testing.B) {
			b.SetBytes(int64(len(ev)))
			for range b.N {
				s.Sum(ev)
			}
		})
	}
}
