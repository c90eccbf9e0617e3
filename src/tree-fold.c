#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "automerge.h"
#include "error.h"
#include "fold-store.h"
#include "merge-base.h"
#include "repo.h"
#include "strbuf.h"
#include "tree-fold.h"

#define CONFLICT_IN_PLACE 1	/* lines of a file all three sides have */
#define CONFLICT_OTHER 2
#define CONFLICT_ADD_MODES 4	/* added on both sides with two modes: libgit2 picks one, git does not */

struct fold {
	git_repository *repo;
	const struct orch_commit_graph *graph;	/* NULL: libgit2 finds the merge bases */
	struct fold_store store;	/* the trees and blobs this fold made */
	int conflict;			/* CONFLICT_* bits */
	int depth;			/* 0: the merge itself; above: building a virtual merge base */
	int unsupported;		/* a virtual base met a conflict not resolved here as git does */
	struct orch_automerge *list;	/* NULL: do not list differences */
};

/* git's test for a file it does not merge line by line: a NUL in its first 8,000 bytes. */
static int is_binary(const char *data, size_t len)
{
	return memchr(data, 0, len < 8000 ? len : 8000) != NULL;
}

/*
 * Both sides changed a file: merge it line by line, as git's file merge
 * does. Returns 0 with the result in *r, 1 on a conflict, -1 on an error.
 *
 * Inside a virtual merge base (depth > 0) there is no conflict: as git's
 * merge-ort does there, conflicting lines are kept between markers two
 * characters longer per level ("Temporary merge branch 1" and 2), a binary
 * file keeps the base's content (none when the base has no such file), and
 * of two executable bits that both changed, ours stays.
 */
static int merge_file(struct fold *f, const char *path, const struct ent *b, const struct ent *o,
		      const struct ent *t, struct ent *r)
{
	git_blob *held[3] = { NULL, NULL, NULL };
	/* git merges two regular files over a base of another kind as over no base */
	int two_way = b->present && !fold_is_file(b);
	const struct ent *ents[3] = { two_way ? NULL : b, o, t };
	git_merge_file_input in[3];
	git_merge_file_options fo;
	git_merge_file_result res;
	int i, binary = 0, ret = -1;

	memset(&res, 0, sizeof(res));
	for (i = 0; i < 3; i++) {
		const char *data = "";
		size_t len = 0;

		git_merge_file_input_init(&in[i], GIT_MERGE_FILE_INPUT_VERSION);
		if (!ents[i] || !ents[i]->present)
			continue;
		if (fold_read_blob(&f->store, &ents[i]->id, &data, &len, &held[i]) < 0) {
			orch_git_error("cannot read '%s'", path);
			goto done;
		}
		binary |= is_binary(data, len);
		in[i].ptr = data;
		in[i].size = len;
		in[i].path = path;
		in[i].mode = ents[i]->mode;
	}
	if (binary && !f->depth) {
		ret = 1;	/* git does not merge binary files either */
		goto done;
	}
	memset(r, 0, sizeof(*r));
	if (f->depth) {
		r->present = 1;
		r->mode = o->mode == t->mode || (b->present && o->mode == b->mode) ? t->mode : o->mode;
	}
	if (binary) {
		ret = fold_put_object(&f->store, in[0].ptr ? in[0].ptr : "", in[0].size, GIT_OBJECT_BLOB, &r->id) < 0 ? -1 : 0;
		if (ret < 0)
			orch_git_error("cannot store the merge of '%s'", path);
		goto done;
	}
	git_merge_file_options_init(&fo, GIT_MERGE_FILE_OPTIONS_VERSION);
	if (f->depth) {
		fo.ancestor_label = "merged common ancestors";
		fo.our_label = "Temporary merge branch 1";
		fo.their_label = "Temporary merge branch 2";
		fo.marker_size = (unsigned short)(GIT_MERGE_CONFLICT_MARKER_SIZE + 2 * f->depth);
	}
	if (git_merge_file(&res, &in[0], &in[1], &in[2], &fo) < 0) {
		orch_git_error("cannot merge '%s'", path);
		goto done;
	}
	ret = 1;
	if (!f->depth) {
		if (!res.automergeable || !res.mode)
			goto done;
		r->present = 1;
		r->mode = res.mode;
	}
	if (fold_put_object(&f->store, res.ptr ? res.ptr : "", res.len, GIT_OBJECT_BLOB, &r->id) < 0) {
		orch_git_error("cannot store the merge of '%s'", path);
		ret = -1;
		goto done;
	}
	ret = 0;
done:
	git_merge_file_result_free(&res);
	for (i = 0; i < 3; i++)
		git_blob_free(held[i]);
	return ret;
}

