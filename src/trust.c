#include "config.h"

#include <stdlib.h>
#include <string.h>

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

void orch_trust_judge_text(const struct orch_policy *p, enum orch_trust_where where,
			   const char *text, size_t len, const char *commit_hex,
			   const char *tree_hex, struct orch_judgement_result *out)
{
	/* The newest Date decides; a tie with a FAIL fails (note.c). */
	orch_note_judge(text, len, commit_hex, tree_hex, out);
	if (out->kind == ORCH_JUDGE_PASS && orch_trust_requires_signature(p, where))
		require_signature(p, out);
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

void orch_trust_judge(git_repository *repo, const struct orch_policy *p, enum orch_trust_where where,
		      const struct orch_notes_source *src, const git_oid *commit,
		      struct orch_judgement_result *out)
{
	struct orch_commit_head head = ORCH_COMMIT_HEAD_INIT;
	char hex[GIT_OID_HEXSZ + 1], tree[GIT_OID_HEXSZ + 1];
	git_odb *odb = NULL;
	char *text = NULL;
	size_t len = 0;
	int r;

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
	orch_trust_judge_text(p, where, text, len, hex, tree, out);
done:
	orch_commit_head_release(&head);
	git_odb_free(odb);
	free(text);
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
	default:
		return "review it";
	}
}
