package app

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"regexp"
	"strings"
)

// Text is a string in the hall's two languages: Chinese first, English second.
type Text struct {
	Zh string `json:"zh"`
	En string `json:"en"`
}

// In returns the text in lang ("zh" or "en"), falling back to Chinese.
func (t Text) In(lang string) string {
	if lang == "en" && t.En != "" {
		return t.En
	}
	return t.Zh
}

// MaterialForm says whether the hall needs the original of a document or a copy.
type MaterialForm string

// Material forms.
const (
	Original MaterialForm = "original" // 原件
	Copy     MaterialForm = "copy"     // 复印件
)

// Material is one line of an item's materials checklist (申请材料).
type Material struct {
	Name     Text         `json:"name"`
	Form     MaterialForm `json:"form"`
	Copies   int          `json:"copies"`
	Required bool         `json:"required"`
}

// Department is a department that decides on items (受理/审批部门).
type Department struct {
	Code string `json:"code"`
	Name Text   `json:"name"`
}

// Category is a queue category (业务类别): its tickets are numbered with its
// letter prefix, A001, A002 …
type Category struct {
	Prefix     string `json:"prefix"`
	Name       Text   `json:"name"`
	DailyLimit int    `json:"daily_limit"`
	Closes     string `json:"closes"` // HH:MM, hall-local time; no ticket is issued after it
}

// Item is a service item (事项) with its published guide (办事指南).
type Item struct {
	Code          string     `json:"code"`
	Name          Text       `json:"name"`
	Initials      string     `json:"initials"` // pinyin initials of the Chinese name, for search: 户口迁移 → hkqy
	Departments   []string   `json:"departments"`
	Category      string     `json:"category"`
	SelfService   bool       `json:"self_service"`
	Materials     []Material `json:"materials"`
	Conditions    []Text     `json:"conditions"`
	Fees          Text       `json:"fees"`
	LegalBasis    []Text     `json:"legal_basis"`
	StatutoryDays int        `json:"statutory_days"` // 法定办结时限, working days
	PromisedDays  int        `json:"promised_days"`  // 承诺办结时限, working days
	Parallel      []string   `json:"parallel"`       // departments that decide in parallel (并联审批); empty when one decides
	// Documents are the identity documents the item takes besides the
	// resident ID card (AcceptsDocument); empty: that card only.
	Documents []IDDocument `json:"documents,omitempty"`
}

// AllMaterials are the indexes of every material of the item: what a
// clerk ticks when everything was brought.
func (it Item) AllMaterials() []int {
	idx := make([]int, len(it.Materials))
	for i := range idx {
		idx[i] = i
	}
	return idx
}

// Catalog is a published version of the service catalogue. Central owns it;
// terminals keep a read-only copy.
type Catalog struct {
	Version     int64        `json:"version"`
	Departments []Department `json:"departments"`
	Categories  []Category   `json:"categories"`
	Items       []Item       `json:"items"`
}

// Item returns the item with the given code.
func (c *Catalog) Item(code string) (Item, bool) {
	for _, it := range c.Items {
		if it.Code == code {
			return it, true
		}
	}
	return Item{}, false
}

// ParseCatalog decodes a catalogue from JSON and validates it. Unknown fields
// are refused, since a misspelt field would otherwise silently vanish.
func ParseCatalog(data []byte) (*Catalog, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	var c Catalog
	if err := dec.Decode(&c); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrInvalidCatalog, jsonErrorText(data, err))
	}
	if JSONEnd(dec) != nil {
		return nil, fmt.Errorf("%w: line %d: something follows the end of the catalogue", ErrInvalidCatalog, lineOf(data, dec.InputOffset()))
	}
	if err := c.Validate(); err != nil {
		return nil, err
	}
	return &c, nil
}

var (
	itemCodeRe = regexp.MustCompile(`^[A-Za-z0-9_-]{1,40}$`)
	prefixRe   = regexp.MustCompile(`^[A-Z]$`)
	initialsRe = regexp.MustCompile(`^[a-z]*$`)
	closesRe   = regexp.MustCompile(`^([01][0-9]|2[0-3]):[0-5][0-9]$`)
)

