#!/usr/bin/env bats
# badargs.bats - bad arguments, every command alike: one line on stderr
# and exit 2, never a crash, a usage dump or garbage; 127 for a program
# that cannot be found in a run mode.

load common

# bad CMD ARGS...: exit 2, nothing on stdout, one line on stderr that
# starts with "CMD: " and holds no raw control byte (and at most the hint
# "Try 'CMD --help'." after it: man 7 triage, DIAGNOSTICS).
bad() {
	local c=$1
	run --separate-stderr timeout 10 "$TRIAGE_BIN/$c" "${@:2}"
	[ "$status" -eq 2 ] || fail "$* exited $status (stderr: $stderr)"
	[ -z "$output" ] || fail "$*: wrote to stdout: $output"
	[ "${#stderr_lines[@]}" -eq 1 ] || { [ "${#stderr_lines[@]}" -eq 2 ] &&
	    [ "${stderr_lines[1]}" = "Try '$c --help'." ]; } ||
	    fail "$*: ${#stderr_lines[@]} lines on stderr: $stderr"
	[[ $stderr == "$c: "* ]] || fail "$*: stderr does not start with '$c: ': $stderr"
	if printf '%s' "$stderr" | LC_ALL=C grep -q $'[\x01-\x1f\x7f]'; then
		fail "$*: raw control bytes on stderr"
	fi
}

# Every command that takes -p PID.
PID_CMDS="zombies fdleak memmap ctxswitch systrace forkguard"

@test "bad pids: empty, negative, zero, huge, not a number, an empty item, a name that matches nothing" {
	local c p
	for c in $PID_CMDS; do
		extra=()
		[ "$c" = forkguard ] && extra=(--limits)
		for p in "" -1 0 99999999999 4194305 abc 12x 1,,1 1, $'\e]0;x\a' no-such-process-name-xyz; do
			bad "$c" "${extra[@]}" -p "$p"
		done
	done
}

@test "a pid that does not exist" {
	local c
	for c in $PID_CMDS; do
		extra=()
		[ "$c" = forkguard ] && extra=(--limits)
		bad "$c" "${extra[@]}" -p 4194304
		[[ $stderr == *"4194304"*"no such process"* ]] || fail "$c: $stderr"
	done
}

@test "bad intervals and counts: empty, negative, zero, not a number, huge" {
	local c v
	for c in zombies memmap ctxswitch; do
		w=-w
		[ "$c" = ctxswitch ] && w=-t	# it samples without a mode
		for v in "" -1 0 abc 1e999 nan; do
			bad "$c" $w -i "$v" -p 1
		done
		for v in "" -1 abc 99999999999999999999999; do
			bad "$c" $w -n "$v" -p 1
		done
	done
	for v in "" -1 0 abc nan; do
		bad fdleak -w -i "$v" -p 1
		bad forkguard -w -i "$v"
	done
}

@test "forkguard: --max-procs and --max-rate must be positive numbers" {
	local v
	for v in 0 -5 abc "" 1.5x; do
		bad forkguard --max-procs "$v" -- true
		bad forkguard --max-rate "$v" -- true
	done
}

@test "run modes: no command after --, a command that does not exist (127)" {
	local c
	for c in systrace forkguard fdleak ctxswitch; do
		bad "$c" --
		run --separate-stderr timeout 10 "$TRIAGE_BIN/$c" -- /no/such/program-xyz
		[ "$status" -eq 127 ] || fail "$c -- /no/such/program: exit $status ($stderr)"
		[[ $stderr == *"/no/such/program-xyz"* ]] || fail "$c: the program is not named: $stderr"
	done
	bad zombies --
}

@test "structpad: a file that does not exist, a directory, a file that is not ELF" {
	bad structpad /no/such/file
	bad structpad "$BATS_TEST_TMPDIR"
	printf 'not an elf\n' > "$BATS_TEST_TMPDIR/text"
	bad structpad "$BATS_TEST_TMPDIR/text"
}

@test "proctree: a root that is not a pid, a bad regex, escaped" {
	bad proctree abc
	bad proctree $'\e]0;x\a'
	bad proctree -m '(' 
}

@test "options that do not go together, and a missing target: one line, no usage dump" {
	local d=$BATS_TEST_TMPDIR
	bad zombies --reap --watch
	bad zombies -i 1
	bad zombies --dry-run
	bad zombies --prom --json
	bad zombies 5
	bad fdleak
	bad fdleak --watch -p 1,2
	bad memmap --watch --diff "$d/x" -p 1
	bad memmap -o bogus -p 1
	bad ctxswitch --top --bench
	bad ctxswitch -w "$d/f" -p 1
	bad ctxswitch -o pid --bench
	bad systrace
	bad structpad -s -R "$HELPERS/layouts"
	bad structpad -o size "$HELPERS/layouts"
	bad structpad -s -o bogus "$HELPERS/layouts"
	bad structpad --json "$HELPERS/layouts" "$HELPERS/layouts"
	bad structpad
	bad forkguard --limits --watch
	bad forkguard
	bad triage --json --prom
}
