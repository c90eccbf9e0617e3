#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "files.h"
#include "handoff.h"
#include "head-unprotected.h"
#include "pattern.h"
#include "policy.h"
#include "ref-path.h"
#include "strbuf.h"

/* A git directory's common directory (caller frees): "commondir" names it in linked worktrees. */
static char *common_dir_of(const char *gitdir)
{
	struct strbuf sb = STRBUF_INIT;
	char *dir;

	if (orch_handoff_read(gitdir, "commondir", &sb) < 0) {
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

int orch_head_certainly_unprotected(const char *gitdir)
{
	struct strbuf head = STRBUF_INIT, ref = STRBUF_INIT;
	struct orch_policy policy;
	char *common = common_dir_of(gitdir), *path = NULL, *name = NULL;
	const char *branch;
	struct stat st;
	int r = 0, loaded, saved_err;

	orch_policy_init(&policy);
	if (orch_handoff_read(gitdir, "HEAD", &head) < 0)
		goto done;
	strbuf_rtrim(&head);
	if (!skip_prefix(strbuf_str(&head), "ref: refs/heads/", &branch) || !plain_branch_name(branch))
		goto done;
	/* Through a linked directory (refs/heads/link -> .) "link/main" is main. */
	name = orch_branch_on_disk(common, branch);
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
