#!/usr/bin/env bash
# Smoke check of a built Dispatch Console, run by packaging/build.sh (or by hand):
#
#   packaging/smoke.sh dist/dispatch-app/dispatch-app
#
# The program runs with an empty environment (env -i) plus only a scratch HOME, the XDG folders
# inside it and QT_QPA_PLATFORM=offscreen, as a workstation would start it from a bare session.
# Every front end is used once: the command line (import, triage, a call taken by caller phone
# in national format, the queue, a PDF handoff, verify), the intake endpoint (health, a POST with
# the token, a POST without) and the console (--demo: started, then 8 s more with no crash
# dialog, no traceback, no locale warning). Any failure prints what the program said and exits 1.
set -euo pipefail
program=$(realpath "$1")
root=$(cd "$(dirname "$0")/.." && pwd)
scratch=$(mktemp -d)
serving=""
cleanup() {
    [[ -n "$serving" ]] && kill "$serving" 2>/dev/null || true
    rm -rf "$scratch"
}
trap cleanup EXIT

home=$scratch/home
mkdir -p "$home" "$scratch/run" "$scratch/keyring" "$home/.config/python_keyring"
chmod 700 "$scratch/run"
db="sqlite:///$scratch/smoke.db"

run() {  # the built program, from an empty environment
    (cd "$scratch" && exec env -i HOME="$home" XDG_CONFIG_HOME="$home/.config" XDG_DATA_HOME="$home/.local/share" \
        XDG_STATE_HOME="$home/.local/state" XDG_CACHE_HOME="$home/.cache" XDG_RUNTIME_DIR="$scratch/run" \
        QT_QPA_PLATFORM=offscreen "$program" "$@")
}
fail() {
    echo "smoke check failed: $*" >&2
    exit 1
}
expect() {  # expect TEXT-TO-FIND WHAT OUTPUT
    grep -qF -- "$1" <<<"$3" || fail "$2: expected '$1' in: $3"
}

# A keyring for the intake token: a bare session has no Secret Service. keyring loads the
# backend named in its config file from the folder it names (only this check uses it).
cat >"$scratch/keyring/smoke_keyring.py" <<'PY'
import json, os
from keyring.backend import KeyringBackend

class Keyring(KeyringBackend):
    priority = 1
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "secrets.json")

    def _all(self):
        try:
            with open(self.path, encoding="utf-8") as handle:
                return json.load(handle)
        except FileNotFoundError:
            return {}

    def _keep(self, values):
        with open(os.open(self.path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), "w", encoding="utf-8") as handle:
            json.dump(values, handle)

    def get_password(self, service, username):
        return self._all().get(f"{service}/{username}")

    def set_password(self, service, username, password):
        self._keep({**self._all(), f"{service}/{username}": password})

    def delete_password(self, service, username):
        values = self._all()
        values.pop(f"{service}/{username}", None)
        self._keep(values)
PY
printf '[backend]\ndefault-keyring = smoke_keyring.Keyring\nkeyring-path = %s\n' "$scratch/keyring" \
    >"$home/.config/python_keyring/keyringrc.cfg"

# The command line
out=$(run --version 2>&1) || fail "--version: $out"
expect "dispatch-app" "--version" "$out"
out=$(run --db "$db" import "$root/resources/examples/northwind.yaml" 2>&1) || fail "import: $out"
out=$(run --db "$db" --json triage --client acme --system erp-plc --impact down \
    --at 2026-11-28T05:00:00Z --as jordan 2>&1) || fail "triage: $out"
expect '"verdict": "escalate"' "triage" "$out"
# a caller phone in national format: the MSP's country comes from zone.tab
out=$(run --db "$db" --json call add --caller-phone "(312) 555-0201" --summary "Café line down — über" \
    --system erp-plc --impact down --at 2026-11-28T05:00:00Z 2>&1) || fail "call add --caller-phone: $out"
expect '"contact": "Pat Lee"' "call add --caller-phone" "$out"
expect '"client": "acme"' "call add --caller-phone" "$out"
out=$(run --db "$db" calls 2>&1) || fail "calls: $out"
expect "Café line down — über" "calls (text beyond ASCII on a bare terminal)" "$out"
out=$(run --db "$db" handoff --from 2026-11-28T00:00:00Z --to 2026-11-28T08:00:00Z --format pdf \
    -o "$scratch/handoff.pdf" 2>&1) || fail "handoff --format pdf: $out"
