/*
 * The gate linked statically with libgit2 (configure: HAVE_STATIC_GATE)
 * speaks no network: it reads local repositories, and fetch and push go
 * through the git program. So it skips what git_libgit2_init() would spend
 * most of its time on (mbedTLS's entropy pool and CA bundle, OpenSSL's
 * tables under libssh2), and every way into TLS, SSH or GSSAPI fails with
 * an error instead. The linker's --wrap (configure's GATE_LINK) sends
 * libgit2's calls here; GSSAPI, which has no static library, is replaced
 * outright, so its seven shared libraries are never loaded.
 *
 * libgit2's SSH transport and its TLS stream are replaced at their entry
 * points, so the linker leaves out the objects behind them, and with them
 * libssh2, OpenSSL's libcrypto and mbedTLS's TLS: 18,000 of the gate's
 * 18,300 relocations, which the dynamic loader applied on every run
 * (0.23 million instructions of each hook's start). The wraps further down
 * stay for a libgit2 built another way.
 */
/* No config.h: configure links this file to see whether a static gate works. */
#include <stddef.h>

#include <git2.h>

/* The empty CA loaders (and orch_no_tls_keep) are src/no-tls.c's, under the wrapped names. */
#define NO_TLS_NAME(name) __wrap_##name
#include "no-tls.c"

int __wrap_git_mbedtls_stream_global_init(void);
int __wrap_git_mbedtls_stream_new(void **out, const char *host, const char *port);
int __wrap_git_mbedtls_stream_wrap(void **out, void *in, const char *host);
int __wrap_git_transport_ssh_global_init(void);
int __wrap_git_smart_subtransport_ssh(void **out, void *owner, void *param);
int __wrap_git_transport_ssh_with_paths(void **out, void *owner, void *payload);
int __wrap_git_mbedtls__set_cert_location(const char *file, const char *path);
int __wrap_libssh2_init(int flags);
void *__wrap_libssh2_session_init_ex(void *alloc, void *free_fn, void *realloc_fn, void *abstract);

int __wrap_git_mbedtls_stream_global_init(void)
{
	return 0;
}

static int offline(void **out, const char *what)
{
	*out = NULL;
	git_error_set_str(GIT_ERROR_NET, what);
	return -1;
}

int __wrap_git_mbedtls_stream_new(void **out, const char *host, const char *port)
{
	(void)host;
	(void)port;
	return offline(out, "the orch-hooks gate speaks no TLS");
}

int __wrap_git_mbedtls_stream_wrap(void **out, void *in, const char *host)
{
	(void)in;
	(void)host;
	return offline(out, "the orch-hooks gate speaks no TLS");
}

int __wrap_git_transport_ssh_global_init(void)
{
	return 0;
}

int __wrap_git_smart_subtransport_ssh(void **out, void *owner, void *param)
{
	(void)owner;
	(void)param;
	return offline(out, "the orch-hooks gate speaks no SSH");
}

int __wrap_git_transport_ssh_with_paths(void **out, void *owner, void *payload)
{
	(void)owner;
	(void)payload;
	return offline(out, "the orch-hooks gate speaks no SSH");
}

/* GIT_OPT_SET_SSL_CERT_LOCATIONS: there is no TLS to give them to. */
int __wrap_git_mbedtls__set_cert_location(const char *file, const char *path)
{
	void *none;

	(void)file;
	(void)path;
	return offline(&none, "the orch-hooks gate speaks no TLS");
}

int __wrap_libssh2_init(int flags)
{
	(void)flags;
	return 0;
}

/* libgit2 reports a failed session ("failed to initialize SSH session"). */
void *__wrap_libssh2_session_init_ex(void *alloc, void *free_fn, void *realloc_fn, void *abstract)
{
	(void)alloc;
	(void)free_fn;
	(void)realloc_fn;
	(void)abstract;
	return NULL;
}

/*
 * GSSAPI (libgit2's Negotiate authentication over HTTP): every call fails
 * with GSS_S_FAILURE. The types are GSSAPI's as the C ABI passes them.
 */
#define GSS_FAILURE (13u << 16)
typedef unsigned int gss_status;
const void *GSS_C_NT_HOSTBASED_SERVICE = NULL;
gss_status gss_delete_sec_context(gss_status *minor, void *ctx, void *token);
gss_status gss_display_status(gss_status *minor, gss_status value, int type, const void *mech,
			      gss_status *more, void *out);
gss_status gss_import_name(gss_status *minor, const void *in, const void *type, void **out);
gss_status gss_indicate_mechs(gss_status *minor, void **out);
gss_status gss_init_sec_context(gss_status *minor, const void *cred, void **ctx, const void *name,
				const void *mech, gss_status flags, gss_status time, const void *bindings,
				const void *in, void **mech_out, void *out, gss_status *flags_out,
				gss_status *time_out);
gss_status gss_release_buffer(gss_status *minor, void *buf);
gss_status gss_release_name(gss_status *minor, void **name);
gss_status gss_release_oid_set(gss_status *minor, void **set);

static gss_status gss_fail(gss_status *minor)
{
	if (minor)
		*minor = 0;
	return GSS_FAILURE;
}

gss_status gss_delete_sec_context(gss_status *minor, void *ctx, void *token)
{
	(void)ctx;
	(void)token;
	return gss_fail(minor);
}

gss_status gss_display_status(gss_status *minor, gss_status value, int type, const void *mech,
			      gss_status *more, void *out)
{
	(void)value;
	(void)type;
	(void)mech;
	(void)out;
	if (more)
		*more = 0;
	return gss_fail(minor);
}

gss_status gss_import_name(gss_status *minor, const void *in, const void *type, void **out)
{
	(void)in;
	(void)type;
	if (out)
		*out = NULL;
	return gss_fail(minor);
}

gss_status gss_indicate_mechs(gss_status *minor, void **out)
{
	if (out)
		*out = NULL;
	return gss_fail(minor);
}

gss_status gss_init_sec_context(gss_status *minor, const void *cred, void **ctx, const void *name,
				const void *mech, gss_status flags, gss_status time, const void *bindings,
				const void *in, void **mech_out, void *out, gss_status *flags_out,
				gss_status *time_out)
{
	(void)cred;
	(void)ctx;
	(void)name;
	(void)mech;
	(void)flags;
	(void)time;
	(void)bindings;
	(void)in;
	(void)mech_out;
	(void)out;
	(void)flags_out;
	(void)time_out;
	return gss_fail(minor);
}

gss_status gss_release_buffer(gss_status *minor, void *buf)
{
	(void)buf;
	return gss_fail(minor);
}

gss_status gss_release_name(gss_status *minor, void **name)
{
	(void)name;
	return gss_fail(minor);
}

gss_status gss_release_oid_set(gss_status *minor, void **set)
{
	(void)set;
	return gss_fail(minor);
}
