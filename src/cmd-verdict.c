/* orch-hooks verdict show|set: read a commit's verdict, or record one by hand. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "error.h"
#include "exit-codes.h"
#include "parse-options.h"
#include "policy.h"
#include "repo.h"
#include "sign.h"
#include "strbuf.h"
#include "target.h"
#include "trust.h"
#include "verdict.h"

static int resolve_commit(git_repository *repo, const char *rev, git_oid *out)
{
	if (orch_revparse_commit(repo, rev, out) < 0)
		return orch_error("'%s' does not name a commit here", rev);
	return 0;
}

static int verdict_show(int argc, char **argv, struct orch_cmd_ctx *ctx)
{
	struct orch_judgement_result j;
	git_oid oid;
	char *text = NULL;
	size_t len;
	int ret = ORCH_EXIT_FATAL;

	if (argc != 2)
		return orch_usage(&orch_cmd_verdict);
	memset(&j, 0, sizeof(j));
	if (orch_cmd_setup(ctx) < 0 || resolve_commit(ctx->repo, argv[1], &oid) < 0)
		goto done;
	orch_trust_judge(ctx->repo, ctx->policy, ORCH_TRUST_LOCAL, NULL, &oid, &j);
	if (j.kind == ORCH_JUDGE_CARRY_REFUSED) {
		/* A carried verdict counts only for a merge into a branch: the one review would use. */
		char *target = NULL;
		git_oid onto;

		if (orch_find_target(ctx->repo, ctx->policy, NULL, &target, &onto) == 0) {
			orch_judgement_result_release(&j);
			orch_trust_judge_onto(ctx->repo, ctx->policy, ORCH_TRUST_LOCAL, NULL, &oid, &onto, &j);
		}
		free(target);
	}
	orch_trust_explain_missing(ctx->repo, ctx->policy, ORCH_TRUST_LOCAL, NULL, &oid, NULL, &j, NULL);
	printf("%s %s: %s", orch_short_oid(&oid), argv[1], orch_judgement_name(j.kind));
	if (j.detail)
		printf(" (%s)", j.detail);
	printf("\n");
	/* For people: who signed. Whether the verdict counts was decided above. */
	if (j.has_record && j.record.signature) {
		struct orch_sig_check sc;

		orch_sign_check_policy(ctx->policy, &j.record, &sc);
		printf("signature: %s%s%s%s%s%s\n", orch_sig_status_name(sc.status),
		       sc.principal ? ", signed by " : "", sc.principal ? sc.principal : "",
		       sc.fingerprint ? " (" : "", sc.fingerprint ? sc.fingerprint : "",
		       sc.fingerprint ? ")" : "");
		if (sc.status != ORCH_SIG_GOOD && sc.detail)
			printf("  %s\n", sc.detail);
		orch_sig_check_release(&sc);
	} else if (j.has_record && j.record.verdict == ORCH_VERDICT_PASS && ctx->policy->require_signed) {
		printf("signature: none, but [branches] require_signed is on\n");
	}
	if (orch_note_text(ctx->repo, ctx->policy->notes_ref, NULL, &oid, &text, &len) > 0) {
		printf("\n");
		fwrite(text, 1, len, stdout);
		if (len && text[len - 1] != '\n')
			printf("\n");
	}
	ret = j.kind == ORCH_JUDGE_PASS ? ORCH_EXIT_OK : ORCH_EXIT_NO;
done:
	free(text);
	orch_judgement_result_release(&j);
	return ret;
}

static int verdict_set(int argc, char **argv, const char *msg, struct orch_cmd_ctx *ctx)
{
	git_signature *me = NULL;
	enum orch_verdict_value v;
	const char *word, *rev;
	char *reviewer = NULL, *key = NULL;
	git_oid oid;
	int ret = ORCH_EXIT_FATAL;

	if (argc != 3)
		return orch_usage(&orch_cmd_verdict);
	word = argv[1];
	rev = argv[2];
	if (!strcmp(word, "PASS"))
		v = ORCH_VERDICT_PASS;
	else if (!strcmp(word, "FAIL"))
		v = ORCH_VERDICT_FAIL;
	else {
		orch_error("a verdict is PASS or FAIL, not '%s'", word);
		return orch_usage(&orch_cmd_verdict);
	}

	if (orch_cmd_setup(ctx) < 0)
		goto done;
	if (!ctx->policy->allow_manual) {
		orch_error("manual verdicts are off ([review] allow_manual = false in %s); "
			   "run 'orch-hooks review %s'", ctx->policy->path, rev);
		ret = ORCH_EXIT_NO;
		goto done;
	}
	if (resolve_commit(ctx->repo, rev, &oid) < 0)
		goto done;
	if (orch_repo_signature(ctx->repo, &me) < 0)
		goto done;
	reviewer = xasprintf("%s <%s> (by hand)", me->name, me->email);
	key = orch_policy_resolve_path(ctx->policy, ctx->policy->signing_key);
	if (orch_verdict_write_signed(ctx->repo, ctx->policy->notes_ref, &oid, v, reviewer, NULL,
				      msg ? msg : "Recorded by hand with 'orch-hooks verdict set'.", key) < 0)
		goto done;
	orch_say("recorded %s%s for %s (%s) in %s", key ? "signed " : "", word, rev,
		 orch_short_oid(&oid), ctx->policy->notes_ref);
	ret = ORCH_EXIT_OK;
done:
	free(key);
	free(reviewer);
	git_signature_free(me);
	return ret;
}

static int cmd_verdict(int argc, char **argv, struct orch_cmd_ctx *ctx)
{
	const char *msg = NULL;
	const struct orch_option options[] = {
		OPT_STRING('m', "message", &msg, "<text>",
			   "set: the verdict's reasons (default: a line saying it was recorded by hand)"),
		OPT_EXITS("show: 0 a valid PASS; 1 anything else (no verdict, FAIL, stale, untrusted)\n"
			  "set: 0 recorded; 1 manual verdicts are off ([review] allow_manual = false)"),
		OPT_END(),
	};
	int nargs = orch_parse_options(argc, argv, options, &orch_cmd_verdict);

	if (nargs < 0)
		return ORCH_EXIT_USAGE;
	if (nargs >= 1 && !strcmp(argv[0], "show") && !msg)
		return verdict_show(nargs, argv, ctx);
	if (nargs >= 1 && !strcmp(argv[0], "set"))
		return verdict_set(nargs, argv, msg, ctx);
	if (nargs >= 1 && strcmp(argv[0], "show"))
		orch_error("unknown subcommand '%s'", argv[0]);
	return orch_usage(&orch_cmd_verdict);
}

ORCH_CMD_DEFINE(verdict, ORCH_CMD_NEEDS_REPO | ORCH_CMD_NEEDS_POLICY,
		"verdict show <rev> | verdict set [-m <text>] (PASS|FAIL) <rev>",
		"show a commit's verdict (exit 0 only for a valid PASS), or record one by hand");
