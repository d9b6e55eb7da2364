package sources

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/ensemble-be/ensemble/record"
	"golang.org/x/text/encoding/charmap"
)

// The JSON parser reads a list of objects, at the root of the document or under
// JSONOptions.Path, one listing per object. Its rules:
//
//   - A path is dotted: "data.events", "location.city"; a number selects an item of
//     a list ("data.0.items"); a key that itself holds dots ("geo.lat") is found too.
//     Through a list without an index, a path reaches every item
//     ("contactInfo.phones.value" is every phone's value).
//   - A value is text as found: strings trimmed, numbers as written, booleans "true"
//     or "false". Several values (a list) are joined with ", ", except for fields
//     that hold one value (URLs, e-mail, phone, dates, postcode, image): the first
//     non-empty one. An object or null gives nothing.
//   - URL fields are resolved against the page, a bare host name ("asbl.be/x") taken
//     as https, as in CSV; Listing.URL is left empty, as in CSV (normalization reads
//     the url field).
//   - JSONOptions.ID gives LocalID; JSONOptions.Next, read from the document's root,
//     gives Page.Next.
//   - A path to the list that is not in the document is an error naming it; an item
//     that is not an object, or has no title, is a Problem. A body that is not valid
//     UTF-8 (APIs answering in cp1252) is read as windows-1252, with a Problem.

// singleValueFields hold one value: a list in the document gives its first item.
var singleValueFields = map[string]bool{
	record.FieldURL: true, record.FieldOrganizerURL: true, record.FieldRegistration: true,
	record.FieldOnlineURL: true, record.FieldImage: true, record.FieldEmail: true, record.FieldPhone: true,
	record.FieldDate: true, record.FieldStart: true, record.FieldEnd: true, record.FieldPostcode: true,
	record.FieldStatus: true, record.FieldRRule: true,
}

// parseJSON reads a JSON document's list of objects into listings mapped by o.
func parseJSON(o JSONOptions, body []byte, pageURL string) (Page, error) {
	page := Page{Listings: []record.Listing{}}
	doc, problems, err := decodeJSONDocument(body)
	if err != nil {
		return Page{}, err
	}
	page.Problems = append(page.Problems, problems...)

	items, err := jsonList(doc, o.Path)
	if err != nil {
		return Page{}, err
	}
	base := parseBase(pageURL)
	type mapped struct{ field, path string }
	var fields []mapped
	for _, f := range sortedKeys(o.Fields) {
		fields = append(fields, mapped{f, strings.TrimSpace(o.Fields[f])})
	}
	for i, item := range items {
		where := fmt.Sprintf("item %d", i+1)
		obj, ok := item.(map[string]any)
		if !ok {
			page.Problems = append(page.Problems, Problem{Where: where, Message: fmt.Sprintf("not an object (%s)", jsonType(item))})
			continue
		}
		l := record.Listing{Fields: map[string]string{}}
		for _, f := range fields {
			found := jsonLookup(obj, f.path)
			v := jsonText(found, !singleValueFields[f.field])
			if v == "" && len(found) > 0 && jsonType(found[0]) == "an object" {
				page.Problems = append(page.Problems, Problem{
					Where:   fmt.Sprintf("%s, field %s (path %s)", where, f.field, f.path),
					Message: "an object, not a value: map a path into it",
				})
			}
			setField(&l, f.field, csvURL(f.field, v), base)
		}
		if _, ok := o.Fields[record.FieldTitle]; ok && l.Fields[record.FieldTitle] == "" {
			page.Problems = append(page.Problems, Problem{Where: where, Message: fmt.Sprintf("no title at %q", o.Fields[record.FieldTitle])})
		}
		if o.ID != "" {
			l.LocalID = jsonText(jsonLookup(obj, strings.TrimSpace(o.ID)), false)
		}
		page.Listings = append(page.Listings, l)
	}
	if o.Next != "" {
		if next := jsonText(jsonLookup(doc, strings.TrimSpace(o.Next)), false); next != "" {
			abs, ok := httpURL(base, next)
			self, _ := httpURL(base, pageURL)
			switch {
			case !ok:
				page.Problems = append(page.Problems, Problem{Where: fmt.Sprintf("page, next (path %s)", o.Next), Message: fmt.Sprintf("%q is not an http(s) URL", next)})
			case abs != self:
				page.Next = abs
			}
		}
	}
	return page, nil
}

// decodeJSONDocument decodes one JSON value, with numbers kept as written. A body
// that is not UTF-8 is read as windows-1252; data after the value is a Problem.
func decodeJSONDocument(body []byte) (any, []Problem, error) {
	var problems []Problem
	text := bytes.TrimPrefix(body, utf8BOM)
	if !utf8.Valid(text) {
		if out, err := charmap.Windows1252.NewDecoder().Bytes(text); err == nil {
			text = out
			problems = append(problems, Problem{Where: "document", Message: "not valid UTF-8: read as windows-1252"})
		}
	}
	dec := json.NewDecoder(bytes.NewReader(text))
	dec.UseNumber()
	var doc any
	if err := dec.Decode(&doc); err != nil {
		if errors.Is(err, io.EOF) {
			return nil, nil, errors.New("empty document")
		}
		return nil, nil, fmt.Errorf("invalid JSON: %w", err)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		problems = append(problems, Problem{Where: "document", Message: "data after the JSON value ignored"})
	}
	return doc, problems, nil
}

