/*
 * Munge credentials, through libmunge found at run time (it comes with OpenPMIx on Debian; no munge.h is needed to
 * build): a tool proves who it is in each query (mpdproctable), and the PMIx helper checks that proof.
 */
#ifndef MUNGE_CRED_H
#define MUNGE_CRED_H

#include <sys/types.h>

/* The payload every query credential carries, so that one minted for another purpose is not taken. */
#define MUNGE_QUERY_PAYLOAD "sss-pmix-query"

/* A new credential of this process's user with MUNGE_QUERY_PAYLOAD, to be freed with free(); NULL when munged or
 * libmunge is not there. */
char *munge_query_credential(void);

/* 1 and the user munged vouches for, if the credential is valid (not expired, not replayed) and carries
 * MUNGE_QUERY_PAYLOAD; else 0. */
int munge_query_user(const char *credential, uid_t *uid);

#endif
