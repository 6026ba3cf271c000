# evipack — common tasks. `make test` is the command CI runs.

GO      ?= go
PDFCPU  ?= github.com/pdfcpu/pdfcpu/cmd/pdfcpu@v0.15.0
FUZZTIME ?= 30s

.PHONY: all build sample test test-short vet fuzz bench tools clean

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

# Go benchmarks: hashing, ingest, wrapping, canonicalisation, rendering.
bench:
	$(GO) test -run '^$$' -bench . -benchmem ./...

# The external validators the tests use (skipped locally when absent,
# required under CI=true).
tools:
	apt-get update -qq && apt-get install -y -qq qpdf poppler-utils
	GOBIN=/usr/local/bin $(GO) install $(PDFCPU)

clean:
	rm -rf evipack evipack-out
