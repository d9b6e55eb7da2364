package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/ensemble-be/ensemble/sources"
)

// PutSource adds or replaces the definition of def.ID. The caller validates it first.
func (s *Store) PutSource(ctx context.Context, def sources.Definition, origin string) error {
	data, err := json.Marshal(def)
	if err != nil {
		return fmt.Errorf("put source %s: %w", def.ID, err)
	}
	now := formatTime(s.now())
	_, err = s.write.ExecContext(ctx, `INSERT INTO sources (id, definition, origin, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?)
		ON CONFLICT (id) DO UPDATE SET definition = excluded.definition, origin = excluded.origin,
			updated_at = CASE WHEN definition = excluded.definition THEN updated_at ELSE excluded.updated_at END`,
		def.ID, string(data), origin, now, now)
	if err != nil {
		return fmt.Errorf("put source %s: %w", def.ID, err)
	}
	return nil
}

// Sources lists every source, by id.
func (s *Store) Sources(ctx context.Context) ([]sources.Registered, error) {
	rows, err := s.read.QueryContext(ctx, `SELECT definition, origin, created_at, updated_at FROM sources ORDER BY id`)
	if err != nil {
		return nil, fmt.Errorf("list sources: %w", err)
	}
	defer rows.Close()
	var out []sources.Registered
	for rows.Next() {
		src, err := scanSource(rows)
		if err != nil {
			return nil, fmt.Errorf("list sources: %w", err)
		}
		out = append(out, src)
	}
	return out, rows.Err()
}

// Source returns the source id, or ErrNotFound.
func (s *Store) Source(ctx context.Context, id string) (sources.Registered, error) {
	row := s.read.QueryRowContext(ctx, `SELECT definition, origin, created_at, updated_at FROM sources WHERE id = ?`, id)
	src, err := scanSource(row)
	if errors.Is(err, sql.ErrNoRows) {
		return sources.Registered{}, fmt.Errorf("source %s: %w", id, ErrNotFound)
	}
	if err != nil {
		return sources.Registered{}, fmt.Errorf("source %s: %w", id, err)
	}
	return src, nil
}

type scanner interface{ Scan(dest ...any) error }

func scanSource(row scanner) (sources.Registered, error) {
	var data, created, updated string
	var src sources.Registered
	if err := row.Scan(&data, &src.Origin, &created, &updated); err != nil {
		return sources.Registered{}, err
	}
	if err := json.Unmarshal([]byte(data), &src.Definition); err != nil {
		return sources.Registered{}, fmt.Errorf("decode definition: %w", err)
	}
	src.CreatedAt, src.UpdatedAt = parseTime(created), parseTime(updated)
	return src, nil
}
