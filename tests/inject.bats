#!/usr/bin/env bats
# inject.bats - fdleak --close and zombies --reap interrupted at random
# moments must leave the target running, untraced and unchanged.
#
# tests/helpers/inject-stress starts tests/helpers/inject-target (three
# threads checking their registers and memory, a main thread blocked in a
# read() that must never return, or busy), runs the command, sends the
# signal after a random delay from 0 to the command's own run time, and
# checks the target after every trial (see the helper's comment).

load common

stress() {
	run --separate-stderr "$HELPERS/inject-stress" -b "$TRIAGE_BIN" \
	    -t "$HELPERS/inject-target" -d "$BATS_TEST_TMPDIR" "$@"
	printf '%s\n' "$output" | sed 's/^/# /' >&3
}

# rate FIELD: the count after FIELD on the helper's last line.
field() {
	printf '%s\n' "${lines[-1]}" | sed -E "s/.* $1 ([0-9]+).*/\\1/"
}

@test "fdleak --close interrupted by INT, TERM, HUP: 0 of 80 targets harmed (main thread blocked)" {
	stress -m close -n 80 -s INT,TERM,HUP
	assert_success
	assert_line --regexp '^trials 80 survived 80 died 0 corrupt 0 stopped 0 traced 0 misreported 0$'
}

@test "fdleak --close interrupted by INT, TERM, HUP: 0 of 60 targets harmed (every thread busy)" {
	stress -m close -n 60 -s INT,TERM,HUP -B
	assert_success
	assert_line --regexp '^trials 60 survived 60 died 0 corrupt 0 stopped 0 traced 0 misreported 0$'
}

@test "zombies --reap interrupted by INT, TERM, HUP: 0 of 80 targets harmed" {
	stress -m reap -n 80 -s INT,TERM,HUP
	assert_success
	assert_line --regexp '^trials 80 survived 80 died 0 corrupt 0 stopped 0 traced 0 misreported 0$'
}

@test "an interrupted command exits 128+N once it has released the target" {
	stress -m close -n 30 -s INT,TERM,HUP
	assert_success
	# every exit status is 0 (done before the signal), 129, 130 or 143
	local statuses
	statuses=$(printf '%s\n' "$output" | sed -n 's/^# exit statuses://p')
	[ -n "$statuses" ]
	for s in $statuses; do
		case ${s%%:*} in
		0|129|130|143) ;;
		*) fail "exit status ${s%%:*} after an interrupt" ;;
		esac
	done
}

# SIGKILL cannot be blocked: the man pages (CAVEATS) give the rates this
# test allows.  Trials where the command had finished count as survived.
@test "SIGKILL during --close: the blocked-call target survives at the rate fdleak(1) states" {
	stress -m close -n 100 -s KILL
	local harmed=$(( $(field died) + $(field corrupt) ))
	echo "# SIGKILL, main blocked: ${lines[-1]}" >&3
	[ "$(field stopped)" -eq 0 ] && [ "$(field traced)" -eq 0 ]
	# fdleak(1): at most 1 in 10 when a thread is blocked in a call
	[ "$harmed" -le 10 ] || fail "$harmed of 100 harmed"
}

@test "SIGKILL during --close: the all-busy target survives at the rate fdleak(1) states" {
	stress -m close -n 100 -s KILL -B
	local harmed=$(( $(field died) + $(field corrupt) ))
	echo "# SIGKILL, all busy: ${lines[-1]}" >&3
	[ "$(field stopped)" -eq 0 ] && [ "$(field traced)" -eq 0 ]
	# fdleak(1): at most 1 in 3 when every thread computes
	[ "$harmed" -le 33 ] || fail "$harmed of 100 harmed"
}

sigint_blocked() {
	local mask
	mask=$(awk '/^SigBlk:/ { print $2 }' "/proc/$1/status")
	[ -n "$mask" ] && (( 0x$mask & 2 ))
}

# A parent whose SIGCHLD handler does not wait gets 0.2 s of grace after
# the SIGCHLD; an interrupt then ends the reap before any wait4.
# interrupt_reap PARENT: start zombies --reap on PARENT, stop it inside
# its guard (it blocks SIGINT there), send SIGINT, let it go on; ST is its
# exit status.  Status 1 when the reap ended before it could be stopped
# (a loaded machine can take the whole grace before the stop).
interrupt_reap() {
	local i
	"$TRIAGE_BIN/zombies" --reap --min-age 0 -p "$1" \
	    > "$BATS_TEST_TMPDIR/out" 2> "$BATS_TEST_TMPDIR/err" &
	local z=$!
	for ((i = 0; i < 2000; i++)); do
		sigint_blocked "$z" && break
		sleep 0.005
	done
	kill -STOP "$z"
	ST=0
	if ! sigint_blocked "$z"; then
		kill -CONT "$z"
		wait "$z" || ST=$?
		return 1
	fi
	kill -INT "$z"
	kill -CONT "$z"
	wait "$z" || ST=$?
}

