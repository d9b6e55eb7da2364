package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/ensemble-be/ensemble/record"
)

// Change operations in the change log.
const (
	OpUpsert   = "upsert"
	OpWithdraw = "withdraw"
)

// SaveCrawl applies one crawl in one transaction and returns its run with counts and
// id. A crawl that failed changes no record: only its run is written. A successful
// one inserts new listings, updates changed ones (same id), touches last_seen of
// unchanged ones and, when it saw the whole source, withdraws the active records it
// did not see. A successful crawl that found nothing where records were active is
// quarantined instead: a broken page must not withdraw a whole source.
func (s *Store) SaveCrawl(ctx context.Context, c record.Crawl) (record.Run, error) {
	return s.saveCrawl(ctx, c, false)
}

// saveCrawl is SaveCrawl; approved skips the quarantine checks (a person looked).
func (s *Store) saveCrawl(ctx context.Context, c record.Crawl, approved bool) (record.Run, error) {
	run := c.Run
	if len(c.Verbatim) != len(c.Records) {
		return run, fmt.Errorf("save crawl %s: %d records but %d verbatim listings", run.Source, len(c.Records), len(c.Verbatim))
	}
	now := s.now()
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		if run.Status == record.RunOK {
			if err := applyListings(ctx, tx, &run, c, now, approved); err != nil {
				return err
			}
		}
		if err := insertRun(ctx, tx, &run); err != nil {
			return err
		}
		if run.Status == record.RunQuarantined {
			if err := holdCrawl(ctx, tx, run.ID, c); err != nil {
				return err
			}
		}
		return updateHealth(ctx, tx, run, now)
	})
	if err != nil {
		return c.Run, fmt.Errorf("save crawl %s: %w", run.Source, err)
	}
	return run, nil
}

// stored is what SaveCrawl needs to know of a record already in the store.
type stored struct {
	fingerprint string
	status      record.Status
	firstSeen   string
}

func applyListings(ctx context.Context, tx *sql.Tx, run *record.Run, c record.Crawl, now time.Time, approved bool) error {
	existing := map[string]stored{}
	active := 0
	rows, err := tx.QueryContext(ctx, `SELECT id, fingerprint, status, first_seen FROM records WHERE source = ?`, run.Source)
	if err != nil {
		return err
	}
	for rows.Next() {
		var id string
		var st stored
		if err := rows.Scan(&id, &st.fingerprint, &st.status, &st.firstSeen); err != nil {
			rows.Close()
			return err
		}
		existing[id] = st
		if st.status == record.StatusActive || st.status == record.StatusStale {
			active++ // live: what a crawl that no longer sees it would withdraw
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	if reason := quarantineReason(c, existing, active); reason != "" && !approved {
		run.Status = record.RunQuarantined
		run.Error = reason + ": nothing changed; `ensemble sources approve-run` applies it"
		return nil
	}

	down, err := takenDown(ctx, tx, run.Source)
	if err != nil {
		return err
	}
	st, err := prepareCrawlStatements(ctx, tx)
	if err != nil {
		return err
	}
	defer st.close()
	at := formatTime(now)
	seen := make(map[string]bool, len(c.Records))
	for i, rec := range c.Records {
		if seen[rec.ID] {
			continue // the crawler dedups; keep the first if it did not
		}
		seen[rec.ID] = true
		if down[rec.ID] {
			continue // taken down by its partner: stays withdrawn until restored
		}
		if rec.Status != record.StatusPast && rec.Status != record.StatusWithdrawn {
			rec.Status = record.StatusActive // seen now: active, unless over or cancelled
		}
		// The fingerprint is the hash of the content JSON (record.Fingerprint): one
		// encoding serves both.
		data, err := contentJSON(rec)
		if err != nil {
			return err
		}
		fp := record.FingerprintOf([]byte(data))
		fetched := formatTime(rec.FetchedAt)
		old, ok := existing[rec.ID]
		switch {
		case !ok:
			if _, err := st.insert.ExecContext(ctx,
				rec.ID, rec.Source, rec.LocalID, rec.Status, fp, data, at, at, fetched, at); err != nil {
				return fmt.Errorf("insert record %s: %w", rec.ID, err)
			}
			run.Inserted++
		case old.fingerprint != fp:
			if _, err := st.update.ExecContext(ctx, rec.Status, fp, data, at, fetched, at, rec.ID); err != nil {
				return fmt.Errorf("update record %s: %w", rec.ID, err)
			}
			run.Updated++
		default:
			if _, err := st.touch.ExecContext(ctx, at, rec.ID); err != nil {
				return fmt.Errorf("touch record %s: %w", rec.ID, err)
			}
			run.Unchanged++
			continue // unchanged: no verbatim rewrite, no change log entry
		}
		verbatim, err := json.Marshal(c.Verbatim[i])
		if err != nil {
			return err
		}
		if _, err := st.verbatim.ExecContext(ctx, rec.ID, string(verbatim), fetched); err != nil {
			return fmt.Errorf("save verbatim %s: %w", rec.ID, err)
		}
		if _, err := st.change.ExecContext(ctx, rec.ID, OpUpsert, at); err != nil {
			return fmt.Errorf("log change %s: %w", rec.ID, err)
		}
	}

	if !c.Complete {
		return nil // a partial crawl cannot tell what disappeared
	}
	for id, old := range existing {
		if seen[id] || (old.status != record.StatusActive && old.status != record.StatusStale) {
			continue
		}
		if err := setStatus(ctx, tx, id, record.StatusWithdrawn, at); err != nil {
			return err
		}
		if err := logChange(ctx, tx, id, OpWithdraw, at); err != nil {
			return err
		}
		run.Withdrawn++
	}
	return nil
}

// quarantineReason says why a successful crawl looks too wrong to apply unseen, or "":
// it found nothing where records were live, or it would withdraw more than 30% of the
// source's live records (and more than one).
func quarantineReason(c record.Crawl, existing map[string]stored, live int) string {
	if len(c.Records) == 0 && live > 0 {
		return fmt.Sprintf("crawl found no listings where %d were live", live)
	}
	if !c.Complete {
		return "" // an incomplete crawl withdraws nothing
	}
	seen := make(map[string]bool, len(c.Records))
	for _, r := range c.Records {
		seen[r.ID] = true
	}
	gone := 0
	for id, old := range existing {
		if !seen[id] && (old.status == record.StatusActive || old.status == record.StatusStale) {
			gone++
		}
	}
	if gone > 1 && gone*10 > live*3 {
		return fmt.Sprintf("crawl would withdraw %d of %d live records (over 30%%)", gone, live)
	}
	return ""
}

// setStatus changes the status of a stored record, in its column and its data, and
// adds flags to it.
func setStatus(ctx context.Context, tx *sql.Tx, id string, status record.Status, at string, flags ...record.Flag) error {
	var data string
	if err := tx.QueryRowContext(ctx, `SELECT data FROM records WHERE id = ?`, id).Scan(&data); err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("record %s: %w", id, ErrNotFound)
		}
		return err
	}
	var rec record.Record
	if err := json.Unmarshal([]byte(data), &rec); err != nil {
		return fmt.Errorf("decode record %s: %w", id, err)
	}
	rec.Status = status
	rec.Flags = append(rec.Flags, flags...)
	newData, err := contentJSON(rec)
	if err != nil {
		return err
	}
	_, err = tx.ExecContext(ctx, `UPDATE records SET status = ?, fingerprint = ?, data = ?, updated_at = ? WHERE id = ?`,
		status, rec.Fingerprint(), newData, at, id)
	return err
}

