package store

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/ensemble-be/ensemble/record"
)

func TestFlagCounts(t *testing.T) {
	s, _ := openTest(t)
	c := crawl(t, "net", map[string]string{"a": "A", "b": "B", "c": "C"})
	for i := range c.Records {
		c.Records[i].Flags = []record.Flag{{Code: "unclassified", Severity: record.SeverityInfo, Field: "kind"}}
		if c.Records[i].LocalID == "a" {
			c.Records[i].Flags = append(c.Records[i].Flags, record.Flag{Code: "date_unparsed", Severity: record.SeverityWarning})
		}
	}
	save(t, s, c)
	got, err := s.FlagCounts(context.Background(), "net")
	if err != nil || got["unclassified"] != 3 || got["date_unparsed"] != 1 || len(got) != 2 {
		t.Fatalf("FlagCounts = %v, %v; want unclassified 3, date_unparsed 1", got, err)
	}
}

func TestRenormalize(t *testing.T) {
	s, _ := openTest(t)
	ctx := context.Background()
	save(t, s, crawl(t, "net", map[string]string{"a": "groupe de parole", "b": "intervision", "c": "atelier"}))
	save(t, s, crawl(t, "net", map[string]string{"a": "groupe de parole", "b": "intervision"})) // c withdrawn
	before, _ := s.LastSeq(ctx)

	// A "better" normalizer: titles in upper case, and it now rejects listing b.
	upper := func(l record.Listing, fetched time.Time) (record.Record, error) {
		if l.LocalID == "b" {
			return record.Record{}, errors.New("rejected")
		}
		l.Fields[record.FieldTitle] = strings.ToUpper(l.Fields[record.FieldTitle])
		return record.Normalize(record.Origin{Source: "net", URL: "http://127.0.0.1/agenda/", Language: "fr"}, l, fetched)
	}
	res, err := s.Renormalize(ctx, "net", upper)
	if err != nil {
		t.Fatal(err)
	}
	if res != (RenormalizeResult{Records: 3, Changed: 2, Failed: 1}) {
		t.Errorf("Renormalize = %+v, want 3 records, 2 changed, 1 failed", res)
	}
	if after, _ := s.LastSeq(ctx); after != before+2 {
		t.Errorf("change log moved %d → %d, want 2 new changes", before, after)
	}
	a, _ := s.Record(ctx, record.NewID("net", "a"))
	c, _ := s.Record(ctx, record.NewID("net", "c"))
	b, _ := s.Record(ctx, record.NewID("net", "b"))
	if a.Title != "GROUPE DE PAROLE" || c.Title != "ATELIER" || b.Title != "intervision" {
		t.Errorf("titles after renormalize: %q %q %q", a.Title, c.Title, b.Title)
	}
	if c.Status != record.StatusWithdrawn {
		t.Errorf("renormalize changed a withdrawn record's status to %q", c.Status)
	}
	// Running it again changes nothing.
	if res, _ := s.Renormalize(ctx, "net", upper); res.Changed != 0 {
		t.Errorf("second Renormalize changed %d records", res.Changed)
	}
}

func TestMarkStale(t *testing.T) {
	s, _ := openTest(t)
	ctx := context.Background()
	long := time.Now().Add(-100 * 24 * time.Hour)
	s.now = func() time.Time { return long }
	save(t, s, crawl(t, "old", map[string]string{"a": "A"}))
	s.now = time.Now
	save(t, s, crawl(t, "new", map[string]string{"a": "A"}))
	n, err := s.MarkStale(ctx, time.Now())
	if err != nil || n != 1 {
		t.Fatalf("MarkStale = %d, %v; want 1", n, err)
	}
	if rec, _ := s.Record(ctx, record.NewID("old", "a")); rec.Status != record.StatusStale ||
		len(rec.Flags) == 0 || rec.Flags[len(rec.Flags)-1].Code != "stale" {
		t.Errorf("unseen for 100 days: status %q, flags %+v; want stale with a stale flag", rec.Status, rec.Flags)
	}
	if st := status(t, s, "new", "a"); st != record.StatusActive {
		t.Errorf("seen today: status %q, want active", st)
	}
	// Seen again: active again.
	save(t, s, crawl(t, "old", map[string]string{"a": "A"}))
	if st := status(t, s, "old", "a"); st != record.StatusActive {
		t.Errorf("stale record seen again: status %q, want active", st)
	}
}
