#!/usr/bin/env bash
# bench.sh measures the speed and memory goals on this machine and prints
# one table at the end, each figure against a baseline run in the same
# invocation:
#  - a cached token as scripts get it (ssohelper-token, and `ssohelper
#    token` of both builds), against an empty Go
#    program and `secret-tool lookup` on the same real keyring (hyperfine -N,
#    scripts/bench-token.sh);
#  - a full scripted sign-in against a local OpenID provider, against
#    kubelogin doing the same (scripts/bench-signin.sh);
#  - the plugin bridge's token endpoint against a minimal net/http handler
#    returning the same bytes (hey, the two in turn in 6 rounds of 3 s: one
#    long run of each swung the ratio from 0.69 to 1.02), and push fan-out
#    to 1,000 WebSocket subscribers (p99, serve's memory);
#  - refresh storms: 32 processes at expiry, and how many refreshes the
#    provider and the platform saw;
#  - the desktop app under Xvfb: launch to window, the switch from the tray
#    image and back, idle CPU and memory of the tray image against the
#    window image, binary sizes.
# It installs what it needs (Debian packages when root, else the command).
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib.sh

need_go
need_debs "${TEST_DEBS[@]}" hyperfine jq bc hey
need_node
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
res=$tmp/results # key=value lines, read by the table at the end
: >"$res"
put() { echo "$1=$2" >>"$res"; }
metric() { # UNIT < go test -bench output -> the value reported with that unit
	awk -v u="$1" '/^Benchmark/ {for (i = 2; i < NF; i++) if ($(i+1) == u) print $i}' | head -1
}

echo "== cached token (real keyring)" >&2
keystore/testdata/with-keyring.sh bash scripts/bench-token.sh "$res"

echo "== sign-in against kubelogin" >&2
signin=$(bash scripts/bench-signin.sh 40)
echo "$signin" >&2
put signin_ssohelper_ms "$(sed -n 's/^ssohelper login: *median \([0-9.]*\) ms.*/\1/p' <<<"$signin")"
put signin_kubelogin_ms "$(sed -n 's/^kubelogin get-token: *median \([0-9.]*\) ms.*/\1/p' <<<"$signin")"
put signin_kubelogin_keyring_ms "$(sed -n 's/^kubelogin, tokens in the keyring: *median \([0-9.]*\) ms.*/\1/p' <<<"$signin")"

echo "== refresh storms" >&2
storm=$(go test -count=1 -run '^TestRefreshStorm$' -v ./cmd/ssohelper 2>&1 | grep -E 'round [12]')
put storm_round1 "$(sed -n 's/.*round 1 (platform refresh): //p' <<<"$storm")"
put storm_round2 "$(sed -n 's/.*round 2 (Cognito refresh): //p' <<<"$storm")"

echo "== plugin bridge" >&2
go build -o "$tmp/minimal-server" ./scripts/minimal-server
CGO_ENABLED=0 go build -tags nogui -o "$tmp/nogui" ./cmd/ssohelper
fixture=$(SSOHELPER_BENCH_DIR="$tmp/bfx" go test -run '^$' -bench '^BenchmarkBridgeFixture$' -benchtime 1x ./cmd/ssohelper)
secret=$(sed -n 's/^SECRET //p' <<<"$fixture")
bport=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])' 2>/dev/null || echo 47699)
mport=$((bport + 1))
mkdir -m 700 "$tmp/rt"
(
	for kv in $(sed -n 's/^FIXTURE //p' <<<"$fixture"); do export "${kv?}"; done
	export SSOHELPER_BRIDGE_PORT=$bport XDG_RUNTIME_DIR=$tmp/rt
	exec "$tmp/nogui" serve --token-rate 1000000
) 2>"$tmp/serve.log" &
serve_pid=$!
for _ in $(seq 100); do curl -fs "http://127.0.0.1:$bport/v1/hello" >/dev/null && break; sleep 0.1; done
curl -fs -H "Authorization: Bearer $secret" "http://127.0.0.1:$bport/v1/token" >"$tmp/token-body.json" || die "the bridge gave no token: $(cat "$tmp/serve.log")"
"$tmp/minimal-server" "$mport" "$tmp/token-body.json" &
min_pid=$!
for _ in $(seq 100); do curl -fs "http://127.0.0.1:$mport/v1/token" >/dev/null && break; sleep 0.1; done
hey_run() { hey -z 3s "$@" | awk '/Requests\/sec:/ {r=$2} /99% in/ {p=$3*1000} /\[2[0-9][0-9]\]/ {ok+=$2} /\[[45][0-9][0-9]\]/ {bad+=$2} END {printf "%.0f %.2f %d %d\n", r, p, ok, bad}'; }
median() { sort -g | awk '{v[NR]=$1} END {print (NR % 2) ? v[(NR+1)/2] : (v[NR/2]+v[NR/2+1])/2}'; }
# A shared 2-core machine swings by a fifth from one run to the next, so
# the two servers take turns: 6 rounds of 3 s each at 32 connections
# (throughput saturated) and 4 at 4 (latency at a plugin's pace), each
# round's first in turn. Reported: the median of each figure and the
# median of the rounds' ratios.
bok=0 bbad=0
for r in $(seq 6); do
	if [ $((r % 2)) = 1 ]; then
		m=$(hey_run -c 32 "http://127.0.0.1:$mport/v1/token")
		b=$(hey_run -c 32 -H "Authorization: Bearer $secret" "http://127.0.0.1:$bport/v1/token")
	else
		b=$(hey_run -c 32 -H "Authorization: Bearer $secret" "http://127.0.0.1:$bport/v1/token")
		m=$(hey_run -c 32 "http://127.0.0.1:$mport/v1/token")
	fi
	read -r mr mp _ _ <<<"$m"
	read -r br bp ok bad <<<"$b"
	echo "bridge round $r (32 connections): bridge $br req/s p99 $bp ms, minimal $mr req/s p99 $mp ms" >&2
	echo "$mr $mp $br $bp" >>"$tmp/bridge-rounds"
	bok=$((bok + ok)) bbad=$((bbad + bad))
