package web

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"golang.org/x/time/rate"

	"github.com/ensemble-be/ensemble/record"
)

// maxReportBody bounds a report form's body.
const maxReportBody = 16 << 10

// formToken is the report form's signed render time: "unix-nanos.hmac", bound to the
// record, so a robot cannot post at once or replay a form onto another record.
func (s *Site) formToken(id string) string {
	ts := strconv.FormatInt(s.opts.Now().UnixNano(), 10)
	return ts + "." + s.sign(id, ts)
}

func (s *Site) sign(id, ts string) string {
	m := hmac.New(sha256.New, s.opts.Secret)
	m.Write([]byte(id + "\x00" + ts))
	return hex.EncodeToString(m.Sum(nil))
}

// checkToken returns "" if token is a valid form of record id rendered at least
// MinFormTime and at most MaxFormAge ago, else the message key of the problem.
func (s *Site) checkToken(id, token string) string {
	ts, sig, ok := strings.Cut(token, ".")
	n, err := strconv.ParseInt(ts, 10, 64)
	if !ok || err != nil || !hmac.Equal([]byte(sig), []byte(s.sign(id, ts))) {
		return "err_expired"
	}
	age := s.opts.Now().Sub(time.Unix(0, n))
	switch {
	case age > s.opts.MaxFormAge:
		return "err_expired"
	case age < s.opts.MinFormTime:
		return "err_too_fast"
	}
	return ""
}

// handleReport serves POST /groups/{id}/report: a problem someone reports on a
// record. Valid: saved, then 303 to the record's page, which thanks them. Invalid:
// the page again (400), the form kept and each error naming its field. A filled
// honeypot is answered like a success and saved nowhere.
func (s *Site) handleReport(w http.ResponseWriter, r *http.Request) {
	lang := pickLanguage(r)
	id := r.PathValue("id")
	if s.opts.Reports == nil {
		s.handleNotFound(w, r)
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, maxReportBody)
	if err := r.ParseForm(); err != nil {
		http.Error(w, http.StatusText(http.StatusRequestEntityTooLarge), http.StatusRequestEntityTooLarge)
		return
	}
	thanks := RecordPath(id) + "?lang=" + lang + "&reported=1#report"
	if r.PostFormValue("website") != "" { // a robot filled the hidden field
		s.log.Info("report dropped: honeypot filled", "record", id)
		http.Redirect(w, r, thanks, http.StatusSeeOther)
		return
	}
	form := reportForm{Text: r.PostFormValue("text")}
	if !s.limiter.allow(clientIP(r), s.opts.Now()) {
		form.RateLimited = true
		s.showRecord(w, r, lang, id, http.StatusTooManyRequests, form)
		return
	}
	rep := record.Report{Record: id, Reason: r.PostFormValue("reason"), Text: strings.TrimSpace(strings.ReplaceAll(form.Text, "\r\n", "\n"))}
	if field, _ := rep.Problem(); field != "" {
		form.Errors = append(form.Errors, fieldError{Field: field, Label: reportLabel(lang, field), Message: translate(lang, "err_"+field)})
	}
	if key := s.checkToken(id, r.PostFormValue("t")); key != "" {
		form.Errors = append(form.Errors, fieldError{Field: "reason", Label: translate(lang, "form"), Message: translate(lang, key)})
	}
	if len(form.Errors) > 0 {
		s.showRecord(w, r, lang, id, http.StatusBadRequest, form)
		return
	}
	if _, err := s.opts.Reports.AddReport(r.Context(), rep); err != nil {
		if errors.Is(err, record.ErrNotFound) {
			s.handleNotFound(w, r)
			return
		}
		s.serverError(w, r, err)
		return
	}
	http.Redirect(w, r, thanks, http.StatusSeeOther)
}

func reportLabel(lang, field string) string {
	if field == "text" {
		return translate(lang, "report_text")
	}
	return translate(lang, field)
}

// clientIP is the host part of the request's remote address.
func clientIP(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

// ipLimiter is a token bucket per client IP address; it forgets everyone when it
// holds too many, so memory stays bounded.
type ipLimiter struct {
	mu    sync.Mutex
	every time.Duration
	burst int
	m     map[string]*rate.Limiter
}

func newIPLimiter(every time.Duration, burst int) *ipLimiter {
	return &ipLimiter{every: every, burst: burst, m: map[string]*rate.Limiter{}}
}

func (l *ipLimiter) allow(ip string, now time.Time) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	lim, ok := l.m[ip]
	if !ok {
		if len(l.m) >= 10000 {
			clear(l.m)
		}
		lim = rate.NewLimiter(rate.Every(l.every), l.burst)
		l.m[ip] = lim
	}
	return lim.AllowN(now, 1)
}
