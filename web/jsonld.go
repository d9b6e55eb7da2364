package web

import (
	"encoding/json"
	"html/template"
	"time"

	"github.com/ensemble-be/ensemble/record"
)

// jsonLD describes rec in schema.org terms: an Event when it has dates, else a
// Service. The JSON is HTML-safe (json.Marshal escapes <, > and &), so it can sit
// inside <script type="application/ld+json"> whatever a title contains.
func jsonLD(rec record.Record, pageURL string, now time.Time) template.JS {
	doc := map[string]any{"@context": "https://schema.org", "name": rec.Title, "url": pageURL}
	if rec.Description != "" {
		doc["description"] = rec.Description
	}
	if rec.Language != "" {
		doc["inLanguage"] = rec.Language
	}
	var org map[string]any
	if rec.Organization.Name != "" {
		org = map[string]any{"@type": "Organization", "name": rec.Organization.Name}
		if rec.Organization.URL != "" {
			org["url"] = rec.Organization.URL
		}
	}
	var place map[string]any
	if loc := rec.Location; loc.Name != "" || loc.Address != "" || loc.Postcode != "" || loc.City != "" {
		addr := map[string]any{"@type": "PostalAddress", "addressCountry": "BE"}
		for k, v := range map[string]string{"streetAddress": loc.Address, "postalCode": loc.Postcode, "addressLocality": loc.City, "addressRegion": loc.Region} {
			if v != "" {
				addr[k] = v
			}
		}
		place = map[string]any{"@type": "Place", "address": addr}
		if loc.Name != "" {
			place["name"] = loc.Name
		}
		if loc.Lat != 0 || loc.Lon != 0 {
			place["geo"] = map[string]any{"@type": "GeoCoordinates", "latitude": loc.Lat, "longitude": loc.Lon}
		}
	}
	var offer map[string]any
	if rec.Cost.Free || rec.Cost.Min > 0 {
		cur := rec.Cost.Currency
		if cur == "" {
			cur = "EUR"
		}
		offer = map[string]any{"@type": "Offer", "price": rec.Cost.Min, "priceCurrency": cur}
		if rec.Cost.Free {
			offer["price"] = 0
		}
	}

	start := rec.Schedule.Upcoming(now, 1)
	if len(start) == 0 && rec.Schedule.Start != nil {
		start = []time.Time{*rec.Schedule.Start}
	}
	if len(start) > 0 {
		doc["@type"] = "Event"
		doc["startDate"] = start[0].In(brussels).Format(time.RFC3339)
		if d := rec.Schedule.DurationMinutes; d > 0 {
			doc["endDate"] = start[0].Add(time.Duration(d) * time.Minute).In(brussels).Format(time.RFC3339)
		} else if rec.Schedule.End != nil && rec.Schedule.End.After(start[0]) {
			doc["endDate"] = rec.Schedule.End.In(brussels).Format(time.RFC3339)
		}
		status := "https://schema.org/EventScheduled"
		if rec.Status == record.StatusWithdrawn {
			status = "https://schema.org/EventCancelled"
		}
		doc["eventStatus"] = status
		mode := map[string]string{"online": "OnlineEventAttendanceMode", "hybrid": "MixedEventAttendanceMode"}[rec.Attendance]
		if mode == "" {
			mode = "OfflineEventAttendanceMode"
		}
		doc["eventAttendanceMode"] = "https://schema.org/" + mode
		var locs []any
		if place != nil {
			locs = append(locs, place)
		}
		if rec.OnlineURL != "" || rec.Attendance == "online" {
			v := map[string]any{"@type": "VirtualLocation"}
			if rec.OnlineURL != "" {
				v["url"] = rec.OnlineURL
			}
			locs = append(locs, v)
		}
		if len(locs) == 1 {
			doc["location"] = locs[0]
		} else if len(locs) > 1 {
			doc["location"] = locs
		}
		if org != nil {
			doc["organizer"] = org
		}
		if offer != nil {
			doc["offers"] = offer
		}
	} else {
		doc["@type"] = "Service"
		if rec.Kind != "" {
			doc["serviceType"] = record.DefaultTaxonomy().Label(rec.Kind, "en")
		}
		if org != nil {
			doc["provider"] = org
		}
		if place != nil {
			doc["availableChannel"] = map[string]any{"@type": "ServiceChannel", "serviceLocation": place}
		}
		if rec.Location.City != "" {
			doc["areaServed"] = map[string]any{"@type": "City", "name": rec.Location.City}
		}
		if offer != nil {
			doc["offers"] = offer
		}
	}
	b, err := json.Marshal(doc)
	if err != nil { // only unsupported values fail, and these are strings and numbers
		return template.JS("{}")
	}
	return template.JS(b)
}
