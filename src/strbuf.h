#ifndef ORCH_STRBUF_H
#define ORCH_STRBUF_H

#include <stdarg.h>
#include <stddef.h>

/*
 * A growable, always NUL-terminated byte buffer. `buf` is never NULL: an
 * empty buffer points at a shared empty string (as git's strbuf_slopbuf),
 * which is never written past its NUL and never freed (alloc is 0 then).
 */
struct strbuf {
	char *buf;
	size_t len;
	size_t alloc;
};

extern char strbuf_empty[1];

#define STRBUF_INIT { .buf = strbuf_empty, .len = 0, .alloc = 0 }

void strbuf_init(struct strbuf *sb);
void strbuf_release(struct strbuf *sb);
void strbuf_reset(struct strbuf *sb);
void strbuf_add(struct strbuf *sb, const void *data, size_t len);
void strbuf_adds(struct strbuf *sb, const char *s);
void strbuf_addch(struct strbuf *sb, char c);
void strbuf_addf(struct strbuf *sb, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void strbuf_vaddf(struct strbuf *sb, const char *fmt, va_list ap);
/* The contents; the same as sb->buf, and also "" for a zeroed struct. */
const char *strbuf_str(const struct strbuf *sb);
/* Hands the buffer to the caller (who frees it) and resets sb. */
char *strbuf_detach(struct strbuf *sb);
void strbuf_rtrim(struct strbuf *sb);
/*
 * A record's header line, "key: value\n" (verdict notes, test records): a
 * line break in value becomes a space, for a header is one line. Nothing
 * for a NULL value.
 */
void strbuf_add_header(struct strbuf *sb, const char *key, const char *value);

/* 1 if s begins with prefix. */
int starts_with(const char *s, const char *prefix);
/* As starts_with; on a match *out (when not NULL) points just past the prefix. */
int skip_prefix(const char *s, const char *prefix, const char **out);
/* The same for n bytes that need not end in a NUL: 1 if they begin with prefix. */
int mem_starts_with(const char *p, size_t n, const char *prefix);
/* 1 if the n bytes at p are exactly the string s. */
int mem_equals(const char *p, size_t n, const char *s);

/* Writes all n bytes, retrying short writes and EINTR; 0, or -1 with errno set. */
int xwrite_all(int fd, const void *buf, size_t n);

/* Allocation that never returns NULL: out of memory is fatal. */
void *xmalloc(size_t n);
void *xcalloc(size_t n, size_t size);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
#define ARRAY_SIZE(a) (sizeof(a) / sizeof(*(a)))
#define FREE_AND_NULL(p) do { free(p); (p) = NULL; } while (0)

/*
 * Makes room for `nr` items in the array x, which has room for `alloc` (as
 * git's ALLOC_GROW): doubles it, from 64 items.
 */
#define ALLOC_GROW(x, nr, alloc)                                        \
	do {                                                            \
		if ((nr) > (alloc)) {                                   \
			(alloc) = (alloc) ? (alloc) * 2 : 64;           \
			if ((alloc) < (nr))                             \
				(alloc) = (nr);                         \
			(x) = xrealloc((x), (alloc) * sizeof(*(x)));    \
		}                                                       \
	} while (0)

char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
