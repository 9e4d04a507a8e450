#!/usr/bin/env bash
# bench-signin.sh times one whole scripted sign-in, as a process, with
# ssohelper and with kubelogin against the same local OpenID provider, and
# prints both medians and the ratio ssohelper/kubelogin (goal <= 0.90).
#
#  - the provider: testdata/oidcprovider (panva/oidc-provider on Node.js,
#    the one the interoperability tests use), on 127.0.0.1, issuer
#    http://localhost:PORT, one public client with PKCE S256;
#  - kubelogin: github.com/int128/kubelogin $KUBELOGIN_VERSION built from the
#    Go module proxy into a temp dir (nothing of it is kept), `get-token`
#    with its file token cache;
#  - ssohelper: the headless build (-tags nogui, CGO_ENABLED=0), `login`
#    with platform kind "none", saving to a real gnome-keyring in a private
#    D-Bus session (keystore/testdata/with-keyring.sh);
#  - the browser of both: scripts/signin-browser, a scripted browser that
#    submits the provider's login and consent forms with a cookie jar and
#    follows the redirect to the tool's loopback callback (kubelogin gets it
#    with --browser-command, ssohelper as xdg-open first on PATH);
#  - hyperfine -N, every run signed out first (--prepare deletes kubelogin's
#    cache dir; `ssohelper logout` deletes the saved sign-in, the vault key
#    stays in the keyring as after any sign-out), both in the same run, in
#    ROUNDS rounds (default 8) of RUNS/ROUNDS runs each, each command
#    first in turn, so that a busy spell of a shared machine weighs on all
#    alike. It prints the median
#    of all runs of each, their ratio, and the median of the rounds' ratios;
#  - also, in the same rounds, kubelogin with --token-cache-storage keyring
#    (its tokens in the same Secret Service; --prepare clears them): the
#    like-for-like figure beside the goal's, which is against the file
#    cache. LIKE_FOR_LIKE=0 leaves it out.
#
# Usage: scripts/bench-signin.sh [RUNS]   (default 40 runs each)
# Environment: HYPERFINE_ARGS adds hyperfine options (e.g. "--show-output");
# BASELINE=<git revision> also times `ssohelper login` built from that
# revision, in the same hyperfine run (before and after a change);
# KEEP_JSON=<dir> keeps hyperfine's JSON export of each round there;
# BENCH_RT=1 (root only) runs the provider and everything timed under the
# real-time scheduler (chrt -f 10), so that other work on a shared machine
# cannot stretch single runs: use it where the CPUs are busy with others'
# jobs, and say so with the figures.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib.sh

KUBELOGIN_VERSION=v1.34.0
CLIENT_ID=bench-signin