done
for r in $(seq 4); do
	read -r _ mp _ _ < <(hey_run -c 4 "http://127.0.0.1:$mport/v1/token")
	read -r _ bp _ _ < <(hey_run -c 4 -H "Authorization: Bearer $secret" "http://127.0.0.1:$bport/v1/token")
	echo "$mp $bp" >>"$tmp/bridge-rounds-4"
done
mrps=$(awk '{print $1}' "$tmp/bridge-rounds" | median) mp99=$(awk '{print $2}' "$tmp/bridge-rounds" | median)
brps=$(awk '{print $3}' "$tmp/bridge-rounds" | median) bp99=$(awk '{print $4}' "$tmp/bridge-rounds" | median)
bratio=$(awk '{print $3/$1}' "$tmp/bridge-rounds" | median)
mp99l=$(awk '{print $1}' "$tmp/bridge-rounds-4" | median) bp99l=$(awk '{print $2}' "$tmp/bridge-rounds-4" | median)
kill "$serve_pid" "$min_pid" 2>/dev/null || true
wait "$serve_pid" "$min_pid" 2>/dev/null || true
put bridge_rps "$brps"; put bridge_p99 "$bp99"; put bridge_ok "$bok"; put bridge_refused "$bbad"; put bridge_ratio "$bratio"
put minimal_rps "$mrps"; put minimal_p99 "$mp99"; put bridge_p99_4 "$bp99l"; put minimal_p99_4 "$mp99l"
push=$(go test -run '^$' -bench '^BenchmarkBridgePush$' -benchtime 1x ./cmd/ssohelper 2>&1 | grep -E '^Benchmark')
put push_p99 "$(metric p99-ms <<<"$push")"; put push_p50 "$(metric p50-ms <<<"$push")"
put push_rss_idle "$(metric rss-idle-MB <<<"$push")"; put push_rss_busy "$(metric rss-1000-subs-MB <<<"$push")"

echo "== desktop app (Xvfb)" >&2
go build -o "$tmp/gui" ./cmd/ssohelper
go build -ldflags "-s -w" -o "$tmp/gui-stripped" ./cmd/ssohelper
CGO_ENABLED=0 go build -tags nogui -ldflags "-s -w" -o "$tmp/nogui-stripped" ./cmd/ssohelper
CGO_ENABLED=0 go build -ldflags "-s -w" -o "$tmp/token-stripped" ./cmd/ssohelper-token
for b in gui gui-stripped nogui nogui-stripped token-stripped; do
	put "size_${b//-/_}" "$(echo "$(stat -c %s "$tmp/$b") / 1048576" | bc -l)"
done
launch=$(go test -run '^$' -bench '^BenchmarkDesktopLaunch$' -benchtime 10x ./cmd/ssohelper 2>&1 | grep -E '^Benchmark')
put launch_ms "$(metric ms-to-window <<<"$launch")"; put launch_base_ms "$(metric ms-baseline-start <<<"$launch")"
reopen=$(go test -run '^$' -bench '^BenchmarkDesktopReopen$' -benchtime 5x ./cmd/ssohelper 2>&1 | grep -E '^Benchmark')
put reopen_ms "$(metric ms-to-window <<<"$reopen")"; put totray_ms "$(metric ms-to-tray <<<"$reopen")"
idle=$(go test -run '^$' -bench '^BenchmarkDesktopIdle$' -benchtime 1x ./cmd/ssohelper 2>&1 | grep -E '^Benchmark')
echo "$idle" >&2
put idle_tray_cpu "$(metric tray-cpu-% <<<"$idle")"; put idle_window_cpu "$(metric window-cpu-% <<<"$idle")"
put idle_tray_rss "$(metric tray-rss-MB <<<"$idle")"; put idle_window_rss "$(metric window-rss-MB <<<"$idle")"

