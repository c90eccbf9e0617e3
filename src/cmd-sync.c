/*
 * orch-hooks sync [REMOTE]: share verdicts. Fetches the remote's notes into
 * a remote-tracking notes ref, merges them into ours with git's "union"
 * strategy (a note then holds the records of both sides, and the one rule
 * of note.h judges them: newest Date decides, a tie with a FAIL fails), and
 * pushes the result, which fast-forwards the remote's notes.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

int orch_sync_remote_lookup(git_remote **out, git_repository *repo, const char *name)
{
	if (git_remote_lookup(out, repo, name) < 0)
		return orch_error("there is no remote '%s' here; name one of 'git remote'", name);
	return 0;
}

int orch_sync_git(const char *dir, const char *const *argv, struct strbuf *out)
{
	struct orch_run_opts o = ORCH_RUN_OPTS_INIT;
	struct orch_run_result res;
	char why[300];
	int r;

	o.argv = argv;
	o.cwd = dir;
	r = orch_run(&o, &res);
	if (r < 0) {
		orch_run_describe(&res, o.timeout_ms, why, sizeof(why));
		orch_error("'%s %s' failed (%s)", argv[0], argv[1], why);
		if (res.output.len)
			fprintf(stderr, "%s\n", orch_run_tail(&res, 10));
	} else if (out) {
		strbuf_add(out, strbuf_str(&res.output), res.output.len);
	}
	orch_run_result_release(&res);
	return r;
}

char *orch_sync_tracking_ref(const char *remote, const char *notes_ref)
{
	return xasprintf("refs/notes/remotes/%s/%s", remote, notes_ref + strlen("refs/notes/"));
}

int orch_sync_fetch_notes(const char *dir, const char *remote, const char *notes_ref)
{
	const char *fetch[] = { "git", "fetch", "--quiet", remote, NULL, NULL };
	const char *merge[] = { "git", "notes", NULL, "merge", "--strategy=union", "--quiet", NULL, NULL };
	char *tracking = orch_sync_tracking_ref(remote, notes_ref);
	char *spec = xasprintf("+%s:%s", notes_ref, tracking);
	char *ref_opt = xasprintf("--ref=%s", notes_ref);
	int r;

	fetch[4] = spec;
	merge[2] = ref_opt;
	merge[6] = tracking;
	r = orch_sync_git(dir, fetch, NULL);
	if (r == 0)
		r = orch_sync_git(dir, merge, NULL);
	free(ref_opt);
	free(spec);
	free(tracking);
	return r;
}

static int sync_notes(struct orch_cmd_ctx *ctx, const char *remote_name)
{
	git_remote *remote = NULL;
	git_reference *local = NULL;
	struct strbuf listed = STRBUF_INIT;
	char *push_spec = NULL;
	const char *dir;
	int ret = 128, has_local;

	if (orch_cmd_setup(ctx) < 0 || orch_sync_remote_lookup(&remote, ctx->repo, remote_name) < 0)
		goto done;
	dir = git_repository_workdir(ctx->repo) ? git_repository_workdir(ctx->repo) : git_repository_path(ctx->repo);

	/* Fetching a ref the remote lacks is an error to git: ask first. */
	{
		const char *argv[] = { "git", "ls-remote", remote_name, ctx->policy->notes_ref, NULL };

		if (orch_sync_git(dir, argv, &listed) < 0)
			goto done;
	}
	if (listed.len) {
		if (orch_sync_fetch_notes(dir, remote_name, ctx->policy->notes_ref) < 0)
			goto done;
		orch_say("merged the verdicts of '%s' into %s", remote_name, ctx->policy->notes_ref);
	} else {
		orch_say("'%s' has no verdicts yet", remote_name);
	}

	has_local = git_reference_lookup(&local, ctx->repo, ctx->policy->notes_ref) == 0;
	if (has_local) {
		const char *push[] = { "git", "push", "--quiet", remote_name, NULL, NULL };

		/* No '+': the merged notes contain the remote's, so this fast-forwards. */
		push_spec = xasprintf("%s:%s", ctx->policy->notes_ref, ctx->policy->notes_ref);
		push[4] = push_spec;
		if (orch_sync_git(dir, push, NULL) < 0) {
			orch_say("someone pushed verdicts meanwhile: run 'orch-hooks sync %s' again; "
				 "'orch-hooks push' pushes a branch and its verdicts together and retries "
				 "by itself", remote_name);
			goto done;
		}
		orch_say("pushed %s to '%s'", ctx->policy->notes_ref, remote_name);
	} else {
		orch_say("no verdicts here to push");
	}
	ret = 0;
done:
	strbuf_release(&listed);
	free(push_spec);
	git_reference_free(local);
	git_remote_free(remote);
	return ret;
}

static int cmd_sync(int argc, char **argv, struct orch_cmd_ctx *ctx)
{
	return orch_run_one_operand(argc, argv, ctx,
				    "0 the verdicts were merged and pushed (or there were none to share)", "origin",
				    sync_notes);
}

ORCH_CMD_DEFINE(sync, ORCH_CMD_NEEDS_REPO | ORCH_CMD_NEEDS_POLICY, "sync [REMOTE]",
		"share verdicts: fetch REMOTE's (default origin), merge them into ours, push the result");
