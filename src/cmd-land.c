/*
 * orch-hooks land: bring reviewed branches home one at a time. Each branch
 * must carry a valid PASS, is merged with the real `git merge --no-ff` (so
 * every installed gate runs), and must survive the test gate before the
 * next one is merged. A break names its own cause, because only one thing
 * changed.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cmd.h"
#include "error.h"
#include "land-state.h"
#include "merge-gate.h"
#include "content-rule.h"
#include "policy.h"
#include "repo.h"
#include "run.h"
#include "strbuf.h"
#include "verdict.h"
#include "worktrees.h"

struct lander {
	git_repository *repo;
	struct orch_policy policy;
	struct land_state st;
	char *state_path;
};

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void set_str(char **field, const char *value)
{
	free(*field);
	*field = xstrdup(value);
}

/* Runs git with an argv array, its output going to the person's terminal. */
static int run_git(const char *const *argv, unsigned timeout_s, struct orch_run_result *res)
{
	struct orch_run_opts o = ORCH_RUN_OPTS_INIT;

	o.argv = argv;
	o.tee_fd = 2;
	o.timeout_ms = timeout_s * 1000u;
	return orch_run(&o, res);
}

static int git_simple(const char *const *argv)
{
	struct orch_run_result res;
	int r = run_git(argv, 600, &res);

	orch_run_result_release(&res);
	return r;
}

static int head_oid(git_repository *repo, git_oid *out)
{
	return git_reference_name_to_id(out, repo, "HEAD");
}

static int merge_in_progress(git_repository *repo)
{
	char *path = xasprintf("%sMERGE_HEAD", git_repository_path(repo));
	int r = access(path, F_OK) == 0;

	free(path);
	return r;
}

/* Tracked files with changes, listed for the person; 1 if any. */
static int dirty(git_repository *repo)
{
	git_status_options so;
	git_status_list *list = NULL;
	size_t i, n;

	git_status_options_init(&so, GIT_STATUS_OPTIONS_VERSION);
	so.flags = GIT_STATUS_OPT_EXCLUDE_SUBMODULES;
	if (git_status_list_new(&list, repo, &so) < 0) {
		orch_git_error("cannot read the status of the work tree");
		return 1;
	}
	n = git_status_list_entrycount(list);
	for (i = 0; i < n && i < 10; i++) {
		const git_status_entry *e = git_status_byindex(list, i);
		const git_diff_delta *d = e->head_to_index ? e->head_to_index : e->index_to_workdir;

		orch_say("  changed: %s", d ? d->new_file.path : "?");
	}
	git_status_list_free(list);
	return n > 0;
}

static void list_conflicts(git_repository *repo)
{
	git_index *index = NULL;
	git_index_conflict_iterator *it = NULL;
	const git_index_entry *a, *o, *t;

	if (git_repository_index(&index, repo) < 0 || git_index_read(index, 1) < 0 ||
	    git_index_conflict_iterator_new(&it, index) < 0)
		goto done;
	while (git_index_conflict_next(&a, &o, &t, it) == 0)
		orch_say("  conflict: %s", o ? o->path : t ? t->path : a ? a->path : "?");
done:
	git_index_conflict_iterator_free(it);
	git_index_free(index);
}

static int has_conflicts(git_repository *repo)
{
	git_index *index = NULL;
	int r = 0;

	if (git_repository_index(&index, repo) == 0 && git_index_read(index, 1) == 0)
		r = git_index_has_conflicts(index);
	git_index_free(index);
	return r;
}

/* What the test gate recorded for a merge commit ("PASS", "FAIL", or "not run"). */
static char *tests_result(struct lander *l, const git_oid *merge)
{
	char *text = NULL, *word;
	size_t len;
	const char *p;

	if (orch_note_text(l->repo, l->policy.tests_ref, NULL, merge, &text, &len) <= 0)
		return xstrdup(*l->policy.test_command ? "not recorded" : "not run");
	p = strstr(text, "Tests: ");
	word = p ? xstrndup(p + 7, strcspn(p + 7, "\n")) : xstrdup("recorded");
	if (strstr(text, "\nAction: reused\n")) {
		char *w = xasprintf("%s (reused)", word);

		free(word);
		word = w;
	}
	free(text);
	return word;
}

