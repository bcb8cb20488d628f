/* cmd/structpad/check.c - the CI gate: --check, --json, --baseline. */
#include <err.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "jsonread.h"
#include "structpad.h"

static void
put_title(const struct layout *l)
{
	char title[600];

	type_title(l->t, title, sizeof(title));
	tri_out_fescape(stdout, title, strlen(title));
}

static void
put_shared(const struct ctl *ctl, const struct layout *l, const char *verb)
{
	const struct tri_dwarf_type *t = l->t;
	size_t i, j;

	for (i = 0; i < t->nmembers; i++)
		for (j = i + 1; l->hot[i] && j < t->nmembers; j++) {
			if (!l->hot[j] || !layout_share_line(ctl,
			    &t->members[i], &t->members[j]))
				continue;
			put_title(l);
			printf(": hot members ");
			tri_out_fescape(stdout, t->members[i].name,
			    strlen(t->members[i].name));
			printf(" and ");
			tri_out_fescape(stdout, t->members[j].name,
			    strlen(t->members[j].name));
			printf(" %s a cache line\n", verb);
		}
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
			put_shared(ctl, &l[i], "share");
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

static char *
slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "re");
	char *buf = NULL, *nb;
	size_t cap = 0, n;

	*len = 0;
	if (f == NULL)
		return NULL;
	for (;;) {
		if (cap - *len < 65536) {
			cap = cap ? cap * 2 : 1 << 20;
			if ((nb = realloc(buf, cap)) == NULL) {
				free(buf);
				fclose(f);
				return NULL;
			}
			buf = nb;
		}
		if ((n = fread(buf + *len, 1, cap - *len, f)) == 0)
			break;
		*len += n;
	}
	if (ferror(f)) {
		free(buf);
		buf = NULL;
	}
	fclose(f);
	return buf;
}

static const char *
jstr(const struct tri_jval *o, const char *k)
{
	const struct tri_jval *v = tri_jsonread_get(o, k);

	return v && v->type == TRI_J_STR ? v->str : "";
}

static double
jnum(const struct tri_jval *o, const char *k)
{
	const struct tri_jval *v = tri_jsonread_get(o, k);

	return v && v->type == TRI_J_NUM ? v->num : 0;
}

static bool
was_shared(const struct tri_jval *old, const char *a, const char *b)
{
	const struct tri_jval *s = tri_jsonread_get(old, "shared");
	size_t i;

	for (i = 0; s && s->type == TRI_J_ARR && i < s->n; i++) {
		const struct tri_jval *p = &s->items[i];

		if (p->type == TRI_J_ARR && p->n == 2 &&
		    p->items[0].type == TRI_J_STR &&
		    p->items[1].type == TRI_J_STR &&
		    ((strcmp(p->items[0].str, a) == 0 &&
		    strcmp(p->items[1].str, b) == 0) ||
		    (strcmp(p->items[0].str, b) == 0 &&
		    strcmp(p->items[1].str, a) == 0)))
			return true;
	}
	return false;
}

static bool
was_hot(const struct tri_jval *old, const char *name)
{
	const struct tri_jval *m = tri_jsonread_get(old, "members"), *h;
	size_t i;

	for (i = 0; m && m->type == TRI_J_ARR && i < m->n; i++)
		if (strcmp(jstr(&m->items[i], "name"), name) == 0 &&
		    (h = tri_jsonread_get(&m->items[i], "hot")) != NULL &&
		    h->type == TRI_J_BOOL && h->b)
			return true;
	return false;
}

/* The regressions of one type against its saved model. */
static size_t
compare(const struct ctl *ctl, const struct tri_jval *old,
    const struct layout *l)
{
	const struct tri_dwarf_type *t = l->t;
	size_t bad = 0, a, b;
	double osize = jnum(old, "size"), oholes = jnum(old, "nr_holes");
	bool ha, hb;

	if ((double)t->size > osize) {
		put_title(l);
		printf(": grew from %.0f to %llu bytes\n", osize,
		    (unsigned long long)t->size);
		bad++;
	}
	if ((double)l->nr_holes > oholes) {
		put_title(l);
		printf(": gained a hole (%.0f -> %u holes, %llu bytes)\n",
		    oholes, l->nr_holes, (unsigned long long)l->sum_holes);
		bad++;
	}
	for (a = 0; t->kind != TRI_DWARF_UNION && a < t->nmembers; a++) {
		ha = l->hot[a] || was_hot(old, t->members[a].name);
		for (b = a + 1; ha && b < t->nmembers; b++) {
			hb = l->hot[b] || was_hot(old, t->members[b].name);
			if (!hb || !layout_share_line(ctl, &t->members[a],
			    &t->members[b]) || was_shared(old,
			    t->members[a].name, t->members[b].name))
				continue;
			put_title(l);
			printf(": hot members ");
			tri_out_fescape(stdout, t->members[a].name,
			    strlen(t->members[a].name));
			printf(" and ");
			tri_out_fescape(stdout, t->members[b].name,
			    strlen(t->members[b].name));
			printf(" moved onto one cache line\n");
			bad++;
		}
	}
	return bad;
}

int
baseline_run(const struct ctl *ctl, const char *file, struct layout *l,
    size_t n)
{
	struct tri_jval doc;
	const struct tri_jval *types;
	size_t len, where, i, k, bad = 0;
	char *text;

	if ((text = slurp(ctl->baseline, &len)) == NULL)
		err(TRI_EXIT_FAIL, "%s", ctl->baseline);
	if (tri_jsonread_parse(text, len, &doc, &where) < 0)
		errx(TRI_EXIT_FAIL, "%s: not JSON (at byte %zu)", ctl->baseline,
		    where);
	free(text);
	types = tri_jsonread_get(&doc, "types");
	if (strcmp(jstr(&doc, "schema"), "triage.structpad/1") != 0 ||
	    types == NULL || types->type != TRI_J_ARR)
		errx(TRI_EXIT_FAIL, "%s: not a structpad --json file",
		    ctl->baseline);
	for (i = 0; i < types->n; i++) {
		const struct tri_jval *o = &types->items[i];

		for (k = 0; k < n; k++)
			if (strcmp(l[k].t->name, jstr(o, "name")) == 0 &&
			    strcmp(tri_dwarf_kind_name(l[k].t->kind),
			    jstr(o, "kind")) == 0)
				break;
		if (k < n)
			bad += compare(ctl, o, &l[k]);
	}
	tri_jsonread_free(&doc);
	(void)file;
	return bad ? TRI_EXIT_FOUND : TRI_EXIT_OK;
}
