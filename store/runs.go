package store

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/ensemble-be/ensemble/record"
)

// Runs returns the latest runs of source, newest first, at most limit.
func (s *Store) Runs(ctx context.Context, source string, limit int) ([]record.Run, error) {
	rows, err := s.read.QueryContext(ctx, `SELECT id, source, status, started_at, finished_at, pages, bytes,
		found, inserted, updated, unchanged, withdrawn, rejected, error, problems
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
			&r.Found, &r.Inserted, &r.Updated, &r.Unchanged, &r.Withdrawn, &r.Rejected, &r.Error, &problems); err != nil {
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
