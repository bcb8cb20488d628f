# demo/proctree.sh - sourced by scripts/demo with SERVICE_PID set.
step "proctree: the service, its workers, threads and <defunct> children" \
	proctree -p "$SERVICE_PID"
step "proctree -t: each thread by its own name (ping, pong, spin), compacted" \
	proctree -t "$SERVICE_PID"
step "proctree -s: where the service hangs in the tree, from pid 1 down" \
	proctree -s -p -T "$SERVICE_PID"
step "proctree --json: the same tree for a script (the zombies it holds)" \
	bash -c "proctree --json $SERVICE_PID | jq -c '[.. | objects | select(.zombie? == true) | .pid]'"
