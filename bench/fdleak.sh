#!/bin/bash
# bench/fdleak.sh - fdleak -p against lsof -p, and fdleak --summary against
# ls /proc/PID/fd | wc -l, on five processes holding about 19,000 fds each
# (files, pipes, unix and TCP sockets): 95,000 fds in all.
set -u
cd "$(dirname "$0")/.."
: "${TRIAGE_BUILD:=build/std}" "${TRIAGE_BIN:=bin}"
FDLEAK=$TRIAGE_BIN/fdleak
PER=${FDLEAK_BENCH_FDS:-19000}
pids=()
cleanup() {
	local p
	for p in "${pids[@]}"; do kill -KILL "$p" 2>/dev/null; done
	for p in "${pids[@]}"; do wait "$p" 2>/dev/null; done
}
trap cleanup EXIT
trap 'exit 130' INT TERM

for i in 1 2 3 4 5; do
	fifo=$(mktemp -u /tmp/fdleak-bench.XXXXXX)
	mkfifo "$fifo"
	"$TRIAGE_BUILD/helpers/fdleak-hold" "$PER" > "$fifo" &
	pids+=($!)
	exec {fd}< "$fifo"
	rm -f "$fifo"
	read -r -t 60 -u "$fd" word pid || { echo "bench: helper did not start" >&2; exit 2; }
	exec {fd}<&-
done
list=$(IFS=,; echo "${pids[*]}")
total=0
for p in "${pids[@]}"; do total=$((total + $(ls "/proc/$p/fd" | wc -l))); done

# median CMD...: the median wall time of RUNS runs, in seconds
median() {
	local runs=$1 i t0 t1
	shift
	local ts=()
	for ((i = 0; i < runs; i++)); do
		t0=$(date +%s%N)
		"$@" > /dev/null 2>&1
		t1=$(date +%s%N)
		ts+=($((t1 - t0)))
	done
	printf '%s\n' "${ts[@]}" | sort -n | awk '{ a[NR] = $1 } END {
		printf "%.3f", a[int((NR + 1) / 2)] / 1e9 }'
}
lsall() { local p; for p in "${pids[@]}"; do ls "/proc/$p/fd" | wc -l; done; }

echo "fdleak bench: $total fds in 5 processes ($list)"
f=$(median 5 "$FDLEAK" -p "$list")
l=$(median 3 lsof -p "$list")
echo "fdleak -p: $f s  lsof -p: $l s  ratio $(awk -v a="$f" -v b="$l" 'BEGIN { printf "%.3f", a / b }') (target <= 0.20)"
f=$(median 11 "$FDLEAK" -s -p "$list")
l=$(median 11 lsall)
echo "fdleak --summary: $f s  ls /proc/PID/fd | wc -l: $l s  ratio $(awk -v a="$f" -v b="$l" 'BEGIN { printf "%.3f", a / b }') (target <= 1.00)"
