#!/usr/bin/env bats
# forkguard.bats - forkguard against real fork bombs, each inside an outer
# cgroup this file makes (pids.max 300, and the v1 freezer) and removes.

bats_require_minimum_version 1.5.0
load common

PIDS_ROOT=/sys/fs/cgroup/pids
FREEZER_ROOT=/sys/fs/cgroup/freezer
UNIFIED=/sys/fs/cgroup/unified
HOSTILE=$'\e]0;pwned\a'

setup() {
	[ -w "$PIDS_ROOT/cgroup.procs" ] || skip "needs a writable v1 pids controller"
	NAME=triage-test-$$-$BATS_TEST_NUMBER
	FENCE=$PIDS_ROOT/$NAME
	FREEZER=$FREEZER_ROOT/$NAME
	mkdir "$FENCE" "$FREEZER"
	echo 300 > "$FENCE/pids.max"
	BOMB=$HELPERS/forkguard-bomb
	T=$BATS_TEST_TMPDIR
}

# Every process in the outer fence: freeze, kill, thaw, until it is empty.
fence_empty() {
	[ -z "$(cat "$FENCE/cgroup.procs" "$FENCE"/*/cgroup.procs 2>/dev/null)" ]
}

fence_kill() {
	local p i
	for ((i = 0; i < 50; i++)); do
		fence_empty && return 0
		echo FROZEN > "$FREEZER/freezer.state"
		for p in $(cat "$FENCE/cgroup.procs" "$FENCE"/*/cgroup.procs 2>/dev/null); do
			kill -KILL "$p" 2>/dev/null
		done
		echo THAWED > "$FREEZER/freezer.state"
		sleep 0.1
	done
	return 1
}

# The cgroups a forkguard left behind (a failed test, or --action freeze)
# and those a test made below the fence.
remove_left() {
	local d s
	for d in "$FENCE"/forkguard-* "$FREEZER"/forkguard-*; do
		[ -d "$d" ] || continue
		s=${d##*/}
		if [ -d "$UNIFIED/$s" ]; then
			echo 0 2>/dev/null > "$UNIFIED/$s/cgroup.freeze"
			echo 1 2>/dev/null > "$UNIFIED/$s/cgroup.kill"
		fi
		echo THAWED 2>/dev/null > "$d/freezer.state"
	done
	fence_kill
	for d in "$FENCE"/*/ "$FREEZER"/*/; do
		[ -d "$d" ] || continue
		d=${d%/}
		s=${d##*/}
		wait_until rmdir "$d" 2>/dev/null
		[ -d "$UNIFIED/$s" ] && wait_until rmdir "$UNIFIED/$s" 2>/dev/null
	done
	return 0
}

teardown() {
	kill_helpers
	if [ -n "${FENCE:-}" ] && [ -d "$FENCE" ]; then
		remove_left
		wait_until rmdir "$FENCE" || echo "left behind: $FENCE" >&2
		wait_until rmdir "$FREEZER" || echo "left behind: $FREEZER" >&2
	fi
}

# in_fence CMD...: CMD inside the outer fence, with a time limit (bash
# retries a refused fork for 15 s; a bomb that escaped forkguard ends too).
# It execs: use it under run or with &, where it has a shell of its own.
in_fence() {
	exec timeout -k 5 60 bash -c 'echo $$ > "$1/cgroup.procs" &&
		echo $$ > "$2/cgroup.procs" && shift 2 && exec "$@"' _ \
		"$FENCE" "$FREEZER" "$@"
}

# Processes whose executable is the bomb helper (a rebuild while they run
# shows it " (deleted)") in this test's fence or below: the only place a
# bomb of this test can be, since none can leave its cgroup; another run
# of this file at the same time has bombs of its own in its own fence.
bombers() {
	local d n=0 e
	for d in /proc/[0-9]*; do
		e=$(readlink "$d/exe" 2>/dev/null)
		[ "${e% (deleted)}" = "$BOMB" ] || continue
		grep -Eq "^[0-9]+:pids:/$NAME(/|\$)" "$d/cgroup" 2>/dev/null &&
			n=$((n + 1))
	done
	echo "$n"
}

# Nothing of forkguard's own cgroups is left.
no_forkguard_cgroups() {
	! ls -d "$FENCE"/forkguard-* "$FREEZER"/forkguard-* 2>/dev/null
}

@test "bad values: one line, exit 2" {
	for bad in 0 -1 abc 1x 99999999999; do
		run -2 --separate-stderr forkguard --max-procs "$bad" -- true
		assert_equal "${#stderr_lines[@]}" 1
		assert_output ""
		[[ $stderr == "forkguard: --max-procs "* ]] || fail "$stderr"
	done
	run -2 --separate-stderr forkguard --max-rate 0 -- true
	assert_equal "${#stderr_lines[@]}" 1
	run -2 --separate-stderr forkguard --action "$HOSTILE" -- true
	assert_equal "$stderr" 'forkguard: --action \e]0;pwned\x07: not kill, freeze or report'
	run -2 --separate-stderr forkguard --fence v3 -- true
	assert_equal "$stderr" "forkguard: --fence v3: not auto, v1, v2 or none"
	run -2 --separate-stderr forkguard -u no-such-user-here
	assert_equal "$stderr" "forkguard: -u no-such-user-here: no such user"
}

@test "usage errors: no command, modes together, --kill without --watch" {
	run -2 --separate-stderr forkguard
	assert_equal "$stderr" "forkguard: a command after --, --watch or --limits is required"
	run -2 --separate-stderr forkguard --watch --limits
	[[ $stderr == *"do not go together"* ]]
	run -2 --separate-stderr forkguard --kill -- true
	[[ $stderr == *"--kill goes with --watch"* ]]
	run -2 --separate-stderr forkguard --within x --watch
	[[ $stderr == *"--within takes self or a cgroup path"* ]]
}

@test "the binary-tree bomb is contained: report, empty fence, nothing left" {
	run -1 --separate-stderr in_fence forkguard -m 200 -- "$BOMB"
	assert_line "ready ${lines[0]#ready }"
	[[ $stderr == *"forkguard: fork bomb contained: "* ]] || fail "$stderr"
	[[ $stderr == *"bomber     forkguard-bomb, exe $BOMB: "* ]] || fail "$stderr"
	[[ $stderr =~ empty\ [0-9.]+\ ms\ after\ detection ]] || fail "$stderr"
	[[ $stderr =~ peak\ +([0-9]+)\ tasks ]] && [ "${BASH_REMATCH[1]}" -le 200 ]
	assert_equal "$(bombers)" 0
	fence_empty
	no_forkguard_cgroups
	run ls -d "$UNIFIED"/forkguard-*
	refute_output --regexp "forkguard-[0-9]+$"
}

@test "--json: the report as one document; peak within --max-procs" {
	run -1 in_fence forkguard -m 150 --json -W "$T/r.json" -- "$BOMB"
	run -0 jq -r '[.schema, .mode, .bomb, .lineage.exe, .containment.empty,
		(.peak_tasks <= 150), (.lineage.processes > 1), .exit_code] | @tsv' "$T/r.json"
	assert_output "$(printf 'triage.forkguard/1\trun\ttrue\t%s\ttrue\ttrue\ttrue\t1' "$BOMB")"
	run -0 jq -r '.containment.empty_ms >= 0 and .detected_after_s > 0' "$T/r.json"
	assert_output true
	assert_equal "$(bombers)" 0
}

