/*
 * Preloaded (LD_PRELOAD) into pmix_impostor: every user and group id the process asks for is FAKE_UID, as a local
 * user who wants to pose as another would make them. OpenPMIx's native security module sends what getuid() says.
 */
#include <stdlib.h>
#include <unistd.h>

static unsigned faked(void) {
    const char *text = getenv("FAKE_UID");
    return text ? (unsigned)atoi(text) : 0;
}

uid_t getuid(void) { return faked(); }
uid_t geteuid(void) { return faked(); }
gid_t getgid(void) { return faked(); }
gid_t getegid(void) { return faked(); }
