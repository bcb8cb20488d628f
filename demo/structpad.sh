# demo/structpad.sh - sourced by scripts/demo with SERVICE_PID set.
# structpad reads files, not processes: the service's binary, its libc
# (whose DWARF is found by build id), and the layouts of the test helper.
exe=$(readlink "/proc/$SERVICE_PID/exe")
step "structpad: the service's own types, by bytes wasted" \
	structpad -s "$exe"
step "structpad: where glibc wastes the most (DWARF from libc6-dbg, by build id)" \
	bash -c 'structpad -s /lib/x86_64-linux-gnu/libc.so.6 | head -6'
step "structpad: the classic hole, as pahole prints it" \
	structpad -C seed "$TRIAGE_BUILD/helpers/layouts"
step "structpad: a member order that saves 8 bytes" \
	structpad -R -C seed "$TRIAGE_BUILD/helpers/layouts"
step "structpad: two counters written by different threads share a cache line" \
	structpad --check --hot reads,writes --false-sharing -C counters "$TRIAGE_BUILD/helpers/layouts"