@test "--fence v1: the v1 pids and freezer hierarchies contain it" {
	run -1 --separate-stderr in_fence forkguard --fence v1 -m 100 -- "$BOMB"
	[[ $stderr == *"(v1 pids and freezer), pids.max 100"* ]] || fail "$stderr"
	[[ $stderr == *"frozen at once in "* ]] || fail "$stderr"
	assert_equal "$(bombers)" 0
	no_forkguard_cgroups
}

@test "--fence v2: cgroup.freeze and cgroup.kill of a v2 child contain it" {
	[ -e "$UNIFIED/cgroup.procs" ] || skip "no cgroup v2 hierarchy"
	run -1 --separate-stderr in_fence forkguard --fence v2 -m 100 --json -- "$BOMB"
	run -0 jq -r '[.fence.kind, .containment.frozen, .containment.empty] | @tsv' <<< "$stderr"
	assert_output "$(printf 'v1 pids, v2 freeze and kill\ttrue\ttrue')"
	assert_equal "$(bombers)" 0
	# its own v2 child, named in the report, is gone (another run of
	# this file at the same time may have one of its own)
	local v2
	v2=$(jq -r '.fence.v2' <<< "$stderr")
	[[ $v2 == "$UNIFIED"/forkguard-[0-9]* ]] || fail "fence.v2: $v2"
	[ ! -e "$v2" ] || fail "$v2 is left behind"
}

