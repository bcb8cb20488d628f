#!/usr/bin/env bats
# zombies-conv.bats - zombies' -u, -S, -F (preap -F), --prom, the JSON
# vocabulary and the conventions every command shares (issues 14 and 16).

bats_require_minimum_version 1.5.0
load common

teardown() {
	local p
	for p in "${STARTED_PIDS[@]}"; do
		kill -CONT "$p" 2>/dev/null
		kill -TERM "$p" 2>/dev/null
	done
	for p in "${STARTED_PIDS[@]}"; do
		wait_until exited "$p" || true
	done
	kill_helpers
}

exited() {
	local s
	s=$(sed 's/.*) //' "/proc/$1/stat" 2>/dev/null | cut -d' ' -f1)
	[ -z "$s" ] || [ "$s" = Z ]
}

ps_zombies() {
	ps -eo ppid=,stat= | awk -v p="$1" '$1 == p && $2 ~ /^Z/' | wc -l
}

start_parent() {
	start_helper zombies-parent "$@"
	read -r -a KIDS <<< "${HELPER_READY#* }"
}

# a parent whose zombies belong to nobody (setpriv execs: same pid)
start_nobody_parent() {
	local h=$HELPERS
	HELPERS=/usr/bin start_helper setpriv --reuid=nobody --regid=nogroup \
		--clear-groups "$h/zombies-parent" "$@"
}

tracer_of() {
	awk '/^TracerPid:/ { print $2 }' "/proc/$1/status"
}

@test "-u USER: the zombies of that user, as ps -u lists them" {
	start_nobody_parent -z 3
	local np=$HELPER_PID
	start_parent -z 2
	local rp=$HELPER_PID
	run -0 zombies --json -u nobody
	json_vocab zombies
	local ours theirs
	ours=$(jq -r '[.zombies[].pid] | sort | join(" ")' <<< "$output")
	theirs=$(ps -u nobody -o pid=,stat= | awk '$2 ~ /^Z/ { print $1 }' | sort -n | tr '\n' ' ')
	[ "$ours " = "$theirs" ] || fail "zombies -u nobody: $ours; ps -u nobody: $theirs"
	run -0 jq -e --argjson np "$np" --argjson rp "$rp" '
		([.zombies[] | select(.ppid == $np)] | length) == 3 and
		([.zombies[] | select(.ppid == $rp)] | length) == 0 and
		[.parents[].pid] == [$np]' <<< "$output"
	run -0 zombies -u 0 -p "$rp"
	assert_line --regexp "^ *${KIDS[0]} +$rp "
	run -0 zombies -u root,nobody --json -p "$np"
	run -0 jq -e '(.zombies | length) == 3' <<< "$output"
	run -2 --separate-stderr zombies -u no-such-user-zz
	assert_equal "$stderr" "zombies: -u no-such-user-zz: no such user"
}

@test "-S age, parent, count order the table; a bad key is one line" {
	start_parent -z 4
	local a=$HELPER_PID
	start_parent -z 2
	local b=$HELPER_PID
	run -0 zombies --json -S count -p "$a,$b"
	run -0 jq -r '[.zombies[].ppid] | join(" ")' <<< "$output"
	assert_output "$a $a $a $a $b $b"
	run -0 zombies --json -S age -p "$a,$b"
	local json=$output
	run -0 jq -e '[.zombies[].zombie_seconds] as $s | $s == ($s | sort | reverse)' <<< "$json"
	run -0 jq -r '[.zombies[].ppid] | join(" ")' <<< "$json"
	assert_output "$a $a $a $a $b $b"
	# -S parent: the order of ps --sort=ppid,pid on the same zombies
	run -0 zombies --no-header -S parent -p "$a,$b"
	local ours theirs
	ours=$(awk 'NF && /^ *[0-9]/ { print $1 }' <<< "$output" | head -6 | tr '\n' ' ')
	theirs=$(ps -eo pid=,ppid=,stat= --sort=ppid,pid | awk -v a="$a" -v b="$b" '($2 == a || $2 == b) && $3 ~ /^Z/ { print $1 }' | tr '\n' ' ')
	[ "$ours" = "$theirs" ] || fail "-S parent: $ours; ps: $theirs"
	run -2 --separate-stderr zombies -S size
	assert_equal "$stderr" "zombies: -S size: not a sort key (one of: pid, age, parent, count)"
}

