#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "automerge.h"
#include "error.h"
#include "repo.h"
#include "run.h"
#include "strbuf.h"

/* ---- the paths that differ ------------------------------------------------ */

static void add_path(struct orch_automerge *m, const char *dir, const char *name)
{
	if (m->nr_listed < ORCH_AUTOMERGE_MAX_PATHS)
		m->paths[m->nr_listed++] = xasprintf("%s%s", dir, name);
	m->nr_paths++;
}

static void clear_paths(struct orch_automerge *m)
{
	size_t i;

	for (i = 0; i < m->nr_listed; i++)
		free(m->paths[i]);
	m->nr_listed = m->nr_paths = 0;
}

static int list_delta(const git_diff_delta *d, float progress, void *payload)
{
	(void)progress;
	add_path(payload, "", d->new_file.path ? d->new_file.path : d->old_file.path);
	return 0;
}

/* Lists the paths where two trees (both in the object database) differ. */
static void list_tree_diff(git_repository *repo, struct orch_automerge *m, const char *dir,
			   const git_oid *a, const git_oid *b)
{
	git_tree *ta = NULL, *tb = NULL;
	git_diff *diff = NULL;

	if (git_tree_lookup(&ta, repo, a) == 0 && git_tree_lookup(&tb, repo, b) == 0 &&
	    git_diff_tree_to_tree(&diff, repo, ta, tb, NULL) == 0) {
		size_t i, n = git_diff_num_deltas(diff);

		for (i = 0; i < n; i++) {
			const git_diff_delta *d = git_diff_get_delta(diff, i);

			add_path(m, dir, d->new_file.path ? d->new_file.path : d->old_file.path);
		}
	} else {
		add_path(m, dir, "");
	}
	git_diff_free(diff);
	git_tree_free(ta);
	git_tree_free(tb);
}

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
	struct ent e = { 0, 0, { { 0 } }, NULL };
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
	r = put_object(f, sb.buf ? sb.buf : "", sb.len, GIT_OBJECT_TREE, out);
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

			list_tree_diff(f->repo, f->list, prefix, &ea.id, &r->id);
			free(prefix);
		} else {
			add_path(f->list, path, name);
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

static int commit_tree_id(git_repository *repo, const git_oid *commit, git_oid *out)
{
	git_commit *c = NULL;

	if (git_commit_lookup(&c, repo, commit) < 0)
		return orch_git_error("cannot read commit %s", orch_short_oid(commit));
	git_oid_cpy(out, git_commit_tree_id(c));
	git_commit_free(c);
	return 0;
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

	if (commit_tree_id(f->repo, &parents[0], &cur.id) < 0)
		goto done;
	for (i = 1; i < nr; i++) {
		git_oidarray bases = { NULL, 0 };
		struct dir d[4];
		const struct ent *e[4] = { &base, &cur, &theirs, &actual };
		size_t n = 0;
		int err;

		git_oid_cpy(&inputs[0], &parents[i]);
		for (k = 0; k < i; k++)
			git_oid_cpy(&inputs[k + 1], &parents[k]);
		err = git_merge_bases_many(&bases, f->repo, i + 1, inputs);
		if (err < 0 && err != GIT_ENOTFOUND) {
			orch_git_error("cannot find the merge base of %s", orch_short_oid(&parents[i]));
			goto done;
		}
		if (err == 0 && bases.count > 1) {
			git_oidarray_free(&bases);
			ret = 1;
			goto done;
		}
		memset(&base, 0, sizeof(base));
		memset(&theirs, 0, sizeof(theirs));
		memset(&actual, 0, sizeof(actual));
		base.mode = theirs.mode = actual.mode = GIT_FILEMODE_TREE;
		theirs.present = 1;
		base.present = err == 0 && bases.count == 1;
		err = (base.present && commit_tree_id(f->repo, &bases.ids[0], &base.id) < 0) ||
		      commit_tree_id(f->repo, &parents[i], &theirs.id) < 0;
		git_oidarray_free(&bases);
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

/* libgit2's whole merge: renames, and a recursive virtual base for criss-cross histories. */
static int libgit2_merge(git_repository *repo, const git_oid *parents, const git_oid *tree,
			 const struct orch_automerge_opts *opts, struct orch_automerge *out)
{
	git_commit *ours = NULL, *theirs = NULL;
	git_index *index = NULL;
	git_tree *actual = NULL;
	git_diff *diff = NULL;
	git_merge_options mo;
	int ret = -1;

	git_merge_options_init(&mo, GIT_MERGE_OPTIONS_VERSION);
	if (git_commit_lookup(&ours, repo, &parents[0]) < 0 || git_commit_lookup(&theirs, repo, &parents[1]) < 0 ||
	    git_tree_lookup(&actual, repo, tree) < 0) {
		orch_git_error("cannot read the parents of the merge");
		goto done;
	}
	if (git_merge_commits(&index, repo, ours, theirs, &mo) < 0) {
		orch_git_error("libgit2 cannot merge %s and %s", orch_short_oid(&parents[0]),
			       orch_short_oid(&parents[1]));
		goto done;
	}
	out->engine = "libgit2";
	clear_paths(out);
	if (git_index_has_conflicts(index)) {
		out->conflict = 1;
		ret = 0;
		goto done;
	}
	out->conflict = 0;
	if (git_diff_tree_to_index(&diff, repo, actual, index, NULL) < 0) {
		orch_git_error("cannot compare the merge with libgit2's");
		goto done;
	}
	git_diff_foreach(diff, list_delta, NULL, NULL, NULL, out);
	out->same = out->nr_paths == 0;
	if (opts->write && git_index_write_tree_to(&out->tree, index, repo) == 0)
		out->has_tree = 1;
	ret = 0;
done:
	git_diff_free(diff);
	git_tree_free(actual);
	git_index_free(index);
	git_commit_free(ours);
	git_commit_free(theirs);
	return ret;
}

/*
 * The environment git needs to see the repository as we do: its directory
 * and, inside pre-receive, the quarantined objects of the push. Everything
 * else of git's (the pusher's config included) is scrubbed.
 */
static char **git_env(git_repository *repo)
{
	static const char *const keep[] = { "GIT_QUARANTINE_PATH", "GIT_OBJECT_DIRECTORY",
					    "GIT_ALTERNATE_OBJECT_DIRECTORIES", NULL };
	char **env = xcalloc(8, sizeof(*env));
	size_t i, n = 0;

	env[n++] = xasprintf("GIT_DIR=%s", git_repository_path(repo));
	env[n++] = xstrdup("GIT_CONFIG_PARAMETERS=");
	env[n++] = xstrdup("GIT_CONFIG_COUNT=0");
	for (i = 0; keep[i]; i++)
		if (getenv(keep[i]))
			env[n++] = xasprintf("%s=%s", keep[i], getenv(keep[i]));
	return env;
}

/* git's own merge of the two parents: `git merge-tree --write-tree` (git >= 2.38). */
static int git_merge_tree_confirm(git_repository *repo, const git_oid *parents, const git_oid *tree,
		     const struct orch_automerge_opts *opts, struct orch_automerge *out)
{
	struct orch_run_opts o = ORCH_RUN_OPTS_INIT;
	struct orch_run_result res;
	char hex[2][GIT_OID_HEXSZ + 1], why[200];
	const char *argv[] = { "git", "merge-tree", "--write-tree", "--no-messages", hex[0], hex[1], NULL };
	char **env = git_env(repo);
	git_oid merged;
	size_t i;
	int ret = 1;

	git_oid_tostr(hex[0], sizeof(hex[0]), &parents[0]);
	git_oid_tostr(hex[1], sizeof(hex[1]), &parents[1]);
	o.argv = argv;
	o.env = (const char *const *)env;
	o.scrub_git_env = 1;
	o.cwd = git_repository_path(repo);
	o.timeout_ms = opts->git_timeout_ms;
	orch_run(&o, &res);
	if (!res.started || !res.exited || res.timed_out || (res.exit_code != 0 && res.exit_code != 1) ||
	    res.output.len < GIT_OID_HEXSZ || git_oid_fromstrn(&merged, strbuf_str(&res.output), GIT_OID_HEXSZ) < 0) {
		orch_run_describe(&res, o.timeout_ms, why, sizeof(why));
		free(out->note);
		out->note = xasprintf("git merge-tree --write-tree could not confirm it (%s; git 2.38 "
				      "or later is needed)", res.started ? why : res.start_error);
		goto done;
	}
	out->engine = "git merge-tree";
	out->conflict = res.exit_code == 1;
	out->same = !out->conflict && git_oid_equal(&merged, tree);
	git_oid_cpy(&out->tree, &merged);
	out->has_tree = 1;
	clear_paths(out);
	if (!out->same)
		list_tree_diff(repo, out, "", tree, &merged);
	ret = 0;
done:
	orch_run_result_release(&res);
	for (i = 0; env[i]; i++)
		free(env[i]);
	free(env);
	return ret;
}

int orch_automerge_check(git_repository *repo, const git_oid *parents, unsigned nr,
			 const git_oid *tree, const struct orch_automerge_opts *opts,
			 struct orch_automerge *out)
{
	struct orch_automerge_opts defaults = ORCH_AUTOMERGE_OPTS_INIT;
	struct fold f;
	git_oid root;
	int clean = 0, r = 1;

	if (!opts)
		opts = &defaults;
	memset(&f, 0, sizeof(f));
	f.repo = repo;
	f.write = opts->write;
	f.list = out;
	if (git_repository_odb(&f.odb, repo) < 0)
		return orch_git_error("cannot open the object database");
	out->engine = nr > 2 ? "libgit2 (octopus, one parent at a time)" : "libgit2";
	if (!(nr == 2 && opts->skip_libgit2)) {
		r = fold_parents(&f, parents, nr, tree, &root, &clean);
		if (r < 0)
			goto fail;
	}
	if (r == 0) {
		out->conflict = !clean;
		out->same = clean && git_oid_equal(&root, tree);
		if (clean) {
			git_oid_cpy(&out->tree, &root);
			out->has_tree = f.write;
		}
		if (out->same || nr > 2)
			goto done;
	} else if (nr > 2) {
		out->conflict = 1;
		free(out->note);
		out->note = xstrdup("a step of the octopus has several merge bases");
		goto done;
	}
	/* Not reproduced (or criss-cross): libgit2's whole merge, then git's own. */
	if (!opts->skip_libgit2) {
		if (libgit2_merge(repo, parents, tree, opts, out) < 0)
			goto fail;
		if (out->same)
			goto done;
	}
	if (opts->confirm_with_git)
		git_merge_tree_confirm(repo, parents, tree, opts, out);
done:
	fold_release(&f);
	return 0;
fail:
	fold_release(&f);
	return -1;
}

void orch_automerge_release(struct orch_automerge *m)
{
	clear_paths(m);
	free(m->note);
	memset(m, 0, sizeof(*m));
}

void orch_automerge_describe(const git_oid *merge, const struct orch_automerge *m, const char *indent)
{
	struct strbuf sb = STRBUF_INIT;
	size_t i;

	orch_say("%smerge %s carries changes of its own: its tree is not the automatic merge of its "
		 "parents (%s%s, decided by %s)", indent, git_oid_tostr_s(merge),
		 m->conflict ? "which does not merge cleanly" : "which merges cleanly",
		 m->conflict ? ": a resolved conflict" : ": an edit or a tree made by hand",
		 m->engine ? m->engine : "libgit2");
	if (m->note)
		orch_say("%s  (%s)", indent, m->note);
	for (i = 0; i < m->nr_listed; i++)
		strbuf_addf(&sb, "%s%s", i ? ", " : "", m->paths[i]);
	if (m->nr_paths > m->nr_listed)
		strbuf_addf(&sb, " and %zu more", m->nr_paths - m->nr_listed);
	if (sb.len)
		orch_say("%s  paths that differ from the automatic merge: %s", indent, strbuf_str(&sb));
	strbuf_release(&sb);
}
