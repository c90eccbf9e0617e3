#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "error.h"
#include "landing.h"
#include "local-state.h"
#include "note.h"
#include "repo.h"
#include "run.h"
#include "strbuf.h"
#include "test-gate.h"
#include "undo.h"
#include "test-record.h"
#include "value.h"
#include "verdict.h"

#define TAIL_LINES 20
#define RULE "================================================================"

/* How a test run ended, in the words of the message and the note. */
struct outcome {
	int passed;
	char how[320];		/* "exit status 2", "timed out after 2s and was killed" */
	char exit[64];		/* the note's Exit: 0, 2, timeout, signal 9, not started */
	double seconds;
	const char *tail;	/* last lines of the output */
	const char *untrusted;	/* why the result holds for this run only, not for the tree (or NULL) */
};

int orch_landed_from_head(git_repository *repo, const char *target, const git_oid *orig,
			  struct orch_landed *out)
{
	git_commit *tip = NULL;
	git_oid head;
	unsigned i, n;
	int ret = -1;

	memset(out, 0, sizeof(*out));
	out->target = target;
	if (git_reference_name_to_id(&head, repo, "HEAD") < 0 || git_commit_lookup(&tip, repo, &head) < 0) {
		orch_git_error("cannot read HEAD after the merge");
		goto done;
	}
	git_oid_cpy(&out->tip, &head);
	git_oid_cpy(&out->orig, orig);
	n = git_commit_parentcount(tip);
	if (n >= 2 && git_oid_equal(git_commit_parent_id(tip, 0), orig)) {
		out->merged = xcalloc(n - 1, sizeof(*out->merged));
		for (i = 1; i < n; i++)
			git_oid_cpy(&out->merged[out->n_merged++], git_commit_parent_id(tip, i));
	} else {
		out->fast_forward = 1;
		out->merged = xcalloc(1, sizeof(*out->merged));
		git_oid_cpy(&out->merged[0], &head);
		out->n_merged = 1;
	}
	ret = 0;
done:
	git_commit_free(tip);
	return ret;
}

void orch_landed_release(struct orch_landed *l)
{
	free(l->merged);
	l->merged = NULL;
	l->n_merged = 0;
}

/* Branch names at oid other than the target itself (which a fast-forward moved there). */
static char *names_at(git_repository *repo, const git_oid *oid, const char *target)
{
	char *all = orch_branches_at(repo, oid);
	struct strbuf sb = STRBUF_INIT;
	const char *p, *sep;

	if (!all)
		return NULL;
	/* Branch names hold no spaces, so ", " separates them safely (a comma alone may not). */
	for (p = all; *p; p = sep ? sep + 2 : p + strlen(p)) {
		size_t len;

		sep = strstr(p, ", ");
		len = sep ? (size_t)(sep - p) : strlen(p);
		if (len != strlen(target) || strncmp(p, target, len))
			strbuf_addf(&sb, "%s%.*s", sb.len ? "', '" : "", (int)len, p);
	}
	free(all);
	return sb.len ? strbuf_detach(&sb) : NULL;
}

char *orch_landed_head_name(git_repository *repo, const struct orch_landed *l, size_t i)
{
	return i < l->n_merged ? names_at(repo, &l->merged[i], l->target) : NULL;
}

char *orch_landed_heads_label(git_repository *repo, const struct orch_landed *l)
{
	struct strbuf sb = STRBUF_INIT;
	size_t i;

	for (i = 0; i < l->n_merged; i++) {
		char *name = names_at(repo, &l->merged[i], l->target);

		if (i)
			strbuf_adds(&sb, i + 1 == l->n_merged ? " and " : ", ");
		if (name)
			strbuf_addf(&sb, "'%s' (%s)", name, orch_short_oid(&l->merged[i]));
		else
			strbuf_addf(&sb, "commit %s", orch_short_oid(&l->merged[i]));
		free(name);
	}
	return strbuf_detach(&sb);
}

/* "the merge of 'feat' (...) into 'main'" or "the fast-forward of 'main' to ..." (caller frees). */
static char *what_landed(git_repository *repo, const struct orch_landed *l)
{
	char *heads = orch_landed_heads_label(repo, l);
	char *s = l->fast_forward ? xasprintf("the fast-forward of '%s' to %s", l->target, heads)
				  : xasprintf("the merge of %s into '%s'", heads, l->target);

	free(heads);
	return s;
}

unsigned orch_test_gate_lock_wait_ms(const struct orch_policy *policy)
{
	const char *env = getenv("ORCH_HOOKS_LOCK_WAIT_MS");

	if (env && *env)
		return (unsigned)strtoul(env, NULL, 10);
	return (policy->test_timeout + 60) * 1000u;
}

