# Entry points for people and CI. Each target's recipe lives in scripts/ when it is longer than a line.
# The toolchain on PATH, else the one the README suggests installing at /opt/swift.
SWIFT ?= $(shell command -v swift 2>/dev/null || echo /opt/swift/usr/bin/swift)
export PATH := $(dir $(SWIFT)):$(PATH)

.PHONY: build deps demo test charm bench soak clean

deps:
	./scripts/install-deps

build:
	$(SWIFT) build -c release --product charm-hook
	$(SWIFT) build -c release --product juju-sim

demo: deps build
	./scripts/demo

test:
	./scripts/test

charm:
	./scripts/pack-charm

# Hook latency, hook-tool calls and 3- to 50-unit deployments; writes docs/performance.md (about 50 minutes).
bench:
	./scripts/bench

# The randomized lifecycle test with 200 steps instead of 30 (SOAK_STEPS, SOAK_SEED override them).
soak:
	./scripts/soak

clean:
	rm -rf .build build *.charm parts stage prime overlay
