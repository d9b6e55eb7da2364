package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/ensemble-be/ensemble/record"
	"github.com/ensemble-be/ensemble/sources"
)

// Back-off of a failing source: BackoffBase doubles with each consecutive failure,
// up to BackoffMax, with ±20% jitter so that failing sources do not retry in step;
// after PauseAfter consecutive failures the source is paused.
const (
	BackoffBase = 5 * time.Minute
	BackoffMax  = 24 * time.Hour
	PauseAfter  = 10
)

// Health returns how source's crawls have been going (zero for a source never crawled).
func (s *Store) Health(ctx context.Context, source string) (sources.Health, error) {
	var h sources.Health
	var backoff, success, errAt string
	var paused int
	err := s.read.QueryRowContext(ctx, `SELECT etag, last_modified, validators_for, consecutive_failures, backoff_until,
		paused, paused_reason, last_success, last_error, last_error_at FROM source_state WHERE source = ?`, source).
		Scan(&h.ETag, &h.LastModified, &h.ValidatorsFor, &h.ConsecutiveFailures, &backoff, &paused, &h.PausedReason,
			&success, &h.LastError, &errAt)
	if errors.Is(err, sql.ErrNoRows) {
		return h, nil
	}
	if err != nil {
		return h, fmt.Errorf("health of %s: %w", source, err)
	}
	h.BackoffUntil, h.LastSuccess, h.LastErrorAt = parseTime(backoff), parseTime(success), parseTime(errAt)
	h.Paused = paused != 0
	return h, nil
}

// ShouldCrawl says whether source may be crawled at now, and if not, why: it is
// paused, or backing off after failures.
func (s *Store) ShouldCrawl(ctx context.Context, source string, now time.Time) (bool, string, error) {
	h, err := s.Health(ctx, source)
	switch {
	case err != nil:
		return false, "", err
	case h.Paused:
		return false, "paused: " + h.PausedReason, nil
	case now.Before(h.BackoffUntil):
		return false, fmt.Sprintf("backing off after %d failures until %s", h.ConsecutiveFailures,
			h.BackoffUntil.UTC().Format(time.RFC3339)), nil
	}
	return true, "", nil
}

// SetValidators keeps the ETag and Last-Modified of source's latest fetched document,
// and the fingerprint of the definition it was read with.
func (s *Store) SetValidators(ctx context.Context, source, etag, lastModified, definition string) error {
	_, err := s.write.ExecContext(ctx, `INSERT INTO source_state (source, etag, last_modified, validators_for) VALUES (?, ?, ?, ?)
		ON CONFLICT (source) DO UPDATE SET etag = excluded.etag, last_modified = excluded.last_modified,
			validators_for = excluded.validators_for`,
		source, etag, lastModified, definition)
	if err != nil {
		return fmt.Errorf("set validators of %s: %w", source, err)
	}
	return nil
}

// Resume un-pauses source and forgets its failures.
func (s *Store) Resume(ctx context.Context, source string) error {
	if _, err := s.Source(ctx, source); err != nil {
		return err
	}
	_, err := s.write.ExecContext(ctx, `UPDATE source_state SET paused = 0, paused_reason = '',
		consecutive_failures = 0, backoff_until = '' WHERE source = ?`, source)
	if err != nil {
		return fmt.Errorf("resume %s: %w", source, err)
	}
	return nil
}

// updateHealth records the outcome of run in source_state, in the crawl's transaction.
func updateHealth(ctx context.Context, tx *sql.Tx, run record.Run, now time.Time) error {
	if _, err := tx.ExecContext(ctx, `INSERT INTO source_state (source) VALUES (?) ON CONFLICT DO NOTHING`, run.Source); err != nil {
		return err
	}
	at := formatTime(now)
	switch run.Status {
	case record.RunFailed:
		var failures int
		if err := tx.QueryRowContext(ctx, `SELECT consecutive_failures + 1 FROM source_state WHERE source = ?`, run.Source).Scan(&failures); err != nil {
			return err
		}
		paused, reason := 0, ""
		if failures >= PauseAfter {
			paused, reason = 1, fmt.Sprintf("%d consecutive failures, the latest: %s", failures, run.Error)
		}
		_, err := tx.ExecContext(ctx, `UPDATE source_state SET consecutive_failures = ?, backoff_until = ?,
			paused = max(paused, ?), paused_reason = CASE WHEN paused = 1 THEN paused_reason ELSE ? END,
			last_error = ?, last_error_at = ? WHERE source = ?`,
			failures, formatTime(now.Add(Backoff(failures))), paused, reason, run.Error, at, run.Source)
		return err
	case record.RunOK, record.RunNotModified:
		_, err := tx.ExecContext(ctx, `UPDATE source_state SET consecutive_failures = 0, backoff_until = '',
			last_success = ? WHERE source = ?`, at, run.Source)
		return err
	default: // quarantined: the source answered; its content waits for a person
		_, err := tx.ExecContext(ctx, `UPDATE source_state SET consecutive_failures = 0, backoff_until = '',
			last_error = ?, last_error_at = ? WHERE source = ?`, run.Error, at, run.Source)
		return err
	}
}

// Backoff is how long a source waits after its n-th consecutive failure.
func Backoff(n int) time.Duration {
	d := BackoffBase
	for i := 1; i < n && d < BackoffMax; i++ {
		d *= 2
	}
	d = min(d, BackoffMax)
	jitter := 0.8 + 0.4*rand.Float64()
	return time.Duration(float64(d) * jitter)
}
