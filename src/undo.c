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
#include "landing.h"
#include "local-state.h"
#include "repo.h"
#include "strbuf.h"
#include "undo.h"

#define JOURNAL_HEAD "orch-hooks undo journal 1\nphase "
/* Same length: the phase is rewritten in place, which works on a full disk too. */
#define PHASE_ARMED "armed  "
#define PHASE_UNDOING "undoing"
#define MAX_LISTED 2000


void orch_undo_result_release(struct orch_undo_result *r)
{
	strbuf_release(&r->conflicts);
	strbuf_release(&r->ignored);
	free(r->leftovers);
	memset(r, 0, sizeof(*r));
}

static void list_path(struct strbuf *sb, const char *path)
{
	if (sb->len < MAX_LISTED)
		strbuf_addf(sb, "%s'%s'", sb->len ? ", " : "", path);
	else if (sb->buf[sb->len - 1] != '.')
		strbuf_adds(sb, ", ...");
}

static char *journal_path(git_repository *repo)
{
	return orch_handoff_path(git_repository_path(repo), ORCH_HANDOFF_UNDO_JOURNAL);
}

static int journal_write(git_repository *repo, const struct orch_undo_journal *j)
{
	char m[GIT_OID_HEXSZ + 1], o[GIT_OID_HEXSZ + 1], i[GIT_OID_HEXSZ + 1], w[GIT_OID_HEXSZ + 1];
	char *path = journal_path(repo);
	char *text = xasprintf(JOURNAL_HEAD "%s\nbranch %s\nmerge %s\norig %s\nindex %s\nworktree %s\n",
			       j->undoing ? PHASE_UNDOING : PHASE_ARMED, j->branch,
			       git_oid_tostr(m, sizeof(m), &j->merge), git_oid_tostr(o, sizeof(o), &j->orig),
			       git_oid_tostr(i, sizeof(i), &j->index_tree),
			       git_oid_tostr(w, sizeof(w), &j->work_tree));
	int ret = orch_write_file_atomic(path, text, strlen(text));

	if (ret < 0)
		orch_say("warning: cannot write the undo journal '%s' (%s): an undo broken off now "
			 "could not be finished by the next gate", path, strerror(errno));
	free(text);
	free(path);
	return ret;
}

static int field_oid(const char *text, const char *key, git_oid *out)
{
	const char *p = strstr(text, key);

	return p && git_oid_fromstrn(out, p + strlen(key), GIT_OID_HEXSZ) == 0 ? 0 : -1;
}

/* 1 when a journal was read into *j, 0 when there is none, -1 when it is unreadable. */
static int journal_read(git_repository *repo, struct orch_undo_journal *j)
{
	struct strbuf sb = STRBUF_INIT;
	char *path = journal_path(repo);
	const char *b;
	int ret = -1;

	memset(j, 0, sizeof(*j));
	if (access(path, F_OK) < 0 && errno == ENOENT) {
		ret = 0;
		goto done;
	}
	if (orch_read_file(&sb, path, ORCH_READ_GIT_STATE) < 0 || strncmp(strbuf_str(&sb), JOURNAL_HEAD,
								    strlen(JOURNAL_HEAD)) ||
	    !(b = strstr(sb.buf, "\nbranch ")) || field_oid(sb.buf, "\nmerge ", &j->merge) < 0 ||
	    field_oid(sb.buf, "\norig ", &j->orig) < 0 || field_oid(sb.buf, "\nindex ", &j->index_tree) < 0 ||
	    field_oid(sb.buf, "\nworktree ", &j->work_tree) < 0) {
		orch_error("the undo journal '%s' is unreadable", path);
		goto done;
	}
	j->undoing = !strncmp(sb.buf + strlen(JOURNAL_HEAD), PHASE_UNDOING, strlen(PHASE_UNDOING));
	b += strlen("\nbranch ");
	snprintf(j->branch, sizeof(j->branch), "%.*s", (int)strcspn(b, "\n"), b);
	ret = 1;
done:
	strbuf_release(&sb);
	free(path);
	return ret;
}

/* armed -> undoing, in place: no new block is needed for it. */
static int journal_mark_undoing(git_repository *repo)
{
	char *path = journal_path(repo);
	int fd = open(path, O_WRONLY | O_CLOEXEC), ret = -1;

	if (fd >= 0 && pwrite(fd, PHASE_UNDOING, strlen(PHASE_UNDOING), (off_t)strlen(JOURNAL_HEAD)) ==
			       (ssize_t)strlen(PHASE_UNDOING) && fsync(fd) == 0)
		ret = 0;
	if (ret < 0)
		orch_say("warning: cannot mark the undo journal '%s' (%s): an undo broken off now could "
			 "not be finished by the next gate", path, strerror(errno));
	if (fd >= 0)
		close(fd);
	free(path);
	return ret;
}

