package record

import (
	"slices"
	"time"
	"unicode/utf8"
)

// Report is a problem someone reported on a record's page ("report a problem"):
// no account, no address kept, only what they chose and wrote.
type Report struct {
	ID     int64     `json:"id"`
	Record string    `json:"record"` // record id
	Source string    `json:"source"` // the record's source, so its partner sees it
	Reason string    `json:"reason"` // one of ReportReasons
	Text   string    `json:"text"`   // optional, at most MaxReportText characters
	At     time.Time `json:"at"`
}

// ReportReasons are the reasons a report may give.
var ReportReasons = []string{"outdated", "wrong-details", "broken-link", "cancelled", "not-a-group", "inappropriate", "other"}

// MaxReportText is the longest report text, in characters.
const MaxReportText = 1000

// Problem returns the field of r that is invalid ("reason" or "text") and
// why, or "" when r is acceptable.
func (r Report) Problem() (field, reason string) {
	if !slices.Contains(ReportReasons, r.Reason) {
		return "reason", "choose one of the reasons"
	}
	if !utf8.ValidString(r.Text) {
		return "text", "not valid UTF-8"
	}
	if utf8.RuneCountInString(r.Text) > MaxReportText {
		return "text", "longer than 1000 characters"
	}
	return "", ""
}
