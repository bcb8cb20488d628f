# demo/fdleak.sh - sourced by scripts/demo with SERVICE_PID set.
step "fdleak: headroom of the service against its own RLIMIT_NOFILE" \
	fdleak --summary -p "$SERVICE_PID"
step "fdleak: its fds; note the CLOSE_WAIT sockets and the log files" \
	fdleak -p "$SERVICE_PID"
step "fdleak: watch 3 s: which group grows, how fast, when it hits the limit" \
	fdleak --watch -i 1 -n 4 -p "$SERVICE_PID"
