#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "carry-over.h"
#include "commit-head.h"
#include "error.h"
#include "repo.h"
#include "sign.h"
#include "strbuf.h"
#include "trust.h"
#include "verdict.h"

int orch_trust_requires_signature(const struct orch_policy *p, enum orch_trust_where where)
{
	return where == ORCH_TRUST_SERVER ? p->server_require_signed : p->require_signed;
}

/* A PASS nobody trusted vouches for nothing. */
static void require_signature(const struct orch_policy *p, struct orch_judgement_result *j)
{
	struct orch_sig_check sc;

	orch_sign_check_policy(p, &j->record, &sc);
	if (sc.status != ORCH_SIG_GOOD) {
		j->kind = ORCH_JUDGE_UNTRUSTED;
		free(j->detail);
		j->detail = xasprintf("%s: %s", orch_sig_status_name(sc.status),
				      sc.detail ? sc.detail : "no detail");
	}
	orch_sig_check_release(&sc);
}

static void refuse_carry(struct orch_judgement_result *out, char *detail)
{
	out->kind = ORCH_JUDGE_CARRY_REFUSED;
	free(out->detail);
	out->detail = detail;
}

/* The decision on the text; a carried PASS is left for the caller to check (carried = 1). */
static void judge_text(const struct orch_policy *p, enum orch_trust_where where, const char *text,
		       size_t len, const char *commit_hex, const char *tree_hex,
		       struct orch_judgement_result *out, int *carried)
{
	/* The newest Date decides; a tie with a FAIL fails (note.c). */
	orch_note_judge(text, len, commit_hex, tree_hex, out);
	*carried = out->kind == ORCH_JUDGE_PASS && out->record.carried_from;
	/* A carried record stands on the original's signature, never its own. */
	if (out->kind == ORCH_JUDGE_PASS && !*carried && orch_trust_requires_signature(p, where))
		require_signature(p, out);
}

void orch_trust_judge_text(const struct orch_policy *p, enum orch_trust_where where,
			   const char *text, size_t len, const char *commit_hex,
			   const char *tree_hex, struct orch_judgement_result *out)
{
	int carried;

	judge_text(p, where, text, len, commit_hex, tree_hex, out, &carried);
	if (carried)
		refuse_carry(out, xasprintf("carried over from %.12s: it can only be checked against "
					    "the repository", out->record.carried_from));
}

/* The note text of `commit` from src: 1 (*out set), 0 none, -1 unreadable (libgit2's error set). */
static int read_note(git_repository *repo, const struct orch_policy *p,
		     const struct orch_notes_source *src, const git_oid *commit, char **out, size_t *len)
{
	if (src && src->index)
		return orch_notes_index_text(src->index, repo, commit, out, len);
	return orch_note_text(repo, p->notes_ref, src ? src->notes_commit : NULL, commit, out, len);
}

static void unreadable(struct orch_judgement_result *out, char *detail)
{
	out->kind = ORCH_JUDGE_UNREADABLE;
	out->detail = detail;
}

static void check_carried(git_repository *repo, const struct orch_policy *p, enum orch_trust_where where,
			  const struct orch_notes_source *src, const git_oid *commit, const git_oid *onto,
			  struct orch_judgement_result *out);

void orch_trust_judge(git_repository *repo, const struct orch_policy *p, enum orch_trust_where where,
		      const struct orch_notes_source *src, const git_oid *commit,
		      struct orch_judgement_result *out)
{
	orch_trust_judge_onto(repo, p, where, src, commit, NULL, out);
}

void orch_trust_judge_onto(git_repository *repo, const struct orch_policy *p, enum orch_trust_where where,
			   const struct orch_notes_source *src, const git_oid *commit, const git_oid *onto,
			   struct orch_judgement_result *out)
{
	struct orch_commit_head head = ORCH_COMMIT_HEAD_INIT;
	char hex[GIT_OID_HEXSZ + 1], tree[GIT_OID_HEXSZ + 1];
	git_odb *odb = NULL;
	char *text = NULL;
	size_t len = 0;
	int r, carried = 0;

	memset(out, 0, sizeof(*out));
	r = read_note(repo, p, src, commit, &text, &len);
	if (r < 0) {
		unreadable(out, xstrdup(orch_git_error_text()));
		return;
	}
	if (r == 0) {
		out->kind = ORCH_JUDGE_NONE;
		return;
	}
	/* Only the tree of the commit, not its message: the server judges thousands. */
	if (git_repository_odb(&odb, repo) < 0 || orch_commit_head_read(&head, odb, commit) < 0) {
		unreadable(out, xasprintf("cannot read commit %s: %s", orch_short_oid(commit),
					  orch_git_error_text()));
		goto done;
	}
	git_oid_tostr(hex, sizeof(hex), commit);
	git_oid_tostr(tree, sizeof(tree), &head.tree);
	judge_text(p, where, text, len, hex, tree, out, &carried);
	if (carried)
		check_carried(repo, p, where, src, commit, onto, out);
done:
	orch_commit_head_release(&head);
	git_odb_free(odb);
	free(text);
}

/*
 * The reviewed commit a carried record names: its own verdict must be a
 * valid PASS of its own (no chain of carries: a carry is always from the
 * reviewed commit). NULL when it counts, else why not (caller frees).
 */
