package store

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"database/sql"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/ensemble-be/ensemble/record"
	"github.com/ensemble-be/ensemble/sources"
)

// hashToken is the hex SHA-256 of a partner token, what the store keeps of it.
func hashToken(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}

// AddPartner registers a partner and returns it with its token: 32 random bytes,
// base64url. The token is shown once; the store keeps only its SHA-256.
func (s *Store) AddPartner(ctx context.Context, name, email string) (record.Partner, string, error) {
	b := make([]byte, 32)
	rand.Read(b) // never fails (crypto/rand)
	token := base64.RawURLEncoding.EncodeToString(b)
	now := s.now()
	res, err := s.write.ExecContext(ctx, `INSERT INTO partners (name, email, token_hash, created_at) VALUES (?, ?, ?, ?)`,
		name, email, hashToken(token), formatTime(now))
	if err != nil {
		return record.Partner{}, "", fmt.Errorf("add partner %s: %w", name, err)
	}
	id, err := res.LastInsertId()
	if err != nil {
		return record.Partner{}, "", fmt.Errorf("add partner %s: %w", name, err)
	}
	return record.Partner{ID: id, Name: name, Email: email, CreatedAt: parseTime(formatTime(now))}, token, nil
}

const partnerColumns = `id, name, email, created_at, revoked_at`

func scanPartner(row scanner) (record.Partner, string, error) {
	var p record.Partner
	var created, revoked, hash string
	if err := row.Scan(&p.ID, &p.Name, &p.Email, &created, &revoked, &hash); err != nil {
		return p, "", err
	}
	p.CreatedAt = parseTime(created)
	if revoked != "" {
		t := parseTime(revoked)
		p.RevokedAt = &t
	}
	return p, hash, nil
}

// PartnerByToken returns the partner whose token this is, or ErrNotFound if none
// is (or it was revoked).
func (s *Store) PartnerByToken(ctx context.Context, token string) (record.Partner, error) {
	want := hashToken(token)
	p, got, err := scanPartner(s.read.QueryRowContext(ctx, `SELECT `+partnerColumns+`, token_hash FROM partners
		WHERE token_hash = ? AND revoked_at = ''`, want))
	if errors.Is(err, sql.ErrNoRows) || (err == nil && subtle.ConstantTimeCompare([]byte(got), []byte(want)) != 1) {
		return record.Partner{}, fmt.Errorf("partner token: %w", ErrNotFound)
	}
	if err != nil {
		return record.Partner{}, fmt.Errorf("partner token: %w", err)
	}
	return p, nil
}

// Partners lists every partner, revoked ones too, by id.
func (s *Store) Partners(ctx context.Context) ([]record.Partner, error) {
	rows, err := s.read.QueryContext(ctx, `SELECT `+partnerColumns+`, token_hash FROM partners ORDER BY id`)
	if err != nil {
		return nil, fmt.Errorf("list partners: %w", err)
	}
	defer rows.Close()
	out := []record.Partner{}
	for rows.Next() {
		p, _, err := scanPartner(rows)
		if err != nil {
			return nil, fmt.Errorf("list partners: %w", err)
		}
		out = append(out, p)
	}
	return out, rows.Err()
}

// RevokePartner makes partner id's token stop working, or returns ErrNotFound.
func (s *Store) RevokePartner(ctx context.Context, id int64) error {
	res, err := s.write.ExecContext(ctx, `UPDATE partners SET revoked_at = ? WHERE id = ? AND revoked_at = ''`,
		formatTime(s.now()), id)
	if err != nil {
		return fmt.Errorf("revoke partner %d: %w", id, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("revoke partner %d: %w", id, ErrNotFound)
	}
	return nil
}

// ownedState returns the partner and state of a partner's source, or ErrNotFound.
func ownedState(ctx context.Context, q interface {
	QueryRowContext(context.Context, string, ...any) *sql.Row
}, source string) (int64, string, error) {
	var partner int64
	var state string
	err := q.QueryRowContext(ctx, `SELECT partner, state FROM partner_sources WHERE source = ?`, source).Scan(&partner, &state)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, "", fmt.Errorf("partner source %s: %w", source, ErrNotFound)
	}
	return partner, state, err
}