static void set_phase(struct orch_gate_lock *lock, const char *phase, const struct orch_landed *l)
{
	char tip[GIT_OID_HEXSZ + 1], orig[GIT_OID_HEXSZ + 1];

	if (!lock)
		return;
	git_oid_tostr(tip, sizeof(tip), &l->tip);
	git_oid_tostr(orig, sizeof(orig), &l->orig);
	orch_gate_lock_phase(lock, phase, l->target, tip, orig);
}

/* The tests note, in the one format src/test-record.c owns. */
static int record_note(git_repository *repo, const struct orch_policy *policy,
		       const struct orch_landed *l, const struct outcome *o, const char *action)
{
	struct orch_test_record r = ORCH_TEST_RECORD_INIT;
	struct strbuf merged = STRBUF_INIT;
	char hex[GIT_OID_HEXSZ + 1], date[32];
	git_commit *c = NULL;
	size_t i;
	int ret = -1;

	if (git_commit_lookup(&c, repo, &l->tip) < 0) {
		orch_git_error("cannot read commit %s", orch_short_oid(&l->tip));
		goto done;
	}
	for (i = 0; i < l->n_merged; i++)
		strbuf_addf(&merged, "%s%s", i ? " " : "", git_oid_tostr(hex, sizeof(hex), &l->merged[i]));
	r.passed = o->passed;
	r.commit = xstrdup(git_oid_tostr(hex, sizeof(hex), &l->tip));
	r.tree = xstrdup(git_oid_tostr(hex, sizeof(hex), git_commit_tree_id(c)));
	r.target = xstrdup(l->target);
	r.merged = strbuf_detach(&merged);
	r.command = orch_test_command_line(policy->test_command);
	r.runner = orch_test_runner();
	r.exit = xstrdup(o->exit);
	r.duration = xasprintf("%.1fs", o->seconds);
	r.date = xstrdup(orch_iso8601(time(NULL), date, sizeof(date)));
	r.action = xstrdup(action);
	r.worktree = o->untrusted ? xstrdup(o->untrusted) : NULL;
	r.body = o->tail && *o->tail ? xstrdup(o->tail) : NULL;
	/* A PASS is also kept on the tree, so the same tree is never tested twice. */
	ret = orch_test_record_write(repo, policy, &l->tip, git_commit_tree_id(c), &r, 0,
				     o->passed && policy->test_reuse && strcmp(action, "reused") && !o->untrusted);
done:
	orch_test_record_release(&r);
	strbuf_release(&merged);
	git_commit_free(c);
	return ret;
}

/*
 * 1 when this very tree already passed the same test command: a PASS
 * record for the tree that names the command.
 */
static int tree_passed_before(git_repository *repo, const struct orch_policy *policy,
			      const struct orch_landed *l, git_oid *tree_out)
{
	git_commit *c = NULL;
	int r;

	if (!policy->test_reuse || git_commit_lookup(&c, repo, &l->tip) < 0)
		return 0;
	git_oid_cpy(tree_out, git_commit_tree_id(c));
	r = orch_test_record_find_reusable(repo, policy, NULL, tree_out, NULL);
	git_commit_free(c);
	return r;
}

static void say_tail(const char *tail)
{
	const char *p = tail;

	if (!tail || !*tail) {
		orch_say("  (it printed nothing)");
		return;
	}
	orch_say("  last lines of its output:");
	while (*p) {
		size_t len = strcspn(p, "\n");

		orch_say("  | %.*s", (int)len, p);
		p += len + (p[len] == '\n');
	}
}

/* The head of the failure report; what became of the merge follows, then the last line. */
static void report_failure(const struct orch_policy *policy, const struct orch_landed *l,
			   const struct outcome *o, const char *heads)
{
	char hex[GIT_OID_HEXSZ + 1];

	orch_say(RULE);
	orch_say("TESTS FAILED after %s", heads);
	orch_say("  the %s is commit %s", l->fast_forward ? "new tip" : "merge",
		 git_oid_tostr(hex, sizeof(hex), &l->tip));
	orch_say("  test command: %s", policy->test_command);
	orch_say("  result: %s (after %.1fs)", o->how, o->seconds);
	say_tail(o->tail);
}

