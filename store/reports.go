package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/ensemble-be/ensemble/record"
)

// AddReport saves a problem reported on record rep.Record, with that record's
// source, and returns it with its id and time. An unknown record is ErrNotFound; an
// invalid report is refused (record.Report.Problem).
func (s *Store) AddReport(ctx context.Context, rep record.Report) (record.Report, error) {
	if field, reason := rep.Problem(); field != "" {
		return record.Report{}, fmt.Errorf("report: %s: %s", field, reason)
	}
	err := s.read.QueryRowContext(ctx, `SELECT source FROM records WHERE id = ?`, rep.Record).Scan(&rep.Source)
	if errors.Is(err, sql.ErrNoRows) {
		return record.Report{}, fmt.Errorf("report on record %s: %w", rep.Record, ErrNotFound)
	}
	if err != nil {
		return record.Report{}, fmt.Errorf("report on record %s: %w", rep.Record, err)
	}
	rep.At = parseTime(formatTime(s.now()))
	res, err := s.write.ExecContext(ctx, `INSERT INTO reports (record_id, source, reason, text, at) VALUES (?, ?, ?, ?, ?)`,
		rep.Record, rep.Source, rep.Reason, rep.Text, formatTime(rep.At))
	if err == nil {
		rep.ID, err = res.LastInsertId()
	}
	if err != nil {
		return record.Report{}, fmt.Errorf("report on record %s: %w", rep.Record, err)
	}
	return rep, nil
}

// Reports returns the latest reports on the records of source (every source when
// source is ""), newest first, at most limit.
func (s *Store) Reports(ctx context.Context, source string, limit int) ([]record.Report, error) {
	rows, err := s.read.QueryContext(ctx, `SELECT id, record_id, source, reason, text, at FROM reports
		WHERE ? = '' OR source = ? ORDER BY id DESC LIMIT ?`, source, source, limit)
	if err != nil {
		return nil, fmt.Errorf("reports: %w", err)
	}
	defer rows.Close()
	out := []record.Report{}
	for rows.Next() {
		var r record.Report
		var at string
		if err := rows.Scan(&r.ID, &r.Record, &r.Source, &r.Reason, &r.Text, &at); err != nil {
			return nil, fmt.Errorf("reports: %w", err)
		}
		r.At = parseTime(at)
		out = append(out, r)
	}
	return out, rows.Err()
}

// ReportCounts counts the reports per record of source (every source when "").
func (s *Store) ReportCounts(ctx context.Context, source string) (map[string]int, error) {
	rows, err := s.read.QueryContext(ctx, `SELECT record_id, count(*) FROM reports
		WHERE ? = '' OR source = ? GROUP BY record_id`, source, source)
	if err != nil {
		return nil, fmt.Errorf("report counts: %w", err)
	}
	defer rows.Close()
	out := map[string]int{}
	for rows.Next() {
		var id string
		var n int
		if err := rows.Scan(&id, &n); err != nil {
			return nil, fmt.Errorf("report counts: %w", err)
		}
		out[id] = n
	}
	return out, rows.Err()
}
