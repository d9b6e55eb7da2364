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