static int merge_dir(struct fold *f, const char *path, const struct dir *b, const struct dir *o,
		     const struct dir *t, const struct dir *a, git_oid *out, size_t *nr_out);

static int is_tree_or_absent(const struct ent *e)
{
	return !e->present || e->mode == GIT_FILEMODE_TREE;
}

/*
 * A conflict inside a virtual merge base, resolved as git's merge-ort does
 * there: a file deleted on one side and changed on the other, or of another
 * kind on each side, or a symbolic link changed on both, keeps the base's
 * version (none when the base has none). 0, or 1 for the conflicts git
 * resolves otherwise (a file against a directory, submodules): not decided.
 */
static int virtual_resolve(struct fold *f, const struct ent *eb, const struct ent *eo, const struct ent *et,
			   struct ent *r)
{
	const struct ent *side = eo->present ? eo : et;

	if (fold_is_tree(eo) || fold_is_tree(et) || fold_is_tree(eb) || side->mode == GIT_FILEMODE_COMMIT ||
	    (eo->present && et->present && eo->mode == GIT_FILEMODE_COMMIT && et->mode == GIT_FILEMODE_COMMIT)) {
		f->unsupported = 1;
		return 1;
	}
	*r = *eb;
	return 0;
}

/*
 * One name of a directory, its entries in the base, ours, theirs and the
 * commit's own: the result in *r (absent when deleted or conflicted).
 */
static int merge_entry(struct fold *f, const char *path, const char *name, const struct ent e[4], struct ent *r)
{
	struct ent eb = e[0], eo = e[1], et = e[2], ea = e[3];
	char *full = NULL;
	int recursed = 0, ret = -1, c;

	memset(r, 0, sizeof(*r));
	if (fold_ent_eq(&eo, &et) || fold_ent_eq(&eb, &et)) {
		*r = eo;
	} else if (fold_ent_eq(&eb, &eo)) {
		*r = et;
	} else if (f->depth ? is_tree_or_absent(&eo) && is_tree_or_absent(&et) && is_tree_or_absent(&eb) :
		   fold_is_tree(&eo) && fold_is_tree(&et) && (!eb.present || fold_is_tree(&eb))) {
		/* (in a virtual base, a directory deleted on one side is merged file by file too) */
		struct dir sub[4];
		char *subpath = xasprintf("%s%s/", path, name);
		size_t n = 0, i;
		int err = 0;

		for (i = 0; i < 4; i++)
			err |= fold_load_dir(&f->store, &e[i], &sub[i]) < 0;
		if (!err)
			err = merge_dir(f, subpath, &sub[0], &sub[1], &sub[2], &sub[3], &r->id, &n) < 0;
		for (i = 0; i < 4; i++)
			fold_free_dir(&sub[i]);
		free(subpath);
		if (err)
			goto done;
		r->present = n > 0;	/* git stores no empty directory */
		r->mode = GIT_FILEMODE_TREE;
		recursed = 1;
	} else if (!f->depth && !eb.present && fold_is_file(&eo) && fold_is_file(&et) && eo.mode != et.mode) {
		/* git's add/add conflict; libgit2's file merge would call the base 644 and pick 755 */
		f->conflict |= CONFLICT_OTHER | CONFLICT_ADD_MODES;
	} else if (fold_is_file(&eo) && fold_is_file(&et) &&
		   (!eb.present || fold_is_file(&eb) || (f->depth && eb.mode != GIT_FILEMODE_TREE))) {
		full = xasprintf("%s%s", path, name);
		c = merge_file(f, full, &eb, &eo, &et, r);
		if (c < 0)
			goto done;
		if (c)	/* on a path all three sides have, which rename detection pairs with itself */
			f->conflict |= eb.present ? CONFLICT_IN_PLACE : CONFLICT_OTHER;
	} else if (f->depth) {
		virtual_resolve(f, &eb, &eo, &et, r);
	} else {
		f->conflict |= CONFLICT_OTHER;	/* modify/delete, file/directory, symlinks, submodules */
	}
	r->name = name;
	if (f->list && !fold_ent_eq(r, &ea) && !(recursed && fold_is_tree(&ea))) {
		if (fold_is_tree(r) && fold_is_tree(&ea)) {
			char *prefix = xasprintf("%s%s/", path, name);

			orch_automerge_list_tree_diff(f->repo, f->list, prefix, &ea.id, &r->id);
			free(prefix);
		} else {
			orch_automerge_add_path(f->list, path, name);
		}
	}
	ret = 0;
done:
	free(full);
	return ret;
}

