#ifndef ORCH_NO_TLS_H
#define ORCH_NO_TLS_H

/*
 * Debian's libgit2 1.5 parses the whole system CA bundle with mbedTLS in
 * git_libgit2_init(): about 6 ms of every hook's run, for TLS that orch-hooks
 * never speaks (it reads local repositories; fetch and push go through the
 * git program). Programs that link no-tls.c provide their own, empty CA
 * loaders, exported so that libgit2's calls bind to them. Should anything
 * ever try TLS through libgit2 here, it has no trusted CA and fails closed.
 */

/* Referenced from main() so the linker keeps the loaders. */
void orch_no_tls_keep(void);

#endif
