#!/bin/bash
# bench/proctree.sh - proctree -p -a -l 1 against pstree -p -a -l 1 and
# against the floor (bench/proctree-floor.c: the owner, stat and cmdline
# of every process, nothing else), on about 2,000 processes (flat, then as
# a tree) and on about 10,000: wall and CPU time (medians), peak RSS,
# ratios, and the time per process (wall and CPU), which must stay flat as
# the count grows.  CPU is perf stat's task-clock where perf runs.
set -u
. "$(dirname "$0")/lib.bash"
cd "${TRIAGE_ROOT:-$(dirname "$0")/..}"
: "${TRIAGE_BUILD:=build/std}" "${TRIAGE_BIN:=bin}"
P=$TRIAGE_BIN/proctree
F=$TRIAGE_BUILD/bench/proctree-floor
RUNS=${RUNS:-9}
tmp=$(mktemp -d)
helper_pid=

stop_helper() {
	[ -n "$helper_pid" ] || return 0
	kill -KILL -- "-$helper_pid" 2>/dev/null
	wait "$helper_pid" 2>/dev/null
	helper_pid=
}
cleanup() {
	stop_helper
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

PERF=
perf stat -e task-clock true > /dev/null 2>&1 && PERF=1
mkdir -p "${F%/*}"
cc -O2 -o "$F" bench/proctree-floor.c || exit 2

# Processes now, by a glob that does not stat the entries (they vanish).
nprocs() {
	local p=(/proc/[0-9]*)
	echo ${#p[@]}
}

# Wait until the processes of the last point are gone (reaping them
# while timing would measure that instead).
settle() {
	local i
	for ((i = 0; i < 400; i++)); do
		[ "$(nprocs)" -le $((base + 20)) ] && return
		sleep 0.05
	done
}

# start N SHAPE: N sleeping processes under one helper (its own group).
start() {
	local f=$tmp/fifo ready pid got
	mkfifo "$f"
	setsid "$TRIAGE_BUILD/helpers/proctree-many" "$1" "$2" > "$f" &
	helper_pid=$!
	read -r ready pid got < "$f"
	rm -f "$f"
	[ "$ready" = ready ] || { echo "helper failed" >&2; exit 2; }
}

# measure_once NAME CMD...: one sample, "wall cpu rss_kb" appended to
# $tmp/NAME.runs: wall and CPU per run of REP runs in a row, CPU as
# perf stat's task-clock where perf runs (/usr/bin/time's CPU figures
# have 10 ms steps, and a run over 2,000 processes takes a few of them),
# peak RSS of one more run on its own.  The caller alternates the
# commands, so that noise falls on all alike.
measure_once() {
	local name=$1 t0 t1 rss cpu
	shift
	t0=$(date +%s%N)
	if [ -n "$PERF" ]; then
		perf stat -r "$REP" -x, -e task-clock -o "$tmp/t" "$@" > /dev/null
		cpu=$(awk -F, '$3 ~ /task-clock/ { print $1 / 1000 }' "$tmp/t")
	else
		/usr/bin/time -f '%U %S' -o "$tmp/t" bash -c \
		    'for ((i = 0; i < '"$REP"'; i++)); do "$@" > /dev/null; done' \
		    _ "$@"
		cpu=$(awk -v r="$REP" 'END { print ($1 + $2) / r }' "$tmp/t")
	fi
	t1=$(date +%s%N)
	rss=$(/usr/bin/time -f %M "$@" 2>&1 > /dev/null | tail -1)
	awk -v w=$((t1 - t0)) -v r="$REP" -v c="$cpu" -v m="$rss" 'BEGIN {
	    printf "%.4f %.4f %d\n", w / 1e9 / r, c, m }' >> "$tmp/$name.runs"
}

med() { medians "$tmp/$1.runs" > "$tmp/$1"; }

# point LABEL: the three side by side, with the ratios
point() {
	local n i
	n=$(nprocs)
	: > "$tmp/m.runs"; : > "$tmp/p.runs"; : > "$tmp/f.runs"
	for ((i = 0; i < RUNS; i++)); do
		measure_once m "$P" -p -a -l 1
		measure_once p pstree -p -a -l 1
		measure_once f "$F"
	done
	med m; med p; med f
	read -r mw mc mm < "$tmp/m"
	read -r pw pc pm < "$tmp/p"
	read -r fw fc fm < "$tmp/f"
	echo "$1: $n processes (medians of $RUNS samples of $REP runs)"
	awk -v n="$n" -v mw="$mw" -v mc="$mc" -v mm="$mm" -v pw="$pw" \
	    -v pc="$pc" -v pm="$pm" -v fw="$fw" -v fc="$fc" -v fm="$fm" 'BEGIN {
		printf "  proctree -p -a -l  wall %.3f s  CPU %.3f s  peak RSS %d KiB  per process: wall %.1f us, CPU %.1f us\n", mw, mc, mm, mw / n * 1e6, mc / n * 1e6
		printf "  pstree -p -a -l    wall %.3f s  CPU %.3f s  peak RSS %d KiB  per process: wall %.1f us, CPU %.1f us\n", pw, pc, pm, pw / n * 1e6, pc / n * 1e6
		printf "  floor              wall %.3f s  CPU %.3f s  peak RSS %d KiB  per process: wall %.1f us, CPU %.1f us\n", fw, fc, fm, fw / n * 1e6, fc / n * 1e6
		printf "  ratio to pstree: wall %.3f CPU %.3f RSS %.2f (target: time <= 0.20, RSS <= 1); to the floor: wall %.2f CPU %.2f (goal <= 1.3)\n",
		    mw / pw, (pc > 0 ? mc / pc : 0), mm / pm, mw / fw, (fc > 0 ? mc / fc : 0)
	}'
}

base=$(nprocs)
for spec in "2000 flat" "2000 tree" "10000 flat"; do
	read -r want shape <<< "$spec"
	settle
	n=$((want - base))
	[ "$n" -gt 0 ] || n=1
	start "$n" "$shape"
	REP=$((want > 5000 ? 2 : 10))
	point "$shape $want"
	stop_helper
done
settle
