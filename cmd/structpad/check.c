/* cmd/structpad/check.c - the CI gate: --check and --json. */
#include <err.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "structpad.h"

static void
put_title(const struct layout *l)
{
	char title[600];

	type_title(l->t, title, sizeof(title));
	tri_out_fescape(stdout, title, strlen(title));
}

void
check_put_pair(const struct layout *l, const char *a, const char *b,
    const char *what)
{
	put_title(l);
	printf(": hot members ");
	tri_out_fescape(stdout, a, strlen(a));
	printf(" and ");
	tri_out_fescape(stdout, b, strlen(b));
	printf(" %s\n", what);
}

static void
put_shared(const struct ctl *ctl, const struct layout *l)
{
	const struct tri_dwarf_type *t = l->t;
	size_t i, j;

	for (i = 0; i < t->nmembers; i++)
		for (j = i + 1; l->hot[i] && j < t->nmembers; j++)
			if (l->hot[j] && layout_share_line(ctl,
			    &t->members[i], &t->members[j]))
				check_put_pair(l, t->members[i].name,
				    t->members[j].name, "share a cache line");
}

int
check_run(const struct ctl *ctl, const char *file, struct layout *l,
    size_t n)
{
	size_t i, bad = 0;
	bool hot = ctl->nhot || ctl->false_sharing;

	for (i = 0; i < n; i++) {
		if (ctl->have_max_waste && l[i].waste > ctl->max_waste) {
			put_title(&l[i]);
			printf(": %llu bytes of holes and padding (limit %llu);"
			    " %llu bytes after reordering, %llu now\n",
			    (unsigned long long)l[i].waste,
			    ctl->max_waste, (unsigned long long)l[i].best,
			    (unsigned long long)l[i].t->size);
			bad++;
		}
		if (hot && l[i].nshared) {
			put_shared(ctl, &l[i]);
			bad++;
		}
	}
	(void)file;
	return bad ? TRI_EXIT_FOUND : TRI_EXIT_OK;
}

static void
json_members(const struct ctl *ctl, struct tri_json *j,
    const struct tri_dwarf *d, const struct tri_dwarf_type *t,
    const bool *hot, uint64_t base)
{
	size_t i;

	tri_json_key(j, "members");
	tri_json_arr_begin(j);
	for (i = 0; i < t->nmembers; i++) {
		const struct tri_dwarf_member *m = &t->members[i];
		uint64_t off = base + m->offset;

		tri_json_obj_begin(j);
		tri_json_kstr(j, "name", m->name);
		tri_json_key(j, "type");
		tri_json_str(j, m->type);
		tri_json_kstr(j, "dims", tri_dwarf_dims(m));
		tri_json_kuint(j, "offset", off);
		tri_json_kuint(j, "size", m->size);
		if (m->bit_size) {
			tri_json_kuint(j, "bit_offset", m->bit_offset);
			tri_json_kuint(j, "bit_size", m->bit_size);
		}
		tri_json_kuint(j, "align", m->align);
		tri_json_kuint(j, "line", off / ctl->cacheline);
		tri_json_kbool(j, "hot", hot && hot[i]);
		tri_json_kbool(j, "atomic", m->flags & TRI_DWARF_ATOMIC);
		tri_json_kbool(j, "lock", m->flags & TRI_DWARF_LOCK);
		if (m->flags & TRI_DWARF_BASE)
			tri_json_kbool(j, "base", true);
		if ((m->flags & TRI_DWARF_NESTED) && m->nested < d->ntypes)
			json_members(ctl, j, d, &d->types[m->nested], NULL, off);
		tri_json_obj_end(j);
	}
	tri_json_arr_end(j);
}

static void
json_holes(struct tri_json *j, const struct layout *l)
{
	const struct tri_dwarf_type *t = l->t;
	size_t i;

	tri_json_key(j, "holes");
	tri_json_arr_begin(j);
	for (i = 0; t->kind != TRI_DWARF_UNION && i < t->nmembers; i++) {
		if (l->hole[i] <= 0 && l->bit_hole[i] == 0)
			continue;
		tri_json_obj_begin(j);
		tri_json_kstr(j, "after", t->members[i].name);
		tri_json_kint(j, "bytes", l->hole[i] > 0 ? l->hole[i] : 0);
		tri_json_kuint(j, "bits", l->bit_hole[i]);
		tri_json_obj_end(j);
	}
	tri_json_arr_end(j);
}

static void
json_shared(const struct ctl *ctl, struct tri_json *j, const struct layout *l)
{
	const struct tri_dwarf_type *t = l->t;
	size_t a, b;

	tri_json_key(j, "shared");
	tri_json_arr_begin(j);
	for (a = 0; a < t->nmembers; a++)
		for (b = a + 1; l->hot[a] && b < t->nmembers; b++) {
			if (!l->hot[b] || !layout_share_line(ctl,
			    &t->members[a], &t->members[b]))
				continue;
			tri_json_arr_begin(j);
			tri_json_str(j, t->members[a].name);
			tri_json_str(j, t->members[b].name);
			tri_json_arr_end(j);
		}
	tri_json_arr_end(j);
}

static void
json_type(const struct ctl *ctl, struct tri_json *j, const struct tri_dwarf *d,
    const struct layout *l)
{
	const struct tri_dwarf_type *t = l->t;

	tri_json_obj_begin(j);
	tri_json_kstr(j, "name", t->name);
	tri_json_kstr(j, "kind", tri_dwarf_kind_name(t->kind));
	tri_json_kstr(j, "lang", tri_dwarf_lang_name(t->lang));
	tri_json_kuint(j, "size", t->size);
	tri_json_kuint(j, "align", t->align);
	tri_json_kuint(j, "cachelines", (t->size + ctl->cacheline - 1) /
	    ctl->cacheline);
	tri_json_kuint(j, "units", t->ncu);
	json_members(ctl, j, d, t, l->hot, 0);
	json_holes(j, l);
	tri_json_kuint(j, "nr_holes", l->nr_holes);
	tri_json_kuint(j, "sum_holes", l->sum_holes);
	tri_json_kuint(j, "nr_bit_holes", l->nr_bit_holes);
	tri_json_kuint(j, "sum_bit_holes", l->sum_bit_holes);
	tri_json_kint(j, "padding", l->padding);
	tri_json_kuint(j, "bit_padding", l->bit_padding);
	tri_json_kuint(j, "waste", l->waste);
	tri_json_kuint(j, "best_size", l->best);
	json_shared(ctl, j, l);
	tri_json_obj_end(j);
}

void
json_write(const struct ctl *ctl, const char *file, const struct tri_dwarf *d,
    struct layout *l, size_t n)
{
	struct tri_json j;
	size_t i;

	tri_json_init(&j, stdout, false);
	tri_json_obj_begin(&j);
	tri_json_kstr(&j, "schema", "triage.structpad/1");
	tri_json_kstr(&j, "file", file);
	tri_json_kstr(&j, "debug_file", d->debug_path);
	tri_json_kuint(&j, "cacheline", ctl->cacheline);
	tri_json_key(&j, "types");
	tri_json_arr_begin(&j);
	for (i = 0; i < n; i++)
		json_type(ctl, &j, d, &l[i]);
	tri_json_arr_end(&j);
	tri_json_obj_end(&j);
	tri_json_end(&j);
}
