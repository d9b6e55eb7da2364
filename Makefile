# Development tasks. `make bench` reproduces docs/performance.md's figures (100k
# records), `make bench-quick` the same at 10k; each writes docs/bench/results-N.md.
# See docs/performance.md for what is measured and how.

SEED    ?= 1
REPS    ?= 3
ROUNDS  ?= 5
RESULTS ?= docs/bench
BENCH    = go run ./cmd/ensemble-bench run --seed $(SEED) --reps $(REPS) --rounds $(ROUNDS)

.PHONY: check bench bench-quick bench-1m bench-go corpus

check:                  ## what CI runs
	bash .ci/run

bench-quick:            ## 10k records: ingest, reindex, queries (in process, HTTP, FTS5), dumps
	$(BENCH) --n 10000 --out $(RESULTS)/results-10k.md

bench:                  ## 100k records: the figures of docs/performance.md
	$(BENCH) --n 100000 --out $(RESULTS)/results-100k.md

bench-1m:               ## 1M records: ingest, reindex, dumps, serve RSS and HTTP (no FTS5, no in-process mix); ~20 min on 2 cores
	$(BENCH) --n 1000000 --reps 1 --rounds 1 --conc 1,8 --skip inproc,fts5 --out $(RESULTS)/results-1M.md

bench-go:               ## the go test benchmarks over the synthetic corpus (ENSEMBLE_BENCH_RECORDS, default 10k)
	go test ./index -run '^$$' -bench 'SearchMix|ApplySynthetic|RebuildSynthetic' -benchtime 1x
	go test ./store -run '^$$' -bench SaveCrawlSynthetic -benchtime 3x
	go test ./opendata -run '^$$' -bench Dump -benchtime 1x
	go test ./crawler -run '^$$' -bench 'Crawl100|CrawlSynthetic' -benchtime 3x

corpus:                 ## the 100k corpus as JSONL (N=1000000 for 1M)
	go run ./cmd/ensemble-bench gen --seed $(SEED) --n $(or $(N),100000) --out corpus-$(or $(N),100000).jsonl.gz
