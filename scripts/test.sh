#!/usr/bin/env bash
# Installs what is missing, then runs every check: type check, lint, unit and
# backend tests (SQLite and PostgreSQL), and the end-to-end test in Chromium.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
"$ROOT/scripts/bootstrap.sh" --for-tests
# Again: bootstrap may just have installed Node 22 into .tools.
source "$ROOT/scripts/lib.sh"
cd "$ROOT"

# PostgreSQL for the backend tests: 127.0.0.1:5432 unless overridden.
POSTGRES_URL="${MULTICLOUD_TEST_POSTGRES_URL:-postgresql://postgres@127.0.0.1:5432}"
export BACKSTAGE_TEST_DISABLE_DOCKER=1
if pg_major="$(node scripts/check-postgres.mjs "$POSTGRES_URL" 2>/tmp/multicloud-pg-check.err)"; then
  export "BACKSTAGE_TEST_DATABASE_POSTGRES${pg_major}_CONNECTION_STRING=$POSTGRES_URL"
  say "Backend tests run on SQLite and PostgreSQL ${pg_major}"
elif [ "${CI:-}" = "true" ]; then
  fail "$(cat /tmp/multicloud-pg-check.err); CI requires it: start PostgreSQL (pg_ctlcluster <version> main start) or set MULTICLOUD_TEST_POSTGRES_URL"
else
  echo "WARNING: $(cat /tmp/multicloud-pg-check.err); backend tests run on SQLite only (set MULTICLOUD_TEST_POSTGRES_URL to include PostgreSQL)" >&2
fi

say "Type check"
# From scratch: the API reports are written from these declarations, and an
# incremental build can order union members differently from a clean one.
rm -rf dist-types
yarn tsc

say "API reports (each package's report.api.md is current and free of warnings)"
yarn build:api-reports:only --ci

say "Lint and formatting"
yarn backstage-cli repo lint
yarn prettier --check plugins packages examples scripts

REPORTS="$ROOT/e2e-test-results"
rm -rf "$REPORTS" && mkdir -p "$REPORTS"
trap 'node scripts/summary.mjs "$REPORTS/jest.json" "$REPORTS/playwright.json"' EXIT

say "Unit and backend tests"
CI=true yarn backstage-cli repo test --json --outputFile="$REPORTS/jest.json"

say "End-to-end test (Chromium)"
node scripts/check-ports.mjs 7007 || exit 1
[ -x "${CHROMIUM_PATH:-/usr/bin/chromium}" ] ||
  fail "Chromium is missing at ${CHROMIUM_PATH:-/usr/bin/chromium}: install the Debian package chromium (apt-get install chromium) or set CHROMIUM_PATH"
yarn workspace app build > "$REPORTS/app-build.log" 2>&1 ||
  { tail -n 40 "$REPORTS/app-build.log"; fail "building the app failed; full log in $REPORTS/app-build.log"; }
rm -rf .data/e2e
yarn playwright test

say "Install test: every package packed into a fresh create-app app, by the README's steps"
yarn verify:install
