package record

import (
	"errors"
	"regexp"
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

var origin = Origin{Source: "entrelacs", URL: "https://agenda.example.org/agenda/", Language: "fr",
	License: "CC-BY-4.0", Attribution: "Réseau Entrelacs"}

func TestNewIDStable(t *testing.T) {
	a, b := NewID("smes-b", "intervisions-2026"), NewID("smes-b", "intervisions-2026")
	if a != b {
		t.Fatalf("NewID not stable: %s vs %s", a, b)
	}
	if a == NewID("smes-b", "intervisions-2027") || a == NewID("smes-c", "intervisions-2026") {
		t.Fatalf("NewID collides across local ids or sources")
	}
	// The separator keeps ("ab","c") and ("a","bc") apart.
	if NewID("ab", "c") == NewID("a", "bc") {
		t.Fatalf("NewID(ab, c) == NewID(a, bc)")
	}
	if !regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-`).MatchString(a) {
		t.Fatalf("NewID = %s, want a version 5 UUID", a)
	}
}

func TestParseDate(t *testing.T) {
	tests := []struct {
		in     string
		want   string // RFC 3339 in Brussels time; "" = error
		allDay bool
	}{
		{"2027-01-14T18:30", "2027-01-14T18:30:00+01:00", false},
		{"2027-06-08T12:30:00+02:00", "2027-06-08T12:30:00+02:00", false},
		{"2027-06-08T10:30:00Z", "2027-06-08T12:30:00+02:00", false},
		{"2027-03-28 10:00", "2027-03-28T10:00:00+02:00", false}, // the day DST starts
		{"2027-02-03", "2027-02-03T00:00:00+01:00", true},
		{"03/02/2027", "2027-02-03T00:00:00+01:00", true},
		{"03/02/2027 19:00", "2027-02-03T19:00:00+01:00", false},
		{"le 30 novembre", "", false},
		{"2027-13-01", "", false},
	}
	for _, tt := range tests {
		got, allDay, err := ParseDate(tt.in)
		if tt.want == "" {
			if err == nil {
				t.Errorf("ParseDate(%q) = %v, want an error", tt.in, got)
			}
			continue
		}
		if err != nil || got.Format(time.RFC3339) != tt.want || allDay != tt.allDay {
			t.Errorf("ParseDate(%q) = %v, %v, %v; want %s, %v", tt.in, got.Format(time.RFC3339), allDay, err, tt.want, tt.allDay)
		}
	}
}

func TestCleanText(t *testing.T) {
	tests := []struct{ in, want string }{
		{"  Groupe   de\tparole ", "Groupe de parole"},
		{"<p>Un espace <b>sécurisant</b>.</p><p>Sur inscription&nbsp;!</p>", "Un espace sécurisant.\nSur inscription !"},
		{"Parents &amp; proches", "Parents & proches"},
		{"&amp;lt;p&amp;gt; stays text", "&lt;p&gt; stays text"},
		{"Inscription : <https://forms.example.org/x?a=1>", "Inscription : https://forms.example.org/x?a=1"},
		{"<script>alert(1)</script>Texte<style>p{}</style>", "Texte"},
		{"a < b et c > d", "a < b et c > d"},
		{"ligne 1<br>ligne 2<br/><br/>ligne 3", "ligne 1\nligne 2\nligne 3"},
		{"", ""},
	}
	for _, tt := range tests {
		if got := CleanText(tt.in); got != tt.want {
			t.Errorf("CleanText(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestNormalize(t *testing.T) {
	fetched := time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC)
	l := Listing{URL: "evenements/parole-proches.html", Fields: map[string]string{
		FieldTitle:        " Groupe de parole <em>pour proches</em> ",
		FieldDescription:  "<p>Un jeudi sur deux.</p>",
		FieldDate:         "2027-01-14T18:30",
		FieldEnd:          "2027-01-14T20:30",
		FieldPlace:        "Maison des Associations, 1060 Saint-Gilles",
		FieldPrice:        "5 € par séance",
		FieldKind:         "Groupe de parole",
		FieldPhone:        "0470/00 00 12",
		FieldEmail:        "Contact@Entrelacs.example.org",
		FieldRegistration: "/inscription?id=3",
	}}
	r, err := Normalize(origin, l, fetched)
	if err != nil {
		t.Fatalf("Normalize: %v", err)
	}
	checks := []struct{ field, got, want string }{
		{"title", r.Title, "Groupe de parole pour proches"},
		{"description", r.Description, "Un jeudi sur deux."},
		{"url", r.URL, "https://agenda.example.org/agenda/evenements/parole-proches.html"},
		{"local_id", r.LocalID, "https://agenda.example.org/agenda/evenements/parole-proches.html"},
		{"id", r.ID, NewID("entrelacs", r.URL)},
		{"kind", r.Kind, "discussion-group"},
		{"schedule.start", r.Schedule.Start.Format(time.RFC3339), "2027-01-14T18:30:00+01:00"},
		{"schedule.end", r.Schedule.End.Format(time.RFC3339), "2027-01-14T20:30:00+01:00"},
		{"location.postcode", r.Location.Postcode, "1060"},
		{"location.city", r.Location.City, "Saint-Gilles"},
		{"location.name", r.Location.Name, "Maison des Associations"},
		{"location.region", r.Location.Region, "Brussels"},
		{"contact.phone", r.Contact.Phone, "+32470000012"},
		{"contact.email", r.Contact.Email, "Contact@entrelacs.example.org"}, // the domain is lower-cased, the local part kept
		{"registration.url", r.Registration.URL, "https://agenda.example.org/inscription?id=3"},
		{"attendance", r.Attendance, "in-person"},
		{"language", r.Language, "fr"},
		{"license", r.License, "CC-BY-4.0"},
		{"status", string(r.Status), "active"},
	}
	for _, c := range checks {
		if c.got != c.want {
			t.Errorf("Normalize: %s = %q, want %q", c.field, c.got, c.want)
		}
	}
	if r.Schedule.DurationMinutes != 120 || r.Cost.Min != 5 || r.Cost.Unit != "session" {
		t.Errorf("Normalize: duration %d, cost %+v", r.Schedule.DurationMinutes, r.Cost)
	}
	if len(r.Flags) != 1 || r.Flags[0].Code != "place_from_postcode" {
		t.Errorf("Normalize: flags %+v, want only place_from_postcode", r.Flags)
	}
}

func TestNormalizeFlagsAndDefaults(t *testing.T) {
	o := origin
	o.Defaults = Defaults{Kind: "intervision", Audiences: []string{"professionals"}, Postcode: "1000", City: "Bruxelles"}
	r, err := Normalize(o, Listing{LocalID: "x1", Fields: map[string]string{
		FieldTitle: "Intervision", FieldStart: "2027-13-45", FieldSchedule: "à convenir", FieldPhone: "appelez-nous",
	}}, time.Now())
	if err != nil {
		t.Fatalf("Normalize: %v", err)
	}
	codes := map[string]bool{}
	for _, f := range r.Flags {
		codes[f.Code] = true
	}
	if !codes["date_unparsed"] || !codes["phone_invalid"] || !codes["place_from_default"] {
		t.Errorf("flags = %+v, want date_unparsed, phone_invalid and place_from_default", r.Flags)
	}
	if r.Schedule.Start != nil || r.Schedule.Text == "" {
		t.Errorf("unparsed date: start %v, text %q; want nil and the text kept", r.Schedule.Start, r.Schedule.Text)
	}
	if r.Kind != "intervision" || r.Audiences[0] != "professionals" || r.Location.Postcode != "1000" {
		t.Errorf("defaults not applied: kind %q audiences %v postcode %q", r.Kind, r.Audiences, r.Location.Postcode)
	}
	if strings.Join(r.ClassifiedBy, ",") != "default:kind,default:audiences" {
		t.Errorf("classified_by = %v", r.ClassifiedBy)
	}
}

func TestNormalizeRejectsUntitled(t *testing.T) {
	_, err := Normalize(origin, Listing{LocalID: "x", Fields: map[string]string{FieldTitle: "<p> </p>"}}, time.Now())
	var ve *ValidationError
	if !errors.As(err, &ve) || ve.Field != "title" {
		t.Fatalf("Normalize(untitled) error = %v, want a ValidationError on title", err)
	}
}

func TestLocalIDFallsBackToHash(t *testing.T) {
	l := Listing{Fields: map[string]string{FieldTitle: "Atelier", FieldDate: "2027-02-03"}}
	a, _ := Normalize(Origin{Source: "s"}, l, time.Now())
	b, _ := Normalize(Origin{Source: "s"}, l, time.Now().Add(time.Hour))
	if a.ID != b.ID || !strings.HasPrefix(a.LocalID, "sha256:") {
		t.Fatalf("hash local ids: %q vs %q", a.LocalID, b.LocalID)
	}
	l.Fields[FieldDate] = "2027-02-10"
	if c, _ := Normalize(Origin{Source: "s"}, l, time.Now()); c.ID == a.ID {
		t.Fatalf("same id for a different date")
	}
}

func TestValidate(t *testing.T) {
	valid := func() Record {
		r := Record{Source: "s", LocalID: "1", Title: "Groupe", Status: StatusActive}
		r.ID = NewID(r.Source, r.LocalID)
		return r
	}
	start := time.Date(2027, 1, 2, 10, 0, 0, 0, Brussels)
	before := start.Add(-time.Hour)
	tests := []struct {
		name  string
		edit  func(*Record)
		field string // "" = valid
	}{
		{"valid", func(*Record) {}, ""},
		{"no title", func(r *Record) { r.Title = "" }, "title"},
		{"no source", func(r *Record) { r.Source = "" }, "source"},
		{"wrong id", func(r *Record) { r.ID = NewID("other", "1") }, "id"},
		{"bad status", func(r *Record) { r.Status = "deleted" }, "status"},
		{"relative url", func(r *Record) { r.URL = "/agenda" }, "url"},
		{"javascript url", func(r *Record) { r.Registration.URL = "javascript:alert(1)" }, "registration.url"},
		{"end before start", func(r *Record) { r.Schedule.Start, r.Schedule.End = &start, &before }, "schedule.end"},
		{"cost order", func(r *Record) { r.Cost.Min, r.Cost.Max = 10, 5 }, "cost"},
		{"lat", func(r *Record) { r.Location.Lat = 91 }, "location"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := valid()
			tt.edit(&r)
			err := r.Validate()
			if tt.field == "" {
				if err != nil {
					t.Fatalf("Validate() = %v, want nil", err)
				}
				return
			}
			var ve *ValidationError
			if !errors.As(err, &ve) || ve.Field != tt.field {
				t.Fatalf("Validate() = %v, want an error on %s", err, tt.field)
			}
		})
	}
}

func TestFingerprint(t *testing.T) {
	r, _ := Normalize(origin, Listing{LocalID: "1", Fields: map[string]string{FieldTitle: "Groupe"}}, time.Now())
	later := r
	later.LastSeen, later.FetchedAt = time.Now().Add(time.Hour), time.Now().Add(time.Hour)
	if r.Fingerprint() != later.Fingerprint() {
		t.Errorf("fingerprint changed with timestamps only")
	}
	later.Title = "Groupe de parole"
	if r.Fingerprint() == later.Fingerprint() {
		t.Errorf("fingerprint unchanged after a title change")
	}
}

func TestCSVRowMatchesColumnsAndHidesPerson(t *testing.T) {
	r, _ := Normalize(origin, Listing{LocalID: "1", Fields: map[string]string{FieldTitle: "Groupe"}}, time.Now())
	r.Contact.Person = "Prénom Nom"
	row := r.Public().CSVRow()
	if len(row) != len(CSVColumns) {
		t.Fatalf("CSVRow has %d cells, CSVColumns %d", len(row), len(CSVColumns))
	}
	if strings.Contains(strings.Join(row, ","), "Prénom Nom") {
		t.Fatalf("CSV row contains the contact person")
	}
}

func FuzzNormalize(f *testing.F) {
	f.Add("Groupe de parole", "<p>texte</p>", "2027-01-14T18:30", "5 €", "1060 Saint-Gilles", "0498/462 402", "a.html")
	f.Add("", "", "03/02/2027", "gratuit", "", "+32 2 000 00 00", "https://x.example.org/")
	f.Fuzz(func(t *testing.T, title, desc, date, price, place, phone, link string) {
		l := Listing{URL: link, Fields: map[string]string{FieldTitle: title, FieldDescription: desc,
			FieldDate: date, FieldPrice: price, FieldPlace: place, FieldPhone: phone}}
		r, err := Normalize(origin, l, time.Now())
		if err != nil {
			var ve *ValidationError
			if !errors.As(err, &ve) {
				t.Fatalf("Normalize error %v is not a ValidationError", err)
			}
			return
		}
		if err := r.Validate(); err != nil {
			t.Fatalf("Normalize returned an invalid record: %v", err)
		}
		if utf8.ValidString(title) && !utf8.ValidString(r.Title) {
			t.Fatalf("title became invalid UTF-8: %q", r.Title)
		}
		if r.Contact.Phone != "" && !regexp.MustCompile(`^(\+32\d{8,9}|\d{3,4})$`).MatchString(r.Contact.Phone) {
			t.Fatalf("phone %q from %q is not E.164", r.Contact.Phone, phone)
		}
	})
}

func FuzzCleanText(f *testing.F) {
	f.Add("<p>Un <b>groupe</b>&nbsp;de parole</p>")
	f.Add("a < b &amp; c")
	f.Fuzz(func(t *testing.T, s string) {
		got := CleanText(s)
		if strings.TrimSpace(got) != got {
			t.Fatalf("CleanText(%q) = %q: not trimmed", s, got)
		}
		if strings.Contains(got, "  ") || strings.Contains(got, "\n\n") {
			t.Fatalf("CleanText(%q) = %q: blanks not collapsed", s, got)
		}
	})
}

func TestNormalizeScheduleFlags(t *testing.T) {
	fetched := time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC)
	tests := []struct {
		name       string
		fields     map[string]string
		wantFlag   string
		wantStatus Status
	}{
		{"unreadable date field", map[string]string{FieldTitle: "Groupe de parole", FieldDate: "à convenir"}, "date_unparsed", StatusActive},
		{"webinar without date", map[string]string{FieldTitle: "Webinaire sur le deuil"}, "date_missing", StatusActive},
		{"all dates over", map[string]string{FieldTitle: "Groupe de parole", FieldDate: "2025-03-03T19:00"}, "date_past", StatusPast},
		{"this morning is not past", map[string]string{FieldTitle: "Groupe de parole", FieldDate: "2026-11-23T09:00"}, "", StatusActive},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, err := Normalize(origin, Listing{LocalID: "x", Fields: tt.fields}, fetched)
			if err != nil {
				t.Fatal(err)
			}
			codes := map[string]bool{}
			for _, f := range r.Flags {
				codes[f.Code] = true
			}
			if tt.wantFlag != "" && !codes[tt.wantFlag] {
				t.Errorf("flags = %+v, want %s", r.Flags, tt.wantFlag)
			}
			if tt.wantFlag == "" && codes["date_past"] {
				t.Errorf("flags = %+v, want no date_past", r.Flags)
			}
			if r.Status != tt.wantStatus {
				t.Errorf("status = %q, want %q", r.Status, tt.wantStatus)
			}
		})
	}
}

func TestNormalizeCancelled(t *testing.T) {
	r, err := Normalize(origin, Listing{LocalID: "x", Fields: map[string]string{
		FieldTitle: "Groupe de parole", FieldStatus: "CANCELLED"}}, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	if r.Status != StatusWithdrawn || len(r.Flags) == 0 || r.Flags[len(r.Flags)-1].Code != "cancelled" {
		t.Errorf("cancelled listing: status %q, flags %+v; want withdrawn with a cancelled flag", r.Status, r.Flags)
	}
}

func TestNormalizeICalRecurrence(t *testing.T) {
	fetched := time.Date(2027, 3, 20, 10, 0, 0, 0, time.UTC)
	r, err := Normalize(origin, Listing{LocalID: "uid-1", Fields: map[string]string{
		FieldTitle: "Groupe de parole du mardi", FieldStart: "2027-03-02T19:00:00+01:00", FieldEnd: "2027-03-02T21:00:00+01:00",
		FieldRRule: "FREQ=WEEKLY;BYDAY=TU", FieldExDates: "2027-03-30T19:00:00+02:00"}}, fetched)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, n := range r.Schedule.Next[:3] {
		got = append(got, n.Format(time.RFC3339))
	}
	// 23 March in winter time, 30 March skipped (EXDATE), 6 April in summer time: 19:00 local each.
	want := "2027-03-23T19:00:00+01:00 2027-04-06T19:00:00+02:00 2027-04-13T19:00:00+02:00"
	if strings.Join(got, " ") != want || r.Schedule.RRule != "FREQ=WEEKLY;BYDAY=TU" || r.Status != StatusActive {
		t.Errorf("iCal recurrence: next %v, rrule %q, status %q; want %s", got, r.Schedule.RRule, r.Status, want)
	}
}

func TestIsOpenLicense(t *testing.T) {
	tests := []struct {
		spdx string
		want bool
	}{
		{"CC-BY-4.0", true}, {"CC0-1.0", true}, {"ODbL-1.0", true}, {"CC-BY-SA-4.0", true},
		{"CC-BY-4.0 OR ODbL-1.0", true}, {"", false}, {"CC-BY-NC-4.0", false}, {"CC-BY-ND-4.0", false},
		{"LicenseRef-proprietary", false}, {"CC-BY-4.0 AND LicenseRef-x", false},
	}
	for _, tt := range tests {
		if got := IsOpenLicense(tt.spdx); got != tt.want {
			t.Errorf("IsOpenLicense(%q) = %v, want %v", tt.spdx, got, tt.want)
		}
	}
}
