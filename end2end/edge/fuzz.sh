#!/usr/bin/env bash
# Checks the edge API's served OpenAPI document with a standard validator
# (openapi-spec-validator), then fuzzes the API with schemathesis from that document and
# fails on any 5xx.
#
# Starts the release server on a fresh SQLite folder, enrols a worker and leases it a task
# so the task endpoints see a real lease, then lets schemathesis generate requests for every
# operation: valid ones, edge cases and malformed ones, all with the worker's credential.
#   end2end/edge/fuzz.sh            (after scripts/build and scripts/setup --browser)
set -euo pipefail
source "$(dirname "$0")/../../scripts/lib.sh"
cd "$ROOT"

SERVER="${LP_SERVER_BIN:-target/release/luckyplans}"
SCHEMATHESIS=target/tools-venv/bin/schemathesis
SPEC_VALIDATOR=target/tools-venv/bin/openapi-spec-validator
[ -x "$SERVER" ] || die "build the server first: scripts/build"
[ -x "$SCHEMATHESIS" ] && [ -x "$SPEC_VALIDATOR" ] ||
  die "install schemathesis and openapi-spec-validator first: scripts/setup --browser"

work=$(mktemp -d)
port=$(node -e 'const s=require("net").createServer();s.listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')
base="http://127.0.0.1:$port"
LP_LOG=warn LP_SITE_ROOT="$work" "$SERVER" serve --addr "127.0.0.1:$port" --data-dir "$work/data" >"$work/server.log" 2>&1 &
pid=$!
trap 'kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; rm -rf "$work"' EXIT
for _ in $(seq 1 100); do
  node -e "fetch('$base/ready').then(r => process.exit(r.ok ? 0 : 1), () => process.exit(1))" && break
  sleep 0.1
done

# The document as served, checked against the OpenAPI 3.1 specification (unique
# operationIds, valid references and parameters) before anything is generated from it.
node -e "fetch('$base/edge/v1/openapi.json').then(r => r.ok ? r.text() : Promise.reject(r.status))
  .then(t => process.stdout.write(t), e => { console.error('openapi.json answered', e); process.exit(1) })" >"$work/openapi.json"
say "validating $base/edge/v1/openapi.json (openapi-spec-validator $("$SPEC_VALIDATOR" --version | awk '{print $NF}'))"
"$SPEC_VALIDATOR" --validation-errors all "$work/openapi.json" ||
  die "the served edge OpenAPI document is not valid OpenAPI"

lp() { LP_LOG=warn "$SERVER" "$@"; }
owner=fuzz@example.org
printf 'copper kettle orbits lazily\n' | lp user --data-dir "$work/data" create --email "$owner" --password-stdin >/dev/null
token=$(lp token --data-dir "$work/data" create --owner "$owner" --max-uses 5)
printf 'time,open,high,low,close,volume\n' >"$work/candles.csv"
for day in $(seq 0 59); do
  printf '%s,%s,%s,%s,%s,10\n' $((1700000000 + day * 86400)) $((100 + day % 7)) $((102 + day % 7)) $((99 + day % 7)) $((101 + day % 7)) >>"$work/candles.csv"
done
dataset=$(lp dataset --data-dir "$work/data" import --owner "$owner" "$work/candles.csv")
task=$(lp task --data-dir "$work/data" create --owner "$owner" --dataset "$dataset" --strategy sma_crossover --grid 'fast=2..6:2,slow=10..20:5')

credential=$(node -e "
  fetch('$base/edge/v1/register', { method: 'POST',
    headers: { authorization: 'Bearer $token', 'content-type': 'application/json' },
    body: JSON.stringify({ display_name: 'fuzz', platform: 'linux', arch: 'x86_64', version: '0.1.0', cpus: 1 }) })
  .then(r => r.json()).then(b => console.log(b.credential))")
leased=$(node -e "
  fetch('$base/edge/v1/tasks/next', { method: 'POST',
    headers: { authorization: 'Bearer $credential', 'content-type': 'application/json' }, body: '{}' })
  .then(r => r.json()).then(b => console.log(b.task ? b.task.id : ''))")
[ "$leased" = "$task" ] || die "the fuzzing worker could not lease its task"

printf '[generation]\ndatabase = "none"\n\n[parameters]\n"path.id" = "%s"\n' "$task" >"$work/schemathesis.toml"
say "fuzzing $base/edge/v1 (schemathesis $("$SCHEMATHESIS" --version | awk '{print $NF}'))"
status=0
# Run from the work folder: schemathesis keeps a crash cache in the current directory.
(cd "$work" && "$ROOT/$SCHEMATHESIS" --config-file "$work/schemathesis.toml" run "$base/edge/v1/openapi.json" \
  --url "$base" --checks not_a_server_error --header "Authorization: Bearer $credential" \
  --max-examples "${FUZZ_EXAMPLES:-50}" --generation-deterministic) || status=$?
if grep -q '"level":"ERROR"\|ERROR' "$work/server.log"; then
  warn "the server logged errors while fuzzing:"
  cat "$work/server.log" >&2
  status=1
fi
exit $status
