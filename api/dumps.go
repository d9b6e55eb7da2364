package api

import (
	"fmt"
	"net/http"
	"os"
	"path"
	"path/filepath"

	"github.com/ensemble-be/ensemble/opendata"
	"github.com/ensemble-be/ensemble/record"
)

// SnapshotView is a snapshot as GET /api/v1/dumps lists it, with the URL of each file.
type SnapshotView struct {
	opendata.SnapshotInfo
	URLs map[string]string `json:"urls"`
}

// handleDumps serves GET /api/v1/dumps: the dated snapshots, newest first.
func (s *Server) handleDumps(w http.ResponseWriter, r *http.Request) {
	snaps, err := s.snapshots()
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	views := make([]SnapshotView, len(snaps))
	for i, sn := range snaps {
		views[i] = SnapshotView{SnapshotInfo: sn, URLs: map[string]string{}}
		for _, f := range sn.Files {
			views[i].URLs[f.Name] = "/api/v1/dumps/" + sn.Date + "/" + f.Name
		}
		views[i].Path = "" // a server path is nobody's business
	}
	latest := ""
	if len(snaps) > 0 {
		latest = snaps[0].Date
	}
	writeJSON(w, map[string]any{"latest": latest, "snapshots": views})
}

// handleDumpFile serves GET /api/v1/dumps/{date}/{file}: one file of a snapshot, with
// its SHA-256 as ETag and Range requests ("latest" names the newest snapshot). Only
// the files the snapshot's SHA256SUMS lists are served.
func (s *Server) handleDumpFile(w http.ResponseWriter, r *http.Request) {
	snaps, err := s.snapshots()
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	date, name := pathParam(r, "date"), path.Clean(pathParam(r, "file"))
	for _, sn := range snaps {
		if sn.Date != date && (date != "latest" || sn.Date != snaps[0].Date) {
			continue
		}
		for _, f := range sn.Files {
			if f.Name != name {
				continue
			}
			file, err := os.Open(filepath.Join(sn.Path, filepath.FromSlash(f.Name)))
			if err != nil {
				s.writeError(w, r, err)
				return
			}
			defer file.Close()
			info, err := file.Stat()
			if err != nil {
				s.writeError(w, r, err)
				return
			}
			w.Header().Set("ETag", `"`+f.SHA256+`"`)
			w.Header().Set("Cache-Control", "public, max-age=86400, immutable") // a snapshot never changes
			http.ServeContent(w, r, path.Base(f.Name), info.ModTime(), file)
			return
		}
	}
	s.writeError(w, r, fmt.Errorf("dump %s/%s: %w", date, name, record.ErrNotFound))
}

func (s *Server) snapshots() ([]opendata.SnapshotInfo, error) {
	if s.dumpsDir == "" {
		return nil, nil
	}
	return opendata.ListSnapshots(s.dumpsDir)
}
