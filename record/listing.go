package record

import "time"

// Listing is one offering as a parser found it, before normalization. It is stored
// verbatim beside the record so a better normalizer can re-run without re-crawling.
type Listing struct {
	// LocalID is the feed's own id for the listing, if it has one.
	LocalID string `json:"local_id,omitempty"`
	// URL is the absolute URL of the listing's own (detail) page, if any.
	URL string `json:"url,omitempty"`
	// Page is the document the listing was found in (relative links resolve against
	// it); the crawler sets it so that re-normalizing needs no fetch.
	Page string `json:"page,omitempty"`
	// Fields holds the values found, keyed by the Field* names below; values are text
	// as found (HTML may remain in descriptions; normalization cleans it).
	Fields map[string]string `json:"fields"`
}

// Field names a parser fills in Listing.Fields. A source definition maps its own
// selectors or columns onto these names.
const (
	FieldTitle        = "title"
	FieldDescription  = "description"
	FieldDate         = "date"  // a start date or date-time as found (ISO 8601 preferred)
	FieldStart        = "start" // ISO 8601 start, when the feed has a structured one
	FieldEnd          = "end"
	FieldSchedule     = "schedule" // free text: "un jeudi sur deux, de 18h à 20h"
	FieldPrice        = "price"
	FieldPlace        = "place"   // venue name or "1000 Bruxelles" style text
	FieldAddress      = "address" // street address
	FieldPostcode     = "postcode"
	FieldCity         = "city"
	FieldOrganizer    = "organizer"
	FieldOrganizerURL = "organizer_url"
	FieldEmail        = "email"
	FieldPhone        = "phone"
	FieldRegistration = "registration" // sign-up URL
	FieldOnlineURL    = "online_url"
	FieldKind         = "kind"
	FieldAudience     = "audience"
	FieldTopic        = "topic"
	FieldLanguage     = "language"
	FieldAttendance   = "attendance"
	FieldImage        = "image"
	FieldURL          = "url" // a link found in the listing; resolved against the page
	// FieldRRule, FieldExDates and FieldRDates carry an iCalendar recurrence: an RFC 5545
	// RRULE, and comma-separated RFC 3339 dates to skip and to add.
	FieldRRule   = "rrule"
	FieldExDates = "exdates"
	FieldRDates  = "rdates"
	// FieldStatus is the listing's own status: "cancelled" withdraws it.
	FieldStatus = "status"
)

// KnownFields lists every field name a definition may map to.
var KnownFields = []string{
	FieldTitle, FieldDescription, FieldDate, FieldStart, FieldEnd, FieldSchedule,
	FieldPrice, FieldPlace, FieldAddress, FieldPostcode, FieldCity, FieldOrganizer,
	FieldOrganizerURL, FieldEmail, FieldPhone, FieldRegistration, FieldOnlineURL,
	FieldKind, FieldAudience, FieldTopic, FieldLanguage, FieldAttendance, FieldImage, FieldURL,
	FieldRRule, FieldExDates, FieldRDates, FieldStatus,
}

// IsKnownField reports whether name is one of KnownFields.
func IsKnownField(name string) bool {
	for _, f := range KnownFields {
		if f == name {
			return true
		}
	}
	return false
}

// Defaults are values a source definition pins for every listing it yields, used where
// the listing says nothing.
type Defaults struct {
	Kind         string   `json:"kind,omitempty" yaml:"kind,omitempty"`
	Facilitation string   `json:"facilitation,omitempty" yaml:"facilitation,omitempty"`
	Audiences    []string `json:"audiences,omitempty" yaml:"audiences,omitempty"`
	Topics       []string `json:"topics,omitempty" yaml:"topics,omitempty"`
	Attendance   string   `json:"attendance,omitempty" yaml:"attendance,omitempty"`
	Region       string   `json:"region,omitempty" yaml:"region,omitempty"`
	City         string   `json:"city,omitempty" yaml:"city,omitempty"`
	Postcode     string   `json:"postcode,omitempty" yaml:"postcode,omitempty"`
	Organizer    string   `json:"organizer,omitempty" yaml:"organizer,omitempty"`
	OrganizerURL string   `json:"organizer_url,omitempty" yaml:"organizer_url,omitempty"`
}

// Origin is what normalization needs to know about the source of a listing.
type Origin struct {
	Source      string   // source id
	URL         string   // the page the listing was found on; relative links resolve against it
	Language    string   // the source's declared language
	License     string   // SPDX id or ""
	Attribution string   // who to credit
	Defaults    Defaults // values pinned by the definition
}

// RunStatus is how a crawl ended.
type RunStatus string

const (
	RunRunning     RunStatus = "running"
	RunOK          RunStatus = "ok"
	RunNotModified RunStatus = "not_modified"
	RunFailed      RunStatus = "failed"
	// RunQuarantined is a crawl that fetched and parsed but looked wrong (e.g. zero
	// listings where there were many): its records are kept as they were, nothing withdrawn.
	RunQuarantined RunStatus = "quarantined"
)

// Run is one crawl of one source and what it did to the store.
type Run struct {
	ID         int64     `json:"id"`
	Source     string    `json:"source"`
	Status     RunStatus `json:"status"`
	StartedAt  time.Time `json:"started_at"`
	FinishedAt time.Time `json:"finished_at"`
	Pages      int       `json:"pages"` // documents fetched
	Bytes      int64     `json:"bytes"`
	Found      int       `json:"found"` // listings parsed
	Inserted   int       `json:"inserted"`
	Updated    int       `json:"updated"`
	Unchanged  int       `json:"unchanged"`
	Withdrawn  int       `json:"withdrawn"`
	Rejected   int       `json:"rejected"` // listings that failed validation
	// HTTPStatus is the status of the source's first document (0 when none came).
	HTTPStatus int `json:"http_status,omitempty"`
	// DetectedKind is the kind an "auto" source was read as.
	DetectedKind string   `json:"detected_kind,omitempty"`
	Error        string   `json:"error,omitempty"`
	Problems     []string `json:"problems,omitempty"` // parse and validation problems, with where
}

// Crawl is what one crawl of a source hands to the store: the run, the normalized
// records with their verbatim listings, and whether the crawl saw the whole source
// (only a complete, successful crawl withdraws listings it did not see).
type Crawl struct {
	Run      Run
	Records  []Record
	Verbatim []Listing // Verbatim[i] is the listing Records[i] came from
	Complete bool
}

// Change is one entry of the store's change log: its sequence number, what happened
// (upsert or withdraw), when, and the record's state now. Replaying the log in order
// and keeping the latest state of each id gives the current dataset.
type Change struct {
	Seq    int64     `json:"seq"`
	Op     string    `json:"op"`
	At     time.Time `json:"at"`
	Record Record    `json:"record"`
}
