package app

import (
	"errors"
	"strings"
	"testing"
	"time"
)

var today = time.Date(2026, 11, 23, 10, 0, 0, 0, HallZone)

func TestIDCheckDigit(t *testing.T) {
	// The example of GB 11643 as quoted in protocols/idcard.md.
	got, err := IDCheckDigit("11010519491231002")
	if err != nil || got != 'X' {
		t.Fatalf("IDCheckDigit(11010519491231002) = %q, %v; want 'X', nil", got, err)
	}
}

func TestParseIDNumber(t *testing.T) {
	tests := []struct {
		in      string
		want    IDNumber
		errText string // part of the error; empty when valid
	}{
		{"11010519491231002X", "11010519491231002X", ""},
		{"11010519491231002x", "11010519491231002X", ""},
		{" 11010519491231002X ", "11010519491231002X", ""},
		{"440304199003070016", "", "check digit"},
		{"1101051949123100", "", "16 characters"},
		{"11010519491231002XX", "", "19 characters"},
		{"11010519491231A02X", "", "character 15 must be a digit"},
		{"11010519491231002Y", "", "last character"},
		{"99010519491231002X", "", "not a region code"},
		{"110105194902300023", "", "not a real birth date"},
		{"110105189912310023", "", "not a real birth date"},
		{"110105202712310023", "", "in the future"},
		{"", "", "0 characters"},
		{"１１０１０５１９４９１２３１００２Ｘ", "", "character 1 must be a digit"},
	}
	for _, tt := range tests {
		got, err := ParseIDNumber(tt.in, today)
		if tt.errText == "" {
			if err != nil || got != tt.want {
				t.Errorf("ParseIDNumber(%q) = %q, %v; want %q, nil", tt.in, got, err, tt.want)
			}
			continue
		}
		if !errors.Is(err, ErrInvalidIDNumber) || !strings.Contains(err.Error(), tt.errText) {
			t.Errorf("ParseIDNumber(%q) error = %v; want ErrInvalidIDNumber saying %q", tt.in, err, tt.errText)
		}
	}
}

// withCheck completes 17 digits with their check digit.
func withCheck(t *testing.T, first17 string) string {
	t.Helper()
	c, err := IDCheckDigit(first17)
	if err != nil {
		t.Fatal(err)
	}
	return first17 + string(c)
}

func TestIDNumberAge(t *testing.T) {
	tests := []struct {
		birth string
		age   int
	}{
		{"19611123", 65}, // 65th birthday today
		{"19611124", 64}, // tomorrow
		{"19490101", 77},
		{"20260101", 0},
	}
	for _, tt := range tests {
		n, err := ParseIDNumber(withCheck(t, "310101"+tt.birth+"123"), today)
		if err != nil {
			t.Fatal(err)
		}
		if got := n.AgeOn(today); got != tt.age {
			t.Errorf("born %s: age on %s = %d, want %d", tt.birth, today.Format(time.DateOnly), got, tt.age)
		}
	}
}

func TestMasking(t *testing.T) {
	tests := []struct{ fn, in, want string }{
		{"id", "11010519491231002X", "110105********002X"},
		{"id", "1234", "****"},
		{"id", "12345678901", "123456*8901"},
		{"name", "张三", "张*"},
		{"name", "王小明", "王*明"},
		{"name", "欧阳娜娜", "欧**娜"},
		{"name", "堃", "*"},
		{"name", "", ""},
		{"phone", "13812345678", "138****5678"},
		{"phone", "12345", "*****"},
	}
	for _, tt := range tests {
		var got string
		switch tt.fn {
		case "id":
			got = MaskIDNumber(tt.in)
		case "name":
			got = MaskName(tt.in)
		case "phone":
			got = MaskPhone(tt.in)
		}
		if got != tt.want {
			t.Errorf("mask %s %q = %q, want %q", tt.fn, tt.in, got, tt.want)
		}
	}
}

// TestIsMaskedName: what MaskName makes is a masked name; an ID number, a
// phone number, a whole name or a name with a number tacked on is not.
func TestIsMaskedName(t *testing.T) {
	for _, name := range []string{"张伟", "欧阳锋", "王", "司马相如", "Maria Garcia"} {
		if m := MaskName(name); !IsMaskedName(m) {
			t.Errorf("MaskName(%q) = %q is not a masked name", name, m)
		}
	}
	for _, s := range []string{"", "110105198503121234*", "张伟*13800138000", "张伟", "张**", "**伟", "*张*", "张*1",
		"13800138000", "张 *", strings.Repeat("*", 21)} {
		if IsMaskedName(s) {
			t.Errorf("%q is taken for a masked name", s)
		}
	}
}
