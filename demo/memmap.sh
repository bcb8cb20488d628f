# demo/memmap.sh - sourced by scripts/demo with SERVICE_PID set.
step "memmap: the service's memory by kind; stacks counted, USS is its own" \
	memmap -s -p "$SERVICE_PID"
step "memmap: the biggest mappings; thread stacks carry their tid" \
	memmap -S rss -t 12 -p "$SERVICE_PID"
step "memmap: what grows over 2 s (leaked fds and zombies cost memory too)" \
	memmap -w -i 1 -n 2 -p "$SERVICE_PID"
