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

# ns CMD...: the wall time of one run, in nanoseconds
ns() {
	local t0 t1
	t0=$(date +%s%N)
	"$@" > /dev/null 2>&1
	t1=$(date +%s%N)
	echo $((t1 - t0))
}
# median NS...: the median, in seconds
median() {
	printf '%s\n' "$@" | sort -n | awk '{ a[NR] = $1 } END {
		printf "%.3f", a[int((NR + 1) / 2)] / 1e9 }'
}
# versus RUNS NAME-A NAME-B TARGET: run a() and b() alternately, so that
# the machine's slow spells fall on both, and print the medians and ratio
versus() {
	local runs=$1 i ta=() tb=() x y
	for ((i = 0; i < runs; i++)); do
		ta+=("$(ns a)")
		tb+=("$(ns b)")
	done
	x=$(median "${ta[@]}") y=$(median "${tb[@]}")
	echo "$2: $x s  $3: $y s  ratio $(awk -v a="$x" -v b="$y" 'BEGIN { printf "%.3f", a / b }') (target <= $4)"
}

echo "fdleak bench: $total fds in 5 processes ($list)"
"$FDLEAK" -p "$list" > /dev/null	# the dentries, as lsof will find them
a() { "$FDLEAK" -p "$list"; }
b() { lsof -p "$list"; }
versus 5 "fdleak -p" "lsof -p" 0.20
a() { "$FDLEAK" -s -p "$list"; }
b() { local p; for p in "${pids[@]}"; do ls "/proc/$p/fd" | wc -l; done; }
versus 11 "fdleak --summary" "ls /proc/PID/fd | wc -l" 1.00
