#!/bin/sh
# deps.sh - install the Debian packages triage builds, tests and benchmarks
# with.  Silent and instant when everything is present.
set -u

# Libraries and build tools; test tools (clang and its runtime for the
# libFuzzer targets, Go for structpad's Go layouts, real shells for the
# completions, promtool for --prom); the anchor tools compared against.
PKGS="build-essential pkg-config libproc2-dev libncurses-dev libcap-dev
libseccomp-dev libdw-dev libelf-dev libjson-c-dev
bats bats-assert bats-support bats-file jq mandoc man-db tmux
clang libclang-rt-14-dev golang-go rustc zsh bash-completion prometheus
procps psmisc strace lsof dwarves linux-perf sysstat hyperfine time valgrind
iproute2 util-linux libc6-dbg"
# DEPS_EXTRA adds names (the tests use it to see the "missing" path).
PKGS="$PKGS ${DEPS_EXTRA:-}"

missing=$(dpkg-query -W -f='${Package} ${db:Status-Abbrev}\n' $PKGS 2>/dev/null |
	awk '$2 == "ii" { ok[$1] = 1 } END { for (p in ok) print p }' |
	sort | comm -13 - "$(printf '%s\n' $PKGS | sort > /tmp/.triage-deps.$$; echo /tmp/.triage-deps.$$)")
rm -f /tmp/.triage-deps.$$
[ -z "$missing" ] && exit 0

missing=$(echo $missing)
line="apt-get install -y --no-install-recommends $missing"
if [ "$(id -u)" != 0 ]; then
	echo "deps: missing Debian packages; as root run: apt-get update && $line" >&2
	exit 2
fi
echo "deps: installing $missing" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >&2 || exit 2
apt-get install -y -qq --no-install-recommends $missing >&2 || {
	echo "deps: apt-get failed; run: apt-get update && $line" >&2
	exit 2
}
