#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "land-prefix.h"
#include "repo.h"
#include "run.h"
#include "strbuf.h"
#include "trust.h"

#define GIT_TIMEOUT_MS (120u * 1000)

static const char *const kind_names[] = {
	"merged", "already-landed", "not-reviewed", "rejected", "conflict", "error",
};

const char *land_prefix_kind_name(enum land_prefix_kind k)
{
	return kind_names[k];
}

char *land_merge_message(const char *branch, const char *onto, size_t position, size_t total)
{
	return xasprintf("Merge branch '%s' into %s (orch-hooks land %zu/%zu)", branch, onto, position, total);
}

void land_judge_tip(git_repository *repo, const struct orch_policy *policy, const git_oid *target_tip,
		    const git_oid *tip, struct orch_judgement_result *out)
{
	const struct orch_history_bound bound = ORCH_HISTORY_BOUND_TIP(target_tip);

	orch_trust_judge(repo, policy, ORCH_TRUST_LOCAL, NULL, tip, out);
	orch_trust_explain_missing(repo, policy, ORCH_TRUST_LOCAL, NULL, tip, target_tip ? &bound : NULL, out,
				   NULL);
}

void land_prefix_result_release(struct land_prefix_result *r)
{
	size_t i;

	for (i = 0; i < r->nr; i++)
		free(r->steps[i].detail);
	free(r->steps);
	memset(r, 0, sizeof(*r));
}

/*
 * Runs `git --git-dir=GITDIR ARGS...` (never through a shell); on exit
 * status 0 or `ok_status`, the object id its output starts with goes to
 * *out. Returns the exit status, or -1 when it did not run or said nothing
 * usable (*why says what happened).
 */
static int git_oid_out(git_repository *repo, const char *const *args, int ok_status, unsigned timeout_ms,
		       git_oid *out, char **why)
{
	struct orch_run_opts ro = ORCH_RUN_OPTS_INIT;
	struct orch_run_result res;
	const char *argv[16];
	char *gitdir = xasprintf("--git-dir=%s", git_repository_path(repo));
	char how[320];
	size_t i, k = 0;
	int ret = -1;

	argv[k++] = "git";
	argv[k++] = gitdir;
	for (i = 0; args[i] && k < 15; i++)
		argv[k++] = args[i];
	argv[k] = NULL;
	ro.argv = argv;
	ro.scrub_git_env = 1;
	ro.timeout_ms = timeout_ms;
	orch_run(&ro, &res);
	if (res.started && res.exited && (res.exit_code == 0 || res.exit_code == ok_status) &&
	    !res.timed_out && !res.interrupted && res.output.len >= GIT_OID_HEXSZ &&
	    git_oid_fromstrn(out, res.output.buf, GIT_OID_HEXSZ) == 0) {
		ret = res.exit_code;
	} else {
		orch_run_describe(&res, ro.timeout_ms, how, sizeof(how));
		*why = xasprintf("'git %s' failed (%s): %s", args[0], how, orch_run_tail(&res, 1));
	}
	orch_run_result_release(&res);
	free(gitdir);
	return ret;
}

/* The merge of `tip` onto `below`, as `git merge --no-ff -m MSG TIP` would commit it. */
static void merge_step(git_repository *repo, const struct land_prefix_opts *o, const struct land_prefix_entry *e,
		       struct land_prefix_step *s)
{
	unsigned t = o->git_timeout_ms ? o->git_timeout_ms : GIT_TIMEOUT_MS;
	char below[GIT_OID_HEXSZ + 1], tip[GIT_OID_HEXSZ + 1], tree[GIT_OID_HEXSZ + 1];
	char *msg = land_merge_message(e->branch, o->onto, e->position, o->total);
	const char *mt[] = { "merge-tree", "--write-tree", "--no-messages", below, tip, NULL };
	const char *ct[] = { "commit-tree", tree, "-p", below, "-p", tip, "-m", msg, NULL };
	int r;

	git_oid_tostr(below, sizeof(below), &s->below);
	git_oid_tostr(tip, sizeof(tip), &e->tip);
	r = git_oid_out(repo, mt, 1, t, &s->tree, &s->detail);
	if (r == 1) {
		s->kind = LAND_PREFIX_CONFLICT;
		s->detail = xasprintf("merging '%s' (%s) onto %s stops with conflicts", e->branch,
				      orch_short_oid(&e->tip), orch_short_oid(&s->below));
		memset(&s->tree, 0, sizeof(s->tree));
		goto done;
	}
	if (r == 0) {
		git_oid_tostr(tree, sizeof(tree), &s->tree);
		r = git_oid_out(repo, ct, 0, t, &s->commit, &s->detail);
	}
	if (r != 0) {
		s->kind = LAND_PREFIX_ERROR;
		memset(&s->commit, 0, sizeof(s->commit));
		goto done;
	}
	s->kind = LAND_PREFIX_MERGED;
	s->merges++;
done:
	free(msg);
}

static int commit_tree_id(git_repository *repo, const git_oid *commit, git_oid *out)
{
	git_commit *c = NULL;

	if (git_commit_lookup(&c, repo, commit) < 0)
		return -1;
	git_oid_cpy(out, git_commit_tree_id(c));
	git_commit_free(c);
	return 0;
}

/* One step: already in, not allowed, or merged. */
static void build_step(git_repository *repo, const struct orch_policy *policy, const struct land_prefix_opts *o,
		       const git_oid *base, const struct land_prefix_entry *e, struct land_prefix_step *s)
{
	struct orch_judgement_result j;

	/* Judged as sequential land judges it: against the target as it is. */
	land_judge_tip(repo, policy, base, &e->tip, &j);
	s->verdict = j.kind;
	if (git_oid_equal(&e->tip, &s->below) || git_graph_descendant_of(repo, &s->below, &e->tip) == 1) {
		s->kind = LAND_PREFIX_ALREADY;
		git_oid_cpy(&s->commit, &s->below);
		if (commit_tree_id(repo, &s->commit, &s->tree) < 0) {
			s->kind = LAND_PREFIX_ERROR;
			s->detail = xasprintf("cannot read commit %s: %s", orch_short_oid(&s->commit),
					      orch_git_error_text());
		}
	} else if (j.kind != ORCH_JUDGE_PASS) {
		s->kind = j.kind == ORCH_JUDGE_FAIL ? LAND_PREFIX_REJECTED : LAND_PREFIX_NOT_REVIEWED;
		s->detail = xasprintf("%s%s%s", orch_judgement_name(j.kind), j.detail ? ": " : "",
				      j.detail ? j.detail : "");
	} else {
		merge_step(repo, o, e, s);
	}
	orch_judgement_result_release(&j);
}

int land_prefix_build(git_repository *repo, const struct orch_policy *policy, const struct land_prefix_opts *o,
		      const git_oid *base, const struct land_prefix_entry *entries, size_t n,
		      struct land_prefix_result *out)
{
	size_t i;

	memset(out, 0, sizeof(*out));
	if (!o->onto || !*o->onto)
		return orch_error("the prefix merges need the target's name");
	out->steps = xcalloc(n ? n : 1, sizeof(*out->steps));
	for (i = 0; i < n; i++) {
		struct land_prefix_step *s = &out->steps[out->nr++];

		git_oid_cpy(&s->below, i ? &out->steps[i - 1].commit : base);
		s->merges = i ? out->steps[i - 1].merges : 0;
		build_step(repo, policy, o, base, &entries[i], s);
		if (s->kind >= LAND_PREFIX_NOT_REVIEWED) {
			out->stopped = 1;
			break;
		}
	}
	return 0;
}
