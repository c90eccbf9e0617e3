#include "config.h"

#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <ini.h>

#include "error.h"
#include "files.h"
#include "policy.h"
#include "strbuf.h"
#include "value.h"

#define MAX_LINE 4096

/*
 * T_COMMAND is shell text (quotes allowed); T_STRING any other text value.
 * T_ON_FAILURE and those after it are enums: one of the words their
 * enum_words lists, kept as its index.
 */
enum key_type { T_PATTERNS, T_NOTES_REF, T_COMMAND, T_STRING, T_DURATION, T_BOOL, T_ON_FAILURE, T_SANDBOX,
		T_CARRY_OVER };

struct key_info {
	const char *section;
	const char *name;
	enum key_type type;
	size_t offset;
};

/* One row: where the key lives in the file and in struct orch_policy. */
#define KEY(section_, name_, type_, field_) \
	{ .section = (section_), .name = (name_), .type = (type_), .offset = offsetof(struct orch_policy, field_) }

/* Indexed by enum orch_policy_key. */
static const struct key_info keys[ORCH_KEY__COUNT] = {
	[ORCH_KEY_PROTECTED] = KEY("branches", "protected", T_PATTERNS, protected),
	[ORCH_KEY_REQUIRE_SIGNED] = KEY("branches", "require_signed", T_BOOL, require_signed),
	[ORCH_KEY_NOTES_REF] = KEY("notes", "ref", T_NOTES_REF, notes_ref),
	[ORCH_KEY_TESTS_REF] = KEY("notes", "tests_ref", T_NOTES_REF, tests_ref),
	[ORCH_KEY_REVIEW_COMMAND] = KEY("review", "command", T_COMMAND, review_command),
	[ORCH_KEY_REVIEW_TIMEOUT] = KEY("review", "timeout", T_DURATION, review_timeout),
	[ORCH_KEY_REVIEW_ALLOW_MANUAL] = KEY("review", "allow_manual", T_BOOL, allow_manual),
	[ORCH_KEY_REVIEW_SANDBOX] = KEY("review", "sandbox", T_SANDBOX, review_sandbox),
	[ORCH_KEY_REVIEW_SIGNING_KEY] = KEY("review", "signing_key", T_STRING, signing_key),
	[ORCH_KEY_REVIEW_CARRY_OVER] = KEY("review", "carry_over", T_CARRY_OVER, carry_over),
	[ORCH_KEY_TEST_COMMAND] = KEY("test", "command", T_COMMAND, test_command),
	[ORCH_KEY_TEST_TIMEOUT] = KEY("test", "timeout", T_DURATION, test_timeout),
	[ORCH_KEY_TEST_ON_FAILURE] = KEY("test", "on_failure", T_ON_FAILURE, on_failure),
	[ORCH_KEY_TEST_REUSE] = KEY("test", "reuse", T_BOOL, test_reuse),
	[ORCH_KEY_TEST_SIGNING_KEY] = KEY("test", "signing_key", T_COMMAND, test_signing_key),
	[ORCH_KEY_SERVER_ALLOW_DIRECT] = KEY("server", "allow_direct", T_BOOL, allow_direct),
	[ORCH_KEY_SERVER_TEST_COMMAND] = KEY("server", "test_command", T_COMMAND, server_test_command),
	[ORCH_KEY_SERVER_TEST_TIMEOUT] = KEY("server", "test_timeout", T_DURATION, server_test_timeout),
	[ORCH_KEY_SERVER_ALLOWED_SIGNERS] = KEY("server", "allowed_signers", T_STRING, allowed_signers),
	[ORCH_KEY_SERVER_REQUIRE_SIGNED] = KEY("server", "require_signed", T_BOOL, server_require_signed),
	[ORCH_KEY_SERVER_REVIEWERS] = KEY("server", "reviewers", T_STRING, reviewers),
	[ORCH_KEY_SERVER_REQUIRE_TESTS] = KEY("server", "require_tests", T_BOOL, require_tests),
	[ORCH_KEY_SERVER_TEST_SIGNERS] = KEY("server", "test_signers", T_STRING, test_signers),
	[ORCH_KEY_CI_TIMEOUT] = KEY("ci", "timeout", T_DURATION, ci_timeout),
};

