/*
 * Fills the OpenSSL function table (see ssl-api.h) from the running process.
 * Compiled without the name redirection, so that `sel_ossl.NAME` and the
 * string "NAME" mean what they say.
 */
#define SEL_OSSL_NO_REDIRECT
#include <dlfcn.h>
#include <string.h>

#include "ssl-api.h"

/* glibc 2.34 moved dlsym from libdl into libc under a new version; bind it
 * to its first one so that the addon loads on glibc 2.28 like the main one
 * (see glibc-compat.h, force-included on Linux, for the why). Node itself
 * links libdl on those systems. */
#ifdef SELECTORS_GLIBC_BASE
__asm__(".symver dlsym,dlsym@" SELECTORS_GLIBC_BASE);
#endif

struct sel_ossl_table sel_ossl;

int sel_ossl_resolve(char *buf, size_t cap) {
  int missing = 0;
  size_t used = 0;
  buf[0] = '\0';
#define SEL_OSSL_LOOKUP(name)                                                  \
  {                                                                            \
    void *p = dlsym(RTLD_DEFAULT, #name);                                      \
    if (p == NULL) {                                                           \
      size_t n = strlen(#name);                                                \
      if (used + n + 3 < cap) {                                                \
        if (missing > 0) {                                                     \
          memcpy(buf + used, ", ", 2);                                         \
          used += 2;                                                           \
        }                                                                      \
        memcpy(buf + used, #name, n + 1);                                      \
        used += n;                                                             \
      }                                                                        \
      missing++;                                                               \
    }                                                                          \
    memcpy(&sel_ossl.name, &p, sizeof(p));                                     \
  }
  SEL_OSSL_FUNCS(SEL_OSSL_LOOKUP)
#undef SEL_OSSL_LOOKUP
  return missing;
}
