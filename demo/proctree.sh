# demo/proctree.sh - sourced by scripts/demo with SERVICE_PID set.
step "proctree: the service, its workers, threads and <defunct> children" \
	proctree -p "$SERVICE_PID"
