package main

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"time"

	"github.com/ensemble-be/ensemble/crawler"
	"github.com/ensemble-be/ensemble/record"
)

const (
	webhookTimeout    = 10 * time.Second
	webhookRetryAfter = time.Second
	webhookDeliveries = 4 // at once
)

// webhooks POSTs run summaries to partners' webhook URLs, through the crawler's dial
// guard, a few at once, until ctx ends.
type webhooks struct {
	ctx    context.Context
	client *http.Client
	sem    chan struct{}
}

// newWebhooks returns the app's webhook sender, stopped by ctx.
func newWebhooks(ctx context.Context, allow *crawler.AllowList) *webhooks {
	return &webhooks{ctx: ctx, client: crawler.NewGuardedClient(allow, webhookTimeout), sem: make(chan struct{}, webhookDeliveries)}
}

// webhookSummary is the body POSTed after a run.
type webhookSummary struct {
	Event string     `json:"event"` // "run"
	Run   record.Run `json:"run"`
}

// sign is the X-Ensemble-Signature of body under secret.
func sign(secret string, body []byte) string {
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write(body)
	return "sha256=" + hex.EncodeToString(mac.Sum(nil))
}

// notify sends run's summary to its source's webhook, if it has one, in the
// background: a failure is logged and audited, never the run's.
func (a *app) notify(run record.Run) {
	if a.hooks == nil || a.hooks.ctx.Err() != nil {
		return
	}
	hook, err := a.store.Webhook(a.hooks.ctx, run.Source)
	if errors.Is(err, record.ErrNotFound) {
		return
	}
	if err != nil {
		a.log.Error("webhook not sent", "source", run.Source, "error", err)
		return
	}
	body, err := json.Marshal(webhookSummary{Event: "run", Run: run})
	if err != nil {
		a.log.Error("webhook not sent", "source", run.Source, "error", err)
		return
	}
	a.wg.Go(func() {
		ctx := a.hooks.ctx
		select {
		case a.hooks.sem <- struct{}{}:
		case <-ctx.Done():
			return
		}
		defer func() { <-a.hooks.sem }()
		err := a.hooks.deliver(ctx, hook, body)
		if err == nil {
			return
		}
		a.log.Warn("webhook delivery failed", "source", run.Source, "url", hook.URL, "error", err)
		e := record.AuditEntry{Partner: hook.Partner, Actor: "ensemble", Action: "webhook.failed", Target: run.Source, Remote: hook.URL}
		if err := a.store.AddAudit(context.WithoutCancel(ctx), e); err != nil {
			a.log.Error("audit not saved", "action", e.Action, "target", e.Target, "error", err)
		}
	})
}

// deliver POSTs body to hook, signed, and tries once more after a pause if that fails.
func (h *webhooks) deliver(ctx context.Context, hook record.Webhook, body []byte) error {
	err := h.post(ctx, hook, body)
	if err == nil {
		return nil
	}
	select {
	case <-time.After(webhookRetryAfter):
	case <-ctx.Done():
		return errors.Join(err, ctx.Err())
	}
	return h.post(ctx, hook, body)
}

func (h *webhooks) post(ctx context.Context, hook record.Webhook, body []byte) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, hook.URL, bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "Ensemble-Webhook/1")
	req.Header.Set("X-Ensemble-Signature", sign(hook.Secret, body))
	resp, err := h.client.Do(req)
	if err != nil {
		return err
	}
	io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	resp.Body.Close()
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return fmt.Errorf("webhook answered %s", resp.Status)
	}
	return nil
}

// Push saves a partner's pushed listings as a crawl, webhooks included.
func (p partnerCrawls) Push(ctx context.Context, c record.Crawl) (record.Run, error) {
	return p.a.SaveCrawl(ctx, c)
}
