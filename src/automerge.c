#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "automerge.h"
#include "commit-graph.h"
#include "error.h"
#include "merge-base.h"
#include "repo.h"
#include "run.h"
#include "strbuf.h"
#include "tree-fold.h"

/* ---- the paths that differ ------------------------------------------------ */

void orch_automerge_add_path(struct orch_automerge *m, const char *dir, const char *name)
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
	orch_automerge_add_path(payload, "", d->new_file.path ? d->new_file.path : d->old_file.path);
	return 0;
}

/* Lists the paths where two trees (both in the object database) differ. */
void orch_automerge_list_tree_diff(git_repository *repo, struct orch_automerge *m, const char *dir,
				   const git_oid *a, const git_oid *b)
{
	git_tree *ta = NULL, *tb = NULL;
	git_diff *diff = NULL;

	if (git_tree_lookup(&ta, repo, a) == 0 && git_tree_lookup(&tb, repo, b) == 0 &&
	    git_diff_tree_to_tree(&diff, repo, ta, tb, NULL) == 0) {
		size_t i, n = git_diff_num_deltas(diff);

		for (i = 0; i < n; i++) {
			const git_diff_delta *d = git_diff_get_delta(diff, i);

			orch_automerge_add_path(m, dir, d->new_file.path ? d->new_file.path : d->old_file.path);
		}
	} else {
		orch_automerge_add_path(m, dir, "");
	}
	git_diff_free(diff);
	git_tree_free(ta);
	git_tree_free(tb);
}

/*
 * libgit2's merge of two commits. With one merge base (or none) that is
 * git_merge_trees over the base's tree, which is what git_merge_commits does
 * after finding the base itself without the commit-graph; with several, the
 * recursive virtual base needs git_merge_commits.
 */
static int libgit2_merge_index(git_index **index, git_repository *repo, const struct orch_commit_graph *graph,
			       const git_oid *parents, git_commit *ours, git_commit *theirs,
			       const git_merge_options *mo)
{
	struct orch_merge_bases bases = ORCH_MERGE_BASES_INIT;
	git_commit *base = NULL;
	git_tree *trees[3] = { NULL, NULL, NULL };
	int ret = -1;

	if (orch_merge_bases_find(repo, graph, parents, 2, &bases) < 0)
		return -1;
	if (bases.nr > 1) {
		ret = git_merge_commits(index, repo, ours, theirs, mo);
		goto done;
	}
	if ((bases.nr && (git_commit_lookup(&base, repo, &bases.ids[0]) < 0 ||
			  git_commit_tree(&trees[0], base) < 0)) ||
	    git_commit_tree(&trees[1], ours) < 0 || git_commit_tree(&trees[2], theirs) < 0)
		goto done;
	ret = git_merge_trees(index, repo, trees[0], trees[1], trees[2], mo);
done:
	git_tree_free(trees[0]);
	git_tree_free(trees[1]);
	git_tree_free(trees[2]);
	git_commit_free(base);
	orch_merge_bases_release(&bases);
	return ret;
}

/* libgit2's whole merge: renames, and a recursive virtual base for criss-cross histories. */
static int libgit2_merge(git_repository *repo, const struct orch_commit_graph *graph, const git_oid *parents,
			 const git_oid *tree, const struct orch_automerge_opts *opts, struct orch_automerge *out)
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
	if (libgit2_merge_index(&index, repo, graph, parents, ours, theirs, &mo) < 0) {
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
		orch_automerge_list_tree_diff(repo, out, "", tree, &merged);
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
	struct orch_commit_graph *opened = NULL;
	const struct orch_commit_graph *graph;
	git_oid root;
	unsigned how = 0;
	int clean = 0, r = 1, ret = -1;

	if (!opts)
		opts = &defaults;
	out->engine = nr > 2 ? "libgit2 (octopus, one parent at a time)" : "libgit2";
	graph = opts->graph;
	if (!graph && !(nr == 2 && opts->skip_libgit2))
		graph = opened = orch_commit_graph_open_repo(repo);
	if (!(nr == 2 && opts->skip_libgit2)) {
		r = orch_tree_fold(repo, graph, opts->write, out, parents, nr, tree, &root, &clean, &how);
		if (r < 0)
			goto done;
	}
	if (r == 0) {
		out->conflict = !clean;
		out->same = clean && git_oid_equal(&root, tree);
		if (clean) {
			git_oid_cpy(&out->tree, &root);
			out->has_tree = opts->write;
		}
		if (out->same || nr > 2)
			goto decided;
	} else if (nr > 2) {
		out->conflict = 1;
		free(out->note);
		out->note = xstrdup("a step of the octopus has several merge bases");
		goto decided;
	}
	/*
	 * Not reproduced: libgit2's whole merge (renames), then git's own. Over
	 * a virtual base of ours, libgit2's would be its recursive merge, whose
	 * merge-base walks without the commit-graph cost ten times git's whole
	 * merge: git decides those at once. So it does when the only conflicts
	 * are in files all three trees have, where libgit2's merge would stop
	 * at the same conflict (the same file merge) after detecting renames.
	 */
	if (!opts->skip_libgit2 && !(how & (ORCH_FOLD_VIRTUAL_BASE | ORCH_FOLD_RENAMES_MOOT | ORCH_FOLD_LIBGIT2_DIFFERS))) {
		if (libgit2_merge(repo, graph, parents, tree, opts, out) < 0)
			goto done;
		if (out->same)
			goto decided;
	}
	if (opts->confirm_with_git)
		git_merge_tree_confirm(repo, parents, tree, opts, out);
decided:
	ret = 0;
done:
	orch_commit_graph_free(opened);
	return ret;
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
