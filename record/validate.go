package record

import (
	"errors"
	"fmt"
	"net/url"
	_ "time/tzdata" // Europe/Brussels on machines without a zoneinfo database
)

// ValidationError says which field of a record is wrong and how.
type ValidationError struct {
	Field   string // JSON path, e.g. "schedule.end"
	Problem string
}

func (e *ValidationError) Error() string { return e.Field + ": " + e.Problem }

// Validate checks the invariants every stored record keeps. It returns a
// *ValidationError (joined, if several) naming each bad field.
func (r Record) Validate() error {
	var errs []error
	bad := func(field, format string, args ...any) {
		errs = append(errs, &ValidationError{Field: field, Problem: fmt.Sprintf(format, args...)})
	}
	if r.Source == "" {
		bad("source", "empty")
	}
	if r.LocalID == "" {
		bad("local_id", "empty")
	}
	if r.ID != NewID(r.Source, r.LocalID) {
		bad("id", "%q is not the id of source %q and local_id %q", r.ID, r.Source, r.LocalID)
	}
	if r.Title == "" {
		bad("title", "empty")
	} else if len(r.Title) > 500 {
		bad("title", "longer than 500 bytes")
	}
	if !r.Status.Valid() {
		bad("status", "%q is not one of active, withdrawn, past, stale", r.Status)
	}
	for field, u := range map[string]string{
		"url": r.URL, "online_url": r.OnlineURL, "organization.url": r.Organization.URL,
		"registration.url": r.Registration.URL, "contact.url": r.Contact.URL,
	} {
		if u == "" {
			continue
		}
		p, err := url.Parse(u)
		if err != nil || (p.Scheme != "http" && p.Scheme != "https") || p.Host == "" {
			bad(field, "%q is not an absolute http(s) URL", u)
		}
	}
	if s := r.Schedule; s.Start != nil && s.End != nil && s.End.Before(*s.Start) {
		bad("schedule.end", "before schedule.start")
	}
	if c := r.Cost; c.Min < 0 || c.Max < c.Min {
		bad("cost", "min %v and max %v out of order", c.Min, c.Max)
	}
	if r.Location.Lat < -90 || r.Location.Lat > 90 || r.Location.Lon < -180 || r.Location.Lon > 180 {
		bad("location", "lat/lon out of range")
	}
	return errors.Join(errs...)
}

// ErrNotFound is returned by lookups of a source, run or record that does not exist.
// It lives here so that every package can test for it without importing the store.
var ErrNotFound = errors.New("not found")