@test "--force-held reaps under a stopped parent and leaves it stopped" {
	start_parent -z 4
	kill -STOP "$HELPER_PID"
	wait_until grep -q '^State:.T' "/proc/$HELPER_PID/status"
	run -1 zombies --reap --min-age 0 -p "$HELPER_PID"
	assert_output --partial "parent is stopped (state T); kill -CONT it first, or use --force-held"
	[ "$(ps_zombies "$HELPER_PID")" -eq 4 ]
	run -0 --separate-stderr zombies --reap -F --min-age 0 -p "$HELPER_PID"
	assert_equal "$stderr" "zombies: warning: parent $HELPER_PID is stopped: --force-held seizes it anyway and leaves it stopped"
	assert_line "reaped 4 of 4 zombies (0 by SIGCHLD, 4 by wait4)"
	[ "$(ps_zombies "$HELPER_PID")" -eq 0 ]
	grep -q '^State:.T' "/proc/$HELPER_PID/status"
	# and it still works once continued
	kill -CONT "$HELPER_PID"
	wait_until is_running "$HELPER_PID"
}

is_running() {
	[ "$(awk '{ print $3 }' "/proc/$1/stat")" != T ]
}

@test "--force-held on a traced parent: SIGCHLD only, a warning, the tracer untouched" {
	start_parent -z 4
	strace -qq -p "$HELPER_PID" -o /dev/null &
	local tracer=$!
	track_pid "$tracer"
	wait_until bash -c '[ "$(awk "/^TracerPid:/ { print \$2 }" /proc/$0/status)" = "$1" ]' "$HELPER_PID" "$tracer"
	run -1 zombies --reap --min-age 0 -p "$HELPER_PID"
	assert_output --partial "parent is already traced by pid $tracer; use --force-held"
	run -1 --separate-stderr zombies --reap --force-held --min-age 0 -p "$HELPER_PID"
	assert_equal "$stderr" "zombies: warning: parent $HELPER_PID is traced by pid $tracer: --force-held sends SIGCHLD only; a second tracer cannot inject wait4"
	assert_line --regexp "^ *${KIDS[0]} +$HELPER_PID left +sigchld .*parent traced by $tracer: SIGCHLD sent"
	[ "$(tracer_of "$HELPER_PID")" = "$tracer" ]
	[ "$(ps_zombies "$HELPER_PID")" -eq 4 ]
	run -0 zombies --reap -F --dry-run --min-age 0 --json -p "$HELPER_PID"
	json_vocab zombies
	kill "$tracer"
	wait "$tracer" || true
	wait_until bash -c '[ "$(awk "/^TracerPid:/ { print \$2 }" /proc/$0/status)" = 0 ]' "$HELPER_PID"
	run -0 zombies --reap -F --min-age 0 -p "$HELPER_PID"
	[ "$(ps_zombies "$HELPER_PID")" -eq 0 ]
}

@test "-F goes with --reap" {
	run -2 --separate-stderr zombies -F
	[[ $stderr == *"--force-held go with --reap"* ]]
}

@test "--prom: per-parent counts that promtool accepts, escaped labels" {
	start_parent -z 3 -N $'\e]52;c;\a"\\'
	run -0 zombies --prom -p "$HELPER_PID"
	no_raw_escapes
	assert_line "triage_zombies_zombies 3"
	assert_line 'triage_zombies_parent_zombies{pid="'"$HELPER_PID"'",comm="\\e]52;c;\\x07\"\\\\"} 3'
	assert_line --regexp "^triage_zombies_parent_oldest_zombie_seconds\\{pid=\"$HELPER_PID\",.*\\} [0-9.]+$"
	promtool check metrics <<< "$output"
	run -2 --separate-stderr zombies --prom --json
}

@test "every --json mode follows the vocabulary" {
	start_parent -z 2
	run -0 zombies --json -p "$HELPER_PID"
	json_vocab zombies
	run -0 jq -e '.schema == "triage.zombies/1"' <<< "$output"
	run -0 zombies --json --all
	json_vocab zombies
	run -0 zombies --orphans --json
	json_vocab zombies
	run -0 zombies --reap --dry-run --min-age 0 --json -p "$HELPER_PID"
	json_vocab zombies
	run -0 zombies --watch -n 2 -i 0.2 --json -p "$HELPER_PID"
	json_vocab zombies stream
}

@test "--watch of a target that exits: what was seen, then 'exited', exit 0" {
	# a zombie before "ready": the first sample (0.0) has a row, however
	# late the helper's first -g one comes on a loaded machine
	start_parent -z 1 -g 50
	local p=$HELPER_PID
	( sleep 0.7; kill -TERM "$p" ) &
	run -0 zombies --watch -i 0.2 -n 50 -p "$p"
	assert_line --regexp "^pid $p exited after [0-9.]+ s of --watch$"
	assert_line --index 1 --regexp "^ *0\\.0 +$p "
	start_parent -z 1 -g 50
	p=$HELPER_PID
	( sleep 0.7; kill -TERM "$p" ) &
	run -0 zombies --watch -i 0.2 -n 50 --json -p "$p"
	json_vocab zombies stream
	run -0 jq -s -e --argjson p "$p" '.[-1].type == "exited" and .[-1].pid == $p and
		(.[:-1] | length) >= 2 and all(.[:-1][]; .type == "sample")' <<< "$output"
}

