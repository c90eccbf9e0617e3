#ifndef ORCH_SERVER_ENV_H
#define ORCH_SERVER_ENV_H

/*
 * The server decides from the repository alone. Over file:// the pusher's
 * whole environment reaches this hook, so no ORCH_HOOKS_* variable may steer
 * it: not the policy's location (ORCH_HOOKS_CONFIG, ORCH_HOOKS_SYSCONFDIR),
 * not ORCH_HOOKS_SKIP, not a timeout or any later switch. They are removed
 * before anything reads them, for this process and the commands it runs.
 */
void orch_server_forget_pusher_settings(void);

#endif
