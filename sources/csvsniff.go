package sources

// sniffRecords is how many records (lines, but a quoted field may hold line
// breaks) the delimiter sniffer reads.
const sniffRecords = 20

// sniffCandidates are the delimiters the sniffer considers, in the order that
// breaks ties: Belgian Excel exports use ";" (the decimal separator being ","),
// then the comma, then the tab.
var sniffCandidates = []rune{';', ',', '\t'}

// csvSniff is what the sniffer found for one delimiter.
type csvSniff struct {
	delim       rune
	header      int     // delimiters in the header row (first non-blank record)
	consistency float64 // share of records with as many delimiters as the header
	records     int     // non-blank records read
}

// sniffDelimiter returns the delimiter of a CSV sample: among ";", "," and tab, the
// one found in the header row whose count per record is the most consistent over
// the first records (delimiters inside quoted fields do not count); ties go to ";",
// then ",", then tab. A sample without any gives ",".
func sniffDelimiter(sample []byte) rune {
	if best, ok := sniffCSV(sample); ok {
		return best.delim
	}
	return ','
}

// sniffCSV returns the best delimiter of a sample and what was found with it; ok is
// false when no candidate is in the header row.
func sniffCSV(sample []byte) (best csvSniff, ok bool) {
	for _, d := range sniffCandidates {
		s := countDelimiters(sample, d)
		if s.header == 0 {
			continue
		}
		if !ok || s.consistency > best.consistency {
			best, ok = s, true
		}
	}
	return best, ok
}

// countDelimiters counts d outside quoted fields in each of the first records of a
// sample, as encoding/csv with LazyQuotes reads them: a quote opens a quoted field
// only at the start of a field, and "" inside one is a quote.
func countDelimiters(sample []byte, d rune) csvSniff {
	s := csvSniff{delim: d}
	var counts []int
	count, blank := 0, true
	fieldStart, quoted := true, false
	endRecord := func() {
		if !blank || count > 0 {
			counts = append(counts, count)
		}
		count, blank, fieldStart = 0, true, true
	}
	for i := 0; i < len(sample) && len(counts) < sniffRecords; i++ {
		c := sample[i]
		if quoted {
			if c == '"' {
				if i+1 < len(sample) && sample[i+1] == '"' {
					i++
				} else {
					quoted = false
				}
			}
			continue
		}
		switch {
		case c == '"' && fieldStart:
			quoted, fieldStart, blank = true, false, false
		case rune(c) == d:
			count++
			fieldStart = true
		case c == '\n':
			endRecord()
		case c == '\r':
		default:
			if c != ' ' && c != '\t' {
				blank = false
			}
			fieldStart = false
		}
	}
	if len(counts) < sniffRecords {
		endRecord()
	}
	if len(counts) == 0 {
		return s
	}
	s.header, s.records = counts[0], len(counts)
	same := 0
	for _, c := range counts {
		if c == s.header {
			same++
		}
	}
	s.consistency = float64(same) / float64(len(counts))
	return s
}
