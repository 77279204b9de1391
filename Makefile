# The commands of README.md. Every target that builds or tests first runs
# packaging/install-deps.sh, which does nothing (quickly) on a machine that
# already has everything.

# Our machines carry Go in /usr/local/go, which make's shell may not have on
# PATH. Appended, so that a Go put first on PATH still wins.
ifneq ($(wildcard /usr/local/go/bin/go),)
export PATH := $(PATH):/usr/local/go/bin
endif

.PHONY: demo test build bench clean deps screenshots

# no_emoji leaves Fyne's 4 MB colour-emoji font out of the binary: nothing
# in a hall shows emoji, and Fyne would otherwise parse that font once per
# text style, about 13 MB of a kiosk's resident memory (BENCHMARKS.md).
# packaging/dist.sh builds with the same tag.
TAGS := no_emoji

test: deps
	go vet -tags $(TAGS) ./...
	go test -tags $(TAGS) -timeout 20m ./...
	# Again under 国密 (issue 19): the packages whose tests read the suite
	# (sync, the whole hall, the rigs) run once more; the rest is cached.
	ONEWINDOW_TEST_SUITE=gm go test -tags $(TAGS) -timeout 20m ./...

build: deps
	go build -tags $(TAGS) -o bin/onewindow ./cmd/onewindow

# The whole hall on this machine: central, hub, simulated devices, kiosk,
# two clerks' window terminals and hall screen. Without a display the demo
# starts itself under xvfb-run (Debian package xvfb; its prompt's 'shot
# FILE' saves a screenshot). Quitting ends every process it started.
# Flags: make demo DEMOFLAGS=-no-central
demo: build
	./bin/onewindow demo $(DEMOFLAGS)

# Benchmarks only (-run '^$$' skips the tests). For the medians that
# BENCHMARKS.md reports, add runs: make bench BENCHFLAGS=-count=5
bench: deps
	go test -tags $(TAGS) -run '^$$' -bench . -benchmem $(BENCHFLAGS) ./...

# Screenshots of the real windows under Xvfb, into docs/screenshots/.
screenshots: build
	bash packaging/screenshots.sh

clean:
	rm -rf bin

deps:
	bash packaging/install-deps.sh

# Installable packages into dist/: the .deb for amd64 and arm64 (nfpm) and
# the Windows zip (mingw-w64); signed update packages too with
# UPDATE_KEY=FILE. Slow (cross builds): not part of make test.
.PHONY: dist dist-test
dist: deps
	bash packaging/dist-deps.sh
	bash packaging/dist.sh

# Installs dist's .deb into a fresh Debian 12 root (debootstrap) and checks
# its systemd units with systemd-analyze verify. Minutes; needs root.
dist-test: dist
	bash packaging/dist-test.sh