static void say_undone(const struct orch_landed *l, const struct orch_undo_result *u)
{
	orch_say("the merge was UNDONE: '%s' is back at %s, where it was before", l->target,
		 orch_short_oid(&l->orig));
	orch_say("  your own uncommitted work (staged, unstaged and untracked files) is as it was "
		 "before the tests ran");
	if (u->leftovers)
		orch_say("  what the tests wrote was taken out of your work tree and set aside: "
			 "git show --stat %s", u->leftovers);
	if (u->ignored.len)
		orch_say("  LOST TO GIT'S MERGE, NOT KEPT: the merge brought tracked files where your "
			 "ignore rules expect your own: %s; git's merge overwrote any such file of yours "
			 "before any hook could run, and the undo removed the merged copies", u->ignored.buf);
	orch_say("  the undone %s is still there to look at: git show %s",
		 l->fast_forward ? "tip" : "merge", orch_short_oid(&l->tip));
	orch_say("  (git itself reported the merge as a success: it ignores what post-merge says)");
}

/* The undo from the saved local state. Returns 0 undone, 1 not undone (nothing changed), -1. */
static int undo_to_state(git_repository *repo, const struct orch_landed *l, const char *why,
			 struct orch_undo *prepared, const struct orch_local_state *before)
{
	struct orch_undo_result u = ORCH_UNDO_RESULT_INIT;
	int r = prepared && prepared->ready ? orch_undo_run(repo, prepared, why, &u)
					    : orch_undo_merge(repo, l->target, &l->tip, &l->orig, before, why, &u);

	if (r == 0) {
		say_undone(l, &u);
	} else if (r == 1) {
		orch_error("cannot take the merge back: your own uncommitted changes to %s, made before "
			   "the tests ran, meet the merge there; nothing was changed", u.conflicts.buf);
		orch_say("  to take it out by hand, keep your changes aside first: git stash push "
			 "--include-untracked && git reset --keep %s", orch_short_oid(&l->orig));
		orch_say("the merge is STILL ON '%s'", l->target);
	} else if (u.broken_off) {
		orch_say("the undo BROKE OFF half-way (see above): '%s' and your work tree may be between "
			 "the merge %s and %s", l->target, orch_short_oid(&l->tip), orch_short_oid(&l->orig));
		if (u.journaled)
			orch_say("  fix the problem above, then finish it: orch-hooks recover (the next "
				 "merge's gate also finishes it)");
		else
			orch_say("  and no journal could be written to finish it: look at 'git status'; "
				 "git stash push --include-untracked && git reset --keep %s puts '%s' back",
				 orch_short_oid(&l->orig), l->target);
	} else {
		orch_say("the merge is STILL ON '%s': it could not be taken back (see above)", l->target);
	}
	orch_undo_result_release(&u);
	return r;
}

/* Takes the merge back and says how that went. Returns 0 when done, 1 or -1 when not. */
static int take_back(git_repository *repo, const struct orch_landed *l, struct orch_gate_lock *lock,
		     enum orch_take_back how, const char *why, struct orch_undo *prepared,
		     const struct orch_local_state *before)
{
	git_oid new_tip;
	int r;

	set_phase(lock, how == ORCH_TAKE_BACK_REVERT ? "reverting" : "undoing", l);
	if (how == ORCH_TAKE_BACK_UNDO && before && before->taken)
		return undo_to_state(repo, l, why, prepared, before);
	/* A revert commits on top of the merge: first the work tree as it was before the tests. */
	if (how == ORCH_TAKE_BACK_REVERT && before && before->taken &&
	    orch_undo_restore_state(repo, &l->tip, before) < 0)
		orch_say("warning: the work tree could not be put back as it was before the tests");
	r = orch_take_back(repo, how, l->target, &l->tip, &l->orig, why, &new_tip);
	if (r == 0 && how == ORCH_TAKE_BACK_UNDO) {
		orch_say("the merge was UNDONE: '%s' is back at %s, where it was before; your "
			 "uncommitted changes were left as they were", l->target, orch_short_oid(&l->orig));
		orch_say("  the undone %s is still there to look at: git show %s",
			 l->fast_forward ? "tip" : "merge", orch_short_oid(&l->tip));
	} else if (r == 0) {
		orch_say("the merge was REVERTED: '%s' is now at %s, a commit that reverts %s",
			 l->target, orch_short_oid(&new_tip), orch_short_oid(&l->tip));
	} else {
		orch_say("the merge is STILL ON '%s': it could not be taken back (see above)", l->target);
	}
	return r;
}

/* The last two lines, the ones a person sees: what failed and what became of it. */
static void report_end(const char *failed_what, const char *heads, const char *fate)
{
	orch_say("%s: %s was %s", failed_what, heads, fate);
	orch_say(RULE);
}

