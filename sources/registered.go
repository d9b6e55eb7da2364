package sources

import "time"

// Registered is a source definition as Ensemble keeps it: with where it came from
// and when it was added and last changed.
type Registered struct {
	Definition Definition `json:"definition"`
	Origin     string     `json:"origin"` // catalog, demo or partner
	CreatedAt  time.Time  `json:"created_at"`
	UpdatedAt  time.Time  `json:"updated_at"`
}

// Review states of a partner's source: pending sources are not crawled.
const (
	StatePending  = "pending"
	StateApproved = "approved"
	StateRejected = "rejected"
)

// Owned is a source managed by a partner: its registration, its owner and where its
// review stands (StatePending, StateApproved or StateRejected).
type Owned struct {
	Registered
	Partner int64  `json:"partner"`
	State   string `json:"state"`
}
