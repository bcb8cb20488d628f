/* tests/fuzz/fuzz_net.c - libFuzzer target: lines of /proc/net/tcp, udp, raw and their v6 tables. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "sock.h"

int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct tri_sock s;
	char *buf, *line, *save = NULL;

	if ((buf = malloc(size + 1)) == NULL)
		return 0;
	memcpy(buf, data, size);
	buf[size] = '\0';
	for (line = strtok_r(buf, "\n", &save); line;
	    line = strtok_r(NULL, "\n", &save)) {
		memset(&s, 0, sizeof(s));
		tri_sock_parse_inet(line, AF_INET, &s);
		memset(&s, 0, sizeof(s));
		tri_sock_parse_inet(line, AF_INET6, &s);
	}
	free(buf);
	return 0;
}
