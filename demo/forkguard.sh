# demo/forkguard.sh - sourced by scripts/demo with SERVICE_PID set.
step "forkguard --limits: every fence between the service and its next fork" \
	forkguard --limits -p "$SERVICE_PID"
if [ -w /sys/fs/cgroup/pids/cgroup.procs ] && [ -w /sys/fs/cgroup/freezer/cgroup.procs ]; then
	# The demo bomb runs only inside a cgroup made here, pids.max 300.
	FG_DEMO=triage-demo-$$
	mkdir -p "/sys/fs/cgroup/pids/$FG_DEMO" "/sys/fs/cgroup/freezer/$FG_DEMO"
	echo 300 > "/sys/fs/cgroup/pids/$FG_DEMO/pids.max"
	fenced() {	# run "$@" inside the demo's 300-task cgroup
		timeout -k 5 30 bash -c 'echo $$ > "/sys/fs/cgroup/pids/$1/cgroup.procs" &&
			echo $$ > "/sys/fs/cgroup/freezer/$1/cgroup.procs" &&
			shift && exec "$@"' _ "$FG_DEMO" "$@"
	}
	step "forkguard -- a fork bomb (each process forks two), inside a 300-task cgroup made for the demo" \
		fenced forkguard -m 200 -- "$TRIAGE_BUILD/helpers/forkguard-bomb"
	step "the same cgroup's limits, as forkguard sees them from inside" \
		fenced forkguard --limits
	for FG_I in 1 2 3 4 5 6 7 8 9 10; do
		rmdir "/sys/fs/cgroup/pids/$FG_DEMO" "/sys/fs/cgroup/freezer/$FG_DEMO" 2>/dev/null && break
		sleep 0.1
	done
	unset -f fenced
else
	echo "(forkguard's bomb demo needs root and the v1 pids and freezer controllers: skipped)"
fi
