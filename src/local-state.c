#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "error.h"
#include "files.h"
#include "handoff.h"
#include "local-state.h"
#include "repo.h"
#include "run.h"
#include "strbuf.h"

/* The last line of `out` that is a full object id. */
static int last_oid(const struct orch_run_result *res, git_oid *out)
{
	const char *s = strbuf_str(&res->output);
	const char *p = s + strlen(s);

	while (p > s) {
		const char *end = p, *start;

		while (end > s && end[-1] == '\n')
			end--;
		start = end;
		while (start > s && start[-1] != '\n')
			start--;
		if (end - start == GIT_OID_HEXSZ && git_oid_fromstrn(out, start, GIT_OID_HEXSZ) == 0)
			return 0;
		p = start;
	}
	return -1;
}

/* Runs git in the work tree with `index` as its index file; the tree id it prints in *out. */
static int git_tree_of(git_repository *repo, const char *index, const char *const *argv, git_oid *out)
{
	struct orch_run_opts o = ORCH_RUN_OPTS_INIT;
	struct orch_run_result res;
	char *env[2] = { NULL, NULL };
	char how[320];
	int ret = -1;

	env[0] = xasprintf("GIT_INDEX_FILE=%s", index);
	o.argv = argv;
	o.env = (const char *const *)env;
	o.scrub_git_env = 1;
	o.cwd = git_repository_workdir(repo);
	o.timeout_ms = 10u * 60 * 1000;
	if (orch_run(&o, &res) < 0) {
		orch_run_describe(&res, o.timeout_ms, how, sizeof(how));
		orch_error("'git %s' failed (%s): %s", argv[1], how, orch_run_tail(&res, 3));
		goto done;
	}
	if (out && last_oid(&res, out) < 0) {
		orch_error("'git %s' printed no tree id", argv[1]);
		goto done;
	}
	ret = 0;
done:
	orch_run_result_release(&res);
	free(env[0]);
	return ret;
}

/* 1 if an entry was added with `git add -N`: git leaves those out of the tree, libgit2 1.5 does not. */
static int has_intent_to_add(const git_index *idx)
{
	size_t i, n = git_index_entrycount(idx);

	for (i = 0; i < n; i++)
		if (git_index_get_byindex((git_index *)idx, i)->flags_extended & GIT_INDEX_ENTRY_INTENT_TO_ADD)
			return 1;
	return 0;
}

/*
 * The tree of an index file, written in-process as `git write-tree` would
 * (same tree ids, refused on conflicts): a git process less per tree. An
 * index libgit2 cannot read (a split or sparse index: extensions it does
 * not know) or writes differently (intent-to-add entries) goes to git.
 */
static int index_tree_of(git_repository *repo, const char *index, git_oid *out)
{
	const char *write_tree[] = { "git", "write-tree", NULL };
	git_index *idx = NULL;
	int ret = -1;

	if (access(index, F_OK) == 0 && git_index_open(&idx, index) == 0 && !has_intent_to_add(idx))
		ret = git_index_write_tree_to(out, idx, repo);
	git_index_free(idx);
	if (ret == 0)
		return 0;
	git_error_clear();
	return git_tree_of(repo, index, write_tree, out);
}

/* Stops git_config_foreach_match at the first entry. */
static int any_entry(const git_config_entry *entry, void *payload)
{
	(void)entry;
	(void)payload;
	return 1;
}

/*
 * 1 when no clean filter can apply to any file: no attributes anywhere git
 * looks for them (the index, info/attributes, the user's file, the usual
 * system files) and core.autocrlf off, in configuration files libgit2
 * reads as git does (none given in git's environment). Only then does a
 * file's raw content hash to what `git add` would stage.
 * Configuration git reads and libgit2 1.5 may not is doubt too: any
 * includeIf (libgit2 skips the conditions it does not know, hasconfig)
 * and extensions.worktreeConfig (git then reads config.worktree, even
 * in a repository of format 0).
 */
