package app

import (
	"fmt"
	"strings"
	"time"
)

// IDDocument is the identity document an applicant showed. The resident ID
// card (居民身份证) is the empty value, so records from before other
// documents were taken read as it.
type IDDocument string

// Identity documents a hall takes.
const (
	ResidentID       IDDocument = ""                  // 居民身份证
	ForeignPermanent IDDocument = "foreign_permanent" // 外国人永久居留身份证
	HMTResidence     IDDocument = "hmt_residence"     // 港澳台居民居住证
)

// IDDocuments lists every document, the resident ID card first.
var IDDocuments = []IDDocument{ResidentID, ForeignPermanent, HMTResidence}

// Valid reports whether d is a document the hall knows.
func (d IDDocument) Valid() bool {
	switch d {
	case ResidentID, ForeignPermanent, HMTResidence:
		return true
	}
	return false
}

// Name is the document's name, as screens and paper say it.
func (d IDDocument) Name() Text {
	switch d {
	case ResidentID:
		return Text{Zh: "居民身份证", En: "resident identity card"}
	case ForeignPermanent:
		return Text{Zh: "外国人永久居留身份证", En: "foreigner's permanent residence card"}
	case HMTResidence:
		return Text{Zh: "港澳台居民居住证", En: "residence permit for Hong Kong, Macao and Taiwan residents"}
	}
	return Text{Zh: string(d), En: string(d)}
}

// ParseDocumentNumber checks the number of document d: a resident ID
// number (ParseIDNumber); a residence permit's, which is one of region
// 810000 (Hong Kong), 820000 (Macao) or 830000 (Taiwan); a foreigner's
// permanent residence card's 15 characters, the holder's nationality in
// three capital letters (ISO 3166-1) and twelve digits.
func ParseDocumentNumber(d IDDocument, s string, today time.Time) (IDNumber, error) {
	switch d {
	case ResidentID:
		return ParseIDNumber(s, today)
	case HMTResidence:
		n, err := ParseIDNumber(s, today)
		if err != nil {
			return "", err
		}
		if r := string(n)[:6]; r != "810000" && r != "820000" && r != "830000" {
			return "", fmt.Errorf("%w: a residence permit's number starts with 810000, 820000 or 830000", ErrInvalidIDNumber)
		}
		return n, nil
	case ForeignPermanent:
		s = strings.ToUpper(strings.TrimSpace(s))
		if len(s) != 15 {
			return "", fmt.Errorf("%w: a permanent residence card's number has 15 characters, this one %d", ErrInvalidIDNumber, len([]rune(s)))
		}
		for i := 0; i < 15; i++ {
			if c := s[i]; i < 3 && (c < 'A' || c > 'Z') || i >= 3 && (c < '0' || c > '9') {
				return "", fmt.Errorf("%w: a permanent residence card's number is three letters, then twelve digits", ErrInvalidIDNumber)
			}
		}
		return IDNumber(s), nil
	}
	return "", fmt.Errorf("%w: %q is not an identity document the hall takes", ErrInvalidInput, d)
}

// ParseAnyDocumentNumber checks a number of any document the hall takes:
// an 18-character one (a resident ID card's or a residence permit's), or a
// foreigner's permanent residence card's. It serves look-ups by number,
// which do not say the document.
func ParseAnyDocumentNumber(s string, today time.Time) (IDNumber, error) {
	if len(strings.TrimSpace(s)) == 15 {
		return ParseDocumentNumber(ForeignPermanent, s, today)
	}
	return ParseIDNumber(s, today)
}

// AcceptsDocument reports whether the item may be applied for with
// document d: every item takes the resident ID card, and those whose
// catalogue entry lists others take those too.
func (it Item) AcceptsDocument(d IDDocument) bool {
	if d == ResidentID {
		return true
	}
	for _, x := range it.Documents {
		if x == d {
			return true
		}
	}
	return false
}

// ErrDocumentNotAccepted means the applicant's identity document is not one
// the item may be applied for with.
var ErrDocumentNotAccepted = fmt.Errorf("%w: the item does not take this identity document", ErrInvalidInput)

// CheckDocumentFor says, in a clerk's words, why an applicant with
// document d cannot apply for item, or nil.
func CheckDocumentFor(it Item, d IDDocument) error {
	if it.AcceptsDocument(d) {
		return nil
	}
	return fmt.Errorf("%w: %s (%s) takes only %s", ErrDocumentNotAccepted, it.Name.Zh, it.Code, documentNames(it))
}

func documentNames(it Item) string {
	names := []string{ResidentID.Name().Zh}
	for _, d := range it.Documents {
		names = append(names, d.Name().Zh)
	}
	return strings.Join(names, "、")
}

// checkDocuments names what is wrong with an item's list of documents.
func checkDocuments(p *Problems, where string, docs []IDDocument) {
	seen := map[IDDocument]bool{}
	for _, d := range docs {
		switch {
		case d == ResidentID:
			p.Add(where+": documents", "the resident ID card is always taken; list only the others")
		case !d.Valid():
			p.Add(where+": documents", fmt.Sprintf("%q is not an identity document; use foreign_permanent or hmt_residence", d))
		case seen[d]:
			p.Add(where+": documents", fmt.Sprintf("%q appears twice", d))
		}
		seen[d] = true
	}
}
