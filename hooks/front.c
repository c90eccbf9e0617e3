/*
 * The light front end of prepare-commit-msg and post-commit, hooks git runs
 * on every ordinary commit. Without libgit2 (loading it costs more than the
 * commit itself) it decides whether there is anything to check, and only
 * then hands over to orch-hooks-gate, installed beside it, with the same
 * arguments.
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
#include <time.h>
#include <unistd.h>

#include "files.h"
#include "hook.h"
#include "hooks.h"
#include "merge-marker.h"
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

/*
 * 1 if pre-merge-commit's stamp vouches for the merge in progress. The stamp
 * is removed either way: it is good for one look only.
 */
static int stamp_vouches(const char *gitdir, int *protected)
{
	struct strbuf stamp = STRBUF_INIT, orig = STRBUF_INIT, heads = STRBUF_INIT, want = STRBUF_INIT;
	char *path = xasprintf("%s/%s", gitdir, ORCH_PREMERGE_STAMP);
	const char *nl;
	struct stat st;
	int ok = 0;

	if (stat(path, &st) < 0 || time(NULL) - st.st_mtime > ORCH_PREMERGE_STAMP_MAX_AGE ||
	    orch_read_file(&stamp, path, ORCH_READ_GIT_STATE) < 0)
		goto done;
	if (read_git_file(gitdir, "ORIG_HEAD", &orig) < 0 || read_git_file(gitdir, "MERGE_HEAD", &heads) < 0)
		goto done;
	nl = strchr(strbuf_str(&stamp), '\n');
	if (!nl)
		goto done;
	*protected = !strncmp(stamp.buf, "protected\n", 10);
	if (!*protected && strncmp(stamp.buf, "unprotected\n", 12))
		goto done;
	strbuf_add(&want, strbuf_str(&orig), orig.len);
	strbuf_add(&want, strbuf_str(&heads), heads.len);
	ok = !strcmp(nl + 1, strbuf_str(&want));
done:
	unlink(path);
	free(path);
	strbuf_release(&stamp);
	strbuf_release(&orig);
	strbuf_release(&heads);
	strbuf_release(&want);
	return ok;
}

/* The marker the test gate reads: the approved heads, one per line, as MERGE_HEAD lists them. */
static int leave_marker(const char *gitdir)
{
	struct strbuf heads = STRBUF_INIT;
	char *path = xasprintf("%s/%s", gitdir, ORCH_MERGE_MARKER);
	FILE *f;
	int ok = 0;

	if (read_git_file(gitdir, "MERGE_HEAD", &heads) == 0 && (f = fopen(path, "w"))) {
		ok = fwrite(strbuf_str(&heads), 1, heads.len, f) == heads.len;
		ok = fclose(f) == 0 && ok;
	}
	free(path);
	strbuf_release(&heads);
	return ok;
}

static int hand_over(char **argv, const char *hook)
{
	char *dir = dir_of(argv[0]), *gate = xasprintf("%s/%s", dir, ORCH_GATE_PROGRAM);

	setenv(ORCH_GATE_HOOK_ENV, hook, 1);
	/* argv[0] stays the hook's path: the gate picks the hook by it. */
	execv(gate, argv);
	fprintf(stderr, "orch-hooks: cannot run '%s' (%s): the gate cannot decide, so it refuses; "
			"reinstall with 'orch-hooks install'\n", gate, strerror(errno));
	free(gate);
	free(dir);
	return 1;
}

int main(int argc, char **argv)
{
	const char *base = strrchr(argv[0], '/');
	char *gitdir, *name;
	const char *hook;
	int protected = 0, quiet, is_post_commit;

	(void)argc;
	base = base ? base + 1 : argv[0];
	/* The hook's name without any suffix a wrapper gave it ("post-commit.real"). */
	name = xstrndup(base, strcspn(base, "."));
	is_post_commit = !strcmp(name, "post-commit");
	hook = is_post_commit ? "post-commit" : "prepare-commit-msg";
	quiet = chained_hook_exists(argv[0], name);
	free(name);
	if (quiet || getenv("ORCH_HOOKS_SKIP"))
		return hand_over(argv, hook);

	gitdir = orch_hook_git_dir();
	if (is_post_commit) {
		quiet = !orch_hook_git_file_exists(gitdir, ORCH_MERGE_MARKER);
	} else {
		int merging = orch_hook_git_file_exists(gitdir, "MERGE_HEAD");

		quiet = !merging && !orch_hook_git_file_exists(gitdir, "SQUASH_MSG");
		if (merging && stamp_vouches(gitdir, &protected))
			quiet = !protected || leave_marker(gitdir);
	}
	free(gitdir);
	return quiet ? 0 : hand_over(argv, hook);
}
