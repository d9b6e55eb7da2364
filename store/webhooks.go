package store

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"

	"github.com/ensemble-be/ensemble/record"
)

// ownSource returns ErrNotFound unless partner owns source.
func ownSource(ctx context.Context, q interface {
	QueryRowContext(context.Context, string, ...any) *sql.Row
}, partner int64, source string) error {
	owner, _, err := ownedState(ctx, q, source)
	if err == nil && owner != partner {
		err = fmt.Errorf("partner source %s: %w", source, ErrNotFound)
	}
	return err
}

// SetWebhook sets the webhook URL of partner's source and returns it with its
// secret: a new random one when there was none or rotate is true. Another partner's
// source, or none, is ErrNotFound.
func (s *Store) SetWebhook(ctx context.Context, partner int64, source, url string, rotate bool) (record.Webhook, error) {
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		if err := ownSource(ctx, tx, partner, source); err != nil {
			return err
		}
		b := make([]byte, 32)
		rand.Read(b) // never fails (crypto/rand)
		_, err := tx.ExecContext(ctx, `INSERT INTO webhooks (source, url, secret, updated_at) VALUES (?, ?, ?, ?)
			ON CONFLICT (source) DO UPDATE SET url = excluded.url, updated_at = excluded.updated_at,
				secret = CASE WHEN ? THEN excluded.secret ELSE secret END`,
			source, url, hex.EncodeToString(b), formatTime(s.now()), rotate)
		return err
	})
	if err != nil {
		return record.Webhook{}, fmt.Errorf("set webhook of %s: %w", source, err)
	}
	return s.Webhook(ctx, source)
}

// PartnerWebhook returns the webhook of partner's source; another partner's source,
// or one without a webhook, is ErrNotFound.
func (s *Store) PartnerWebhook(ctx context.Context, partner int64, source string) (record.Webhook, error) {
	if err := ownSource(ctx, s.read, partner, source); err != nil {
		return record.Webhook{}, err
	}
	return s.Webhook(ctx, source)
}

// DeleteWebhook removes the webhook of partner's source; another partner's source,
// or one without a webhook, is ErrNotFound.
func (s *Store) DeleteWebhook(ctx context.Context, partner int64, source string) error {
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		if err := ownSource(ctx, tx, partner, source); err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, `DELETE FROM webhooks WHERE source = ?`, source)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return fmt.Errorf("webhook: %w", ErrNotFound)
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("delete webhook of %s: %w", source, err)
	}
	return nil
}

// Webhook returns the webhook of source, whoever owns it, or ErrNotFound.
func (s *Store) Webhook(ctx context.Context, source string) (record.Webhook, error) {
	w := record.Webhook{Source: source}
	err := s.read.QueryRowContext(ctx, `SELECT w.url, w.secret, p.partner FROM webhooks w
		JOIN partner_sources p ON p.source = w.source WHERE w.source = ?`, source).Scan(&w.URL, &w.Secret, &w.Partner)
	if errors.Is(err, sql.ErrNoRows) {
		return record.Webhook{}, fmt.Errorf("webhook of %s: %w", source, ErrNotFound)
	}
	if err != nil {
		return record.Webhook{}, fmt.Errorf("webhook of %s: %w", source, err)
	}
	return w, nil
}
