#include "config.h"

#include <stdarg.h>
#include <string.h>

#include "pattern.h"
#include "server-gate.h"
#include "server-refusal.h"
#include "strbuf.h"

int orch_offence(struct orch_offences *o)
{
	if (!o->nr++)
		orch_error("push to '%s' refused", o->ref);
	*o->refused = 1;
	return o->nr <= ORCH_SERVER_MAX_LISTED;
}

void orch_refuse(struct orch_offences *o, const char *fmt, ...)
{
	struct strbuf sb = STRBUF_INIT;
	va_list ap;

	if (!orch_offence(o))
		return;
	va_start(ap, fmt);
	strbuf_vaddf(&sb, fmt, ap);
	va_end(ap);
	orch_say("  %s", strbuf_str(&sb));
	strbuf_release(&sb);
}

void orch_offences_summarize(const struct orch_offences *o)
{
	if (o->nr > ORCH_SERVER_MAX_LISTED)
		orch_say("  ... and %zu more", o->nr - ORCH_SERVER_MAX_LISTED);
}

const char *orch_server_branch_name(const char *ref)
{
	const char *branch = orch_branch_short_name(ref);

	return branch ? branch : ref;
}
