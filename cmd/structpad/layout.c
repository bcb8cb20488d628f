/* cmd/structpad/layout.c - a type's holes, padding and hot members. */
#include <err.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "structpad.h"

unsigned long
cacheline_default(void)
{
	char buf[32];
	unsigned long long v;
	ssize_t n;
	int fd;

	fd = open("/sys/devices/system/cpu/cpu0/cache/index0/"
	    "coherency_line_size", O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return 64;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return 64;
	buf[n] = '\0';
	buf[strcspn(buf, "\n")] = '\0';
	if (tri_cli_parse_ull(buf, 8, 4096, &v) < 0)
		return 64;
	return (unsigned long)v;
}

const char *
type_title(const struct tri_dwarf_type *t, char *buf, size_t size)
{
	snprintf(buf, size, "%s %s", tri_dwarf_kind_name(t->kind),
	    *t->name ? t->name : "{...}");
	return buf;
}

static uint64_t
last_byte(const struct tri_dwarf_member *m)
{
	if (m->bit_size)
		return m->offset + (m->bit_offset + m->bit_size - 1) / 8;
	return m->offset + (m->size ? m->size - 1 : 0);
}

bool
layout_share_line(const struct ctl *ctl, const struct tri_dwarf_member *a,
    const struct tri_dwarf_member *b)
{
	uint64_t cl = ctl->cacheline;
	uint64_t a0 = (a->offset + (a->bit_size ? a->bit_offset / 8 : 0)) / cl;
	uint64_t b0 = (b->offset + (b->bit_size ? b->bit_offset / 8 : 0)) / cl;

	return a0 <= last_byte(b) / cl && b0 <= last_byte(a) / cl;
}

/*
 * pahole's class__find_holes (dwarves 1.24), so that the numbers can be
 * diffed against it: a byte hole is counted between the storage units
 * of members, a bit hole inside a run of bit-fields up to the end of the
 * unit it uses.
 */
static void
find_holes(struct layout *l)
{
	const struct tri_dwarf_type *t = l->t;
	uint64_t cur_end = t->size * 8, cur_size = 0, last_seen = 0;
	uint64_t bit_start, bit_end, aligned, bitfield_end;
	int64_t byte_holes;
	int64_t bit_holes;
	bool in_bitfield = false;
	size_t i, last = SIZE_MAX;

	for (i = 0; i < t->nmembers; i++) {
		const struct tri_dwarf_member *m = &t->members[i];

		/* a zero-sized Rust field (PhantomData) takes no room: at
		 * the offset of another field, it would end it early */
		if (t->lang == TRI_DWARF_RUST && m->size == 0 && !m->bit_size)
			continue;
		bit_start = m->offset * 8 + m->bit_offset;
		bit_end = bit_start + (m->bit_size ? m->bit_size : m->size * 8);
		bit_holes = 0;
		byte_holes = 0;
		if (in_bitfield) {
			bitfield_end = bit_start < cur_end ? bit_start : cur_end;
			bit_holes = (int64_t)(bitfield_end - last_seen);
			last_seen = bitfield_end;
		}
		if (m->bit_size) {
			aligned = m->offset * 8;
			if (last_seen < aligned && aligned <= bit_start) {
				byte_holes = (int64_t)(m->offset - last_seen / 8);
				last_seen = aligned;
			}
			bit_holes += (int64_t)(bit_start - last_seen);
		} else {
			byte_holes = (int64_t)(bit_start / 8) -
			    (int64_t)(last_seen / 8);
		}
		last_seen = bit_end;
		if (m->bit_size) {
			in_bitfield = true;
			if (bit_end > cur_end || m->size * 8 > cur_size) {
				cur_size = m->size * 8;
				cur_end = m->offset * 8 + cur_size;
				if (bit_end > cur_end)
					cur_end += cur_size;
			}
		} else {
			in_bitfield = false;
			cur_size = 0;
			cur_end = bit_end;
		}
		if (last == SIZE_MAX) {
			l->pre_hole = byte_holes;
			l->pre_bit_hole = (uint32_t)bit_holes;
		} else {
			l->hole[last] = byte_holes;
			l->bit_hole[last] = (uint32_t)bit_holes;
		}
		if (bit_holes) {
			l->nr_bit_holes++;
			l->sum_bit_holes += (uint64_t)bit_holes;
		}
		if (byte_holes > 0) {
			l->nr_holes++;
			l->sum_holes += (uint64_t)byte_holes;
		}
		if (m->bit_size)
			l->sum_bits += m->bit_size;
		else
			l->sum_members += m->size;
		last = i;
	}
	if (in_bitfield) {
		bitfield_end = t->size * 8 < cur_end ? t->size * 8 : cur_end;
		l->bit_padding = (uint32_t)(bitfield_end - last_seen);
		last_seen = bitfield_end;
	}
	/* in unsigned arithmetic: a corrupt size may be anything */
	l->padding = t->size >= last_seen / 8 ?
	    (int64_t)(t->size - last_seen / 8) :
	    -(int64_t)(last_seen / 8 - t->size);
}

static bool
is_hot(const struct ctl *ctl, const struct tri_dwarf_member *m)
{
	size_t i;

	if (ctl->false_sharing && (m->flags & (TRI_DWARF_ATOMIC |
	    TRI_DWARF_LOCK)))
		return true;
	for (i = 0; i < ctl->nhot; i++)
		if (*m->name && strcmp(ctl->hot[i], m->name) == 0)
			return true;
	return false;
}

static void
find_sharing(const struct ctl *ctl, struct layout *l)
{
	const struct tri_dwarf_type *t = l->t;
	size_t i, j;

	for (i = 0; i < t->nmembers; i++)
		l->hot[i] = is_hot(ctl, &t->members[i]);
	if (t->kind == TRI_DWARF_UNION)
		return;
	for (i = 0; i < t->nmembers; i++)
		for (j = i + 1; l->hot[i] && j < t->nmembers; j++)
			if (l->hot[j] && layout_share_line(ctl,
			    &t->members[i], &t->members[j]))
				l->nshared++;
}

int
layout_compute(const struct ctl *ctl, const struct tri_dwarf_type *t,
    struct layout *l)
{
	struct plan p;
	size_t n = t->nmembers ? t->nmembers : 1;
	uint64_t bits;

	memset(l, 0, sizeof(*l));
	l->t = t;
	l->hole = calloc(n, sizeof(*l->hole));
	l->bit_hole = calloc(n, sizeof(*l->bit_hole));
	l->hot = calloc(n, sizeof(*l->hot));
	if (l->hole == NULL || l->bit_hole == NULL || l->hot == NULL) {
		layout_free(l);
		errno = ENOMEM;
		return -1;
	}
	if (t->kind != TRI_DWARF_UNION)
		find_holes(l);
	bits = l->sum_bit_holes + l->bit_padding;
	l->waste = l->sum_holes + bits / 8 + (l->padding > 0 ?
	    (uint64_t)l->padding : 0);
	/*
	 * A Rust variant's holes and tail are the room of its siblings:
	 * shown, but no order of its fields makes the enum smaller.
	 */
	if (t->variant)
		l->waste = 0;
	find_sharing(ctl, l);
	l->best = t->size;
	/* the size after reordering is shown by -s, --check and --json */
	if (!(ctl->summary || ctl->check || ctl->json || ctl->baseline) ||
	    t->nested || t->variant)
		return 0;
	if (t->kind != TRI_DWARF_UNION && plan_make(ctl, t, l, false, &p) == 0) {
		if (p.reproducible)
			l->best = p.size;
		plan_free(&p);
	}
	return 0;
}

void
layout_free(struct layout *l)
{
	free(l->hole);
	free(l->bit_hole);
	free(l->hot);
	l->hole = NULL;
	l->bit_hole = NULL;
	l->hot = NULL;
}
