package window

import (
	"strings"
	"testing"

	"fyne.io/fyne/v2"

	"onewindow/app"
)

// TestIntakeOnAForeignersCard: a foreigner's permanent residence card on
// the reader is read with its document named; an item that does not take
// it (居民身份证换领) is refused in the screen's words and stores nothing;
// one that does (社会保障卡补换) is taken in with the document kept.
func TestIntakeOnAForeignersCard(t *testing.T) {
	for _, english := range []bool{false, true} {
		b := newBench(t)
		if english {
			b.english()
		}
		b.mustLogin()
		read := func(initials string) {
			b.key(fyne.KeyF9)
			b.typeText(initials)
			b.key(fyne.KeyReturn)
			if err := b.ReaderSim.Place(6); err != nil { // 史密斯, foreigner's permanent residence card
				t.Fatal(err)
			}
			b.ctrl(fyne.KeyR)
			b.waitFor("the card read", func() bool { return b.is(func() bool { return b.term.intake.fromCard != nil }) })
		}
		read("jmsfzhl")
		doc := map[bool]string{false: "外国人永久居留身份证", true: "foreigner's permanent residence card"}[english]
		if got := b.get(func() string { return b.term.intake.applicant.Text }); !strings.Contains(got, "史*斯") || !strings.Contains(got, doc) {
			t.Fatalf("the applicant line should name the document %q, shows %q", doc, got)
		}
		b.ctrl(digitKeys[0])
		b.ctrl(digitKeys[1])
		b.ctrl(fyne.KeyS)
		words := map[bool]string{false: "本事项不能凭此证件受理", true: "cannot be taken in on this identity document"}[english]
		b.waitFor("the refusal", func() bool { return strings.Contains(b.term.Message(), words) })
		if v := b.term.desk.View(); v.CaseNumber != "" {
			t.Fatalf("a case was stored for an item that does not take the card: %s", v.CaseNumber)
		}
		b.ctrl(fyne.KeyN)
		read("shbzkbh") // 社会保障卡补换 takes it
		b.ctrl(digitKeys[0])
		b.ctrl(fyne.KeyS)
		b.waitFor("the case", func() bool { return b.term.desk.View().CaseNumber != "" })
		c, err := b.Store.Case(b.ctx, b.term.desk.View().CaseNumber)
		if err != nil || c.Applicant.Document != app.ForeignPermanent || c.Applicant.IDNumber != "USA110080010101" {
			t.Fatalf("the stored applicant: %+v, %v; want the foreigner's card and its number", c.Applicant, err)
		}
	}
}
