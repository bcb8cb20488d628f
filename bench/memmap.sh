#!/bin/bash
# bench/memmap.sh - memmap -p against pmap -x and memmap -X against pmap -X
# on one process with 50,000 mappings, with cat /proc/PID/smaps (the
# kernel's own cost of the text both parse) as the floor.
set -u
cd "$(dirname "$0")/.."
: "${TRIAGE_BUILD:=build/std}" "${TRIAGE_BIN:=bin}"
MEMMAP=$TRIAGE_BIN/memmap
N=${MEMMAP_BENCH_MAPS:-50000}
RUNS=${MEMMAP_BENCH_RUNS:-7}
pid=
cleanup() {
	[ -n "$pid" ] && kill -KILL "$pid" 2>/dev/null
	[ -n "$pid" ] && wait "$pid" 2>/dev/null
}
trap cleanup EXIT
trap 'exit 130' INT TERM

fifo=$(mktemp -u /tmp/memmap-bench.XXXXXX)
mkfifo "$fifo"
"$TRIAGE_BUILD/helpers/memmap-many" "$N" > "$fifo" &
pid=$!
exec {fd}< "$fifo"
rm -f "$fifo"
read -r -t 60 -u "$fd" word _ _ _ || { echo "bench: helper did not start" >&2; exit 2; }
exec {fd}<&-
maps=$(wc -l < "/proc/$pid/maps")

# one CMD...: the wall time of one run, in nanoseconds
one() {
	local t0 t1
	t0=$(date +%s%N)
	"$@" > /dev/null 2>&1
	t1=$(date +%s%N)
	echo $((t1 - t0))
}

# med FILE: the median of the numbers in FILE, in seconds
med() {
	sort -n "$1" | awk '{ a[NR] = $1 } END { printf "%.3f", a[int((NR + 1) / 2)] / 1e9 }'
}

# The runs of all commands are interleaved, so machine noise hits them alike.
tmp=$(mktemp -d /tmp/memmap-bench.XXXXXX)
trap 'cleanup; rm -rf "$tmp"' EXIT
for ((i = 0; i < RUNS; i++)); do
	one cat "/proc/$pid/smaps" >> "$tmp/floor"
	one "$MEMMAP" -p "$pid" >> "$tmp/m"
	one pmap -x "$pid" >> "$tmp/p"
	one "$MEMMAP" -X -p "$pid" >> "$tmp/mx"
	one pmap -X "$pid" >> "$tmp/px"
	one "$MEMMAP" -q -p "$pid" >> "$tmp/q"
done
floor=$(med "$tmp/floor") m=$(med "$tmp/m") p=$(med "$tmp/p")
mx=$(med "$tmp/mx") px=$(med "$tmp/px") q=$(med "$tmp/q")

echo "memmap bench: pid $pid with $maps mappings, median of $RUNS runs"
echo "cat /proc/PID/smaps (floor): $floor s"
awk -v a="$m" -v b="$p" 'BEGIN { printf "memmap -p: %s s  pmap -x: %s s  ratio %.3f (target <= 0.45)\n", a, b, a / b }'
awk -v a="$mx" -v b="$px" 'BEGIN { printf "memmap -X: %s s  pmap -X: %s s  ratio %.3f (target <= 0.20)\n", a, b, a / b }'
echo "memmap -q (maps only): $q s"
awk -v a="$m" -v b="$p" -v c="$mx" -v d="$px" 'BEGIN { exit !(a / b <= 0.45 && c / d <= 0.20) }'
