// Package record holds Ensemble's domain types: the normalized Record of one group
// offering (its JSON is the public dump schema), the verbatim Listing a parser found,
// crawl Runs, stable ids, validation and the first normalization steps.
//
// It imports nothing else from the module; every other package meets through it.
package record

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"slices"
	"time"

	"github.com/google/uuid"
)

// Status says whether a record is current. Vocabulary: active, withdrawn, past, stale.
type Status string

const (
	// StatusActive is a listing seen in the latest successful crawl of its source.
	StatusActive Status = "active"
	// StatusWithdrawn is a listing no longer seen in a successful crawl (or taken down);
	// it is kept, hidden from default search, and present in dumps with its status.
	StatusWithdrawn Status = "withdrawn"
	// StatusPast is a listing whose dates are all over.
	StatusPast Status = "past"
	// StatusStale is a listing not seen for 90 days.
	StatusStale Status = "stale"
)

// Valid reports whether s is in the status vocabulary.
func (s Status) Valid() bool {
	switch s {
	case StatusActive, StatusWithdrawn, StatusPast, StatusStale:
		return true
	}
	return false
}

// Record is one normalized group offering. Its JSON tags are the public schema of the
// API and the open dumps: treat any change as an API change and document it in docs/.
type Record struct {
	// ID is UUIDv5(Namespace, source + "\x00" + local_id): stable across crawls.
	ID string `json:"id"`
	// Source is the id of the source definition the record was crawled from.
	Source string `json:"source"`
	// LocalID identifies the listing within its source: the feed's own id, else the
	// canonical URL, else a hash of title and date.
	LocalID string `json:"local_id"`
	// URL is the absolute URL of the listing's own page, if it has one.
	URL    string `json:"url"`
	Status Status `json:"status"`
	// Language is the BCP 47 primary language of the text (fr, nl, de, en).
	Language    string `json:"language"`
	Title       string `json:"title"`
	Description string `json:"description"` // plain text, HTML removed
	// Kind, Facilitation, Audiences, Topics and Attendance take ids from the taxonomy.
	Kind         string   `json:"kind"`
	Facilitation string   `json:"facilitation"`
	Audiences    []string `json:"audiences"`
	Topics       []string `json:"topics"`
	Attendance   string   `json:"attendance"` // in-person, online, hybrid
	// Languages are the languages the group is held in.
	Languages    []string     `json:"languages"`
	GroupSize    *GroupSize   `json:"group_size"`
	Organization Organization `json:"organization"`
	Location     Location     `json:"location"`
	OnlineURL    string       `json:"online_url"`
	Schedule     Schedule     `json:"schedule"`
	Cost         Cost         `json:"cost"`
	Registration Registration `json:"registration"`
	Contact      Contact      `json:"contact"`
	// License is an SPDX id; empty means unknown (searchable, left out of open dumps).
	License     string `json:"license"`
	Attribution string `json:"attribution"`
	// Flags explain what normalization noticed or could not do.
	Flags []Flag `json:"flags"`
	// ClassifiedBy lists the rules or defaults that set kind, audiences and topics.
	ClassifiedBy []string `json:"classified_by"`

	FirstSeen time.Time `json:"first_seen"` // first successful crawl that saw it
	LastSeen  time.Time `json:"last_seen"`  // latest successful crawl that saw it
	FetchedAt time.Time `json:"fetched_at"` // when its current content was fetched
	UpdatedAt time.Time `json:"updated_at"` // when its content or status last changed
}

// GroupSize is how many people a group takes.
type GroupSize struct {
	Min         int    `json:"min"`
	Max         int    `json:"max"`
	Approximate bool   `json:"approximate"`
	Text        string `json:"text"` // as the source wrote it
}

// Organization runs the group.
type Organization struct {
	Name string `json:"name"`
	URL  string `json:"url"`
}

