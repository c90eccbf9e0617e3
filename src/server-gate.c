#include "config.h"

#include <errno.h>
#include <ftw.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "automerge.h"
#include "commit-head.h"
#include "error.h"
#include "merge-gate.h"
#include "note.h"
#include "notes-growth.h"
#include "notes-index.h"
#include "oidset.h"
#include "repo.h"
#include "run.h"
#include "server-gate.h"
#include "server-tests.h"
#include "strbuf.h"
#include "trust.h"
#include "verdict.h"

struct gate {
	git_repository *repo;
	git_odb *odb;
	struct orch_commit_head head;	/* scratch */
	const struct orch_policy *policy;
	/* The notes as they will be after the push: pushed, else the server's. */
	git_commit *notes_commit;
	struct orch_notes_index notes;
	int pushes_notes;	/* the push updates the notes ref */
	/*
	 * The tips of the protected branches before the push: what they reach
	 * passed the gate. Other refs prove nothing (anything goes on them), so
	 * work pushed to a feature branch first is checked when it lands.
	 */
	git_oid *gated;
	size_t nr_gated;
	int refused;
};

/* The offences of one ref: a header the first time, at most a screenful listed. */
struct offences {
	const char *ref;
	size_t nr;
	size_t unreviewed;	/* merges refused for their verdicts */
	size_t own_changes;	/* merges refused for changes of their own */
	size_t reversed;	/* first-parent lines that leave the old tip */
	int unrelated;		/* the history shares nothing with the protected branches */
};

static int is_branch(const char *ref)
{
	return !strncmp(ref, "refs/heads/", 11);
}

static const char *branch_name(const char *ref)
{
	return is_branch(ref) ? ref + 11 : ref;
}

/* Counts an offence; returns 1 when it should be printed in full. */
static int offence(struct gate *g, struct offences *o)
{
	if (!o->nr++)
		orch_error("push to '%s' refused", o->ref);
	g->refused = 1;
	return o->nr <= ORCH_SERVER_MAX_LISTED;
}

static void ORCH_PRINTF(3, 4) refuse(struct gate *g, struct offences *o, const char *fmt, ...)
{
	struct strbuf sb = STRBUF_INIT;
	va_list ap;

	if (!offence(g, o))
		return;
	va_start(ap, fmt);
	strbuf_vaddf(&sb, fmt, ap);
	va_end(ap);
	orch_say("  %s", strbuf_str(&sb));
	strbuf_release(&sb);
}

static void summarize(const struct offences *o)
{
	if (o->nr > ORCH_SERVER_MAX_LISTED)
		orch_say("  ... and %zu more", o->nr - ORCH_SERVER_MAX_LISTED);
}

/* ---- what the repository has before the push ------------------------- */

static void add_gated(struct gate *g, git_reference *ref, size_t *alloc)
{
	git_object *obj = NULL;

	/* Symbolic refs (HEAD) point at refs we see anyway. */
	if (git_reference_type(ref) != GIT_REFERENCE_DIRECT ||
	    git_reference_peel(&obj, ref, GIT_OBJECT_COMMIT) < 0)
		return;
	if (g->nr_gated == *alloc) {
		*alloc = *alloc ? 2 * *alloc : 16;
		g->gated = xrealloc(g->gated, *alloc * sizeof(*g->gated));
	}
	git_oid_cpy(&g->gated[g->nr_gated++], git_object_id(obj));
	git_object_free(obj);
}

/*
 * Protected branches named without wildcards (the usual "main") are looked
 * up one by one: a server with thousands of branches in loose files would
 * otherwise read them all on every push.
 */
static int read_literal_tips(struct gate *g)
{
	const struct orch_patterns *p = &g->policy->protected;
	size_t i, alloc = 0;

	for (i = 0; i < p->nr; i++) {
		const char *name = orch_branch_short_name(p->items[i]);
		git_reference *ref = NULL;
		char *full;
		int err;

		if (!name)
			continue;
		full = xasprintf("refs/heads/%s", name);
		err = git_reference_lookup(&ref, g->repo, full);
		if (err == 0)
			add_gated(g, ref, &alloc);
		git_reference_free(ref);
		if (err < 0 && err != GIT_ENOTFOUND && err != GIT_EINVALIDSPEC) {
			orch_git_error("cannot read the protected branch '%s'", full);
			free(full);
			return -1;
		}
		free(full);
	}
	return 0;
}

