#!/usr/bin/env bats
# privilege.bats - every command run as nobody against root's processes:
# a full answer where /proc lets anyone read, otherwise one line naming
# what is missing (the capability) and exit 2, or a partial view that says
# what it could not read; never a crash, never a silent empty answer.

load common

setup() {
	start_helper hostile "$BATS_TEST_TMPDIR"
	H=$HELPER_PID
	chmod 755 "$BATS_TEST_TMPDIR"
}

as_nobody() {
	run --separate-stderr setpriv --reuid=nobody --regid=nogroup \
	    --clear-groups --inh-caps=-all -- env PATH="$PATH" "$@"
}

# answered CMD...: exit 0 or 1 with something on stdout.
answered() {
	as_nobody "$@"
	[ "$status" -le 1 ] || fail "$* as nobody: exit $status: $stderr"
	[ -n "$output" ] || fail "$* as nobody: an empty answer"
}

# refused CMD...: exit 2, one line on stderr naming a capability or the
# permission, nothing on stdout but what it could read.
refused() {
	as_nobody "$@"
	[ "$status" -eq 2 ] || fail "$* as nobody: exit $status (want 2): $stderr"
	[[ $stderr == *CAP_* || $stderr == *"ermission denied"* ||
	    $stderr == *"not permitted"* ]] || fail "$* as nobody: does not say what is missing: $stderr"
	[ "${#stderr_lines[@]}" -le 2 ] || fail "$*: ${#stderr_lines[@]} lines: $stderr"
}

# partial_or_refused CMD...: refused as above, or an answer that says in
# words what it could not read.
partial_or_refused() {
	as_nobody "$@"
	if [ "$status" -eq 2 ]; then
		refused "$@"
		return
	fi
	[ "$status" -le 1 ] || fail "$* as nobody: exit $status: $stderr"
	[[ "$output$stderr" == *CAP_* || "$output$stderr" == *ermission* ||
	    "$output$stderr" == *"not permitted"* || "$output$stderr" == *"could not"* ||
	    "$output$stderr" == *unreadable* ]] ||
	    fail "$* as nobody: a view with no word of what is missing: $output $stderr"
}

@test "as nobody: proctree, zombies and ctxswitch read what anyone may read" {
	answered proctree -p "$H"
	answered zombies -p "$H"
	answered ctxswitch -i 0.1 -n 1 -p "$H"
	answered forkguard --limits -p "$H"
}

@test "as nobody: fdleak and memmap on a root process say CAP_SYS_PTRACE is missing" {
	partial_or_refused fdleak -p "$H"
	partial_or_refused memmap -p "$H"
	# the count alone is st_size of fd/, which anyone may stat
	answered fdleak --summary -p "$H"
	[[ $output == *"$(ls /proc/$H/fd | wc -l) fds open"* ]] || fail "$output"
}

@test "as nobody: what changes or traces a root process is refused, naming CAP_SYS_PTRACE" {
	refused zombies --reap --min-age 0 -p "$H"
	refused fdleak --close 100 --force -p "$H"
	refused systrace -p "$H"
	[[ $stderr == *CAP_SYS_PTRACE* ]] || fail "$stderr"
}

@test "as nobody: forkguard without a writable cgroup says what it falls back to" {
	as_nobody forkguard -- true
	[ "$status" -eq 0 ] || fail "forkguard -- true as nobody: exit $status: $stderr"
	[[ $stderr == *RLIMIT_NPROC* || $stderr == *cgroup* ]] || fail "no word of the fallback: $stderr"
}

@test "as nobody: structpad on a file nobody may read" {
	cp "$HELPERS/layouts" "$BATS_TEST_TMPDIR/secret"
	chmod 600 "$BATS_TEST_TMPDIR/secret"
	refused structpad "$BATS_TEST_TMPDIR/secret"
}
