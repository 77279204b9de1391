package app

import (
	"fmt"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// provinces are the first two digits of a resident ID number's region code
// (GB/T 2260), with 81–83 for residence permits of Hong Kong, Macao and Taiwan
// residents.
var provinces = map[string]bool{
	"11": true, "12": true, "13": true, "14": true, "15": true,
	"21": true, "22": true, "23": true,
	"31": true, "32": true, "33": true, "34": true, "35": true, "36": true, "37": true,
	"41": true, "42": true, "43": true, "44": true, "45": true, "46": true,
	"50": true, "51": true, "52": true, "53": true, "54": true,
	"61": true, "62": true, "63": true, "64": true, "65": true,
	"71": true, "81": true, "82": true, "83": true,
}

var idWeights = [17]int{7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2}

const idCheckChars = "10X98765432"

// IDCheckDigit returns the GB 11643 (ISO 7064 MOD 11-2) check character for
// the first 17 digits of an ID number.
func IDCheckDigit(first17 string) (byte, error) {
	if len(first17) != 17 {
		return 0, fmt.Errorf("%w: need 17 digits to compute a check digit, have %d", ErrInvalidIDNumber, len(first17))
	}
	sum := 0
	for i := 0; i < 17; i++ {
		c := first17[i]
		if c < '0' || c > '9' {
			return 0, fmt.Errorf("%w: character %d is %q, not a digit", ErrInvalidIDNumber, i+1, c)
		}
		sum += int(c-'0') * idWeights[i]
	}
	return idCheckChars[sum%11], nil
}

// IDNumber is a checked identity document number: an 18-character resident
// ID number (公民身份号码), which a residence permit for Hong Kong, Macao and
// Taiwan residents also has, or the 15 characters of a foreigner's permanent
// residence card (ParseDocumentNumber).
type IDNumber string

// ParseIDNumber checks an ID number typed or read from a card: 18
// characters, a known region, a real birth date not in the future (as of
// today), and the right check digit. A lower-case x is accepted and stored as X.
func ParseIDNumber(s string, today time.Time) (IDNumber, error) {
	s = strings.ToUpper(strings.TrimSpace(s))
	if n := utf8.RuneCountInString(s); n != 18 {
		return "", fmt.Errorf("%w: it has %d characters, it must have 18", ErrInvalidIDNumber, n)
	}
	for i := 0; i < 17; i++ {
		if s[i] < '0' || s[i] > '9' {
			return "", fmt.Errorf("%w: character %d must be a digit", ErrInvalidIDNumber, i+1)
		}
	}
	if last := s[17]; (last < '0' || last > '9') && last != 'X' {
		return "", fmt.Errorf("%w: the last character must be a digit or X", ErrInvalidIDNumber)
	}
	if !provinces[s[:2]] || s[2:6] == "0000" && s[:2] != "81" && s[:2] != "82" && s[:2] != "83" {
		return "", fmt.Errorf("%w: %s is not a region code", ErrInvalidIDNumber, s[:6])
	}
	birth, err := time.ParseInLocation("20060102", s[6:14], time.UTC)
	if err != nil || birth.Year() < 1900 {
		return "", fmt.Errorf("%w: %s is not a real birth date", ErrInvalidIDNumber, s[6:14])
	}
	y, m, d := today.Date()
	if birth.After(time.Date(y, m, d, 0, 0, 0, 0, time.UTC)) {
		return "", fmt.Errorf("%w: the birth date %s is in the future", ErrInvalidIDNumber, s[6:14])
	}
	want, _ := IDCheckDigit(s[:17])
	if s[17] != want {
		return "", fmt.Errorf("%w: the check digit is wrong; please check the number for a typing mistake", ErrInvalidIDNumber)
	}
	return IDNumber(s), nil
}

// BirthDate is the birth date encoded in an 18-character number; zero for
// another document's number, which does not carry it where this looks.
func (n IDNumber) BirthDate() time.Time {
	if len(n) != 18 {
		return time.Time{}
	}
	t, _ := time.ParseInLocation("20060102", string(n)[6:14], time.UTC)
	return t
}

// AgeOn is the holder's age in whole years on the given day; 0 when the
// number carries no birth date (IDCard.AgeOn reads the card's).
func (n IDNumber) AgeOn(day time.Time) int { return ageOn(n.BirthDate(), day) }

// AgeOn is the card holder's age in whole years on day, from the card's
// birth date, which every document carries.
func (c IDCard) AgeOn(day time.Time) int {
	if c.BirthDate.IsZero() {
		return c.Number.AgeOn(day)
	}
	return ageOn(c.BirthDate, day)
}

func ageOn(b, day time.Time) int {
	if b.IsZero() {
		return 0
	}
	age := day.Year() - b.Year()
	if day.Month() < b.Month() || day.Month() == b.Month() && day.Day() < b.Day() {
		age--
	}
	return age
}

// Masked is the number as screens and paper show it: region and the last
// four characters, the birth date hidden, e.g. 110105********002X.
func (n IDNumber) Masked() string { return MaskIDNumber(string(n)) }

// MaskIDNumber masks any ID-like string, valid or not, so that a mistyped
// number is never shown whole either.
func MaskIDNumber(s string) string {
	r := []rune(s)
	if len(r) <= 10 {
		return strings.Repeat("*", len(r))
	}
	return string(r[:6]) + strings.Repeat("*", len(r)-10) + string(r[len(r)-4:])
}

// MaskName hides all but the family name's first character and, for
// names of three or more characters, the last one: 张三 → 张*, 王小明 → 王*明.
func MaskName(name string) string {
	r := []rune(strings.TrimSpace(name))
	switch len(r) {
	case 0:
		return ""
	case 1:
		return "*"
	case 2:
		return string(r[0]) + "*"
	}
	return string(r[0]) + strings.Repeat("*", len(r)-2) + string(r[len(r)-1])
}

// IsMaskedName reports whether s has the shape MaskName gives a name: "*",
// a character and "*", or a first and a last character with every one
// between starred; at most 20 characters and no digit anywhere. Whatever
// else a terminal sends as a masked name (an ID number, a phone number, a
// whole name) is not one.
func IsMaskedName(s string) bool {
	r := []rune(s)
	if len(r) == 0 || len(r) > 20 {
		return false
	}
	for i, c := range r {
		star := c == '*'
		switch {
		case unicode.IsDigit(c) || unicode.IsSpace(c):
			return false
		case len(r) == 1:
			return star
		case i == 0:
			if star {
				return false
			}
		case len(r) == 2 || i < len(r)-1:
			if !star {
				return false
			}
		default: // the last of three or more
			if star {
				return false
			}
		}
	}
	return true
}

// MaskPhone keeps the first three and last four digits: 138****1234.
func MaskPhone(p string) string {
	r := []rune(strings.TrimSpace(p))
	if len(r) < 8 {
		return strings.Repeat("*", len(r))
	}
	return string(r[:3]) + strings.Repeat("*", len(r)-7) + string(r[len(r)-4:])
}
