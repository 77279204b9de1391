package app

import (
	"errors"
	"strings"
	"testing"
)

func TestParseDocumentNumber(t *testing.T) {
	hk := "81000019750715122" // region 810000: a Hong Kong resident's permit
	c, _ := IDCheckDigit(hk[:17])
	hk = hk[:17] + string(c)
	for _, tc := range []struct {
		doc  IDDocument
		num  string
		good bool
	}{
		{ResidentID, "11010519491231002X", true},
		{HMTResidence, hk, true},
		{HMTResidence, "11010519491231002X", false}, // a resident's number on a permit
		{ForeignPermanent, "usa110080010101", true},
		{ForeignPermanent, "USA11008001010", false},
		{ForeignPermanent, "US1110080010101", false},
		{ForeignPermanent, "11010519491231002X", false},
		{"passport", "E12345678", false},
	} {
		n, err := ParseDocumentNumber(tc.doc, tc.num, today)
		if (err == nil) != tc.good {
			t.Errorf("%s %q: got %q, %v; want accepted %v", tc.doc, tc.num, n, err, tc.good)
		}
	}
	if n, err := ParseAnyDocumentNumber("USA110080010101", today); err != nil || n != "USA110080010101" {
		t.Errorf("a look-up by a foreigner's card number: %q, %v", n, err)
	}
	if IDNumber("USA110080010101").AgeOn(today) != 0 {
		t.Error("a foreigner's card number carries no birth date: its age must be 0, not a guess")
	}
}

// TestItemsTakeTheDocumentsTheCatalogueLists: every item takes the
// resident ID card; the sample catalogue's social insurance record print
// also takes the two others, household registration does not; a case of an
// item that does not take the document is refused wherever it is checked.
func TestItemsTakeTheDocumentsTheCatalogueLists(t *testing.T) {
	cat := sampleCatalog(t)
	rs, _ := cat.Item("RS-005")
	hk, _ := cat.Item("GA-001")
	for _, d := range IDDocuments {
		if !rs.AcceptsDocument(d) {
			t.Errorf("RS-005 should take the %s", d.Name().En)
		}
	}
	if hk.AcceptsDocument(ForeignPermanent) || !hk.AcceptsDocument(ResidentID) {
		t.Error("GA-001 (户口迁移) takes the resident ID card only")
	}
	err := CheckDocumentFor(hk, ForeignPermanent)
	if !errors.Is(err, ErrDocumentNotAccepted) || !errors.Is(err, ErrInvalidInput) || !strings.Contains(err.Error(), "居民身份证") {
		t.Errorf("GA-001 with a foreigner's card: want ErrDocumentNotAccepted naming what it takes, got %v", err)
	}
	bad := *cat
	bad.Items = append([]Item(nil), cat.Items...)
	bad.Items[0].Documents = []IDDocument{"passport", HMTResidence, HMTResidence, ResidentID}
	err = bad.Validate()
	for _, want := range []string{`"passport" is not an identity document`, `"hmt_residence" appears twice`, "always taken"} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("a catalogue with bad documents: want %q named, got %v", want, err)
		}
	}
}