/* After a branch lands: remove its clean worktree, prune, maybe delete the branch. */
static void clean_up_after(struct lander *l, const char *branch)
{
	struct orch_worktree *wts = NULL;
	const struct orch_worktree *wt;
	size_t n = 0;

	if (orch_worktrees_list(l->repo, &wts, &n) == 0 && (wt = orch_worktrees_find(wts, n, branch))) {
		/* No --force: git refuses to remove a worktree with changes, which is the point. */
		const char *rm[] = { "git", "worktree", "remove", wt->path, NULL };

		if (git_simple(rm) == 0)
			orch_say("removed the worktree of '%s' (%s)", branch, wt->path);
		else
			orch_say("kept the worktree of '%s' (%s): it has uncommitted changes", branch, wt->path);
	}
	orch_worktrees_free(wts, n);
	{
		const char *prune[] = { "git", "worktree", "prune", NULL };

		git_simple(prune);
	}
	if (l->st.delete_branches) {
		const char *del[] = { "git", "branch", "-d", branch, NULL };

		if (git_simple(del) != 0)
			orch_say("could not delete branch '%s'", branch);
	}
}

/* Looks at HEAD after `git merge` returned 0: landed, or undone by the test gate? */
static void judge_outcome(struct lander *l, struct land_item *it)
{
	git_commit *head = NULL;
	git_oid h;

	if (head_oid(l->repo, &h) < 0 || git_commit_lookup(&head, l->repo, &h) < 0) {
		it->status = LAND_REFUSED;
		return;
	}
	if (git_commit_parentcount(head) >= 2 && git_oid_equal(git_commit_parent_id(head, 0), &it->orig) &&
	    git_oid_equal(git_commit_parent_id(head, 1), &it->tip)) {
		it->status = LAND_LANDED;
		git_oid_cpy(&it->merge, &h);
		free(it->tests);
		it->tests = tests_result(l, &h);
	} else {
		/* HEAD went back (undo) or a revert sits on top: the test gate said no. */
		it->status = LAND_BROKE_TESTS;
		set_str(&it->tests, "FAIL");
	}
	git_commit_free(head);
}

