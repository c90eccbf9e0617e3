/*
 * The error channel without libgit2 (the light hook front ends use it);
 * error-git.c adds libgit2's error to a message.
 */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>

#include "error.h"

static void vsay(const char *fmt, va_list ap)
{
	fputs("orch-hooks: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
}

int orch_error(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsay(fmt, ap);
	va_end(ap);
	return -1;
}

int orch_say(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsay(fmt, ap);
	va_end(ap);
	return 0;
}
