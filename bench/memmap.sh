#!/bin/bash
# bench/memmap.sh - memmap -p against pmap -x and memmap -X against pmap -X
# on one process with 50,000 one-page mappings of alternating protections,
# then 65,000 (vm.max_map_count is 65,530), beside the floor
# (bench/memmap-floor.c: the kernel reads alone, one read into a buffer
# sized once): smaps for -p and -X, maps for --maps-only, and the other
# reads issue 15 names (smaps_rollup, PROCMAP_QUERY, pagemap's present
# bits) for the record.  Wall and CPU time (medians), peak RSS, ratios,
# time per mapping.  CPU is the number to read on a busy machine.  Peak
# RSS (GNU time's %M, the child's ru_maxrss) of memmap -p, -X and -s
# beside pmap's on one line: issue 15's target is at most pmap's.
# The RSS-only path (memmap -o address,kbytes,rss,mapping: PROCMAP_QUERY
# and pagemap, no smaps) against pmap plain and pmap -x, beside its own
# floor (memmap-floor pagemap).
# MEMMAP_BENCH_OLD=path/to/an/older/memmap adds its rows, for a before
# and after in one run.
set -u
. "$(dirname "$0")/lib.bash"
cd "${TRIAGE_ROOT:-$(dirname "$0")/..}"
: "${TRIAGE_BUILD:=build/std}" "${TRIAGE_BIN:=bin}"
M=$TRIAGE_BIN/memmap
F=$TRIAGE_BUILD/bench/memmap-floor
RUNS=${RUNS:-${MEMMAP_BENCH_RUNS:-7}}
tmp=$(mktemp -d)
pid=

cleanup() {
	[ -n "$pid" ] && kill -KILL "$pid" 2>/dev/null
	[ -n "$pid" ] && wait "$pid" 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

mkdir -p "${F%/*}"
cc -O2 -o "$F" bench/memmap-floor.c || exit 2

# start N: the helper with N mappings; sets pid
start() {
	[ -n "$pid" ] && { kill -KILL "$pid"; wait "$pid" 2>/dev/null; }
	mkfifo "$tmp/fifo"
	"$TRIAGE_BUILD/helpers/memmap-many" "$1" > "$tmp/fifo" &
	pid=$!
	exec {fd}< "$tmp/fifo"
	rm -f "$tmp/fifo"
	read -r -t 60 -u "$fd" _ _ || { echo "bench: helper did not start" >&2; exit 2; }
	exec {fd}<&-
}

# measure NAME CMD...: RUNS runs; "wall cpu rss_kb" medians into $tmp/NAME
measure() {
	local name=$1 i t0 t1
	shift
	: > "$tmp/$name.runs"
	for ((i = 0; i < RUNS; i++)); do
		t0=$(date +%s%N)
		/usr/bin/time -f '%U %S %M' -o "$tmp/t" "$@" > /dev/null 2>&1
		t1=$(date +%s%N)
		# the last line: time says "exited with non-zero status" before
		# it (memmap exits 1 when a limit is near, as at 65,000)
		awk -v w=$((t1 - t0)) 'END { printf "%.4f %.3f %d\n", w / 1e9,
		    $1 + $2, $3 }' "$tmp/t" >> "$tmp/$name.runs"
	done
	medians "$tmp/$name.runs" > "$tmp/$name"
}

# row LABEL NAME [ANCHOR FLOOR TARGET]: one line, with ratios
row() {
	local w c m aw ac am fw fc fm
	read -r w c m < "$tmp/$2"
	printf '  %-22s wall %.3f s  CPU %.3f s  peak RSS %6d KiB  %.2f us/mapping\n' \
		"$1" "$w" "$c" "$m" "$(awk -v w="$w" -v n="$maps" 'BEGIN { print w / n * 1e6 }')"
	[ $# -gt 2 ] || return 0
	read -r aw ac am < "$tmp/$3"
	read -r fw fc fm < "$tmp/$4"
	awk -v w="$w" -v c="$c" -v m="$m" -v aw="$aw" -v ac="$ac" -v am="$am" \
	    -v fw="$fw" -v fc="$fc" -v t="$5" -v a="$3" 'BEGIN {
		printf "  %-22s to %s: wall %.2f CPU %.2f (target <= %s), RSS %.2f; to the floor: wall %.2f CPU %.2f (goal <= 1.3)\n",
		    "", a, w / aw, (ac > 0 ? c / ac : 0), t, m / am, w / fw, (fc > 0 ? c / fc : 0)
	}'
}

