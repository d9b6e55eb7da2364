package store

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/ensemble-be/ensemble/record"
)

func TestReports(t *testing.T) {
	s, _ := openTest(t)
	ctx := context.Background()
	save(t, s, crawl(t, "net", map[string]string{"a": "Groupe de parole", "b": "Intervision"}))
	save(t, s, crawl(t, "other", map[string]string{"x": "Praatgroep"}))
	a, x := record.NewID("net", "a"), record.NewID("other", "x")

	for _, rep := range []record.Report{
		{Record: a, Reason: "outdated"},
		{Record: a, Reason: "other", Text: "Le lieu a changé"},
		{Record: x, Reason: "broken-link"},
	} {
		got, err := s.AddReport(ctx, rep)
		if err != nil || got.ID == 0 || got.Source == "" || got.At.IsZero() {
			t.Fatalf("AddReport(%+v) = %+v, %v", rep, got, err)
		}
	}
	if _, err := s.AddReport(ctx, record.Report{Record: "nope", Reason: "other"}); !errors.Is(err, ErrNotFound) {
		t.Errorf("report on an unknown record: %v, want ErrNotFound", err)
	}
	if _, err := s.AddReport(ctx, record.Report{Record: a, Reason: "because"}); err == nil || !strings.Contains(err.Error(), "reason") {
		t.Errorf("report with an unknown reason: %v", err)
	}
	if _, err := s.AddReport(ctx, record.Report{Record: a, Reason: "other", Text: strings.Repeat("é", 1001)}); err == nil {
		t.Errorf("report over 1000 characters was saved")
	}

	net, err := s.Reports(ctx, "net", 10)
	if err != nil || len(net) != 2 || net[0].Text != "Le lieu a changé" || net[0].Source != "net" {
		t.Fatalf("Reports(net) = %+v, %v", net, err)
	}
	if all, err := s.Reports(ctx, "", 10); err != nil || len(all) != 3 {
		t.Errorf("Reports(all) = %d, %v, want 3", len(all), err)
	}
	counts, err := s.ReportCounts(ctx, "net")
	if err != nil || len(counts) != 1 || counts[a] != 2 {
		t.Errorf("ReportCounts(net) = %v, %v, want {%s: 2}", counts, err, a)
	}
}
