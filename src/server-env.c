#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "server-env.h"
#include "strbuf.h"

extern char **environ;

void orch_server_forget_pusher_settings(void)
{
	size_t i = 0;

	while (environ && environ[i]) {
		const char *entry = environ[i], *eq = strchr(entry, '=');
		char *name;

		if (!starts_with(entry, "ORCH_HOOKS_")) {
			i++;
			continue;
		}
		name = xstrndup(entry, eq ? (size_t)(eq - entry) : strlen(entry));
		unsetenv(name);
		free(name);
		/* Removed, the next entry slid into this slot; an entry without '=' stays. */
		if (environ[i] == entry)
			i++;
	}
}