// crawlStatements are the statements run once per listing of a crawl, prepared
// once per crawl: SQLite would otherwise compile each of them for every listing.
type crawlStatements struct {
	insert, update, touch, verbatim, change *sql.Stmt
}

func prepareCrawlStatements(ctx context.Context, tx *sql.Tx) (*crawlStatements, error) {
	st := &crawlStatements{}
	for _, p := range []struct {
		dest **sql.Stmt
		sql  string
	}{
		{&st.insert, `INSERT INTO records
			(id, source, local_id, status, fingerprint, data, first_seen, last_seen, fetched_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`},
		{&st.update, `UPDATE records SET status = ?, fingerprint = ?, data = ?,
			last_seen = ?, fetched_at = ?, updated_at = ? WHERE id = ?`},
		{&st.touch, `UPDATE records SET last_seen = ? WHERE id = ?`},
		{&st.verbatim, `INSERT INTO verbatim (record_id, data, fetched_at) VALUES (?, ?, ?)
			ON CONFLICT (record_id) DO UPDATE SET data = excluded.data, fetched_at = excluded.fetched_at`},
		{&st.change, `INSERT INTO changes (record_id, op, at) VALUES (?, ?, ?)`},
	} {
		stmt, err := tx.PrepareContext(ctx, p.sql)
		if err != nil {
			st.close()
			return nil, fmt.Errorf("prepare: %w", err)
		}
		*p.dest = stmt
	}
	return st, nil
}

func (st *crawlStatements) close() {
	for _, s := range []*sql.Stmt{st.insert, st.update, st.touch, st.verbatim, st.change} {
		if s != nil {
			_ = s.Close()
		}
	}
}

func logChange(ctx context.Context, tx *sql.Tx, id, op, at string) error {
	if _, err := tx.ExecContext(ctx, `INSERT INTO changes (record_id, op, at) VALUES (?, ?, ?)`, id, op, at); err != nil {
		return fmt.Errorf("log change %s: %w", id, err)
	}
	return nil
}

// contentJSON is the record's JSON without its timestamps, which live in columns.
func contentJSON(rec record.Record) (string, error) {
	rec.FirstSeen, rec.LastSeen, rec.FetchedAt, rec.UpdatedAt = time.Time{}, time.Time{}, time.Time{}, time.Time{}
	b, err := json.Marshal(rec)
	if err != nil {
		return "", fmt.Errorf("encode record %s: %w", rec.ID, err)
	}
	return string(b), nil
}

func insertRun(ctx context.Context, tx *sql.Tx, run *record.Run) error {
	problems, err := json.Marshal(nonNil(run.Problems))
	if err != nil {
		return err
	}
	res, err := tx.ExecContext(ctx, `INSERT INTO runs (source, status, started_at, finished_at, pages, bytes,
		found, inserted, updated, unchanged, withdrawn, rejected, error, problems, http_status, detected_kind)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		run.Source, run.Status, formatTime(run.StartedAt), formatTime(run.FinishedAt), run.Pages, run.Bytes,
		run.Found, run.Inserted, run.Updated, run.Unchanged, run.Withdrawn, run.Rejected, run.Error, string(problems),
		run.HTTPStatus, run.DetectedKind)
	if err != nil {
		return fmt.Errorf("insert run: %w", err)
	}
	run.ID, err = res.LastInsertId()
	return err
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}
