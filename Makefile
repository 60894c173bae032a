# berth: `make run` starts the engine and a first container; `make test` runs the whole suite.
.PHONY: deps build run test bench clean

deps:
	@scripts/install-deps.sh

build: deps
	@rm -rf dist
	@npx tsc -p .
	@node scripts/bundle-cli.mjs

run: build
	@scripts/run.sh

test: build
	@node --test --test-concurrency=1 dist/test/

bench: build
	@node dist/bench/bench.js

clean:
	rm -rf dist
