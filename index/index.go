// Package index is Ensemble's full-text search index over group offerings: French,
// Dutch, German and English text analyzed per language plus a language-neutral,
// diacritics-folded field, and exact filters on kind, status, source and language.
//
// The index is derived data. The store is the source of truth; the index follows the
// store's change log (Apply, remembering the last change applied as LastSeq) and can
// be deleted and rebuilt from the store at any time (Rebuild, used by
// `ensemble reindex`). It holds no more than search needs: hits are record ids, and
// callers load the records themselves.
//
// The package wraps bleve; no bleve type crosses its API.
package index

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"iter"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"sync"
	"time"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/index/scorch"

	"github.com/ensemble-be/ensemble/record"
)

// batchSize is how many documents go to bleve at once: one document per batch
// indexes tens per second, a thousand per batch is about the fastest.
const batchSize = 1000

// lockTimeout is how long Open waits for the exclusive lock of an index another
// Index (in this process or another) holds. bleve would wait forever.
const lockTimeout = time.Second

// Keys of the values kept inside the index, beside the documents.
var (
	keyLastSeq = []byte("ensemble_last_seq")
	keySchema  = []byte("ensemble_schema")
)

var (
	// ErrLocked is returned by Open and Rebuild when the index is open elsewhere:
	// one process owns an index.
	ErrLocked = errors.New("index is in use by another process (or already open)")
	// ErrOutdated is returned by Open for an index built by another version of this
	// package: rebuild it (ensemble reindex).
	ErrOutdated = errors.New("index was built with another schema; rebuild it")
)

// Change is one entry of the store's change log: the state of a record after the
// change. Withdrawn records stay indexed with status withdrawn; default searches
// hide them.
type Change struct {
	Seq    int64
	Record record.Record
}

// Index is an open search index. Its methods are safe for concurrent use.
type Index struct {
	idx bleve.Index
	// stop holds the language analyzers, used to tell stop words in a query.
	stop []analysis.Analyzer
	// table holds the rows searches filter, count and sort (table.go).
	table *table
	// mu serializes Apply, so that LastSeq read and written by one Apply is not
	// interleaved with another's, and Close.
	mu     sync.Mutex
	closed bool
}

// Open opens the index in dir, creating it if dir holds none. An index open elsewhere
// fails after a second with ErrLocked; an index of another schema with ErrOutdated.
func Open(dir string) (*Index, error) {
	idx, err := openBleve(dir)
	if errors.Is(err, bleve.ErrorIndexPathDoesNotExist) || errors.Is(err, bleve.ErrorIndexMetaMissing) {
		if err = checkReplaceable(dir); err == nil {
			idx, err = createBleve(dir)
		}
	}
	if err != nil {
		return nil, fmt.Errorf("open index %s: %w", dir, err)
	}
	ix := &Index{idx: idx}
	if err := ix.init(); err != nil {
		_ = idx.Close()
		return nil, fmt.Errorf("open index %s: %w", dir, err)
	}
	return ix, nil
}

// init checks the schema version, looks up the language analyzers and loads the
// filter table.
func (ix *Index) init() error {
	v, err := ix.idx.GetInternal(keySchema)
	if err != nil {
		return err
	}
	if string(v) != schemaVersion {
		return fmt.Errorf("%w (index has schema %q, this program %q)", ErrOutdated, v, schemaVersion)
	}
	for _, lang := range languages {
		a := ix.idx.Mapping().AnalyzerNamed(lang)
		if a == nil {
			return fmt.Errorf("no analyzer %q", lang)
		}
		ix.stop = append(ix.stop, a)
	}
	snap, err := ix.snapshot()
	if err != nil {
		return err
	}
	defer snap.Close()
	ix.table, err = loadTable(snap)
	return err
}

// snapshot opens a reader on the index as it is now; the caller closes it.
func (ix *Index) snapshot() (*scorch.IndexSnapshot, error) {
	adv, err := ix.idx.Advanced()
	if err != nil {
		return nil, err
	}
	r, err := adv.Reader()
	if err != nil {
		return nil, err
	}
	snap, ok := r.(*scorch.IndexSnapshot)
	if !ok {
		_ = r.Close()
		return nil, fmt.Errorf("index reader is a %T, not a scorch snapshot", r)
	}
	return snap, nil
}

