#!/bin/bash
# bench/forkguard.sh - the binary-tree bomb under forkguard against the same
# bomb under a bare pids.max that an engineer contains by hand (a shell loop
# on pids.events, then the freezer and kill).  Times from the bomb's first
# fork to detection and from detection to an empty cgroup, and the peak
# task count against --max-procs.  Everything runs inside an outer cgroup
# made here (pids.max 300, v1 freezer) and removed at the end.
set -u
. "$(dirname "$0")/lib.bash"
cd "${TRIAGE_ROOT:-$(dirname "$0")/..}"
: "${TRIAGE_BUILD:=build/std}" "${TRIAGE_BIN:=bin}"
FG=$PWD/$TRIAGE_BIN/forkguard
BOMB=$PWD/$TRIAGE_BUILD/helpers/forkguard-bomb
RUNS=${RUNS:-7}
MAX=${MAX_PROCS:-200}
P=/sys/fs/cgroup/pids/triage-bench-$$
F=/sys/fs/cgroup/freezer/triage-bench-$$
tmp=$(mktemp -d)

[ -w /sys/fs/cgroup/pids/cgroup.procs ] || { echo "bench: needs a writable v1 pids controller (root)"; exit 0; }
mkdir "$P" "$F" || exit 2
echo 300 > "$P/pids.max"

# empty DIR...: freeze, kill and wait until no task is left in them
empty() {
	local i p d
	for ((i = 0; i < 100; i++)); do
		[ -z "$(cat "${@/%//cgroup.procs}" 2>/dev/null)" ] && return 0
		echo FROZEN > "$F/freezer.state"
		for d in "$@"; do
			for p in $(cat "$d/cgroup.procs" 2>/dev/null); do kill -KILL "$p"; done
		done
		echo THAWED > "$F/freezer.state"
		sleep 0.05
	done
	return 1
}
cleanup() {
	empty "$P" "$P"/*/ 2>/dev/null
	rmdir "$P"/*/ "$F"/*/ 2>/dev/null
	rmdir "$P" "$F" || echo "bench: left behind: $P" >&2
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# in_cg PIDSDIR FREEZERDIR CMD...: CMD inside those cgroups, time-limited.
# It execs (a shell that waited would print "Killed" for the bomb's
# timeout): call it in a subshell or with &.
in_cg() {
	exec timeout -k 5 60 bash -c 'echo $$ > "$1/cgroup.procs" &&
		echo $$ > "$2/cgroup.procs" && shift 2 && exec "$@"' _ "$@"
}

# One forkguard run: "detect_ms contain_ms peak"
run_forkguard() {
	local first det ems peak
	(in_cg "$P" "$F" "$FG" -m "$MAX" --json -W "$tmp/r.json" -- \
		"$BOMB" -t "$tmp/first" > /dev/null)
	read -r first _ < "$tmp/first"
	det=$(jq .detected_at_mono_s "$tmp/r.json")
	ems=$(jq .containment.empty_ms "$tmp/r.json")
	peak=$(jq .peak_tasks "$tmp/r.json")
	awk -v d="$det" -v f="$first" -v e="$ems" -v p="$peak" \
		'BEGIN { printf "%.2f %.2f %d\n", d * 1000 - f / 1e6, e, p }'
}

# One run by hand: "detect_ms contain_ms peak"
run_by_hand() {
	local c=$P/byhand z=$F/byhand first real det end peak p
	mkdir "$c" "$z"
	echo "$MAX" > "$c/pids.max"
	in_cg "$c" "$z" "$BOMB" -t "$tmp/first" > /dev/null &
	disown $!	# its end (by SIGKILL) is no news: no "Killed" line
	while [ "$(awk '$1 == "max" { print $2 }' "$c/pids.events")" = 0 ]; do
		sleep 0.01
	done
	det=$(date +%s%N)
	echo FROZEN > "$z/freezer.state"
	for p in $(cat "$c/cgroup.procs"); do kill -KILL "$p"; done
	echo THAWED > "$z/freezer.state"
	while [ -n "$(cat "$c/cgroup.procs")" ]; do sleep 0.001; done
	end=$(date +%s%N)
	peak=$(cat "$c/pids.peak" 2>/dev/null || echo "?")
	read -r first real < "$tmp/first"
	rmdir "$c" "$z"
	awk -v d="$det" -v r="$real" -v e="$end" -v p="$peak" \
		'BEGIN { printf "%.2f %.2f %s\n", (d - r) / 1e6, (e - d) / 1e6, p }'
}

for ((i = 0; i < RUNS; i++)); do
	run_forkguard >> "$tmp/fg"
	run_by_hand >> "$tmp/hand"
done
fd=$(median_col "$tmp/fg" 1) fc=$(median_col "$tmp/fg" 2)
fp=$(sort -n -k3 "$tmp/fg" | tail -1 | awk '{ print $3 }')
hd=$(median_col "$tmp/hand" 1) hc=$(median_col "$tmp/hand" 2)
hp=$(sort -n -k3 "$tmp/hand" | tail -1 | awk '{ print $3 }')
echo "workload: binary-tree fork bomb, --max-procs $MAX, $RUNS runs each, medians"
printf 'forkguard: first fork -> detected %s ms, detected -> empty cgroup %s ms, peak %s tasks (most of any run)\n' "$fd" "$fc" "$fp"
printf 'by hand (pids.max + shell loop on pids.events, freezer, kill): first fork -> detected %s ms, -> empty %s ms, peak %s\n' "$hd" "$hc" "$hp"
awk -v a="$fd" -v b="$hd" -v c="$fc" -v d="$hc" -v p="$fp" -v m="$MAX" 'BEGIN {
	printf "ratio forkguard/by hand: detection %.2f, containment %.2f\n", a / b, c / d
	printf "target: empty within 100 ms of detection: %s; never more than --max-procs tasks: %s\n",
		c <= 100 ? "met" : "MISSED", p <= m ? "met" : "MISSED" }'
