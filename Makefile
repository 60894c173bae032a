# berth: `make run` starts the engine and a first container; `make test` runs the whole suite, then
# the engine suite again with berth's own CLI as the client in place of docker's; `make test-node24`
# runs the suites that need no engine and one engine test under Node 24 LTS.
.PHONY: deps build run test test-node24 bench clean

deps:
	@scripts/install-deps.sh

build: deps
	@rm -rf dist
	@npx tsc -p .
	@node scripts/bundle-cli.mjs

run: build
	@scripts/run.sh

test: build
	@node --test --test-concurrency=1 --test-timeout=900000 dist/test/
	@BERTH_TEST_CLIENT=berth node --test --test-concurrency=1 --test-timeout=900000 dist/test/engine-*.test.js

test-node24: build
	@scripts/test-node24.sh

bench: build
	@node dist/bench/bench.js

clean:
	rm -rf dist