@test "a hostile process name is escaped in the report" {
	run -1 --separate-stderr in_fence forkguard -m 100 -- "$BOMB" -n "$HOSTILE"
	output=$stderr no_raw_escapes
	[[ $stderr == *'bomber     \e]0;pwned\x07, exe '* ]] || fail "$stderr"
}

@test "the shell bomb :(){ :|:& };: under bash is contained" {
	run -1 --separate-stderr in_fence forkguard -m 100 -- bash -c ':(){ :|:& };:'
	[[ $stderr == *"forkguard: fork bomb contained: "* ]] || fail "$stderr"
	[[ $stderr == *"bomber     bash, exe /usr/bin/bash: "* ]] || fail "$stderr"
	[[ $stderr =~ empty\ [0-9.]+\ ms\ after\ detection ]] || fail "$stderr"
	fence_empty
	no_forkguard_cgroups
}

@test "50 parallel short jobs are a burst, not a bomb: the command's status" {
	run -7 --separate-stderr in_fence forkguard --json -- bash -c \
		'for i in $(seq 50); do sleep 1 & done; wait; exit 7'
	run -0 jq -r '[.bomb, .command_status, .exit_code, (.peak_tasks >= 51)] | @tsv' <<< "$stderr"
	assert_output "$(printf 'false\texited 7\t7\ttrue')"
	run -0 in_fence forkguard -- bash -c 'for i in $(seq 50); do true & done; wait'
	assert_output ""
}

@test "--action report: said at once, the command goes on inside its fence" {
	# the bomb's processes die with their parent: timeout ends it all
	run -1 --separate-stderr in_fence forkguard -a report -m 100 -- timeout 1 "$BOMB"
	[[ ${stderr_lines[0]} =~ ^forkguard:\ bomb\ detected\ after\ [0-9.]+\ s:\ .*\(--action\ report:\ left\ running\)$ ]] || fail "$stderr"
	[[ $stderr == *"forkguard: fork bomb detected: "* ]] || fail "$stderr"
	[[ $stderr != *"contained  "* ]] || fail "$stderr"
	wait_until fence_empty
	no_forkguard_cgroups
}

