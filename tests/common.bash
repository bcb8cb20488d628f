# tests/common.bash - shared setup for the bats files: paths, helpers that
# announce "ready <pid>", and a teardown that kills only what a test started.

bats_require_minimum_version 1.5.0
bats_load_library bats-support
bats_load_library bats-assert

: "${TRIAGE_ROOT:=$(cd "$BATS_TEST_DIRNAME/.." && pwd)}"
: "${TRIAGE_BUILD:=build/std}"
: "${TRIAGE_BIN:=bin}"
case $TRIAGE_BUILD in /*) ;; *) TRIAGE_BUILD=$TRIAGE_ROOT/$TRIAGE_BUILD ;; esac
case $TRIAGE_BIN in /*) ;; *) TRIAGE_BIN=$TRIAGE_ROOT/$TRIAGE_BIN ;; esac
HELPERS=$TRIAGE_BUILD/helpers
PATH=$TRIAGE_BIN:$PATH
export PATH HELPERS TRIAGE_ROOT TRIAGE_BUILD TRIAGE_BIN
# Tests read plain text: no colour unless a test asks for it.
export NO_COLOR=1 LC_ALL=C.UTF-8

STARTED_PIDS=()

# start_helper NAME [ARGS...]: run tests/helpers/NAME in its own process
# group, wait (at most 20 s) for its "ready <pid>" line, and set HELPER_PID
# and HELPER_FD (a descriptor on the rest of its stdout).  Extra words on
# the ready line are left in HELPER_READY.
start_helper() {
	local name=$1 fifo line
	shift
	fifo=$(mktemp -u "$BATS_TEST_TMPDIR/helper.XXXXXX")
	mkfifo "$fifo"
	setsid "$HELPERS/$name" "$@" > "$fifo" &
	local pid=$!
	STARTED_PIDS+=("$pid")
	exec {HELPER_FD}< "$fifo"
	rm -f "$fifo"
	while :; do
		if ! IFS= read -r -t 20 -u "$HELPER_FD" line; then
			echo "helper $name did not become ready" >&2
			return 1
		fi
		case $line in
		"ready "*) break ;;
		esac
	done
	HELPER_READY=${line#ready }
	HELPER_PID=${HELPER_READY%% *}
	[ "$HELPER_PID" = "$pid" ] || STARTED_PIDS+=("$HELPER_PID")
}

# start_renamed NAME HELPER [ARGS...]: start_helper on a copy of HELPER
# named NAME (its comm): a name of this run's own, which another suite
# running at the same time does not share.
start_renamed() {
	local name=$1 helper=$2
	shift 2
	cp "$HELPERS/$helper" "$BATS_TEST_TMPDIR/$name"
	HELPERS=$BATS_TEST_TMPDIR start_helper "$name" "$@"
}

# ready_field KEY: the value of KEY=value on the helper's ready line
# ("ready PID key=val ..."); status 1 when the line has none.
ready_field() {
	local w
	for w in $HELPER_READY; do
		case $w in "$1="*) echo "${w#*=}"; return ;; esac
	done
	return 1
}

# start_set: tests/helpers/fdleak-set with its files in a fresh DIR; P is
# its pid, PEER the pid of its child that holds the write end of its pipe.
start_set() {
	DIR=$BATS_TEST_TMPDIR/files
	mkdir -p "$DIR"
	start_helper fdleak-set "$DIR"
	P=$HELPER_PID
	PEER=$(ready_field peer)
}

# helper_line: read the helper's next stdout line into REPLY (20 s at most).
helper_line() {
	IFS= read -r -t "${1:-20}" -u "$HELPER_FD" REPLY
}

# track_pid PID: kill PID's process group too at teardown.
track_pid() {
	STARTED_PIDS+=("$1")
}

kill_helpers() {
	local p
	for p in "${STARTED_PIDS[@]}"; do
		kill -KILL -- "-$p" 2>/dev/null
		kill -KILL "$p" 2>/dev/null
	done
	for p in "${STARTED_PIDS[@]}"; do
		wait "$p" 2>/dev/null
	done
	STARTED_PIDS=()
}

teardown() {
	kill_helpers
}

# no_raw_escapes: fail when $output holds an ESC or another C0 control
# byte other than newline and tab.
no_raw_escapes() {
	if printf '%s' "$output" | LC_ALL=C grep -q $'[\x01-\x08\x0b-\x1f\x7f]'; then
		echo "raw control bytes in output:" >&2
		printf '%s' "$output" | od -c | head -20 >&2
		return 1
	fi
}

# wait_until CMD...: retry CMD for at most 10 s (state that the kernel
# settles asynchronously, e.g. a zombie appearing after kill).
wait_until() {
	local i
	for ((i = 0; i < 200; i++)); do
		"$@" && return 0
		sleep 0.05
	done
	return 1
}

# json_vocab CMD [stream]: $output follows man 7 triage's JSON vocabulary
# (top-level "schema": "triage.CMD/1", "type" on every stream line, key
# names and units); prints each problem and fails.
json_vocab() {
	local problems
	problems=$(jq -n -r --arg cmd "$1" --arg stream "${2:+1}" \
	    -f "$TRIAGE_ROOT/tests/jsonvocab.jq" <<< "$output") ||
	    { echo "json_vocab: not JSON" >&2; return 1; }
	[ -z "$problems" ] && return 0
	printf '%s --json: %s\n' "$1" "$problems" >&2
	return 1
}
