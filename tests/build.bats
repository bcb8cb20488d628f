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
	# a command is cmd/NAME.c or a folder cmd/NAME/, as in the Makefile
	for f in "$TRIAGE_ROOT"/cmd/*.c "$TRIAGE_ROOT"/cmd/*/; do
		[ -e "$f" ] || continue
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

@test "install puts man pages, bash and zsh completions where man, bash-completion and zsh look; uninstall leaves no empty folder" {
	d=$BATS_TEST_TMPDIR/dest
	mkdir -p "$d/usr/local/share/keep"	# a folder that was there before
	run -0 make -s -C "$TRIAGE_ROOT" install DESTDIR="$d" PREFIX=/usr/local
	for f in "$TRIAGE_ROOT"/completions/zsh/_*; do
		assert [ -f "$d/usr/local/share/zsh/site-functions/${f##*/}" ]
	done
	for f in "$TRIAGE_ROOT"/completions/bash/*; do
		assert [ -f "$d/usr/local/share/bash-completion/completions/${f##*/}" ]
	done
	# man finds the pages under this MANPATH, zsh the functions on fpath
	run -0 env MANPATH="$d/usr/local/share/man" man -w fdleak
	assert_output "$d/usr/local/share/man/man1/fdleak.1"
	run -0 zsh -fc "fpath=($d/usr/local/share/zsh/site-functions \$fpath); autoload -Uz _fdleak && whence -w _fdleak"
	assert_output "_fdleak: function"
	run -0 make -s -C "$TRIAGE_ROOT" uninstall DESTDIR="$d" PREFIX=/usr/local
	run -0 find "$d" -mindepth 1 -type d -empty
	assert_output "$d/usr/local/share/keep"
	run -0 find "$d" -type f
	assert_output ""
	# PREFIX=/usr: Debian's place for zsh completions
	run -0 make -s -C "$TRIAGE_ROOT" install DESTDIR="$d/deb" PREFIX=/usr
	assert [ -f "$d/deb/usr/share/zsh/vendor-completions/_fdleak" ]
}

# The names of the functions a C file defines: KNF puts each name at the
# start of a line, its return type on the line above.
defined_functions() {
	grep -oE '^[A-Za-z_][A-Za-z0-9_]*\(' "$1" | tr -d '('
}

# The code of a C file without its comments, strings and characters.
code_of() {
	"${CC:-cc}" -fpreprocessed -dD -E -P "$1" |
		sed -E "s/'([^'\\\\]|\\\\.)*'/''/g; s/\"([^\"\\\\]|\\\\.)*\"/\"\"/g"
}

# calls_into_main DIR: "file:function" for each call from a file of the
# command folder DIR into a function its main.c defines.
calls_into_main() {
	local f fn
	for fn in $(defined_functions "$1/main.c"); do
		[ "$fn" = main ] && continue
		for f in "$1"/*.c; do
			[ "${f##*/}" != main.c ] || continue
			# a static function of the same name is the file's own
			if defined_functions "$f" | grep -qx "$fn"; then
				continue
			fi
			if code_of "$f" | grep -qE "\b$fn[[:space:]]*\("; then
				echo "${f##*/}:$fn"
			fi
		done
	done
}

@test "no file of a command calls back into its main.c" {
	local d n=0 bad
	for d in "$TRIAGE_ROOT"/cmd/*/; do
		d=${d%/}
		[ -f "$d/main.c" ] || continue
		n=$((n + 1))
		bad=$(calls_into_main "$d")
		[ -z "$bad" ] || fail "cmd/${d##*/}: calls into main.c: $bad"
	done
	# the check itself: it sees a call that is there
	d=$BATS_TEST_TMPDIR/cmd/probe
	mkdir -p "$d"
	printf 'static int\nhelper(void)\n{\n\treturn 0;\n}\n' > "$d/main.c"
	printf 'int\nmode(void)\n{\n\treturn helper ();\n}\n' > "$d/mode.c"
	run -0 calls_into_main "$d"
	assert_output "mode.c:helper"
	assert [ "$n" -ge 1 ]
}
