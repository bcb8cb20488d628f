# demo/fdleak.sh - sourced by scripts/demo with SERVICE_PID set.
step "fdleak: headroom of the service against its own RLIMIT_NOFILE" \
	fdleak --summary -p "$SERVICE_PID"
step "fdleak: its fds; note the CLOSE_WAIT sockets and the log files" \
	fdleak -p "$SERVICE_PID"
step "fdleak: watch 3 s: which group grows, how fast, when it hits the limit" \
	fdleak --watch -i 1 -n 4 -p "$SERVICE_PID"
step "fdleak: who else talks to the service's TCP listener (lsof -i)" \
	fdleak -i tcp -p "$SERVICE_PID" -o pid,command,fd,target
step "fdleak: deleted files it still holds, and the bytes they pin (lsof +L1)" \
	fdleak +L1 -p "$SERVICE_PID"
