#!/bin/bash
# bench/triage.sh - triage on the whole machine against the by-hand
# checklist it replaces, on about 3,000 processes: ps aux, ls of every
# process's fd directory counted, pidstat -w 1 1, pmap -x of the 10
# largest by RSS, and their cgroup files.  Both take one 1 s window;
# wall and CPU time (user+sys, /usr/bin/time, children included) and
# peak RSS, medians of RUNS runs alternated; target CPU ratio <= 0.2.
set -u
. "$(dirname "$0")/lib.bash"
cd "${TRIAGE_ROOT:-$(dirname "$0")/..}"
: "${TRIAGE_BUILD:=build/std}" "${TRIAGE_BIN:=bin}"
T=$TRIAGE_BIN/triage
RUNS=${RUNS:-5}
WANT=${WANT:-3000}
tmp=$(mktemp -d)
helper_pid=

cleanup() {
	# only the helper's group, which this script started
	[ -n "$helper_pid" ] && kill -KILL -- "-$helper_pid" 2>/dev/null
	[ -n "$helper_pid" ] && wait "$helper_pid" 2>/dev/null
	# its 3,000 children die one by one: wait (5 s at most) until the
	# group is gone, so the bench's subreaper does not find them dying
	local i
	for ((i = 0; i < 100; i++)); do
		[ -n "$helper_pid" ] && kill -0 -- "-$helper_pid" 2>/dev/null || break
		sleep 0.05
	done
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

nprocs() { ls -d /proc/[0-9]* 2>/dev/null | wc -l; }

checklist() {
	ps aux > /dev/null
	ls /proc/*/fd 2>/dev/null | wc -l
	pidstat -w 1 1 > /dev/null
	for p in $(ps -eo pid= --sort=-rss | head -10); do
		pmap -x "$p" > /dev/null 2>&1
		while IFS=: read -r _ ctl path; do
			case $ctl in
			memory) d=/sys/fs/cgroup/memory$path
				cat "$d/memory.usage_in_bytes" "$d/memory.limit_in_bytes" ;;
			cpu,cpuacct) d=/sys/fs/cgroup/cpu,cpuacct$path
				cat "$d/cpu.cfs_quota_us" "$d/cpu.stat" ;;
			pids) d=/sys/fs/cgroup/pids$path
				cat "$d/pids.current" "$d/pids.max" ;;
			esac
		done < "/proc/$p/cgroup" 2>/dev/null
	done > /dev/null 2>&1
}

# measure_once NAME CMD...: "wall cpu rss_kb" of one run into $tmp/NAME.runs
measure_once() {
	local name=$1 t0 t1
	shift
	t0=$(date +%s%N)
	/usr/bin/time -f '%U %S %M' -o "$tmp/t" "$@" > /dev/null
	t1=$(date +%s%N)
	awk -v w=$((t1 - t0)) 'END { printf "%.4f %.3f %d\n", w / 1e9, $1 + $2, $3 }' \
	    "$tmp/t" >> "$tmp/$name.runs"
}

base=$(nprocs)
if [ "$base" -lt "$WANT" ]; then
	f=$tmp/fifo
	mkfifo "$f"
	setsid "$TRIAGE_BUILD/helpers/proctree-many" $((WANT - base)) flat > "$f" &
	helper_pid=$!
	read -r ready _ _ < "$f"
	[ "$ready" = ready ] || { echo "helper failed" >&2; exit 2; }
fi
n=$(nprocs)
for ((i = 0; i < RUNS; i++)); do
	measure_once t "$T"
	measure_once c bash -c "$(declare -f checklist); checklist"
done
tw=$(median_col "$tmp/t.runs" 1) tc=$(median_col "$tmp/t.runs" 2) tm=$(median_col "$tmp/t.runs" 3)
cw=$(median_col "$tmp/c.runs" 1) cc=$(median_col "$tmp/c.runs" 2) cm=$(median_col "$tmp/c.runs" 3)
echo "triage on the machine: $n processes (medians of $RUNS runs, 1 s window each)"
awk -v tw="$tw" -v tc="$tc" -v tm="$tm" -v cw="$cw" -v cc="$cc" -v cm="$cm" 'BEGIN {
	printf "  triage     wall %.3f s  CPU %.3f s  peak RSS %d KiB\n", tw, tc, tm
	printf "  checklist  wall %.3f s  CPU %.3f s  peak RSS %d KiB (the largest step)\n", cw, cc, cm
	printf "  ratio to the checklist: wall %.2f CPU %.3f (target CPU <= 0.2); triage wall target ~1.5 s\n",
	    tw / cw, (cc > 0 ? tc / cc : 0)
}'
