#!/usr/bin/env bash
# bench.sh measures the speed goals and prints medians:
#  - one full emulator sign-in without Chromium (median of 20);
#  - `ssohelper token` with a valid cached token, as a process through the
#    real keyring, against `secret-tool lookup` of one entry on the same
#    keyring (median of 30 each, same run), and their ratio (goal <= 0.6).
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib.sh

need_go
need_debs "${TEST_DEBS[@]}"
out=$(mktemp)
trap 'rm -f "$out"' EXIT

run_bench() { # NAME COUNT
	SSOHELPER_REAL_KEYRING=1 keystore/testdata/with-keyring.sh \
		go test -run '^$' -bench "^$1\$" -benchtime 1x -count "$2" ./cmd/ssohelper | tee -a "$out" >&2
}
run_bench BenchmarkLoginEmulator 20
run_bench BenchmarkTokenCachedProcess 30
run_bench BenchmarkTokenNoKeyCacheProcess 30
run_bench BenchmarkSecretToolLookup 30

median() { # NAME -> median ns/op
	awk -v n="$1" '$1 ~ "^"n"(-[0-9]+)?$" {print $3}' "$out" | sort -n |
		awk '{a[NR]=$1} END {if (NR==0) exit 1; print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'
}
login=$(median BenchmarkLoginEmulator)
token=$(median BenchmarkTokenCachedProcess)
nocache=$(median BenchmarkTokenNoKeyCacheProcess)
lookup=$(median BenchmarkSecretToolLookup)
awk -v l="$login" -v t="$token" -v n="$nocache" -v s="$lookup" 'BEGIN {
	printf "emulator login (no Chromium), median of 20: %.1f ms\n", l/1e6
	printf "ssohelper token (cached, real keyring), median of 30: %.2f ms\n", t/1e6
	printf "secret-tool lookup (same keyring), median of 30: %.2f ms\n", s/1e6
	printf "ratio token/lookup: %.2f (goal <= 0.60)\n", t/s
	printf "without the kernel key cache (SSOHELPER_NO_KEY_CACHE=1), median of 30: %.2f ms, ratio %.2f\n", n/1e6, n/s
}'
