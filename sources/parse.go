package sources

import (
	"github.com/ensemble-be/ensemble/record"
)

// Page is what a parser found in one document.
type Page struct {
	Listings []record.Listing
	// Next is the absolute URL of the next page of the listing (html pagination), or "".
	Next string
	// Problems are parts of the document that could not be read; the rest still counts.
	Problems []Problem
}

// Problem is one thing a parser could not read, and where.
type Problem struct {
	Where   string `json:"where"`   // "listing 3, field date (selector .date)", "line 4, column 2"
	Message string `json:"message"` // what was wrong
}

func (p Problem) String() string { return p.Where + ": " + p.Message }