// CreatePartnerSource registers def as a new source of partner, pending review. An
// id already taken, by anyone, is ErrConflict.
func (s *Store) CreatePartnerSource(ctx context.Context, partner int64, def sources.Definition) (sources.Owned, error) {
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM sources WHERE id = ?`, def.ID).Scan(&n); err != nil {
			return err
		}
		if n > 0 {
			return fmt.Errorf("source id %s is taken: %w", def.ID, record.ErrConflict)
		}
		if err := s.putSource(ctx, tx, def, "partner"); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO partner_sources (source, partner, state, updated_at) VALUES (?, ?, ?, ?)`,
			def.ID, partner, sources.StatePending, formatTime(s.now()))
		return err
	})
	if err != nil {
		return sources.Owned{}, fmt.Errorf("create partner source %s: %w", def.ID, err)
	}
	return s.PartnerSource(ctx, partner, def.ID)
}

// UpdatePartnerSource replaces the definition of partner's source def.ID; another
// partner's source, or none, is ErrNotFound. A changed URL sends it back to pending.
func (s *Store) UpdatePartnerSource(ctx context.Context, partner int64, def sources.Definition) (sources.Owned, error) {
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		owner, _, err := ownedState(ctx, tx, def.ID)
		if err != nil {
			return err
		}
		if owner != partner {
			return fmt.Errorf("partner source %s: %w", def.ID, ErrNotFound)
		}
		var data string
		if err := tx.QueryRowContext(ctx, `SELECT definition FROM sources WHERE id = ?`, def.ID).Scan(&data); err != nil {
			return err
		}
		var old sources.Definition
		if err := json.Unmarshal([]byte(data), &old); err != nil {
			return fmt.Errorf("decode definition: %w", err)
		}
		if err := s.putSource(ctx, tx, def, "partner"); err != nil {
			return err
		}
		if old.URL != def.URL {
			_, err = tx.ExecContext(ctx, `UPDATE partner_sources SET state = ?, updated_at = ? WHERE source = ?`,
				sources.StatePending, formatTime(s.now()), def.ID)
		}
		return err
	})
	if err != nil {
		return sources.Owned{}, fmt.Errorf("update partner source %s: %w", def.ID, err)
	}
	return s.PartnerSource(ctx, partner, def.ID)
}

// putSource is PutSource within tx.
func (s *Store) putSource(ctx context.Context, tx *sql.Tx, def sources.Definition, origin string) error {
	data, err := json.Marshal(def)
	if err != nil {
		return err
	}
	now := formatTime(s.now())
	_, err = tx.ExecContext(ctx, `INSERT INTO sources (id, definition, origin, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?)
		ON CONFLICT (id) DO UPDATE SET definition = excluded.definition, origin = excluded.origin,
			updated_at = CASE WHEN definition = excluded.definition THEN updated_at ELSE excluded.updated_at END`,
		def.ID, string(data), origin, now, now)
	return err
}

// PartnerSource returns partner's source id; another partner's, or none, is ErrNotFound.
func (s *Store) PartnerSource(ctx context.Context, partner int64, id string) (sources.Owned, error) {
	owner, state, err := ownedState(ctx, s.read, id)
	if err == nil && owner != partner {
		err = fmt.Errorf("partner source %s: %w", id, ErrNotFound)
	}
	if err != nil {
		return sources.Owned{}, err
	}
	reg, err := s.Source(ctx, id)
	if err != nil {
		return sources.Owned{}, err
	}
	return sources.Owned{Registered: reg, Partner: owner, State: state}, nil
}