static int land_one(struct lander *l, size_t i)
{
	struct land_item *it = &l->st.items[i];
	struct orch_judgement_result j;
	struct orch_run_result res;
	git_reference *ref = NULL;
	double start = now();
	char *msg = NULL, *quoted = orch_shell_quote(it->branch);
	int ret = -1;

	orch_say("[%zu/%zu] landing '%s' onto '%s'", i + 1, l->st.nr, it->branch, l->st.onto);
	if (git_branch_lookup(&ref, l->repo, it->branch, GIT_BRANCH_LOCAL) < 0) {
		orch_error("no branch '%s'", it->branch);
		it->status = LAND_REFUSED;
		goto done;
	}
	git_oid_cpy(&it->tip, git_reference_target(ref));
	if (orch_verdict_judge(l->repo, l->policy.notes_ref, NULL, &it->tip, &j, NULL) < 0) {
		it->status = LAND_REFUSED;
		goto done;
	}
	set_str(&it->verdict, j.kind == ORCH_JUDGE_PASS ? "PASS" : orch_judgement_name(j.kind));
	if (j.kind != ORCH_JUDGE_PASS) {
		orch_error("'%s' (%s) cannot land: %s%s%s", it->branch, orch_short_oid(&it->tip),
			   orch_judgement_name(j.kind), j.detail ? ": " : "", j.detail ? j.detail : "");
		orch_say("  review it (orch-hooks review %s), then: orch-hooks land --continue", quoted);
		it->status = LAND_NOT_REVIEWED;
		orch_judgement_result_release(&j);
		goto done;
	}
	orch_judgement_result_release(&j);

	if (head_oid(l->repo, &it->orig) < 0) {
		orch_git_error("cannot read HEAD");
		goto done;
	}
	it->status = LAND_MERGING;
	if (land_state_save(&l->st, l->state_path) < 0)
		goto done;

	msg = xasprintf("Merge branch '%s' into %s (orch-hooks land %zu/%zu)", it->branch, l->st.onto,
			i + 1, l->st.nr);
	{
		const char *argv[] = { "git", "merge", "--no-ff", "--no-edit", "-m", msg, it->branch, NULL };

		run_git(argv, l->policy.test_timeout + 600, &res);
	}
	if (res.started && res.exited && res.exit_code == 0 && !res.timed_out) {
		judge_outcome(l, it);
	} else if (merge_in_progress(l->repo) && has_conflicts(l->repo)) {
		it->status = LAND_CONFLICT;
		orch_error("merging '%s' into '%s' stopped with conflicts:", it->branch, l->st.onto);
		list_conflicts(l->repo);
		orch_say("  resolve them, 'git add' the files and 'git commit' (the gates still apply),");
		orch_say("  then: orch-hooks land --continue   (or give up: orch-hooks land --abort)");
	} else {
		if (merge_in_progress(l->repo)) {
			const char *abort_argv[] = { "git", "merge", "--abort", NULL };

			git_simple(abort_argv);
		}
		it->status = LAND_REFUSED;
		orch_error("the merge of '%s' was refused (see above); nothing was committed", it->branch);
	}
	orch_run_result_release(&res);
done:
	it->seconds += now() - start;
	if (it->status == LAND_LANDED) {
		orch_say("[%zu/%zu] '%s' landed as %s (tests: %s, %.1fs)", i + 1, l->st.nr, it->branch,
			 orch_short_oid(&it->merge), it->tests, it->seconds);
		ret = 0;
	} else if (it->status == LAND_BROKE_TESTS) {
		orch_error("[%zu/%zu] '%s' (%s) BROKE '%s': the test gate failed and the merge was taken back",
			   i + 1, l->st.nr, it->branch, orch_short_oid(&it->tip), l->st.onto);
		orch_say("  the branches landed before it stay; fix '%s', review it again, then: orch-hooks land --continue",
			 it->branch);
	}
	land_state_save(&l->st, l->state_path);
	if (it->status == LAND_LANDED)
		clean_up_after(l, it->branch);
	free(msg);
	free(quoted);
	git_reference_free(ref);
	return ret;
}

static void summary(const struct land_state *st)
{
	size_t i, w = 6;

	for (i = 0; i < st->nr; i++)
		if (strlen(st->items[i].branch) > w)
			w = strlen(st->items[i].branch);
	printf("\n%-*s  %-12s  %-10s  %-12s  %-12s  %7s  %s\n", (int)w, "BRANCH", "COMMIT",
		"VERDICT", "MERGE", "TESTS", "TIME", "RESULT");
	for (i = 0; i < st->nr; i++) {
		const struct land_item *it = &st->items[i];
		int merged = !git_oid_is_zero(&it->merge);

		printf("%-*s  %-12s  %-10s  %-12s  %-12s  %6.1fs  %s\n", (int)w, it->branch,
			git_oid_is_zero(&it->tip) ? "-" : orch_short_oid(&it->tip),
			it->verdict ? it->verdict : "-", merged ? orch_short_oid(&it->merge) : "-",
			it->tests ? it->tests : "-", it->seconds, land_status_name(it->status));
	}
	fflush(stdout);
}

static int all_landed(const struct land_state *st)
{
	size_t i;

	for (i = 0; i < st->nr; i++)
		if (st->items[i].status != LAND_LANDED)
			return 0;
	return 1;
}

/* Lands every branch not landed yet, in order; stops at the first that does not. */
static int land_rest(struct lander *l)
{
	size_t i;

	for (i = 0; i < l->st.nr; i++) {
		if (l->st.items[i].status == LAND_LANDED)
			continue;
		if (land_one(l, i) < 0 || orch_run_pending_signal())
			break;
	}
	summary(&l->st);
	if (all_landed(&l->st)) {
		unlink(l->state_path);
		orch_say("all %zu branches landed on '%s'", l->st.nr, l->st.onto);
		return 0;
	}
	return 1;
}

/*
 * The merge that resolved the branch's conflict was undone by the content
 * rule (it carries changes of its own): land it once the merge itself has a
 * PASS, by fast-forwarding to it. Returns 0 when it landed, 1 when it did
 * not (told), 2 when it still lacks its PASS (told), -1 when the remembered
 * merge is not this branch's.
 */