// Location is where the group meets.
type Location struct {
	Name     string `json:"name"`
	Address  string `json:"address"`
	Postcode string `json:"postcode"`
	City     string `json:"city"`    // the locality
	Commune  string `json:"commune"` // the municipality the locality belongs to
	Province string `json:"province"`
	Region   string `json:"region"` // Brussels, Flanders, Wallonia
	Country  string `json:"country"`
	// Lat and Lon are WGS84 degrees; both zero means unknown.
	Lat float64 `json:"lat"`
	Lon float64 `json:"lon"`
	// Precision says what Lat/Lon locate: address, postcode, city or "" when unknown.
	Precision string `json:"precision"`
}

// Schedule is when the group meets. Times are RFC 3339 with the offset of
// Europe/Brussels; Text keeps what the source wrote.
type Schedule struct {
	Start           *time.Time  `json:"start"`
	End             *time.Time  `json:"end"`
	RRule           string      `json:"rrule"`
	Timezone        string      `json:"timezone"`
	DurationMinutes int         `json:"duration_minutes"`
	Next            []time.Time `json:"next"`
	Text            string      `json:"text"`
}

// Upcoming returns up to n session starts at or after now, in order: the start and
// the next dates, each once.
func (s Schedule) Upcoming(now time.Time, n int) []time.Time {
	var out []time.Time
	for _, t := range s.Next {
		if !t.Before(now) {
			out = append(out, t)
		}
	}
	if st := s.Start; st != nil && !st.Before(now) && !slices.ContainsFunc(out, st.Equal) {
		out = append(out, *st)
	}
	slices.SortFunc(out, time.Time.Compare)
	return out[:min(n, len(out))]
}

// Cost is what taking part costs. Free is true only when the source says so.
type Cost struct {
	Free     bool    `json:"free"`
	Min      float64 `json:"min"`
	Max      float64 `json:"max"`
	Currency string  `json:"currency"`
	Unit     string  `json:"unit"` // session, cycle, month, year or ""
	Text     string  `json:"text"`
}

// Registration says how to sign up.
type Registration struct {
	Required bool   `json:"required"`
	URL      string `json:"url"`
	Email    string `json:"email"`
	Phone    string `json:"phone"`
}

// Contact is the organizer's public contact. Person is an individual's name: it is
// kept in the store but never written to open dumps.
type Contact struct {
	Email  string `json:"email"`
	Phone  string `json:"phone"`
	URL    string `json:"url"`
	Person string `json:"person"`
}

// Severity grades a Flag: info (noticed), warning (may be wrong), error (unusable field).
type Severity string

const (
	SeverityInfo    Severity = "info"
	SeverityWarning Severity = "warning"
	SeverityError   Severity = "error"
)

// Flag is one quality note on a record.
type Flag struct {
	Code     string   `json:"code"`
	Severity Severity `json:"severity"`
	Field    string   `json:"field"`
	Message  string   `json:"message,omitempty"`
}

// Namespace is the UUIDv5 namespace of record ids. Never change it: ids would change.
var Namespace = uuid.MustParse("6c1d2f9e-3b0a-5e8f-9d41-7a2b3c4d5e6f")

// NewID returns the stable id of the listing localID of source.
func NewID(source, localID string) string {
	return uuid.NewSHA1(Namespace, []byte(source+"\x00"+localID)).String()
}

// Fingerprint hashes what a crawl can change in a record: everything but the
// timestamps. Two crawls of an unchanged listing give the same fingerprint.
func (r Record) Fingerprint() string {
	r.FirstSeen, r.LastSeen, r.FetchedAt, r.UpdatedAt = time.Time{}, time.Time{}, time.Time{}, time.Time{}
	b, err := json.Marshal(r)
	if err != nil { // only unsupported values fail, and Record has none
		panic("record: fingerprint: " + err.Error())
	}
	return FingerprintOf(b)
}

// FingerprintOf is the fingerprint of a record's JSON encoding with its timestamps
// zeroed: for a caller (the store) that has that encoding already.
func FingerprintOf(content []byte) string {
	sum := sha256.Sum256(content)
	return hex.EncodeToString(sum[:])
}
