/* lib/sig.c - naming signals, signal masks and a signal's disposition. */
#include <stdio.h>
#include <string.h>

#include "proc.h"
#include "sig.h"

char *
tri_sig_list(uint64_t mask, char *buf, size_t size)
{
	size_t n = 0;
	const char *a;
	int sig;

	if (size == 0)
		return buf;
	buf[0] = '\0';
	for (sig = 1; sig <= 64 && n < size; sig++)
		if (mask & TRI_SIG_BIT(sig)) {
			a = sigabbrev_np(sig);
			n += (size_t)(a ? snprintf(buf + n, size - n, "%sSIG%s",
			    n ? "," : "", a) : snprintf(buf + n, size - n,
			    "%s%d", n ? "," : "", sig));
		}
	return buf;
}

char *
tri_sig_disposition(const struct tri_status *st, int sig, char *buf,
    size_t size)
{
	uint64_t bit = TRI_SIG_BIT(sig);

	if (st == NULL) {
		snprintf(buf, size, "unknown");
		return buf;
	}
	snprintf(buf, size, "%s%s", st->sigign & bit ? "ignored" :
	    st->sigcgt & bit ? "caught" : "default",
	    st->sigblk & bit ? "+blocked" : "");
	return buf;
}
