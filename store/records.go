package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"iter"
	"strings"
	"sync"

	"github.com/ensemble-be/ensemble/record"
)

const recordColumns = `data, first_seen, last_seen, fetched_at, updated_at`

func scanRecord(row scanner) (record.Record, error) {
	var data, first, last, fetched, updated string
	if err := row.Scan(&data, &first, &last, &fetched, &updated); err != nil {
		return record.Record{}, err
	}
	var rec record.Record
	if err := json.Unmarshal([]byte(data), &rec); err != nil {
		return record.Record{}, fmt.Errorf("decode record: %w", err)
	}
	rec.FirstSeen, rec.LastSeen = parseTime(first), parseTime(last)
	rec.FetchedAt, rec.UpdatedAt = parseTime(fetched), parseTime(updated)
	return rec, nil
}

// Record returns the record id, or ErrNotFound.
func (s *Store) Record(ctx context.Context, id string) (record.Record, error) {
	rec, err := scanRecord(s.read.QueryRowContext(ctx, `SELECT `+recordColumns+` FROM records WHERE id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return rec, fmt.Errorf("record %s: %w", id, ErrNotFound)
	}
	if err != nil {
		return rec, fmt.Errorf("record %s: %w", id, err)
	}
	return rec, nil
}

// Records returns the records with the given ids, in that order; ids not found are
// left out (the index may briefly know a record the caller cannot see yet).
func (s *Store) Records(ctx context.Context, ids []string) ([]record.Record, error) {
	if len(ids) == 0 {
		return []record.Record{}, nil
	}
	args := make([]any, len(ids))
	for i, id := range ids {
		args[i] = id
	}
	rows, err := s.read.QueryContext(ctx, `SELECT id, `+recordColumns+` FROM records WHERE id IN (?`+
		strings.Repeat(",?", len(ids)-1)+`)`, args...)
	if err != nil {
		return nil, fmt.Errorf("records: %w", err)
	}
	defer rows.Close()
	byID := make(map[string]record.Record, len(ids))
	for rows.Next() {
		var id string
		rec, err := scanRecord(prefixScanner{rows, &id})
		if err != nil {
			return nil, fmt.Errorf("records: %w", err)
		}
		byID[id] = rec
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("records: %w", err)
	}
	out := make([]record.Record, 0, len(ids))
	for _, id := range ids {
		if rec, ok := byID[id]; ok {
			out = append(out, rec)
		}
	}
	return out, nil
}

// prefixScanner scans a leading column into first, the rest into the caller's dest.
type prefixScanner struct {
	rows  *sql.Rows
	first any
}

func (p prefixScanner) Scan(dest ...any) error {
	return p.rows.Scan(append([]any{p.first}, dest...)...)
}

// Snapshot calls fn with the last change seq and an iterator over every record (by
// id), both read in one transaction: the records are exactly the state at that seq.
// Records stream from the database; memory stays flat whatever their number.
func (s *Store) Snapshot(ctx context.Context, fn func(seq int64, records iter.Seq2[record.Record, error]) error) error {
	tx, err := s.read.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return fmt.Errorf("snapshot: %w", err)
	}
	defer tx.Rollback()
	var seq int64
	if err := tx.QueryRowContext(ctx, `SELECT coalesce(max(seq), 0) FROM changes`).Scan(&seq); err != nil {
		return fmt.Errorf("snapshot: %w", err)
	}
	records := func(yield func(record.Record, error) bool) {
		// Reading and decoding run in a goroutine of their own, a batch ahead of the
		// caller, who is encoding and writing: on a dump of a million records the two
		// halves take about as long as each other, and they overlap.
		batches := make(chan []snapshotItem, 4)
		done := make(chan struct{})
		var wg sync.WaitGroup
		wg.Go(func() { readSnapshot(ctx, tx, batches, done) })
		defer func() {
			close(done) // the reader stops at its next batch if the caller stopped early
			wg.Wait()
		}()
		for batch := range batches {
			for _, it := range batch {
				if !yield(it.rec, it.err) || it.err != nil {
					return
				}
			}
		}
	}
	return fn(seq, records)
}

// snapshotItem is one record read by a snapshot, or the error that ended it.
type snapshotItem struct {
	rec record.Record
	err error
}

// snapshotBatch is how many records the snapshot reader hands over at a time.
const snapshotBatch = 256

// readSnapshot reads every record of tx in id order and sends them in batches, then
// closes batches; it stops early when done closes. An error is the last item sent.
func readSnapshot(ctx context.Context, tx *sql.Tx, batches chan<- []snapshotItem, done <-chan struct{}) {
	defer close(batches)
	send := func(b []snapshotItem) bool {
		select {
		case batches <- b:
			return true
		case <-done:
			return false
		}
	}
	rows, err := tx.QueryContext(ctx, `SELECT `+recordColumns+` FROM records ORDER BY id`)
	if err != nil {
		send([]snapshotItem{{err: fmt.Errorf("snapshot: %w", err)}})
		return
	}
	defer rows.Close()
	batch := make([]snapshotItem, 0, snapshotBatch)
	for rows.Next() {
		rec, err := scanRecord(rows)
		batch = append(batch, snapshotItem{rec, err})
		if err != nil || len(batch) == snapshotBatch {
			if !send(batch) || err != nil {
				return
			}
			batch = make([]snapshotItem, 0, snapshotBatch)
		}
	}
	if err := rows.Err(); err != nil {
		batch = append(batch, snapshotItem{err: fmt.Errorf("snapshot: %w", err)})
	}
	if len(batch) > 0 {
		send(batch)
	}
}

// ChangesAfter returns up to limit changes with seq > after, in seq order, each with
// the record's current state (applying them in order converges to the store).
func (s *Store) ChangesAfter(ctx context.Context, after int64, limit int) ([]record.Change, error) {
	rows, err := s.read.QueryContext(ctx, `SELECT c.seq, c.op, c.at, `+prefixed("r.", recordColumns)+`
		FROM changes c JOIN records r ON r.id = c.record_id
		WHERE c.seq > ? ORDER BY c.seq LIMIT ?`, after, limit)
	if err != nil {
		return nil, fmt.Errorf("changes after %d: %w", after, err)
	}
	defer rows.Close()
	out := []record.Change{}
	for rows.Next() {
		var c record.Change
		var at, data, first, last, fetched, updated string
		if err := rows.Scan(&c.Seq, &c.Op, &at, &data, &first, &last, &fetched, &updated); err != nil {
			return nil, fmt.Errorf("changes after %d: %w", after, err)
		}
		if err := json.Unmarshal([]byte(data), &c.Record); err != nil {
			return nil, fmt.Errorf("changes after %d: decode record: %w", after, err)
		}
		c.Record.FirstSeen, c.Record.LastSeen = parseTime(first), parseTime(last)
		c.Record.FetchedAt, c.Record.UpdatedAt = parseTime(fetched), parseTime(updated)
		c.At = parseTime(at)
		out = append(out, c)
	}
	return out, rows.Err()
}

// LastSeq is the seq of the newest change (0 when there is none).
func (s *Store) LastSeq(ctx context.Context) (int64, error) {
	var seq int64
	err := s.read.QueryRowContext(ctx, `SELECT coalesce(max(seq), 0) FROM changes`).Scan(&seq)
	if err != nil {
		return 0, fmt.Errorf("last seq: %w", err)
	}
	return seq, nil
}

// Verbatim returns the listing record id was normalized from.
func (s *Store) Verbatim(ctx context.Context, id string) (record.Listing, error) {
	var data string
	err := s.read.QueryRowContext(ctx, `SELECT data FROM verbatim WHERE record_id = ?`, id).Scan(&data)
	if errors.Is(err, sql.ErrNoRows) {
		return record.Listing{}, fmt.Errorf("verbatim %s: %w", id, ErrNotFound)
	}
	var l record.Listing
	if err == nil {
		err = json.Unmarshal([]byte(data), &l)
	}
	if err != nil {
		return record.Listing{}, fmt.Errorf("verbatim %s: %w", id, err)
	}
	return l, nil
}

func prefixed(prefix, columns string) string {
	parts := strings.Split(columns, ", ")
	for i := range parts {
		parts[i] = prefix + parts[i]
	}
	return strings.Join(parts, ", ")
}
