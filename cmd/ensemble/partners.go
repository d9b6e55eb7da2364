package main

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"text/tabwriter"
	"time"

	"github.com/ensemble-be/ensemble/crawler"
	"github.com/ensemble-be/ensemble/record"
	"github.com/ensemble-be/ensemble/sources"
)

// partnerCrawls is the partner API's Crawls: the server's own crawler and scheduler,
// so a dry run reads a definition exactly as a real crawl would.
type partnerCrawls struct {
	a *app
	c *crawler.Crawler
}

// Check reports a schedule the scheduler would refuse, naming the field.
func (p partnerCrawls) Check(def sources.Definition) error {
	if _, err := crawler.ParseSchedule(def.Schedule); err != nil {
		return &sources.FieldError{Field: "schedule", Problem: err.Error()}
	}
	return nil
}

// DryRun fetches and parses def without saving anything.
func (p partnerCrawls) DryRun(ctx context.Context, def sources.Definition) (record.Crawl, error) {
	return p.c.Fetch(ctx, def), nil
}

// CrawlNow crawls the scheduled source id now and waits for it.
func (p partnerCrawls) CrawlNow(ctx context.Context, id string) error {
	p.a.scheduler.RunNow(ctx, id)
	return nil
}

// Reschedule brings the scheduler in line with the stored source id.
func (p partnerCrawls) Reschedule(ctx context.Context, id string) { p.a.syncSource(ctx, id) }

// syncSource schedules source id if it may be crawled (it exists, and is not a
// partner's source waiting for review), and unschedules it otherwise.
func (a *app) syncSource(ctx context.Context, id string) {
	reg, err := a.store.Source(ctx, id)
	if errors.Is(err, record.ErrNotFound) {
		a.scheduler.Remove(id)
		return
	}
	if err != nil {
		a.log.Error("reschedule failed", "source", id, "error", err)
		return
	}
	ok, err := a.store.SourceApproved(ctx, id)
	if err != nil {
		a.log.Error("reschedule failed", "source", id, "error", err)
		return
	}
	if !ok {
		a.scheduler.Remove(id)
		return
	}
	if err := a.scheduler.Set(reg.Definition); err != nil {
		a.log.Error("reschedule failed", "source", id, "error", err)
	}
}

// approvedPartnerSources returns the definitions of partners' approved sources.
func (a *app) approvedPartnerSources(ctx context.Context) ([]sources.Definition, error) {
	owned, err := a.store.PartnerSources(ctx, 0)
	if err != nil {
		return nil, err
	}
	var defs []sources.Definition
	for _, o := range owned {
		if o.State == sources.StateApproved {
			defs = append(defs, o.Definition)
		}
	}
	return defs, nil
}

// syncPartnerSources brings the schedule in line with partners' sources (run every
// half minute), for reviews done with the CLI in another process.
func (a *app) syncPartnerSources(ctx context.Context) {
	owned, err := a.store.PartnerSources(ctx, 0)
	if err != nil && ctx.Err() == nil {
		a.log.Error("partner sources not synced", "error", err)
	}
	for _, o := range owned {
		a.syncSource(ctx, o.Definition.ID)
	}
}

// partners runs `partners add NAME --email E`, `partners list` and `partners revoke ID`.
func (m *Main) partners(ctx context.Context, args []string) error {
	a, err := m.openStore(ctx)
	if err != nil {
		return err
	}
	audit := func(partner int64, action, target string) error {
		return a.store.AddAudit(ctx, record.AuditEntry{Partner: partner, Actor: "cli", Action: action, Target: target, Remote: "local"})
	}
	switch args[0] {
	case "add":
		p, token, err := a.store.AddPartner(ctx, args[1], m.Config.Email)
		if err != nil {
			return fmt.Errorf("partners add: %w", err)
		}
		if err := audit(p.ID, "partner.add", strconv.FormatInt(p.ID, 10)); err != nil {
			return err
		}
		fmt.Fprintf(m.Stdout, "partner %d added: %s <%s>\ntoken (shown once, keep it secret): %s\n", p.ID, p.Name, p.Email, token)
		return nil
	case "revoke":
		id, err := strconv.ParseInt(args[1], 10, 64)
		if err != nil {
			return fmt.Errorf("partners revoke: %q is not a partner id", args[1])
		}
		if err := a.store.RevokePartner(ctx, id); err != nil {
			return fmt.Errorf("partners revoke: %w", err)
		}
		if err := audit(id, "partner.revoke", args[1]); err != nil {
			return err
		}
		fmt.Fprintf(m.Stdout, "partner %d revoked: its token no longer works\n", id)
		return nil
	}
	list, err := a.store.Partners(ctx)
	if err != nil {
		return err
	}
	tw := tabwriter.NewWriter(m.Stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tNAME\tEMAIL\tCREATED\tREVOKED")
	for _, p := range list {
		revoked := "-"
		if p.RevokedAt != nil {
			revoked = p.RevokedAt.Format(time.DateTime)
		}
		fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\n", p.ID, p.Name, p.Email, p.CreatedAt.Format(time.DateTime), revoked)
	}
	return tw.Flush()
}

// reviewSource runs `sources approve ID` and `sources reject ID`: the review of a
// partner's source. A running server picks it up within half a minute.
func (m *Main) reviewSource(ctx context.Context, id, state string) error {
	a, err := m.openStore(ctx)
	if err != nil {
		return err
	}
	if err := a.store.SetSourceState(ctx, id, state); err != nil {
		return fmt.Errorf("sources %s: %w", state, err)
	}
	action := map[string]string{sources.StateApproved: "approve", sources.StateRejected: "reject"}[state]
	if err := a.store.AddAudit(ctx, record.AuditEntry{Actor: "cli", Action: "source." + action, Target: id, Remote: "local"}); err != nil {
		return err
	}
	fmt.Fprintf(m.Stdout, "source %s %s\n", id, state)
	return nil
}