if [ "${1:-}" = --inside ]; then
	# Inside the private D-Bus session with gnome-keyring: $2 is the work
	# dir, $3 the run count; the ports are in $2/ports.
	tmp=$2 runs=$3
	read -r pport sport kport <"$tmp/ports"
	export SSOHELPER_CONFIG=$tmp/config.toml PATH=$tmp/bin:$PATH
	cat >"$SSOHELPER_CONFIG" <<-EOF
		default_profile = "bench"
		[profiles.bench]
		issuer = "http://localhost:$pport"
		client_id = "$CLIENT_ID"
		scopes = ["openid", "email", "profile"]
		redirect_ports = [$sport]
		[profiles.bench.platform]
		kind = "none"
	EOF
	kubelogin=("$tmp/kubelogin" get-token --oidc-issuer-url "http://localhost:$pport" --oidc-client-id "$CLIENT_ID"
		--oidc-extra-scope email,profile --token-cache-dir "$tmp/kubelogin-cache"
		--browser-command "$tmp/signin-browser" --listen-address "127.0.0.1:$kport")
	# One sign-in each outside the timing proves both work (and creates
	# ssohelper's vault key, as any earlier sign-in has).
	"${kubelogin[@]}" >"$tmp/kubelogin.out" 2>"$tmp/kubelogin.err" ||
		die "kubelogin get-token failed: $(cat "$tmp/kubelogin.err")"
	grep -q '"token":"ey' "$tmp/kubelogin.out" || die "kubelogin printed no token"
	"$tmp/ssohelper" login 2>"$tmp/ssohelper.err" || die "ssohelper login failed: $(cat "$tmp/ssohelper.err")"
	"$tmp/ssohelper" logout 2>/dev/null || die "ssohelper logout failed"
	# One entry per command: --prepare CMD -n NAME CMD, in turn first in
	# successive rounds.
	entries=("--prepare|rm -rf $tmp/kubelogin-cache|-n|kubelogin|${kubelogin[*]}"
		"--prepare|$tmp/ssohelper logout|-n|ssohelper|$tmp/ssohelper login")
	if [ "${LIKE_FOR_LIKE:-1}" = 1 ]; then
		# kubelogin keeping its tokens in the same Secret Service, as
		# ssohelper does: the like-for-like comparison, reported beside
		# the goal's (file cache).
		"${kubelogin[@]}" --token-cache-storage keyring >/dev/null 2>"$tmp/kubelogin.err" ||
			die "kubelogin get-token (keyring) failed: $(cat "$tmp/kubelogin.err")"
		[ -n "$(secret-tool search service kubelogin 2>&1)" ] || die "kubelogin kept nothing in the keyring"
		# (secret-tool clear fails when there is nothing to clear.)
		entries+=("--prepare|sh -c 'secret-tool clear service kubelogin; true'|-n|kubelogin-keyring|${kubelogin[*]} --token-cache-storage keyring")
	fi
	if [ -x "$tmp/ssohelper-baseline" ]; then
		entries+=("--prepare|$tmp/ssohelper logout|-n|baseline|$tmp/ssohelper-baseline login")
	fi
	rounds=${ROUNDS:-8}
	per=$(((runs + rounds - 1) / rounds))
	for r in $(seq "$rounds"); do
		echo "-- round $r of $rounds" >&2
		args=()
		for i in $(seq 0 $((${#entries[@]} - 1))); do
			IFS='|' read -r -a e <<<"${entries[$(((i + r) % ${#entries[@]}))]}"
			args+=("${e[@]}")
		done
		# shellcheck disable=SC2086 # HYPERFINE_ARGS is a list of options.
		hyperfine -N --warmup 1 --runs "$per" ${HYPERFINE_ARGS:-} --export-json "$tmp/round-$r.json" "${args[@]}" >&2
	done
	exit 0
fi

runs=${1:-40}
need_go
need_node
need_debs gnome-keyring libsecret-tools dbus hyperfine jq
rt=()
if [ "${BENCH_RT:-}" = 1 ]; then
	chrt -f 10 true 2>/dev/null || die "BENCH_RT=1 needs the real-time scheduler (chrt -f as root)"
	rt=(chrt -f 10)
fi
tmp=$(mktemp -d)
provider_pid=
cleanup() {
	[ -z "$provider_pid" ] || kill "$provider_pid" 2>/dev/null || true
	[ -z "$provider_pid" ] || wait "$provider_pid" 2>/dev/null || true
	rm -rf "$tmp"
}
trap cleanup EXIT

echo "== building kubelogin $KUBELOGIN_VERSION (Go module proxy), ssohelper (headless), the scripted browser" >&2
# go install of a version asks the proxy for the module's version list,
# which may be refused; downloading the exact version and building it in
# its own module needs only that version.
kdir=$(cd "$tmp" && go mod download -json "github.com/int128/kubelogin@$KUBELOGIN_VERSION" | jq -r .Dir)
[ -d "$kdir" ] || die "could not download github.com/int128/kubelogin@$KUBELOGIN_VERSION"
(cd "$kdir" && go build -trimpath -o "$tmp/kubelogin" .)
CGO_ENABLED=0 go build -tags nogui -o "$tmp/ssohelper" ./cmd/ssohelper
go build -o "$tmp/signin-browser" ./scripts/signin-browser
if [ -n "${BASELINE:-}" ]; then
	echo "== building ssohelper (headless) at $BASELINE" >&2
	mkdir "$tmp/baseline-src"
	git archive "$BASELINE" | tar -x -C "$tmp/baseline-src"
	(cd "$tmp/baseline-src" && CGO_ENABLED=0 go build -tags nogui -o "$tmp/ssohelper-baseline" ./cmd/ssohelper)
fi
mkdir -p "$tmp/bin"
ln -s "$tmp/signin-browser" "$tmp/bin/xdg-open" # how ssohelper opens "the browser"

free_ports() { # N free loopback TCP ports
	python3 -c 'import socket,sys
ss=[socket.socket() for _ in range(int(sys.argv[1]))]
for s in ss: s.bind(("127.0.0.1",0))
print(*[s.getsockname()[1] for s in ss])' "$1"
}
read -r pport sport kport < <(free_ports 3)
echo "$pport $sport $kport" >"$tmp/ports"

echo "== starting oidc-provider on 127.0.0.1:$pport" >&2
pdir=testdata/oidcprovider
[ -d "$pdir/node_modules/oidc-provider" ] || (cd "$pdir" && npm ci --no-audit --no-fund >&2)
: >"$tmp/provider.out" # there before the wait below looks at it
OIDC_CLIENT_ID=$CLIENT_ID OIDC_CONFORM_ID_TOKEN_CLAIMS=0 \
	OIDC_REDIRECT_URIS="http://localhost:$sport/callback http://localhost:$kport" \
	"${rt[@]}" node "$pdir/server.mjs" "$pport" >"$tmp/provider.out" 2>"$tmp/provider.err" &
provider_pid=$!
for _ in $(seq 100); do grep -q '^READY ' "$tmp/provider.out" && break; sleep 0.1; done
grep -q '^READY ' "$tmp/provider.out" || die "oidc-provider did not start: $(cat "$tmp/provider.err")"

echo "== timing $runs sign-ins each (hyperfine -N, both in one run${rt[*]:+, under ${rt[*]}})" >&2
"${rt[@]}" keystore/testdata/with-keyring.sh "$PWD/scripts/bench-signin.sh" --inside "$tmp" "$runs"
if [ -n "${KEEP_JSON:-}" ]; then
	mkdir -p "$KEEP_JSON" && cp "$tmp"/round-*.json "$KEEP_JSON"/
fi
# All rounds' runs pooled per command, and each round's ratio of medians.
jq -rs '
	def median: sort | if length % 2 == 1 then .[length/2|floor] else (.[length/2-1] + .[length/2]) / 2 end;
	def ms: . * 10000 | round / 10;
	def r2: . * 100 | round / 100;
	(map(.results[]) | group_by(.command) | map({key: .[0].command, value: (map(.times[]))}) | from_entries) as $t |
	(map(.results | map({key: .command, value: .median}) | from_entries)) as $rounds |
	def line($name; $title): "\($title) median \($t[$name]|median|ms) ms (\($t[$name]|length) runs; per round: \($rounds|map(.[$name]|ms)|map(tostring)|join(" ")))";
	def ratio($a; $b): (($t[$a]|median) / ($t[$b]|median)|r2) as $pooled |
		($rounds|map(.[$a] / .[$b])|median|r2) as $per | "ratio \($a)/\($b): \($pooled) (pooled medians), \($per) (median of the \($rounds|length) rounds ratios)";
	line("kubelogin"; "kubelogin get-token:"),
	line("ssohelper"; "ssohelper login:    "),
	(ratio("ssohelper"; "kubelogin") + " (goal <= 0.90)"),
	if $t["kubelogin-keyring"] then line("kubelogin-keyring"; "kubelogin, tokens in the keyring:"), (ratio("ssohelper"; "kubelogin-keyring") + " (like for like: both keep tokens in the Secret Service)") else empty end,
	if $t.baseline then line("baseline"; "ssohelper at \(env.BASELINE // "the baseline"):"), ratio("baseline"; "kubelogin"), ratio("ssohelper"; "baseline") else empty end
' "$tmp"/round-*.json
