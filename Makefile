# evipack — common tasks. `make test` is the command CI runs.

GO      ?= go
PDFCPU  ?= github.com/pdfcpu/pdfcpu/cmd/pdfcpu@v0.15.0
FUZZTIME ?= 30s

.PHONY: all build sample test test-short vet fuzz bench bench-go tools clean

all: vet test

build:
	$(GO) build -o evipack ./cmd/evipack

# Build the bundled sample case into ./evipack-out/sample.
sample:
	$(GO) run ./cmd/evipack build testdata/cases/sample -o evipack-out

test:
	$(GO) vet ./...
	$(GO) test -count=1 ./...

test-short:
	$(GO) test -short ./...

vet:
	@test -z "$$(gofmt -l $$(git ls-files '*.go'))" || { gofmt -l $$(git ls-files '*.go'); exit 1; }
	$(GO) vet ./...

# Run every fuzz target for FUZZTIME each.
fuzz:
	@for pkg in $$($(GO) list ./...); do \
	  for t in $$($(GO) test -list '^Fuzz' $$pkg | grep '^Fuzz'); do \
	    echo "== $$pkg $$t"; \
	    $(GO) test -run '^$$' -fuzz "^$$t\$$" -fuzztime $(FUZZTIME) -fuzzminimizetime 5s $$pkg || exit 1; \
	  done; \
	done

# End-to-end benchmarks of issue 6: generates typical (1x, 2x, 4x) and
# large cases with tools/genbench into bench-out/, times evipack build and
# verify against the floor and the manual pipeline, prints the table and
# writes bench-out/results.txt. Installs (as root) or names the Debian
# packages it needs. Tunables: BENCH_OUT, BENCH_RUNS, BENCH_CASES,
# BENCH_BATCH, BENCH_MEMCAP (see bench/run.sh).
bench:
	GO=$(GO) bash bench/run.sh

# Go benchmarks: hashing, ingest, wrapping, canonicalisation, rendering.
bench-go:
	$(GO) test -run '^$$' -bench . -benchmem ./...

# The external validators the tests use (skipped locally when absent,
# required under CI=true).
tools:
	apt-get update -qq && apt-get install -y -qq qpdf poppler-utils
	GOBIN=/usr/local/bin $(GO) install $(PDFCPU)

clean:
	rm -rf evipack evipack-out