/* The merge stays: an ignored file of the person's that it replaced is gone all the same. */
static void say_overwritten_ignored(git_repository *repo, const struct orch_landed *l)
{
	struct strbuf sb = STRBUF_INIT;

	if (orch_undo_overwritten_ignored(repo, &l->tip, &l->orig, &sb) == 0 && sb.len)
		orch_say("  LOST TO GIT'S MERGE: the merge brought tracked files where your ignore rules "
			 "expect your own: %s; git's merge overwrote any such file of yours before any "
			 "hook could run", sb.buf);
	strbuf_release(&sb);
}

/*
 * Records the result and acts on it; `heads` says what landed (named before
 * the tests ran). Returns 0 when the merge stays as it passed, else 1 or -1.
 */
static int conclude(git_repository *repo, const struct orch_policy *policy, const struct orch_landed *l,
		    struct orch_gate_lock *lock, const struct outcome *o, struct orch_undo *prepared,
		    const struct orch_local_state *before, const char *heads)
{
	const char *action, *fate;
	char *why = NULL;
	int ret, r;

	if (o->passed) {
		record_note(repo, policy, l, o, "none");
		orch_say("tests PASSED for %s (%s, %.1fs); recorded under %s", heads,
			 policy->test_command, o->seconds, policy->tests_ref);
		say_overwritten_ignored(repo, l);
		if (o->untrusted && policy->test_reuse)
			orch_say("  not kept for reuse: the tests ran on a work tree that %s, so they did not "
				 "test the commit's tree", o->untrusted);
		ret = 0;
		goto done;
	}
	report_failure(policy, l, o, heads);
	why = xasprintf("the tests failed (%s: %s)", policy->test_command, o->how);
	switch (policy->on_failure) {
	case ORCH_ON_FAILURE_KEEP:
		orch_say("the merge was KEPT ([test] on_failure = keep): '%s' now holds a merge that "
			 "fails its tests", l->target);
		orch_say("  to take it out: git reset --keep %s (or git revert -m 1 %s)",
			 orch_short_oid(&l->orig), orch_short_oid(&l->tip));
		action = "keep";
		fate = "KEPT";
		ret = 1;
		break;
	case ORCH_ON_FAILURE_REVERT:
		r = take_back(repo, l, lock, ORCH_TAKE_BACK_REVERT, why, NULL, before);
		action = r == 0 ? "revert" : "revert failed";
		fate = r == 0 ? "REVERTED" : "NOT REVERTED";
		ret = r == 0 ? 1 : -1;
		break;
	default:
		r = take_back(repo, l, lock, ORCH_TAKE_BACK_UNDO, why, prepared, before);
		action = r == 0 ? "undo" : "undo failed";
		fate = r == 0 ? "UNDONE" : "NOT UNDONE";
		ret = r == 0 ? 1 : -1;
		break;
	}
	if (ret == 1)
		orch_say("  fix what broke, then merge again");
	record_note(repo, policy, l, o, action);
	report_end("TESTS FAILED", heads, fate);
done:
	free(why);
	return ret;
}

static void outcome_from_run(struct outcome *o, const struct orch_run_result *res, unsigned timeout_ms)
{
	memset(o, 0, sizeof(*o));
	o->passed = res->started && res->exited && !res->exit_code && !res->timed_out && !res->interrupted;
	orch_run_describe(res, timeout_ms, o->how, sizeof(o->how));
	if (!res->started)
		snprintf(o->exit, sizeof(o->exit), "not started");
	else if (res->timed_out)
		snprintf(o->exit, sizeof(o->exit), "timeout");
	else if (res->interrupted)
		snprintf(o->exit, sizeof(o->exit), "interrupted");
	else if (res->signal)
		snprintf(o->exit, sizeof(o->exit), "signal %d", res->signal);
	else
		snprintf(o->exit, sizeof(o->exit), "%d", res->exit_code);
	o->seconds = res->seconds;
	o->tail = orch_run_tail(res, TAIL_LINES);
}

/* "NAME=value" in a fresh string. */
static char *env_entry(const char *name, const char *value)
{
	return xasprintf("%s=%s", name, value);
}

