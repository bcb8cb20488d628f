#!/bin/bash
# bench/zombies.sh - zombies against ps+awk on 5,000 processes of which
# 1,000 are zombies under 10 parents; then one --reap of 100 zombies.
set -u
cd "${TRIAGE_ROOT:-$(dirname "$0")/..}"
: "${TRIAGE_BUILD:=build/std}" "${TRIAGE_BIN:=bin}"
Z=$TRIAGE_BIN/zombies
H=$TRIAGE_BUILD/helpers/zombies-parent
RUNS=${RUNS:-15}
tmp=$(mktemp -d)
parents=()

cleanup() {
	local p
	# SIGTERM: each parent kills its live children and reaps everything.
	for p in "${parents[@]}"; do kill -TERM "$p" 2>/dev/null; done
	for p in "${parents[@]}"; do wait "$p" 2>/dev/null; done
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# start N_ZOMBIES N_LIVE: one parent, waits for its ready line.
start() {
	mkfifo "$tmp/f$#$RANDOM"
	local f
	f=$(ls -t "$tmp"/f* | head -1)
	"$H" -z "$1" -l "$2" > "$f" &
	parents+=($!)
	read -r _ _ < "$f"
	rm -f "$f"
}

# median of the wall time of "$@" over RUNS runs, in seconds
median() {
	local i t0 t1 ts=()
	for ((i = 0; i < RUNS; i++)); do
		t0=$(date +%s%N)
		"$@" > /dev/null
		t1=$(date +%s%N)
		ts+=($((t1 - t0)))
	done
	printf '%s\n' "${ts[@]}" | sort -n | awk '{ a[NR] = $1 }
		END { printf "%.4f", a[int((NR + 1) / 2)] / 1e9 }'
}

ps_pipeline() {
	ps -eo pid,ppid,stat,comm | awk '$3 ~ /^Z/'
}

for ((i = 0; i < 10; i++)); do
	start 100 400
done
total=$(ls -d /proc/[0-9]* | wc -l)
nz=$("$Z" --json | jq '.pressure.zombies')
echo "workload: $total processes, $nz zombies"
tz=$(median "$Z")
tp=$(median ps_pipeline)
awk -v a="$tz" -v b="$tp" 'BEGIN { printf "zombies: %.3f s  ps|awk: %.3f s  ratio %.3f (target <= 0.5)\n", a, b, a / b }'

# One --reap of 100 zombies (one parent, SIGCHLD step included).
start 100 0
rp=${parents[-1]}
t0=$(date +%s%N)
"$Z" --reap --min-age 0 -p "$rp" > "$tmp/reap"
t1=$(date +%s%N)
awk -v t=$((t1 - t0)) -v r="$(tail -1 "$tmp/reap")" 'BEGIN { printf "zombies --reap of 100 zombies: %.3f s (%s)\n", t / 1e9, r }'