/*
 * The three-way merge of one directory (b the base, o ours, t theirs);
 * `a` is the commit's own directory, to list where it differs. Only the
 * names present somewhere are looked at, and only directories both sides
 * changed are opened.
 */
static int merge_dir(struct fold *f, const char *path, const struct dir *b, const struct dir *o,
		     const struct dir *t, const struct dir *a, git_oid *out, size_t *nr_out)
{
	const struct dir *dirs[4] = { b, o, t, a };
	struct ent head[4], e[4], *items;
	struct { size_t k; const char *name; } *early = NULL;	/* taken out of the walk's order */
	size_t pos[4], cnt[4], total = 0, nr_early = 0, i, k, n = 0;
	int ret = -1;

	for (k = 0; k < 4; k++) {
		pos[k] = 0;
		cnt[k] = fold_dir_count(dirs[k]);
		total += cnt[k];
		if (cnt[k])
			fold_dir_at(dirs[k], 0, &head[k]);
	}
	items = xcalloc(total ? total : 1, sizeof(*items));
	/*
	 * The four directories walked side by side in git's order. A name that
	 * is a file on one side and a directory on another sorts in two places:
	 * looked up by name where the walk does not meet it, and skipped when
	 * it does later.
	 */
	for (;;) {
		const char *name;
		int min = -1;

		for (k = 0; k < 4; k++) {
			for (i = 0; i < nr_early && pos[k] < cnt[k]; i++) {
				if (early[i].k == k && !strcmp(early[i].name, head[k].name)) {
					if (++pos[k] < cnt[k])
						fold_dir_at(dirs[k], pos[k], &head[k]);
					i = (size_t)-1;	/* again, for the next entry */
				}
			}
			if (pos[k] < cnt[k] && (min < 0 || fold_ent_order(&head[k], &head[min]) < 0))
				min = (int)k;
		}
		if (min < 0)
			break;
		name = head[min].name;
		for (k = 0; k < 4; k++) {
			if (pos[k] < cnt[k] && !strcmp(head[k].name, name)) {
				e[k] = head[k];
				if (++pos[k] < cnt[k]) {
					fold_dir_at(dirs[k], pos[k], &head[k]);
					if (fold_ent_order(&e[k], &head[k]) >= 0) {
						f->unsupported = 1;	/* a tree out of git's order */
						goto done_ok;
					}
				}
			} else {
				e[k] = fold_dir_find(dirs[k], name);
				if (e[k].present) {
					early = xrealloc(early, (nr_early + 1) * sizeof(*early));
					early[nr_early].k = k;
					early[nr_early++].name = name;
				}
			}
		}
		if (merge_entry(f, path, name, e, &items[n]) < 0)
			goto done;
		if (items[n].present)
			n++;
	}
	if (fold_make_tree(&f->store, items, n, out) < 0)
		goto done;
done_ok:
	*nr_out = n;
	ret = 0;
done:
	free(early);
	free(items);
	return ret;
}

static void fold_release(struct fold *f)
{
	fold_store_release(&f->store);
}