static int read_gated_tips(struct gate *g)
{
	git_reference_iterator *it = NULL;
	git_reference *ref = NULL;
	size_t alloc = 0, i;
	int err;

	for (i = 0; i < g->policy->protected.nr; i++)
		if (!orch_pattern_is_literal(g->policy->protected.items[i]))
			break;
	if (i == g->policy->protected.nr)
		return read_literal_tips(g);
	if (git_reference_iterator_new(&it, g->repo) < 0)
		return orch_git_error("cannot list the refs of the repository");
	while ((err = git_reference_next(&ref, it)) == 0) {
		if (orch_branch_is_protected(g->policy, git_reference_name(ref)))
			add_gated(g, ref, &alloc);
		git_reference_free(ref);
	}
	git_reference_iterator_free(it);
	if (err != GIT_ITEROVER)
		return orch_git_error("cannot list the refs of the repository");
	return 0;
}

/* ---- the notes ref ----------------------------------------------------- */

static int check_notes_update(struct gate *g, const struct orch_ref_update *u)
{
	struct offences o = { .ref = u->ref };
	git_commit *c = NULL;
	int r;

	if (orch_ref_update_is_delete(u)) {
		refuse(g, &o, "deleting the verdict notes is refused: they are the audit trail of every review");
		return 0;
	}
	if (git_commit_lookup(&c, g->repo, &u->new_oid) < 0) {
		refuse(g, &o, "%s is not a notes commit", git_oid_tostr_s(&u->new_oid));
		return 0;
	}
	if (!orch_ref_update_is_create(u)) {
		r = git_graph_descendant_of(g->repo, &u->new_oid, &u->old_oid);
		if (r < 0) {
			git_commit_free(c);
			return orch_git_error("cannot compare the pushed notes with the server's");
		}
		if (!r) {
			refuse(g, &o, "the pushed notes %s do not contain the server's notes %s: that would "
			       "drop recorded verdicts, and the notes may only grow",
			       orch_short_oid(&u->new_oid), orch_short_oid(&u->old_oid));
			orch_say("  merge the server's verdicts into yours and push again: orch-hooks sync");
			git_commit_free(c);
			return 0;
		}
	}
	g->notes_commit = c;
	g->pushes_notes = 1;
	return 0;
}

static void report_growth(void *payload, const char *text)
{
	struct gate *g = ((void **)payload)[0];
	struct offences *o = ((void **)payload)[1];

	refuse(g, o, "%s", text);
}

/* Verdicts only grow (notes-growth.h): the server's notes against the pushed ones. */
static int check_notes_growth(struct gate *g, const struct orch_ref_update *u)
{
	struct orch_notes_index old = ORCH_NOTES_INDEX_INIT;
	struct offences o = { .ref = u->ref };
	void *payload[2] = { g, &o };
	git_commit *c = NULL;
	int r;

	/* The first notes pushed have nothing to keep, but no record from the future either. */
	if (!orch_ref_update_is_create(u) && git_commit_lookup(&c, g->repo, &u->old_oid) < 0)
		return orch_git_error("cannot read the server's notes commit %s",
				      orch_short_oid(&u->old_oid));
	r = orch_notes_index_load(&old, g->repo, c);
	if (r == 0)
		r = orch_notes_growth_check(g->repo, &old, &g->notes,
					    time(NULL) + ORCH_SERVER_CLOCK_SKEW, report_growth, payload);
	if (r > 0)
		orch_say("  add your verdicts to the server's instead: orch-hooks sync, then push again");
	orch_notes_index_release(&old);
	git_commit_free(c);
	return r < 0 ? -1 : 0;
}

static int read_notes(struct gate *g, const struct orch_ref_updates *updates)
{
	const struct orch_ref_update *pushed = NULL;
	git_reference *ref = NULL;
	git_object *obj = NULL;
	size_t i;
	int err;

	for (i = 0; i < updates->nr; i++) {
		if (strcmp(updates->items[i].ref, g->policy->notes_ref))
			continue;
		if (check_notes_update(g, &updates->items[i]) < 0)
			return -1;
		pushed = &updates->items[i];
	}
	if (!g->notes_commit) {
		/* Not pushed (or refused): the server's own notes decide. */
		err = git_reference_lookup(&ref, g->repo, g->policy->notes_ref);
		if (err < 0 && err != GIT_ENOTFOUND)
			return orch_git_error("cannot read the notes ref '%s'", g->policy->notes_ref);
		if (err == 0 && git_reference_peel(&obj, ref, GIT_OBJECT_COMMIT) < 0) {
			git_reference_free(ref);
			return orch_git_error("cannot read the notes ref '%s'", g->policy->notes_ref);
		}
		g->notes_commit = (git_commit *)obj;
		git_reference_free(ref);
	}
	if (orch_notes_index_load(&g->notes, g->repo, g->notes_commit) < 0)
		return -1;
	if (g->pushes_notes)
		return check_notes_growth(g, pushed);
	return 0;
}

