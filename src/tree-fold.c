#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "automerge.h"
#include "error.h"
#include "merge-base.h"
#include "repo.h"
#include "strbuf.h"
#include "tree-fold.h"

/* ---- trees: in the repository, or made by an earlier octopus step -------- */

struct ent {
	int present;
	git_filemode_t mode;
	git_oid id;
	const char *name;
};

struct mem_tree {
	git_oid id;
	struct ent *items;	/* names owned here */
	size_t nr;
};

/* One directory level as the merge reads it. */
struct dir {
	git_tree *tree;
	const struct mem_tree *mem;
};

struct fold {
	git_repository *repo;
	const struct orch_commit_graph *graph;	/* NULL: libgit2 finds the merge bases */
	git_odb *odb;
	int write;
	int conflict;
	struct orch_automerge *list;	/* NULL: do not list differences */
	struct mem_tree *mem;		/* trees not written (octopus steps) */
	size_t nr_mem, alloc_mem;
};

static int is_tree(const struct ent *e)
{
	return e->present && e->mode == GIT_FILEMODE_TREE;
}

static int is_file(const struct ent *e)
{
	return e->present && (e->mode == GIT_FILEMODE_BLOB || e->mode == GIT_FILEMODE_BLOB_EXECUTABLE);
}

static int ent_eq(const struct ent *a, const struct ent *b)
{
	if (!a->present || !b->present)
		return a->present == b->present;
	return a->mode == b->mode && git_oid_equal(&a->id, &b->id);
}

static struct ent dir_find(const struct dir *d, const char *name)
{
	struct ent e = { .present = 0 };
	size_t i;

	if (d->tree) {
		const git_tree_entry *te = git_tree_entry_byname(d->tree, name);

		if (te) {
			e.present = 1;
			e.mode = git_tree_entry_filemode(te);
			git_oid_cpy(&e.id, git_tree_entry_id(te));
			e.name = git_tree_entry_name(te);
		}
	} else if (d->mem) {
		for (i = 0; i < d->mem->nr; i++)
			if (!strcmp(d->mem->items[i].name, name))
				return d->mem->items[i];
	}
	return e;
}

static size_t dir_count(const struct dir *d)
{
	return d->tree ? git_tree_entrycount(d->tree) : d->mem ? d->mem->nr : 0;
}

static const char *dir_name(const struct dir *d, size_t i)
{
	return d->tree ? git_tree_entry_name(git_tree_entry_byindex(d->tree, i)) : d->mem->items[i].name;
}

static int load_dir(struct fold *f, const struct ent *e, struct dir *out)
{
	size_t i;

	memset(out, 0, sizeof(*out));
	if (!is_tree(e))
		return 0;
	for (i = 0; i < f->nr_mem; i++) {
		if (git_oid_equal(&f->mem[i].id, &e->id)) {
			out->mem = &f->mem[i];
			return 0;
		}
	}
	if (git_tree_lookup(&out->tree, f->repo, &e->id) < 0)
		return orch_git_error("cannot read tree %s", orch_short_oid(&e->id));
	return 0;
}

static void free_dir(struct dir *d)
{
	git_tree_free(d->tree);
	memset(d, 0, sizeof(*d));
}

/* git's order: a directory sorts as if its name ended in '/'. */
static int ent_order(const void *pa, const void *pb)
{
	const struct ent *a = pa, *b = pb;
	size_t la = strlen(a->name), lb = strlen(b->name), n = la < lb ? la : lb;
	int c = memcmp(a->name, b->name, n);
	unsigned char ca, cb;

	if (c)
		return c;
	ca = la > n ? (unsigned char)a->name[n] : is_tree(a) ? '/' : 0;
	cb = lb > n ? (unsigned char)b->name[n] : is_tree(b) ? '/' : 0;
	return (int)ca - (int)cb;
}