static int no_filters(git_repository *repo, int attributes_tracked)
{
	const char *home = getenv("HOME"), *xdg = getenv("XDG_CONFIG_HOME");
	git_config *cfg = NULL;
	git_config_entry *attrfile = NULL, *wtcfg = NULL;
	char *info = xasprintf("%sinfo/attributes", git_repository_commondir(repo));
	char *user = xdg && *xdg ? xasprintf("%s/git/attributes", xdg)
				 : xasprintf("%s/.config/git/attributes", home ? home : "/nonexistent");
	int on = 1, none;

	/* settings git takes from its environment, libgit2 1.5 does not (`git -c`, ...) */
	none = !attributes_tracked && !getenv("GIT_ATTR_SOURCE") && !getenv("GIT_CONFIG_PARAMETERS") &&
	       !getenv("GIT_CONFIG_COUNT") && !getenv("GIT_CONFIG_GLOBAL") && !getenv("GIT_CONFIG_SYSTEM") &&
	       !getenv("GIT_CONFIG") && access(info, F_OK) < 0 &&
	       access(user, F_OK) < 0 && access("/etc/gitattributes", F_OK) < 0 &&
	       access("/usr/local/etc/gitattributes", F_OK) < 0 &&
	       git_repository_config(&cfg, repo) == 0 &&
	       git_config_get_entry(&attrfile, cfg, "core.attributesfile") == GIT_ENOTFOUND &&
	       (git_config_get_bool(&on, cfg, "core.autocrlf") == GIT_ENOTFOUND || !on) &&
	       git_config_get_entry(&wtcfg, cfg, "extensions.worktreeconfig") == GIT_ENOTFOUND &&
	       git_config_foreach_match(cfg, "^includeif\\.", any_entry, NULL) == 0;
	/* the live configuration: a few values, no snapshot (a copy of every entry) */
	git_config_entry_free(attrfile);
	git_config_entry_free(wtcfg);
	git_config_free(cfg);
	git_error_clear();
	free(user);
	free(info);
	return none;
}

/*
 * 1 when the entry's file is on disk as `e` recorded it: the same kind and
 * executable bit, and the same stat data, all of it (git compares less).
 */
static int stat_matches(const git_index_entry *e, const struct stat *st)
{
	if (S_ISLNK(st->st_mode) ? e->mode != GIT_FILEMODE_LINK
	    : !S_ISREG(st->st_mode) || e->mode != (st->st_mode & S_IXUSR ? GIT_FILEMODE_BLOB_EXECUTABLE
									 : GIT_FILEMODE_BLOB))
		return 0;
	return e->mtime.seconds == (int32_t)st->st_mtim.tv_sec &&
	       e->mtime.nanoseconds == (uint32_t)st->st_mtim.tv_nsec &&
	       e->ctime.seconds == (int32_t)st->st_ctim.tv_sec &&
	       e->ctime.nanoseconds == (uint32_t)st->st_ctim.tv_nsec &&
	       e->file_size == (uint32_t)st->st_size && e->ino == (uint32_t)st->st_ino &&
	       e->dev == (uint32_t)st->st_dev && e->uid == (uint32_t)st->st_uid &&
	       e->gid == (uint32_t)st->st_gid;
}

/*
 * Clears the assume-unchanged bit of every entry of the index file `path`
 * (0 when there was none or all are cleared): git add never looks at the
 * work tree file of such an entry, and an unstaged change there would be
 * missing from the snapshot the undo writes back. An index libgit2 cannot
 * read (split, sparse) is left as it is.
 */
static int clear_assume_unchanged(const char *path)
{
	git_index *idx = NULL;
	size_t i, n;
	int changed = 0, ret = 0;

	if (git_index_open(&idx, path) < 0) {
		git_error_clear();
		return 0;
	}
	n = git_index_entrycount(idx);
	for (i = 0; ret == 0 && i < n; i++) {
		const git_index_entry *e = git_index_get_byindex(idx, i);
		git_index_entry copy;

		if (!(e->flags & GIT_INDEX_ENTRY_VALID))
			continue;
		copy = *e;
		copy.flags &= (uint16_t)~GIT_INDEX_ENTRY_VALID;
		ret = git_index_add(idx, &copy);
		changed = 1;
	}
	if (ret == 0 && changed)
		ret = git_index_write(idx);
	git_index_free(idx);
	git_error_clear();
	return ret < 0 ? -1 : 0;
}

/* Cuts `sb` back to its first `len` bytes. */
static void truncate_to(struct strbuf *sb, size_t len)
{
	if (sb->alloc) {
		sb->len = len;
		sb->buf[len] = '\0';
	}
}