int orch_test_gate_run(git_repository *repo, const struct orch_policy *policy,
		       const struct orch_landed *l, struct orch_gate_lock *lock)
{
	struct orch_run_opts ro = ORCH_RUN_OPTS_INIT;
	struct orch_run_result res;
	struct strbuf merged = STRBUF_INIT;
	struct orch_local_state before;
	struct orch_undo undo;
	struct orch_undo_result pre = ORCH_UNDO_RESULT_INIT;
	struct outcome o;
	char hex[GIT_OID_HEXSZ + 1], dur[32];
	const char *env[7];
	git_oid tree;
	char *heads = NULL;
	size_t i;
	int ret = -1;

	memset(env, 0, sizeof(env));
	memset(&before, 0, sizeof(before));
	memset(&undo, 0, sizeof(undo));
	heads = what_landed(repo, l);
	if (!policy->test_command || !*policy->test_command) {
		orch_say("no [test] command in the policy: %s was not tested", heads);
		ret = 0;
		goto done;
	}
	if (!git_repository_workdir(repo)) {
		orch_error("the repository has no work tree to test in");
		goto done;
	}
	for (i = 0; i < l->n_merged; i++)
		strbuf_addf(&merged, "%s%s", i ? " " : "", git_oid_tostr(hex, sizeof(hex), &l->merged[i]));
	env[0] = env_entry("ORCH_TARGET", l->target);
	env[1] = env_entry("ORCH_MERGED", strbuf_str(&merged));
	env[2] = env_entry("ORCH_ORIG_HEAD", git_oid_tostr(hex, sizeof(hex), &l->orig));
	env[3] = env_entry("ORCH_MERGE_COMMIT", git_oid_tostr(hex, sizeof(hex), &l->tip));
	env[4] = env_entry("ORCH_FAST_FORWARD", l->fast_forward ? "1" : "0");
	env[5] = env_entry("ORCH_HOOK", l->hook ? l->hook : "");

	if (tree_passed_before(repo, policy, l, &tree)) {
		memset(&o, 0, sizeof(o));
		o.passed = 1;
		snprintf(o.exit, sizeof(o.exit), "0");
		snprintf(o.how, sizeof(o.how), "reused");
		o.tail = "reused the PASS recorded for this tree under the same command";
		record_note(repo, policy, l, &o, "reused");
		orch_say("tests PASSED for %s: REUSED the result recorded for this very tree (%s) "
			 "under the same command, not run again ([test] reuse = false turns this off)",
			 heads, orch_short_oid(&tree));
		ret = 0;
		goto done;
	}
	/* What the person has in the work tree now is what an undo must give back. */
	if (orch_local_state_take(repo, &before) < 0 || orch_commit_tree_id(repo, &l->tip, &tree) < 0) {
		ret = orch_test_gate_refuse(repo, l, lock, "the test gate cannot record your uncommitted "
					    "work before the tests (see above)", "fix the problem above, then merge again");
		goto done;
	}
	/* The undo is worked out and written down now, while the disk still has room. */
	if (orch_undo_prepare(repo, l->target, &l->tip, &l->orig, &before, &undo, &pre) < 0) {
		ret = orch_test_gate_refuse(repo, l, lock, "the test gate cannot prepare the undo (see above)",
					    "fix the problem above, then merge again");
		goto done;
	}
	orch_format_duration(policy->test_timeout, dur, sizeof(dur));
	orch_say("testing %s: %s (timeout %s)", heads, policy->test_command, dur);
	set_phase(lock, "testing", l);
	ro.shell_command = policy->test_command;
	ro.env = env;
	ro.scrub_git_env = 1;	/* a test suite that makes repositories must not act on this one */
	ro.cwd = git_repository_workdir(repo);
	ro.timeout_ms = policy->test_timeout * 1000u;
	ro.tee_fd = 2;
	orch_run(&ro, &res);
	outcome_from_run(&o, &res, ro.timeout_ms);
	if (!orch_local_state_matches_tree(&before, &tree))
		o.untrusted = "differed from the commit (uncommitted changes or untracked files)";
	ret = conclude(repo, policy, l, lock, &o, &undo, &before, heads);
	orch_undo_disarm(repo, &undo);
	orch_run_result_release(&res);
done:
	for (i = 0; env[i]; i++)
		free((char *)env[i]);
	orch_undo_result_release(&pre);
	strbuf_release(&merged);
	free(heads);
	return ret;
}

int orch_test_gate_refuse(git_repository *repo, const struct orch_landed *l,
			  struct orch_gate_lock *lock, const char *why, const char *hint)
{
	char *heads = what_landed(repo, l);
	struct orch_local_state now;
	int r;

	orch_say(RULE);
	orch_say("MERGE REFUSED: %s: %s", heads, why);
	if (hint)
		orch_say("  %s", hint);
	if (orch_local_state_take(repo, &now) < 0)
		memset(&now, 0, sizeof(now)); /* the undo that needs no saved state, below */
	r = take_back(repo, l, lock, ORCH_TAKE_BACK_UNDO, why, NULL, &now);
	report_end("MERGE REFUSED", heads, r == 0 ? "UNDONE" : "NOT UNDONE");
	free(heads);
	return r == 0 ? 1 : -1;
}