static void journal_remove(git_repository *repo)
{
	char *path = journal_path(repo);

	unlink(path);
	free(path);
}

/* 1 when the state's entry at `path` is exactly `f` (absent when `exists` is 0). */
static int entry_is(git_index *idx, const char *path, const git_diff_file *f, int exists)
{
	const git_index_entry *e = git_index_get_bypath(idx, path, 0);

	if (!exists)
		return e == NULL;
	return e && e->mode == f->mode && git_oid_equal(&e->id, &f->id);
}

/*
 * The person's state taken on the merge, moved onto the commit before it:
 * every path the undo changes (merge -> orig) must still be as the merge left
 * it, and then takes orig's version. A path the person changed as well is a
 * conflict (listed, nothing written).
 */
static int move_state(git_repository *repo, git_diff *undo, const git_oid *state, git_oid *out,
		      struct strbuf *conflicts)
{
	git_index *idx = NULL;
	size_t i, n = git_diff_num_deltas(undo);
	int pass, ret = -1;

	if (orch_tree_index(&idx, repo, state) < 0)
		return orch_git_error("cannot read the saved state %s", orch_short_oid(state));
	for (i = 0; i < n; i++) {
		const git_diff_delta *d = git_diff_get_delta(undo, i);

		if (!entry_is(idx, d->old_file.path, &d->old_file, d->status != GIT_DELTA_ADDED))
			list_path(conflicts, d->old_file.path);
	}
	if (conflicts->len) {
		ret = 1;
		goto done;
	}
	/* Removals first: a file may take the place of a directory, or the other way round. */
	for (pass = 0; pass < 2; pass++) {
		for (i = 0; i < n; i++) {
			const git_diff_delta *d = git_diff_get_delta(undo, i);
			git_index_entry e;
			int err = 0;

			if (pass == 0 && d->status != GIT_DELTA_ADDED)
				err = git_index_remove(idx, d->old_file.path, 0);
			if (pass == 1 && d->status != GIT_DELTA_DELETED) {
				memset(&e, 0, sizeof(e));
				e.path = d->new_file.path;
				e.mode = d->new_file.mode;
				git_oid_cpy(&e.id, &d->new_file.id);
				err = git_index_add(idx, &e);
			}
			if (err < 0) {
				orch_git_error("cannot move the saved state onto %s at '%s'", "the old tip",
					       d->new_file.path);
				goto done;
			}
		}
	}
	if (git_index_write_tree_to(out, idx, repo) < 0) {
		orch_git_error("cannot write the restored state");
		goto done;
	}
	ret = 0;
done:
	git_index_free(idx);
	return ret;
}

static int diff_commits(git_repository *repo, const git_oid *from, const git_oid *to, git_diff **out)
{
	git_diff_options opts;
	git_tree *at = NULL, *bt = NULL;
	int ret = 0;

	git_diff_options_init(&opts, GIT_DIFF_OPTIONS_VERSION);
	*out = NULL;
	opts.flags = GIT_DIFF_INCLUDE_TYPECHANGE;
	if (orch_commit_tree(repo, from, &at) < 0 || orch_commit_tree(repo, to, &bt) < 0 ||
	    git_diff_tree_to_tree(out, repo, at, bt, &opts) < 0)
		ret = orch_git_error("cannot compare %s with %s", orch_short_oid(from), orch_short_oid(to));
	git_tree_free(bt);
	git_tree_free(at);
	return ret;
}

/* The branch back from the merge to orig (compare-and-swap); already there is fine. */
static int move_branch(git_repository *repo, const struct orch_undo_journal *j, const char *why)
{
	char *log;
	int r = orch_take_back_in_place(repo, j->branch, &j->merge, &j->orig);

	if (r <= 0)
		return r;
	log = xasprintf("orch-hooks: undo merge %s: %s", orch_short_oid(&j->merge), why);
	r = orch_branch_move(repo, j->branch, &j->merge, &j->orig, log);
	if (r < 0)
		orch_git_error("cannot move '%s' from %s back to %s", j->branch, orch_short_oid(&j->merge),
			       orch_short_oid(&j->orig));
	free(log);
	return r < 0 ? -1 : 0;
}

