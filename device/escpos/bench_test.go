package escpos

import (
	"testing"
	"time"

	"onewindow/app"
)

func wireSeconds(bytes, baud int) float64 { return WireTime(bytes, baud).Seconds() }

// BenchmarkWire reports the bytes each printout puts on the wire and how
// long they take at 9600 and 115200 baud; ns/op is the time to build the
// job. The figures go into BENCHMARKS.md.
func BenchmarkWire(b *testing.B) {
	jobs := []struct {
		name  string
		build func(Options) ([]byte, error)
	}{
		{"ticket", func(o Options) ([]byte, error) { return Ticket(ticket(), o) }},
		{"notice-accepted", func(o Options) ([]byte, error) { return Notice(notice(app.NoticeAccepted), o) }},
		{"notice-missing", func(o Options) ([]byte, error) { return Notice(notice(app.NoticeMissing), o) }},
		{"notice-rejected", func(o Options) ([]byte, error) { return Notice(notice(app.NoticeRejected), o) }},
	}
	for _, j := range jobs {
		for _, native := range []bool{true, false} {
			name := j.name + "/native-qr"
			if !native {
				name = j.name + "/raster-qr"
			}
			b.Run(name, func(b *testing.B) {
				o := DefaultOptions()
				o.NativeQR = native
				var n int
				for b.Loop() {
					data, err := j.build(o)
					if err != nil {
						b.Fatal(err)
					}
					n = len(data)
				}
				b.ReportMetric(float64(n), "wire-bytes")
				b.ReportMetric(wireSeconds(n, 9600)*1000, "ms@9600")
				b.ReportMetric(wireSeconds(n, 115200)*1000, "ms@115200")
			})
		}
	}
}

func TestWireTime(t *testing.T) {
	tests := []struct {
		bytes, baud int
		want        time.Duration
	}{
		{960, 9600, time.Second},
		{600, 9600, 625 * time.Millisecond},
		{11520, 115200, time.Second},
		{1, 0, 0},
	}
	for _, tt := range tests {
		if got := WireTime(tt.bytes, tt.baud); got != tt.want {
			t.Errorf("WireTime(%d, %d) = %v, want %v", tt.bytes, tt.baud, got, tt.want)
		}
	}
}
