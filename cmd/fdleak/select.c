/* cmd/fdleak/select.c - -i: lsof's internet address selector. */
#include <arpa/inet.h>
#include <ctype.h>
#include <netdb.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>

#include "fdleak.h"

/* A port number or service name into *port; 0 or -1. */
static int
port_parse(const char *s, size_t len, const char *proto, int *port)
{
	char buf[64];
	struct servent *se;
	int v;

	if (len == 0 || len >= sizeof(buf))
		return -1;
	memcpy(buf, s, len);
	buf[len] = '\0';
	if (tri_cli_parse_int(buf, 0, 65535, &v) == 0) {
		*port = v;
		return 0;
	}
	if (tri_cli_is_number(buf))
		return -1;
	if ((se = getservbyname(buf, *proto ? (strcmp(proto, "TCP") == 0 ?
	    "tcp" : "udp") : NULL)) == NULL)
		return -1;
	*port = ntohs((uint16_t)se->s_port);
	return 0;
}

/* HOST (numeric, or a name resolved once) into its inet_ntop text. */
static int
host_parse(struct inetsel *s, const char *h, size_t len)
{
	struct addrinfo hints = { .ai_socktype = SOCK_STREAM }, *res;
	unsigned char a[16];
	char buf[256];
	const void *src;

	if (len >= 2 && h[0] == '[' && h[len - 1] == ']') {
		h++;
		len -= 2;
	}
	if (len == 0 || len >= sizeof(buf))
		return -1;
	memcpy(buf, h, len);
	buf[len] = '\0';
	if (inet_pton(AF_INET6, buf, a) == 1) {
		inet_ntop(AF_INET6, a, s->host, sizeof(s->host));
		return 0;
	}
	if (inet_pton(AF_INET, buf, a) == 1) {
		inet_ntop(AF_INET, a, s->host, sizeof(s->host));
		return 0;
	}
	hints.ai_family = s->family ? s->family : AF_UNSPEC;
	if (getaddrinfo(buf, NULL, &hints, &res) != 0)
		return -1;
	src = res->ai_family == AF_INET6 ?
	    (const void *)&((struct sockaddr_in6 *)res->ai_addr)->sin6_addr :
	    (const void *)&((struct sockaddr_in *)res->ai_addr)->sin_addr;
	inet_ntop(res->ai_family, src, s->host, sizeof(s->host));
	freeaddrinfo(res);
	return 0;
}

/* [46][tcp|udp][@HOST][:PORT[-PORT]]; "" is every internet socket. */
int
inet_parse(struct inetsel *s, const char *arg)
{
	const char *p = arg, *at, *colon, *dash;
	size_t n;

	memset(s, 0, sizeof(*s));
	s->on = true;
	s->port_lo = s->port_hi = -1;
	if (*p == '4' || *p == '6')
		s->family = *p++ == '4' ? AF_INET : AF_INET6;
	for (n = 0; isalpha((unsigned char)p[n]); n++)
		;
	if (n) {
		if (n == 3 && strncasecmp(p, "tcp", 3) == 0)
			strcpy(s->proto, "TCP");
		else if (n == 3 && strncasecmp(p, "udp", 3) == 0)
			strcpy(s->proto, "UDP");
		else
			return -1;
		p += n;
	}
	if (*p == '@') {
		at = ++p;
		/* the port's colon: after a ']', else the last one of an
		 * IPv4 address or name (an IPv6 one must be in brackets) */
		if (*at == '[')
			colon = strchr(at, ']') ? strchr(strchr(at, ']'), ':') :
			    NULL;
		else
			colon = strchr(at, ':');
		n = colon ? (size_t)(colon - at) : strlen(at);
		if (host_parse(s, at, n) < 0)
			return -1;
		p = at + n;
	}
	if (*p == ':') {
		p++;
		dash = strchr(p, '-');
		n = dash ? (size_t)(dash - p) : strlen(p);
		if (port_parse(p, n, s->proto, &s->port_lo) < 0)
			return -1;
		s->port_hi = s->port_lo;
		if (dash && (port_parse(dash + 1, strlen(dash + 1), s->proto,
		    &s->port_hi) < 0 || s->port_hi < s->port_lo))
			return -1;
		p += strlen(p);
	}
	return *p == '\0' ? 0 : -1;
}

/* Split "1.2.3.4:80" or "[::1]:80" into host text and port. */
static void
split(const char *addr, char *host, size_t size, int *port)
{
	const char *c = strrchr(addr, ':');
	size_t n;

	*port = -1;
	host[0] = '\0';
	if (c == NULL)
		return;
	n = (size_t)(c - addr);
	if (n >= 2 && addr[0] == '[' && addr[n - 1] == ']') {
		addr++;
		n -= 2;
	}
	if (n >= size)
		n = size - 1;
	memcpy(host, addr, n);
	host[n] = '\0';
	*port = c[1] == '*' ? -1 : atoi(c + 1);
}

static bool
end_match(const struct inetsel *s, const char *addr)
{
	char host[64];
	int port;

	if (addr[0] == '\0')
		return false;
	split(addr, host, sizeof(host), &port);
	if (s->host[0] && strcmp(host, s->host) != 0)
		return false;
	if (s->port_lo >= 0 && (port < s->port_lo || port > s->port_hi))
		return false;
	return true;
}

/* Whether fd e is an internet socket the selector names. */
bool
inet_match(const struct inetsel *s, const struct fdent *e)
{
	const struct tri_sock *k = e->sock;
	const char *proto;
	size_t l;
	int fam;

	if (k == NULL) {
		/* unbound: only a selector without address or port */
		if (!e->sproto[0] || s->host[0] || s->port_lo >= 0)
			return false;
		proto = e->sproto;
		l = strlen(proto);
		fam = l && proto[l - 1] == '6' ? AF_INET6 : AF_INET;
		if (strncmp(proto, "TCP", 3) && strncmp(proto, "UDP", 3) &&
		    strncmp(proto, "RAW", 3))
			return false;
	} else {
		if (k->family != AF_INET && k->family != AF_INET6)
			return false;
		proto = k->proto;
		fam = k->family;
	}
	if (s->family && fam != s->family)
		return false;
	if (s->proto[0] && (strncmp(proto, s->proto, 3) != 0 ||
	    strncmp(proto, "UDPLITE", 7) == 0))
		return false;
	if (k == NULL || (!s->host[0] && s->port_lo < 0))
		return true;
	return end_match(s, k->local) || end_match(s, k->remote);
}
