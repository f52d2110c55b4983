# Entry points for people and CI. Each target's recipe lives in scripts/ when it is longer than a line.
SWIFT ?= swift

.PHONY: build demo test charm bench soak clean

build:
	$(SWIFT) build -c release --product charm-hook
	$(SWIFT) build -c release --product juju-sim

demo: build
	./scripts/demo

test:
	./scripts/test

charm:
	./scripts/pack-charm

clean:
	rm -rf .build build *.charm