/* ---- judging a merged tip ----------------------------------------------- */

/*
 * Whether the verdict of `id`, merged onto `onto`, counts: decided by the
 * trust module from the pushed notes (a carried verdict is recomputed there).
 */
static void judge_verdict(struct gate *g, const git_oid *id, const git_oid *onto,
			  struct orch_judgement_result *out)
{
	struct orch_notes_source src = { .index = &g->notes };

	orch_trust_judge_onto(g->repo, g->policy, ORCH_TRUST_SERVER, &src, id, onto, out);
}

/*
 * No note on the tip: was an earlier commit of its line reviewed? Then the
 * person hears "stale". Only done for listed refusals, so it costs nothing
 * on a push that passes.
 */
static int outside_fresh(git_repository *repo, const git_oid *id, const void *fresh)
{
	(void)repo;
	return !orch_oidset_contains(fresh, id);
}

static void look_for_stale(struct gate *g, const git_oid *tip, const struct orch_oidset *fresh,
			   struct orch_judgement_result *out)
{
	struct orch_notes_source src = { .index = &g->notes };

	const struct orch_history_bound bound = { .in_target = outside_fresh, .data = fresh };

	/* The protected branches' own history: its verdicts are not this line's. */
	orch_trust_explain_missing(g->repo, g->policy, ORCH_TRUST_SERVER, &src, tip, &bound, out, NULL);
}

/* The branch a merged tip came from, where known: a server branch at it, or the merge message. */
static char *merged_name(struct gate *g, const git_commit *merge, const git_oid *tip)
{
	static const char *const prefixes[] = { "Merge branch '", "Merge remote-tracking branch '", NULL };
	const char *msg = git_commit_message(merge);
	char *name = orch_branches_at(g->repo, tip);
	size_t i;

	if (name || git_commit_parentcount(merge) != 2 || !msg)
		return name;
	for (i = 0; prefixes[i]; i++) {
		size_t n = strlen(prefixes[i]);
		const char *end;

		if (strncmp(msg, prefixes[i], n))
			continue;
		end = strchr(msg + n, '\'');
		if (end && end > msg + n && !memchr(msg + n, '\n', (size_t)(end - msg - n)))
			return xstrndup(msg + n, (size_t)(end - msg - n));
	}
	return NULL;
}

/*
 * The merges a push brings, in walk order, with their parents as the walk
 * read them, so no commit is read twice.
 */
struct new_merges {
	struct new_merge {
		git_oid id;
		size_t first;	/* its parents: parents[first .. first + nr) */
		unsigned nr;
	} *items;
	git_oid *parents;
	size_t nr, alloc, nr_parents, alloc_parents;
};

#define NEW_MERGES_INIT { NULL, NULL, 0, 0, 0, 0 }

static void new_merges_add(struct new_merges *m, const struct orch_commit_head *h)
{
	unsigned i;

	if (m->nr == m->alloc) {
		m->alloc = m->alloc ? 2 * m->alloc : 64;
		m->items = xrealloc(m->items, m->alloc * sizeof(*m->items));
	}
	while (m->nr_parents + h->nr_parents > m->alloc_parents) {
		m->alloc_parents = m->alloc_parents ? 2 * m->alloc_parents : 128;
		m->parents = xrealloc(m->parents, m->alloc_parents * sizeof(*m->parents));
	}
	git_oid_cpy(&m->items[m->nr].id, &h->id);
	m->items[m->nr].first = m->nr_parents;
	m->items[m->nr].nr = h->nr_parents;
	for (i = 0; i < h->nr_parents; i++)
		git_oid_cpy(&m->parents[m->nr_parents++], &h->parents[i]);
	m->nr++;
}

static void new_merges_release(struct new_merges *m)
{
	free(m->items);
	free(m->parents);
	memset(m, 0, sizeof(*m));
}


/*
 * Only the merges of the branch's own first-parent chain are judged here.
 * A merged tip needs its verdict unless it passed the gate already: a
 * commit of the chain itself, or one a protected branch reached before the
 * push (every commit outside `fresh`). Such a merge cannot smuggle anything
 * in: the content rule holds its tree to the automatic merge.
 */