/* Work tree and index exactly as saved: the saved files written, what else is there and not ignored removed. */
static int restore_files(git_repository *repo, const git_oid *work_tree, const git_oid *index_tree,
			 const git_oid *baseline_commit)
{
	git_checkout_options co;
	git_tree *wt = NULL, *it = NULL, *base = NULL;
	git_index *idx = NULL;
	int ret = -1;

	git_checkout_options_init(&co, GIT_CHECKOUT_OPTIONS_VERSION);
	if (git_tree_lookup(&wt, repo, work_tree) < 0 || git_tree_lookup(&it, repo, index_tree) < 0 ||
	    orch_commit_tree(repo, baseline_commit, &base) < 0) {
		orch_git_error("cannot read the saved state");
		goto done;
	}
	co.checkout_strategy = GIT_CHECKOUT_FORCE | GIT_CHECKOUT_REMOVE_UNTRACKED;
	co.baseline = base;
	if (git_checkout_tree(repo, (git_object *)wt, &co) < 0) {
		orch_git_error("cannot write the saved work tree back");
		goto done;
	}
	/*
	 * Against the merge as its baseline, libgit2 takes a file that stands
	 * where the merge has a directory for that directory and removes it.
	 * A second pass against the saved tree itself writes back whatever
	 * the first left missing or different, and removes nothing.
	 */
	co.checkout_strategy = GIT_CHECKOUT_FORCE;
	co.baseline = wt;
	if (git_checkout_tree(repo, (git_object *)wt, &co) < 0) {
		orch_git_error("cannot write the saved work tree back");
		goto done;
	}
	if (git_repository_index(&idx, repo) < 0 || git_index_read_tree(idx, it) < 0 || git_index_write(idx) < 0) {
		orch_git_error("cannot write the saved index back");
		goto done;
	}
	ret = 0;
done:
	git_index_free(idx);
	git_tree_free(base);
	git_tree_free(it);
	git_tree_free(wt);
	return ret;
}

/* The undo itself, from the journal: branch, then files, then the journal goes. */
static int apply(git_repository *repo, const struct orch_undo_journal *j, const char *why)
{
	if (move_branch(repo, j, why) < 0 || restore_files(repo, &j->work_tree, &j->index_tree, &j->merge) < 0)
		return -1;
	journal_remove(repo);
	return 0;
}

/* Paths the merge brought that are ignored now that it is gone: git overwrote any such file of yours. */
static void find_ignored(git_repository *repo, git_diff *undo, struct strbuf *out)
{
	size_t i, n = git_diff_num_deltas(undo);

	for (i = 0; i < n; i++) {
		const git_diff_delta *d = git_diff_get_delta(undo, i);
		int ignored = 0;

		if (d->status == GIT_DELTA_DELETED &&
		    git_ignore_path_is_ignored(&ignored, repo, d->old_file.path) == 0 && ignored)
			list_path(out, d->old_file.path);
	}
}

/* What the tests left, as a commit on the merge under refs/orch/test-leftovers/. */
static void set_aside(git_repository *repo, const git_oid *merge, const struct orch_local_state *before,
		      struct orch_undo_result *res)
{
	struct orch_local_state after;
	git_signature *sig = NULL;
	git_commit *parent = NULL;
	git_tree *tree = NULL;
	git_oid id;
	char hex[GIT_OID_HEXSZ + 1];
	char *msg = NULL, *ref = NULL;

	if (orch_local_state_take(repo, &after) < 0) {
		orch_say("warning: what the tests wrote could not be set aside (see above); it is discarded");
		return;
	}
	if (git_oid_equal(&after.work_tree, &before->work_tree) && git_oid_equal(&after.index_tree, &before->index_tree))
		return;
	git_oid_tostr(hex, sizeof(hex), merge);
	ref = xasprintf("refs/orch/test-leftovers/%s", hex);
	msg = xasprintf("orch-hooks: the work tree the failed tests of %s left\n\n"
			"This is the work tree after the tests (untracked files included), kept for\n"
			"inspection when the merge was undone. Its index was tree %s.\n",
			orch_short_oid(merge), git_oid_tostr(hex, sizeof(hex), &after.index_tree));
	if (orch_repo_signature(repo, &sig) < 0 || git_commit_lookup(&parent, repo, merge) < 0 ||
	    git_tree_lookup(&tree, repo, &after.work_tree) < 0 ||
	    git_commit_create(&id, repo, NULL, sig, sig, NULL, msg, tree, 1, (const git_commit **)&parent) < 0 ||
	    git_reference_create(NULL, repo, ref, &id, 1, "orch-hooks: failed tests' leftovers") < 0) {
		orch_say("warning: what the tests wrote could not be set aside (%s); it is discarded",
			 orch_git_error_text());
		goto done;
	}
	res->leftovers = ref;
	ref = NULL;
done:
	git_tree_free(tree);
	git_commit_free(parent);
	git_signature_free(sig);
	free(msg);
	free(ref);
}

/*
 * One saved tree moved onto the commit before the merge. A state that is
 * the merge's own tree (nothing staged, changed or untracked: the usual
 * case) becomes orig's tree as it is, with nothing to compare.
 */
