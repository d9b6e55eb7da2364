package api

import (
	"errors"
	"net/url"
	"time"
)

// ParseSearch reads and checks the search parameters of /api/v1/search, for the web
// pages: the same names, the same taxonomy expansion, the same limits.
func ParseSearch(v url.Values) (SearchQuery, error) { return parseSearch(v, time.Now()) }

// ParamProblem returns the parameter a ParseSearch error names and why it is wrong.
func ParamProblem(err error) (param, reason string, ok bool) {
	var pe *paramError
	if errors.As(err, &pe) {
		return pe.Param, pe.Reason, true
	}
	return "", "", false
}
