#!/usr/bin/env bash
# The OpenAPI document against the server: openapi-spec-validator checks the document, then
# schemathesis sends generated requests to every operation and checks each response against it.
# Reads: every check (no server errors; status codes, content types, headers and bodies as documented;
# schema-valid requests accepted and schema-violating ones rejected). Writes, with an API token: no
# server errors and every response as documented, alone and in stateful sequences along the links.
# Usage: tests/api/openapi.sh SAMVIRKE_BIN VENV   (prints "N passed, M failed" last)
set -euo pipefail
bin=$1
venv=$2
examples="$(cd "$(dirname "$0")/../.." && pwd)/examples/cooperations"
seed=${SAMVIRKE_SCHEMATHESIS_SEED:-20261125}
dir=$(mktemp -d)
server=""
cleanup() {
  [ -n "$server" ] && kill "$server" 2>/dev/null && wait "$server" 2>/dev/null
  rm -rf "$dir"
}
trap cleanup EXIT

"$bin" --db "$dir/api.db" import "$examples" >/dev/null
"$bin" --db "$dir/api.db" user add schemathesis@samvirke.test --role admin >/dev/null
token=$("$bin" --db "$dir/api.db" user token schemathesis@samvirke.test --name schemathesis 2>/dev/null)
SAMVIRKE_LOG=warn "$bin" --db "$dir/api.db" serve --listen 127.0.0.1:0 2>"$dir/serve.log" &
server=$!
base=""
for _ in $(seq 1 100); do
  base=$(grep -Eo 'http://127\.0\.0\.1:[0-9]+' "$dir/serve.log" | head -1 || true)
  [ -n "$base" ] && break
  sleep 0.1
done
[ -n "$base" ] || { echo "the server did not start: $(cat "$dir/serve.log")" >&2; echo "0 passed, 1 failed"; exit 1; }

passed=0
failed=0
run() {
  local name=$1
  shift
  if "$@" >"$dir/out.txt" 2>&1; then
    passed=$((passed + 1))
    echo "ok: $name ($(grep -Eo '[0-9]+ generated, [0-9]+ passed' "$dir/out.txt" | tail -1 || echo 'valid'))"
  else
    failed=$((failed + 1))
    echo "FAILED: $name"
    cat "$dir/out.txt"
  fi
}

curl -sf "$base/api/v1/openapi.json" -o "$dir/openapi.json"
run "openapi-spec-validator: the document is valid OpenAPI 3.1" "$venv/bin/openapi-spec-validator" "$dir/openapi.json"
# Reads carry the token too, so that the staff reads (the register) are exercised, not only refused.
run "schemathesis: reads, every check" "$venv/bin/schemathesis" run "$base/api/v1/openapi.json" \
  --include-method GET -H "Authorization: Bearer $token" --max-examples 40 --seed "$seed" --no-color
run "schemathesis: writes with a token, no server error and responses as documented" "$venv/bin/schemathesis" run "$base/api/v1/openapi.json" \
  --exclude-method GET -H "Authorization: Bearer $token" --max-examples 8 --seed "$seed" --no-color \
  --checks not_a_server_error,status_code_conformance,content_type_conformance,response_headers_conformance,response_schema_conformance
# Stateful: sequences that follow the document's links (create → read → replace with the ETag as
# If-Match → read again and the history) and the links schemathesis infers, writes included.
run "schemathesis: stateful sequences along the links with a token, writes included" "$venv/bin/schemathesis" run "$base/api/v1/openapi.json" \
  --phases stateful -H "Authorization: Bearer $token" --max-examples 20 --seed "$seed" --no-color \
  --checks not_a_server_error,status_code_conformance,content_type_conformance,response_headers_conformance,response_schema_conformance
echo "$passed passed, $failed failed"
