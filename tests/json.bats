#!/usr/bin/env bats
# json.bats - every command's JSON, every mode, against the one vocabulary
# of man 7 triage (tests/jsonvocab.jq): a top-level object with "schema",
# "type" on each stream line, shared key names with their unit last.

load common

setup() {
	start_helper hostile "$BATS_TEST_TMPDIR"
	H=$HELPER_PID
}

# vocab NAME [stream] CMD...: run CMD, then check its JSON.
vocab() {
	local name=$1 stream=
	shift
	if [ "$1" = stream ]; then
		stream=1
		shift
	fi
	run --separate-stderr timeout 30 "$@"
	[ "$status" -le 1 ] || fail "$*: exit $status: $stderr"
	json_vocab "$name" $stream || fail "$* does not follow the vocabulary"
}

@test "proctree --json" {
	vocab proctree proctree --json "$H"
	vocab proctree proctree --json -a -p 1
}

@test "zombies --json: list, reap --dry-run, watch, orphans" {
	vocab zombies zombies --json -p "$H"
	vocab zombies zombies --json --reap --dry-run --min-age 0 -p "$H"
	vocab zombies stream zombies --json -w -i 0.1 -n 2 -p "$H"
	vocab zombies zombies --json -o
}

@test "fdleak --json: list, summary, top, watch, run mode" {
	vocab fdleak fdleak --json -p "$H"
	vocab fdleak fdleak --json --summary -p "$H"
	vocab fdleak fdleak --json --top
	vocab fdleak stream fdleak --json -w -i 0.1 -n 2 -p "$H"
	vocab fdleak fdleak --json -- true
}

@test "memmap --json: map, summary, watch" {
	vocab memmap memmap --json -p "$H"
	vocab memmap memmap --json -s -p "$H"
	vocab memmap stream memmap --json -w -i 0.1 -n 2 -p "$H"
}

@test "ctxswitch --json: processes, threads, the system view, run mode" {
	vocab ctxswitch stream ctxswitch --json -i 0.1 -n 2 -p "$H"
	vocab ctxswitch stream ctxswitch --json -t -i 0.1 -n 1 -p "$H"
	vocab ctxswitch stream ctxswitch --json -i 0.1 -n 1
	vocab ctxswitch stream ctxswitch --json -i 0.1 -- true
}

@test "systrace --json: a stream of events, and -c" {
	vocab systrace stream systrace --json -o /dev/stdout -- true
	vocab systrace systrace --json -c -o /dev/stdout -- true
}

@test "structpad --json" {
	vocab structpad structpad --json "$HELPERS/layouts"
}

@test "forkguard --json: limits and a run" {
	vocab forkguard forkguard --limits --json -p "$H"
	vocab forkguard forkguard --json -- true
}
