#include "config.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ref-path.h"
#include "strbuf.h"

char *orch_branch_on_disk(const char *commondir, const char *name)
{
	char *heads = xasprintf("%s/refs/heads", commondir), *root = realpath(heads, NULL);
	char *dir = NULL, *real = NULL, *out = NULL;
	size_t cut = strlen(name), n;

	/* The deepest directory on the way that exists; git creates the rest as plain ones. */
	while (root && !real) {
		while (cut && name[cut] != '/')
			cut--;
		if (!cut)
			break;
		free(dir);
		dir = xasprintf("%s/%.*s", heads, (int)cut, name);
		real = realpath(dir, NULL);
		if (!real)
			cut--;
	}
	if (real) {
		n = strlen(root);
		if (!strcmp(real, root))
			out = xstrdup(name + cut + 1);
		else if (!strncmp(real, root, n) && real[n] == '/')
			out = xasprintf("%s%s", real + n + 1, name + cut);
	}
	free(real);
	free(dir);
	free(root);
	free(heads);
	return out ? out : xstrdup(name);
}

char *orch_head_link_branch(const char *gitdir)
{
	char *path = xasprintf("%s/HEAD", gitdir), target[1024];
	const char *branch;
	struct stat st;
	ssize_t n = -1;

	if (lstat(path, &st) == 0 && S_ISLNK(st.st_mode))
		n = readlink(path, target, sizeof(target) - 1);
	free(path);
	if (n <= 0)
		return NULL;
	target[n] = '\0';
	return skip_prefix(target, "refs/heads/", &branch) && *branch ? xstrdup(branch) : NULL;
}
