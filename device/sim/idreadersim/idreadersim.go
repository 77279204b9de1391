// Package idreadersim simulates a resident ID card reader on a pseudo-terminal:
// it answers the GA/T 467 frames of reset, status, module id, find, select
// and read, holds a deck of sample cards of fictitious people, and lets a
// test or a technician place a card on it and take it away, and inject
// faults through its sim.Link.
//
// The sample cards are invented: no real person's data may ever be added.
// It must not be used by a production terminal.
package idreadersim

import (
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"onewindow/app"
	"onewindow/device/idreader"
	"onewindow/device/sim"
)

// Card is a sample card: the person and the card type flag at text offset
// 248 (0 for a resident ID card).
type Card struct {
	Label string // what the technician sees in the simulator's list
	Card  app.IDCard
	Flag  rune
}

func date(s string) time.Time {
	t, err := time.ParseInLocation("20060102", s, time.UTC)
	if err != nil {
		panic(err)
	}
	return t
}

// number completes 17 digits with their check digit.
func number(first17 string) app.IDNumber {
	c, err := app.IDCheckDigit(first17)
	if err != nil {
		panic(err)
	}
	return app.IDNumber(first17 + string(c))
}

// photo is stand-in WLT bytes: a real photo needs the vendor's encoder, and
// the driver only carries the bytes.
func photo(seed byte) []byte {
	p := make([]byte, 1024)
	p[0], p[1], p[2], p[3] = 'W', 'L', 'T', seed
	for i := 4; i < len(p); i++ {
		p[i] = byte(i*7) ^ seed
	}
	return p
}

// SampleCards is the simulator's deck. Every person is invented; the ID
// numbers have valid check digits. Card 2 is over 65; cards 3–5 have the
// rare characters that break poor fonts and encodings; card 7 is a
// foreigner's permanent residence card, taken for the items that allow it;
// card 8 a damaged card whose number fails its check, for the refusal
// paths; card 9 a residence permit of a Hong Kong resident.
func SampleCards() []Card {
	return []Card{
		{Label: "张伟, 男, 1985", Card: app.IDCard{
			Name: "张伟", Sex: app.SexMale, NationCode: "01", Nation: "汉", BirthDate: date("19850312"),
			Address: "北京市朝阳区建国路88号院3号楼2单元501室", Number: number("11010519850312123"),
			Authority: "北京市公安局朝阳分局", ValidFrom: date("20150601"), ValidTo: date("20350601"), Photo: photo(1)}},
		{Label: "王秀英, 女, 1951 (over 65)", Card: app.IDCard{
			Name: "王秀英", Sex: app.SexFemale, NationCode: "01", Nation: "汉", BirthDate: date("19510823"),
			Address: "上海市徐汇区漕溪北路398弄12号602室", Number: number("31010419510823204"),
			Authority: "上海市公安局徐汇分局", ValidFrom: date("20110315"), Photo: photo(2)}},
		{Label: "李堃, 男, 1992", Card: app.IDCard{
			Name: "李堃", Sex: app.SexMale, NationCode: "01", Nation: "汉", BirthDate: date("19920607"),
			Address: "广东省深圳市南山区科技南十二路18号", Number: number("44030519920607151"),
			Authority: "深圳市公安局南山分局", ValidFrom: date("20180709"), ValidTo: date("20380709"), Photo: photo(3)}},
		{Label: "马喆, 女, 回族, 1978", Card: app.IDCard{
			Name: "马喆", Sex: app.SexFemale, NationCode: "03", Nation: "回", BirthDate: date("19780214"),
			Address: "四川省成都市武侯区浆洗街7号附2号", Number: number("51010719780214302"),
			Authority: "成都市公安局武侯区分局", ValidFrom: date("20160420"), ValidTo: date("20360420"), Photo: photo(4)}},
		{Label: "赵昇, 男, 满族, 2001", Card: app.IDCard{
			Name: "赵昇", Sex: app.SexMale, NationCode: "11", Nation: "满", BirthDate: date("20010909"),
			Address: "黑龙江省哈尔滨市道里区中央大街120号", Number: number("23010220010909571"),
			Authority: "哈尔滨市公安局道里分局", ValidFrom: date("20190112"), ValidTo: date("20290112"), Photo: photo(5)}},
		{Label: "欧阳娜仁, 女, 蒙古族, 1966", Card: app.IDCard{
			Name: "欧阳娜仁", Sex: app.SexFemale, NationCode: "02", Nation: "蒙古", BirthDate: date("19660301"),
			Address: "内蒙古自治区呼和浩特市新城区新华大街63号", Number: number("15010219660301402"),
			Authority: "呼和浩特市公安局新城区分局", ValidFrom: date("20120808"), ValidTo: date("20320808"), Photo: photo(6)}},
		{Label: "史密斯 SMITH JOHN, foreigner's permanent residence card, 1980", Flag: 'I', Card: app.IDCard{
			Name: "史密斯", NameLatin: "SMITH JOHN", Sex: app.SexMale, Nationality: "USA", BirthDate: date("19800101"),
			Number: "USA110080010101", Document: app.ForeignPermanent,
			Authority: "1100", ValidFrom: date("20200101"), ValidTo: date("20300101"), Photo: photo(7)}},
		{Label: "damaged card: check digit wrong (refused)", Card: app.IDCard{
			Name: "刘洋", Sex: app.SexMale, NationCode: "01", BirthDate: date("19900505"),
			Address: "浙江省杭州市西湖区文三路90号", Number: app.IDNumber("330106199005050010"),
			Authority: "杭州市公安局西湖区分局", ValidFrom: date("20100505"), ValidTo: date("20200505"), Photo: photo(8)}},
		{Label: "陈嘉欣, 女, Hong Kong residence permit, 1975", Flag: 'J', Card: app.IDCard{
			Name: "陈嘉欣", Sex: app.SexFemale, BirthDate: date("19750715"), Document: app.HMTResidence,
			Address: "广东省深圳市福田区福华三路100号", Number: number("81000019750715122"),
			Authority: "深圳市公安局福田分局", ValidFrom: date("20210301"), ValidTo: date("20260301").AddDate(5, 0, 0), Photo: photo(9)}},
	}
}

