package api

import (
	"iter"
	"net/http"
	"time"

	"github.com/ensemble-be/ensemble/opendata"
	"github.com/ensemble-be/ensemble/record"
)

// exportBatch is how many records an export loads from the store at once.
const exportBatch = 500

// exportFormats are the formats of GET /api/v1/export: content type, file name and writer.
var exportFormats = map[string]struct {
	contentType, filename string
	write                 func(w http.ResponseWriter, recs iter.Seq2[record.Record, error]) error
}{
	"jsonl": {"application/x-ndjson; charset=utf-8", "ensemble-export.jsonl",
		func(w http.ResponseWriter, recs iter.Seq2[record.Record, error]) error {
			return record.WriteJSONL(w, recs)
		}},
	"csv": {"text/csv; charset=utf-8", "ensemble-export.csv",
		func(w http.ResponseWriter, recs iter.Seq2[record.Record, error]) error {
			return record.WriteCSV(w, recs)
		}},
	"excel-csv": {"text/csv; charset=utf-8", "ensemble-export-excel.csv",
		func(w http.ResponseWriter, recs iter.Seq2[record.Record, error]) error {
			return opendata.WriteExcelCSV(w, recs)
		}},
}

// handleExport serves GET /api/v1/export?{any search filter}&format=csv|excel-csv|jsonl:
// every match of the search, with no paging limit, streamed; only records under an
// open licence, as in the dumps.
func (s *Server) handleExport(w http.ResponseWriter, r *http.Request) {
	q, err := parseSearch(r.URL.Query(), time.Now())
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	format := r.URL.Query().Get("format")
	if format == "" {
		format = "csv"
	}
	f, ok := exportFormats[format]
	if !ok {
		s.writeError(w, r, badParam("format", "%q is not one of csv, excel-csv, jsonl", format))
		return
	}
	http.NewResponseController(w).SetWriteDeadline(time.Now().Add(30 * time.Minute))
	w.Header().Set("Content-Type", f.contentType)
	w.Header().Set("Content-Disposition", `attachment; filename="`+f.filename+`"`)
	if err := f.write(w, record.OpenRecords(s.matches(r, q))); err != nil {
		s.log.Error("export cut short", "path", r.URL.Path, "error", err)
		panic(http.ErrAbortHandler) // a broken transfer, never a truncated file that looks whole
	}
}

// matches streams the records of every match of q, loading them from the store in
// batches.
func (s *Server) matches(r *http.Request, q SearchQuery) iter.Seq2[record.Record, error] {
	return func(yield func(record.Record, error) bool) {
		batch := make([]string, 0, exportBatch)
		flush := func() bool {
			recs, err := s.store.Records(r.Context(), batch)
			if err != nil {
				yield(record.Record{}, err)
				return false
			}
			batch = batch[:0]
			for _, rec := range recs {
				if !yield(rec, nil) {
					return false
				}
			}
			return true
		}
		for id, err := range s.searcher.EachID(r.Context(), q) {
			if err != nil {
				yield(record.Record{}, err)
				return
			}
			if batch = append(batch, id); len(batch) == exportBatch && !flush() {
				return
			}
		}
		if len(batch) > 0 {
			flush()
		}
	}
}
