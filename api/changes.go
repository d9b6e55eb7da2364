package api

import (
	"net/http"
	"strconv"
	"time"

	"github.com/ensemble-be/ensemble/record"
)

// ChangeItem is one item of the change feed, in the manner of OpenActive's RPDE: a
// mirror keeps the seq of the last item it applied and asks for what came after.
type ChangeItem struct {
	Seq      int64          `json:"seq"`
	ID       string         `json:"id"`
	State    string         `json:"state"` // updated or withdrawn
	Modified time.Time      `json:"modified"`
	Data     *record.Record `json:"data"`
}

// ChangesPage is the body of GET /api/v1/changes.
type ChangesPage struct {
	Items []ChangeItem `json:"items"`
	// Next is the URL of the following page: the same request with after set to the
	// last item's seq. A page with no items means the mirror is up to date; it asks
	// the same URL again later.
	Next string `json:"next"`
}

// Change feed limits.
const (
	defaultChangesLimit = 500
	maxChangesLimit     = 5000
)

// handleChanges serves GET /api/v1/changes?after=SEQ&limit=N: the change log after
// SEQ, in order, each item with the record's current public state.
func (s *Server) handleChanges(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	for name := range q {
		if name != "after" && name != "limit" {
			s.writeError(w, r, badParam(name, "unknown parameter (known: after, limit)"))
			return
		}
	}
	after, err := strconv.ParseInt(q.Get("after"), 10, 64)
	if q.Get("after") == "" {
		after, err = 0, nil
	}
	if err != nil || after < 0 {
		s.writeError(w, r, badParam("after", "%q is not a change sequence number (0 or more)", q.Get("after")))
		return
	}
	limit, err := intParam(q, "limit", defaultChangesLimit, 1, maxChangesLimit)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	changes, err := s.store.ChangesAfter(r.Context(), after, limit)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	page := ChangesPage{Items: make([]ChangeItem, 0, len(changes))}
	last := after
	for _, c := range changes {
		rec := c.Record.Public()
		state := "updated"
		if rec.Status == record.StatusWithdrawn {
			state = "withdrawn"
		}
		page.Items = append(page.Items, ChangeItem{Seq: c.Seq, ID: rec.ID, State: state, Modified: c.At, Data: &rec})
		last = c.Seq
	}
	page.Next = r.URL.Path + "?after=" + strconv.FormatInt(last, 10) + "&limit=" + strconv.Itoa(limit)
	writeJSON(w, page)
}
