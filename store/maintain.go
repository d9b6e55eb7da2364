package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"time"

	"github.com/ensemble-be/ensemble/record"
)

// FlagCounts counts the flags of source's active records by code.
func (s *Store) FlagCounts(ctx context.Context, source string) (map[string]int, error) {
	rows, err := s.read.QueryContext(ctx, `SELECT json_extract(f.value, '$.code'), count(*)
		FROM records r, json_each(r.data, '$.flags') f
		WHERE r.source = ? AND r.status = 'active' GROUP BY 1`, source)
	if err != nil {
		return nil, fmt.Errorf("flag counts of %s: %w", source, err)
	}
	defer rows.Close()
	out := map[string]int{}
	for rows.Next() {
		var code string
		var n int
		if err := rows.Scan(&code, &n); err != nil {
			return nil, fmt.Errorf("flag counts of %s: %w", source, err)
		}
		out[code] = n
	}
	return out, rows.Err()
}

// RenormalizeResult says what a re-normalization did.
type RenormalizeResult struct {
	Records int // records with a verbatim listing, looked at
	Changed int // records whose normalized content changed (each logged as a change)
	Failed  int // listings the normalizer now rejects: their records are left as they were
}

// Renormalize runs normalize again over the verbatim listings of source's records,
// without fetching, in one transaction. A record whose content changes is updated
// (keeping its status and its first/last seen times) and logged in the change log,
// so the index follows. A listing normalize now rejects leaves its record untouched.
func (s *Store) Renormalize(ctx context.Context, source string,
	normalize func(l record.Listing, fetched time.Time) (record.Record, error)) (RenormalizeResult, error) {
	var res RenormalizeResult
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		type row struct {
			id, fingerprint, verbatim, fetched string
			status                             record.Status
		}
		rows, err := tx.QueryContext(ctx, `SELECT r.id, r.fingerprint, r.status, v.data, v.fetched_at
			FROM records r JOIN verbatim v ON v.record_id = r.id WHERE r.source = ? ORDER BY r.id`, source)
		if err != nil {
			return err
		}
		var all []row
		for rows.Next() {
			var r row
			if err := rows.Scan(&r.id, &r.fingerprint, &r.status, &r.verbatim, &r.fetched); err != nil {
				rows.Close()
				return err
			}
			all = append(all, r)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		at := formatTime(s.now())
		for _, r := range all {
			res.Records++
			var l record.Listing
			if err := json.Unmarshal([]byte(r.verbatim), &l); err != nil {
				return fmt.Errorf("decode verbatim %s: %w", r.id, err)
			}
			rec, err := normalize(l, parseTime(r.fetched))
			if err != nil || rec.ID != r.id {
				res.Failed++ // rejected now, or its id would change: keep the record as it is
				continue
			}
			rec.Status = r.status
			fp := rec.Fingerprint()
			if fp == r.fingerprint {
				continue
			}
			data, err := contentJSON(rec)
			if err != nil {
				return err
			}
			if _, err := tx.ExecContext(ctx, `UPDATE records SET fingerprint = ?, data = ?, updated_at = ? WHERE id = ?`,
				fp, data, at, r.id); err != nil {
				return fmt.Errorf("update record %s: %w", r.id, err)
			}
			if err := logChange(ctx, tx, r.id, OpUpsert, at); err != nil {
				return err
			}
			res.Changed++
		}
		return nil
	})
	if err != nil {
		return res, fmt.Errorf("renormalize %s: %w", source, err)
	}
	return res, nil
}

// StaleAfter is how long an active record may go unseen before it is marked stale.
const StaleAfter = 90 * 24 * time.Hour

// MarkStale marks stale the active records not seen by a successful crawl since
// now - StaleAfter (their source stopped answering, or stopped being crawled), with a
// change each. It returns how many it marked.
func (s *Store) MarkStale(ctx context.Context, now time.Time) (int, error) {
	n := 0
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		rows, err := tx.QueryContext(ctx, `SELECT id FROM records WHERE status = 'active' AND last_seen < ?`,
			formatTime(now.Add(-StaleAfter)))
		if err != nil {
			return err
		}
		var ids []string
		for rows.Next() {
			var id string
			if err := rows.Scan(&id); err != nil {
				rows.Close()
				return err
			}
			ids = append(ids, id)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		at := formatTime(now)
		for _, id := range ids {
			stale := record.Flag{Code: "stale", Severity: record.SeverityWarning, Field: "last_seen",
				Message: "not seen by a successful crawl for 90 days"}
			if err := setStatus(ctx, tx, id, record.StatusStale, at, stale); err != nil {
				return err
			}
			if err := logChange(ctx, tx, id, OpUpsert, at); err != nil {
				return err
			}
			n++
		}
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("mark stale: %w", err)
	}
	return n, nil
}
