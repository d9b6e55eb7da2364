package sources

import (
	"strings"
	"testing"
)

func FuzzParsePush(f *testing.F) {
	f.Add(uint8(0), `{"id":"1","title":"Groupe de parole","date":"2027-01-14T18:30","place":"1060 Saint-Gilles"}`+"\n")
	f.Add(uint8(1), "id;title;date\n1;Praatgroep rouw;2027-02-09 19:30\n")
	f.Add(uint8(2), `{"contents":[{"id":"s1","name":"Groupe"}],"total_items":1}`)
	formats := []string{PushJSONL, PushCSV, PushHSDS}
	f.Fuzz(func(t *testing.T, format uint8, body string) {
		page, err := ParsePush(formats[int(format)%len(formats)], []byte(body), "https://partner.example.org/push")
		if err != nil {
			return
		}
		for _, l := range page.Listings {
			if l.URL != "" && !strings.HasPrefix(l.URL, "http") {
				t.Fatalf("listing URL %q is not absolute", l.URL)
			}
		}
		for _, p := range page.Problems {
			if p.Where == "" || p.Message == "" {
				t.Fatalf("problem without where or message: %+v", p)
			}
		}
	})
}