// Sim is a simulated card reader.
type Sim struct {
	link *sim.Link
	log  *slog.Logger

	mu      sync.Mutex
	cards   []Card
	current int  // index into cards, -1 when the reader is empty
	found   bool // a find succeeded since the card was placed
	reads   int
}

// New puts a simulated reader on link, with the sample deck.
func New(link *sim.Link, log *slog.Logger) *Sim {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Sim{link: link, log: log, cards: SampleCards(), current: -1}
}

// Link is the simulator's pseudo-terminal.
func (s *Sim) Link() *sim.Link { return s.link }

// Cards lists the deck.
func (s *Sim) Cards() []Card {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Card(nil), s.cards...)
}

// Place puts card i of the deck on the reader, taking away any other.
func (s *Sim) Place(i int) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if i < 0 || i >= len(s.cards) {
		return fmt.Errorf("no card %d: the deck has cards 0–%d", i, len(s.cards)-1)
	}
	s.current, s.found = i, false
	s.log.Info("card placed", "card", i)
	return nil
}

// Remove takes the card off the reader.
func (s *Sim) Remove() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.current, s.found = -1, false
	s.log.Info("card removed")
}

// Reads counts the successful card reads, so a test can see a card that
// stays on is read once.
func (s *Sim) Reads() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.reads
}

// Serve answers the driver until the link closes.
func (s *Sim) Serve() error {
	return s.link.Serve(func(buf []byte) int {
		body, used, err := idreader.ParseFrame(buf)
		switch {
		case errors.Is(err, idreader.ErrIncomplete):
		case err != nil:
			// A module answers a corrupt request with its own code.
			s.reply(0x10, nil)
		default:
			s.handle(body)
		}
		return used
	})
}

func (s *Sim) reply(sw3 byte, data []byte) {
	body := append([]byte{0, 0, sw3}, data...)
	if err := s.link.Reply(idreader.Encode(body)); err != nil {
		s.log.Warn("reply failed", "error", err)
	}
}

func (s *Sim) handle(body []byte) {
	if len(body) < 2 {
		s.reply(0x11, nil)
		return
	}
	cmd := [2]byte{body[0], body[1]}
	s.mu.Lock()
	present := s.current >= 0
	var card Card
	if present {
		card = s.cards[s.current]
	}
	switch cmd {
	case idreader.CmdReset, idreader.CmdStatus:
		s.mu.Unlock()
		s.reply(idreader.ResultOK, nil)
	case idreader.CmdModuleID:
		s.mu.Unlock()
		s.reply(idreader.ResultOK, []byte{0x05, 0x01, 0x20, 0x26, 0x11, 0x23, 0x00, 0x01, 0x12, 0x34, 0x56, 0x78, 0x9A, 0xBC, 0xDE, 0xF0})
	case idreader.CmdFind:
		ok := present && !s.found
		if ok {
			s.found = true
		}
		s.mu.Unlock()
		if ok {
			s.reply(idreader.ResultFound, []byte{0, 0, 0, 0})
		} else {
			s.reply(idreader.ResultNoCard, nil)
		}
	case idreader.CmdSelect:
		ok := present && s.found
		s.mu.Unlock()
		if ok {
			s.reply(idreader.ResultOK, make([]byte, 8))
		} else {
			s.reply(idreader.ResultNoSelect, nil)
		}
	case idreader.CmdRead, idreader.CmdReadFinger:
		ok := present && s.found
		if ok {
			s.reads++
		}
		s.mu.Unlock()
		if !ok {
			s.reply(idreader.ResultReadFail, nil)
			return
		}
		withFinger := cmd == idreader.CmdReadFinger
		d := idreader.ReadData{Text: idreader.EncodeText(card.Card, card.Flag), Photo: card.Card.Photo}
		if withFinger {
			d.Finger = make([]byte, 1024)
		}
		s.reply(idreader.ResultOK, idreader.EncodeReadData(d, withFinger))
	case idreader.CmdReadAddress:
		s.mu.Unlock()
		s.reply(idreader.ResultEmpty, nil)
	default:
		s.mu.Unlock()
		s.reply(0x21, nil)
	}
}