static const char *const on_failure_names[] = { "undo", "revert", "keep" };
static const char *const sandbox_names[] = { "none", "bwrap", "auto" };
static const char *const carry_over_names[] = { "none", "patch-id" };

struct enum_words {
	const char *const *names;	/* indexed by the enum's values */
	size_t n;
	const char *want;		/* for the error: "one of ..." */
};

#define ENUM_WORDS(names, want) { (names), sizeof(names) / sizeof(*(names)), (want) }

/* Indexed by enum key_type: the enum types' words. */
static const struct enum_words enum_words[T_CARRY_OVER + 1] = {
	[T_ON_FAILURE] = ENUM_WORDS(on_failure_names, "one of undo, revert, keep"),
	[T_SANDBOX] = ENUM_WORDS(sandbox_names, "one of none, bwrap, auto"),
	[T_CARRY_OVER] = ENUM_WORDS(carry_over_names, "one of patch-id, none"),
};

/* An enum key's field is read and written as an int. */
_Static_assert(sizeof(enum orch_on_failure) == sizeof(int), "enum orch_on_failure is not an int");
_Static_assert(sizeof(enum orch_sandbox) == sizeof(int), "enum orch_sandbox is not an int");
_Static_assert(sizeof(enum orch_carry_over) == sizeof(int), "enum orch_carry_over is not an int");

const char *orch_on_failure_name(enum orch_on_failure f)
{
	return on_failure_names[f];
}

const char *orch_policy_key_section(enum orch_policy_key k)
{
	return keys[k].section;
}

const char *orch_policy_key_name(enum orch_policy_key k)
{
	return keys[k].name;
}

void orch_policy_init(struct orch_policy *p)
{
	const char *bad;

	memset(p, 0, sizeof(*p));
	orch_patterns_parse(&p->protected, "main master", &bad);
	p->notes_ref = xstrdup("refs/notes/verdicts");
	p->tests_ref = xstrdup("refs/notes/tests");
	p->review_command = xstrdup("");
	p->review_timeout = 15 * 60;
	p->allow_manual = 1;
	p->review_sandbox = ORCH_SANDBOX_AUTO;
	p->carry_over = ORCH_CARRY_OVER_PATCH_ID;
	p->test_command = xstrdup("");
	p->test_timeout = 30 * 60;
	p->on_failure = ORCH_ON_FAILURE_UNDO;
	p->test_reuse = 1;
	p->allow_direct = 0;
	p->server_test_command = xstrdup("");
	p->server_test_timeout = 30 * 60;
	p->signing_key = xstrdup("");
	p->allowed_signers = xstrdup("");
	p->reviewers = xstrdup("");
	p->test_signing_key = xstrdup("");
	p->test_signers = xstrdup("");
	p->ci_timeout = 60 * 60;
	p->path = xstrdup("built-in defaults");
}

/* Each key's value as its type holds it: the key table says which to free. */
void orch_policy_release(struct orch_policy *p)
{
	int k;

	for (k = 0; k < ORCH_KEY__COUNT; k++) {
		char *field = (char *)p + keys[k].offset;

		if (keys[k].type == T_PATTERNS)
			orch_patterns_release((struct orch_patterns *)field);
		else if (keys[k].type == T_NOTES_REF || keys[k].type == T_COMMAND || keys[k].type == T_STRING)
			free(*(char **)field);
		free(p->origin[k]);
	}
	free(p->path);
	memset(p, 0, sizeof(*p));
}

/* State shared by the line reader and the inih handler. */
struct parse_state {
	struct orch_policy *policy;
	const char *name;
	const char *text, *pos, *end;
	int lineno;
	int seen[ORCH_KEY__COUNT];
	char *err;	/* the first error, "NAME:LINE: problem" */
};

static void set_error(struct parse_state *st, const char *fmt, ...) ORCH_PRINTF(2, 3);

static void set_error(struct parse_state *st, const char *fmt, ...)
{
	struct strbuf sb = STRBUF_INIT;
	va_list ap;

	if (st->err)
		return;
	strbuf_addf(&sb, "%s:%d: ", st->name, st->lineno);
	va_start(ap, fmt);
	strbuf_vaddf(&sb, fmt, ap);
	va_end(ap);
	st->err = strbuf_detach(&sb);
}

static int known_section(const char *name, size_t len)
{
	int k;

	for (k = 0; k < ORCH_KEY__COUNT; k++)
		if (strlen(keys[k].section) == len && !strncmp(keys[k].section, name, len))
			return 1;
	return 0;
}

