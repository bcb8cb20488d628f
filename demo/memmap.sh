# demo/memmap.sh - sourced by scripts/demo with SERVICE_PID set.
step "memmap: the service's memory by kind; stacks counted, USS is its own" \
	memmap -s -p "$SERVICE_PID"
step "memmap: the thread stacks, biggest first, each with its tid" \
	bash -c "memmap -S rss -p $SERVICE_PID | grep -m3 thread-stack"
step "memmap: the libraries' code, as pmap -q -A would pick it" \
	bash -c "memmap -q -A 7f0000000000, -o address,kbytes,rss,kind,mapping -p $SERVICE_PID | grep lib-text"
step "memmap: what grows over 2 s (leaked fds and zombies cost memory too)" \
	memmap -w -i 1 -n 2 -p "$SERVICE_PID"