static struct ent root_ent(int present)
{
	struct ent e = { .present = present, .mode = GIT_FILEMODE_TREE, .name = "" };

	return e;
}

/* The three-way merge of root trees into *out (`actual`: the commit's own, to list differences). */
static int merge_roots(struct fold *f, const struct ent *base, const struct ent *ours, const struct ent *theirs,
		       const struct ent *actual, git_oid *out)
{
	const struct ent *e[4] = { base, ours, theirs, actual };
	struct dir d[4];
	size_t n = 0, k;
	int err = 0;

	memset(d, 0, sizeof(d));
	for (k = 0; k < 4 && !err; k++)
		err = fold_load_dir(&f->store, e[k], &d[k]) < 0;
	if (!err)
		err = merge_dir(f, "", &d[0], &d[1], &d[2], &d[3], out, &n) < 0;
	for (k = 0; k < 4; k++)
		fold_free_dir(&d[k]);
	return err ? -1 : 0;
}

/* Nested virtual merge bases deeper than this are left to the other engines. */
#define MAX_DEPTH 32

static int virtual_base(struct fold *f, const struct orch_merge_bases *bases, struct ent *out);

/*
 * One step of a virtual merge base, at depth f->depth: *cur (the virtual
 * merge of leaves[0..nr), or that commit's tree when nr is 1) merged with
 * commit `next` over their own merge bases, as git's merge-ort does: the
 * bases of a virtual commit are those of the commits merged into it.
 * Returns 0, 1 when it cannot be built here, -1 on an error.
 */
static int merge_virtual(struct fold *f, const git_oid *leaves, size_t nr, const git_oid *next, struct ent *cur)
{
	struct orch_merge_bases bases = ORCH_MERGE_BASES_INIT;
	git_oid *inputs = xcalloc(nr + 1, sizeof(*inputs));
	struct ent base, theirs = root_ent(1), none = root_ent(0);
	int r = -1;

	git_oid_cpy(&inputs[0], next);
	memcpy(&inputs[1], leaves, nr * sizeof(*inputs));
	if (orch_merge_bases_find(f->repo, f->graph, inputs, nr + 1, &bases) < 0) {
		orch_git_error("cannot find the merge base of %s", orch_short_oid(next));
		goto done;
	}
	f->depth++;
	r = virtual_base(f, &bases, &base);
	f->depth--;
	if (r)
		goto done;
	r = -1;
	if (orch_commit_tree_id(f->repo, next, &theirs.id) < 0 || merge_roots(f, &base, cur, &theirs, &none, &cur->id) < 0)
		goto done;
	r = f->unsupported;
done:
	orch_merge_bases_release(&bases);
	free(inputs);
	return r;
}

/*
 * The tree to merge over: the only merge base's, none, or for several the
 * virtual base git's merge-ort builds (at depth f->depth >= 1): the bases
 * oldest first (by committer date, as git orders them), each merged into
 * the merge of those before it, conflicts resolved as git resolves them in
 * a virtual base. Returns 0, 1 when it cannot be built here, -1 on an error.
 */
static int virtual_base(struct fold *f, const struct orch_merge_bases *bases, struct ent *out)
{
	git_oid *order;
	int64_t *time;
	size_t i, k;
	int r = -1;

	*out = root_ent(bases->nr > 0);
	if (bases->nr < 2)
		return bases->nr ? orch_commit_tree_id(f->repo, &bases->ids[0], &out->id) : 0;
	if (f->depth > MAX_DEPTH)
		return 1;
	order = xcalloc(bases->nr, sizeof(*order));
	time = xcalloc(bases->nr, sizeof(*time));
	/* git lists them newest first (equal dates in the walk's order), then reverses the list */
	for (i = 0; i < bases->nr; i++) {
		git_commit *c;

		if (git_commit_lookup(&c, f->repo, &bases->ids[i]) < 0) {
			orch_git_error("cannot read the merge base %s", orch_short_oid(&bases->ids[i]));
			goto done;
		}
		for (k = i; k > 0 && time[k - 1] >= git_commit_time(c); k--) {
			time[k] = time[k - 1];
			git_oid_cpy(&order[k], &order[k - 1]);
		}
		time[k] = git_commit_time(c);
		git_oid_cpy(&order[k], &bases->ids[i]);
		git_commit_free(c);
	}
	if (orch_commit_tree_id(f->repo, &order[0], &out->id) < 0)
		goto done;
	for (i = 1; i < bases->nr; i++) {
		r = merge_virtual(f, order, i, &order[i], out);
		if (r)
			goto done;
	}
	r = 0;
done:
	free(order);
	free(time);
	return r;
}

