# Vì Dân: two commands for a newcomer.
#   make run    set everything up and serve http://127.0.0.1:3000 with demo data on SQLite
#   make test   set everything up and run every check and test, browser included

.PHONY: run test setup build release bench clean-data

run:
	scripts/setup.sh build
	VIDAN_ENV=development cargo leptos serve --split

test:
	scripts/test.sh

setup:
	scripts/setup.sh test

build:
	scripts/setup.sh build
	cargo leptos build --split

# Files named by their content (cached for a year) and compressed beforehand; serve the binary
# with LEPTOS_HASH_FILES=true beside the hash.txt this writes next to it.
release:
	scripts/setup.sh build
	scripts/setup.sh release
	PATH="$(CURDIR)/tools/node_modules/.bin:$$PATH" LEPTOS_HASH_FILES=true cargo leptos build --release --split --precompress
	scripts/precompress.sh target/site

# Builds the release site and drives it with wrk; writes bench/results/DATE-HOST.{md,json}.
bench:
	scripts/setup.sh bench
	PATH="$(CURDIR)/tools/node_modules/.bin:$$PATH" LEPTOS_HASH_FILES=true cargo leptos build --release --split --precompress
	scripts/precompress.sh target/site
	python3 bench/run.py --binary $${CARGO_TARGET_DIR:-target}/release/vidan --site target/site

clean-data:
	rm -rf data
