package index

import (
	"encoding/binary"
	"fmt"
	"sort"
	"sync"

	"github.com/blevesearch/bleve/v2/index/scorch"
	bleveindex "github.com/blevesearch/bleve_index_api"
)

// bleve's text searchers name a hit by its internal id: the document's number across
// the segments of one index snapshot, segment after segment. Segments are immutable,
// so the row of each document number of a segment is worked out once, when a search
// first meets the segment, and kept until the segment is merged away.

// segmentCache keeps, per segment id, the table row of each document number.
type segmentCache struct {
	mu    sync.Mutex
	bySeg map[uint64][]int32 // -1: no row
}

// docMap maps the internal ids of one snapshot to table rows.
type docMap struct {
	offsets []uint64 // first document number of each segment
	rows    [][]int32
}

// row returns the table row of an internal id, or -1.
func (m *docMap) row(id bleveindex.IndexInternalID) int32 {
	if len(id) != 8 {
		return -1
	}
	n := binary.BigEndian.Uint64(id)
	i := sort.Search(len(m.offsets), func(x int) bool { return m.offsets[x] > n }) - 1
	if i < 0 {
		return -1
	}
	local := n - m.offsets[i]
	if local >= uint64(len(m.rows[i])) {
		return -1
	}
	return m.rows[i][local]
}

// docMap builds the map of snap. The caller holds t.mu (for reading at least): the
// rows of every document in snap must already be in the table, which Apply ensures
// by setting rows before it writes to bleve.
func (t *table) docMap(snap *scorch.IndexSnapshot) (*docMap, error) {
	segs := snap.Segments()
	m := &docMap{offsets: make([]uint64, len(segs)), rows: make([][]int32, len(segs))}
	t.segs.mu.Lock()
	defer t.segs.mu.Unlock()
	if t.segs.bySeg == nil {
		t.segs.bySeg = map[uint64][]int32{}
	}
	live := make(map[uint64]bool, len(segs))
	var running uint64
	for i, s := range segs {
		m.offsets[i] = running
		running += s.Segment().Count() // deleted documents keep their numbers
		live[s.Id()] = true
		rows, ok := t.segs.bySeg[s.Id()]
		if !ok {
			var err error
			if rows, err = t.segmentRows(s); err != nil {
				return nil, err
			}
			t.segs.bySeg[s.Id()] = rows
		}
		m.rows[i] = rows
	}
	for id := range t.segs.bySeg {
		if !live[id] {
			delete(t.segs.bySeg, id) // merged away
		}
	}
	return m, nil
}

// segmentRows maps every document number of s to its row. A document's _id is
// stored uncompressed at the head of its stored fields: this reads no more.
func (t *table) segmentRows(s *scorch.SegmentSnapshot) ([]int32, error) {
	n := s.Segment().Count()
	rows := make([]int32, n)
	for num := range n {
		id, err := s.DocID(num)
		if err != nil {
			return nil, fmt.Errorf("segment %d doc %d: %w", s.Id(), num, err)
		}
		ord, ok := t.ords[string(id)]
		if !ok {
			ord = -1
		}
		rows[num] = ord
	}
	return rows, nil
}

// loadTable reads the rows of every live document of snap from their stored facts.
func loadTable(snap *scorch.IndexSnapshot) (*table, error) {
	t := newTable()
	for _, s := range snap.Segments() {
		it := s.DocNumbersLive().Iterator()
		for it.HasNext() {
			num := uint64(it.Next())
			id, err := s.DocID(num)
			if err != nil {
				return nil, fmt.Errorf("segment %d doc %d: %w", s.Id(), num, err)
			}
			var stored []byte
			err = s.VisitDocument(num, func(field string, _ byte, value []byte, _ []uint64) bool {
				if field == fieldFacts {
					stored = append([]byte(nil), value...)
					return false
				}
				return true
			})
			if err != nil {
				return nil, fmt.Errorf("record %s: %w", id, err)
			}
			if stored == nil {
				return nil, fmt.Errorf("record %s: no stored facts: %w", id, ErrOutdated)
			}
			if err := t.setJSON(string(id), stored); err != nil {
				return nil, err
			}
		}
	}
	return t, nil
}
