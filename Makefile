# The commands of README.md. Every target that builds or tests first runs
# packaging/install-deps.sh, which does nothing (quickly) on a machine that
# already has everything.

# Our machines carry Go in /usr/local/go, which make's shell may not have on
# PATH. Appended, so that a Go put first on PATH still wins.
ifneq ($(wildcard /usr/local/go/bin/go),)
export PATH := $(PATH):/usr/local/go/bin
endif

.PHONY: test build bench clean deps

test: deps
	go vet ./...
	go test -timeout 20m ./...

build: deps
	go build -o bin/onewindow ./cmd/onewindow

# Benchmarks only (-run '^$$' skips the tests). For the medians that
# BENCHMARKS.md reports, add runs: make bench BENCHFLAGS=-count=5
bench: deps
	go test -run '^$$' -bench . -benchmem $(BENCHFLAGS) ./...

clean:
	rm -rf bin

deps:
	bash packaging/install-deps.sh