static int name_cmp(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Hashes (and, when asked, writes) one object. */
static int put_object(struct fold *f, const void *data, size_t len, git_object_t type, git_oid *out)
{
	if (f->write)
		return git_odb_write(out, f->odb, data, len, type);
	return git_odb_hash(out, data, len, type);
}

/* The tree of `items` (sorted here); kept in memory too when it is not written. */
static int make_tree(struct fold *f, struct ent *items, size_t nr, git_oid *out)
{
	struct strbuf sb = STRBUF_INIT;
	size_t i;
	int r;

	qsort(items, nr, sizeof(*items), ent_order);
	for (i = 0; i < nr; i++) {
		strbuf_addf(&sb, "%o %s", (unsigned)items[i].mode, items[i].name);
		strbuf_add(&sb, "", 1);
		strbuf_add(&sb, items[i].id.id, GIT_OID_RAWSZ);
	}
	r = put_object(f, sb.buf, sb.len, GIT_OBJECT_TREE, out);
	strbuf_release(&sb);
	if (r < 0)
		return orch_git_error("cannot make a merged tree");
	if (!f->write) {
		struct mem_tree *m;

		if (f->nr_mem == f->alloc_mem) {
			f->alloc_mem = f->alloc_mem ? 2 * f->alloc_mem : 16;
			f->mem = xrealloc(f->mem, f->alloc_mem * sizeof(*f->mem));
		}
		m = &f->mem[f->nr_mem++];
		git_oid_cpy(&m->id, out);
		m->items = xcalloc(nr ? nr : 1, sizeof(*m->items));
		for (i = 0; i < nr; i++) {
			m->items[i] = items[i];
			m->items[i].name = xstrdup(items[i].name);
		}
		m->nr = nr;
	}
	return 0;
}

/* Both sides changed a file: merge it line by line, as git's file merge does. */
static int merge_file(struct fold *f, const char *path, const struct ent *b, const struct ent *o,
		      const struct ent *t, struct ent *r)
{
	git_blob *blobs[3] = { NULL, NULL, NULL };
	const struct ent *ents[3] = { b, o, t };
	git_merge_file_input in[3];
	git_merge_file_result res;
	int i, ret = -1;

	memset(&res, 0, sizeof(res));
	for (i = 0; i < 3; i++) {
		git_merge_file_input_init(&in[i], GIT_MERGE_FILE_INPUT_VERSION);
		if (!ents[i]->present)
			continue;
		if (git_blob_lookup(&blobs[i], f->repo, &ents[i]->id) < 0) {
			orch_git_error("cannot read '%s'", path);
			goto done;
		}
		if (git_blob_is_binary(blobs[i])) {
			ret = 1;	/* git does not merge binary files either */
			goto done;
		}
		in[i].ptr = git_blob_rawcontent(blobs[i]);
		in[i].size = (size_t)git_blob_rawsize(blobs[i]);
		in[i].path = path;
		in[i].mode = ents[i]->mode;
	}
	if (git_merge_file(&res, &in[0], &in[1], &in[2], NULL) < 0) {
		orch_git_error("cannot merge '%s'", path);
		goto done;
	}
	ret = 1;
	if (!res.automergeable || !res.mode)
		goto done;
	r->present = 1;
	r->mode = res.mode;
	if (put_object(f, res.ptr ? res.ptr : "", res.len, GIT_OBJECT_BLOB, &r->id) < 0) {
		orch_git_error("cannot store the merge of '%s'", path);
		ret = -1;
		goto done;
	}
	ret = 0;
done:
	git_merge_file_result_free(&res);
	for (i = 0; i < 3; i++)
		git_blob_free(blobs[i]);
	return ret;
}

static int merge_dir(struct fold *f, const char *path, const struct dir *b, const struct dir *o,
		     const struct dir *t, const struct dir *a, git_oid *out, size_t *nr_out);

/* One name of a directory: the result in *r (absent when deleted or conflicted). */
static int merge_entry(struct fold *f, const char *path, const char *name, const struct dir *dirs[4],
		       struct ent *r)
{
	struct ent eb = dir_find(dirs[0], name), eo = dir_find(dirs[1], name);
	struct ent et = dir_find(dirs[2], name), ea = dir_find(dirs[3], name);
	char *full = xasprintf("%s%s", path, name);
	int recursed = 0, ret = -1, c;

	memset(r, 0, sizeof(*r));
	if (ent_eq(&eo, &et) || ent_eq(&eb, &et)) {
		*r = eo;
	} else if (ent_eq(&eb, &eo)) {
		*r = et;
	} else if (is_tree(&eo) && is_tree(&et) && (!eb.present || is_tree(&eb))) {
		struct dir sub[4];
		const struct ent *e[4] = { &eb, &eo, &et, &ea };
		char *subpath = xasprintf("%s/", full);
		size_t n = 0, i;
		int err = 0;

		for (i = 0; i < 4; i++)
			err |= load_dir(f, e[i], &sub[i]) < 0;
		if (!err)
			err = merge_dir(f, subpath, &sub[0], &sub[1], &sub[2], &sub[3], &r->id, &n) < 0;
		for (i = 0; i < 4; i++)
			free_dir(&sub[i]);
		free(subpath);
		if (err)
			goto done;
		r->present = n > 0;	/* git stores no empty directory */
		r->mode = GIT_FILEMODE_TREE;
		recursed = 1;
	} else if (is_file(&eo) && is_file(&et) && (!eb.present || is_file(&eb))) {
		c = merge_file(f, full, &eb, &eo, &et, r);
		if (c < 0)
			goto done;
		f->conflict |= c;
	} else {
		f->conflict = 1;	/* modify/delete, file/directory, symlinks, submodules */
	}
	r->name = name;
	if (f->list && !ent_eq(r, &ea) && !(recursed && is_tree(&ea))) {
		if (is_tree(r) && is_tree(&ea)) {
			char *prefix = xasprintf("%s/", full);

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
	const char **names;
	struct ent *items;
	size_t total = 0, nr = 0, i, k, n = 0;
	int ret = -1;

	for (k = 0; k < 4; k++)
		total += dir_count(dirs[k]);
	names = xcalloc(total ? total : 1, sizeof(*names));
	items = xcalloc(total ? total : 1, sizeof(*items));
	for (k = 0; k < 4; k++)
		for (i = 0; i < dir_count(dirs[k]); i++)
			names[nr++] = dir_name(dirs[k], i);
	qsort(names, nr, sizeof(*names), name_cmp);
	for (i = 0; i < nr; i++) {
		if (i && !strcmp(names[i], names[i - 1]))
			continue;
		if (merge_entry(f, path, names[i], dirs, &items[n]) < 0)
			goto done;
		if (items[n].present)
			n++;
	}
	if (make_tree(f, items, n, out) < 0)
		goto done;
	*nr_out = n;
	ret = 0;
done:
	free(names);
	free(items);
	return ret;
}

static void fold_release(struct fold *f)
{
	size_t i, k;

	for (i = 0; i < f->nr_mem; i++) {
		for (k = 0; k < f->mem[i].nr; k++)
			free((char *)f->mem[i].items[k].name);
		free(f->mem[i].items);
	}
	free(f->mem);
	git_odb_free(f->odb);
}

/*
 * The parents folded in one at a time over their merge base. Returns 0 with
 * the result in *root (*clean says whether it merged cleanly), 1 when some
 * step has several merge bases (not decided here), -1 on error.
 */
static int fold_parents(struct fold *f, const git_oid *parents, unsigned nr, const git_oid *tree,
			git_oid *root, int *clean)
{
	git_oid *inputs = xcalloc(nr, sizeof(*inputs));
	struct ent cur = { 1, GIT_FILEMODE_TREE, { { 0 } }, "" }, base, theirs, actual;
	unsigned i, k;
	int ret = -1;

	if (orch_commit_tree_id(f->repo, &parents[0], &cur.id) < 0)
		goto done;
	for (i = 1; i < nr; i++) {
		struct orch_merge_bases bases = ORCH_MERGE_BASES_INIT;
		struct dir d[4];
		const struct ent *e[4] = { &base, &cur, &theirs, &actual };
		size_t n = 0;
		int err;

		git_oid_cpy(&inputs[0], &parents[i]);
		for (k = 0; k < i; k++)
			git_oid_cpy(&inputs[k + 1], &parents[k]);
		if (orch_merge_bases_find(f->repo, f->graph, inputs, i + 1, &bases) < 0) {
			orch_git_error("cannot find the merge base of %s", orch_short_oid(&parents[i]));
			goto done;
		}
		if (bases.nr > 1) {
			orch_merge_bases_release(&bases);
			ret = 1;
			goto done;
		}
		memset(&base, 0, sizeof(base));
		memset(&theirs, 0, sizeof(theirs));
		memset(&actual, 0, sizeof(actual));
		base.mode = theirs.mode = actual.mode = GIT_FILEMODE_TREE;
		theirs.present = 1;
		base.present = bases.nr == 1;
		err = (base.present && orch_commit_tree_id(f->repo, &bases.ids[0], &base.id) < 0) ||
		      orch_commit_tree_id(f->repo, &parents[i], &theirs.id) < 0;
		orch_merge_bases_release(&bases);
		if (err)
			goto done;
		/* Only the last step is compared with the commit's tree. */
		actual.present = i == nr - 1;
		git_oid_cpy(&actual.id, tree);
		memset(d, 0, sizeof(d));
		for (k = 0; k < 4 && !err; k++)
			err = load_dir(f, e[k], &d[k]) < 0;
		if (!err) {
			struct orch_automerge *list = f->list;

			if (i != nr - 1)
				f->list = NULL;
			err = merge_dir(f, "", &d[0], &d[1], &d[2], &d[3], &cur.id, &n) < 0;
			f->list = list;
		}
		for (k = 0; k < 4; k++)
			free_dir(&d[k]);
		if (err)
			goto done;
	}
	git_oid_cpy(root, &cur.id);
	*clean = !f->conflict;
	ret = 0;
done:
	free(inputs);
	return ret;
}

int orch_tree_fold(git_repository *repo, const struct orch_commit_graph *graph, int write,
		   struct orch_automerge *list, const git_oid *parents, unsigned nr, const git_oid *tree,
		   git_oid *root, int *clean)
{
	struct fold f;
	int r;

	memset(&f, 0, sizeof(f));
	f.repo = repo;
	f.graph = graph;
	f.write = write;
	f.list = list;
	if (git_repository_odb(&f.odb, repo) < 0)
		return orch_git_error("cannot open the object database");
	r = fold_parents(&f, parents, nr, tree, root, clean);
	fold_release(&f);
	return r;
}
