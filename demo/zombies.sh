# demo/zombies.sh - sourced by scripts/demo with SERVICE_PID set.
step "zombies: the service leaves a zombie every 600 ms; who, why, and the fix" \
	zombies -p "$SERVICE_PID"
step "zombies --watch: the leak as a slope (zombies per second)" \
	zombies --watch -i 1 -n 3 -p "$SERVICE_PID"
step "zombies --reap --dry-run: what reaping would do, touching nothing" \
	zombies --reap --dry-run --min-age 1 -p "$SERVICE_PID"
step "zombies --reap: SIGCHLD, then wait4 injected; the service keeps running" \
	zombies --reap --min-age 1 -p "$SERVICE_PID"
