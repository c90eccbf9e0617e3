/*
 * orch-hooks push [REMOTE] [REFSPEC...]: lands the checked-out branch (or
 * the REFSPECs) and the verdicts together, in one atomic push, and keeps
 * trying while teammates land theirs.
 *
 * Each try: merge the remote's verdicts into ours (as sync does); if the
 * remote's copy of the branch moved on, take the local merges of reviewed
 * branches off and make them again on top of it with a real
 * `git merge --no-ff` (so the merge gate and the test gate judge the new
 * merge); then `git push --atomic` the branch and the notes. A refusal is
 * tried again only when the remote changed meanwhile, after a randomised
 * backoff. Upstream is never merged into a local merge: the server refuses
 * a merge whose first parent is not the branch's old tip.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <git2.h>

#include "cmd.h"
#include "error.h"
#include "exit-codes.h"
#include "parse-options.h"
#include "policy.h"
#include "repo.h"
#include "run.h"
#include "strbuf.h"
#include "sync.h"

#define DEFAULT_TRIES 40

struct push {
	const char *dir;	/* the work tree */
	const char *remote;
	const char *notes_ref;
	char *branch;		/* the checked-out branch, redone when it moved upstream */
	char *branch_ref;	/* refs/heads/BRANCH */
	const char **specs;	/* what git push is given, and the notes when we have some */
	size_t nspecs;
	char *notes_spec;
	int redo;		/* the checked-out branch is pushed: redo its merges when it moved */
};

/* Runs git quietly; 0 when it exits 0. Output (both streams) into out, if given. */
static int git_quiet(const char *dir, const char *const *argv, struct strbuf *out)
{
	struct orch_run_opts o = ORCH_RUN_OPTS_INIT;
	struct orch_run_result res;
	int r;

	o.argv = argv;
	o.cwd = dir;
	r = orch_run(&o, &res);
	if (out)
		strbuf_add(out, strbuf_str(&res.output), res.output.len);
	orch_run_result_release(&res);
	return r;
}

/* "OID REF" lines of the remote's branch and notes: what a try saw. */
static int remote_state(struct push *p, struct strbuf *out)
{
	const char *argv[] = { "git", "ls-remote", p->remote, p->branch_ref, p->notes_ref, NULL };

	strbuf_reset(out);
	return orch_sync_git(p->dir, argv, out);
}

/* The remote's tip of the branch in a remote_state() listing, or "" when it has none. */
static void remote_tip(const struct strbuf *state, const char *ref, char *hex)
{
	const char *line = strbuf_str(state);

	hex[0] = '\0';
	while (line && *line) {
		const char *tab = strchr(line, '\t'), *nl = strchr(line, '\n');
		size_t len = nl ? (size_t)(nl - tab - 1) : strlen(tab ? tab + 1 : "");

		if (tab && tab - line == GIT_OID_HEXSZ && len == strlen(ref) && !strncmp(tab + 1, ref, len)) {
			memcpy(hex, line, GIT_OID_HEXSZ);
			hex[GIT_OID_HEXSZ] = '\0';
		}
		line = nl ? nl + 1 : NULL;
	}
}

static int rev_parse(const char *dir, const char *rev, char *hex)
{
	const char *argv[] = { "git", "rev-parse", "--verify", "--quiet", rev, NULL };
	struct strbuf out = STRBUF_INIT;
	int r = git_quiet(dir, argv, &out);

	strbuf_rtrim(&out);
	if (r == 0 && out.len == GIT_OID_HEXSZ)
		memcpy(hex, out.buf, GIT_OID_HEXSZ + 1);
	else
		r = -1;
	strbuf_release(&out);
	return r;
}

/* Resets the checked-out branch to rev, keeping uncommitted changes (git reset --keep). */
static int reset_keep(struct push *p, const char *rev)
{
	const char *argv[] = { "git", "reset", "--quiet", "--keep", rev, NULL };

	return orch_sync_git(p->dir, argv, NULL);
}

/*
 * Makes merge `merge` (a commit of the old local branch) again on the
 * current tip: same merged heads, same message, through git's hooks.
 * 0 done; 1 the gates refused or the tests undid it; 3 a conflict.
 */