static int already_gated(const struct orch_oidset *fresh, const struct orch_oidset *chain,
			 const git_oid *parent)
{
	return orch_oidset_contains(chain, parent) || !orch_oidset_contains(fresh, parent);
}

static int check_merge(struct gate *g, struct offences *o, const struct orch_oidset *fresh,
		       const struct orch_oidset *chain, const struct new_merges *merges,
		       const struct new_merge *merge)
{
	const git_oid *merge_id = &merge->id;
	unsigned i;

	for (i = 1; i < merge->nr; i++) {
		const git_oid *tip_id = &merges->parents[merge->first + i];
		struct orch_judgement_result j;
		char merge_hex[GIT_OID_HEXSZ + 1], tip_hex[GIT_OID_HEXSZ + 1];
		git_commit *tip_commit = NULL, *merge_commit = NULL;
		char *name, *quoted;

		judge_verdict(g, tip_id, &merges->parents[merge->first], &j);
		if (j.kind == ORCH_JUDGE_PASS || already_gated(fresh, chain, tip_id)) {
			orch_judgement_result_release(&j);
			continue;
		}
		o->unreviewed++;
		if (offence(g, o)) {
			/* A refusal to explain: only now read the whole commits. */
			if (git_commit_lookup(&tip_commit, g->repo, tip_id) < 0 ||
			    git_commit_lookup(&merge_commit, g->repo, merge_id) < 0) {
				orch_judgement_result_release(&j);
				git_commit_free(tip_commit);
				return orch_git_error("cannot read merge %s", orch_short_oid(merge_id));
			}
			if (j.kind == ORCH_JUDGE_NONE)
				look_for_stale(g, tip_id, fresh, &j);
			name = merged_name(g, merge_commit, tip_id);
			git_oid_tostr(merge_hex, sizeof(merge_hex), merge_id);
			git_oid_tostr(tip_hex, sizeof(tip_hex), tip_id);
			orch_say("  merge %s merges %s%s%s%s: %s%s%s", merge_hex,
				 tip_hex, name ? " ('" : "", name ? name : "",
				 name ? "')" : "", orch_judgement_name(j.kind), j.detail ? ": " : "",
				 j.detail ? j.detail : "");
			quoted = orch_shell_quote(tip_hex);
			orch_say("    %s: orch-hooks review %s", orch_trust_fix_hint(j.kind), quoted);
			free(quoted);
			free(name);
			git_commit_free(tip_commit);
			git_commit_free(merge_commit);
		}
		orch_judgement_result_release(&j);
	}
	return 0;
}

/* ---- a protected branch ------------------------------------------------- */
/*
 * Nothing is hidden (no protected branch yet: the first push, often a whole
 * history): a plain depth-first walk that reads each commit once. libgit2's
 * revwalk parses every commit itself and the gate then had to read it again.
 */
static int walk_all_commits(struct gate *g, const git_oid *tip, struct orch_oidset *fresh,
			    struct new_merges *merges)
{
	struct orch_commit_head h = ORCH_COMMIT_HEAD_INIT;
	git_oid *stack = NULL, oid;
	size_t nr = 0, alloc = 0;
	unsigned i;
	int ret = -1;

	stack = xmalloc(sizeof(*stack));
	alloc = 1;
	git_oid_cpy(&stack[nr++], tip);
	while (nr) {
		git_oid_cpy(&oid, &stack[--nr]);
		if (!orch_oidset_add(fresh, &oid))
			continue;
		if (orch_commit_head_read(&h, g->odb, &oid) < 0) {
			orch_git_error("cannot read commit %s", orch_short_oid(&oid));
			goto done;
		}
		if (h.nr_parents > 1)
			new_merges_add(merges, &h);
		/* First parent on top: the branch's own line first, newest merge first. */
		for (i = h.nr_parents; i-- > 0;) {
			if (orch_oidset_contains(fresh, &h.parents[i]))
				continue;
			if (nr == alloc) {
				alloc *= 2;
				stack = xrealloc(stack, alloc * sizeof(*stack));
			}
			git_oid_cpy(&stack[nr++], &h.parents[i]);
		}
	}
	ret = 0;
done:
	orch_commit_head_release(&h);
	free(stack);
	return ret;
}

