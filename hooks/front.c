/*
 * The light front end: every installed hook is this program (a copy under
 * the hook's name). Without libgit2 (loading it costs more than a commit
 * itself) it decides whether there is anything to check, and only then
 * hands over to orch-hooks-gate, installed once beside it, with the same
 * arguments.
 *
 * On a branch the policy does not protect, no hook has anything to check
 * (the gate returns at once there too), so none is handed over; when the
 * branch cannot be told for certain, or the policy does not load, it is.
 * pre-merge-commit, post-merge: otherwise always handed over.
 *
 * prepare-commit-msg: nothing to check unless a merge or squash is in
 * progress. A merge that pre-merge-commit approved a moment ago (its stamp
 * names the same heads and the same pre-merge HEAD) is trusted: the front
 * end leaves the test gate its marker and returns.
 * post-commit: nothing to do unless prepare-commit-msg left the marker.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "error.h"
#include "files.h"
#include "handoff.h"
#include "hook.h"
#include "hooks.h"
#include "pattern.h"
#include "policy.h"
#include "ref-path.h"
#include "strbuf.h"

static char *dir_of(const char *path)
{
	const char *slash = strrchr(path, '/');

	return slash ? xstrndup(path, (size_t)(slash - path)) : xstrdup(".");
}

static int chained_hook_exists(const char *argv0, const char *name)
{
	char *dir = dir_of(argv0), *path = xasprintf("%s/%s.orch-chained", dir, name);
	int r = access(path, F_OK) == 0;

	free(path);
	free(dir);
	return r;
}

static int read_git_file(const char *gitdir, const char *name, struct strbuf *sb)
{
	char *path = xasprintf("%s/%s", gitdir, name);
	int r = orch_read_file(sb, path, ORCH_READ_GIT_STATE);

	free(path);
	return r;
}

static int hand_over(char **argv, const char *hook)
{
	char *dir = dir_of(argv[0]), *gate = xasprintf("%s/%s", dir, ORCH_GATE_PROGRAM);

	setenv(ORCH_GATE_HOOK_ENV, hook, 1);
	/* argv[0] stays the hook's path: the gate picks the hook by it. */
	execv(gate, argv);
	orch_error("cannot run '%s' (%s): the gate cannot decide, so it refuses; "
		   "reinstall with 'orch-hooks install'", gate, strerror(errno));
	free(gate);
	free(dir);
	return 1;
}

/* A git directory's common directory (caller frees): "commondir" names it in linked worktrees. */
static char *common_dir_of(const char *gitdir)
{
	struct strbuf sb = STRBUF_INIT;
	char *dir;

	if (read_git_file(gitdir, "commondir", &sb) < 0) {
		strbuf_release(&sb);
		return xstrdup(gitdir);
	}
	strbuf_rtrim(&sb);
	dir = strbuf_str(&sb)[0] == '/' ? xstrdup(sb.buf) : xasprintf("%s/%s", gitdir, strbuf_str(&sb));
	strbuf_release(&sb);
	return dir;
}

/* 1 if a branch name read from HEAD is one git could have written there. */
static int plain_branch_name(const char *name)
{
	const char *p;

	if (!*name || *name == '/' || strstr(name, "..") || strstr(name, "//") || strstr(name, "@{"))
		return 0;
	for (p = name; *p; p++)
		if ((unsigned char)*p <= ' ' || strchr("~^:?*[\\\177", *p))
			return 0;
	return 1;
}

/*
 * 1 when HEAD is certainly a branch the policy leaves unprotected, by the
 * one rule (orch_branch_is_protected) the gate applies; 0 when it is
 * protected or anything is unsure: a detached HEAD, a branch that is itself
 * a symbolic ref, a policy that does not load (the gate then says why).
 */
