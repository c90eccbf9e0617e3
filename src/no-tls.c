/*
 * The empty CA loaders. hooks/no-tls-static.c compiles this file again
 * with NO_TLS_NAME giving them the names the linker's --wrap sends
 * libgit2's calls to. No config.h: configure links that file to see
 * whether a static gate works, before config.h exists.
 */
#include "no-tls.h"

#ifndef NO_TLS_NAME
#define NO_TLS_NAME(name) name
#endif

/* The signatures of mbedTLS's loaders, without its headers (not needed to build). */
int NO_TLS_NAME(mbedtls_x509_crt_parse_file)(void *chain, const char *path);
int NO_TLS_NAME(mbedtls_x509_crt_parse_path)(void *chain, const char *path);

int NO_TLS_NAME(mbedtls_x509_crt_parse_file)(void *chain, const char *path)
{
	(void)chain;
	(void)path;
	return 0;
}

int NO_TLS_NAME(mbedtls_x509_crt_parse_path)(void *chain, const char *path)
{
	(void)chain;
	(void)path;
	return 0;
}

void orch_no_tls_keep(void)
{
}