// PartnerSources lists the sources of partner, or of every partner when partner is
// 0, by id.
func (s *Store) PartnerSources(ctx context.Context, partner int64) ([]sources.Owned, error) {
	rows, err := s.read.QueryContext(ctx, `SELECT s.definition, s.origin, s.created_at, s.updated_at, p.partner, p.state
		FROM partner_sources p JOIN sources s ON s.id = p.source WHERE ? = 0 OR p.partner = ? ORDER BY s.id`, partner, partner)
	if err != nil {
		return nil, fmt.Errorf("partner sources: %w", err)
	}
	defer rows.Close()
	out := []sources.Owned{}
	for rows.Next() {
		var o sources.Owned
		var data, created, updated string
		if err := rows.Scan(&data, &o.Origin, &created, &updated, &o.Partner, &o.State); err != nil {
			return nil, fmt.Errorf("partner sources: %w", err)
		}
		if err := json.Unmarshal([]byte(data), &o.Definition); err != nil {
			return nil, fmt.Errorf("partner sources: decode definition: %w", err)
		}
		o.CreatedAt, o.UpdatedAt = parseTime(created), parseTime(updated)
		out = append(out, o)
	}
	return out, rows.Err()
}

// SetSourceState approves or rejects a partner's source (an admin's decision), or
// returns ErrNotFound if id is no partner's source.
func (s *Store) SetSourceState(ctx context.Context, id, state string) error {
	if state != sources.StatePending && state != sources.StateApproved && state != sources.StateRejected {
		return fmt.Errorf("set state of %s: unknown state %q", id, state)
	}
	res, err := s.write.ExecContext(ctx, `UPDATE partner_sources SET state = ?, updated_at = ? WHERE source = ?`,
		state, formatTime(s.now()), id)
	if err != nil {
		return fmt.Errorf("set state of %s: %w", id, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("set state of %s: partner source: %w", id, ErrNotFound)
	}
	return nil
}

// SourceApproved says whether source may be crawled as far as review goes: it is
// not a partner's, or it is an approved one.
func (s *Store) SourceApproved(ctx context.Context, source string) (bool, error) {
	_, state, err := ownedState(ctx, s.read, source)
	if errors.Is(err, ErrNotFound) {
		return true, nil
	}
	if err != nil {
		return false, fmt.Errorf("review state of %s: %w", source, err)
	}
	return state == sources.StateApproved, nil
}

// DeletePartnerSource removes partner's source id and withdraws its live records
// (logged, so the index follows). Its runs stay. Another partner's is ErrNotFound.
func (s *Store) DeletePartnerSource(ctx context.Context, partner int64, id string) error {
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		owner, _, err := ownedState(ctx, tx, id)
		if err == nil && owner != partner {
			err = fmt.Errorf("partner source %s: %w", id, ErrNotFound)
		}
		if err != nil {
			return err
		}
		at := formatTime(s.now())
		live, err := liveRecords(ctx, tx, id)
		if err != nil {
			return err
		}
		for _, rid := range live {
			if err := setStatus(ctx, tx, rid, record.StatusWithdrawn, at); err != nil {
				return err
			}
			if err := logChange(ctx, tx, rid, OpWithdraw, at); err != nil {
				return err
			}
		}
		for _, q := range []string{`DELETE FROM partner_sources WHERE source = ?`, `DELETE FROM sources WHERE id = ?`,
			`DELETE FROM takedowns WHERE source = ?`, `DELETE FROM webhooks WHERE source = ?`} {
			if _, err := tx.ExecContext(ctx, q, id); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("delete partner source %s: %w", id, err)
	}
	return nil
}

func liveRecords(ctx context.Context, tx *sql.Tx, source string) ([]string, error) {
	rows, err := tx.QueryContext(ctx, `SELECT id FROM records WHERE source = ? AND status IN ('active', 'stale')`, source)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var ids []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		ids = append(ids, id)
	}
	return ids, rows.Err()
}

