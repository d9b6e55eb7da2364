package api

import (
	"iter"
	"net/http"
	"strconv"
	"time"

	"github.com/ensemble-be/ensemble/record"
)

// handleDumpJSONL serves GET /api/v1/dump.jsonl: every record under an open licence,
// one JSON object a line, streamed from one consistent store snapshot.
func (s *Server) handleDumpJSONL(w http.ResponseWriter, r *http.Request) {
	s.streamDump(w, r, "application/x-ndjson; charset=utf-8", "ensemble.jsonl", func(recs iter.Seq2[record.Record, error]) error {
		return record.WriteJSONL(w, record.OpenRecords(recs))
	})
}

// handleDumpCSV serves GET /api/v1/dump.csv: every record under an open licence, as
// one flat row.
func (s *Server) handleDumpCSV(w http.ResponseWriter, r *http.Request) {
	s.streamDump(w, r, "text/csv; charset=utf-8", "ensemble.csv", func(recs iter.Seq2[record.Record, error]) error {
		return record.WriteCSV(w, record.OpenRecords(recs))
	})
}

// streamDump opens a store snapshot and lets write stream it. Once the first byte is
// out the status cannot change: a failure then is logged and the connection aborted,
// so the client sees a broken transfer rather than a dump that looks complete.
func (s *Server) streamDump(w http.ResponseWriter, r *http.Request, contentType, filename string,
	write func(iter.Seq2[record.Record, error]) error) {
	// A dump may take longer than the server's write timeout.
	http.NewResponseController(w).SetWriteDeadline(time.Now().Add(30 * time.Minute))
	started := false
	err := s.store.Snapshot(r.Context(), func(seq int64, recs iter.Seq2[record.Record, error]) error {
		w.Header().Set("Content-Type", contentType)
		w.Header().Set("Content-Disposition", `attachment; filename="`+filename+`"`)
		w.Header().Set("X-Ensemble-Seq", strconv.FormatInt(seq, 10))
		started = true
		return write(recs)
	})
	if err != nil {
		if !started {
			s.writeError(w, r, err)
			return
		}
		s.log.Error("dump cut short", "path", r.URL.Path, "error", err)
		// Send what the gzip layer holds back, so the client sees the status and then
		// a broken body rather than no response at all.
		http.NewResponseController(w).Flush()
		panic(http.ErrAbortHandler) // net/http closes the connection without ending the body
	}
}
