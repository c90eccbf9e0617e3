#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "automerge.h"
#include "commit-head.h"
#include "error.h"
#include "merge-gate.h"
#include "oidset.h"
#include "pattern.h"
#include "repo.h"
#include "server-gate.h"
#include "server-notes.h"
#include "server-refusal.h"
#include "server-test-command.h"
#include "server-tests.h"
#include "server-walk.h"
#include "strbuf.h"
#include "trust.h"
#include "verdict.h"

struct gate {
	git_repository *repo;
	git_odb *odb;
	const struct orch_policy *policy;
	struct orch_server_notes notes;
	/* The protected branches before the push, and the walks hiding them. */
	struct orch_server_walk walk;
	int refused;
};

/* ---- judging a merged tip ----------------------------------------------- */

/*
 * Whether the verdict of `id`, merged onto `onto`, counts: decided by the
 * trust module from the pushed notes (a carried verdict is recomputed there).
 */
static void judge_verdict(struct gate *g, const git_oid *id, const git_oid *onto,
			  struct orch_judgement_result *out)
{
	struct orch_notes_source src = orch_server_notes_source(&g->notes);

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
	struct orch_notes_source src = orch_server_notes_source(&g->notes);

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

static int check_merge(struct gate *g, struct orch_offences *o, const struct orch_oidset *fresh,
		       const struct orch_oidset *chain, const struct orch_new_merges *merges,
		       const struct orch_new_merge *merge)
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
		if (orch_offence(o)) {
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

/* A chain commit with its own valid PASS: a reviewed resolution, or a reviewed tip. */
static int has_own_pass(struct gate *g, const struct orch_commit_head *h)
{
	struct orch_judgement_result j;
	int pass;

	if (!orch_server_notes_has(&g->notes, g->repo, &h->id))
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
static int check_content(struct gate *g, struct orch_offences *o, const struct orch_commit_head *h)
{
	struct orch_automerge_opts opts = ORCH_AUTOMERGE_OPTS_INIT;
	struct orch_automerge m = ORCH_AUTOMERGE_INIT;
	char *quoted;

	opts.graph = g->walk.graph;	/* the walk's, while sound (else opened per merge) */
	if (orch_automerge_check(g->repo, h->parents, h->nr_parents, &h->tree, &opts, &m) < 0)
		return orch_error("cannot work out the automatic merge of %s", git_oid_tostr_s(&h->id));
	if (!m.same) {
		o->own_changes++;
		if (orch_offence(o)) {
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

static int refuse_direct(struct gate *g, const struct orch_ref_update *u, struct orch_offences *o,
			 const git_oid *oid)
{
	git_commit *c = NULL;

	if (!orch_offence(o))
		return 0;
	if (git_commit_lookup(&c, g->repo, oid) < 0)
		return orch_git_error("cannot read commit %s", orch_short_oid(oid));
	orch_say("  commit %s (\"%s\") is not a merge: work reaches '%s' only through reviewed merges",
		 git_oid_tostr_s(oid), git_commit_summary(c) ? git_commit_summary(c) : "",
		 orch_server_branch_name(u->ref));
	git_commit_free(c);
	return 0;
}

/*
 * The branch's first-parent line is its record of what landed, one merge
 * after another: it must go on from the old tip. `git pull` into a local
 * merge turns it round (the server's tip becomes a second parent), and so
 * does any merge of the branch's own history "into" new work.
 */
static int refuse_reversed(struct gate *g, const struct orch_ref_update *u, struct orch_offences *o,
			   const git_oid *top, const git_oid *reached)
{
	char top_hex[13], reached_hex[13], *quoted;

	if (!orch_offence(o))
		return 0;
	quoted = orch_shell_quote(orch_short_oid(&u->old_oid));

	o->reversed++;
	git_oid_tostr(top_hex, sizeof(top_hex), top);
	git_oid_tostr(reached_hex, sizeof(reached_hex), reached);
	orch_say("  the merge is the wrong way round: following first parents from %s leaves the line of "
		 "'%s' at %s, and its tip %s comes in only as a second parent (as a git pull into a local "
		 "merge makes it)", top_hex, orch_server_branch_name(u->ref), reached_hex, orch_short_oid(&u->old_oid));
	orch_say("    redo your merge on top of the branch as it is: orch-hooks push (or: git reset --keep "
		 "%s && git merge --no-ff BRANCH)", quoted);
	free(quoted);
	return 0;
}

/*
 * Walks the new commits of the branch's first-parent chain (into `chain`)
 * and judges each: a commit with its own valid PASS is fine; a merge must
 * be the automatic merge of its parents; any other commit is a direct
 * commit, refused unless [server] allow_direct.
 */
static int check_first_parents(struct gate *g, const struct orch_ref_update *u, struct orch_offences *o,
			       const struct orch_oidset *fresh, struct orch_oidset *chain)
{
	struct orch_commit_head h = ORCH_COMMIT_HEAD_INIT;
	git_oid oid;
	int r, ret = -1;

	git_oid_cpy(&oid, &u->new_oid);
	while (orch_oidset_contains(fresh, &oid)) {
		orch_oidset_add(chain, &oid);
		if (orch_server_walk_read_head(&g->walk, &oid, &h) < 0)
			goto done;
		if (has_own_pass(g, &h))
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
	if (!o->unrelated && !orch_ref_update_is_create(u)) {
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

/* The branch's outcome, and how to fix what was refused. */
static void say_outcome(const struct gate *g, const struct orch_ref_update *u, const struct orch_offences *o,
			int adopt, size_t nr_fresh, size_t judged)
{
	const char *branch = orch_server_branch_name(u->ref);

	orch_offences_summarize(o);
	if (adopt)
		orch_say("'%s': adopted: the %zu commits of its history are the baseline (the first "
			 "protected branch of this repository); from now on every change is gated",
			 branch, nr_fresh);
	else if (!o->nr)
		orch_say("'%s': %zu commit%s new to protected branches, the verdicts of %zu merge%s "
			 "checked: accepted by the gate (the server's own access rules still decide "
			 "the whole push)",
			 branch, nr_fresh, nr_fresh == 1 ? "" : "s", judged,
			 judged == 1 ? "" : "s");
	if (o->nr - o->own_changes - o->reversed - o->unreviewed)
		orch_say("  put direct commits on a branch, have it reviewed, and merge it with "
			 "git merge --no-ff");
	if (o->nr && o->unrelated)
		orch_say("  this history shares no commit with the protected branches: to adopt "
			 "orch-hooks on a project with history, push it into a repository that has no "
			 "protected branch yet (its first push is the baseline; see \"Adopting orch-hooks\" "
			 "in the README)");
	if (o->own_changes && !o->unreviewed) {
		orch_say("  then push the verdicts with the branch, in one atomic push:");
		orch_say("    git push --atomic origin %s %s", branch, g->policy->notes_ref);
	}
	if (o->unreviewed) {
		orch_say("  then push the verdicts with the branch, in one atomic push:");
		orch_say("    git push --atomic origin %s %s", branch, g->policy->notes_ref);
		if (!g->notes.pushed)
			orch_say("  (this push did not carry %s, so the server has only the verdicts it "
				 "had before)", g->policy->notes_ref);
	}
}

static int check_branch(struct gate *g, const struct orch_ref_update *u)
{
	struct orch_offences o = ORCH_OFFENCES_INIT(u->ref, &g->refused);
	struct orch_oidset fresh = ORCH_OIDSET_INIT, chain = ORCH_OIDSET_INIT;
	struct orch_new_merges merges = ORCH_NEW_MERGES_INIT;
	size_t i, judged = 0;
	git_object *obj = NULL;
	int adopt = orch_ref_update_is_create(u) && !g->walk.nr_gated;
	int r, ret = -1;

	if (orch_ref_update_is_delete(u)) {
		orch_refuse(&o, "deleting protected branch '%s' is refused", orch_server_branch_name(u->ref));
		ret = 0;
		goto done;
	}
	if (git_object_lookup(&obj, g->repo, &u->new_oid, GIT_OBJECT_COMMIT) < 0) {
		orch_refuse(&o, "%s is not a commit", git_oid_tostr_s(&u->new_oid));
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
			orch_refuse(&o, "%s does not contain the branch's tip %s: a force push would drop "
			       "commits from protected branch '%s'", orch_short_oid(&u->new_oid),
			       orch_short_oid(&u->old_oid), orch_server_branch_name(u->ref));
			orch_say("  fetch, merge your work on top of it, and push again");
			ret = 0;
			goto done;
		}
	}
	if (orch_server_walk_new(&g->walk, &u->new_oid, &fresh, &merges) < 0)
		goto done;
	/* A lookup for each chain commit and each merged tip at most: by path, or all indexed. */
	if (!adopt && orch_server_notes_expect(&g->notes, g->repo, fresh.nr + merges.nr_parents) < 0)
		goto done;
	/* An adopted history is the baseline: none of its commits is judged. */
	if (!adopt && check_first_parents(g, u, &o, &fresh, &chain) < 0)
		goto done;
	for (i = 0; i < merges.nr && !adopt; i++) {
		if (!orch_oidset_contains(&chain, &merges.items[i].id))
			continue;	/* inside a merged branch: its tip's review saw it */
		judged++;
		if (check_merge(g, &o, &fresh, &chain, &merges, &merges.items[i]) < 0)
			goto done;
	}
	say_outcome(g, u, &o, adopt, fresh.nr, judged);
	ret = 0;
done:
	git_object_free(obj);
	orch_new_merges_release(&merges);
	orch_oidset_release(&fresh);
	orch_oidset_release(&chain);
	return ret;
}

/* ---- the whole push ------------------------------------------------------ */

static int protected_update(const struct gate *g, const struct orch_ref_update *u)
{
	return orch_ref_is_protected_branch(g->policy, u->ref);
}

/*
 * A replace ref changes what git on the server shows as a commit (archive,
 * log, a deploy hook's checkout) without any branch moving; the gate reads
 * with libgit2, which ignores them. So none is created or moved here.
 */
static void refuse_replace_ref(const struct orch_ref_update *u, int *refused)
{
	struct orch_offences o = ORCH_OFFENCES_INIT(u->ref, refused);

	if (!starts_with(u->ref, "refs/replace/") || orch_ref_update_is_delete(u))
		return;
	orch_refuse(&o, "replace refs are refused: git on the server would show %.12s in place of "
		    "%s, which no review saw; push the commit to a branch instead",
		    git_oid_tostr_s(&u->new_oid), u->ref + 13);
}

/* The refs the gate judges: a symbolic ref through them is judged as them. */
static int gate_claims(const char *ref, void *payload)
{
	const struct orch_policy *policy = payload;

	return orch_ref_is_protected_branch(policy, ref) || !strcmp(ref, policy->notes_ref);
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
				 orch_server_branch_name(out->items[i].ref));
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
	if (orch_server_walk_init(&g.walk, repo, g.odb, policy) < 0 ||
	    orch_server_notes_read(&g.notes, repo, policy, updates, &g.refused) < 0)
		goto done;
	for (i = 0; i < updates->nr; i++) {
		refuse_replace_ref(&updates->items[i], &g.refused);
		if (protected_update(&g, &updates->items[i]) && check_branch(&g, &updates->items[i]) < 0)
			goto done;
	}
	if (orch_server_tests_check(repo, policy, updates, &g.refused) < 0)
		goto done;
	/* Tests are slow: only for a push the verdicts let through. */
	if (!g.refused && *policy->server_test_command) {
		for (i = 0; i < updates->nr && !g.refused; i++) {
			const struct orch_ref_update *u = &updates->items[i];

			if (protected_update(&g, u) && !orch_ref_update_is_delete(u) &&
			    orch_server_test_command_run(repo, policy, u, &g.refused) < 0)
				goto done;
		}
	}
	ret = g.refused;
done:
	if (ret == 1)
		orch_say("the whole push was refused: no ref on the server changed");
	orch_ref_updates_release(&resolved);
	orch_server_notes_release(&g.notes);
	orch_server_walk_release(&g.walk);
	git_odb_free(g.odb);
	return ret;
}
