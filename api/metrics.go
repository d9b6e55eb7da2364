package api

import (
	"context"
	"net/http"
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/ensemble-be/ensemble/record"
)

// Metrics are the Prometheus series served at /metrics: request latency by route
// template, requests by status, the index's lag behind the store and crawl outcomes.
// cmd creates one, reports crawl runs to it and hands it to New.
type Metrics struct {
	reg      *prometheus.Registry
	latency  *prometheus.HistogramVec
	requests *prometheus.CounterVec
	runs     *prometheus.CounterVec
}

// NewMetrics returns Metrics on their own registry (with the Go and process
// collectors), so two servers in one process do not collide.
func NewMetrics() *Metrics {
	m := &Metrics{
		reg: prometheus.NewRegistry(),
		latency: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "ensemble_http_request_duration_seconds",
			Help:    "Latency of HTTP requests by method and route template.",
			Buckets: prometheus.DefBuckets,
		}, []string{"method", "route"}),
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "ensemble_http_requests_total",
			Help: "HTTP requests by method, route template and status code.",
		}, []string{"method", "route", "status"}),
		runs: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "ensemble_crawl_runs_total",
			Help: "Crawl runs saved, by source and outcome.",
		}, []string{"source", "status"}),
	}
	m.reg.MustRegister(m.latency, m.requests, m.runs,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return m
}

// ObserveRun counts a saved crawl run by its source and status.
func (m *Metrics) ObserveRun(run record.Run) {
	if m == nil {
		return
	}
	m.runs.WithLabelValues(run.Source, string(run.Status)).Inc()
}

func (m *Metrics) observeRequest(method, route string, status int, d time.Duration) {
	m.latency.WithLabelValues(method, route).Observe(d.Seconds())
	m.requests.WithLabelValues(method, route, strconv.Itoa(status)).Inc()
}

// watchReadiness adds the index lag gauge, read from ready at each scrape.
func (m *Metrics) watchReadiness(ready Readiness) {
	m.reg.MustRegister(prometheus.NewGaugeFunc(prometheus.GaugeOpts{
		Name: "ensemble_index_lag",
		Help: "Changes the store has logged that the search index has not applied yet (-1: unknown).",
	}, func() float64 {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		_, lag, err := ready(ctx)
		if err != nil {
			return -1
		}
		return float64(lag)
	}))
}

// handleMetrics serves GET /metrics in the Prometheus exposition format.
func (s *Server) handleMetrics(w http.ResponseWriter, r *http.Request) {
	s.metricsHandler.ServeHTTP(w, r)
}

func (m *Metrics) handler() http.Handler {
	return promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{})
}