/*
 * Debian's inih calls the handler only for keys, so a misspelt section with
 * nothing under it would pass unnoticed; look at headers as they go by.
 */
static void check_section_header(struct parse_state *st, const char *line)
{
	const char *p = line, *end;

	while (*p == ' ' || *p == '\t')
		p++;
	if (st->lineno == 1)
		skip_prefix(p, "\xef\xbb\xbf", &p);
	if (*p != '[')
		return;
	end = strchr(p, ']');
	if (end && !known_section(p + 1, (size_t)(end - p - 1)))
		set_error(st, "unknown section [%.*s]", (int)(end - p - 1), p + 1);
}

#ifndef HAVE_INIH_RUNTIME_OPTIONS
/*
 * An inih without Debian's run-time options (configure says so) is built
 * with upstream's defaults: " ;" starts an inline comment and an indented
 * line continues the key above. Rather than read such a line differently
 * from the documentation, refuse it (fail closed).
 */
static void check_upstream_inih(struct parse_state *st, const char *line)
{
	const char *p = line + strspn(line, " \t");

	if (!*p || strchr("#;\r\n", *p))
		return;
	if (p != line)
		set_error(st, "an indented line (this build's inih would join it to the line above); "
			  "remove the indentation");
	else if (strstr(p, " ;") || strstr(p, "\t;"))
		set_error(st, "' ;' in a value (this build's inih would cut the value there as a comment); "
			  "remove the space before ';'");
}
#endif

/*
 * inih's reader: hands over one line at a time so that we know the line
 * number in the handler (Debian's inih is built without INI_HANDLER_LINENO),
 * and rejects what inih would silently mangle (NUL bytes, long lines).
 */
static char *read_line(char *buf, int size, void *data)
{
	struct parse_state *st = data;
	const char *nl;
	size_t n, content;

	if (st->err || st->pos >= st->end)
		return NULL;
	st->lineno++;
	nl = memchr(st->pos, '\n', (size_t)(st->end - st->pos));
	n = nl ? (size_t)(nl - st->pos) + 1 : (size_t)(st->end - st->pos);
	if (memchr(st->pos, '\0', n)) {
		set_error(st, "NUL byte in line");
		return NULL;
	}
	/* The limit is on the line's text; its "\n" or "\r\n" does not count. */
	content = n;
	if (content && st->pos[content - 1] == '\n')
		content--;
	if (content && st->pos[content - 1] == '\r')
		content--;
	if (n >= (size_t)size || content > MAX_LINE) {
		set_error(st, "line longer than %d bytes", size < MAX_LINE ? size - 1 : MAX_LINE);
		return NULL;
	}
	memcpy(buf, st->pos, n);
	buf[n] = '\0';
	st->pos += n;
	check_section_header(st, buf);
#ifndef HAVE_INIH_RUNTIME_OPTIONS
	check_upstream_inih(st, buf);
#endif
	return buf;
}

/* "[section] key: 'value' is not <what>"; returns 0, the handler's "no". */
static int not_a(struct parse_state *st, const struct key_info *ki, const char *value, const char *what)
{
	set_error(st, "[%s] %s: '%s' is not %s", ki->section, ki->name, value, what);
	return 0;
}

/* The index of value among n names, or -1. */
static int name_index(const char *const *names, size_t n, const char *value)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!strcmp(value, names[i]))
			return (int)i;
	return -1;
}