static int settle_unreviewed_merge(struct lander *l, struct land_item *it)
{
	char *path = xasprintf("%s%s", git_repository_path(l->repo), ORCH_UNREVIEWED_MERGE);
	char hex[GIT_OID_HEXSZ + 2] = "", *quoted;
	git_commit *c = NULL;
	struct orch_run_result res;
	FILE *f = fopen(path, "r");
	git_oid m;
	int r, ret = -1;

	if (f) {
		if (!fgets(hex, sizeof(hex), f))
			hex[0] = '\0';
		fclose(f);
	}
	if (git_oid_fromstrn(&m, hex, GIT_OID_HEXSZ) < 0 || git_commit_lookup(&c, l->repo, &m) < 0 ||
	    git_commit_parentcount(c) != 2 || !git_oid_equal(git_commit_parent_id(c, 0), &it->orig) ||
	    !git_oid_equal(git_commit_parent_id(c, 1), &it->tip))
		goto done;
	r = orch_content_rule_own_pass(l->repo, &l->policy, &m);
	if (r <= 0) {
		quoted = orch_shell_quote(git_oid_tostr_s(&m));
		orch_error("'%s' cannot land yet: its merge %s carries changes of its own (a resolved "
			   "conflict or an edit) and has no PASS of its own", it->branch, orch_short_oid(&m));
		orch_say("  review the merge itself (orch-hooks review %s), then: orch-hooks land --continue",
			 quoted);
		free(quoted);
		it->status = LAND_NOT_REVIEWED;
		set_str(&it->verdict, "MERGE");
		land_state_save(&l->st, l->state_path);
		summary(&l->st);
		ret = 2;
		goto done;
	}
	{
		const char *argv[] = { "git", "merge", "--ff-only", hex, NULL };

		hex[GIT_OID_HEXSZ] = '\0';
		run_git(argv, l->policy.test_timeout + 600, &res);
		orch_run_result_release(&res);
	}
	unlink(path);
	judge_outcome(l, it);
	ret = it->status == LAND_LANDED ? 0 : 1;
done:
	git_commit_free(c);
	free(path);
	return ret;
}

/* --continue: settle the branch that stopped the run, then go on. */
static int resume(struct lander *l)
{
	size_t i;

	if (merge_in_progress(l->repo)) {
		orch_error("a merge is still in progress: resolve the conflicts, 'git add' them and "
			   "'git commit', then run 'orch-hooks land --continue' again");
		return 1;
	}
	for (i = 0; i < l->st.nr; i++) {
		struct land_item *it = &l->st.items[i];
		git_oid h;

		if (it->status == LAND_LANDED)
			continue;
		if ((it->status == LAND_CONFLICT || it->status == LAND_MERGING) && head_oid(l->repo, &h) == 0 &&
		    !git_oid_equal(&h, &it->orig)) {
			/* The person committed the merge (or we crashed after git did). */
			judge_outcome(l, it);
			if (it->status == LAND_LANDED) {
				orch_say("'%s' landed as %s", it->branch, orch_short_oid(&it->merge));
				land_state_save(&l->st, l->state_path);
				clean_up_after(l, it->branch);
				continue;
			}
		}
		if (head_oid(l->repo, &h) == 0 && git_oid_equal(&h, &it->orig)) {
			int r = settle_unreviewed_merge(l, it);

			if (r == 0) {
				orch_say("'%s' landed as %s", it->branch, orch_short_oid(&it->merge));
				land_state_save(&l->st, l->state_path);
				clean_up_after(l, it->branch);
				continue;
			}
			if (r > 0)
				return r;
		}
		it->status = LAND_TODO; /* try it again from the start */
		break;
	}
	return land_rest(l);
}

