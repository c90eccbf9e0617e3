#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "error.h"
#include "notes-growth.h"
#include "repo.h"
#include "server-gate.h"
#include "server-notes.h"
#include "server-refusal.h"

/* A push to the notes ref: a fast-forward of notes commits. 0, or -1 (reported). */
static int check_notes_update(struct orch_server_notes *n, git_repository *repo,
			      const struct orch_ref_update *u, int *refused)
{
	struct orch_offences o = ORCH_OFFENCES_INIT(u->ref, refused);
	git_commit *c = NULL;
	int r;

	if (orch_ref_update_is_delete(u)) {
		orch_refuse(&o, "deleting the verdict notes is refused: they are the audit trail of every review");
		return 0;
	}
	/* git would not make this update, yet the rest of the push would be judged by it. */
	r = orch_ref_update_old_is_current(repo, u);
	if (r < 0)
		return orch_git_error("cannot read the notes ref '%s'", u->ref);
	if (!r) {
		orch_refuse(&o, "the push claims the server's notes are at %s, which they are not: the "
			    "verdicts are judged as the server has them", orch_short_oid(&u->old_oid));
		orch_say("  fetch the server's verdicts and push again: orch-hooks sync");
		return 0;
	}
	if (git_commit_lookup(&c, repo, &u->new_oid) < 0) {
		orch_refuse(&o, "%s is not a notes commit", git_oid_tostr_s(&u->new_oid));
		return 0;
	}
	if (!orch_ref_update_is_create(u)) {
		r = git_graph_descendant_of(repo, &u->new_oid, &u->old_oid);
		if (r < 0) {
			git_commit_free(c);
			return orch_git_error("cannot compare the pushed notes with the server's");
		}
		if (!r) {
			orch_refuse(&o, "the pushed notes %s do not contain the server's notes %s: that would "
				    "drop recorded verdicts, and the notes may only grow",
				    orch_short_oid(&u->new_oid), orch_short_oid(&u->old_oid));
			orch_say("  merge the server's verdicts into yours and push again: orch-hooks sync");
			git_commit_free(c);
			return 0;
		}
	}
	n->commit = c;
	n->pushed = 1;
	return 0;
}

static void report_growth(void *payload, const char *text)
{
	orch_refuse(payload, "%s", text);
}

/* The entries of the `nr` commits in ids, found by path in the notes tree of c (NULL: none). */
static int index_by_path(struct orch_notes_index *idx, git_repository *repo, const git_commit *c,
			 const git_oid *ids, size_t nr)
{
	size_t i;

	for (i = 0; c && i < nr; i++)
		if (orch_notes_index_add_path(idx, repo, git_commit_tree_id(c), &ids[i]) < 0)
			return orch_git_error("cannot read the notes of notes commit %s",
					      orch_short_oid(git_commit_id(c)));
	orch_notes_index_sort(idx);
	return 0;
}

/*
 * The notes on both sides of the update, as far as the check needs them: a
 * push that adds a few verdicts changes a few notes, so only those are read,
 * by path, and the cost does not grow with the notes kept; a push that
 * changes many (or a tree git would not write) compares whole indexes.
 */
static int notes_to_compare(struct orch_server_notes *n, git_repository *repo, const git_commit *old_c,
			    struct orch_notes_index *old, struct orch_notes_index *new)
{
	git_oid *ids = NULL;
	size_t nr = 0;
	int r;

	r = orch_notes_tree_changes(repo, old_c ? git_commit_tree_id(old_c) : NULL,
				    git_commit_tree_id(n->commit), ORCH_SERVER_NOTES_BY_PATH, &ids, &nr);
	if (r < 0)
		return orch_git_error("cannot compare the pushed notes with the server's");
	if (r == 0) {
		r = index_by_path(old, repo, old_c, ids, nr);
		if (r == 0)
			r = index_by_path(new, repo, n->commit, ids, nr);
		free(ids);
		return r;
	}
	if (orch_notes_index_load(old, repo, old_c) < 0 || orch_server_notes_expect(n, repo, SIZE_MAX) < 0)
		return -1;
	*new = n->index;
	new->alloc = 0;	/* borrowed */
	return 0;
}