/*
 * 1 when every file under the directory `path` (the work tree's `top` bytes,
 * then a relative part that is empty or ends in '/') is in the index.
 */
static int nothing_untracked(const git_index *idx, size_t top, struct strbuf *path)
{
	size_t len = path->len;
	struct dirent *de;
	int ok = 1;
	DIR *d = opendir(path->buf);

	if (!d)
		return 0;
	while (ok && (de = readdir(d))) {
		unsigned char type = de->d_type;

		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		/* git never looks into a .git; one below the top is a repository of its own */
		if (!strcmp(de->d_name, ".git")) {
			ok = len == top;
			continue;
		}
		truncate_to(path, len);
		strbuf_adds(path, de->d_name);
		if (type == DT_UNKNOWN) {
			struct stat st;

			if (lstat(path->buf, &st) == 0)
				type = S_ISDIR(st.st_mode) ? DT_DIR : S_ISREG(st.st_mode) ? DT_REG
					: S_ISLNK(st.st_mode) ? DT_LNK : DT_UNKNOWN;
		}
		if (type == DT_DIR) {
			strbuf_addch(path, '/');
			ok = nothing_untracked(idx, top, path);
		} else {
			ok = (type == DT_REG || type == DT_LNK) &&
			     git_index_get_bypath((git_index *)idx, path->buf + top, 0) != NULL;
		}
	}
	closedir(d);
	truncate_to(path, len);
	return ok;
}

/*
 * 1 when `git add --all` would provably leave the index `idx` as it is,
 * so that the work tree's tree is the index's: every entry an ordinary
 * file or link on disk with all its recorded stat data, and no file the
 * index lacks (ignored ones included: only git knows its ignore rules).
 * An entry git would call racily clean (changed in the index's second or
 * later) is compared by content, and only where no filter can apply.
 * Anything else, or any doubt: 0, and git decides.
 * `index_st` is the index file's stat data from before it was read.
 */
static int work_tree_is_index(git_repository *repo, const git_index *idx, const struct stat *index_st)
{
	const char *top = git_repository_workdir(repo);
	size_t i, n = git_index_entrycount(idx), racy = 0, attrs = 0, len;
	struct strbuf path = STRBUF_INIT;
	const struct stat ist = *index_st;
	struct stat st;
	int ok = 0;

	if (!top)
		return 0;
	strbuf_adds(&path, top);
	len = path.len;
	for (i = 0; i < n; i++) {
		const git_index_entry *e = git_index_get_byindex((git_index *)idx, i);
		const char *base = strrchr(e->path, '/');

		if (GIT_INDEX_ENTRY_STAGE(e) || (e->flags_extended & (GIT_INDEX_ENTRY_INTENT_TO_ADD |
								       GIT_INDEX_ENTRY_SKIP_WORKTREE)))
			goto done;
		truncate_to(&path, len);
		strbuf_adds(&path, e->path);
		if (lstat(path.buf, &st) < 0 || !stat_matches(e, &st))
			goto done;
		if (!strcmp(base ? base + 1 : e->path, ".gitattributes"))
			attrs = 1;
		if (st.st_mtim.tv_sec >= ist.st_mtim.tv_sec)
			racy++;
	}
	if (racy && !no_filters(repo, attrs))
		goto done;
	for (i = 0; racy && i < n; i++) {
		const git_index_entry *e = git_index_get_byindex((git_index *)idx, i);
		git_oid oid;

		truncate_to(&path, len);
		strbuf_adds(&path, e->path);
		if (lstat(path.buf, &st) < 0 || st.st_mtim.tv_sec < ist.st_mtim.tv_sec)
			continue;
		if (!S_ISREG(st.st_mode) || git_odb_hashfile(&oid, path.buf, GIT_OBJECT_BLOB) < 0 ||
		    !git_oid_equal(&oid, &e->id))
			goto done;
	}
	truncate_to(&path, len);
	ok = nothing_untracked(idx, len, &path);
done:
	git_error_clear();
	strbuf_release(&path);
	return ok;
}