static int start(struct lander *l, const char *onto, int pull)
{
	char *current = orch_repo_current_branch(l->repo);
	int ret = 1;

	if (merge_in_progress(l->repo)) {
		orch_error("a merge is in progress; finish it or 'git merge --abort' before landing");
		goto done;
	}
	if (dirty(l->repo)) {
		orch_error("the work tree has uncommitted changes (above); commit or stash them before landing");
		goto done;
	}
	l->st.onto = xstrdup(onto ? onto : current ? current : "");
	if (!*l->st.onto) {
		orch_error("HEAD is detached; name the target with --onto BRANCH");
		goto done;
	}
	if (!orch_patterns_match(&l->policy.protected, l->st.onto)) {
		orch_error("'%s' is not a protected branch ([branches] protected in %s); land brings "
			   "branches home to a protected branch", l->st.onto, l->policy.path);
		goto done;
	}
	if (!current || strcmp(current, l->st.onto)) {
		const char *sw[] = { "git", "switch", "--no-guess", l->st.onto, NULL };

		if (git_simple(sw) != 0) {
			orch_error("cannot switch to '%s'", l->st.onto);
			goto done;
		}
	}
	if (pull) {
		const char *p[] = { "git", "pull", "--ff-only", NULL };

		if (git_simple(p) != 0) {
			orch_error("'git pull --ff-only' failed; bring '%s' up to date by hand, then land", l->st.onto);
			goto done;
		}
	}
	if (land_state_save(&l->st, l->state_path) < 0)
		goto done;
	ret = land_rest(l);
done:
	free(current);
	return ret;
}

static int cmd_land(int argc, char **argv)
{
	struct lander l;
	const char *onto = NULL;
	char *common = NULL;
	int i, pull = 0, cont = 0, abort_run = 0, loaded, ret = 128;

	memset(&l, 0, sizeof(l));
	orch_policy_init(&l.policy);
	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--onto") && i + 1 < argc) {
			onto = argv[++i];
		} else if (!strcmp(argv[i], "--pull")) {
			pull = 1;
		} else if (!strcmp(argv[i], "--delete-branches")) {
			l.st.delete_branches = 1;
		} else if (!strcmp(argv[i], "--continue")) {
			cont = 1;
		} else if (!strcmp(argv[i], "--abort")) {
			abort_run = 1;
		} else if (argv[i][0] == '-') {
			ret = orch_usage(&orch_cmd_land);
			goto done;
		} else {
			struct land_item *it;

			l.st.items = xrealloc(l.st.items, (l.st.nr + 1) * sizeof(*l.st.items));
			it = &l.st.items[l.st.nr++];
			memset(it, 0, sizeof(*it));
			it->branch = xstrdup(argv[i]);
		}
	}
	if ((cont || abort_run) ? (l.st.nr || onto || pull || cont + abort_run > 1) : !l.st.nr) {
		ret = orch_usage(&orch_cmd_land);
		goto done;
	}
	if (orch_repo_open_path(&l.repo, NULL) < 0)
		goto done;
	common = orch_repo_commondir(l.repo);
	if (orch_policy_load(&l.policy, common) < 0)
		goto done;
	l.state_path = land_state_path(l.repo);

	if (!cont && !abort_run) {
		struct land_state old;

		loaded = land_state_load(&old, l.state_path);
		land_state_release(&old);
		if (loaded != 0) {
			orch_error("a land is already under way here; 'orch-hooks land --continue' or "
				   "'orch-hooks land --abort'");
			ret = 1;
			goto done;
		}
		ret = start(&l, onto, pull);
		goto done;
	}

	land_state_release(&l.st);
	loaded = land_state_load(&l.st, l.state_path);
	if (loaded <= 0) {
		if (!loaded)
			orch_error("no land is under way here");
		ret = 1;
		goto done;
	}
	if (abort_run) {
		if (merge_in_progress(l.repo)) {
			const char *a[] = { "git", "merge", "--abort", NULL };

			git_simple(a);
		}
		summary(&l.st);
		unlink(l.state_path);
		orch_say("land aborted; the branches that landed stay landed");
		ret = 0;
		goto done;
	}
	ret = resume(&l);
done:
	free(common);
	free(l.state_path);
	land_state_release(&l.st);
	orch_policy_release(&l.policy);
	git_repository_free(l.repo);
	return ret;
}

const struct orch_cmd orch_cmd_land = {
	"land", "land [--onto TARGET] [--pull] [--delete-branches] BRANCH... | land --continue | land --abort",
	"merge reviewed branches one at a time, testing between each", cmd_land,
};
