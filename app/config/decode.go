package config

import (
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strings"

	"github.com/BurntSushi/toml"

	"onewindow/app"
)

// decode reads data into a Config key by key, so that a value of the wrong
// type or an unknown key is one named problem among all the others instead
// of the end of the reading: a plain toml.Decode into the struct stops at the
// first wrong type. The problems come in the order of the file. bad lists the
// keys whose values could not be read, so that later checks stay quiet about
// them. md is nil when data is not TOML at all.
func decode(data []byte) (c *Config, md *toml.MetaData, p app.Problems, bad []string) {
	var top map[string]toml.Primitive
	meta, err := toml.Decode(string(data), &top)
	if err != nil {
		var pe toml.ParseError
		if errors.As(err, &pe) {
			p.Add(fmt.Sprintf("line %d", pe.Position.Line), "this is not valid TOML: "+pe.Message)
		} else {
			p.Add("file", "this is not valid TOML: "+err.Error())
		}
		return nil, nil, p, nil
	}
	c = &Config{}
	d := decoder{md: &meta}
	d.fields(top, nil, reflect.ValueOf(c).Elem())
	slices.SortStableFunc(d.found, func(a, b finding) int { return d.order(a.key) - d.order(b.key) })
	for _, f := range d.found {
		p.Add(f.key.String(), f.what)
		bad = append(bad, f.key.String())
	}
	return c, &meta, p, bad
}

type decoder struct {
	md    *toml.MetaData
	found []finding
}

// finding is a key that could not be read, and why.
type finding struct {
	key  toml.Key
	what string
}

func (d *decoder) add(key toml.Key, what string) {
	d.found = append(d.found, finding{key, what})
}

// order is where key, or the first key under it, appears in the file.
func (d *decoder) order(key toml.Key) int {
	for i, k := range d.md.Keys() {
		if len(k) >= len(key) && slices.Equal(k[:len(key)], key) {
			return i
		}
	}
	return len(d.md.Keys())
}

// tableTypes are the TOML types a section may have: a table, or "" for one
// made implicitly by a deeper header such as [devices.idcard].
var tableTypes = []string{"Hash", ""}

// fields fills the struct v from the TOML table tbl found at key at.
func (d *decoder) fields(tbl map[string]toml.Primitive, at toml.Key, v reflect.Value) {
	t := v.Type()
	var known []string
	for i := range t.NumField() {
		name := t.Field(i).Tag.Get("toml")
		known = append(known, name)
		prim, ok := tbl[name]
		if !ok {
			continue
		}
		key := append(slices.Clip(at), name)
		fv := v.Field(i)
		switch {
		case fv.Kind() == reflect.Pointer && fv.Type().Elem().Kind() == reflect.Struct:
			fv.Set(reflect.New(fv.Type().Elem()))
			d.table(prim, key, fv.Elem())
		case fv.Kind() == reflect.Struct:
			d.table(prim, key, fv)
		default:
			if err := d.md.PrimitiveDecode(prim, fv.Addr().Interface()); err != nil {
				d.add(key, d.mismatch(key, fv.Type()))
			}
		}
	}
	d.unknown(tbl, at, known)
}

// table decodes the sub-table at key into the struct v.
func (d *decoder) table(prim toml.Primitive, key toml.Key, v reflect.Value) {
	// The decoder turns a value that is not a table into an empty map
	// without complaint, so the type is checked first.
	var tbl map[string]toml.Primitive
	if t := d.md.Type(key...); !slices.Contains(tableTypes, t) {
		d.add(key, fmt.Sprintf("should be a section [%s], not %s", key, tomlWords(t)))
		return
	}
	if err := d.md.PrimitiveDecode(prim, &tbl); err != nil {
		d.add(key, fmt.Sprintf("should be a section [%s]: %v", key, err))
		return
	}
	d.fields(tbl, key, v)
}

// unknown names every key of tbl that is not a setting, in the order the
// file has them: a misspelt key would otherwise be ignored and its setting
// silently left at the default.
func (d *decoder) unknown(tbl map[string]toml.Primitive, at toml.Key, known []string) {
	var names []string
	for name := range tbl {
		if !slices.Contains(known, name) {
			names = append(names, name)
		}
	}
	slices.Sort(names) // decode puts them in the file's order
	for _, name := range names {
		key := append(slices.Clip(at), name)
		what := "is not a setting onewindow knows"
		if s := suggest(name, known); s != "" {
			what += "; did you mean " + s + "?"
		} else {
			where := "at the top of the file"
			if len(at) > 0 {
				where = "in [" + at.String() + "]"
			}
			what += "; the settings " + where + " are " + strings.Join(known, ", ")
		}
		d.add(key, what)
	}
}

// mismatch says what a value of the wrong type should have been.
func (d *decoder) mismatch(key toml.Key, want reflect.Type) string {
	got := d.md.Type(key...)
	if want.Kind() == reflect.Slice && got == "Array" {
		return `should be a list of text, each entry in quotes, like ["A", "C"]`
	}
	var w string
	switch want.Kind() {
	case reflect.String:
		w = "text in quotes"
	case reflect.Int:
		w = "a whole number"
	case reflect.Bool:
		w = "true or false"
	case reflect.Slice:
		w = `a list, like ["A", "C"]`
	default:
		w = want.String()
	}
	return fmt.Sprintf("should be %s, not %s", w, tomlWords(got))
}

// tomlWords names a TOML type for someone who does not read the TOML spec.
func tomlWords(t string) string {
	switch t {
	case "String":
		return "text"
	case "Integer":
		return "a whole number"
	case "Float":
		return "a number with a decimal point"
	case "Bool":
		return "true or false"
	case "Array":
		return "a list"
	case "Hash":
		return "a section"
	case "ArrayHash":
		return "a list of sections"
	case "Datetime":
		return "a date or time"
	}
	return "a value of type " + t
}

// suggest returns the known name that name was probably meant to be: the
// same apart from case, '_' and '-', or one or two letters off.
func suggest(name string, known []string) string {
	norm := func(s string) string {
		return strings.NewReplacer("_", "", "-", "").Replace(strings.ToLower(s))
	}
	for _, k := range known {
		if norm(k) == norm(name) {
			return k
		}
	}
	// Short names are one slip apart from too many others to guess at two.
	limit := 2
	if len([]rune(name)) <= 4 {
		limit = 1
	}
	for _, k := range known {
		if editDistance(norm(k), norm(name)) <= limit {
			return k
		}
	}
	return ""
}

// editDistance is the Levenshtein distance between a and b.
func editDistance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(rb)]
}