static int set_value(struct parse_state *st, const struct key_info *ki, const char *value)
{
	char *field = (char *)st->policy + ki->offset;
	const char *bad = NULL, *rest;
	int i;

	/* Patterns say so themselves (a quote anywhere in one); commands are shell text. */
	if (ki->type != T_PATTERNS && ki->type != T_COMMAND && orch_value_is_quoted(value)) {
		set_error(st, "[%s] %s: the value %s is quoted, and quotes are kept as part of it: "
			  "write it without them", ki->section, ki->name, value);
		return 0;
	}
	switch (ki->type) {
	case T_PATTERNS: {
		struct orch_patterns np = ORCH_PATTERNS_INIT;

		if (orch_patterns_parse(&np, value, &bad) < 0) {
			orch_patterns_release(&np);
			set_error(st, "[%s] %s: %s", ki->section, ki->name, bad);
			return 0;
		}
		orch_patterns_release((struct orch_patterns *)field);
		*(struct orch_patterns *)field = np;
		return 1;
	}
	case T_NOTES_REF:
		if (!skip_prefix(value, "refs/notes/", &rest) || !*rest || strpbrk(value, " \t~^:?*[\\"))
			return not_a(st, ki, value, "a notes ref (want refs/notes/NAME)");
		/* fall through */
	case T_COMMAND:
	case T_STRING:
		free(*(char **)field);
		*(char **)field = xstrdup(value);
		return 1;
	case T_DURATION:
		if (orch_parse_duration(value, (unsigned *)field) < 0)
			return not_a(st, ki, value, "a duration (write it like 90s, 15m or 1h)");
		return 1;
	case T_BOOL:
		if (orch_parse_bool(value, (int *)field) < 0)
			return not_a(st, ki, value, "a boolean (true or false)");
		return 1;
	case T_ON_FAILURE:
	case T_SANDBOX:
	case T_CARRY_OVER: {
		const struct enum_words *w = &enum_words[ki->type];

		if ((i = name_index(w->names, w->n, value)) < 0)
			return not_a(st, ki, value, w->want);
		*(int *)field = i;
		return 1;
	}
	}
	return 0;
}

static int handle(void *data, const char *section, const char *name, const char *value)
{
	struct parse_state *st = data;
	int k;

	if (!name) /* a section header alone; checked when its keys arrive */
		return 1;
	for (k = 0; k < ORCH_KEY__COUNT; k++) {
		if (strcmp(keys[k].section, section) || strcmp(keys[k].name, name))
			continue;
		if (st->seen[k]) {
			set_error(st, "[%s] %s is set twice (first on line %d)", section, name, st->seen[k]);
			return 0;
		}
		st->seen[k] = st->lineno;
		if (!set_value(st, &keys[k], value))
			return 0;
		free(st->policy->origin[k]);
		st->policy->origin[k] = xasprintf("%s:%d", st->name, st->lineno);
		return 1;
	}
	for (k = 0; k < ORCH_KEY__COUNT; k++)
		if (!strcmp(keys[k].section, section))
			break;
	if (!*section)
		set_error(st, "'%s' comes before any [section] header", name);
	else if (k == ORCH_KEY__COUNT)
		set_error(st, "unknown section [%s]", section);
	else
		set_error(st, "unknown key '%s' in [%s]", name, section);
	return 0;
}

int orch_policy_parse_string(struct orch_policy *p, const char *name,
			     const char *text, size_t len, char **err)
{
	struct parse_state st;
	const char *s;
	int line;

	/*
	 * Debian's inih takes its options at run time. No inline comments: a
	 * command like "make check; ./lint" must survive whole. No continuation
	 * lines: an indented line is an ordinary line. A heap buffer sized for
	 * our longest line; read_line rejects anything longer.
	 */
#ifdef HAVE_INIH_RUNTIME_OPTIONS
	ini_allow_inline_comments = false;
	ini_allow_multiline = false;
	ini_use_stack = false;
	ini_max_line = MAX_LINE + 3;
	/*
	 * With neither the stack nor realloc, inih's line buffer is
	 * ini_initial_alloc bytes (200 by default), not ini_max_line.
	 */
	ini_allow_realloc = false;
	ini_initial_alloc = MAX_LINE + 3;
	/* Report the first error, not one from a later line. */
	ini_stop_on_first_error = true;
#endif
	/* Without them (another inih), read_line refuses what it would read differently. */

	memset(&st, 0, sizeof(st));
	st.policy = p;
	st.name = name;
	st.text = st.pos = text;
	st.end = text + len;
	*err = NULL;

	for (s = text; s < st.end && strchr(" \t\r\n", *s); s++)
		;
	if (s == st.end) {
		*err = xasprintf("%s:1: the policy is empty (a truncated file?); "
				 "write at least a [branches] section", name);
		return -1;
	}
	line = ini_parse_stream(read_line, &st, handle, &st);
	if (!st.err && line > 0) {
		st.lineno = line;
		set_error(&st, "cannot parse this line (want [section] or key = value)");
	} else if (!st.err && line < 0) {
		set_error(&st, "out of memory while parsing");
	}
	if (st.err) {
		*err = st.err;
		return -1;
	}
	free(p->path);
	p->path = xstrdup(name);
	return 0;
}

