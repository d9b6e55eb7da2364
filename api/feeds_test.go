package api

import (
	"net/http"
	"strings"
	"testing"
	"time"

	ics "github.com/arran4/golang-ical"
	"github.com/mmcdole/gofeed"
)

func TestSearchAtom(t *testing.T) {
	ts, st, _ := newTestServer(t, 3)
	st.recs[1].UpdatedAt = time.Now().Add(time.Hour) // the latest change comes first
	st.recs[2].Title = `Groupe de parole 02 <script>alert("x")</script> & co`
	st.recs[2].Organization.Name = "Réseau Passerelles"
	resp, body := get(t, ts.URL+"/api/v1/search.atom?q=parole&kind=discussion-group")
	if resp.StatusCode != http.StatusOK || !strings.HasPrefix(resp.Header.Get("Content-Type"), "application/atom+xml") {
		t.Fatalf("GET search.atom: %d %s: %s", resp.StatusCode, resp.Header.Get("Content-Type"), body)
	}
	feed, err := gofeed.NewParser().ParseString(string(body))
	if err != nil {
		t.Fatalf("gofeed cannot read the Atom feed: %v\n%s", err, body)
	}
	if feed.FeedType != "atom" || len(feed.Items) != 3 || feed.Items[0].GUID != "urn:uuid:"+st.recs[1].ID {
		t.Fatalf("feed: type %q, %d items, first %+v", feed.FeedType, len(feed.Items), feed.Items)
	}
	var found bool
	for _, it := range feed.Items {
		if it.Title == st.recs[2].Title {
			found = true
			if len(it.Authors) == 0 || it.Authors[0].Name != "Réseau Passerelles" {
				t.Errorf("entry author = %+v", it.Authors)
			}
		}
		if it.Link == "" || it.UpdatedParsed == nil {
			t.Errorf("entry %q: link %q, updated %v", it.Title, it.Link, it.UpdatedParsed)
		}
	}
	if !found {
		t.Errorf("the title with markup did not come back intact")
	}
	if n := strings.Count(string(body), "<script>"); n != 0 {
		t.Errorf("raw <script> in the feed")
	}
	if resp, _ := get(t, ts.URL+"/api/v1/search.atom?per_page=1"); resp.StatusCode != http.StatusOK {
		t.Errorf("per_page=1: %d", resp.StatusCode)
	}
	if resp, body := get(t, ts.URL+"/api/v1/search.atom?kind=nonsense"); resp.StatusCode != http.StatusBadRequest ||
		!strings.Contains(string(body), `"kind"`) {
		t.Errorf("kind=nonsense: %d %s", resp.StatusCode, body)
	}
}

func TestSearchICS(t *testing.T) {
	ts, st, _ := newTestServer(t, 3)
	next := time.Now().Add(48 * time.Hour).Truncate(time.Minute)
	st.recs[0].Schedule.Next = []time.Time{next, next.Add(7 * 24 * time.Hour), time.Now().Add(-time.Hour)}
	st.recs[0].Schedule.DurationMinutes = 90
	st.recs[0].Location.City, st.recs[0].Location.Postcode = "Saint-Gilles", "1060"
	past := time.Now().Add(-72 * time.Hour)
	st.recs[1].Schedule.Start = &past // over: no session
	resp, body := get(t, ts.URL+"/api/v1/search.ics?q=parole")
	if resp.StatusCode != http.StatusOK || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/calendar") {
		t.Fatalf("GET search.ics: %d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	cal, err := ics.ParseCalendar(strings.NewReader(string(body)))
	if err != nil {
		t.Fatalf("golang-ical cannot read the calendar: %v\n%s", err, body)
	}
	events := cal.Events()
	if len(events) != 2 {
		t.Fatalf("%d events, want the 2 upcoming sessions:\n%s", len(events), body)
	}
	start, err := events[0].GetStartAt()
	if err != nil || !start.Equal(next) {
		t.Errorf("first session starts %v (%v), want %v", start, err, next)
	}
	end, err := events[0].GetEndAt()
	if err != nil || end.Sub(start) != 90*time.Minute {
		t.Errorf("first session ends %v (%v)", end, err)
	}
	if loc := events[0].GetProperty(ics.ComponentPropertyLocation); loc == nil || !strings.Contains(loc.Value, "1060 Saint-Gilles") {
		t.Errorf("location = %+v", loc)
	}
	if events[0].Id() == events[1].Id() {
		t.Errorf("two sessions share the UID %s", events[0].Id())
	}
}
