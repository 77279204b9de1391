package app

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"onewindow/assets"
)

func sampleCatalog(t *testing.T) *Catalog {
	t.Helper()
	c, err := ParseCatalog(assets.SampleCatalog)
	if err != nil {
		t.Fatalf("the sample catalogue is refused: %v", err)
	}
	return c
}

func TestSampleCatalog(t *testing.T) {
	c := sampleCatalog(t)
	used := map[string]bool{}
	parallel, self := 0, 0
	for _, it := range c.Items {
		for _, d := range it.Departments {
			used[d] = true
		}
		if len(it.Parallel) > 0 {
			parallel++
		}
		if it.SelfService {
			self++
		}
		if it.Name.En == "" {
			t.Errorf("item %s has no English name", it.Code)
		}
	}
	if len(c.Items) < 30 || len(used) < 6 || parallel < 1 || self < 1 {
		t.Errorf("sample catalogue: %d items, %d departments used, %d parallel, %d self-service; want ≥30, ≥6, ≥1, ≥1",
			len(c.Items), len(used), parallel, self)
	}
	if it, ok := c.Item("GA-001"); !ok || it.Initials != "hkqysn" {
		t.Errorf("item GA-001 = %+v; want 户口迁移（市内） with initials hkqysn", it)
	}
}

func TestParseCatalogRefusesMalformedFiles(t *testing.T) {
	tests := map[string]string{
		"truncated.json":      "cut short",
		"wrong-type.json":     `line 3: field "categories.daily_limit" should be a int, not a JSON string`,
		"misspelt-field.json": `unknown field "itmes"`,
		"empty.json":          "the file is empty",
		"binary.json":         "line 1: invalid character",
		"two-catalogues.json": "line 2: something follows the end of the catalogue",
	}
	for file, want := range tests {
		data, err := os.ReadFile(filepath.Join("testdata", "catalog", file))
		if err != nil {
			t.Fatal(err)
		}
		_, err = ParseCatalog(data)
		if !errors.Is(err, ErrInvalidCatalog) || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: error = %v; want ErrInvalidCatalog saying %q", file, err, want)
		}
	}
}

func TestValidateNamesItemAndField(t *testing.T) {
	tests := []struct {
		name string
		edit func(c *Catalog)
		want []string
	}{
		{"no version", func(c *Catalog) { c.Version = 0 }, []string{"version: must be a positive number"}},
		{"promised over statutory", func(c *Catalog) { c.Items[0].PromisedDays = c.Items[0].StatutoryDays + 1 }, []string{"item 1 (GA-001 户口迁移（市内）): promised_days"}},
		{"unknown department", func(c *Catalog) { c.Items[2].Departments = []string{"nowhere"} }, []string{`item 3 (`, `departments: department "nowhere" is not in the catalogue`}},
		{"unknown category", func(c *Catalog) { c.Items[1].Category = "Z" }, []string{`category: queue category "Z" is not in the catalogue`}},
		{"bad material form", func(c *Catalog) { c.Items[0].Materials[1].Form = "scan" }, []string{`materials[2].form: is "scan"`}},
		{"zero copies", func(c *Catalog) { c.Items[0].Materials[0].Copies = 0 }, []string{"materials[1].copies"}},
		{"empty checklist", func(c *Catalog) { c.Items[4].Materials = nil }, []string{"materials: the checklist is empty"}},
		{"duplicate code", func(c *Catalog) { c.Items[5].Code = c.Items[4].Code }, []string{"item 6 (", "code: appears twice"}},
		{"parallel of one", func(c *Catalog) { c.Items[0].Parallel = []string{c.Items[0].Departments[0]} }, []string{"parallel: parallel approval needs at least two"}},
		{"bad initials", func(c *Catalog) { c.Items[0].Initials = "HKQY" }, []string{"initials: must be lower-case"}},
		{"bad prefix", func(c *Catalog) { c.Categories[0].Prefix = "AA" }, []string{"category 1 (AA): prefix"}},
		{"bad closing", func(c *Catalog) { c.Categories[0].Closes = "5pm" }, []string{"closes: must be a time of day"}},
		{"two problems at once", func(c *Catalog) { c.Version = -1; c.Items[7].Name.Zh = "" }, []string{"version:", "item 8 (", "name.zh: is empty"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := sampleCatalog(t)
			tt.edit(c)
			err := c.Validate()
			if !errors.Is(err, ErrInvalidCatalog) {
				t.Fatalf("Validate = %v; want ErrInvalidCatalog", err)
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("Validate error does not say %q:\n%v", w, err)
				}
			}
		})
	}
}

func TestCatalogRoundTrip(t *testing.T) {
	c := sampleCatalog(t)
	data, err := json.Marshal(c)
	if err != nil {
		t.Fatal(err)
	}
	back, err := ParseCatalog(data)
	if err != nil {
		t.Fatalf("a catalogue written by Marshal is refused: %v", err)
	}
	if len(back.Items) != len(c.Items) || back.Items[3].Materials[0] != c.Items[3].Materials[0] {
		t.Error("the catalogue changed on its way through JSON")
	}
}

func TestRatingValidate(t *testing.T) {
	tests := []struct {
		r    Rating
		want string
	}{
		{Rating{Level: Satisfied, Ticket: "A001"}, ""},
		{Rating{Level: Dissatisfied, Case: "K-1", Reasons: []string{"wait", "other"}, Comment: "排队太久"}, ""},
		{Rating{Level: 0, Ticket: "A001"}, "level: is 0"},
		{Rating{Level: 6, Ticket: "A001"}, "level: is 6"},
		{Rating{Level: Satisfied}, "must name the ticket or the case"},
		{Rating{Level: VeryDissatisfied, Ticket: "A001", Reasons: []string{"rude"}}, `"rude" is not a reason`},
		{Rating{Level: Satisfied, Ticket: "A001", Comment: strings.Repeat("好", 501)}, "longer than 500"},
	}
	for _, tt := range tests {
		err := tt.r.Validate()
		if tt.want == "" && err != nil || tt.want != "" && (!errors.Is(err, ErrInvalidInput) || !strings.Contains(err.Error(), tt.want)) {
			t.Errorf("Validate(%+v) = %v; want %q", tt.r, err, tt.want)
		}
	}
	for l := VeryDissatisfied; l <= VerySatisfied; l++ {
		if l.Name().Zh == "" || l.Bad() != (l <= Dissatisfied) {
			t.Errorf("level %d: name %q, bad %v", l, l.Name().Zh, l.Bad())
		}
	}
}

// TestJSONEnd: a stray bracket after a document is trailing data, which
// json.Decoder.More does not see.
func TestJSONEnd(t *testing.T) {
	for _, doc := range []string{`{"a":1}}`, `{"a":1}]`, `{"a":1} {"a":2}`, `{"a":1} x`} {
		var v map[string]int
		if err := DecodeStrict([]byte(doc), &v); !errors.Is(err, ErrTrailingData) {
			t.Errorf("%s: %v; want ErrTrailingData", doc, err)
		}
	}
	var v map[string]int
	if err := DecodeStrict([]byte(" {\"a\":1} \n"), &v); err != nil || v["a"] != 1 {
		t.Errorf("a document with white space around it: %v, %v", v, err)
	}
}