/*
 * The parents folded in one at a time over their merge base. Returns 0 with
 * the result in *root (*clean says whether it merged cleanly), 1 when it is
 * not decided here (a step of an octopus with several merge bases, a
 * virtual base with a conflict git resolves otherwise), -1 on error.
 */
static int fold_parents(struct fold *f, const git_oid *parents, unsigned nr, const git_oid *tree,
			git_oid *root, int *clean, unsigned *how)
{
	git_oid *inputs = xcalloc(nr, sizeof(*inputs));
	struct ent cur = root_ent(1), base, theirs, actual;
	unsigned i, k;
	int ret = -1;

	if (orch_commit_tree_id(f->repo, &parents[0], &cur.id) < 0)
		goto done;
	for (i = 1; i < nr; i++) {
		struct orch_merge_bases bases = ORCH_MERGE_BASES_INIT;
		struct orch_automerge *list = f->list;
		int err, conflict;

		git_oid_cpy(&inputs[0], &parents[i]);
		for (k = 0; k < i; k++)
			git_oid_cpy(&inputs[k + 1], &parents[k]);
		if (orch_merge_bases_find(f->repo, f->graph, inputs, i + 1, &bases) < 0) {
			orch_git_error("cannot find the merge base of %s", orch_short_oid(&parents[i]));
			goto done;
		}
		if (bases.nr > 1 && nr > 2) {	/* git's octopus gives up there too */
			orch_merge_bases_release(&bases);
			ret = 1;
			goto done;
		}
		if (bases.nr > 1)
			*how |= ORCH_FOLD_VIRTUAL_BASE;
		conflict = f->conflict;
		f->list = NULL;
		f->depth = 1;
		err = virtual_base(f, &bases, &base);
		f->depth = 0;
		f->list = list;
		f->conflict = conflict;	/* conflicts inside a virtual base are part of it */
		orch_merge_bases_release(&bases);
		if (err) {
			ret = err;
			goto done;
		}
		theirs = root_ent(1);
		if (orch_commit_tree_id(f->repo, &parents[i], &theirs.id) < 0)
			goto done;
		/* Only the last step is compared with the commit's tree. */
		actual = root_ent(i == nr - 1);
		git_oid_cpy(&actual.id, tree);
		if (i != nr - 1)
			f->list = NULL;
		err = merge_roots(f, &base, &cur, &theirs, &actual, &cur.id);
		f->list = list;
		if (err)
			goto done;
		if (f->unsupported) {
			ret = 1;
			goto done;
		}
	}
	git_oid_cpy(root, &cur.id);
	*clean = !f->conflict;
	if (f->conflict == CONFLICT_IN_PLACE)
		*how |= ORCH_FOLD_RENAMES_MOOT;
	if (f->conflict & CONFLICT_ADD_MODES)
		*how |= ORCH_FOLD_LIBGIT2_DIFFERS;
	ret = 0;
done:
	free(inputs);
	return ret;
}

int orch_tree_fold(git_repository *repo, const struct orch_commit_graph *graph, int write,
		   struct orch_automerge *list, const git_oid *parents, unsigned nr, const git_oid *tree,
		   git_oid *root, int *clean, unsigned *how)
{
	struct fold f;
	int r;

	memset(&f, 0, sizeof(f));
	f.repo = repo;
	f.store.repo = repo;
	f.graph = graph;
	f.store.write = write;
	f.list = list;
	*how = 0;
	if (git_repository_odb(&f.store.odb, repo) < 0)
		return orch_git_error("cannot open the object database");
	r = fold_parents(&f, parents, nr, tree, root, clean, how);
	fold_release(&f);
	return r;
}
