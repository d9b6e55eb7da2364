package main

import (
	"context"
	"fmt"
	"io/fs"
	"iter"
	"path/filepath"
	"time"

	"github.com/ensemble-be/ensemble/index"
	"github.com/ensemble-be/ensemble/record"
	"github.com/ensemble-be/ensemble/record/synthetic"
	"github.com/ensemble-be/ensemble/store"
)

// chunkSize is how many generated records are grouped by source into crawls at once:
// the store sees crawls of about a hundred records at 100k, as from real sources, and
// memory stays flat whatever n. Each crawl reads its source's stored records (to tell
// new from changed), so there are at most 20 chunks: at 1M, crawls of ~1,000.
func chunkSize(n int) int { return max(5_000, n/20) }

// ingestResult is what ingesting the corpus took.
type ingestResult struct {
	records          int
	storeTime        time.Duration // store.SaveCrawl of every crawl
	indexTime        time.Duration // index.Apply of the change log, in pages of 1,000
	indexBytes       int64
	storeBytes       int64
	rebuildTime      time.Duration // index.Rebuild from a store snapshot
	rebuildCount     int
	rebuildIndexSize int64
}

// verbatim is the listing a record could have come from, so the store keeps what a
// crawl would.
func verbatim(r record.Record) record.Listing {
	f := map[string]string{record.FieldTitle: r.Title, record.FieldDescription: r.Description,
		record.FieldPrice: r.Cost.Text, record.FieldPostcode: r.Location.Postcode, record.FieldCity: r.Location.City,
		record.FieldOrganizer: r.Organization.Name, record.FieldSchedule: r.Schedule.Text}
	if r.Schedule.Start != nil {
		f[record.FieldStart] = r.Schedule.Start.Format(time.RFC3339)
	}
	if r.Schedule.RRule != "" {
		f[record.FieldRRule] = r.Schedule.RRule
	}
	return record.Listing{LocalID: r.LocalID, URL: r.URL, Page: r.Organization.URL, Fields: f}
}

// ingest saves the corpus into the store, one partial crawl per source per chunk,
// then brings the index up to date from the change log as the server does.
func ingest(ctx context.Context, st *store.Store, ix *index.Index, seed uint64, n int, progress func(string)) (ingestResult, error) {
	res := ingestResult{records: n}
	bySource := map[string][]record.Record{}
	flush := func() error {
		start := time.Now()
		for src, recs := range bySource {
			c := record.Crawl{Run: record.Run{Source: src, Status: record.RunOK, StartedAt: start, FinishedAt: start,
				Pages: 1, Found: len(recs)}, Records: recs, Complete: false}
			for _, r := range recs {
				c.Verbatim = append(c.Verbatim, verbatim(r))
			}
			if _, err := st.SaveCrawl(ctx, c); err != nil {
				return err
			}
		}
		res.storeTime += time.Since(start)
		clear(bySource)
		return nil
	}
	i := 0
	for r := range synthetic.Generate(seed, n) {
		bySource[r.Source] = append(bySource[r.Source], r)
		if i++; i%chunkSize(n) == 0 {
			if err := flush(); err != nil {
				return res, err
			}
			progress(fmt.Sprintf("stored %d/%d", i, n))
		}
	}
	if err := flush(); err != nil {
		return res, err
	}
	start := time.Now()
	applied := 0
	for {
		seq, err := ix.LastSeq()
		if err != nil {
			return res, err
		}
		changes, err := st.ChangesAfter(ctx, seq, 1000)
		if err != nil {
			return res, err
		}
		if len(changes) == 0 {
			break
		}
		batch := make([]index.Change, len(changes))
		for i, c := range changes {
			batch[i] = index.Change{Seq: c.Seq, Record: c.Record}
		}
		if err := ix.Apply(ctx, batch); err != nil {
			return res, err
		}
		if applied += len(batch); applied%50_000 < 1000 {
			progress(fmt.Sprintf("indexed %d/%d", applied, n))
		}
	}
	res.indexTime = time.Since(start)
	return res, nil
}

// rebuild times index.Rebuild of dir from one store snapshot, as `ensemble reindex` does.
func rebuild(ctx context.Context, st *store.Store, dir string) (int, time.Duration, error) {
	start := time.Now()
	var count int
	err := st.Snapshot(ctx, func(seq int64, recs iter.Seq2[record.Record, error]) error {
		var err error
		count, err = index.Rebuild(ctx, dir, seq, recs)
		return err
	})
	return count, time.Since(start), err
}

// dirSize is the bytes of the files under dir.
func dirSize(dir string) int64 {
	var n int64
	filepath.WalkDir(dir, func(_ string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			if info, err := d.Info(); err == nil {
				n += info.Size()
			}
		}
		return nil
	})
	return n
}