/* Walks the commits the push brings to this branch: fresh gets them all, merges the merges. */
static int walk_new_commits(struct gate *g, const git_oid *tip, struct orch_oidset *fresh,
			    struct new_merges *merges)
{
	struct orch_commit_head h = ORCH_COMMIT_HEAD_INIT;
	git_revwalk *walk = NULL;
	size_t i;
	git_oid oid;
	int err, ret = -1;

	if (!g->nr_gated)
		return walk_all_commits(g, tip, fresh, merges);
	if (git_revwalk_new(&walk, g->repo) < 0 || git_revwalk_push(walk, tip) < 0) {
		orch_git_error("cannot walk the history of %s", orch_short_oid(tip));
		goto done;
	}
	for (i = 0; i < g->nr_gated; i++) {
		if (git_revwalk_hide(walk, &g->gated[i]) < 0) {
			orch_git_error("cannot walk the history of %s", orch_short_oid(&g->gated[i]));
			goto done;
		}
	}
	while ((err = git_revwalk_next(&oid, walk)) == 0) {
		orch_oidset_add(fresh, &oid);
		if (orch_commit_head_read(&h, g->odb, &oid) < 0) {
			orch_git_error("cannot read commit %s", orch_short_oid(&oid));
			goto done;
		}
		if (h.nr_parents > 1)
			new_merges_add(merges, &h);
	}
	if (err != GIT_ITEROVER) {
		orch_git_error("cannot walk the history of %s", orch_short_oid(tip));
		goto done;
	}
	ret = 0;
done:
	orch_commit_head_release(&h);
	git_revwalk_free(walk);
	return ret;
}

/* A chain commit with its own valid PASS: a reviewed resolution, or a reviewed tip. */
static int has_own_pass(struct gate *g, const struct orch_commit_head *h)
{
	struct orch_judgement_result j;
	int pass;

	if (!orch_notes_index_find(&g->notes, &h->id))
		return 0;
	judge_verdict(g, &h->id, h->nr_parents ? &h->parents[0] : NULL, &j);
	pass = j.kind == ORCH_JUDGE_PASS;
	orch_judgement_result_release(&j);
	return pass;
}

/*
 * The content rule: a merge on the chain must be the automatic merge of its
 * parents, or carry its own PASS (checked by the caller first).
 */
static int check_content(struct gate *g, struct offences *o, const struct orch_commit_head *h)
{
	struct orch_automerge m = ORCH_AUTOMERGE_INIT;
	char *quoted;

	if (orch_automerge_check(g->repo, h->parents, h->nr_parents, &h->tree, NULL, &m) < 0)
		return orch_error("cannot work out the automatic merge of %s", git_oid_tostr_s(&h->id));
	if (!m.same) {
		o->own_changes++;
		if (offence(g, o)) {
			orch_automerge_describe(&h->id, &m, "  ");
			quoted = orch_shell_quote(git_oid_tostr_s(&h->id));
			orch_say("    a merge that carries changes of its own needs its own review: "
				 "orch-hooks review %s", quoted);
			free(quoted);
		}
	}
	orch_automerge_release(&m);
	return 0;
}

static int refuse_direct(struct gate *g, const struct orch_ref_update *u, struct offences *o,
			 const git_oid *oid)
{
	git_commit *c = NULL;

	if (!offence(g, o))
		return 0;
	if (git_commit_lookup(&c, g->repo, oid) < 0)
		return orch_git_error("cannot read commit %s", orch_short_oid(oid));
	orch_say("  commit %s (\"%s\") is not a merge: work reaches '%s' only through reviewed merges",
		 git_oid_tostr_s(oid), git_commit_summary(c) ? git_commit_summary(c) : "",
		 branch_name(u->ref));
	git_commit_free(c);
	return 0;
}

/*
 * The branch's first-parent line is its record of what landed, one merge
 * after another: it must go on from the old tip. `git pull` into a local
 * merge turns it round (the server's tip becomes a second parent), and so
 * does any merge of the branch's own history "into" new work.
 */
static int refuse_reversed(struct gate *g, const struct orch_ref_update *u, struct offences *o,
			   const git_oid *top, const git_oid *reached)
{
	char top_hex[13], reached_hex[13], *quoted;

	if (!offence(g, o))
		return 0;
	quoted = orch_shell_quote(orch_short_oid(&u->old_oid));

	o->reversed++;
	git_oid_tostr(top_hex, sizeof(top_hex), top);
	git_oid_tostr(reached_hex, sizeof(reached_hex), reached);
	orch_say("  the merge is the wrong way round: following first parents from %s leaves the line of "
		 "'%s' at %s, and its tip %s comes in only as a second parent (as a git pull into a local "
		 "merge makes it)", top_hex, branch_name(u->ref), reached_hex, orch_short_oid(&u->old_oid));
	orch_say("    redo your merge on top of the branch as it is: orch-hooks push (or: git reset --keep "
		 "%s && git merge --no-ff BRANCH)", quoted);
	free(quoted);
	return 0;
}