@test "bad arguments: one line, exit 2" {
	local a
	for a in "--" "-p ''" "-p -1" "-p 99999999999" "-p abc" "-p 1,,2" "-p 5," \
	    "-w -i 0" "-w -i -1" "-w -i abc" "-w -i 1e999" "-w -n 0" "-w -n x" \
	    "-m -1" "-S ''" "-u ''" "stray" $'\e[31m'; do
		eval "run -2 --separate-stderr zombies $a"
		[ "${#stderr_lines[@]}" -eq 1 ] || fail "zombies $a: $stderr"
		[[ ${stderr_lines[0]} == "zombies: "* ]] || fail "zombies $a: $stderr"
		printf '%s' "$stderr" | LC_ALL=C grep -q $'\e' && fail "raw ESC: $a"
		assert_output ""
	done
}

@test "as nobody against a root parent: a clear partial view, and --reap names the capability" {
	start_parent -z 2
	run -0 setpriv --reuid=nobody --regid=nogroup --clear-groups \
		"$TRIAGE_BIN/zombies" -p "$HELPER_PID"
	# the kernel hides a root zombie's exit status: "-", never "exited 0"
	assert_line --regexp "^ *${KIDS[0]} +$HELPER_PID +[0-9.]+s +[0-9.]+ - +zombie-child$"
	assert_output --partial "parent $HELPER_PID zombies-parent: 2 zombies"
	assert_line "partial: 2 exit statuses (and the parents' wchan and syscall) need CAP_SYS_PTRACE; run as root to see them"
	run -0 setpriv --reuid=nobody --regid=nogroup --clear-groups \
		"$TRIAGE_BIN/zombies" --json -p "$HELPER_PID"
	json_vocab zombies
	run -0 jq -e '.exit_statuses_hidden == 2 and all(.zombies[]; .exit_code == null)' <<< "$output"
	# nobody's own zombies: their statuses are nobody's to read
	start_nobody_parent -z 2
	run -0 setpriv --reuid=nobody --regid=nogroup --clear-groups \
		"$TRIAGE_BIN/zombies" -p "$HELPER_PID"
	assert_output --partial "exited 3"
	refute_output --partial "partial:"
}

@test "churn: 300 runs with --json while 1,000 processes a second come and go" {
	start_helper churn
	local i
	for ((i = 0; i < 300; i++)); do
		"$TRIAGE_BIN/zombies" --json > "$BATS_TEST_TMPDIR/out" ||
			fail "run $i: exit $?"
		jq -e '.schema == "triage.zombies/1"' "$BATS_TEST_TMPDIR/out" > /dev/null ||
			fail "run $i: $(head -c 300 "$BATS_TEST_TMPDIR/out")"
	done
}

@test "--output COLUMNS and --raw: the zombies ps lists, a field per column" {
	start_parent -z 4
	local ours theirs
	run -0 zombies --raw --no-header --output pid,ppid -p "$HELPER_PID"
	ours=$(grep -E '^[0-9]+ [0-9]+$' <<< "$output" | sort)
	theirs=$(ps -eo pid=,ppid=,stat= | awk -v p="$HELPER_PID" '$2 == p && $3 ~ /^Z/ { print $1, $2 }' | sort)
	[ "$ours" = "$theirs" ] || fail "ours: $ours; ps: $theirs"
	run -0 zombies --raw -p "$HELPER_PID"
	assert_line --index 0 "PID PPID DEAD-FOR CPU STATUS NAME"
	assert_line --regexp "^${KIDS[1]} $HELPER_PID [0-9.]+s [0-9.]+ killed\\\\x20by\\\\x20SIGTERM zombie-child$"
	run -0 zombies --output NAME,status -p "$HELPER_PID"
	assert_line --index 0 --regexp '^NAME +STATUS$'
	run -2 --separate-stderr zombies --output pid,nope
	assert_equal "$stderr" "zombies: --output nope: not a column (PID, PPID, DEAD-FOR, CPU, STATUS, NAME; --output help)"
	run -0 zombies --reap --dry-run --raw --min-age 0 -p "$HELPER_PID"
	assert_line --index 0 "PID PPID RESULT VIA STATUS NOTE NAME"
}
