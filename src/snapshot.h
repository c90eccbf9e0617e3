#ifndef ORCH_SNAPSHOT_H
#define ORCH_SNAPSHOT_H

#include <git2.h>

#include "strbuf.h"

/*
 * What a read-only reviewer must leave alone in a repository, cheaply
 * recorded: every ref (notes refs and HEADs included) with its target, the
 * names of the files in the object directory (a new commit or blob adds a
 * loose object or a pack), and the contents of the files that steer git
 * and the gates (config, hooks, info/, the policy).
 */
struct orch_snapshot_item {
	char *key;	/* "ref refs/heads/main", "object 3f/ab12...", "file config" */
	char *value;	/* target oid, "-> refs/heads/main", content hash, "" */
};

struct orch_snapshot {
	struct orch_snapshot_item *items;
	size_t nr, alloc;
};

#define ORCH_SNAPSHOT_INIT { .items = NULL }

int orch_snapshot_take(git_repository *repo, struct orch_snapshot *out);

/* Every file under dir, by content (object files by name): for a small directory of our own. */
int orch_snapshot_take_dir(const char *dir, struct orch_snapshot *out);

/*
 * What a reviewer without a sandbox could change outside its own view of
 * the repository and no other worker changes in the course of its work:
 * global, XDG and system git configuration, the repository's config and
 * every config.worktree (by their entries, included files followed, the
 * upstreams of unprotected branches left out), the hooks directory in use
 * (core.hooksPath included) and the default one, info/grafts, the policy
 * file, the work tree `repo` was opened in (where HEAD points, the index,
 * the files by size and mtime), and the reviewed commit's note. The refs
 * other workers move are judged by ref-moves.h.
 */
struct orch_policy;
int orch_snapshot_take_outside(git_repository *repo, const struct orch_policy *policy, const git_oid *commit,
			       struct orch_snapshot *out);
void orch_snapshot_release(struct orch_snapshot *s);

/*
 * Appends to `out` what changed between two snapshots, for people
 * ("ref 'refs/heads/main' moved, 2 new object files"). Returns the number of
 * changes, 0 when the repository is as it was.
 */
size_t orch_snapshot_diff(const struct orch_snapshot *before, const struct orch_snapshot *after,
			  struct strbuf *out);

#endif
