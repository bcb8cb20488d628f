/* tests/unit/test_fmt.c - durations as a person reads them. */
#include <string.h>

#include "fmt.h"
#include "unit.h"

static const char *
dur(double s)
{
	static char buf[32];

	return tri_fmt_duration(s, buf, sizeof(buf));
}

static void
duration_steps(void)
{
	CHECK_STR(dur(-1), "-");
	CHECK_STR(dur(0), "0.0s");
	CHECK_STR(dur(4.24), "4.2s");
	CHECK_STR(dur(99.94), "99.9s");
	CHECK_STR(dur(100), "1m40s");
	CHECK_STR(dur(725.9), "12m05s");		/* cut, not rounded */
	CHECK_STR(dur(5999), "99m59s");
	CHECK_STR(dur(6000), "1h40m");
	CHECK_STR(dur(3 * 3600 + 7 * 60 + 59), "3h07m");
	CHECK_STR(dur(172799), "47h59m");
	CHECK_STR(dur(172800), "2d00h");
	CHECK_STR(dur(9 * 86400 + 4 * 3600 + 1), "9d04h");
}

static void
duration_cut(void)
{
	char buf[4];

	memset(buf, 'x', sizeof(buf));
	CHECK(tri_fmt_duration(725, buf, sizeof(buf)) == buf);
	CHECK_STR(buf, "12m");
	CHECK(tri_fmt_duration(725, buf, 0) == buf);
	CHECK_STR(buf, "12m");		/* size 0: nothing written */
}

int
main(void)
{
	RUN(duration_steps);
	RUN(duration_cut);
	return UNIT_END();
}
