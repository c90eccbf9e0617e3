#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "checkout-export.h"
#include "error.h"
#include "files.h"
#include "repo.h"
#include "strbuf.h"

#define MAX_NAMED 10

/* A tree entry name we are willing to create: one plain path component. */
static int safe_name(const char *name)
{
	return *name && !strchr(name, '/') && strcmp(name, ".") && strcmp(name, "..") &&
	       strcasecmp(name, ".git");
}

static int export_at(git_repository *repo, git_tree *tree, int dirfd, const char *prefix);

static int export_entry(git_repository *repo, const git_tree_entry *e, int dirfd, const char *path)
{
	const char *name = git_tree_entry_name(e);
	git_filemode_t mode = git_tree_entry_filemode(e);
	git_tree *sub = NULL;
	git_blob *blob = NULL;
	int fd = -1, ret = -1;

	switch (git_tree_entry_type(e)) {
	case GIT_OBJECT_TREE:
		if (mkdirat(dirfd, name, 0700) < 0 ||
		    (fd = openat(dirfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)) < 0) {
			orch_error("cannot make directory '%s' of the checkout: %s", path, strerror(errno));
			goto done;
		}
		if (git_tree_lookup(&sub, repo, git_tree_entry_id(e)) < 0) {
			orch_git_error("cannot read tree '%s'", path);
			goto done;
		}
		if (export_at(repo, sub, fd, path) < 0)
			goto done;
		fchmod(fd, 0555);
		break;
	case GIT_OBJECT_COMMIT:
		/* A submodule: an empty directory, as git leaves it before `submodule update`. */
		if (mkdirat(dirfd, name, 0555) < 0) {
			orch_error("cannot make directory '%s' of the checkout: %s", path, strerror(errno));
			goto done;
		}
		break;
	case GIT_OBJECT_BLOB:
		if (git_blob_lookup(&blob, repo, git_tree_entry_id(e)) < 0) {
			orch_git_error("cannot read '%s'", path);
			goto done;
		}
		if (mode == GIT_FILEMODE_LINK) {
			char *target = xstrndup(git_blob_rawcontent(blob), (size_t)git_blob_rawsize(blob));
			int r = symlinkat(target, dirfd, name);

			free(target);
			if (r < 0) {
				orch_error("cannot make symlink '%s' of the checkout: %s", path, strerror(errno));
				goto done;
			}
			break;
		}
		fd = openat(dirfd, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
			    mode == GIT_FILEMODE_BLOB_EXECUTABLE ? 0555 : 0444);
		if (fd < 0 || xwrite_all(fd, git_blob_rawcontent(blob), (size_t)git_blob_rawsize(blob)) < 0) {
			orch_error("cannot write '%s' of the checkout: %s", path, strerror(errno));
			goto done;
		}
		break;
	default:
		orch_error("cannot check out '%s': unknown kind of tree entry", path);
		goto done;
	}
	ret = 0;
done:
	if (fd >= 0)
		close(fd);
	git_blob_free(blob);
	git_tree_free(sub);
	return ret;
}

static int export_at(git_repository *repo, git_tree *tree, int dirfd, const char *prefix)
{
	size_t i, n = git_tree_entrycount(tree);

	for (i = 0; i < n; i++) {
		const git_tree_entry *e = git_tree_entry_byindex(tree, i);
		const char *name = git_tree_entry_name(e);
		char *path = xasprintf("%s%s%s", prefix, *prefix ? "/" : "", name);
		int r;

		if (!safe_name(name)) {
			orch_error("refusing to check out the tree entry '%s': not a safe file name", path);
			free(path);
			return -1;
		}
		r = export_entry(repo, e, dirfd, path);
		free(path);
		if (r < 0)
			return -1;
	}
	return 0;
}