/*
 * Walks the new commits of the branch's first-parent chain (into `chain`)
 * and judges each: a commit with its own valid PASS is fine; a merge must
 * be the automatic merge of its parents; any other commit is a direct
 * commit, refused unless [server] allow_direct. The first push of a
 * protected branch into a repository that has none is the adoption of an
 * existing history: nothing of it is judged, it is the baseline.
 */
static int check_first_parents(struct gate *g, const struct orch_ref_update *u, struct offences *o,
			       const struct orch_oidset *fresh, struct orch_oidset *chain, int adopt)
{
	struct orch_commit_head h = ORCH_COMMIT_HEAD_INIT;
	git_oid oid;
	int r, ret = -1;

	git_oid_cpy(&oid, &u->new_oid);
	while (orch_oidset_contains(fresh, &oid)) {
		orch_oidset_add(chain, &oid);
		if (orch_commit_head_read(&h, g->odb, &oid) < 0) {
			orch_git_error("cannot read commit %s", orch_short_oid(&oid));
			goto done;
		}
		if (adopt || has_own_pass(g, &h))
			;
		else if (h.nr_parents > 1 && check_content(g, o, &h) < 0)
			goto done;
		else if (h.nr_parents <= 1 && !g->policy->allow_direct && refuse_direct(g, u, o, &oid) < 0)
			goto done;
		if (h.nr_parents == 0) {
			o->unrelated = 1;
			break;
		}
		git_oid_cpy(&oid, &h.parents[0]);
	}
	/* The line ended in history protected branches had: it must hold the old tip. */
	if (!adopt && !o->unrelated && !orch_ref_update_is_create(u)) {
		r = git_oid_equal(&oid, &u->old_oid) ? 1 : git_graph_descendant_of(g->repo, &oid, &u->old_oid);
		if (r < 0) {
			orch_git_error("cannot compare %s with the branch", orch_short_oid(&oid));
			goto done;
		}
		if (!r && refuse_reversed(g, u, o, &u->new_oid, &oid) < 0)
			goto done;
	}
	ret = 0;
done:
	orch_commit_head_release(&h);
	return ret;
}