static int redo_merge(struct push *p, const char *merge)
{
	const char *parents[] = { "git", "rev-list", "--parents", "-n", "1", merge, NULL };
	const char *msg_argv[] = { "git", "log", "-1", "--format=%B", merge, NULL };
	struct strbuf parents_out = STRBUF_INIT, msg = STRBUF_INIT, out = STRBUF_INIT;
	const char **argv = NULL;
	char before[GIT_OID_HEXSZ + 1], after[GIT_OID_HEXSZ + 1], *save = NULL, *word;
	size_t n = 0;
	int ret = 1;

	if (git_quiet(p->dir, parents, &parents_out) || git_quiet(p->dir, msg_argv, &msg) ||
	    rev_parse(p->dir, "HEAD", before) < 0)
		goto done;
	strbuf_rtrim(&parents_out);
	strbuf_rtrim(&msg);
	argv = xcalloc(parents_out.len / GIT_OID_HEXSZ + 8, sizeof(*argv));
	argv[n++] = "git";
	argv[n++] = "merge";
	argv[n++] = "--no-ff";
	argv[n++] = "-m";
	argv[n++] = msg.buf;
	/* the commit itself, then its first parent (the old tip): skip both */
	word = strtok_r(parents_out.buf, " ", &save);
	word = word ? strtok_r(NULL, " ", &save) : NULL;
	while (word && (word = strtok_r(NULL, " ", &save)))
		argv[n++] = word;
	argv[n] = NULL;
	if (n == 5) {
		orch_error("'%s' on '%s' is not a merge: push redoes only merges of reviewed branches; "
			   "rebase it onto %s/%s yourself", merge, p->branch, p->remote, p->branch);
		goto done;
	}
	if (git_quiet(p->dir, argv, &out) != 0) {
		const char *abort_argv[] = { "git", "merge", "--abort", NULL };

		fputs(strbuf_str(&out), stderr);
		ret = git_quiet(p->dir, abort_argv, NULL) == 0 && strstr(strbuf_str(&out), "CONFLICT") ? 3 : 1;
		goto done;
	}
	fputs(strbuf_str(&out), stderr);
	/* git merge reports success even when the test gate undid the merge */
	if (rev_parse(p->dir, "HEAD^1", after) < 0 || strcmp(after, before)) {
		orch_error("the merge of %s onto the new '%s' did not stay (the test gate undid it?)", merge,
			   p->branch);
		goto done;
	}
	ret = 0;
done:
	free(argv);
	strbuf_release(&parents_out);
	strbuf_release(&msg);
	strbuf_release(&out);
	return ret;
}

/*
 * The remote's branch is at `upstream`, which the local branch does not
 * contain: make the local merges again on top of it. Returns as redo_merge.
 */
static int redo_on(struct push *p, const char *upstream)
{
	const char *list[] = { "git", "rev-list", "--first-parent", "--reverse", p->branch_ref, NULL, NULL };
	struct strbuf merges = STRBUF_INIT;
	char old[GIT_OID_HEXSZ + 1], *not_upstream = xasprintf("^%s", upstream), *save = NULL, *m;
	int ret = 1;

	list[5] = not_upstream;
	if (rev_parse(p->dir, p->branch_ref, old) < 0 || orch_sync_git(p->dir, list, &merges) < 0)
		goto done;
	if (reset_keep(p, upstream) < 0)
		goto done;
	ret = 0;
	for (m = strtok_r(merges.buf, "\n", &save); m && !ret; m = strtok_r(NULL, "\n", &save))
		ret = redo_merge(p, m);
	if (ret) {
		orch_say("'%s' is back where it was (%.12s); %s", p->branch, old,
			 ret == 3 ? "merge the new upstream's changes into your branch, review it again, "
				    "and run 'orch-hooks push' again" :
				    "nothing was pushed");
		reset_keep(p, old);
	} else {
		orch_say("'%s' moved on '%s': made the merges again on top of %.12s", p->branch, p->remote,
			 upstream);
	}
done:
	free(not_upstream);
	strbuf_release(&merges);
	return ret;
}

/* 0 pushed; 1 refused (*retry set when the remote moved meanwhile). */
static int try_push(struct push *p, const struct strbuf *seen, int *retry)
{
	struct strbuf out = STRBUF_INIT, now = STRBUF_INIT;
	const char **argv = xcalloc(p->nspecs + 6, sizeof(*argv));
	char hex[GIT_OID_HEXSZ + 1];
	size_t n = 0, i;
	int r;

	argv[n++] = "git";
	argv[n++] = "push";
	argv[n++] = "--atomic";
	argv[n++] = p->remote;
	for (i = 0; i < p->nspecs; i++)
		argv[n++] = p->specs[i];
	if (rev_parse(p->dir, p->notes_ref, hex) == 0)
		argv[n++] = p->notes_spec;
	argv[n] = NULL;
	r = git_quiet(p->dir, argv, &out);
	*retry = 0;
	if (r != 0) {
		*retry = remote_state(p, &now) == 0 && strcmp(strbuf_str(&now), strbuf_str(seen));
		if (!*retry)
			fputs(strbuf_str(&out), stderr);
	}
	free(argv);
	strbuf_release(&out);
	strbuf_release(&now);
	return r ? 1 : 0;
}

/*
 * A growing pause drawn at random from the whole range ("full jitter"):
 * clients that collided spread out instead of colliding again in step.
 */
static void backoff(int attempt)
{
	unsigned cap = 100u << (attempt < 7 ? attempt - 1 : 5);

	usleep((20u + (unsigned)rand() % cap) * 1000u);
}