static int certainly_unprotected(const char *gitdir)
{
	struct strbuf head = STRBUF_INIT, ref = STRBUF_INIT;
	struct orch_policy policy;
	char *common = common_dir_of(gitdir), *path = NULL, *name = NULL;
	struct stat st;
	int r = 0, loaded, saved_err;

	orch_policy_init(&policy);
	if (read_git_file(gitdir, "HEAD", &head) < 0)
		goto done;
	strbuf_rtrim(&head);
	if (strncmp(strbuf_str(&head), "ref: refs/heads/", 16) || !plain_branch_name(head.buf + 16))
		goto done;
	/* Through a linked directory (refs/heads/link -> .) "link/main" is main. */
	name = orch_branch_on_disk(common, head.buf + 16);
	/*
	 * refs/heads/NAME as a symbolic ref moves the branch it names, and so
	 * may a symbolic link (git reads one whose text starts with "refs/" as
	 * a symbolic ref): leave both to the gate.
	 */
	path = xasprintf("%s/refs/heads/%s", common, name);
	if (lstat(path, &st) == 0 && !S_ISREG(st.st_mode))
		goto done;
	if (orch_read_file(&ref, path, ORCH_READ_GIT_STATE) == 0 && starts_with(ref.buf, "ref:"))
		goto done;
	/* The gate reports a policy that does not load; not twice. */
	fflush(stderr);
	saved_err = dup(2);
	if (saved_err >= 0 && freopen("/dev/null", "w", stderr)) {
		loaded = orch_policy_load(&policy, common) == 0;
		fflush(stderr);
		dup2(saved_err, 2);
	} else {
		loaded = 0;
	}
	if (saved_err >= 0)
		close(saved_err);
	r = loaded && !orch_branch_is_protected(&policy, name);
done:
	orch_policy_release(&policy);
	strbuf_release(&head);
	strbuf_release(&ref);
	free(path);
	free(name);
	free(common);
	return r;
}

static const char *const hook_names[] = { "pre-merge-commit", "prepare-commit-msg", "post-merge",
					   "post-commit", NULL };

int main(int argc, char **argv)
{
	const char *base = strrchr(argv[0], '/');
	char *gitdir, *name;
	const char *hook = NULL;
	size_t i;
	int protected = 0, quiet;

	(void)argc;
	base = base ? base + 1 : argv[0];
	/* The hook's name without any suffix a wrapper gave it ("post-commit.real"). */
	name = xstrndup(base, strcspn(base, "."));
	for (i = 0; hook_names[i]; i++)
		if (!strcmp(name, hook_names[i]))
			hook = hook_names[i];
	quiet = hook && chained_hook_exists(argv[0], name);
	free(name);
	if (!hook) {
		fprintf(stderr, "orch-hooks: '%s' is not a hook orch-hooks knows: the gate cannot decide, "
				"so it refuses; reinstall with 'orch-hooks install'\n", base);
		return 1;
	}
	if (quiet || getenv("ORCH_HOOKS_SKIP"))
		return hand_over(argv, hook);

	gitdir = orch_hook_git_dir();
	if (!strcmp(hook, "post-commit")) {
		quiet = !orch_handoff_exists(gitdir, ORCH_HANDOFF_MARKER);
	} else if (!strcmp(hook, "prepare-commit-msg")) {
		int merging = orch_hook_git_file_exists(gitdir, "MERGE_HEAD");

		quiet = !merging && !orch_hook_git_file_exists(gitdir, "SQUASH_MSG");
		if (merging && orch_handoff_stamp_take(gitdir, &protected))
			quiet = !protected || orch_handoff_marker_from_merge_head(gitdir) == 0;
		else if (!quiet)
			quiet = certainly_unprotected(gitdir);
	} else {
		quiet = certainly_unprotected(gitdir);
		/* post-merge takes the marker, as the gate would: it is for this merge only. */
		if (quiet && !strcmp(hook, "post-merge"))
			orch_handoff_remove(gitdir, ORCH_HANDOFF_MARKER);
	}
	free(gitdir);
	return quiet ? 0 : hand_over(argv, hook);
}