static int check_branch(struct gate *g, const struct orch_ref_update *u)
{
	struct offences o = { .ref = u->ref };
	struct orch_oidset fresh = ORCH_OIDSET_INIT, chain = ORCH_OIDSET_INIT;
	struct new_merges merges = NEW_MERGES_INIT;
	size_t i, direct, judged = 0;
	git_object *obj = NULL;
	int adopt = orch_ref_update_is_create(u) && !g->nr_gated;
	int r, ret = -1;

	if (orch_ref_update_is_delete(u)) {
		refuse(g, &o, "deleting protected branch '%s' is refused", branch_name(u->ref));
		ret = 0;
		goto done;
	}
	if (git_object_lookup(&obj, g->repo, &u->new_oid, GIT_OBJECT_COMMIT) < 0) {
		refuse(g, &o, "%s is not a commit", git_oid_tostr_s(&u->new_oid));
		ret = 0;
		goto done;
	}
	if (!orch_ref_update_is_create(u)) {
		r = git_graph_descendant_of(g->repo, &u->new_oid, &u->old_oid);
		if (r < 0) {
			orch_git_error("cannot compare %s with the branch", orch_short_oid(&u->new_oid));
			goto done;
		}
		if (!r) {
			refuse(g, &o, "%s does not contain the branch's tip %s: a force push would drop "
			       "commits from protected branch '%s'", orch_short_oid(&u->new_oid),
			       orch_short_oid(&u->old_oid), branch_name(u->ref));
			orch_say("  fetch, merge your work on top of it, and push again");
			ret = 0;
			goto done;
		}
	}
	if (walk_new_commits(g, &u->new_oid, &fresh, &merges) < 0)
		goto done;
	if (check_first_parents(g, u, &o, &fresh, &chain, adopt) < 0)
		goto done;
	direct = o.nr - o.own_changes - o.reversed;
	for (i = 0; i < merges.nr && !adopt; i++) {
		if (!orch_oidset_contains(&chain, &merges.items[i].id))
			continue;	/* inside a merged branch: its tip's review saw it */
		judged++;
		if (check_merge(g, &o, &fresh, &chain, &merges, &merges.items[i]) < 0)
			goto done;
	}
	summarize(&o);
	if (adopt)
		orch_say("'%s': adopted: the %zu commits of its history are the baseline (the first "
			 "protected branch of this repository); from now on every change is gated",
			 branch_name(u->ref), fresh.nr);
	else if (!o.nr)
		orch_say("'%s': %zu commit%s new to protected branches, the verdicts of %zu merge%s "
			 "checked: accepted by the gate (the server's own access rules still decide "
			 "the whole push)",
			 branch_name(u->ref), fresh.nr, fresh.nr == 1 ? "" : "s", judged,
			 judged == 1 ? "" : "s");
	if (direct)
		orch_say("  put direct commits on a branch, have it reviewed, and merge it with "
			 "git merge --no-ff");
	if (o.nr && o.unrelated)
		orch_say("  this history shares no commit with the protected branches: to adopt "
			 "orch-hooks on a project with history, push it into a repository that has no "
			 "protected branch yet (its first push is the baseline; see \"Adopting orch-hooks\" "
			 "in the README)");
	if (o.own_changes && !o.unreviewed) {
		orch_say("  then push the verdicts with the branch, in one atomic push:");
		orch_say("    git push --atomic origin %s %s", branch_name(u->ref), g->policy->notes_ref);
	}
	if (o.unreviewed) {
		orch_say("  then push the verdicts with the branch, in one atomic push:");
		orch_say("    git push --atomic origin %s %s", branch_name(u->ref), g->policy->notes_ref);
		if (!g->pushes_notes)
			orch_say("  (this push did not carry %s, so the server has only the verdicts it "
				 "had before)", g->policy->notes_ref);
	}
	ret = 0;
done:
	git_object_free(obj);
	new_merges_release(&merges);
	orch_oidset_release(&fresh);
	orch_oidset_release(&chain);
	return ret;
}

/* ---- [server] test_command ---------------------------------------------- */

static int remove_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	remove(path);
	return 0;
}

