package idreader

import (
	"encoding/binary"
	"fmt"
	"strings"
	"time"
	"unicode"
	"unicode/utf16"

	"onewindow/app"
)

// TextSize is the size of a resident ID card's text block.
const TextSize = 256

// Field offsets and sizes in the text block (bytes of UCS-2 little-endian).
var fields = struct {
	name, sex, nation, birth, address, number, authority, from, to, reserved [2]int
}{
	name:      [2]int{0, 30},
	sex:       [2]int{30, 2},
	nation:    [2]int{32, 4},
	birth:     [2]int{36, 16},
	address:   [2]int{52, 70},
	number:    [2]int{122, 36},
	authority: [2]int{158, 30},
	from:      [2]int{188, 16},
	to:        [2]int{204, 16},
	reserved:  [2]int{220, 36},
}

// flagOffset is where other card types put their type flag.
const flagOffset = 248

// Nations maps GB 3304 codes to the names printed on cards.
var Nations = map[string]string{
	"01": "汉", "02": "蒙古", "03": "回", "04": "藏", "05": "维吾尔", "06": "苗", "07": "彝", "08": "壮",
	"09": "布依", "10": "朝鲜", "11": "满", "12": "侗", "13": "瑶", "14": "白", "15": "土家", "16": "哈尼",
	"17": "哈萨克", "18": "傣", "19": "黎", "20": "傈僳", "21": "佤", "22": "畲", "23": "高山", "24": "拉祜",
	"25": "水", "26": "东乡", "27": "纳西", "28": "景颇", "29": "柯尔克孜", "30": "土", "31": "达斡尔", "32": "仫佬",
	"33": "羌", "34": "布朗", "35": "撒拉", "36": "毛南", "37": "仡佬", "38": "锡伯", "39": "阿昌", "40": "普米",
	"41": "塔吉克", "42": "怒", "43": "乌孜别克", "44": "俄罗斯", "45": "鄂温克", "46": "德昂", "47": "保安", "48": "裕固",
	"49": "京", "50": "塔塔尔", "51": "独龙", "52": "鄂伦春", "53": "赫哲", "54": "门巴", "55": "珞巴", "56": "基诺",
	"97": "其他", "98": "外国血统中国籍人士",
}

// longTerm is how a card that never expires says so.
const longTerm = "长期"

func field(text []byte, f [2]int) string {
	b := text[f[0] : f[0]+f[1]]
	u := make([]uint16, len(b)/2)
	for i := range u {
		u[i] = binary.LittleEndian.Uint16(b[2*i:])
	}
	return strings.TrimRight(string(utf16.Decode(u)), " \x00")
}