# The peak RSS of each mode beside pmap's, KiB, and the ratios (<= 1).
rss_line() {
	local m mx ms px pX
	m=$(awk '{ print $3 }' "$tmp/m")
	mx=$(awk '{ print $3 }' "$tmp/mx")
	ms=$(awk '{ print $3 }' "$tmp/ms")
	px=$(awk '{ print $3 }' "$tmp/pmap_x")
	pX=$(awk '{ print $3 }' "$tmp/pmap_X")
	awk -v m="$m" -v mx="$mx" -v ms="$ms" -v px="$px" -v pX="$pX" 'BEGIN {
		printf "  peak RSS KiB: memmap -p %d, -X %d, -s %d; pmap -x %d, pmap -X %d\n", m, mx, ms, px, pX
		printf "  peak RSS ratio (target <= 1): -p/pmap -x %.2f, -X/pmap -X %.2f, -s/pmap -x %.2f\n", m / px, mx / pX, ms / px
	}'
}

point() {
	start "$1"
	maps=$(wc -l < "/proc/$pid/maps")
	measure m "$M" -p "$pid"
	measure pmap_x pmap -x "$pid"
	measure mx "$M" -X -p "$pid"
	measure pmap_X pmap -X "$pid"
	measure mq "$M" --maps-only -p "$pid"
	measure ms "$M" -s -p "$pid"
	measure mr "$M" -o address,kbytes,rss,mapping -p "$pid"
	measure msr "$M" -s -o group,count,kbytes,rss -p "$pid"
	measure pmap pmap "$pid"
	if [ -n "${MEMMAP_BENCH_OLD:-}" ]; then
		measure om "$MEMMAP_BENCH_OLD" -p "$pid"
		measure omx "$MEMMAP_BENCH_OLD" -X -p "$pid"
		measure oms "$MEMMAP_BENCH_OLD" -s -p "$pid"
		measure omr "$MEMMAP_BENCH_OLD" -o address,kbytes,rss,mapping -p "$pid"
	fi
	measure smaps "$F" smaps "$pid"
	measure maps "$F" maps "$pid"
	measure rollup "$F" rollup "$pid"
	measure query "$F" query "$pid"
	measure pagemap "$F" pagemap "$pid"
	echo "memmap bench: $maps mappings (medians of $RUNS runs)"
	row "memmap -p" m pmap_x smaps 0.40
	row "pmap -x" pmap_x
	row "memmap -X" mx pmap_X smaps 0.18
	row "pmap -X" pmap_X
	row "memmap --maps-only" mq pmap_x maps -
	row "memmap -s" ms pmap_x smaps -
	row "memmap -o ..,rss,.." mr pmap_x pagemap -
	row "" mr pmap pagemap -
	row "pmap" pmap
	row "memmap -s -o ..,rss" msr pmap_x pagemap -
	if [ -n "${MEMMAP_BENCH_OLD:-}" ]; then
		row "old memmap -p" om pmap_x smaps 0.40
		row "old memmap -X" omx pmap_X smaps 0.18
		row "old memmap -s" oms pmap_x smaps -
		row "old memmap -o ..rss.." omr pmap_x smaps -
	fi
	rss_line
	row "floor: smaps" smaps
	row "floor: maps" maps
	row "floor: smaps_rollup" rollup
	row "floor: PROCMAP_QUERY" query
	row "floor: QUERY+pagemap" pagemap
}

point "${MEMMAP_BENCH_MAPS:-50000}"
point 65000