static char *origin_refused(git_repository *repo, const struct orch_policy *p, enum orch_trust_where where,
			    const struct orch_notes_source *src, const git_oid *from)
{
	struct orch_judgement_result o;
	git_odb *odb = NULL;
	char *why = NULL;
	int present;

	present = git_repository_odb(&odb, repo) == 0 && git_odb_exists(odb, from);
	git_odb_free(odb);
	if (!present)
		return xasprintf("the reviewed commit %s is not in this repository (push it too, e.g. to "
				 "refs/reviewed/%s)", orch_short_oid(from), orch_short_oid(from));
	orch_trust_judge(repo, p, where, src, from, &o);
	if (o.kind == ORCH_JUDGE_CARRY_REFUSED || (o.kind == ORCH_JUDGE_PASS && o.record.carried_from))
		why = xasprintf("the verdict of %s is itself carried over: a verdict is carried only from "
				"the commit that was reviewed", orch_short_oid(from));
	else if (o.kind != ORCH_JUDGE_PASS)
		why = xasprintf("the reviewed commit %s has no valid PASS (%s%s%s)", orch_short_oid(from),
				orch_judgement_name(o.kind), o.detail ? ": " : "", o.detail ? o.detail : "");
	orch_judgement_result_release(&o);
	return why;
}

static void check_carried(git_repository *repo, const struct orch_policy *p, enum orch_trust_where where,
			  const struct orch_notes_source *src, const git_oid *commit, const git_oid *onto,
			  struct orch_judgement_result *out)
{
	struct orch_carry c = ORCH_CARRY_INIT;
	char from_hex[GIT_OID_HEXSZ + 1];
	git_oid from, base;
	char *why;

	if (p->carry_over == ORCH_CARRY_OVER_NONE) {
		refuse_carry(out, xasprintf("carried over from %.12s, but the policy says [review] "
					    "carry_over = none", out->record.carried_from));
		return;
	}
	if (!onto) {
		refuse_carry(out, xasprintf("carried over from %.12s: it counts only for a merge into a "
					    "target branch", out->record.carried_from));
		return;
	}
	if (git_oid_fromstr(&from, out->record.carried_from) < 0 ||
	    git_oid_fromstr(&base, out->record.carried_base) < 0) {
		refuse_carry(out, xstrdup("Carried-From or Carried-Base is not an object id"));
		return;
	}
	git_oid_tostr(from_hex, sizeof(from_hex), &from);
	why = origin_refused(repo, p, where, src, &from);
	if (why) {
		refuse_carry(out, why);
		return;
	}
	if (orch_carry_over_compare(repo, &from, commit, onto, &c) < 0) {
		refuse_carry(out, xasprintf("cannot compare it with %.12s: %s", from_hex, orch_git_error_text()));
	} else if (!c.holds) {
		refuse_carry(out, xasprintf("not a pure rebase of the reviewed %.12s: %s", from_hex, c.why));
	} else if (!git_oid_equal(&c.reviewed_base, &base)) {
		refuse_carry(out, xasprintf("the record says the reviewed series of %.12s starts at %.12s, "
					    "but it starts at %s", from_hex, out->record.carried_base,
					    orch_short_oid(&c.reviewed_base)));
	} else {
		free(out->detail);
		out->detail = xasprintf("carried over from %.12s: a pure rebase of %zu commit%s", from_hex,
					c.nr, c.nr == 1 ? "" : "s");
	}
	orch_carry_release(&c);
}

/* 1 if `commit` has a note in src (readable or not). */
static int has_note(git_repository *repo, const struct orch_policy *p,
		    const struct orch_notes_source *src, const git_oid *commit)
{
	char *text = NULL;
	size_t len;
	int r;

	if (src && src->index)
		return orch_notes_index_find(src->index, commit) != NULL;
	r = read_note(repo, p, src, commit, &text, &len);
	free(text);
	return r != 0;
}

int orch_history_reached_from(git_repository *repo, const git_oid *id, const void *tip)
{
	return git_oid_equal(id, tip) || git_graph_descendant_of(repo, tip, id) == 1;
}

void orch_trust_explain_missing(git_repository *repo, const struct orch_policy *p,
				enum orch_trust_where where, const struct orch_notes_source *src,
				const git_oid *commit, const struct orch_history_bound *bound,
				struct orch_judgement_result *out, git_oid *stale_commit)
{
	git_commit *c = NULL, *parent = NULL;
	int depth;

	if (out->kind != ORCH_JUDGE_NONE || git_commit_lookup(&c, repo, commit) < 0)
		return;
	for (depth = 0; depth < ORCH_STALE_SEARCH_DEPTH; depth++) {
		struct orch_judgement_result older;

		if (git_commit_parentcount(c) == 0 || git_commit_parent(&parent, c, 0) < 0)
			break;
		git_commit_free(c);
		c = parent;
		parent = NULL;
		if (bound && bound->in_target(repo, git_commit_id(c), bound->data))
			break;
		if (!has_note(repo, p, src, git_commit_id(c)))
			continue;
		orch_trust_judge(repo, p, where, src, git_commit_id(c), &older);
		out->kind = ORCH_JUDGE_STALE;
		free(out->detail);
		out->detail = xasprintf("the %s verdict is for the earlier commit %s",
					orch_judgement_name(older.kind), orch_short_oid(git_commit_id(c)));
		if (stale_commit)
			git_oid_cpy(stale_commit, git_commit_id(c));
		orch_judgement_result_release(&older);
		break;
	}
	git_commit_free(c);
}

const char *orch_trust_fix_hint(enum orch_judgement k)
{
	switch (k) {
	case ORCH_JUDGE_FAIL:
		return "fix the branch, then review its new tip";
	case ORCH_JUDGE_STALE:
		return "the branch moved after its review; review its new tip";
	case ORCH_JUDGE_UNTRUSTED:
		return "have an allowed reviewer sign a verdict for it";
	case ORCH_JUDGE_CARRY_REFUSED:
		return "its carried-over verdict does not hold; review its new tip";
	default:
		return "review it";
	}
}
