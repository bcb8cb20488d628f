#!/usr/bin/env bats
# build.bats - the build's own promises: deps, install, uninstall.

load common

@test "make deps is silent when everything is installed" {
	run -0 --separate-stderr make -s -C "$TRIAGE_ROOT" deps
	assert_output ""
	assert [ -z "$stderr" ]
}

@test "deps as a non-root user with a package missing prints the apt-get line and exits 2" {
	run -2 --separate-stderr setpriv --reuid=nobody --regid=nogroup \
		--clear-groups env DEPS_EXTRA=no-such-package-xyz \
		"$TRIAGE_ROOT/scripts/deps.sh"
	[[ $stderr == *"apt-get install -y --no-install-recommends no-such-package-xyz"* ]] ||
		fail "no install line: $stderr"
	assert [ "${#stderr_lines[@]}" -eq 1 ]
}

@test "make install and uninstall honour DESTDIR and PREFIX" {
	d=$BATS_TEST_TMPDIR/dest
	run -0 make -s -C "$TRIAGE_ROOT" install DESTDIR="$d" PREFIX=/opt/t
	for f in "$TRIAGE_ROOT"/cmd/*.c; do
		c=$(basename "$f" .c)
		assert [ -x "$d/opt/t/bin/$c" ]
		assert [ -f "$d/opt/t/share/man/man1/$c.1" ]
		assert [ -f "$d/opt/t/share/bash-completion/completions/$c" ]
	done
	assert [ -f "$d/opt/t/share/man/man7/triage.7" ]
	run -0 make -s -C "$TRIAGE_ROOT" uninstall DESTDIR="$d" PREFIX=/opt/t
	run -0 find "$d" -type f
	assert_output ""
}
