#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
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
	char *copy = orch_handoff_path(gitdir, ORCH_HANDOFF_STATE_INDEX);
	struct strbuf sb = STRBUF_INIT;
	int ret = -1;

	memset(out, 0, sizeof(*out));
	if (!git_repository_workdir(repo)) {
		orch_error("the repository has no work tree");
		goto done;
	}
	/*
	 * Both trees come from one copy of the index: its own tree, then the
	 * work tree as `git add --all` sees it in that copy (untracked files
	 * count, ignored ones do not, and the copy's stat data keeps it fast).
	 */
	if (access(real, F_OK) == 0) {
		if (orch_read_file(&sb, real, ORCH_READ_INDEX) < 0 ||
		    orch_write_file(copy, sb.buf, sb.len) < 0) {
			orch_error("cannot copy the index '%s' to '%s': %s", real, copy, strerror(errno));
			goto done;
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