/* Verdicts only grow (notes-growth.h): the server's notes against the pushed ones. */
static int check_notes_growth(struct orch_server_notes *n, git_repository *repo,
			      const struct orch_ref_update *u, int *refused)
{
	struct orch_notes_index old = ORCH_NOTES_INDEX_INIT, new = ORCH_NOTES_INDEX_INIT;
	struct orch_offences o = ORCH_OFFENCES_INIT(u->ref, refused);
	git_commit *c = NULL;
	int r;

	/* The first notes pushed have nothing to keep, but no record from the future either. */
	if (!orch_ref_update_is_create(u) && git_commit_lookup(&c, repo, &u->old_oid) < 0)
		return orch_git_error("cannot read the server's notes commit %s",
				      orch_short_oid(&u->old_oid));
	r = notes_to_compare(n, repo, c, &old, &new);
	if (r == 0)
		r = orch_notes_growth_check(repo, &old, &new, time(NULL) + ORCH_SERVER_CLOCK_SKEW,
					    report_growth, &o);
	if (r > 0)
		orch_say("  add your verdicts to the server's instead: orch-hooks sync, then push again");
	orch_notes_index_release(&old);
	if (new.items != n->index.items)
		orch_notes_index_release(&new);
	git_commit_free(c);
	return r < 0 ? -1 : 0;
}

/* Not pushed (or refused): the server's own notes decide. */
static int read_server_notes(struct orch_server_notes *n, git_repository *repo, const char *notes_ref)
{
	git_reference *ref = NULL;
	git_object *obj = NULL;
	int err;

	err = git_reference_lookup(&ref, repo, notes_ref);
	if (err < 0 && err != GIT_ENOTFOUND)
		return orch_git_error("cannot read the notes ref '%s'", notes_ref);
	if (err == 0 && git_reference_peel(&obj, ref, GIT_OBJECT_COMMIT) < 0) {
		git_reference_free(ref);
		return orch_git_error("cannot read the notes ref '%s'", notes_ref);
	}
	n->commit = (git_commit *)obj;
	git_reference_free(ref);
	return 0;
}

int orch_server_notes_read(struct orch_server_notes *n, git_repository *repo,
			   const struct orch_policy *policy, const struct orch_ref_updates *updates,
			   int *refused)
{
	const struct orch_ref_update *pushed = NULL;
	size_t i;

	memset(n, 0, sizeof(*n));
	for (i = 0; i < updates->nr; i++) {
		if (strcmp(updates->items[i].ref, policy->notes_ref))
			continue;
		if (check_notes_update(n, repo, &updates->items[i], refused) < 0)
			return -1;
		pushed = &updates->items[i];
	}
	if (!n->commit && read_server_notes(n, repo, policy->notes_ref) < 0)
		return -1;
	/* No notes at all: an empty index answers every question. */
	n->indexed = !n->commit;
	if (n->pushed)
		return check_notes_growth(n, repo, pushed, refused);
	return 0;
}

void orch_server_notes_release(struct orch_server_notes *n)
{
	orch_notes_index_release(&n->index);
	git_commit_free(n->commit);
	memset(n, 0, sizeof(*n));
}

int orch_server_notes_expect(struct orch_server_notes *n, git_repository *repo, size_t lookups)
{
	if (n->indexed || lookups <= ORCH_SERVER_NOTES_BY_PATH)
		return 0;
	if (orch_notes_index_load(&n->index, repo, n->commit) < 0)
		return -1;
	n->indexed = 1;
	return 0;
}

struct orch_notes_source orch_server_notes_source(const struct orch_server_notes *n)
{
	struct orch_notes_source src = ORCH_NOTES_SOURCE_INIT;

	if (n->indexed)
		src.index = &n->index;
	else
		src.notes_commit = n->commit;
	return src;
}

int orch_server_notes_has(const struct orch_server_notes *n, git_repository *repo, const git_oid *id)
{
	git_oid blob;

	if (n->indexed)
		return orch_notes_index_find(&n->index, id) != NULL;
	/* Two notes for one commit are a note too: unreadable, judged so. */
	return orch_notes_tree_lookup(repo, git_commit_tree_id(n->commit), id, &blob) != 0;
}
