#!/usr/bin/env bash
# Installs what is missing, then runs the portal: backend on :7007, frontend on
# :3000, with the embedded default (SQLite under .data/, demo data).
set -euo pipefail
source "$(dirname "$0")/lib.sh"
"$ROOT/scripts/bootstrap.sh"
# Again: bootstrap may just have installed Node 22 into .tools.
source "$ROOT/scripts/lib.sh"
cd "$ROOT"

# The backend's metrics for Prometheus on :9464 (docs/metrics.md), unless the
# OpenTelemetry exporter is configured otherwise.
export OTEL_METRICS_EXPORTER="${OTEL_METRICS_EXPORTER-prometheus}"
export OTEL_EXPORTER_PROMETHEUS_HOST="${OTEL_EXPORTER_PROMETHEUS_HOST-127.0.0.1}"
export OTEL_EXPORTER_PROMETHEUS_PORT="${OTEL_EXPORTER_PROMETHEUS_PORT-9464}"
ports=(3000 7007)
[[ ",$OTEL_METRICS_EXPORTER," == *,prometheus,* ]] && ports+=("$OTEL_EXPORTER_PROMETHEUS_PORT")
node scripts/check-ports.mjs "${ports[@]}" || exit 1
mkdir -p .data
# The demo cost export, ending yesterday (the same bytes all day, so the
# backend imports it once a day at most).
node examples/cost/generate.mjs --last-day=yesterday --out=.data/demo-cost/focus-demo.csv.gz > /dev/null

started=$(date +%s)
(
  # Announce the URL once both halves answer.
  for _ in $(seq 1 600); do
    if curl -fsS -o /dev/null http://localhost:7007/.backstage/health/v1/readiness 2>/dev/null &&
       curl -fsS -o /dev/null http://localhost:3000 2>/dev/null; then
      say "Portal ready in $(( $(date +%s) - started ))s: http://localhost:3000 (sign in as guest)"
      exit 0
    fi
    sleep 1
  done
  echo "WARNING: the portal did not become ready within 10 minutes; see the log above" >&2
) &
exec yarn start
