package record

import (
	"fmt"
	"os"
	"strings"
	"testing"
	"time"
)

func TestWhenScratch(t *testing.T) {
	data, err := os.ReadFile("/tmp/whenscratch/in.txt")
	if err != nil {
		t.Skip()
	}
	ref := time.Date(2026, 11, 1, 10, 0, 0, 0, Brussels)
	for _, line := range strings.Split(string(data), "\n") {
		if line == "" {
			continue
		}
		s, f := ParseWhen(WhenInput{Texts: []string{line}, Ref: ref})
		out := ""
		if s.Start != nil {
			out += " start=" + s.Start.Format(time.RFC3339)
		}
		if s.End != nil {
			out += " end=" + s.End.Format(time.RFC3339)
		}
		if s.RRule != "" {
			out += " rrule=" + s.RRule
		}
		if s.DurationMinutes != 0 {
			out += fmt.Sprintf(" dur=%d", s.DurationMinutes)
		}
		if len(s.Next) > 0 {
			out += fmt.Sprintf(" next=%d[", len(s.Next))
			for i, n := range s.Next {
				if i < 3 {
					out += n.Format("01-02T15:04Z07") + " "
				}
			}
			out += "]"
		}
		for _, fl := range f {
			out += " !" + fl.Code + "(" + fl.Message + ")"
		}
		fmt.Printf("%-55q →%s\n   text=%q\n", line, out, s.Text)
	}
}

func TestWhenScratchSeeds(t *testing.T) {
	ref := time.Date(2026, 11, 1, 10, 0, 0, 0, Brussels)
	for _, f := range []string{"000_36da1ce05efadedc", "001_1bdbc33e6a2fd450", "002_b4c0a0aafd967925", "003_de686bfb3c414adf", "004_cc1fb0007a1ecfb8"} {
		data, _ := os.ReadFile("/work/shared/seeds/" + f + ".txt")
		s, fl := ParseWhen(WhenInput{Texts: []string{string(data)}, Ref: ref})
		fmt.Printf("%s: start=%v end=%v rrule=%q dur=%d next=%v flags=%v\n  text=%q\n", f[:3], s.Start, s.End, s.RRule, s.DurationMinutes, s.Next, fl, s.Text)
	}
}
