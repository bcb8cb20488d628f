# tests/memmap.bash - what memmap.bats and memmap-parity.bats share.

# The helpers come from the plain build even in a sanitizer run: under
# ASan they would have no glibc heap or arenas, and it is memmap, not the
# helper, that the sanitizers are for.
PLAIN_HELPERS=$TRIAGE_ROOT/build/std/helpers

# target: start the helper with known mappings; sets each key of its
# ready line (anon1, shm, ...) as an address as memmap prints it, A1 A2
# FILE DEL MFD SHM GROW from them, and THREADS ("tid lo hi" lines) and
# SPINNER from the lines it prints before "threads done".
target() {
	HELPERS=$PLAIN_HELPERS start_helper memmap-target "$BATS_TEST_TMPDIR" "$@"
	local kv
	for kv in ${HELPER_READY#* }; do
		printf -v "${kv%%=*}" '%016x' "$((${kv#*=}))"
	done
	A1=$anon1 A2=$anon2 FILE=$file DEL=$deleted MFD=$memfd SHM=$shm
	GROW=$grow
	THREADS= SPINNER=
	while helper_line && [ "$REPLY" != "threads done" ]; do
		case $REPLY in
		thread*) THREADS+="${REPLY#thread }"$'\n' ;;
		spinner*) SPINNER=${REPLY#spinner } ;;
		esac
	done
}

# teardown: the helpers, and the cgroup a test made in CG
CG=
teardown() {
	kill_helpers
	if [ -n "$CG" ] && [ -d "$CG" ]; then
		wait_until rmdir "$CG" 2>/dev/null || true
	fi
}
