#!/bin/bash
# bench/proctree.sh - proctree -p -a against pstree -p -a -l on 5,000
# sleeping processes, flat and in a tree: median time and max RSS.
set -u
root=$(cd "$(dirname "$0")/.." && pwd)
: "${TRIAGE_BUILD:=build/std}" "${TRIAGE_BIN:=bin}"
case $TRIAGE_BUILD in /*) ;; *) TRIAGE_BUILD=$root/$TRIAGE_BUILD ;; esac
case $TRIAGE_BIN in /*) ;; *) TRIAGE_BIN=$root/$TRIAGE_BIN ;; esac
N=${N:-5000} RUNS=${RUNS:-7}
helper_pid= fifo=$(mktemp -u) out=$(mktemp)

cleanup() {
	[ -n "$helper_pid" ] && kill -KILL -- "-$helper_pid" 2>/dev/null
	[ -n "$helper_pid" ] && wait "$helper_pid" 2>/dev/null
	rm -f "$fifo" "$out"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# Wall time in ns of one run of "$@".
once() {
	local t0 t1
	t0=$(date +%s%N)
	"$@" > /dev/null
	t1=$(date +%s%N)
	echo $((t1 - t0))
}

# The median of ns values, in seconds.
median() {
	printf '%s\n' "$@" | sort -n |
		awk '{ a[NR] = $1 } END { printf "%.4f", a[int((NR + 1) / 2)] / 1e9 }'
}

# Processes now, by a glob that does not stat the entries (they vanish).
nprocs() {
	local p=(/proc/[0-9]*)
	echo ${#p[@]}
}

# Wait until the machine is back to base processes: the previous shape's
# 5,000 are being reaped, and timing meanwhile measures that instead.
settle() {
	local i
	for ((i = 0; i < 200; i++)); do
		[ "$(nprocs)" -le $((base + 20)) ] && return
		sleep 0.05
	done
}

maxrss() {	# kB
	/usr/bin/time -f %M "$@" 2>&1 > /dev/null | tail -1
}

base=$(nprocs)
for shape in flat tree; do
	settle
	mkfifo "$fifo"
	setsid "$TRIAGE_BUILD/helpers/proctree-many" "$N" "$shape" > "$fifo" &
	helper_pid=$!
	read -r ready pid got < "$fifo"
	rm -f "$fifo"
	[ "$ready" = ready ] || { echo "helper failed" >&2; exit 2; }
	# alternate the two so that noise falls on both alike
	a=() b=()
	for ((i = 0; i < RUNS; i++)); do
		a+=("$(once "$TRIAGE_BIN/proctree" -p -a)")
		b+=("$(once pstree -p -a -l)")
	done
	mine=$(median "${a[@]}")
	theirs=$(median "${b[@]}")
	rss_mine=$(maxrss "$TRIAGE_BIN/proctree" -p -a)
	rss_theirs=$(maxrss pstree -p -a -l)
	awk -v s="$shape" -v n="$got" -v a="$mine" -v b="$theirs" \
	    -v ra="$rss_mine" -v rb="$rss_theirs" 'BEGIN {
		printf "%s %d: proctree -p -a: %.3f s  pstree -p -a -l: %.3f s  ratio %.3f (target <= 0.25)  max RSS %d kB vs %d kB\n",
		    s, n, a, b, a / b, ra, rb }'
	kill -KILL -- "-$helper_pid" 2>/dev/null
	wait "$helper_pid" 2>/dev/null
	helper_pid=
done
# the 5,000 are killed but still exiting: end only once they are gone
settle
