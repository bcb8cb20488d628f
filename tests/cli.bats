#!/usr/bin/env bats
# cli.bats - what every command shares: help, version, usage errors, exit
# codes, and that --help, the man page SYNOPSIS and the bash completion
# list the same options.

load common

commands() {
	local f
	for f in "$TRIAGE_ROOT"/cmd/*.c "$TRIAGE_ROOT"/cmd/*/; do
		[ -e "$f" ] || continue
		f=${f%/}
		f=${f##*/}
		echo "${f%.c}"
	done
}

@test "there is at least one command" {
	run -0 commands
	assert [ "${#lines[@]}" -ge 1 ]
}

@test "--help prints usage to stdout and exits 0" {
	for c in $(commands); do
		run -0 --separate-stderr "$c" --help
		assert_output --partial "Usage: $c"
		assert [ -z "$stderr" ]
	done
}

@test "-h is --help" {
	for c in $(commands); do
		run -0 "$c" -h
		assert_output --partial "Usage: $c"
	done
}

@test "--version and -V print the name and version" {
	for c in $(commands); do
		run -0 "$c" --version
		assert_output --regexp "^$c \\(triage\\) [0-9]+\\.[0-9]+"
		run -0 "$c" -V
		assert_output --regexp "^$c \\(triage\\)"
	done
}

# man 7 triage, DIAGNOSTICS: one line and a hint, the option escaped, the
# command's name (not the path it was run by).
@test "an unknown option: one line naming it, a hint, exit 2" {
	for c in $(commands); do
		run -2 --separate-stderr "$TRIAGE_BIN/$c" --no-such-option
		assert_output ""
		assert_equal "$stderr" "$c: unrecognized option '--no-such-option'
Try '$c --help'."
		run -2 --separate-stderr "$c" $'--\e]0;x\a'
		assert_equal "$stderr" "$c: unrecognized option '--\\e]0;x\\x07'
Try '$c --help'."
	done
}

@test "a bad --color exits 2 with one line, the same in every command" {
	for c in $(commands); do
		run -2 --separate-stderr "$c" --color=$'\e[31mred' -p 1
		assert_output ""
		assert_equal "$stderr" "$c: --color \\e[31mred: not auto, always or never"
		# --color alone is always; the word after it is not its value
		run -0 "$c" --color --version
		assert_output --partial "$c "
	done
}

@test "a malformed pid exits 2 with one line on stderr" {
	for c in $(commands); do
		grep -q -- '-p' "$TRIAGE_ROOT/man/$c.1" || continue
		grep -q 'Fl p Ar pid' "$TRIAGE_ROOT/man/$c.1" || continue
		for bad in abc -1 99999999999; do
			run -2 --separate-stderr "$c" -p "$bad"
			[ "${#stderr_lines[@]}" -eq 1 ] || fail "$c -p $bad: $stderr"
			[[ $stderr == "$c: "* ]] || fail "$c -p $bad: $stderr"
		done
	done
}

@test "--help, man SYNOPSIS and bash completion list the same options" {
	for c in $(commands); do
		h=$("$TRIAGE_ROOT/scripts/optlist" "$c" help)
		m=$("$TRIAGE_ROOT/scripts/optlist" "$c" man)
		b=$("$TRIAGE_ROOT/scripts/optlist" "$c" completion)
		[ -n "$h" ] || fail "$c: no options in --help"
		[ "$h" = "$m" ] || fail "$c: --help and man differ: $(diff <(echo "$h") <(echo "$m") | tr '\n' ' ')"
		[ "$h" = "$b" ] || fail "$c: --help and completion differ: $(diff <(echo "$h") <(echo "$b") | tr '\n' ' ')"
	done
}

@test "every command has a man page that mandoc accepts, and completions" {
	for c in $(commands); do
		[ -f "$TRIAGE_ROOT/man/$c.1" ] || fail "$c: no man page"
		run -0 mandoc -Tlint -Wwarning "$TRIAGE_ROOT/man/$c.1"
		assert_output ""
		[ -f "$TRIAGE_ROOT/completions/bash/$c" ] || fail "$c: no bash completion"
		[ -f "$TRIAGE_ROOT/completions/zsh/_$c" ] || fail "$c: no zsh completion"
		run -0 bash -n "$TRIAGE_ROOT/completions/bash/$c"
	done
	run -0 mandoc -Tlint -Wwarning "$TRIAGE_ROOT/man/triage.7"
	assert_output ""
}

@test "bash completion completes options" {
	for c in $(commands); do
		run -0 bash -c "source '$TRIAGE_ROOT/completions/bash/$c'
			COMP_WORDS=($c --); COMP_CWORD=1; COMP_LINE='$c --'; COMP_POINT=\${#COMP_LINE}
			_comp_cmd_$c $c -- $c
			printf '%s\n' \"\${COMPREPLY[@]}\""
		assert_output --partial -- "--help"
	done
}

@test "a closed pipe ends a command quietly" {
	for c in $(commands); do
		run --separate-stderr bash -c "set -o pipefail; '$c' --help | head -c 1 >/dev/null"
		assert [ -z "$stderr" ]
	done
}

@test "an output file named /dev/stdout, - or /dev/fd/N is the stream the command has: '>> log' keeps what the log held" {
	local log=$BATS_TEST_TMPDIR/log f
	for f in /dev/stdout - /dev/fd/1; do
		echo before > "$log"
		systrace -e trace=exit_group -o "$f" -- true >> "$log" 2>/dev/null
		run -0 cat "$log"
		assert_line --index 0 before
		assert_line --index 1 "exit_group(0) = ?"
		echo before > "$log"
		ctxswitch -w "$f" -- true >> "$log"
		run -0 cat "$log"
		assert_line --index 0 before
		assert_line --index 1 --regexp '^run: exited 0 after '
	done
	# /dev/stderr is stderr, and a real file is still created afresh
	run -0 --separate-stderr systrace -e trace=exit_group -o /dev/stderr -- true
	assert_equal "$stderr" $'exit_group(0) = ?\n+++ exited with 0 +++'
	echo old > "$log"
	ctxswitch -w "$log" -- true
	run -0 cat "$log"
	refute_line old
}

@test "every table's column list (-o help) names columns its -o takes" {
	local c names n
	# command, how it lists, how a column is asked for (NAME replaced)
	while IFS='|' read -r c list ask; do
		names=$($list | awk 'NF && $1 ~ /^[A-Za-z%+-]+$/ && $1 != "and" { print $1 }')
		[ "$(wc -l <<< "$names")" -ge 4 ] || fail "$c: $list listed: $names"
		for n in $names; do
			run -0 --separate-stderr ${ask//NAME/$n}
			[ -n "$output" ] || fail "$c: -o $n printed nothing"
		done
	done <<EOT
fdleak|fdleak -o help|fdleak -o NAME -p $$
zombies|zombies --output help|zombies --output NAME
memmap|memmap -o help|memmap -o NAME -p $$
ctxswitch|ctxswitch -o help|ctxswitch -o NAME -p $$ 0.1 1
structpad|structpad -o help|structpad -s -o NAME $HELPERS/layouts
forkguard|forkguard -o help|forkguard --limits -o NAME
EOT
}
