package sources

import "time"

// Health is how a source's crawls have been going: what the scheduler needs to back
// off or pause it, and what a partner or an operator needs to see at a glance.
type Health struct {
	// ConsecutiveFailures counts failed runs since the last one that fetched.
	ConsecutiveFailures int `json:"consecutive_failures"`
	// BackoffUntil is when the source may be crawled again after failures (zero: now).
	BackoffUntil time.Time `json:"backoff_until,omitzero"`
	// Paused sources are not crawled until resumed (`ensemble sources resume ID`).
	Paused       bool      `json:"paused"`
	PausedReason string    `json:"paused_reason,omitempty"`
	LastSuccess  time.Time `json:"last_success,omitzero"`
	LastError    string    `json:"last_error,omitempty"`
	LastErrorAt  time.Time `json:"last_error_at,omitzero"`
	// ETag and LastModified are the validators of the last fetched document, sent
	// back for a conditional GET.
	ETag         string `json:"-"`
	LastModified string `json:"-"`
	// ValidatorsFor fingerprints the definition the validators were read with.
	ValidatorsFor string `json:"-"`
}
