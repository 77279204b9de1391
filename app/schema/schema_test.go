package schema

import (
	"strings"
	"testing"
	"testing/fstest"
)

func TestReadInOrderAndRefusesGapsAndBadNames(t *testing.T) {
	t.Parallel()
	ms, err := Read(fstest.MapFS{
		"m/0002_more.sql":  {Data: []byte("B")},
		"m/0001_first.sql": {Data: []byte("A")},
	}, "m")
	if err != nil || len(ms) != 2 || ms[0].SQL != "A" || ms[1].Version != 2 {
		t.Fatalf("want 0001 then 0002, got %+v, %v", ms, err)
	}
	for name, files := range map[string]fstest.MapFS{
		"want version 2":      {"m/0001_a.sql": {}, "m/0003_c.sql": {}},
		"not named NNNN_name": {"m/first.sql": {}},
	} {
		if _, err := Read(files, "m"); err == nil || !strings.Contains(err.Error(), name) {
			t.Errorf("want an error saying %q, got %v", name, err)
		}
	}
}