static int push_loop(struct push *p, int tries)
{
	struct strbuf seen = STRBUF_INIT;
	char upstream[GIT_OID_HEXSZ + 1];
	int attempt, ret = 1, retry = 0;

	for (attempt = 1; attempt <= tries; attempt++) {
		if (attempt > 1)
			backoff(attempt);
		if (remote_state(p, &seen) < 0) {
			ret = 128;
			break;
		}
		if (strstr(strbuf_str(&seen), p->notes_ref) &&
		    orch_sync_fetch_notes(p->dir, p->remote, p->notes_ref) < 0) {
			ret = 128;
			break;
		}
		remote_tip(&seen, p->branch_ref, upstream);
		if (*upstream && p->redo) {
			const char *fetch[] = { "git", "fetch", "--quiet", p->remote, p->branch_ref, NULL };
			const char *contained[] = { "git", "merge-base", "--is-ancestor", upstream,
						    p->branch_ref, NULL };

			if (orch_sync_git(p->dir, fetch, NULL) < 0) {
				ret = 128;
				break;
			}
			if (git_quiet(p->dir, contained, NULL) != 0 && (ret = redo_on(p, upstream)) != 0)
				break;
		}
		ret = try_push(p, &seen, &retry);
		if (!ret) {
			orch_say("pushed %s and %s to '%s'%s", p->branch, p->notes_ref, p->remote,
				 attempt > 1 ? " (after others landed first)" : "");
			break;
		}
		if (!retry) {
			orch_error("'%s' refused the push (see above); nothing changed there", p->remote);
			break;
		}
		orch_say("'%s' moved on while pushing (try %d of %d): trying again", p->remote, attempt, tries);
	}
	if (ret == 1 && retry)
		orch_error("gave up after %d tries: '%s' keeps moving; run 'orch-hooks push' again", tries,
			   p->remote);
	strbuf_release(&seen);
	return ret;
}

static int push(struct orch_cmd_ctx *ctx, const char *remote_name, char **refspecs, int nref)
{
	struct push p = { 0 };
	git_remote *remote = NULL;
	const char *tries_env = getenv("ORCH_HOOKS_PUSH_TRIES");
	int ret = 128, i, tries = tries_env && atoi(tries_env) > 0 ? atoi(tries_env) : DEFAULT_TRIES;

	if (orch_cmd_setup(ctx) < 0)
		goto done;
	if (!(p.dir = git_repository_workdir(ctx->repo))) {
		orch_error("push needs a work tree: the merges are made again there when the branch moved");
		goto done;
	}
	if (orch_sync_remote_lookup(&remote, ctx->repo, remote_name) < 0)
		goto done;
	if (!(p.branch = orch_repo_current_branch(ctx->repo))) {
		orch_error("HEAD is not on a branch: check out the branch to push");
		goto done;
	}
	p.remote = remote_name;
	p.notes_ref = ctx->policy->notes_ref;
	p.branch_ref = xasprintf("refs/heads/%s", p.branch);
	p.specs = xcalloc((size_t)nref + 1, sizeof(*p.specs));
	for (i = 0; i < nref; i++) {
		char *both = xasprintf("%s:%s", p.branch, p.branch), *full = xasprintf("%s:%s", p.branch_ref, p.branch_ref);

		p.redo |= !strcmp(refspecs[i], p.branch) || !strcmp(refspecs[i], p.branch_ref) ||
			  !strcmp(refspecs[i], both) || !strcmp(refspecs[i], full);
		p.specs[p.nspecs++] = refspecs[i];
		free(both);
		free(full);
	}
	if (!nref) {
		p.specs[p.nspecs++] = p.branch_ref;
		p.redo = 1;
	}
	p.notes_spec = xasprintf("%s:%s", ctx->policy->notes_ref, ctx->policy->notes_ref);
	srand((unsigned)time(NULL) ^ (unsigned)getpid());
	ret = push_loop(&p, tries);
done:
	free(p.branch);
	free(p.branch_ref);
	free(p.specs);
	free(p.notes_spec);
	git_remote_free(remote);
	return ret;
}

static int cmd_push(int argc, char **argv, struct orch_cmd_ctx *ctx)
{
	const struct orch_option options[] = {
		OPT_EXITS("0 pushed\n"
			  "1 refused (by the remote, or a gate refused a redone merge)\n"
			  "3 a redone merge conflicts (the branch is put back, nothing is pushed)"),
		OPT_END(),
	};
	int nargs = orch_parse_options(argc, argv, options, &orch_cmd_push);

	if (nargs < 0)
		return ORCH_EXIT_USAGE;
	return push(ctx, nargs ? argv[0] : "origin", argv + 1, nargs > 1 ? nargs - 1 : 0);
}

ORCH_CMD_DEFINE(push, ORCH_CMD_NEEDS_REPO | ORCH_CMD_NEEDS_POLICY, "push [REMOTE] [REFSPEC...]",
		"push the branch (or REFSPECs) and its verdicts in one atomic push; redo local merges and retry "
		"when others landed first");