@test "--action freeze: the cgroup is left frozen for inspection" {
	# the frozen bomb must not hold run's pipe open: its output goes away
	run -1 --separate-stderr in_fence forkguard -a freeze -m 100 -- \
		sh -c 'exec "$0" > /dev/null 2>&1' "$BOMB"
	[[ $stderr =~ left\ frozen\ for\ inspection:\ ($FENCE/forkguard-[0-9]+) ]] || fail "$stderr"
	dir=${BASH_REMATCH[1]}
	[ -d "$dir" ]
	v2=$UNIFIED/${dir##*/}
	run -0 grep -x "frozen 1" "$v2/cgroup.events"
	[ "$(cat "$dir/pids.current")" -ge 50 ]
}

@test "forkguard ended by SIGTERM kills the command's cgroup and exits 143" {
	in_fence forkguard -- sleep 600 &
	track_pid $!
	fg=$(fenced_child $! "$TRIAGE_BIN/forkguard")
	wait_until ls "$FENCE"/forkguard-*/cgroup.procs
	wait_until grep -q . "$FENCE"/forkguard-*/cgroup.procs
	kill -TERM "$fg"
	rc=0
	wait $! || rc=$?
	assert_equal "$rc" 143
	fence_empty
	no_forkguard_cgroups
}

@test "exit status: the command's, 127 when not found, 128+N when killed" {
	run -3 in_fence forkguard -- sh -c 'exit 3'
	run -143 in_fence forkguard -- sh -c 'kill -TERM $$'
	run -127 --separate-stderr in_fence forkguard -- no-such-command-here
	assert_equal "$stderr" "forkguard: no-such-command-here: No such file or directory"
	run -126 in_fence forkguard -- /etc/passwd
}

@test "the command is in the new cgroup before it runs" {
	run -0 in_fence forkguard -- cat /proc/self/cgroup
	assert_line --regexp "^[0-9]+:pids:/$NAME/forkguard-[0-9]+$"
	no_forkguard_cgroups
}

@test "the command runs with no capabilities and no_new_privs, as root too" {
	[ "$(id -u)" = 0 ] || skip "needs root to show capabilities dropped"
	run -0 in_fence forkguard -- grep -E '^(CapEff|CapPrm|CapBnd|NoNewPrivs)' /proc/self/status
	assert_line $'CapEff:\t0000000000000000'
	assert_line $'CapPrm:\t0000000000000000'
	assert_line $'CapBnd:\t0000000000000000'
	assert_line $'NoNewPrivs:\t1'
	mine=$(awk '/^CapEff/ { print $2 }' /proc/self/status)
	[ "$mine" != 0000000000000000 ]
	run -0 in_fence forkguard --keep-caps -- grep -E '^(CapEff|NoNewPrivs)' /proc/self/status
	assert_line $'CapEff:\t'"$mine"
	assert_line $'NoNewPrivs:\t0'
}

@test "--limits names the test's pids.max as the tightest fence" {
	run -0 in_fence forkguard --limits
	assert_line --regexp "^pids.max +300 +[0-9]+ +[0-9]+ .* $FENCE \\(v1\\)$"
	assert_line --regexp "^tightest: pids.max of $FENCE: [0-9]+ more tasks$"
	run -0 in_fence forkguard --limits --json
	run -0 jq -r '.processes[0].tightest | [.fence, .where, .limit] | @tsv' <<< "$output"
	assert_output "$(printf 'pids.max\t%s\t%s' "$FENCE" "$(cat "$FENCE/pids.max")")"
}

@test "--limits -o COLUMNS and --raw: the test's fence, field by field; --color alone" {
	local used
	run -0 in_fence forkguard --limits -o where,limit,headroom,fence --raw
	assert_line --index 1 "WHERE LIMIT HEADROOM FENCE"
	# the fence's row: its cgroup, pids.max, and pids.max less what it holds
	line=$(grep -F "$FENCE\\x20(v1) " <<< "$output")
	[[ $line == "$FENCE"* ]] || fail "no row for $FENCE: $output"
	read -r where limit headroom fence <<< "$line"
	assert_equal "$fence" pids.max
	assert_equal "$limit" "$(cat "$FENCE/pids.max")"
	used=$(cat "$FENCE/pids.current")
	[ "$headroom" -le $((limit - used + 2)) ] && [ "$headroom" -ge $((limit - used - 2)) ] ||
	    fail "headroom $headroom, pids.max $limit, pids.current $used"
	run -0 in_fence forkguard --limits -o FENCE,used --no-header
	assert_line --regexp '^pids.max +[0-9]+$'
	refute_line --regexp '^FENCE +USED$'
	run -0 forkguard -o help
	assert_line --regexp '^HEADROOM +tasks left before a fork fails$'
	assert_equal "${#lines[@]}" 7
	run -2 --separate-stderr forkguard --limits -o fence,nosuch
	assert_equal "$stderr" "forkguard: -o nosuch: not a column (-o help lists them)"
	run -2 --separate-stderr forkguard --limits --json -o fence
	assert_equal "$stderr" "forkguard: -o and --raw go with the --limits table"
	run -2 --separate-stderr forkguard -o fence -- true
	assert_equal "$stderr" "forkguard: -o and --raw go with the --limits table"
	# --color with no value is always: the tightest line is bold
	run -0 in_fence forkguard --color --limits
	assert_line --regexp $'^\e\\[1mtightest: pids.max of '
}

@test "--limits --prom: Prometheus text that promtool accepts, the tightest marked" {
	run -0 in_fence forkguard --limits --prom
	out=$output
	run -0 promtool check metrics <<< "$out"
	[[ $out == *"triage_forkguard_limit_tasks{pid=\""*"fence=\"pids.max\",where=\"$FENCE\",tightest=\"1\"} 300"* ]] || fail "$out"
	run -2 --separate-stderr forkguard --limits --prom --json
	assert_equal "$stderr" "forkguard: --prom goes with --limits, not with --json"
}

@test "--limits -p: RLIMIT_NPROC as prlimit shows it, and each cgroup" {
	in_fence sleep 600 &
	track_pid $!
	pid=$(fenced_child $! /usr/bin/sleep)
	run -0 forkguard --limits --json -p "$pid"
	out=$output
	soft=$(prlimit --nproc -o SOFT --noheadings -p "$pid")
	run -0 jq -r '.processes[0].fences[] | select(.fence == "RLIMIT_NPROC") | .limit' <<< "$out"
	assert_output "$soft"
	run -0 jq -r '.processes[0].fences[] | select(.fence == "pids.max") | .where' <<< "$out"
	assert_line "$FENCE"
	run -0 jq -r '.processes[0].tightest.where' <<< "$out"
	assert_output "$FENCE"
	run -2 --separate-stderr forkguard --limits -p 99999999
	assert_equal "${#stderr_lines[@]}" 1
	run -0 forkguard --limits --json -u root
	run -0 jq -r '.processes[0].uid' <<< "$output"
	assert_output 0
}

@test "--limits escapes a hostile cgroup name" {
	mkdir "$FENCE/$HOSTILE"
	in_fence sh -c 'echo $$ > "$0/cgroup.procs" && exec sleep 600' "$FENCE/$HOSTILE" &
	track_pid $!
	wait_until grep -q . "$FENCE/$HOSTILE/cgroup.procs"
	pid=$(cat "$FENCE/$HOSTILE/cgroup.procs")
	run -0 forkguard --limits -p "$pid"
	no_raw_escapes
	assert_output --partial "$FENCE/\\e]0;pwned\\x07 (v1)"
	run -0 forkguard --limits --json -p "$pid"
	run -0 jq -r '.processes[0].fences[1].where' <<< "$output"
	assert_output "$FENCE/$HOSTILE"
}

@test "--limits as a user: RLIMIT_NPROC applies and is counted" {
	run -0 setpriv --reuid nobody --regid nogroup --clear-groups forkguard --limits --json
	run -0 jq -r '.processes[0].fences[0] | [.fence, .applies] | @tsv' <<< "$output"
	assert_output "$(printf 'RLIMIT_NPROC\ttrue')"
}

@test "without a cgroup (--fence none): RLIMIT_NPROC, said plainly, bomb contained" {
	run -1 --separate-stderr in_fence forkguard --fence none -m 100 -- "$BOMB"
	[[ ${stderr_lines[0]} == "forkguard: running without a cgroup fence (--fence=none): "* ]] || fail "$stderr"
	[[ $stderr == *"root ignores RLIMIT_NPROC"* ]] || fail "$stderr"
	[[ $stderr == *"tasks reached --max-procs 100"* ]] || fail "$stderr"
	[[ $stderr == *"stopped one by one (SIGSTOP)"* ]] || fail "$stderr"
	assert_equal "$(bombers)" 0
}

@test "not root: no cgroup, the fallback says so and the command runs" {
	run -5 --separate-stderr in_fence setpriv --reuid nobody --regid nogroup \
		--clear-groups forkguard -- sh -c 'exit 5'
	[[ ${stderr_lines[0]} == "forkguard: no cgroup fence: creating a cgroup: Permission denied"* ]] || fail "$stderr"
	[[ ${stderr_lines[1]} == "forkguard: running without a cgroup fence"* ]] || fail "$stderr"
}

# start_watcher ARGS...: forkguard --watch in the fence, its output in
# $T/w.out; waits for its start line.  WATCHER is the pid to wait for.
start_watcher() {
	# -r 50: a loaded machine forks the bomb slower than the default 200/s
	in_fence forkguard --watch --within self -n 1 -r 50 --json "$@" > "$T/w.out" &
	WATCHER=$!
	track_pid "$WATCHER"
	wait_until grep -q '"type":"start"' "$T/w.out"
}

# watcher_exit N: wait for the watcher (not in run: wait needs this shell).
watcher_exit() {
	local rc=0
	wait "$WATCHER" || rc=$?
	[ "$rc" = "$1" ] || fail "watcher exited $rc: $(cat "$T/w.out")"
}

# fenced_child PID EXE: the child of in_fence's timeout PID once it is in
# the fence and runs EXE; its pid on stdout.
is_fenced_child() {
	local c
	c=$(pgrep -P "$1" | head -1)
	[ -n "$c" ] && grep -qx "$c" "$FENCE/cgroup.procs" &&
		[ "$(readlink "/proc/$c/exe")" = "$2" ] && echo "$c"
}

fenced_child() {
	wait_until is_fenced_child "$@" > /dev/null && is_fenced_child "$@"
}

@test "--watch --kill contains a bomb started outside forkguard, and only it" {
	start_watcher --kill
	run -0 jq -r '[.type, .schema, .source, .kill] | @tsv' "$T/w.out"
	assert_output "$(printf 'start\ttriage.forkguard/1\tproc connector\ttrue')"
	in_fence sleep 600 &
	track_pid $!
	bystander=$(fenced_child $! /usr/bin/sleep)
	in_fence "$BOMB" > /dev/null &
	track_pid $!
	watcher_exit 1
	run -0 jq -r 'select(.type == "bomb") | [.lineage.exe, .lineage.comm,
		.action, (.lineage.processes >= 32), .empty, .killed > 0] | @tsv' "$T/w.out"
	assert_output "$(printf '%s\tforkguard-bomb\tkill\ttrue\ttrue\ttrue' "$BOMB")"
	kill -0 "$bystander"
	[ "$(readlink "/proc/$bystander/exe")" = /usr/bin/sleep ]
	assert_equal "$(bombers)" 0
	run ls -d "$UNIFIED"/forkguard-quarantine-* "$FENCE"/forkguard-quarantine-*
	assert_failure
}