@test "an interrupted --reap lists what it did and left, and exits 130" {
	local parent try
	for try in 1 2 3; do
		start_helper zombies-parent -m handler -z 4
		parent=$HELPER_PID
		interrupt_reap "$parent" && break
		echo "# try $try: the reap ended (status $ST) before the stop" >&3
		kill -TERM "$parent"
	done
	assert_equal "$ST" 130
	run cat "$BATS_TEST_TMPDIR/err"
	assert_output "zombies: interrupted by SIGINT: the zombies above are all that was done"
	run cat "$BATS_TEST_TMPDIR/out"
	# every zombie is listed, as reaped or as left by the interrupt, and
	# the ones left are still zombies of the parent
	local left=0 reaped=0 pid
	while read -r pid ppid result rest; do
		case $result in
		left) [[ $rest == *interrupted* ]] || fail "left without reason: $rest"
			[ "$(sed 's/.*) //' /proc/$pid/stat | cut -d' ' -f1)" = Z ] ||
			    fail "$pid listed as left, but is not a zombie"
			left=$((left + 1)) ;;
		reaped) [ ! -e "/proc/$pid" ] || fail "$pid listed as reaped, but exists"
			reaped=$((reaped + 1)) ;;
		esac
	done < <(grep -E '^ *[0-9]+ +[0-9]+ ' "$BATS_TEST_TMPDIR/out")
	assert_equal "$((left + reaped))" 4
	assert_line --regexp "^reaped $reaped of 4 zombies"
	# the parent works on and is not traced
	grep -q '^TracerPid:[[:space:]]*0$' "/proc/$parent/status"
	kill -TERM "$parent"
}

# full_pipe: a pipe on fd PIPE_FD (read and write ends in one, through a
# fifo) already holding its 64 KiB, so the command's report blocks in
# write() until the test drains it.
full_pipe() {
	local fifo=$BATS_TEST_TMPDIR/pipe
	mkfifo "$fifo"
	exec {PIPE_FD}<> "$fifo"
	rm -f "$fifo"
	head -c 65536 /dev/zero >&"$PIPE_FD"
}

# in_write PID: PID is blocked in write(2) (x86-64 number 1, aarch64 64).
in_write() {
	local nr
	read -r nr _ < "/proc/$1/syscall" || return 1
	case $(uname -m) in aarch64) [ "$nr" = 64 ] ;; *) [ "$nr" = 1 ] ;; esac
}

# reported PID: SIGTERM the command while its report waits on a full
# stdout, drain the pipe and say what it wrote after the 64 KiB.
reported() {
	local tool=$1
	wait_until in_write "$tool"
	kill -TERM "$tool"
	sleep 0.2
	timeout 2 cat <&"$PIPE_FD" | tail -c +65537 > "$BATS_TEST_TMPDIR/out" || true
	TOOL_STATUS=0
	wait "$tool" || TOOL_STATUS=$?
}

# The report is written before the guard ends: a SIGTERM while stdout
# cannot take it must not end the command with the fd closed and the
# line that says so lost.
@test "fdleak --close: a SIGTERM while the report waits on a full stdout loses nothing" {
	start_set
	local f=$(ready_field reg)
	full_pipe
	"$TRIAGE_BIN/fdleak" --close "$f" -p "$P" >&"$PIPE_FD" \
	    2> "$BATS_TEST_TMPDIR/err" &
	reported $!
	assert [ ! -e "/proc/$P/fd/$f" ]
	run cat "$BATS_TEST_TMPDIR/out"
	assert_output "pid $P: closed fd $f ($DIR/plain.txt)"
	assert_equal "$TOOL_STATUS" 143
	run cat "$BATS_TEST_TMPDIR/err"
	assert_output "fdleak: interrupted by SIGTERM after fd $f was closed"
}

@test "zombies --reap: a SIGTERM while the report waits on a full stdout loses nothing" {
	start_helper zombies-parent -z 3
	local parent=$HELPER_PID
	full_pipe
	"$TRIAGE_BIN/zombies" --reap --min-age 0 -p "$parent" >&"$PIPE_FD" \
	    2> "$BATS_TEST_TMPDIR/err" &
	reported $!
	run cat "$BATS_TEST_TMPDIR/out"
	assert_line --regexp "^reaped 3 of 3 zombies"
	[ "$(grep -cE '^ *[0-9]+ +'"$parent"' +reaped' "$BATS_TEST_TMPDIR/out")" -eq 3 ]
	assert_equal "$TOOL_STATUS" 143
	kill -TERM "$parent"
}