int orch_tree_export(git_repository *repo, git_tree *tree, const char *dir)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC), ret;

	if (fd < 0)
		return orch_error("cannot open '%s': %s", dir, strerror(errno));
	ret = export_at(repo, tree, fd, "");
	/* Read-only: a reviewer that writes by accident fails instead of voiding its review. */
	if (ret == 0)
		fchmod(fd, 0555);
	close(fd);
	return ret;
}

int orch_commit_check_out_to(git_repository *repo, const git_oid *commit, const char *dir)
{
	git_checkout_options co;
	git_index *index = NULL;
	git_oid tree;
	int ret = 0;

	if (orch_commit_tree_id(repo, commit, &tree) < 0)
		return -1;
	if (orch_tree_index(&index, repo, &tree) < 0)
		return orch_git_error("cannot read the tree of %s", orch_short_oid(commit));
	git_checkout_options_init(&co, GIT_CHECKOUT_OPTIONS_VERSION);
	co.checkout_strategy = GIT_CHECKOUT_FORCE | GIT_CHECKOUT_DONT_UPDATE_INDEX;
	co.target_directory = dir;
	if (git_checkout_index(repo, index, &co) < 0)
		ret = orch_git_error("cannot check out %s to test it", orch_short_oid(commit));
	git_index_free(index);
	return ret;
}

struct verify {
	git_repository *repo;
	struct strbuf *out;
	int count;
};

static void differs(struct verify *v, const char *what, const char *path)
{
	if (v->count++ < MAX_NAMED)
		strbuf_addf(v->out, "%s%s '%s'", v->out->len ? ", " : "", what, path);
}

/* Does the file at dirfd/name hold exactly the blob `id`? */
static int same_content(int dirfd, const char *name, const git_oid *id, int is_link)
{
	struct strbuf sb = STRBUF_INIT;
	git_oid oid;
	int same = 0;

	if (is_link) {
		char buf[4096];
		ssize_t n = readlinkat(dirfd, name, buf, sizeof(buf));

		if (n >= 0)
			strbuf_add(&sb, buf, (size_t)n);
		else
			goto done;
	} else {
		int fd = openat(dirfd, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);

		if (fd < 0)
			goto done;
		/* No limit: whatever its size, a blob of the reviewed tree is compared. */
		if (orch_read_fd(&sb, fd, 0) < 0) {
			close(fd);
			goto done;
		}
		close(fd);
	}
	same = git_odb_hash(&oid, sb.buf, sb.len, GIT_OBJECT_BLOB) == 0 &&
	       git_oid_equal(&oid, id);
done:
	strbuf_release(&sb);
	return same;
}

static int verify_at(struct verify *v, git_tree *tree, int dirfd, const char *prefix);

static int verify_entry(struct verify *v, const git_tree_entry *e, int dirfd, const char *path)
{
	const char *name = git_tree_entry_name(e);
	git_filemode_t mode = git_tree_entry_filemode(e);
	git_tree *sub = NULL;
	struct stat st;
	int fd, ret = 0;

	if (fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW) < 0) {
		differs(v, "deleted", path);
		return 0;
	}
	switch (git_tree_entry_type(e)) {
	case GIT_OBJECT_TREE:
	case GIT_OBJECT_COMMIT:
		if (!S_ISDIR(st.st_mode)) {
			differs(v, "replaced", path);
			break;
		}
		fd = openat(dirfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (fd < 0) {
			differs(v, "made unreadable", path);
			break;
		}
		if (git_tree_entry_type(e) == GIT_OBJECT_TREE &&
		    git_tree_lookup(&sub, v->repo, git_tree_entry_id(e)) < 0)
			ret = orch_git_error("cannot read tree '%s'", path);
		else
			ret = verify_at(v, sub, fd, path);
		close(fd);
		break;
	default:
		if (mode == GIT_FILEMODE_LINK ? !S_ISLNK(st.st_mode) : !S_ISREG(st.st_mode))
			differs(v, "replaced", path);
		else if (!same_content(dirfd, name, git_tree_entry_id(e), mode == GIT_FILEMODE_LINK))
			differs(v, "modified", path);
		else if (mode != GIT_FILEMODE_LINK &&
			 !!(st.st_mode & S_IXUSR) != (mode == GIT_FILEMODE_BLOB_EXECUTABLE))
			differs(v, "changed the mode of", path);
		break;
	}
	git_tree_free(sub);
	return ret;
}