@test "--watch without the proc connector finds and kills the bomb by /proc scans" {
	FORKGUARD_SCAN=1 start_watcher --kill
	run -0 jq -r 'select(.type == "start") | .source' "$T/w.out"
	assert_output scan
	in_fence "$BOMB" > /dev/null &
	track_pid $!
	watcher_exit 1
	run -0 jq -r 'select(.type == "bomb") | [.lineage.exe, .action, .empty] | @tsv' "$T/w.out"
	assert_output "$(printf '%s\tkill\ttrue' "$BOMB")"
	assert_equal "$(bombers)" 0
}

@test "--watch --kill --dry-run reports the bomb and touches nothing" {
	start_watcher --kill --dry-run
	in_fence "$BOMB" > /dev/null &
	track_pid $!
	watcher_exit 1
	run -0 jq -r 'select(.type == "bomb") | [.action, .killed, .lineage.exe] | @tsv' "$T/w.out"
	assert_output "$(printf 'dry-run\t0\t%s' "$BOMB")"
	# read at once: the fence still holds the bomb (a slow /proc scan
	# here has seen the helper's tree die on its own a second later)
	[ "$(cat "$FENCE/pids.current")" -gt 32 ]
}

@test "--watch in text: one line per bomb, names escaped" {
	in_fence forkguard --watch --within self -n 1 -r 50 > "$T/w.out" &
	WATCHER=$!
	track_pid "$WATCHER"
	wait_until grep -q "^forkguard: watching" "$T/w.out"
	in_fence "$BOMB" -n "$HOSTILE" > /dev/null &
	track_pid $!
	watcher_exit 1
	output=$(cat "$T/w.out") no_raw_escapes
	run -0 cat "$T/w.out"
	assert_line --regexp "^[0-9:]{8} bomb: [0-9]+ processes of $BOMB \(\\\\e\]0;pwned\\\\x07\) below pid [0-9]+ \([a-z]+\), [0-9]+ forks/s; pids [0-9 ]+"
}