func openBleve(dir string) (bleve.Index, error) {
	idx, err := bleve.OpenUsing(dir, map[string]any{"bolt_timeout": lockTimeout.String()})
	if err != nil && isLockTimeout(err) {
		return nil, ErrLocked
	}
	return idx, err
}

// isLockTimeout reports whether err is bbolt's lock timeout. bbolt's ErrTimeout comes
// through bleve unwrapped, but this package imports bleve only: match its text.
func isLockTimeout(err error) bool {
	return err.Error() == "timeout"
}

// createBleve creates an empty index in dir with the mapping and schema version.
func createBleve(dir string) (bleve.Index, error) {
	m, err := newMapping()
	if err != nil {
		return nil, fmt.Errorf("mapping: %w", err)
	}
	idx, err := bleve.NewUsing(dir, m, scorch.Name, scorch.Name,
		map[string]any{"bolt_timeout": lockTimeout.String()})
	if err != nil {
		return nil, err
	}
	if err := idx.SetInternal(keySchema, []byte(schemaVersion)); err != nil {
		_ = idx.Close()
		return nil, err
	}
	return idx, nil
}

// Close closes the index; closing it again does nothing. Every change applied is
// already on disk.
func (ix *Index) Close() error {
	ix.mu.Lock()
	defer ix.mu.Unlock()
	if ix.closed {
		return nil // bleve panics on a second close
	}
	ix.closed = true
	if err := ix.idx.Close(); err != nil {
		return fmt.Errorf("close index: %w", err)
	}
	return nil
}

// LastSeq is the seq of the last change applied, 0 for a new index. It is written in
// the same batch as the documents of that change, so it never runs ahead of them.
func (ix *Index) LastSeq() (int64, error) {
	v, err := ix.idx.GetInternal(keyLastSeq)
	if err != nil {
		return 0, fmt.Errorf("index last seq: %w", err)
	}
	if v == nil {
		return 0, nil
	}
	seq, err := strconv.ParseInt(string(v), 10, 64)
	if err != nil {
		return 0, fmt.Errorf("index last seq %q: %w", v, err)
	}
	return seq, nil
}

