#!/bin/bash
# bench/zombies.sh - zombies against ps -eo pid,ppid,stat,comm | awk
# '$3 ~ /^Z/' and against the floor (bench/zombies-floor.c: the stat of
# every task, nothing else), on 1,000 zombies under 10 parents among about
# 3,100 processes, then on 10,000 processes: wall and CPU time (medians),
# peak RSS, ratios, time per process; then one --reap of 100 zombies.
set -u
. "$(dirname "$0")/lib.bash"
cd "${TRIAGE_ROOT:-$(dirname "$0")/..}"
: "${TRIAGE_BUILD:=build/std}" "${TRIAGE_BIN:=bin}"
Z=$TRIAGE_BIN/zombies
H=$TRIAGE_BUILD/helpers/zombies-parent
F=$TRIAGE_BUILD/bench/zombies-floor
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

mkdir -p "${F%/*}"
cc -O2 -o "$F" bench/zombies-floor.c || exit 2

# start N_ZOMBIES N_LIVE: one parent, waits for its ready line.
start() {
	local f=$tmp/f${#parents[@]}
	mkfifo "$f"
	"$H" -z "$1" -l "$2" > "$f" &
	parents+=($!)
	read -r _ _ < "$f"
	rm -f "$f"
}

ps_pipeline() {
	ps -eo pid,ppid,stat,comm | awk '$3 ~ /^Z/'
}

# measure NAME CMD...: RUNS runs; "wall cpu rss_kb" medians into $tmp/NAME
measure() {
	local name=$1 i t0 t1
	shift
	: > "$tmp/$name.runs"
	for ((i = 0; i < RUNS; i++)); do
		t0=$(date +%s%N)
		/usr/bin/time -f '%U %S %M' -o "$tmp/t" "$@" > /dev/null
		t1=$(date +%s%N)
		awk -v w=$((t1 - t0)) 'END { printf "%.4f %.3f %d\n", w / 1e9,
		    $1 + $2, $3 }' "$tmp/t" >> "$tmp/$name.runs"
	done
	medians "$tmp/$name.runs" > "$tmp/$name"
}

# point LABEL: the three side by side, with the ratios
point() {
	local n
	n=$(ls -d /proc/[0-9]* | wc -l)
	measure z "$Z"
	measure p bash -c "$(declare -f ps_pipeline); ps_pipeline"
	measure f "$F"
	read -r zw zc zm < "$tmp/z"
	read -r pw pc pm < "$tmp/p"
	read -r fw fc fm < "$tmp/f"
	echo "$1: $n processes, $("$Z" --json | jq '.pressure.zombies') zombies (medians of $RUNS)"
	awk -v n="$n" -v zw="$zw" -v zc="$zc" -v zm="$zm" -v pw="$pw" \
	    -v pc="$pc" -v pm="$pm" -v fw="$fw" -v fc="$fc" -v fm="$fm" 'BEGIN {
		printf "  zombies  wall %.3f s  CPU %.3f s  peak RSS %d KiB  %.1f us/process\n", zw, zc, zm, zw / n * 1e6
		printf "  ps|awk   wall %.3f s  CPU %.3f s  peak RSS %d KiB\n", pw, pc, pm
		printf "  floor    wall %.3f s  CPU %.3f s  peak RSS %d KiB  %.1f us/process\n", fw, fc, fm, fw / n * 1e6
		printf "  ratio to ps|awk: wall %.2f CPU %.2f (target <= 0.40); to the floor: wall %.2f CPU %.2f (goal <= 1.3)\n",
		    zw / pw, (pc > 0 ? zc / pc : 0), zw / fw, (fc > 0 ? zc / fc : 0)
	}'
}

for ((i = 0; i < 10; i++)); do
	start 100 200
done
point "1,000 zombies"
while [ "$(ls -d /proc/[0-9]* | wc -l)" -lt 10000 ]; do
	start 0 400
done
point "10,000 processes"

# One --reap of 100 zombies (one parent, SIGCHLD step included).
start 100 0
rp=${parents[-1]}
t0=$(date +%s%N)
"$Z" --reap --min-age 0 -p "$rp" > "$tmp/reap"
t1=$(date +%s%N)
awk -v t=$((t1 - t0)) -v r="$(tail -1 "$tmp/reap")" 'BEGIN { printf "zombies --reap of 100 zombies: %.3f s (%s)\n", t / 1e9, r }'
