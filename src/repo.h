#ifndef ORCH_REPO_H
#define ORCH_REPO_H

#include <git2.h>

/* git_libgit2_init() plus the settings every orch-hooks program wants. */
int orch_libgit2_init(void);
void orch_libgit2_shutdown(void);

/*
 * The hooks' settings, after the above (src/repo.c says why): no re-hashing
 * of the objects read. pre-receive's add: no object cache.
 */
void orch_libgit2_hook_opts(void);
void orch_libgit2_server_opts(void);

/*
 * Opens the repository the way git hands it to a hook: GIT_DIR, the
 * quarantine object directories of a push, or discovery from the cwd.
 * Reports errors (an unsupported format clearly) and returns -1.
 */
int orch_repo_open_env(git_repository **out);

/* Opens the repository containing `path` (NULL: the cwd), for commands. */
int orch_repo_open_path(git_repository **out, const char *path);

/* The common git directory, without a trailing slash (caller frees). */
char *orch_repo_commondir(git_repository *repo);

/* The short name of the checked-out branch (caller frees); NULL if detached or unborn. */
char *orch_repo_current_branch(git_repository *repo);

/* 1 if HEAD leads to `branch` (through a symbolic ref or a linked directory too), as git would move it. */
int orch_repo_head_on(git_repository *repo, const char *branch);

/*
 * Who is acting, as git would say: GIT_COMMITTER_NAME/EMAIL, then user.name
 * and user.email, then "orch-hooks". Never fails for a missing identity.
 */
int orch_repo_signature(git_repository *repo, git_signature **out);

/* The tree id of `commit`; -1 (reported) when the commit cannot be read. */
int orch_commit_tree_id(git_repository *repo, const git_oid *commit, git_oid *out);

/* The tree of `commit` (caller frees); -1, unreported, when either cannot be read. */
int orch_commit_tree(git_repository *repo, const git_oid *commit, git_tree **out);

/*
 * Moves branch `branch` (a short name) from `from` to `to` as a
 * compare-and-swap, so that a commit made meanwhile is never lost, with
 * reflog message `log`. Returns 0, or libgit2's error, unreported
 * (GIT_EMODIFIED: the branch is no longer at `from`).
 */
int orch_branch_move(git_repository *repo, const char *branch, const git_oid *from, const git_oid *to,
		     const char *log);

/* A new in-memory index holding tree `tree` (caller frees); -1, unreported, when it cannot be read. */
int orch_tree_index(git_index **out, git_repository *repo, const git_oid *tree);

/*
 * What `commit` changes against its first parent, or against the empty tree
 * for a root commit (caller frees *out); -1, unreported, when a tree cannot
 * be read. `opts` may be NULL.
 */
int orch_commit_diff(git_diff **out, git_repository *repo, const git_commit *commit,
		     const git_diff_options *opts);

/* The commit `spec` names (a tag peeled), as git rev-parse SPEC^{commit}; -1, unreported, when none. */
int orch_revparse_commit(git_repository *repo, const char *spec, git_oid *out);

/* First 12 hex digits of an oid, in a static buffer (two in turn). */
const char *orch_short_oid(const git_oid *oid);

#endif