int orch_policy_load_file(struct orch_policy *p, const char *path, char **err)
{
	struct strbuf sb = STRBUF_INIT;
	struct stat st;
	int ret = -1;

	*err = NULL;
	if (stat(path, &st) == 0 && S_ISDIR(st.st_mode)) {
		*err = xasprintf("cannot read policy '%s': it is a directory", path);
		goto done;
	}
	if (stat(path, &st) == 0 && !S_ISREG(st.st_mode)) {
		*err = xasprintf("cannot read policy '%s': it is not a regular file "
				 "(a FIFO or a device?)", path);
		goto done;
	}
	if (orch_read_file(&sb, path, ORCH_READ_POLICY) < 0) {
		*err = xasprintf("cannot read policy '%s': %s", path,
				 errno == EFBIG ? "larger than 1 MiB" : strerror(errno));
		goto done;
	}
	ret = orch_policy_parse_string(p, path, strbuf_str(&sb), sb.len, err);
done:
	strbuf_release(&sb);
	return ret;
}

char *orch_policy_system_path(void)
{
	const char *dir = getenv("ORCH_HOOKS_SYSCONFDIR");

	return xasprintf("%s/orch-hooks.ini", dir && *dir ? dir : SYSCONFDIR);
}

int orch_policy_load(struct orch_policy *p, const char *commondir)
{
	const char *env = getenv("ORCH_HOOKS_CONFIG");
	char *path = NULL, *err = NULL;
	struct stat st;
	int ret = 0;

	if (env && *env) {
		path = xstrdup(env); /* named explicitly: it must exist */
	} else {
		/*
		 * lstat, not access: a dangling symlink is a policy that someone
		 * meant to be there, and must not quietly give way to another.
		 */
		if (commondir) {
			path = xasprintf("%s/orch-hooks.ini", commondir);
			if (lstat(path, &st) && errno == ENOENT)
				FREE_AND_NULL(path);
		}
		if (!path) {
			path = orch_policy_system_path();
			if (lstat(path, &st) && errno == ENOENT) {
				/* No policy anywhere: the built-in defaults still protect main. */
				free(path);
				return 0;
			}
		}
	}
	if (orch_policy_load_file(p, path, &err) < 0) {
		orch_error("%s", err);
		orch_error("fix the policy (or point ORCH_HOOKS_CONFIG at a good one); "
			   "'orch-hooks policy' checks it");
		ret = -1;
	}
	free(err);
	free(path);
	return ret;
}

char *orch_policy_resolve_path(const struct orch_policy *p, const char *value)
{
	const char *slash;

	if (!value || !*value)
		return NULL;
	if (value[0] == '/')
		return xstrdup(value);
	if (value[0] == '~' && value[1] == '/' && getenv("HOME"))
		return xasprintf("%s%s", getenv("HOME"), value + 1);
	slash = strrchr(p->path, '/');
	if (!slash)
		return xstrdup(value);
	return xasprintf("%.*s/%s", (int)(slash - p->path), p->path, value);
}

char *orch_policy_value_text(const struct orch_policy *p, enum orch_policy_key k)
{
	const char *field = (const char *)p + keys[k].offset;
	struct strbuf sb = STRBUF_INIT;
	char dur[32];
	size_t i;

	switch (keys[k].type) {
	case T_PATTERNS: {
		const struct orch_patterns *pat = (const struct orch_patterns *)field;

		for (i = 0; i < pat->nr; i++)
			strbuf_addf(&sb, "%s%s", i ? " " : "", pat->items[i]);
		break;
	}
	case T_NOTES_REF:
	case T_COMMAND:
	case T_STRING:
		strbuf_adds(&sb, *(char *const *)field);
		break;
	case T_DURATION:
		orch_format_duration(*(const unsigned *)field, dur, sizeof(dur));
		strbuf_adds(&sb, dur);
		break;
	case T_BOOL:
		strbuf_adds(&sb, *(const int *)field ? "true" : "false");
		break;
	case T_ON_FAILURE:
	case T_SANDBOX:
	case T_CARRY_OVER:
		strbuf_adds(&sb, enum_words[keys[k].type].names[*(const int *)field]);
		break;
	}
	return strbuf_detach(&sb);
}