// ownedRecord returns the source of record id if partner owns it, or ErrNotFound.
func ownedRecord(ctx context.Context, tx *sql.Tx, partner int64, id string) (string, error) {
	var source string
	err := tx.QueryRowContext(ctx, `SELECT r.source FROM records r JOIN partner_sources p ON p.source = r.source
		WHERE r.id = ? AND p.partner = ?`, id, partner).Scan(&source)
	if errors.Is(err, sql.ErrNoRows) {
		return "", fmt.Errorf("record %s: %w", id, ErrNotFound)
	}
	return source, err
}

// Takedown withdraws partner's record id at once (logged, so the index follows) and
// keeps it withdrawn through later crawls until Restore. Another partner's record, or
// none, is ErrNotFound.
func (s *Store) Takedown(ctx context.Context, partner int64, id string) error {
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		source, err := ownedRecord(ctx, tx, partner, id)
		if err != nil {
			return err
		}
		at := formatTime(s.now())
		if _, err := tx.ExecContext(ctx, `INSERT INTO takedowns (record_id, source, partner, at) VALUES (?, ?, ?, ?)
			ON CONFLICT (record_id) DO NOTHING`, id, source, partner, at); err != nil {
			return err
		}
		if err := setStatus(ctx, tx, id, record.StatusWithdrawn, at); err != nil {
			return err
		}
		return logChange(ctx, tx, id, OpWithdraw, at)
	})
	if err != nil {
		return fmt.Errorf("take down %s: %w", id, err)
	}
	return nil
}

// Restore lifts the takedown of partner's record id: it is active again until a crawl
// says otherwise. A record not taken down, or not partner's, is ErrNotFound.
func (s *Store) Restore(ctx context.Context, partner int64, id string) error {
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		if _, err := ownedRecord(ctx, tx, partner, id); err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, `DELETE FROM takedowns WHERE record_id = ?`, id)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return fmt.Errorf("takedown of %s: %w", id, ErrNotFound)
		}
		at := formatTime(s.now())
		if err := setStatus(ctx, tx, id, record.StatusActive, at); err != nil {
			return err
		}
		return logChange(ctx, tx, id, OpUpsert, at)
	})
	if err != nil {
		return fmt.Errorf("restore %s: %w", id, err)
	}
	return nil
}

// takenDown returns the ids of source's records under a takedown.
func takenDown(ctx context.Context, tx *sql.Tx, source string) (map[string]bool, error) {
	rows, err := tx.QueryContext(ctx, `SELECT record_id FROM takedowns WHERE source = ?`, source)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string]bool{}
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		out[id] = true
	}
	return out, rows.Err()
}

// AddAudit records one partner or admin action.
func (s *Store) AddAudit(ctx context.Context, e record.AuditEntry) error {
	if e.At.IsZero() {
		e.At = s.now()
	}
	_, err := s.write.ExecContext(ctx, `INSERT INTO audit (at, partner, actor, action, target, remote) VALUES (?, ?, ?, ?, ?, ?)`,
		formatTime(e.At), e.Partner, e.Actor, e.Action, e.Target, e.Remote)
	if err != nil {
		return fmt.Errorf("audit %s: %w", e.Action, err)
	}
	return nil
}

// Audit returns the latest actions of partner (every actor's when partner is 0),
// newest first, at most limit.
func (s *Store) Audit(ctx context.Context, partner int64, limit int) ([]record.AuditEntry, error) {
	rows, err := s.read.QueryContext(ctx, `SELECT id, at, partner, actor, action, target, remote FROM audit
		WHERE ? = 0 OR partner = ? ORDER BY id DESC LIMIT ?`, partner, partner, limit)
	if err != nil {
		return nil, fmt.Errorf("audit: %w", err)
	}
	defer rows.Close()
	out := []record.AuditEntry{}
	for rows.Next() {
		var e record.AuditEntry
		var at string
		if err := rows.Scan(&e.ID, &at, &e.Partner, &e.Actor, &e.Action, &e.Target, &e.Remote); err != nil {
			return nil, fmt.Errorf("audit: %w", err)
		}
		e.At = parseTime(at)
		out = append(out, e)
	}
	return out, rows.Err()
}