// jsonList returns the list at path in doc. A path that is not in the document, or
// that leads to something else than a list, is an error that says where lists are.
func jsonList(doc any, path string) ([]any, error) {
	path = strings.TrimSpace(path)
	v := doc
	if path != "" {
		var missing string
		v, missing = jsonAt(doc, strings.Split(path, "."))
		if missing != "" {
			return nil, fmt.Errorf("json.path %q: %s%s", path, missing, listHint(doc))
		}
	}
	list, ok := v.([]any)
	if !ok {
		what := "the document"
		if path != "" {
			what = fmt.Sprintf("json.path %q", path)
		}
		return nil, fmt.Errorf("%s is %s, not a list%s", what, jsonType(v), listHint(doc))
	}
	return list, nil
}

// jsonAt follows the segments of a path from v through objects and, by index,
// lists. missing says where it stopped ("no \"events\" in data"), or is "".
func jsonAt(v any, segs []string) (any, string) {
	var done []string
	for len(segs) > 0 {
		switch cur := v.(type) {
		case map[string]any:
			n := keyPrefix(cur, segs)
			if n == 0 {
				return nil, fmt.Sprintf("no %q in %s", segs[0], pathName(done))
			}
			v = cur[strings.Join(segs[:n], ".")]
			done, segs = append(done, segs[:n]...), segs[n:]
		case []any:
			i, err := strconv.Atoi(segs[0])
			if err != nil || i < 0 || i >= len(cur) {
				return nil, fmt.Sprintf("%q is not an index of the list at %s (%d items)", segs[0], pathName(done), len(cur))
			}
			v = cur[i]
			done, segs = append(done, segs[0]), segs[1:]
		default:
			return nil, fmt.Sprintf("%s is %s, %q not found in it", pathName(done), jsonType(cur), segs[0])
		}
	}
	return v, ""
}

// pathName names a path walked so far: "the document" for none.
func pathName(done []string) string {
	if len(done) == 0 {
		return "the document"
	}
	return strings.Join(done, ".")
}

// keyPrefix returns how many of segs, joined by dots, make a key of obj: the longest
// such, so that keys holding dots are found; 0 if none.
func keyPrefix(obj map[string]any, segs []string) int {
	for n := len(segs); n > 0; n-- {
		if _, ok := obj[strings.Join(segs[:n], ".")]; ok {
			return n
		}
	}
	return 0
}

// jsonLookup returns the values at a dotted path within v. Through a list without an
// index it reaches every item; nothing found gives nil.
func jsonLookup(v any, path string) []any {
	if path == "" {
		return nil
	}
	var out []any
	var walk func(v any, segs []string, depth int)
	walk = func(v any, segs []string, depth int) {
		if depth > maxDepth {
			return
		}
		if len(segs) == 0 {
			out = append(out, v)
			return
		}
		switch cur := v.(type) {
		case map[string]any:
			if n := keyPrefix(cur, segs); n > 0 {
				walk(cur[strings.Join(segs[:n], ".")], segs[n:], depth+1)
			}
		case []any:
			if i, err := strconv.Atoi(segs[0]); err == nil {
				if i >= 0 && i < len(cur) {
					walk(cur[i], segs[1:], depth+1)
				}
				return
			}
			for _, item := range cur {
				walk(item, segs, depth+1)
			}
		}
	}
	walk(v, strings.Split(path, "."), 0)
	return out
}

// jsonText returns the text of values found by jsonLookup: with all, every non-empty
// scalar (lists flattened) joined by ", ", without repeats; otherwise the first.
func jsonText(values []any, all bool) string {
	var parts []string
	var add func(v any, depth int)
	add = func(v any, depth int) {
		if depth > maxDepth {
			return
		}
		var s string
		switch v := v.(type) {
		case string:
			s = strings.TrimSpace(v)
		case json.Number:
			s = v.String()
		case bool:
			s = strconv.FormatBool(v)
		case []any:
			for _, item := range v {
				add(item, depth+1)
			}
			return
		}
		if s != "" && !contains(parts, s) {
			parts = append(parts, s)
		}
	}
	for _, v := range values {
		add(v, 0)
	}
	if len(parts) == 0 {
		return ""
	}
	if !all {
		return parts[0]
	}
	return strings.Join(parts, ", ")
}

// jsonType names the type of a decoded JSON value for messages.
func jsonType(v any) string {
	switch v.(type) {
	case map[string]any:
		return "an object"
	case []any:
		return "a list"
	case string:
		return "a string"
	case json.Number:
		return "a number"
	case bool:
		return "a boolean"
	}
	return "null"
}

// listHint names the paths of the lists of objects in doc, for an error message:
// "; lists of objects at: data.events, links".
func listHint(doc any) string {
	var paths []string
	var walk func(v any, path string, depth int)
	walk = func(v any, path string, depth int) {
		if depth > 6 || len(paths) >= 5 {
			return
		}
		switch cur := v.(type) {
		case map[string]any:
			keys := make([]string, 0, len(cur))
			for k := range cur {
				keys = append(keys, k)
			}
			sort.Strings(keys)
			for _, k := range keys {
				p := k
				if path != "" {
					p = path + "." + k
				}
				walk(cur[k], p, depth+1)
			}
		case []any:
			if len(cur) > 0 {
				if _, ok := cur[0].(map[string]any); ok {
					paths = append(paths, firstNonEmpty(path, `"" (the document)`))
				}
			}
		}
	}
	walk(doc, "", 0)
	if len(paths) == 0 {
		return ""
	}
	return "; lists of objects at: " + strings.Join(paths, ", ")
}
