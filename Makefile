# The two commands of the README. Both install whatever is missing first and
# are fast when nothing changed.
.PHONY: start test install

start:
	@bash scripts/start.sh

test:
	@bash scripts/test.sh

install:
	@bash scripts/bootstrap.sh --for-tests
