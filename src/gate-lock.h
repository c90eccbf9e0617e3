#ifndef ORCH_GATE_LOCK_H
#define ORCH_GATE_LOCK_H

/*
 * One test gate at a time per repository. The lock is an flock(2) on
 * COMMONDIR/orch-hooks-gate.lock, so the kernel drops it when its holder
 * dies: a gate that was killed never blocks the next one. The file also
 * says what its holder is doing ("testing", "undoing", ...), so the next
 * gate can tell the person how to recover from a gate killed half-way.
 */
struct orch_gate_lock {
	int fd;
	char *path;
};

#define ORCH_GATE_LOCK_INIT { .fd = -1, .path = NULL }

/*
 * Takes the lock, waiting up to wait_ms for a live holder (saying once
 * whom it waits for). If the previous holder died in the middle of its
 * work, prints how to recover before going on. Returns 0, or -1 after
 * saying why (another gate kept it too long, or the file is unusable).
 */
int orch_gate_lock_take(struct orch_gate_lock *lock, const char *commondir, unsigned wait_ms);

/*
 * Records what the holder is doing: phase is a word ("testing",
 * "undoing", "reverting"); the rest describes the merge, for recovery.
 */
void orch_gate_lock_phase(struct orch_gate_lock *lock, const char *phase, const char *branch,
			  const char *merge_hex, const char *orig_hex);

/* Marks the work done and lets the lock go. Safe on an untaken lock. */
void orch_gate_lock_release(struct orch_gate_lock *lock);

#endif
