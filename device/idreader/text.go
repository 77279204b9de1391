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

// foreignFields are the text block of a foreigner's permanent residence
// card (外国人永久居留身份证, flag I at offset 248), in bytes of UCS-2
// little-endian.
var foreignFields = struct {
	nameLatin, sex, number, nationality, name, from, to, birth, version, authority [2]int
}{
	nameLatin:   [2]int{0, 120},
	sex:         [2]int{120, 2},
	number:      [2]int{122, 30},
	nationality: [2]int{152, 6},
	name:        [2]int{158, 30},
	from:        [2]int{188, 16},
	to:          [2]int{204, 16},
	birth:       [2]int{220, 16},
	version:     [2]int{236, 4},
	authority:   [2]int{240, 8},
}

// ParseText reads a card's text block: a resident ID card, a residence
// permit for Hong Kong, Macao and Taiwan residents (flag J: the resident
// card's layout, no nation, its number in region 810000–830000) or a
// foreigner's permanent residence card (flag I: its own layout). It refuses
// other card types by their flag, and checks every field, so a garbled read
// never reaches a case. Errors never quote the card's content: it is
// personal data.
func ParseText(text []byte, today time.Time) (app.IDCard, error) {
	if len(text) != TextSize {
		return app.IDCard{}, fmt.Errorf("%w: the text block is %d bytes, want %d", app.ErrBadCardData, len(text), TextSize)
	}
	switch flag := binary.LittleEndian.Uint16(text[flagOffset:]); flag {
	case ' ', 0:
		return parseResident(text, today, app.ResidentID)
	case 'J':
		return parseResident(text, today, app.HMTResidence)
	case 'I':
		return parseForeign(text, today)
	default:
		return app.IDCard{}, fmt.Errorf("%w: unknown card type flag 0x%04X; take the applicant's details by hand", app.ErrUnsupportedCard, flag)
	}
}

func parseResident(text []byte, today time.Time, doc app.IDDocument) (app.IDCard, error) {
	c := app.IDCard{Document: doc}
	var p app.Problems
	c.Name = field(text, fields.name)
	checkName(&p, "name", c.Name, true)
	c.Sex = parseSex(&p, field(text, fields.sex))
	if doc == app.ResidentID {
		c.NationCode = field(text, fields.nation)
		if n, ok := Nations[c.NationCode]; ok {
			c.Nation = n
		} else {
			p.Add("nation", "is not a GB 3304 nation code")
		}
	}
	var err error
	if c.BirthDate, err = parseDate(field(text, fields.birth)); err != nil {
		p.Add("birth date", "is not a date YYYYMMDD")
	}
	c.Address = field(text, fields.address)
	if c.Address == "" {
		p.Add("address", "is empty")
	}
	num, err := app.ParseDocumentNumber(doc, field(text, fields.number), today)
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
	c.ValidFrom, c.ValidTo = parseValidity(&p, field(text, fields.from), field(text, fields.to))
	return cardOrProblems(c, p)
}

// parseForeign reads a foreigner's permanent residence card.
func parseForeign(text []byte, today time.Time) (app.IDCard, error) {
	f := foreignFields
	c := app.IDCard{Document: app.ForeignPermanent}
	var p app.Problems
	c.NameLatin = field(text, f.nameLatin)
	c.Name = field(text, f.name)
	checkName(&p, "Latin name", c.NameLatin, c.Name == "")
	checkName(&p, "name", c.Name, false)
	if c.Name == "" {
		c.Name = c.NameLatin
	}
	c.Sex = parseSex(&p, field(text, f.sex))
	c.Nationality = field(text, f.nationality)
	num, err := app.ParseDocumentNumber(app.ForeignPermanent, field(text, f.number), today)
	switch {
	case err != nil:
		p.Add("card number", "is not three letters and twelve digits")
	case c.Nationality == "" || string(num)[:3] != c.Nationality:
		p.Add("nationality", "does not match the nationality the card number starts with")
	default:
		c.Number = num
	}
	if c.BirthDate, err = parseDate(field(text, f.birth)); err != nil || c.BirthDate.After(today) {
		p.Add("birth date", "is not a past date YYYYMMDD")
	}
	c.Authority = field(text, f.authority)
	if c.Authority == "" {
		p.Add("issuing authority", "is empty")
	}
	c.ValidFrom, c.ValidTo = parseValidity(&p, field(text, f.from), field(text, f.to))
	return cardOrProblems(c, p)
}

// checkName names what is wrong with a name read; an empty one only when
// it is needed.
func checkName(p *app.Problems, what, name string, needed bool) {
	if name == "" {
		if needed {
			p.Add(what, "is empty")
		}
	} else if strings.IndexFunc(name, func(r rune) bool { return !unicode.IsPrint(r) || r == unicode.ReplacementChar }) >= 0 {
		p.Add(what, "holds characters that cannot be printed")
	}
}

func parseSex(p *app.Problems, code string) app.Sex {
	switch code {
	case "0":
		return app.SexUnknown
	case "1":
		return app.SexMale
	case "2":
		return app.SexFemale
	case "9":
		return app.SexUnspecified
	}
	p.Add("sex", "is not one of the codes 0, 1, 2, 9")
	return app.SexUnknown
}

// parseValidity reads a card's validity: from a date, to a date after it or 长期.
func parseValidity(p *app.Problems, fromText, toText string) (from, to time.Time) {
	var err error
	if from, err = parseDate(fromText); err != nil {
		p.Add("valid from", "is not a date YYYYMMDD")
	}
	if toText != longTerm {
		if to, err = parseDate(toText); err != nil {
			p.Add("valid to", "is neither a date YYYYMMDD nor 长期")
		} else if !from.IsZero() && !to.After(from) {
			p.Add("valid to", "is not after valid from")
		}
	}
	return from, to
}

func cardOrProblems(c app.IDCard, p app.Problems) (app.IDCard, error) {
	if err := p.Err(app.ErrBadCardData); err != nil {
		if c.Number == "" {
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
// ID card) at offset 248: flag I in a foreigner's card's layout, any other
// in the resident card's. Fields too long for their place are cut, as the
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
	to := longTerm
	if !c.ValidTo.IsZero() {
		to = c.ValidTo.Format("20060102")
	}
	if flag == 'I' {
		f := foreignFields
		put(f.nameLatin, c.NameLatin)
		put(f.sex, fmt.Sprint(int(c.Sex)))
		put(f.number, string(c.Number))
		put(f.nationality, c.Nationality)
		put(f.name, c.Name)
		put(f.from, c.ValidFrom.Format("20060102"))
		put(f.to, to)
		put(f.birth, c.BirthDate.Format("20060102"))
		put(f.version, "10")
		put(f.authority, c.Authority)
		put([2]int{flagOffset, TextSize - flagOffset}, "")
	} else {
		put(fields.name, c.Name)
		put(fields.sex, fmt.Sprint(int(c.Sex)))
		put(fields.nation, c.NationCode)
		put(fields.birth, c.BirthDate.Format("20060102"))
		put(fields.address, c.Address)
		put(fields.number, string(c.Number))
		put(fields.authority, c.Authority)
		put(fields.from, c.ValidFrom.Format("20060102"))
		put(fields.to, to)
		put(fields.reserved, "")
	}
	if flag != 0 {
		binary.LittleEndian.PutUint16(text[flagOffset:], uint16(flag))
	}
	return text
}