// Validate checks the whole catalogue and names every problem with the item
// (or department, or category) and the field it is in.
func (c *Catalog) Validate() error {
	var p Problems
	if c.Version <= 0 {
		p.Add("version", "must be a positive number")
	}
	depts := map[string]bool{}
	for i, d := range c.Departments {
		where := fmt.Sprintf("department %d (%s)", i+1, d.Code)
		switch {
		case d.Code == "":
			p.Add(where+": code", "is empty")
		case depts[d.Code]:
			p.Add(where+": code", "appears twice")
		}
		depts[d.Code] = true
		if d.Name.Zh == "" {
			p.Add(where+": name.zh", "is empty")
		}
	}
	cats := map[string]bool{}
	for i, k := range c.Categories {
		where := fmt.Sprintf("category %d (%s)", i+1, k.Prefix)
		switch {
		case !prefixRe.MatchString(k.Prefix):
			p.Add(where+": prefix", "must be one capital letter A–Z")
		case cats[k.Prefix]:
			p.Add(where+": prefix", "appears twice")
		}
		cats[k.Prefix] = true
		if k.Name.Zh == "" {
			p.Add(where+": name.zh", "is empty")
		}
		if k.DailyLimit < 1 || k.DailyLimit > 999 {
			p.Add(where+": daily_limit", "must be between 1 and 999 (numbers have three digits)")
		}
		if !closesRe.MatchString(k.Closes) {
			p.Add(where+": closes", "must be a time of day like 17:00")
		}
	}
	if len(c.Items) == 0 {
		p.Add("items", "the catalogue has no items")
	}
	codes := map[string]bool{}
	for i, it := range c.Items {
		where := fmt.Sprintf("item %d (%s)", i+1, it.Code)
		if it.Name.Zh != "" {
			where = fmt.Sprintf("item %d (%s %s)", i+1, it.Code, it.Name.Zh)
		}
		switch {
		case !itemCodeRe.MatchString(it.Code):
			p.Add(where+": code", "must be 1–40 letters, digits, '-' or '_'")
		case codes[it.Code]:
			p.Add(where+": code", "appears twice")
		}
		codes[it.Code] = true
		if it.Name.Zh == "" {
			p.Add(where+": name.zh", "is empty")
		}
		if !initialsRe.MatchString(it.Initials) {
			p.Add(where+": initials", "must be lower-case pinyin initials, like hkqy")
		}
		if len(it.Departments) == 0 {
			p.Add(where+": departments", "names no department")
		}
		for _, d := range it.Departments {
			if !depts[d] {
				p.Add(where+": departments", fmt.Sprintf("department %q is not in the catalogue", d))
			}
		}
		if !cats[it.Category] {
			p.Add(where+": category", fmt.Sprintf("queue category %q is not in the catalogue", it.Category))
		}
		if len(it.Materials) == 0 {
			p.Add(where+": materials", "the checklist is empty")
		}
		for j, m := range it.Materials {
			mw := fmt.Sprintf("%s: materials[%d]", where, j+1)
			if m.Name.Zh == "" {
				p.Add(mw+".name.zh", "is empty")
			}
			if m.Form != Original && m.Form != Copy {
				p.Add(mw+".form", fmt.Sprintf("is %q; must be \"original\" or \"copy\"", m.Form))
			}
			if m.Copies < 1 || m.Copies > 20 {
				p.Add(mw+".copies", "must be between 1 and 20")
			}
		}
		if it.StatutoryDays < 1 || it.StatutoryDays > 365 {
			p.Add(where+": statutory_days", "must be between 1 and 365 working days")
		}
		if it.PromisedDays < 1 {
			p.Add(where+": promised_days", "must be at least 1 working day")
		} else if it.PromisedDays > it.StatutoryDays {
			p.Add(where+": promised_days", fmt.Sprintf("%d is longer than the statutory limit of %d", it.PromisedDays, it.StatutoryDays))
		}
		if len(it.Parallel) == 1 {
			p.Add(where+": parallel", "parallel approval needs at least two departments")
		}
		checkDocuments(&p, where, it.Documents)
		seen := map[string]bool{}
		for _, d := range it.Parallel {
			if !depts[d] {
				p.Add(where+": parallel", fmt.Sprintf("department %q is not in the catalogue", d))
			}
			if seen[d] {
				p.Add(where+": parallel", fmt.Sprintf("department %q appears twice", d))
			}
			seen[d] = true
		}
	}
	return p.Err(ErrInvalidCatalog)
}

// Problems collects what is wrong with an input, each named by where it is.
type Problems []string

// Add records that the field at where has the problem what.
func (p *Problems) Add(where, what string) { *p = append(*p, where+": "+what) }

// Err returns nil when there are no problems, or an error wrapping kind that
// lists them one per line.
func (p Problems) Err(kind error) error {
	if len(p) == 0 {
		return nil
	}
	return &ProblemsError{Kind: kind, Problems: p}
}

// ProblemsError is an input refused for one or more named problems.
type ProblemsError struct {
	Kind     error
	Problems []string
}

func (e *ProblemsError) Error() string {
	return e.Kind.Error() + ":\n  " + strings.Join(e.Problems, "\n  ")
}

func (e *ProblemsError) Unwrap() error { return e.Kind }

// jsonErrorText turns a decoding error into words with a line number.
func jsonErrorText(data []byte, err error) string {
	switch {
	case errors.Is(err, io.EOF):
		return "the file is empty"
	case errors.Is(err, io.ErrUnexpectedEOF):
		return "the file ends in the middle of the catalogue; it may have been cut short"
	}
	var off int64 = -1
	switch e := err.(type) {
	case *json.SyntaxError:
		off = e.Offset
	case *json.UnmarshalTypeError:
		off = e.Offset
		return fmt.Sprintf("line %d: field %q should be a %s, not a JSON %s", lineOf(data, off), e.Field, e.Type, e.Value)
	}
	if off >= 0 {
		return fmt.Sprintf("line %d: %v", lineOf(data, off), err)
	}
	return err.Error()
}

func lineOf(data []byte, off int64) int {
	if off > int64(len(data)) {
		off = int64(len(data))
	}
	return bytes.Count(data[:off], []byte("\n")) + 1
}
