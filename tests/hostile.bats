#!/usr/bin/env bats
# hostile.bats - every command, in every output format, pointed at a
# process tree whose names, command line, threads, files, mappings and
# sockets are attacks on the terminal (tests/helpers/hostile): no raw
# control byte reaches stdout or stderr, JSON parses, Prometheus text
# passes promtool.

load common

setup() {
	start_helper hostile "$BATS_TEST_TMPDIR"
	H=$HELPER_PID
}

# clean CMD ARGS...: the command succeeds (0, or 1 where a check found
# something) and neither stream holds a control byte but newline and tab.
clean() {
	run --separate-stderr timeout 20 "$@"
	[ "$status" -le 1 ] || fail "$*: exit $status: $stderr"
	no_raw_escapes || fail "$*: raw control bytes on stdout"
	if printf '%s' "$stderr" | LC_ALL=C grep -q $'[\x01-\x08\x0b-\x1f\x7f]'; then
		fail "$*: raw control bytes on stderr"
	fi
}

clean_json() {
	clean "$@"
	jq -e . > /dev/null <<< "$output" || jq -n 'inputs' > /dev/null <<< "$output" ||
	    fail "$*: not JSON"
}

clean_prom() {
	clean "$@"
	promtool check metrics <<< "$output" || fail "$*: promtool rejects it"
}

@test "proctree: text, -a (its 128 KiB command line) and JSON" {
	clean proctree -p "$H"
	[[ $output == *'\e]52;c;aGk=\x07'* ]] || fail "the name is not shown escaped: $output"
	clean proctree -a -p "$H"
	clean proctree -t -p "$H"
	clean_json proctree --json "$H"
	# the JSON holds the real bytes, as \u escapes
	jq -e '.. | objects | select(.comm? == "\u001b]52;c;aGk=\u0007")' <<< "$output" > /dev/null ||
	    fail "JSON lost the name"
}

@test "zombies: text, JSON and Prometheus, with a zombie named ') ('" {
	clean zombies -p "$H"
	[[ $output == *') ('* ]] || fail "the zombie is missing: $output"
	clean_json zombies --json -p "$H"
	clean_prom zombies --prom -p "$H"
}

@test "fdleak: the list, JSON, --summary --prom, --top" {
	clean fdleak -p "$H"
	[[ $output == *'f\e]0;t\x07\n\xff'* ]] || fail "the file is not shown escaped: $output"
	clean_json fdleak --json -p "$H"
	clean_prom fdleak --summary --prom -p "$H"
	clean fdleak --top
	clean_prom fdleak --top --prom
}

@test "memmap: the map, JSON, --summary --prom" {
	clean memmap -p "$H"
	clean_json memmap --json -p "$H"
	clean_prom memmap --summary --prom -p "$H"
}

@test "ctxswitch: processes and threads, JSON and Prometheus" {
	clean ctxswitch -t -i 0.1 -n 1 -p "$H"
	[[ $output == *'\e[2Jclear'* ]] || fail "the thread is not shown escaped: $output"
	clean_json ctxswitch -t --json -i 0.1 -n 1 -p "$H"
	clean_prom ctxswitch --prom -i 0.1 -n 1 -p "$H"
}

@test "forkguard --limits: text, JSON and Prometheus" {
	clean forkguard --limits -p "$H"
	clean_json forkguard --limits --json -p "$H"
	clean_prom forkguard --limits --prom -p "$H"
}

@test "a name given on the command line is escaped in the error" {
	run --separate-stderr fdleak -p $'\e]0;x\a'
	[ "$status" -eq 2 ]
	[[ $stderr == *'\e]0;x\x07'* ]] || fail "$stderr"
}