/* 1 when two stat results are of one file, unchanged between them. */
static int same_file_state(const struct stat *a, const struct stat *b)
{
	return a->st_ino == b->st_ino && a->st_dev == b->st_dev && a->st_size == b->st_size &&
	       a->st_mtim.tv_sec == b->st_mtim.tv_sec && a->st_mtim.tv_nsec == b->st_mtim.tv_nsec &&
	       a->st_ctim.tv_sec == b->st_ctim.tv_sec && a->st_ctim.tv_nsec == b->st_ctim.tv_nsec;
}

/* 1 when the file at `path` holds exactly the bytes of `sb`. */
static int same_content(const char *path, const struct strbuf *sb)
{
	struct strbuf now = STRBUF_INIT;
	int same = orch_read_file(&now, path, ORCH_READ_INDEX) == 0 && now.len == sb->len &&
		   !memcmp(now.buf, sb->buf, sb->len);

	strbuf_release(&now);
	return same;
}

int orch_local_state_take(git_repository *repo, struct orch_local_state *out)
{
	const char *add_all[] = { "git", "add", "--all", "--", ".", NULL };
	const char *gitdir = git_repository_path(repo);
	char *real = xasprintf("%sindex", gitdir);
	git_index *idx = NULL;
	struct stat before, after;
	int have_before;
	char *copy = orch_handoff_path(gitdir, ORCH_HANDOFF_STATE_INDEX);
	struct strbuf sb = STRBUF_INIT;
	int ret = -1;

	memset(out, 0, sizeof(*out));
	if (!git_repository_workdir(repo)) {
		orch_error("the repository has no work tree");
		goto done;
	}
	/*
	 * Most merges leave nothing else behind: then the index is the work
	 * tree too, and no git has to run (read the index, check, and make
	 * sure the file read is the one still there).
	 */
	have_before = stat(real, &before) == 0;
	if (have_before && git_index_open(&idx, real) == 0 &&
	    work_tree_is_index(repo, idx, &before) && stat(real, &after) == 0 &&
	    same_file_state(&before, &after) && git_index_write_tree_to(&out->index_tree, idx, repo) == 0) {
		git_oid_cpy(&out->work_tree, &out->index_tree);
		out->taken = 1;
		ret = 0;
		goto done;
	}
	git_error_clear();
	/*
	 * Else both trees come from one copy of the index: its own tree, then
	 * the work tree as `git add --all` sees it in that copy (untracked
	 * files count, ignored ones do not, and the copy's stat data keeps it
	 * fast).
	 */
	if (access(real, F_OK) == 0) {
		if (orch_read_file(&sb, real, ORCH_READ_INDEX) < 0 ||
		    orch_write_file(copy, sb.buf, sb.len) < 0) {
			orch_error("cannot copy the index '%s' to '%s': %s", real, copy, strerror(errno));
			goto done;
		}
		/*
		 * The copy keeps the index's time: git compares the entries
		 * written in that second or later by content (racily clean),
		 * and a copy dated now would make them look clean by their
		 * stat data alone.
		 */
		if (clear_assume_unchanged(copy) < 0) {
			orch_error("cannot clear the assume-unchanged bits in the index copy '%s'", copy);
			goto done;
		}
		if (have_before) {
			struct timespec times[2];

			times[0] = before.st_atim;
			times[1] = before.st_mtim;
			if (utimensat(AT_FDCWD, copy, times, 0) < 0) {
				orch_error("cannot date the index copy '%s': %s", copy, strerror(errno));
				goto done;
			}
		}
	} else {
		unlink(copy);
	}
	if (index_tree_of(repo, copy, &out->index_tree) < 0 || git_tree_of(repo, copy, add_all, NULL) < 0)
		goto done;
	/* git add rewrites an index only when it changed something: the same bytes, the same tree. */
	if (sb.len && same_content(copy, &sb))
		git_oid_cpy(&out->work_tree, &out->index_tree);
	else if (index_tree_of(repo, copy, &out->work_tree) < 0)
		goto done;
	out->taken = 1;
	ret = 0;
done:
	git_index_free(idx);
	unlink(copy);
	strbuf_release(&sb);
	free(copy);
	free(real);
	return ret;
}

int orch_local_state_matches_tree(const struct orch_local_state *s, const git_oid *tree)
{
	return s->taken && git_oid_equal(&s->index_tree, tree) && git_oid_equal(&s->work_tree, tree);
}
