package record

import (
	"errors"
	"time"
)

// ErrConflict is returned when a write would clash with what exists, such as a new
// source whose id is taken.
var ErrConflict = errors.New("conflict")

// Partner is an organization that manages its own sources through the partner API.
// Its token is never kept: only a hash of it.
type Partner struct {
	ID        int64      `json:"id"`
	Name      string     `json:"name"`
	Email     string     `json:"email"`
	CreatedAt time.Time  `json:"created_at"`
	RevokedAt *time.Time `json:"revoked_at,omitempty"` // set once the token no longer works
}

// AuditEntry is one partner or admin action: who did what to what, when and from where.
type AuditEntry struct {
	ID      int64     `json:"id"`
	At      time.Time `json:"at"`
	Partner int64     `json:"partner"` // 0 for the admin
	Actor   string    `json:"actor"`   // partner name, "admin" or "cli"
	Action  string    `json:"action"`  // e.g. "source.create", "record.takedown"
	Target  string    `json:"target"`  // source or record id
	Remote  string    `json:"remote"`  // remote address of the request
}

// Webhook is where a partner wants the summary of each run of a source POSTed, and
// the secret its body is signed with (X-Ensemble-Signature: sha256=HMAC-SHA256 hex).
type Webhook struct {
	Source  string `json:"source"`
	Partner int64  `json:"-"`
	URL     string `json:"url"`
	Secret  string `json:"secret"`
}