static int move_one(git_repository *repo, const struct orch_undo_journal *j, const git_oid *merge_tree,
		    const git_oid *orig_tree, git_diff **undo, const git_oid *state, git_oid *out,
		    struct strbuf *conflicts)
{
	if (git_oid_equal(state, merge_tree)) {
		git_oid_cpy(out, orig_tree);
		return 0;
	}
	if (!*undo && diff_commits(repo, &j->merge, &j->orig, undo) < 0)
		return -1;
	return move_state(repo, *undo, state, out, conflicts);
}

int orch_undo_prepare(git_repository *repo, const char *branch, const git_oid *merge, const git_oid *orig,
		      const struct orch_local_state *before, struct orch_undo *out, struct orch_undo_result *res)
{
	struct orch_undo_journal *j = &out->j;
	git_diff *undo = NULL;
	git_oid merge_tree, orig_tree;
	int r, ret = -1;

	memset(out, 0, sizeof(*out));
	snprintf(j->branch, sizeof(j->branch), "%s", branch);
	git_oid_cpy(&j->merge, merge);
	git_oid_cpy(&j->orig, orig);
	out->before = *before;
	if (orch_commit_tree_id(repo, merge, &merge_tree) < 0 || orch_commit_tree_id(repo, orig, &orig_tree) < 0)
		goto done;
	r = move_one(repo, j, &merge_tree, &orig_tree, &undo, &before->index_tree, &j->index_tree,
		     &res->conflicts);
	if (r == 0)
		r = move_one(repo, j, &merge_tree, &orig_tree, &undo, &before->work_tree, &j->work_tree,
			     &res->conflicts);
	if (r != 0) {
		ret = r;
		goto done;
	}
	out->journaled = journal_write(repo, j) == 0;
	out->ready = 1;
	ret = 0;
done:
	git_diff_free(undo);
	return ret;
}

void orch_undo_disarm(git_repository *repo, struct orch_undo *u)
{
	if (u->journaled)
		journal_remove(repo);
	u->journaled = 0;
	u->ready = 0;
}

int orch_undo_run(git_repository *repo, struct orch_undo *u, const char *why, struct orch_undo_result *res)
{
	git_diff *undo = NULL;
	int ret = -1;

	if (!u->ready)
		return orch_error("internal error: an undo that was not prepared");
	if (u->journaled)
		journal_mark_undoing(repo);
	res->journaled = u->journaled;
	/* From here the journal on disk owns the undo: disarming leaves it alone. */
	u->ready = 0;
	u->journaled = 0;
	set_aside(repo, &u->j.merge, &u->before, res);
	if (apply(repo, &u->j, why) < 0) {
		res->broken_off = 1;
		goto done;
	}
	if (diff_commits(repo, &u->j.merge, &u->j.orig, &undo) == 0)
		find_ignored(repo, undo, &res->ignored);
	ret = 0;
done:
	git_diff_free(undo);
	return ret;
}

int orch_undo_merge(git_repository *repo, const char *branch, const git_oid *merge, const git_oid *orig,
		    const struct orch_local_state *before, const char *why, struct orch_undo_result *res)
{
	struct orch_undo u;
	int r = orch_undo_prepare(repo, branch, merge, orig, before, &u, res);

	return r ? r : orch_undo_run(repo, &u, why, res);
}

int orch_undo_overwritten_ignored(git_repository *repo, const git_oid *merge, const git_oid *orig,
				  struct strbuf *out)
{
	git_diff *undo = NULL;

	if (diff_commits(repo, merge, orig, &undo) < 0)
		return -1;
	find_ignored(repo, undo, out);
	git_diff_free(undo);
	return 0;
}

int orch_undo_restore_state(git_repository *repo, const git_oid *head, const struct orch_local_state *before)
{
	return restore_files(repo, &before->work_tree, &before->index_tree, head);
}

int orch_undo_resume(git_repository *repo, int *resumed)
{
	struct orch_undo_journal j;
	char *path;
	int r = journal_read(repo, &j);

	*resumed = 0;
	if (r <= 0)
		return r;
	if (!j.undoing) {
		/* Its gate died before the tests ended: nothing was undone, and the
		 * gate lock tells the person that the merge was never tested. */
		journal_remove(repo);
		return 0;
	}
	*resumed = 1;
	path = journal_path(repo);
	orch_say("an earlier undo of merge %s on '%s' was broken off; finishing it (journal '%s')",
		 orch_short_oid(&j.merge), j.branch, path);
	free(path);
	if (apply(repo, &j, "finishing an undo that was broken off") < 0) {
		path = journal_path(repo);
		orch_say("  the undo is still not finished; once the problem above is fixed: orch-hooks recover");
		orch_say("  (if you have put things right by hand instead, remove '%s')", path);
		free(path);
		return -1;
	}
	orch_say("the undo is finished: '%s' is back at %s, your own changes as they were before the tests",
		 j.branch, orch_short_oid(&j.orig));
	return 0;
}
