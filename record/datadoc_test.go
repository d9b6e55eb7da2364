package record

import (
	"os"
	"reflect"
	"strings"
	"testing"
	"time"
)

// jsonPaths lists the JSON paths of t's fields ("location.postcode"); structs nest,
// except time.Time and the sub-objects whose fields docs/data.md describes in a row.
func jsonPaths(t reflect.Type, prefix string) []string {
	var out []string
	for i := range t.NumField() {
		f := t.Field(i)
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if name == "" || name == "-" {
			continue
		}
		path := prefix + name
		ft := f.Type
		for ft.Kind() == reflect.Pointer || ft.Kind() == reflect.Slice {
			ft = ft.Elem()
		}
		if ft.Kind() == reflect.Struct && ft != reflect.TypeOf(time.Time{}) && name != "group_size" && name != "flags" {
			out = append(out, jsonPaths(ft, path+".")...)
			continue
		}
		out = append(out, path)
	}
	return out
}

// TestDataDictionaryCoversRecord checks docs/data.md against the Record type: every
// field of the public schema is documented, so the dictionary cannot fall behind.
func TestDataDictionaryCoversRecord(t *testing.T) {
	doc, err := os.ReadFile("../docs/data.md")
	if err != nil {
		t.Fatal(err)
	}
	for _, path := range jsonPaths(reflect.TypeOf(Record{}), "") {
		if !strings.Contains(string(doc), "`"+path+"`") {
			t.Errorf("docs/data.md does not document %s", path)
		}
	}
	for _, col := range CSVColumns {
		if !strings.Contains(string(doc), col) {
			t.Errorf("docs/data.md does not document the CSV column %s", col)
		}
	}
}
