package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/ensemble-be/ensemble/record"
)

// Runs returns the latest runs of source, newest first, at most limit.
func (s *Store) Runs(ctx context.Context, source string, limit int) ([]record.Run, error) {
	rows, err := s.read.QueryContext(ctx, `SELECT id, source, status, started_at, finished_at, pages, bytes,
		found, inserted, updated, unchanged, withdrawn, rejected, error, problems, http_status, detected_kind
		FROM runs WHERE source = ? ORDER BY id DESC LIMIT ?`, source, limit)
	if err != nil {
		return nil, fmt.Errorf("runs of %s: %w", source, err)
	}
	defer rows.Close()
	out := []record.Run{}
	for rows.Next() {
		var r record.Run
		var started, finished, problems string
		if err := rows.Scan(&r.ID, &r.Source, &r.Status, &started, &finished, &r.Pages, &r.Bytes,
			&r.Found, &r.Inserted, &r.Updated, &r.Unchanged, &r.Withdrawn, &r.Rejected, &r.Error, &problems,
			&r.HTTPStatus, &r.DetectedKind); err != nil {
			return nil, fmt.Errorf("runs of %s: %w", source, err)
		}
		r.StartedAt, r.FinishedAt = parseTime(started), parseTime(finished)
		if err := json.Unmarshal([]byte(problems), &r.Problems); err != nil {
			return nil, fmt.Errorf("runs of %s: decode problems: %w", source, err)
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// Counts says how many records the store holds, by status.
func (s *Store) Counts(ctx context.Context) (map[record.Status]int, error) {
	rows, err := s.read.QueryContext(ctx, `SELECT status, count(*) FROM records GROUP BY status`)
	if err != nil {
		return nil, fmt.Errorf("count records: %w", err)
	}
	defer rows.Close()
	out := map[record.Status]int{}
	for rows.Next() {
		var st record.Status
		var n int
		if err := rows.Scan(&st, &n); err != nil {
			return nil, fmt.Errorf("count records: %w", err)
		}
		out[st] = n
	}
	return out, rows.Err()
}

// holdCrawl keeps a quarantined crawl until someone approves its run.
func holdCrawl(ctx context.Context, tx *sql.Tx, runID int64, c record.Crawl) error {
	data, err := json.Marshal(c)
	if err != nil {
		return fmt.Errorf("hold crawl: %w", err)
	}
	_, err = tx.ExecContext(ctx, `INSERT INTO pending_crawls (run_id, data) VALUES (?, ?)`, runID, string(data))
	return err
}

// ApproveRun applies the crawl a quarantined run held back, as if it had passed, and
// returns the new run that applied it. The held crawl is then forgotten.
func (s *Store) ApproveRun(ctx context.Context, runID int64) (record.Run, error) {
	var data string
	err := s.read.QueryRowContext(ctx, `SELECT data FROM pending_crawls WHERE run_id = ?`, runID).Scan(&data)
	if errors.Is(err, sql.ErrNoRows) {
		return record.Run{}, fmt.Errorf("approve run %d: no quarantined crawl waits under that run: %w", runID, ErrNotFound)
	}
	if err != nil {
		return record.Run{}, fmt.Errorf("approve run %d: %w", runID, err)
	}
	var c record.Crawl
	if err := json.Unmarshal([]byte(data), &c); err != nil {
		return record.Run{}, fmt.Errorf("approve run %d: %w", runID, err)
	}
	c.Run.ID, c.Run.Status, c.Run.Error = 0, record.RunOK, ""
	c.Run.Problems = append(c.Run.Problems, fmt.Sprintf("applies quarantined run %d, approved", runID))
	run, err := s.saveCrawl(ctx, c, true)
	if err != nil {
		return run, err
	}
	if _, err := s.write.ExecContext(ctx, `DELETE FROM pending_crawls WHERE run_id = ?`, runID); err != nil {
		return run, fmt.Errorf("approve run %d: %w", runID, err)
	}
	return run, nil
}