// Apply indexes changes in seq order, in batches, skipping those with a seq at or
// below LastSeq, and moves LastSeq to the last change applied. A change replaces
// whatever the index held for its record. When Apply fails part way, the batches
// written stay written and LastSeq says how far they went.
func (ix *Index) Apply(ctx context.Context, changes []Change) error {
	ix.mu.Lock()
	defer ix.mu.Unlock()
	last, err := ix.LastSeq()
	if err != nil {
		return err
	}
	changes = slices.Clone(changes)
	slices.SortStableFunc(changes, func(a, b Change) int { return cmp.Compare(a.Seq, b.Seq) })

	b := ix.idx.NewBatch()
	pending := 0
	type row struct {
		id    string
		facts facts
	}
	var rows []row
	flush := func() error {
		if pending == 0 {
			return nil
		}
		// Rows first: a document bleve returns must have its row (segments.go).
		ix.table.mu.Lock()
		for _, r := range rows {
			if err := ix.table.set(r.id, r.facts); err != nil {
				ix.table.mu.Unlock()
				return err
			}
		}
		ix.table.mu.Unlock()
		rows = rows[:0]
		b.SetInternal(keyLastSeq, strconv.AppendInt(nil, last, 10))
		if err := ix.idx.Batch(b); err != nil {
			return fmt.Errorf("apply changes up to %d: %w", last, err)
		}
		b.Reset()
		pending = 0
		return nil
	}
	for _, c := range changes {
		if c.Seq <= last {
			continue
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		if c.Record.ID == "" {
			if err := flush(); err != nil {
				return err
			}
			return fmt.Errorf("apply change %d: record has no id", c.Seq)
		}
		f := newFacts(c.Record)
		doc, err := newDocument(c.Record, f)
		if err == nil {
			err = b.Index(c.Record.ID, doc)
		}
		if err != nil {
			return fmt.Errorf("apply change %d: %w", c.Seq, err)
		}
		rows = append(rows, row{c.Record.ID, f})
		last = c.Seq
		if pending++; pending >= batchSize {
			if err := flush(); err != nil {
				return err
			}
		}
	}
	return flush()
}

// Count returns the number of documents in the index, withdrawn ones included.
func (ix *Index) Count() (uint64, error) {
	n, err := ix.idx.DocCount()
	if err != nil {
		return 0, fmt.Errorf("index count: %w", err)
	}
	return n, nil
}

// Rebuild builds a fresh index of records in dir+".building", sets its LastSeq to
// seq, and swaps it in place of dir (the old index goes to dir+".old", then is
// removed). It returns the number of documents indexed. The index in dir must not be
// open (ErrLocked). When records yields an error, or ctx ends, the index in dir is
// left as it was.
func Rebuild(ctx context.Context, dir string, seq int64, records iter.Seq2[record.Record, error]) (count int, err error) {
	if err := checkReplaceable(dir); err != nil {
		return 0, fmt.Errorf("rebuild index %s: %w", dir, err)
	}
	if err := checkNotOpen(dir); err != nil {
		return 0, fmt.Errorf("rebuild index %s: %w", dir, err)
	}
	building := dir + ".building"
	if err := os.RemoveAll(building); err != nil {
		return 0, fmt.Errorf("rebuild index: %w", err)
	}
	idx, err := createBleve(building)
	if err != nil {
		return 0, fmt.Errorf("rebuild index %s: %w", building, err)
	}
	n, err := fill(ctx, idx, seq, records)
	if cerr := idx.Close(); err == nil && cerr != nil {
		err = cerr
	}
	if err != nil {
		_ = os.RemoveAll(building)
		return 0, fmt.Errorf("rebuild index %s: %w", dir, err)
	}
	if err := swap(dir, building); err != nil {
		return 0, fmt.Errorf("rebuild index %s: %w", dir, err)
	}
	return n, nil
}

// fill indexes records into idx in batches, with LastSeq seq in the last batch, and
// returns the number of documents in idx.
func fill(ctx context.Context, idx bleve.Index, seq int64, records iter.Seq2[record.Record, error]) (int, error) {
	b := idx.NewBatch()
	for r, err := range records {
		if err != nil {
			return 0, fmt.Errorf("read records: %w", err)
		}
		if err := ctx.Err(); err != nil {
			return 0, err
		}
		if r.ID == "" {
			return 0, errors.New("record has no id")
		}
		doc, err := newDocument(r, newFacts(r))
		if err == nil {
			err = b.Index(r.ID, doc)
		}
		if err != nil {
			return 0, fmt.Errorf("record %s: %w", r.ID, err)
		}
		if b.Size() >= batchSize {
			if err := idx.Batch(b); err != nil {
				return 0, err
			}
			b.Reset()
		}
	}
	b.SetInternal(keyLastSeq, strconv.AppendInt(nil, seq, 10))
	if err := idx.Batch(b); err != nil {
		return 0, err
	}
	n, err := idx.DocCount()
	return int(n), err
}

// checkReplaceable fails unless dir is missing, empty or holds a bleve index: a
// mistyped path must not make Open write into, or Rebuild delete, another directory.
func checkReplaceable(dir string) error {
	entries, err := os.ReadDir(dir)
	if errors.Is(err, os.ErrNotExist) || err == nil && len(entries) == 0 {
		return nil
	}
	if err != nil {
		return err
	}
	if _, err := os.Stat(filepath.Join(dir, "index_meta.json")); err != nil {
		return fmt.Errorf("%s is not empty and holds no index: not touching it", dir)
	}
	return nil
}

// checkNotOpen fails with ErrLocked if the index in dir is open. An index that is
// missing or cannot be opened for another reason (damaged: the reason to rebuild) is
// no obstacle.
func checkNotOpen(dir string) error {
	idx, err := openBleve(dir)
	if errors.Is(err, ErrLocked) {
		return err
	}
	if err == nil {
		return idx.Close()
	}
	return nil
}

// swap puts the index in building in place of the one in dir.
func swap(dir, building string) error {
	old := dir + ".old"
	if err := os.RemoveAll(old); err != nil {
		return err
	}
	hadOld := true
	if err := os.Rename(dir, old); errors.Is(err, os.ErrNotExist) {
		hadOld = false
	} else if err != nil {
		return err
	}
	if err := os.Rename(building, dir); err != nil {
		if hadOld {
			_ = os.Rename(old, dir)
		}
		return err
	}
	if hadOld {
		return os.RemoveAll(old)
	}
	return nil
}