// ParseText reads a resident ID card's text block. It refuses other card
// types by their flag, and checks every field, so a garbled read never
// reaches a case. Errors never quote the card's content: it is personal data.
func ParseText(text []byte, today time.Time) (app.IDCard, error) {
	if len(text) != TextSize {
		return app.IDCard{}, fmt.Errorf("%w: the text block is %d bytes, want %d", app.ErrBadCardData, len(text), TextSize)
	}
	switch flag := binary.LittleEndian.Uint16(text[flagOffset:]); flag {
	case ' ', 0:
	case 'I':
		return app.IDCard{}, fmt.Errorf("%w: it is a foreigner's permanent residence card (外国人永久居留身份证, flag I); take the applicant's details by hand", app.ErrUnsupportedCard)
	case 'J':
		return app.IDCard{}, fmt.Errorf("%w: it is a residence permit for Hong Kong, Macao or Taiwan residents (港澳台居民居住证, flag J); take the applicant's details by hand", app.ErrUnsupportedCard)
	default:
		return app.IDCard{}, fmt.Errorf("%w: unknown card type flag 0x%04X; take the applicant's details by hand", app.ErrUnsupportedCard, flag)
	}
	var c app.IDCard
	var p app.Problems
	c.Name = field(text, fields.name)
	if c.Name == "" {
		p.Add("name", "is empty")
	} else if strings.IndexFunc(c.Name, func(r rune) bool { return !unicode.IsPrint(r) || r == unicode.ReplacementChar }) >= 0 {
		p.Add("name", "holds characters that cannot be printed")
	}
	switch field(text, fields.sex) {
	case "0":
		c.Sex = app.SexUnknown
	case "1":
		c.Sex = app.SexMale
	case "2":
		c.Sex = app.SexFemale
	case "9":
		c.Sex = app.SexUnspecified
	default:
		p.Add("sex", "is not one of the codes 0, 1, 2, 9")
	}
	c.NationCode = field(text, fields.nation)
	if n, ok := Nations[c.NationCode]; ok {
		c.Nation = n
	} else {
		p.Add("nation", "is not a GB 3304 nation code")
	}
	var err error
	if c.BirthDate, err = parseDate(field(text, fields.birth)); err != nil {
		p.Add("birth date", "is not a date YYYYMMDD")
	}
	c.Address = field(text, fields.address)
	if c.Address == "" {
		p.Add("address", "is empty")
	}
	num, err := app.ParseIDNumber(field(text, fields.number), today)
	if err != nil {
		// The check's own message quotes parts of the number; say less.
		p.Add("ID number", "fails the GB 11643 check (length, region, birth date or check digit)")
	} else {
		c.Number = num
		if !c.BirthDate.IsZero() && !num.BirthDate().Equal(c.BirthDate) {
			p.Add("birth date", "does not match the birth date inside the ID number")
		}
	}
	c.Authority = field(text, fields.authority)
	if c.Authority == "" {
		p.Add("issuing authority", "is empty")
	}
	if c.ValidFrom, err = parseDate(field(text, fields.from)); err != nil {
		p.Add("valid from", "is not a date YYYYMMDD")
	}
	if to := field(text, fields.to); to != longTerm {
		if c.ValidTo, err = parseDate(to); err != nil {
			p.Add("valid to", "is neither a date YYYYMMDD nor 长期")
		} else if !c.ValidFrom.IsZero() && !c.ValidTo.After(c.ValidFrom) {
			p.Add("valid to", "is not after valid from")
		}
	}
	if err := p.Err(app.ErrBadCardData); err != nil {
		if num == "" {
			return app.IDCard{}, fmt.Errorf("%w (%w)", err, app.ErrInvalidIDNumber)
		}
		return app.IDCard{}, err
	}
	return c, nil
}

func parseDate(s string) (time.Time, error) {
	if len(s) != 8 {
		return time.Time{}, fmt.Errorf("date %d characters long", len(s))
	}
	return time.ParseInLocation("20060102", s, time.UTC)
}

// EncodeText lays a card out as a text block, with flag (0 for a resident
// ID card) at offset 248. Fields too long for their place are cut, as the
// card's issuing system does. It serves the simulator and round-trip tests.
func EncodeText(c app.IDCard, flag rune) []byte {
	text := make([]byte, TextSize)
	put := func(f [2]int, s string) {
		u := utf16.Encode([]rune(s))
		for i := 0; i < f[1]/2; i++ {
			v := uint16(' ')
			if i < len(u) {
				v = u[i]
			}
			binary.LittleEndian.PutUint16(text[f[0]+2*i:], v)
		}
	}
	put(fields.name, c.Name)
	put(fields.sex, fmt.Sprint(int(c.Sex)))
	put(fields.nation, c.NationCode)
	put(fields.birth, c.BirthDate.Format("20060102"))
	put(fields.address, c.Address)
	put(fields.number, string(c.Number))
	put(fields.authority, c.Authority)
	put(fields.from, c.ValidFrom.Format("20060102"))
	if c.ValidTo.IsZero() {
		put(fields.to, longTerm)
	} else {
		put(fields.to, c.ValidTo.Format("20060102"))
	}
	put(fields.reserved, "")
	if flag != 0 {
		binary.LittleEndian.PutUint16(text[flagOffset:], uint16(flag))
	}
	return text
}
