#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <time.h>
#include <unistd.h>

#include "clock.h"
#include "error.h"
#include "gate-lock.h"
#include "handoff.h"
#include "strbuf.h"


/* What the lock file says: "key value" lines. */
struct holder {
	char pid[32], phase[32], branch[256], merge[64], orig[64];
};

static void copy_field(char *dst, size_t len, const char *line, size_t n)
{
	if (n >= len)
		n = len - 1;
	memcpy(dst, line, n);
	dst[n] = '\0';
}

static void read_holder(int fd, struct holder *h)
{
	char buf[1024];
	ssize_t n = pread(fd, buf, sizeof(buf) - 1, 0);
	const char *p = buf;

	memset(h, 0, sizeof(*h));
	if (n <= 0)
		return;
	buf[n] = '\0';
	while (*p) {
		size_t len = strcspn(p, "\n");
		const char *v;

		if (skip_prefix(p, "pid ", &v))
			copy_field(h->pid, sizeof(h->pid), v, len - (size_t)(v - p));
		else if (skip_prefix(p, "phase ", &v))
			copy_field(h->phase, sizeof(h->phase), v, len - (size_t)(v - p));
		else if (skip_prefix(p, "branch ", &v))
			copy_field(h->branch, sizeof(h->branch), v, len - (size_t)(v - p));
		else if (skip_prefix(p, "merge ", &v))
			copy_field(h->merge, sizeof(h->merge), v, len - (size_t)(v - p));
		else if (skip_prefix(p, "orig ", &v))
			copy_field(h->orig, sizeof(h->orig), v, len - (size_t)(v - p));
		p += len + (p[len] == '\n');
	}
}

static void write_state(int fd, const char *text)
{
	size_t len = strlen(text), off = 0;

	if (ftruncate(fd, 0) < 0)
		return;
	while (off < len) {
		ssize_t w = pwrite(fd, text + off, len - off, (off_t)off);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return;
		off += (size_t)w;
	}
}

/* The previous holder died without finishing: say where things stand. */
static void report_dead_holder(const struct holder *h)
{
	const char *pid = *h->pid ? h->pid : "?";

	/* "starting": it died before it did anything. */
	if (!*h->phase || !strcmp(h->phase, "done") || !strcmp(h->phase, "starting"))
		return;
	if (!strcmp(h->phase, "testing")) {
		orch_say("warning: an earlier test gate (pid %s) was killed while testing merge %s "
			 "into '%s': that merge was never tested", pid, h->merge, h->branch);
		orch_say("  run the tests yourself; to take the merge out: git checkout %s && "
			 "git reset --keep %s", h->branch, h->orig);
		return;
	}
	orch_say("warning: an earlier test gate (pid %s) was killed while %s merge %s of '%s' "
		 "(before the merge: %s)", pid, h->phase, h->merge, h->branch, h->orig);
	if (!strcmp(h->phase, "undoing")) {
		orch_say("  its journal lets the next gate in that work tree finish the undo; "
			 "or run there: orch-hooks recover");
		return;
	}
	orch_say("  if '%s' is back at %s, it had finished: nothing to do", h->branch, h->orig);
	orch_say("  if '%s' is still at %s, take it out: git stash push --include-untracked && "
		 "git reset --keep %s", h->branch, h->merge, h->orig);
}

int orch_gate_lock_take(struct orch_gate_lock *lock, const char *commondir, unsigned wait_ms)
{
	struct holder h;
	double deadline = orch_now() + wait_ms / 1000.0;
	int said = 0;
	char *text;

	lock->fd = -1;
	lock->path = orch_handoff_path(commondir, ORCH_HANDOFF_GATE_LOCK);
	/* O_CLOEXEC: a test's leftover child must not inherit (and keep) the lock. */
	lock->fd = open(lock->path, O_RDWR | O_CREAT | O_CLOEXEC, 0666);
	if (lock->fd < 0) {
		orch_error("cannot open the test gate's lock '%s': %s", lock->path, strerror(errno));
		goto fail;
	}
	while (flock(lock->fd, LOCK_EX | LOCK_NB) < 0) {
		if (errno == EINTR)
			continue;
		if (errno != EWOULDBLOCK) {
			orch_error("cannot lock '%s': %s", lock->path, strerror(errno));
			goto fail;
		}
		read_holder(lock->fd, &h);
		if (orch_now() >= deadline) {
			orch_error("another test gate (pid %s, %s merge %s of '%s') still holds '%s' "
				   "after %us", *h.pid ? h.pid : "?", *h.phase ? h.phase : "busy with",
				   *h.merge ? h.merge : "?", *h.branch ? h.branch : "?", lock->path,
				   wait_ms / 1000);
			goto fail;
		}
		if (!said++)
			orch_say("waiting for another test gate (pid %s, %s merge %s of '%s') to finish",
				 *h.pid ? h.pid : "?", *h.phase ? h.phase : "busy with",
				 *h.merge ? h.merge : "?", *h.branch ? h.branch : "?");
		usleep(100 * 1000);
	}
	read_holder(lock->fd, &h);
	report_dead_holder(&h);
	text = xasprintf("pid %ld\nphase starting\n", (long)getpid());
	write_state(lock->fd, text);
	free(text);
	return 0;
fail:
	if (lock->fd >= 0)
		close(lock->fd);
	lock->fd = -1;
	FREE_AND_NULL(lock->path);
	return -1;
}

void orch_gate_lock_phase(struct orch_gate_lock *lock, const char *phase, const char *branch,
			  const char *merge_hex, const char *orig_hex)
{
	char *text;

	if (lock->fd < 0)
		return;
	text = xasprintf("pid %ld\nphase %s\nbranch %s\nmerge %s\norig %s\n", (long)getpid(), phase,
			 branch ? branch : "?", merge_hex ? merge_hex : "?", orig_hex ? orig_hex : "?");
	write_state(lock->fd, text);
	fsync(lock->fd);
	free(text);
}

void orch_gate_lock_release(struct orch_gate_lock *lock)
{
	if (lock->fd >= 0) {
		char *text = xasprintf("pid %ld\nphase done\n", (long)getpid());

		write_state(lock->fd, text);
		free(text);
		flock(lock->fd, LOCK_UN);
		close(lock->fd);
	}
	lock->fd = -1;
	FREE_AND_NULL(lock->path);
}
