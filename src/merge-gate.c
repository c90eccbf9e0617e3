#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "files.h"
#include "merge-gate.h"
#include "repo.h"
#include "upstream.h"
#include "strbuf.h"
#include "trust.h"
#include "verdict.h"

void orch_merge_heads_free(struct orch_merge_head *heads, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free(heads[i].name);
	free(heads);
}

char *orch_shell_quote(const char *s)
{
	struct strbuf sb = STRBUF_INIT;
	const char *p;

	if (*s && strspn(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-./@+=,:") == strlen(s))
		return xstrdup(s);
	strbuf_addch(&sb, '\'');
	for (p = s; *p; p++) {
		if (*p == '\'')
			strbuf_adds(&sb, "'\\''");
		else
			strbuf_addch(&sb, *p);
	}
	strbuf_addch(&sb, '\'');
	return strbuf_detach(&sb);
}

int orch_merge_gate_check(git_repository *repo, const struct orch_policy *policy,
			  const char *target, const struct orch_merge_head *heads, size_t n)
{
	size_t i, refused = 0;
	git_oid head;
	const struct orch_history_bound bound = ORCH_HISTORY_BOUND_TIP(&head);
	int have_head;

	if (!orch_branch_is_protected(policy, target))
		return 0;
	/* The stale search never counts the target's own reviewed commits. */
	have_head = git_reference_name_to_id(&head, repo, "HEAD") == 0;

	for (i = 0; i < n; i++) {
		struct orch_judgement_result j;
		char hex[GIT_OID_HEXSZ + 1];
		char *name, *quoted, *upstream = NULL;

		/*
		 * `git pull` of a protected branch that diverged merges the upstream
		 * branch itself: what the remote's copy already has passed the
		 * server gate, and carries no verdict of its own.
		 */
		if (orch_upstream_has(repo, target, &heads[i].oid, &upstream)) {
			orch_say("'%s' (%s) comes from upstream '%s': merged without a verdict of its own",
				 heads[i].name ? heads[i].name : upstream, orch_short_oid(&heads[i].oid),
				 upstream);
			free(upstream);
			continue;
		}
		orch_trust_judge_onto(repo, policy, ORCH_TRUST_LOCAL, NULL, &heads[i].oid,
				      have_head ? &head : NULL, &j);
		orch_trust_explain_missing(repo, policy, ORCH_TRUST_LOCAL, NULL, &heads[i].oid,
					   have_head ? &bound : NULL, &j, NULL);
		if (j.kind == ORCH_JUDGE_PASS) {
			orch_judgement_result_release(&j);
			continue;
		}
		if (!refused++)
			orch_error("merge into protected branch '%s' refused", target);
		git_oid_tostr(hex, sizeof(hex), &heads[i].oid);
		name = heads[i].name ? xstrdup(heads[i].name) : orch_branches_at(repo, &heads[i].oid);
		orch_say("  %s%s%scommit %s: %s%s%s", name ? "'" : "", name ? name : "",
			 name ? "' at " : "", hex, orch_judgement_name(j.kind),
			 j.detail ? ": " : "", j.detail ? j.detail : "");
		quoted = orch_shell_quote(name && !strchr(name, ',') ? name : hex);
		if (j.kind == ORCH_JUDGE_UNREADABLE)
			orch_say("    the notes are damaged: check them with 'git fsck' and "
				 "'git log --stat -1 %s', then", policy->notes_ref);
		orch_say("    %s: orch-hooks review %s", orch_trust_fix_hint(j.kind), quoted);
		if (policy->allow_manual && j.kind != ORCH_JUDGE_FAIL)
			orch_say("    (or, after reviewing it yourself: orch-hooks verdict set PASS %s)", quoted);
		free(quoted);
		free(name);
		orch_judgement_result_release(&j);
	}
	if (refused) {
		orch_say("nothing was committed; to clean up: git merge --abort");
		return 1;
	}
	return 0;
}

static int add_head(git_repository *repo, struct orch_merge_head **heads, size_t *n,
		    const git_oid *oid, const char *name)
{
	*heads = xrealloc(*heads, (*n + 1) * sizeof(**heads));
	git_oid_cpy(&(*heads)[*n].oid, oid);
	(*heads)[*n].name = name ? xstrdup(name) : orch_branches_at(repo, oid);
	(*n)++;
	return 0;
}

/* Reads a file of the (per-worktree) git directory. */
static int read_git_file(git_repository *repo, const char *file, struct strbuf *sb)
{
	char *path = xasprintf("%s%s", git_repository_path(repo), file);
	int r = orch_read_file(sb, path, ORCH_READ_GIT_STATE);

	free(path);
	return r;
}

int orch_merge_heads_from_merge_head(git_repository *repo, struct orch_merge_head **out)
{
	struct strbuf sb = STRBUF_INIT;
	struct orch_merge_head *heads = NULL;
	size_t n = 0;
	const char *p;

	*out = NULL;
	if (read_git_file(repo, "MERGE_HEAD", &sb) < 0)
		return orch_error("cannot read MERGE_HEAD of the merge in progress");
	for (p = strbuf_str(&sb); *p;) {
		size_t len = strcspn(p, "\n");
		git_oid oid;

		if (len) {
			if (len < GIT_OID_HEXSZ || git_oid_fromstrn(&oid, p, GIT_OID_HEXSZ) < 0) {
				orch_merge_heads_free(heads, n);
				strbuf_release(&sb);
				return orch_error("MERGE_HEAD holds a line that is not an object id");
			}
			add_head(repo, &heads, &n, &oid, NULL);
		}
		p += len + (p[len] == '\n');
	}
	strbuf_release(&sb);
	*out = heads;
	return (int)n;
}

static int heads_from_fetch_head(git_repository *repo, struct orch_merge_head **heads, size_t *n)
{
	struct strbuf sb = STRBUF_INIT;
	const char *p;

	if (read_git_file(repo, "FETCH_HEAD", &sb) < 0)
		return 0;
	for (p = strbuf_str(&sb); *p;) {
		size_t len = strcspn(p, "\n");
		git_oid oid;

		/* "<oid>\t\t<what>" is for merging; "<oid>\tnot-for-merge\t..." is not. */
		if (len > GIT_OID_HEXSZ + 1 && p[GIT_OID_HEXSZ] == '\t' && p[GIT_OID_HEXSZ + 1] == '\t' &&
		    git_oid_fromstrn(&oid, p, GIT_OID_HEXSZ) == 0)
			add_head(repo, heads, n, &oid, NULL);
		p += len + (p[len] == '\n');
	}
	strbuf_release(&sb);
	return 0;
}

int orch_merge_heads_from_env(git_repository *repo, struct orch_merge_head **out)
{
	const char *action = getenv("GIT_REFLOG_ACTION"), *rest;
	struct orch_merge_head *heads = NULL;
	size_t n = 0;
	char *copy, *tok, *save = NULL;

	*out = NULL;
	if (!action)
		return 0;
	if (skip_prefix(action, "pull", &rest) && (*rest == ' ' || !*rest)) {
		heads_from_fetch_head(repo, &heads, &n);
		*out = heads;
		return (int)n;
	}
	if (!skip_prefix(action, "merge ", &rest))
		return 0;
	copy = xstrdup(rest);
	for (tok = strtok_r(copy, " ", &save); tok; tok = strtok_r(NULL, " ", &save)) {
		git_oid id;

		if (orch_revparse_commit(repo, tok, &id) < 0) {
			/* Not something we can resolve: leave it to prepare-commit-msg. */
			orch_merge_heads_free(heads, n);
			free(copy);
			return 0;
		}
		add_head(repo, &heads, &n, &id, tok);
	}
	free(copy);
	*out = heads;
	return (int)n;
}
