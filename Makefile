# The two commands of the README. Both create what they need on first use.
.PHONY: run test lint

run:  ## set up, seed, train if needed, and start every service
	scripts/bot run

test:  ## the whole test suite (what CI runs)
	scripts/test

lint:
	scripts/test --lint-only