# The table.
awk -F= '{v[$1]=$2} END {
	r = "| %-58s | %-26s | %-18s |\n"
	printf "\n| %-58s | %-26s | %-18s |\n", "measure (this machine, one run)", "figure", "goal"
	printf "|%s|%s|%s|\n", "------------------------------------------------------------", "----------------------------", "--------------------"
	printf r, "cached token, `ssohelper-token` (median, hyperfine -N)", sprintf("%.2f ms", v["token_helper_ms"]), ""
	printf r, "  empty Go program, same run", sprintf("%.2f ms", v["token_empty_ms"]), ""
	printf r, "  ratio ssohelper-token / empty Go program", sprintf("%.2f", v["token_helper_ms"]/v["token_empty_ms"]), "<= 2.0"
	printf r, "  secret-tool lookup, same keyring, same run", sprintf("%.2f ms", v["token_secret_tool_ms"]), ""
	printf r, "  ratio ssohelper-token / secret-tool lookup", sprintf("%.2f", v["token_helper_ms"]/v["token_secret_tool_ms"]), "<= 0.5"
	printf r, "cached `ssohelper token`, headless; ratio to empty", sprintf("%.2f ms; %.2f", v["token_nogui_ms"], v["token_nogui_ms"]/v["token_empty_ms"]), "(reported)"
	printf r, "cached `ssohelper token`, desktop; ratio to empty", sprintf("%.2f ms; %.2f", v["token_gui_ms"], v["token_gui_ms"]/v["token_empty_ms"]), "(reported)"
	if (v["signin_ssohelper_ms"] != "") {
		printf r, "full sign-in, ssohelper (median)", sprintf("%.1f ms", v["signin_ssohelper_ms"]), ""
		printf r, "  kubelogin, same provider and browser, same run", sprintf("%.1f ms", v["signin_kubelogin_ms"]), ""
		printf r, "  ratio ssohelper / kubelogin", sprintf("%.2f", v["signin_ssohelper_ms"]/v["signin_kubelogin_ms"]), "<= 0.9"
		printf r, "  kubelogin with its tokens in the keyring, same run", sprintf("%.1f ms", v["signin_kubelogin_keyring_ms"]), ""
		printf r, "  ratio ssohelper / kubelogin-keyring (like for like)", sprintf("%.2f", v["signin_ssohelper_ms"]/v["signin_kubelogin_keyring_ms"]), "(reported)"
	}
	printf r, "bridge token endpoint, 32 connections (median of 6)", sprintf("%.0f req/s, p99 %.2f ms", v["bridge_rps"], v["bridge_p99"]), ""
	printf r, "  minimal net/http handler, same bytes, in turn", sprintf("%.0f req/s, p99 %.2f ms", v["minimal_rps"], v["minimal_p99"]), ""
	printf r, "  ratio bridge / minimal (req/s, median of rounds)", sprintf("%.2f", v["bridge_ratio"]), ">= 0.7"
	printf r, "  p99 at 4 connections, bridge / minimal", sprintf("%.2f / %.2f ms", v["bridge_p99_4"], v["minimal_p99_4"]), "<= 2 ms"
	printf r, "push to 1,000 WebSocket subscribers, 20 refreshes", sprintf("p99 %.1f ms, p50 %.1f ms", v["push_p99"], v["push_p50"]), "p99 <= 50 ms"
	printf r, "  serve RSS idle / with 1,000 subscribers", sprintf("%.1f / %.1f MB", v["push_rss_idle"], v["push_rss_busy"]), ""
	printf r, "refresh storm, 32 processes, platform token expired", v["storm_round1"], "1 refresh"
	printf r, "refresh storm, platform refresh token dead too", v["storm_round2"], "1 each"
	printf r, "desktop launch to window (Xvfb)", sprintf("%.0f ms (process start %.0f ms)", v["launch_ms"], v["launch_base_ms"]), "<= 1 s"
	printf r, "desktop tray image to window / back", sprintf("%.0f / %.0f ms", v["reopen_ms"], v["totray_ms"]), ""
	printf r, "desktop idle 60 s, CPU: tray image / window shown", sprintf("%.3f %% / %.2f %%", v["idle_tray_cpu"], v["idle_window_cpu"]), "tray <= 0.3 %"
	printf r, "desktop idle 60 s, RSS: tray image / window shown", sprintf("%.1f / %.1f MB", v["idle_tray_rss"], v["idle_window_rss"]), "tray <= 80 MB"
	printf r, "binary sizes gui / stripped", sprintf("%.1f / %.1f MB", v["size_gui"], v["size_gui_stripped"]), "<= 40 MB"
	printf r, "binary sizes headless / stripped", sprintf("%.1f / %.1f MB", v["size_nogui"], v["size_nogui_stripped"]), "<= 15 MB stripped"
	printf r, "binary size ssohelper-token, stripped", sprintf("%.1f MB", v["size_token_stripped"]), ""
}' "$res"
