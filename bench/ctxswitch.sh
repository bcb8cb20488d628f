#!/bin/bash
# bench/ctxswitch.sh - CPU time of ctxswitch -t against pidstat -w -t on a
# process with 2,000 threads, and --bench beside perf bench sched pipe.
set -u
: "${TRIAGE_BUILD:=build/std}" "${TRIAGE_BIN:=bin}"
. "$(dirname "$0")/lib.bash"
cs=$TRIAGE_BIN/ctxswitch
fifo=$(mktemp -u /tmp/ctxswitch-bench.XXXXXX)
mkfifo "$fifo"
setsid "$TRIAGE_BUILD/helpers/ctxswitch-many" 2000 > "$fifo" &
helper=$!
cleanup() {
	kill -KILL -- "-$helper" 2>/dev/null
	kill -KILL "$helper" 2>/dev/null
	wait "$helper" 2>/dev/null
	rm -f "$fifo"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
read -r -t 60 word pid < "$fifo" || { echo "helper did not start" >&2; exit 2; }

# measure CMD...: "cpu wall rss_kb" of one run: user+sys seconds of CMD
# and its children, wall seconds, peak RSS
measure() {
	/usr/bin/time -f '%U %S %e %M' -o /tmp/ctxswitch-bench.t "$@" > /dev/null 2>&1
	awk 'END { printf "%.3f %.3f %d\n", $1 + $2, $3, $4 }' /tmp/ctxswitch-bench.t
}

RUNS=${RUNS:-3}
oc=() ow=() om=() tc=() tw=() tm=() sc=()
for ((i = 0; i < RUNS; i++)); do
	read -r c w m < <(measure "$cs" -t -p "$pid" 1 10)
	oc+=("$c") ow+=("$w") om+=("$m")
	# -o: pidstat -w -t's own columns, in its order
	read -r c w m < <(measure "$cs" -t -o time,pid,tid,vol,invol,comm -p "$pid" 1 10)
	sc+=("$c")
	read -r c w m < <(measure pidstat -w -t -p "$pid" 1 10)
	tc+=("$c") tw+=("$w") tm+=("$m")
done
rm -f /tmp/ctxswitch-bench.t
o=$(median "${oc[@]}") t=$(median "${tc[@]}")
awk -v o="$o" -v t="$t" -v runs="$RUNS" -v om="$(median "${om[@]}")" -v tm="$(median "${tm[@]}")" \
    -v ow="$(median "${ow[@]}")" -v tw="$(median "${tw[@]}")" 'BEGIN {
	printf "ctxswitch -t -p PID 1 10: %.3f s CPU  pidstat -w -t -p PID 1 10: %.3f s CPU  ratio %.3f (target <= 0.50), 2000 threads, median of %d\n", o, t, o / t, runs
	printf "  wall %.2f s against %.2f s (10 intervals of 1 s); peak RSS %d KiB against %d KiB, ratio %.2f\n", ow, tw, om, tm, om / tm
	printf "  CPU per thread and sample: %.1f us against %.1f us\n", o / 2000 / 11 * 1e6, t / 2000 / 11 * 1e6
}'
awk -v s="$(median "${sc[@]}")" -v o="$o" -v t="$t" 'BEGIN {
	printf "ctxswitch -t -o time,pid,tid,vol,invol,comm (pidstat -w -t columns): %.3f s CPU  ratio %.3f of pidstat, %.3f of the default columns\n", s, s / t, s / o
}'

# Each tool's fastest of three alternating runs: this machine's virtual
# CPUs give one of two speeds run to run, and noise only adds time.
hs=() bs=() ps=()
sel='.bench[] | select(.test == "process-pipe" and .cpus == "same")'
for i in 1 2 3; do
	out=$("$cs" --bench --json -n 5)
	hs+=("$(jq -r "$sel | .half_trip_seconds * 1e6" <<<"$out")")
	bs+=("$(jq -r "$sel | .median_seconds * 1e6" <<<"$out")")
	ps+=("$(taskset -c 0 perf bench sched pipe -l 200000 2>/dev/null | awk '/usecs\/op/ { print $1 }')")
done
h=$(printf '%s\n' "${hs[@]}" | sort -g | head -1)
b=$(printf '%s\n' "${bs[@]}" | sort -g | head -1)
p=$(printf '%s\n' "${ps[@]}" | sort -g | head -1)
awk -v b="$b" -v h="$h" -v p="$p" 'BEGIN { printf "ctxswitch --bench (process pipe, 1 CPU, fastest of 3): %.2f us/half round trip, %.2f us/switch without the pipe ops  perf bench sched pipe: %.2f us/round trip = %.2f us/half  ratio %.2f (target 0.7-1.3)\n", h, b, p, p / 2, h / (p / 2) }'