[[ "$(head -c 5 "$scratch/handoff.pdf")" == "%PDF-" ]] || fail "handoff --format pdf wrote no PDF: $out"
out=$(run --db "$db" verify 2>&1) || fail "verify: $out"
expect "All chains hold" "verify" "$out"
echo "smoke: command line ok (import, triage, call add --caller-phone, calls, handoff pdf, verify)"

# The intake endpoint
token=$(run intake token 2>&1) || fail "intake token: $token"
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
base="http://127.0.0.1:$port/v1/"
run --db "$db" intake serve --listen "127.0.0.1:$port" >"$scratch/serve.out" 2>"$scratch/serve.err" &
serving=$!
for _ in $(seq 100); do
    curl -s -o /dev/null "${base}health" && break
    kill -0 "$serving" 2>/dev/null || fail "intake serve stopped: $(cat "$scratch/serve.out" "$scratch/serve.err")"
    sleep 0.2
done
expect "listening on" "intake serve" "$(cat "$scratch/serve.out")"
out=$(curl -sS -w ' %{http_code}' "${base}health") || fail "GET /v1/health: $out"
expect " 200" "GET /v1/health" "$out"
out=$(curl -sS -w ' %{http_code}' -H "Authorization: Bearer $token" -H 'Content-Type: application/json' \
    -d '{"summary": "PLC bridge down (monitoring)", "client": "acme", "system": "erp-plc", "impact": "down"}' \
    "${base}calls") || fail "POST /v1/calls: $out"
expect " 201" "POST /v1/calls with the token" "$out"
expect '"priority":"P1"' "POST /v1/calls with the token" "${out// /}"
out=$(curl -sS -w ' %{http_code}' -H 'Content-Type: application/json' -d '{"summary": "no token"}' "${base}calls")
expect " 401" "POST /v1/calls without a token" "$out"
kill -TERM "$serving"
status=0; wait "$serving" || status=$?
# uvicorn stops cleanly, then ends by the signal it caught: 0 or 128+15
[[ $status == 0 || $status == 143 ]] && ! grep -q Traceback "$scratch/serve.err" ||
    fail "intake serve did not stop cleanly on SIGTERM (status $status): $(cat "$scratch/serve.out" "$scratch/serve.err")"
serving=""
out=$(run --db "$db" --json calls 2>&1) || fail "calls --json: $out"
expect "PLC bridge down (monitoring)" "the call the intake recorded" "$out"
echo "smoke: intake ok (health, POST with and without the token, clean stop)"

# The console: it must log its start within 60 s, then keep running 8 s more with the demo
# loaded (until it is stopped), log no bug (the crash dialog logs "unexpected error" and the
# traceback before it opens) and print no traceback or locale warning.
run --demo >"$scratch/console.out" 2>"$scratch/console.err" </dev/null &
console=$!
console_log="$home/.local/state/dispatch-app/log/dispatch-app.log"
started=""
for _ in $(seq 300); do
    grep -qs "console started" "$console_log" && { started=$SECONDS; break; }
    kill -0 "$console" 2>/dev/null || break
    sleep 0.2
done
[[ -n "$started" ]] || fail "the console did not start: $(cat "$console_log" "$scratch/console.err" 2>&1)"
while (( SECONDS - started < 8 )); do
    kill -0 "$console" 2>/dev/null || fail "the console stopped by itself: $(cat "$console_log" "$scratch/console.err")"
    sleep 0.5
done
kill -TERM "$console"
wait "$console" || true
if grep -qE "unexpected error|Traceback" "$console_log" "$scratch/console.out" "$scratch/console.err"; then
    fail "the console raised a crash dialog: $(cat "$console_log" "$scratch/console.err")"
fi
if grep -qiE "UTF-8|locale" "$scratch/console.err"; then
    fail "the console warned about the locale: $(cat "$scratch/console.err")"
fi
echo "smoke: console ok (--demo up and running 8 s, no crash dialog, no traceback, no locale warning)"
# no bug logged anywhere by any of the runs above
if grep -rlE "Traceback|unexpected error" "$home" --include='*.log' >/dev/null; then
    fail "a bug was logged: $(grep -rhE -A5 "Traceback|unexpected error" "$home" --include='*.log')"
fi
echo "smoke check passed"