static int verify_at(struct verify *v, git_tree *tree, int dirfd, const char *prefix)
{
	size_t i, n = tree ? git_tree_entrycount(tree) : 0;
	struct dirent *de;
	DIR *d;
	int fd;

	for (i = 0; i < n; i++) {
		const git_tree_entry *e = git_tree_entry_byindex(tree, i);
		char *path = xasprintf("%s%s%s", prefix, *prefix ? "/" : "", git_tree_entry_name(e));
		int r = verify_entry(v, e, dirfd, path);

		free(path);
		if (r < 0)
			return -1;
	}
	/* Anything on disk that the tree does not have is new. */
	fd = dup(dirfd);
	if (fd < 0 || !(d = fdopendir(fd))) {
		if (fd >= 0)
			close(fd);
		return orch_error("cannot list '%s' of the checkout: %s", *prefix ? prefix : ".",
				  strerror(errno));
	}
	while ((de = readdir(d))) {
		char *path;
		struct stat st;

		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		if (tree && git_tree_entry_byname(tree, de->d_name))
			continue;
		path = xasprintf("%s%s%s", prefix, *prefix ? "/" : "", de->d_name);
		if (fstatat(dirfd, de->d_name, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISDIR(st.st_mode))
			differs(v, "new directory", path);
		else
			differs(v, "new file", path);
		free(path);
	}
	closedir(d);
	return 0;
}

int orch_tree_verify(git_repository *repo, git_tree *tree, const char *dir, struct strbuf *out)
{
	struct verify v = { .repo = repo, .out = out };
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC), r;

	if (fd < 0) {
		differs(&v, "removed", "the checkout");
		return v.count;
	}
	r = verify_at(&v, tree, fd, "");
	close(fd);
	if (r < 0)
		return -1;
	if (v.count > MAX_NAMED)
		strbuf_addf(out, " and %d more", v.count - MAX_NAMED);
	return v.count;
}

static int remove_at(int parent, const char *name)
{
	struct stat st;
	struct dirent *de;
	char **names = NULL;
	size_t n = 0, i;
	int fd, ret = 0;
	DIR *d;

	if (fstatat(parent, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
		return errno == ENOENT ? 0 : -1;
	if (!S_ISDIR(st.st_mode))
		return unlinkat(parent, name, 0);
	fchmodat(parent, name, 0700, 0);
	fd = openat(parent, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0 || !(d = fdopendir(fd))) {
		if (fd >= 0)
			close(fd);
		return -1;
	}
	/* Names first: removing while reading a directory may skip entries. */
	while ((de = readdir(d))) {
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		names = xrealloc(names, (n + 1) * sizeof(*names));
		names[n++] = xstrdup(de->d_name);
	}
	for (i = 0; i < n; i++) {
		if (remove_at(dirfd(d), names[i]) < 0)
			ret = -1;
		free(names[i]);
	}
	free(names);
	closedir(d);
	if (unlinkat(parent, name, AT_REMOVEDIR) < 0)
		ret = -1;
	return ret;
}

int orch_remove_dir(const char *path)
{
	char *copy1 = xstrdup(path), *copy2 = xstrdup(path);
	const char *parent = dirname(copy1), *base = basename(copy2);
	int fd = open(parent, O_RDONLY | O_DIRECTORY | O_CLOEXEC), ret = -1;

	if (fd >= 0) {
		ret = remove_at(fd, base);
		close(fd);
	}
	if (ret < 0)
		orch_error("cannot remove '%s': %s", path, strerror(errno));
	free(copy1);
	free(copy2);
	return ret;
}