static int run_tests(struct gate *g, const struct orch_ref_update *u)
{
	struct orch_run_opts o = ORCH_RUN_OPTS_INIT;
	struct orch_run_result res;
	git_checkout_options co;
	git_commit *c = NULL;
	git_tree *tree = NULL;
	git_index *index = NULL;
	const char *tmp = getenv("TMPDIR");
	char *dir = xasprintf("%s/orch-hooks-server-test-XXXXXX", tmp && *tmp ? tmp : "/tmp");
	char *env[5] = { NULL };
	char old_hex[GIT_OID_HEXSZ + 1], new_hex[GIT_OID_HEXSZ + 1], why[300];
	int made = 0, ret = -1;

	memset(&res, 0, sizeof(res));
	if (!mkdtemp(dir)) {
		orch_error("cannot make a directory to test '%s' in: %s", u->ref, strerror(errno));
		goto done;
	}
	made = 1;
	/* A private index, so nothing is written into the bare repository. */
	if (git_commit_lookup(&c, g->repo, &u->new_oid) < 0 || git_commit_tree(&tree, c) < 0 ||
	    git_index_new(&index) < 0 || git_index_read_tree(index, tree) < 0) {
		orch_git_error("cannot read the tree of %s", orch_short_oid(&u->new_oid));
		goto done;
	}
	git_checkout_options_init(&co, GIT_CHECKOUT_OPTIONS_VERSION);
	co.checkout_strategy = GIT_CHECKOUT_FORCE | GIT_CHECKOUT_DONT_UPDATE_INDEX;
	co.target_directory = dir;
	if (git_checkout_index(g->repo, index, &co) < 0) {
		orch_git_error("cannot check out %s to test it", orch_short_oid(&u->new_oid));
		goto done;
	}
	env[0] = xasprintf("ORCH_REF=%s", u->ref);
	env[1] = xasprintf("ORCH_OLD=%s", git_oid_tostr(old_hex, sizeof(old_hex), &u->old_oid));
	env[2] = xasprintf("ORCH_NEW=%s", git_oid_tostr(new_hex, sizeof(new_hex), &u->new_oid));
	env[3] = xasprintf("ORCH_BRANCH=%s", branch_name(u->ref));
	o.shell_command = g->policy->server_test_command;
	o.env = (const char *const *)env;
	o.scrub_git_env = 1;
	o.cwd = dir;
	o.timeout_ms = g->policy->server_test_timeout * 1000u;
	orch_say("testing '%s' at %s: %s", branch_name(u->ref), orch_short_oid(&u->new_oid),
		 g->policy->server_test_command);
	if (orch_run(&o, &res) == 0) {
		orch_say("tests passed on '%s' (%.1fs)", branch_name(u->ref), res.seconds);
		ret = 0;
		goto done;
	}
	orch_run_describe(&res, o.timeout_ms, why, sizeof(why));
	orch_error("push to '%s' refused: the server's tests failed on %s (%s)", u->ref,
		   orch_short_oid(&u->new_oid), why);
	if (res.output.len) {
		const char *p = orch_run_tail(&res, 20);

		orch_say("  last lines of its output:");
		while (*p) {
			size_t n = strcspn(p, "\n");

			orch_say("  | %.*s", (int)n, p);
			p += n + (p[n] == '\n');
		}
	}
	orch_say("  fix the tests on a branch, have it reviewed, merge it and push again");
	g->refused = 1;
	ret = 0;
done:
	if (made)
		nftw(dir, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
	orch_run_result_release(&res);
	for (made = 0; made < 4; made++)
		free(env[made]);
	git_index_free(index);
	git_tree_free(tree);
	git_commit_free(c);
	free(dir);
	return ret;
}

/* ---- the whole push ------------------------------------------------------ */

static int is_protected(const struct orch_policy *policy, const char *ref)
{
	return is_branch(ref) && orch_branch_is_protected(policy, ref);
}

static int protected_update(const struct gate *g, const struct orch_ref_update *u)
{
	return is_protected(g->policy, u->ref);
}

/* The refs the gate judges: a symbolic ref through them is judged as them. */
static int gate_claims(const char *ref, void *payload)
{
	const struct orch_policy *policy = payload;

	return is_protected(policy, ref) || !strcmp(ref, policy->notes_ref);
}

/* Each update as what it moves: pushing to an alias of main is pushing to main. */
static int resolve_updates(git_repository *repo, const struct orch_policy *policy,
			   const struct orch_ref_updates *pushed, struct orch_ref_updates *out)
{
	char *err = NULL;
	size_t i;

	if (orch_ref_updates_resolve(out, pushed, repo, gate_claims, (void *)policy, &err) < 0) {
		orch_error("%s", err);
		free(err);
		return -1;
	}
	for (i = 0; i < out->nr; i++)
		if (out->items[i].pushed_as)
			orch_say("'%s' is a symbolic ref to '%s': judged as '%s'",
				 out->items[i].pushed_as, out->items[i].ref,
				 branch_name(out->items[i].ref));
	return 0;
}

int orch_server_gate_check(git_repository *repo, const struct orch_policy *policy,
			   const struct orch_ref_updates *pushed)
{
	struct orch_ref_updates resolved = ORCH_REF_UPDATES_INIT;
	const struct orch_ref_updates *updates = &resolved;
	struct gate g;
	size_t i;
	int ret = -1;

	memset(&g, 0, sizeof(g));
	g.repo = repo;
	g.policy = policy;
	if (resolve_updates(repo, policy, pushed, &resolved) < 0)
		goto done;
	if (git_repository_odb(&g.odb, repo) < 0) {
		orch_git_error("cannot open the object database");
		goto done;
	}
	if (read_gated_tips(&g) < 0 || read_notes(&g, updates) < 0)
		goto done;
	for (i = 0; i < updates->nr; i++)
		if (protected_update(&g, &updates->items[i]) && check_branch(&g, &updates->items[i]) < 0)
			goto done;
	if (orch_server_tests_check(repo, policy, updates, &g.refused) < 0)
		goto done;
	/* Tests are slow: only for a push the verdicts let through. */
	if (!g.refused && *policy->server_test_command) {
		for (i = 0; i < updates->nr && !g.refused; i++) {
			const struct orch_ref_update *u = &updates->items[i];

			if (protected_update(&g, u) && !orch_ref_update_is_delete(u) && run_tests(&g, u) < 0)
				goto done;
		}
	}
	ret = g.refused;
done:
	if (ret == 1)
		orch_say("the whole push was refused: no ref on the server changed");
	orch_ref_updates_release(&resolved);
	orch_notes_index_release(&g.notes);
	git_commit_free(g.notes_commit);
	free(g.gated);
	orch_commit_head_release(&g.head);
	git_odb_free(g.odb);
	return ret;
}
