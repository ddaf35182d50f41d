/*
 * The TLS addon (selectors_ssl.node): OpenSSL calls for src/ssl/.
 *
 * A separate addon from the main one, so that the rest of the package never
 * depends on OpenSSL. OpenSSL is reached through the running Node's own
 * symbols, looked up at load time (ssl-api.h); when any is missing the
 * module exports only `unavailable` (a message) and src/ssl/native.ts
 * throws it on import of `node-selectors/ssl`.
 *
 * Contract, as in the main addon: one function per OpenSSL call (or fixed
 * sequence), returning its result; no policy. Failures return -1 (or null)
 * and leave OpenSSL's error queue for `errors()` to drain; the I/O calls
 * (handshake, read, write, shutdown) clear the queue first and write
 * [SSL_get_error code, errno] into the caller's Int32Array. Objects are
 * napi externals (type-tagged) with finalizers: `free*` releases at once, the
 * finalizer releases whatever was not freed.
 */
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ssl-api.h"
#include "util.h"

/* Oldest OpenSSL whose ABI matches the headers this is built with. */
#define SEL_OSSL_MIN 0x30000000L

enum { KIND_CTX, KIND_SSL, KIND_BIO, KIND_SESSION, KIND_COUNT };
static const napi_type_tag kind_tags[KIND_COUNT] = {
    {0x6e6f64652d73656cULL, 0x6563746f72730001ULL},
    {0x6e6f64652d73656cULL, 0x6563746f72730002ULL},
    {0x6e6f64652d73656cULL, 0x6563746f72730003ULL},
    {0x6e6f64652d73656cULL, 0x6563746f72730004ULL},
};
static const char *kind_names[KIND_COUNT] = {"an SSL context handle",
                                             "an SSL handle", "a BIO handle",
                                             "an SSL session handle"};

/* One box per external: the pointer (NULL once freed) and, for a context,
 * the server's ALPN list in wire format. */
typedef struct {
  int kind;
  void *ptr;
  unsigned char *alpn;
  unsigned int alpn_len;
} box_t;

static void box_release(box_t *b) {
  if (b->ptr != NULL) {
    switch (b->kind) {
    case KIND_CTX:
      /* SSL objects may keep the context alive; the ALPN callback's
       * argument (this box) does not outlive it. */
      SSL_CTX_set_alpn_select_cb(b->ptr, NULL, NULL);
      SSL_CTX_free(b->ptr);
      break;
    case KIND_SSL:
      /* Freed without a sent close_notify, OpenSSL marks the connection's
       * session not resumable (ssl_clear_bad_session; openssl/openssl#4720),
       * and with it the copy a client kept from SSL_get1_session. As
       * CPython (python/cpython#123249), mark the close_notify sent: TLS 1.1
       * and later no longer require an unclean close to end the session
       * (RFC 4346, 7.2.1). */
      SSL_set_shutdown(b->ptr, SSL_get_shutdown(b->ptr) | SSL_SENT_SHUTDOWN);
      SSL_free(b->ptr);
      break;
    case KIND_BIO:
      BIO_free(b->ptr);
      break;
    case KIND_SESSION:
      SSL_SESSION_free(b->ptr);
      break;
    }
    b->ptr = NULL;
  }
  free(b->alpn);
  b->alpn = NULL;
  b->alpn_len = 0;
}

static void box_finalize(napi_env env, void *data, void *hint) {
  (void)env;
  (void)hint;
  box_release(data);
  free(data);
}

/* Wraps `ptr` (owned from now on) in a tagged external. */
static napi_value box_new(napi_env env, int kind, void *ptr) {
  box_t *b = calloc(1, sizeof(*b));
  napi_value out;
  if (b == NULL) {
    box_release(&(box_t){kind, ptr, NULL, 0});
    napi_throw_error(env, "ERR_MEMORY_ALLOCATION_FAILED", "out of memory");
    return NULL;
  }
  b->kind = kind;
  b->ptr = ptr;
  if (napi_create_external(env, b, box_finalize, NULL, &out) != napi_ok) {
    box_finalize(env, b, NULL);
    sel__throw_last(env);
    return NULL;
  }
  if (napi_type_tag_object(env, out, &kind_tags[kind]) != napi_ok) {
    sel__throw_last(env);
    return NULL;
  }
  return out;
}

/* The box behind argv[i], checked for its kind; TypeError otherwise. A
 * freed box is returned with ptr NULL: callers check. */
static box_t *arg_box(napi_env env, napi_value v, int kind, int index) {
  bool ok = false;
  void *data = NULL;
  napi_valuetype t;
  if (napi_typeof(env, v, &t) == napi_ok && t == napi_external &&
      napi_check_object_type_tag(env, v, &kind_tags[kind], &ok) == napi_ok &&
      ok && napi_get_value_external(env, v, &data) == napi_ok) {
    return data;
  }
  char msg[96];
  snprintf(msg, sizeof(msg), "Argument %d must be %s", index, kind_names[kind]);
  napi_throw_type_error(env, "ERR_INVALID_ARG_TYPE", msg);
  return NULL;
}

/* Reads a live object of `kind` from argv[i] into `var`; a freed one is
 * an Error (code ERR_SSL_CLOSED): a use after close in TypeScript. */
#define ARG_OBJ(env, i, kind, type, var)                                       \
  type *var;                                                                   \
  do {                                                                         \
    box_t *b_ = arg_box(env, argv[i], kind, i);                                \
    if (b_ == NULL)                                                            \
      return NULL;                                                             \
    if (b_->ptr == NULL) {                                                     \
      napi_throw_error(env, "ERR_SSL_CLOSED", "the object was freed");         \
      return NULL;                                                             \
    }                                                                          \
    var = b_->ptr;                                                             \
  } while (0)

/* SEL_ARGS of a function of one argument, the connection, read into a new
 * `SSL *var`. */
#define ARG_SSL(env, info, var)                                                \
  SEL_ARGS(env, info, 1);                                                      \
  ARG_OBJ(env, 0, KIND_SSL, SSL, var)

/* Reads a string argument from argv[i] into a new `char var[PATH_MAX]`, its
 * length into a new `size_t var##_len`. */
#define ARG_STRING(env, i, var)                                                \
  char var[PATH_MAX];                                                          \
  size_t var##_len;                                                            \
  if (!sel__arg_string(env, argv[i], var, sizeof(var), &var##_len, i))         \
  return NULL

/* A string argument or null (-> NULL). `buf` must hold PATH_MAX bytes. */
static bool arg_opt_string(napi_env env, napi_value v, char *buf, int index,
                           const char **out) {
  napi_valuetype t;
  size_t len;
  if (napi_typeof(env, v, &t) == napi_ok && t == napi_null) {
    *out = NULL;
    return true;
  }
  if (!sel__arg_string(env, v, buf, PATH_MAX, &len, index))
    return false;
  *out = buf;
  return true;
}

static napi_value make_bool(napi_env env, bool value) {
  napi_value out;
  if (napi_get_boolean(env, value, &out) != napi_ok)
    return NULL;
  return out;
}

static napi_value make_string(napi_env env, const char *s) {
  napi_value out;
  if (s == NULL) {
    napi_get_null(env, &out);
    return out;
  }
  if (napi_create_string_utf8(env, s, NAPI_AUTO_LENGTH, &out) != napi_ok)
    return NULL;
  return out;
}

static napi_value null_value(napi_env env) {
  napi_value out;
  napi_get_null(env, &out);
  return out;
}

/* ------------------------------------------------------------------ ctx */

/* ctxNew(kind): 0 TLS_method, 1 TLS_client_method, 2 TLS_server_method. */
static napi_value ctx_new(napi_env env, napi_callback_info info) {
  SEL_ARGS(env, info, 1);
  int32_t kind;
  ARG_INT32(env, 0, kind);
  const SSL_METHOD *m = kind == 1   ? TLS_client_method()
                        : kind == 2 ? TLS_server_method()
                                    : TLS_method();
  SSL_CTX *ctx = SSL_CTX_new(m);
  if (ctx == NULL)
    return sel__int(env, -1);
  return box_new(env, KIND_CTX, ctx);
}

/* free(handle): releases any handle now; idempotent. */
static napi_value handle_free(napi_env env, napi_callback_info info) {
  SEL_ARGS(env, info, 1);
  void *data = NULL;
  napi_valuetype t;
  if (napi_typeof(env, argv[0], &t) != napi_ok || t != napi_external ||
      napi_get_value_external(env, argv[0], &data) != napi_ok) {
    napi_throw_type_error(env, "ERR_INVALID_ARG_TYPE",
                          "Argument 0 must be a handle");
    return NULL;
  }
  for (int k = 0; k < KIND_COUNT; k++) {
    bool ok = false;
    if (napi_check_object_type_tag(env, argv[0], &kind_tags[k], &ok) ==
            napi_ok &&
        ok) {
      box_release(data);
      return sel__int(env, 0);
    }
  }
  napi_throw_type_error(env, "ERR_INVALID_ARG_TYPE",
                        "Argument 0 must be a handle");
  return NULL;
}

/* ctxCtrl(ctx, cmd, larg): SSL_CTX_ctrl with no pointer argument (min/max
 * protocol version, mode, session cache mode ...). */
static napi_value ctx_ctrl(napi_env env, napi_callback_info info) {
  SEL_ARGS(env, info, 3);
  ARG_OBJ(env, 0, KIND_CTX, SSL_CTX, ctx);
  int32_t cmd;
  double larg;
  ARG_INT32(env, 1, cmd);
  ARG_DOUBLE(env, 2, larg);
  return sel__int(env, SSL_CTX_ctrl(ctx, cmd, (long)larg, NULL));
}

/* ctxOptions(ctx, set, clear): sets then clears option bits; returns the
 * options (a double: the bits in use fit in 53). */
static napi_value ctx_options(napi_env env, napi_callback_info info) {
  SEL_ARGS(env, info, 3);
  ARG_OBJ(env, 0, KIND_CTX, SSL_CTX, ctx);
  double set, clear;
  ARG_DOUBLE(env, 1, set);
  ARG_DOUBLE(env, 2, clear);
  if (set != 0)
    SSL_CTX_set_options(ctx, (uint64_t)set);
  if (clear != 0)
    SSL_CTX_clear_options(ctx, (uint64_t)clear);
  napi_value out;
  napi_create_double(env, (double)SSL_CTX_get_options(ctx), &out);
  return out;
}

/* ctxSetVerify(ctx, mode): SSL_CTX_set_verify with OpenSSL's own checks. */
static napi_value ctx_set_verify(napi_env env, napi_callback_info info) {
  SEL_ARGS(env, info, 2);
  ARG_OBJ(env, 0, KIND_CTX, SSL_CTX, ctx);
  int32_t mode;
  ARG_INT32(env, 1, mode);
  SSL_CTX_set_verify(ctx, mode, NULL);
  return sel__int(env, SSL_CTX_get_verify_mode(ctx));
}

/* The private-key password callback: the password given for this one call
 * (never a terminal prompt; no password -> no key). */
typedef struct {
  const char *pw;
  size_t len;
} password_t;

static int password_cb(char *buf, int size, int rwflag, void *u) {
  (void)rwflag;
  const password_t *p = u;
  if (p == NULL || p->pw == NULL || size <= 0)
    return 0;
  if (p->len > (size_t)size)
    return -1;
  memcpy(buf, p->pw, p->len);
  return (int)p->len;
}

/* ctxUseCert(ctx, certfile, keyfile, password|null): the chain, the key
 * (PEM), then the check that they match. Returns 1, or -1 (queue). */
static napi_value ctx_use_cert(napi_env env, napi_callback_info info) {
  SEL_ARGS(env, info, 4);
  ARG_OBJ(env, 0, KIND_CTX, SSL_CTX, ctx);
  char cert[PATH_MAX], key[PATH_MAX], pwbuf[PATH_MAX];
  const char *pw;
  size_t len;
  if (!sel__arg_string(env, argv[1], cert, sizeof(cert), &len, 1) ||
      !sel__arg_string(env, argv[2], key, sizeof(key), &len, 2) ||
      !arg_opt_string(env, argv[3], pwbuf, 3, &pw))
    return NULL;
  password_t p = {pw, pw == NULL ? 0 : strlen(pw)};
  SSL_CTX_set_default_passwd_cb(ctx, password_cb);
  SSL_CTX_set_default_passwd_cb_userdata(ctx, &p);
  int ok = SSL_CTX_use_certificate_chain_file(ctx, cert) == 1 &&
           SSL_CTX_use_PrivateKey_file(ctx, key, SSL_FILETYPE_PEM) == 1 &&
           SSL_CTX_check_private_key(ctx) == 1;
  SSL_CTX_set_default_passwd_cb_userdata(ctx, NULL);
  memset(pwbuf, 0, sizeof(pwbuf));
  return sel__int(env, ok ? 1 : -1);
}

/* ctxLoadVerifyLocations(ctx, cafile|null, capath|null): 1 or -1. */
static napi_value ctx_load_verify_locations(napi_env env,
                                            napi_callback_info info) {
  SEL_ARGS(env, info, 3);
  ARG_OBJ(env, 0, KIND_CTX, SSL_CTX, ctx);
  char fbuf[PATH_MAX], pbuf[PATH_MAX];
  const char *file, *path;
  if (!arg_opt_string(env, argv[1], fbuf, 1, &file) ||
      !arg_opt_string(env, argv[2], pbuf, 2, &path))
    return NULL;
  return sel__int(env,
                  SSL_CTX_load_verify_locations(ctx, file, path) == 1 ? 1 : -1);
}

/* ctxAddCa(ctx, bytes, pem): adds every certificate in `bytes` (PEM text, or
 * one DER certificate) to the context's store. Returns the count added, or
 * -1 (queue) when none parsed or the store refused one. */
static napi_value ctx_add_ca(napi_env env, napi_callback_info info) {
  SEL_ARGS(env, info, 3);
  ARG_OBJ(env, 0, KIND_CTX, SSL_CTX, ctx);
  void *data;
  size_t len;
  bool pem;
  ARG_BYTES(env, 1, data, len);
  ARG_BOOL(env, 2, pem);
  if (len > INT_MAX)
    return sel__int(env, -1);
  X509_STORE *store = SSL_CTX_get_cert_store(ctx);
  int count = 0;
  if (pem) {
    BIO *bio = BIO_new_mem_buf(data, (int)len);
    if (bio == NULL)
      return sel__int(env, -1);
    X509 *x;
    while ((x = PEM_read_bio_X509(bio, NULL, NULL, NULL)) != NULL) {
      int ok = X509_STORE_add_cert(store, x);
      X509_free(x);
      if (ok != 1) {
        count = -1;
        break;
      }
      count++;
    }
    BIO_free(bio);
    if (count > 0)
      ERR_clear_error(); /* the end-of-data "no start line" */
  } else {
    const unsigned char *p = data;
    X509 *x = d2i_X509(NULL, &p, (long)len);
    if (x != NULL) {
      count = X509_STORE_add_cert(store, x) == 1 ? 1 : -1;
      X509_free(x);
    }
  }
  return sel__int(env, count > 0 ? count : -1);
}

static napi_value ctx_set_default_verify_paths(napi_env env,
                                               napi_callback_info info) {
  SEL_ARGS(env, info, 1);
  ARG_OBJ(env, 0, KIND_CTX, SSL_CTX, ctx);
  return sel__int(env, SSL_CTX_set_default_verify_paths(ctx) == 1 ? 1 : -1);
}

static napi_value ctx_set_ciphers(napi_env env, napi_callback_info info) {
  SEL_ARGS(env, info, 2);
  ARG_OBJ(env, 0, KIND_CTX, SSL_CTX, ctx);
  ARG_STRING(env, 1, ciphers);
  return sel__int(env, SSL_CTX_set_cipher_list(ctx, ciphers) == 1 ? 1 : -1);
}

/* Server side: picks the first of the server's protocols the client offers
 * (OpenSSL's SSL_select_next_proto); no overlap -> no ALPN (as CPython). */
static int alpn_select_cb(SSL *ssl, const unsigned char **out,
                          unsigned char *outlen, const unsigned char *in,
                          unsigned int inlen, void *arg) {
  (void)ssl;
  box_t *b = arg;
  unsigned char *sel = NULL;
  if (b->alpn == NULL ||
      SSL_select_next_proto(&sel, outlen, b->alpn, b->alpn_len, in, inlen) !=
          OPENSSL_NPN_NEGOTIATED)
    return SSL_TLSEXT_ERR_NOACK;
  *out = sel;
  return SSL_TLSEXT_ERR_OK;
}

/* ctxSetAlpn(ctx, wire): the protocol list (length-prefixed names) a client
 * offers and a server selects from. Returns 1 or -1. */
static napi_value ctx_set_alpn(napi_env env, napi_callback_info info) {
  SEL_ARGS(env, info, 2);
  box_t *b = arg_box(env, argv[0], KIND_CTX, 0);
  if (b == NULL)
    return NULL;
  if (b->ptr == NULL) {
    napi_throw_error(env, "ERR_SSL_CLOSED", "the object was freed");
    return NULL;
  }
  void *data;
  size_t len;
  ARG_BYTES(env, 1, data, len);
  if (len > 0xffff)
    return sel__int(env, -1);
  unsigned char *copy = malloc(len == 0 ? 1 : len);
  if (copy == NULL)
    return sel__int(env, -1);
  memcpy(copy, data, len);
  free(b->alpn);
  b->alpn = copy;
  b->alpn_len = (unsigned int)len;
  /* SSL_CTX_set_alpn_protos returns 0 on success. */
  if (SSL_CTX_set_alpn_protos(b->ptr, copy, (unsigned int)len) != 0)
    return sel__int(env, -1);
  SSL_CTX_set_alpn_select_cb(b->ptr, alpn_select_cb, b);
  return sel__int(env, 1);
}

static napi_value ctx_set_session_id_context(napi_env env,
                                             napi_callback_info info) {
  SEL_ARGS(env, info, 2);
  ARG_OBJ(env, 0, KIND_CTX, SSL_CTX, ctx);
  void *data;
  size_t len;
  ARG_BYTES(env, 1, data, len);
  if (len > SSL_MAX_SID_CTX_LENGTH)
    return sel__int(env, -1);
  return sel__int(
      env,
      SSL_CTX_set_session_id_context(ctx, data, (unsigned)len) == 1 ? 1 : -1);
}

/* ---------------------------------------------------------- server name */

/* What the servername callback needs from the handshake call it runs in:
 * that call's env and the JavaScript hook it was given, and what the hook
 * threw. On the calling function's stack; attached to the SSL (ex data 0)
 * for the length of the one OpenSSL call. */
typedef struct {
  napi_env env;
  napi_value hook;
  napi_value thrown;
} sni_frame_t;

/* OpenSSL's servername callback, run synchronously inside SSL_do_handshake
 * (on this thread) for every ClientHello: calls hook(name | null), the name
 * the client sent (null without SNI). A result < 0 accepts; a result >= 0 is
 * the description of the fatal alert to fail with. No hook, a result that is
 * not a number, or a throw (kept for the caller to rethrow): internal_error. */
static int servername_cb(SSL *ssl, int *al, void *arg) {
  (void)arg;
  sni_frame_t *f = SSL_get_ex_data(ssl, 0);
  *al = SSL_AD_INTERNAL_ERROR;
  if (f == NULL || f->hook == NULL)
    return SSL_TLSEXT_ERR_ALERT_FATAL;
  napi_env env = f->env;
  napi_value name =
      make_string(env, SSL_get_servername(ssl, TLSEXT_NAMETYPE_host_name));
  napi_value recv, result;
  int32_t verdict;
  if (name == NULL || napi_get_undefined(env, &recv) != napi_ok ||
      napi_call_function(env, recv, f->hook, 1, &name, &result) != napi_ok ||
      napi_get_value_int32(env, result, &verdict) != napi_ok) {
    bool pending = false;
    if (napi_is_exception_pending(env, &pending) == napi_ok && pending)
      napi_get_and_clear_last_exception(env, &f->thrown);
    return SSL_TLSEXT_ERR_ALERT_FATAL;
  }
  if (verdict < 0)
    return SSL_TLSEXT_ERR_OK;
  *al = verdict;
  return SSL_TLSEXT_ERR_ALERT_FATAL;
}

/* ctxSetSniCallback(ctx, on): installs (or removes) the servername
 * callback, which calls the hook given to each handshake call. */
static napi_value ctx_set_sni_callback(napi_env env, napi_callback_info info) {
  SEL_ARGS(env, info, 2);
  bool on;
  ARG_BOOL(env, 1, on);
  int (*cb)(SSL *, int *, void *) = on ? servername_cb : NULL;
  ARG_OBJ(env, 0, KIND_CTX, SSL_CTX, ctx);
  SSL_CTX_set_tlsext_servername_callback(ctx, cb);
  return sel__int(env, 1);
}

/* ------------------------------------------------------------------ ssl */

/* sslNew(ctx, server): SSL_new, then connect or accept state. */
static napi_value ssl_new(napi_env env, napi_callback_info info) {
  SEL_ARGS(env, info, 2);
  ARG_OBJ(env, 0, KIND_CTX, SSL_CTX, ctx);
  bool server;
  ARG_BOOL(env, 1, server);
  SSL *ssl = SSL_new(ctx);
  if (ssl == NULL)
    return sel__int(env, -1);
  if (server)
    SSL_set_accept_state(ssl);
  else
    SSL_set_connect_state(ssl);
  return box_new(env, KIND_SSL, ssl);
}

/* sslSetFd(ssl, fd): a socket BIO over fd (not closed with the SSL). */
static napi_value ssl_set_fd(napi_env env, napi_callback_info info) {
  SEL_ARGS(env, info, 2);
  ARG_OBJ(env, 0, KIND_SSL, SSL, ssl);
  int32_t fd;
  ARG_INT32(env, 1, fd);
  return sel__int(env, SSL_set_fd(ssl, fd) == 1 ? 1 : -1);
}

/* sslSetBio(ssl, rbio, wbio): reads from rbio, writes to wbio; the SSL
 * takes a reference of each (the boxes keep their own). */
static napi_value ssl_set_bio(napi_env env, napi_callback_info info) {
  SEL_ARGS(env, info, 3);
  ARG_OBJ(env, 0, KIND_SSL, SSL, ssl);
  ARG_OBJ(env, 1, KIND_BIO, BIO, rbio);
  ARG_OBJ(env, 2, KIND_BIO, BIO, wbio);
  if (BIO_up_ref(rbio) != 1)
    return sel__int(env, -1);
  if (BIO_up_ref(wbio) != 1) {
    BIO_free(rbio);
    return sel__int(env, -1);
  }
  SSL_set_bio(ssl, rbio, wbio);
  return sel__int(env, 1);
}

/* sslSetSni(ssl, name): the server name the client sends. */
static napi_value ssl_set_sni(napi_env env, napi_callback_info info) {
  SEL_ARGS(env, info, 2);
  ARG_OBJ(env, 0, KIND_SSL, SSL, ssl);
  ARG_STRING(env, 1, name);
  return sel__int(env, SSL_set_tlsext_host_name(ssl, name) == 1 ? 1 : -1);
}

/* sslSetCtx(ssl, ctx): SSL_set_SSL_CTX, the certificate and key (and
 * session id context) of another context. 1 or -1. */
static napi_value ssl_set_ctx(napi_env env, napi_callback_info info) {
  SEL_ARGS(env, info, 2);
  ARG_OBJ(env, 0, KIND_SSL, SSL, ssl);
  ARG_OBJ(env, 1, KIND_CTX, SSL_CTX, ctx);
  return sel__int(env, SSL_set_SSL_CTX(ssl, ctx) == ctx ? 1 : -1);
}

/* sslSetVerifyHost(ssl, name, isIp, hostflags): the name (or IP address)
 * the peer's certificate must match, checked during verification. */
static napi_value ssl_set_verify_host(napi_env env, napi_callback_info info) {
  SEL_ARGS(env, info, 4);
  ARG_OBJ(env, 0, KIND_SSL, SSL, ssl);
  ARG_STRING(env, 1, name);
  bool is_ip;
  int32_t flags;
  ARG_BOOL(env, 2, is_ip);
  ARG_INT32(env, 3, flags);
  X509_VERIFY_PARAM *param = SSL_get0_param(ssl);
  X509_VERIFY_PARAM_set_hostflags(param, (unsigned int)flags);
  int ok = is_ip ? X509_VERIFY_PARAM_set1_ip_asc(param, name)
                 : X509_VERIFY_PARAM_set1_host(param, name, name_len);
  return sel__int(env, ok == 1 ? 1 : -1);
}

/* Writes [SSL_get_error, errno] for a failed I/O call; returns -1. */
static napi_value io_failure(napi_env env, SSL *ssl, int ret, int32_t *out) {
  int saved = errno;
  out[0] = SSL_get_error(ssl, ret);
  out[1] = saved;
  return sel__int(env, -1);
}

/* The [code, errno] Int32Array (2 elements) at argv[i]. */
#define ARG_IO_OUT(env, i, out)                                                \
  int32_t *out;                                                                \
  do {                                                                         \
    size_t n_;                                                                 \
    ARG_INT32ARRAY(env, i, out, n_);                                           \
    if (n_ < 2) {                                                              \
      napi_throw_range_error(env, "ERR_OUT_OF_RANGE",                          \
                             "the result array needs 2 elements");             \
      return NULL;                                                             \
    }                                                                          \
  } while (0)

/* Declares `char *ptr` and `uint32_t len`: the span at argv[i..i+2]. */
#define ARG_BUF(env, i, ptr, len)                                              \
  char *ptr;                                                                   \
  uint32_t len;                                                                \
  ARG_SPAN(env, i, ptr, len)

/* The read and write entries share a function; the export's data says which. */
static const bool k_read = false, k_write = true;

static bool is_write(napi_env env, napi_callback_info info) {
  void *data = NULL;
  napi_get_cb_info(env, info, NULL, NULL, NULL, &data);
  return data != NULL && *(const bool *)data;
}

/* sslRead / sslWrite(ssl, buf, offset, length, out): SSL_read_ex or
 * SSL_write_ex on the span; the bytes moved, or -1 with
 * out = [SSL_ERROR_*, errno]. */
static napi_value ssl_transfer(napi_env env, napi_callback_info info) {
  SEL_ARGS(env, info, 5);
  bool write = is_write(env, info);
  ARG_OBJ(env, 0, KIND_SSL, SSL, ssl);
  ARG_BUF(env, 1, ptr, len);
  ARG_IO_OUT(env, 4, out);
  size_t moved = 0;
  ERR_clear_error();
  errno = 0;
  int ret = write ? SSL_write_ex(ssl, ptr, len, &moved)
                  : SSL_read_ex(ssl, ptr, len, &moved);
  if (ret == 1)
    return sel__int(env, (int64_t)moved);
  return io_failure(env, ssl, ret, out);
}

/* sslHandshake and sslShutdown share a function; the export's data says
 * which. */
static const bool k_handshake = false, k_shutdown = true;

/* sslHandshake(ssl, out, hook?): 1, or -1 with out = [SSL_ERROR_*, errno];
 * `hook` (a function, or undefined) is what the servername callback calls
 * during this call (see servername_cb); what it throws is rethrown here once
 * SSL_do_handshake has returned.
 * sslShutdown(ssl, out): 0 (close_notify sent), 1 (both sent), or -1 with
 * out = [SSL_ERROR_*, errno]. */
static napi_value ssl_step(napi_env env, napi_callback_info info) {
  SEL_ARGS(env, info, 2);
  ARG_FN_DATA(env, info, bool, shutdown);
  ARG_OBJ(env, 0, KIND_SSL, SSL, ssl);
  ARG_IO_OUT(env, 1, out);
  sni_frame_t frame = {env, NULL, NULL};
  napi_valuetype t;
  NAPI_CALL(env, napi_typeof(env, argv[2], &t));
  if (t == napi_function) {
    frame.hook = argv[2];
  } else if (t != napi_undefined && t != napi_null) {
    napi_throw_type_error(env, "ERR_INVALID_ARG_TYPE",
                          "Argument 2 must be a function or undefined");
    return NULL;
  }
  ERR_clear_error();
  errno = 0;
  SSL_set_ex_data(ssl, 0, &frame);
  int ret = *shutdown ? SSL_shutdown(ssl) : SSL_do_handshake(ssl);
  int saved = errno;
  SSL_set_ex_data(ssl, 0, NULL);
  errno = saved;
  if (frame.thrown != NULL) {
    napi_throw(env, frame.thrown);
    return NULL;
  }
  if (ret == 1 || (*shutdown && ret == 0))
    return sel__int(env, ret);
  return io_failure(env, ssl, ret, out);
}

/* The one-argument queries: `expr` over the live `ssl`, as a JS value. */
#define SSL_QUERY(fn, expr)                                                    \
  static napi_value fn(napi_env env, napi_callback_info info) {                \
    ARG_SSL(env, info, ssl);                                                   \
    return expr;                                                               \
  }

SSL_QUERY(ssl_pending, sel__int(env, SSL_pending(ssl)))
SSL_QUERY(ssl_is_init_finished, make_bool(env, SSL_is_init_finished(ssl) == 1))
SSL_QUERY(ssl_version, make_string(env, SSL_get_version(ssl)))
SSL_QUERY(ssl_session_reused, make_bool(env, SSL_session_reused(ssl) == 1))
/* X509_V_OK (0) or the X509_V_ERR_* code of the peer's certificate. */
SSL_QUERY(ssl_verify_result, sel__int(env, SSL_get_verify_result(ssl)))

/* sslPeerCert(ssl): the peer's certificate as DER bytes, or null. */
static napi_value ssl_peer_cert(napi_env env, napi_callback_info info) {
  ARG_SSL(env, info, ssl);
  X509 *x = SSL_get1_peer_certificate(ssl);
  if (x == NULL)
    return null_value(env);
  int len = i2d_X509(x, NULL);
  napi_value out = NULL;
  void *data;
  if (len > 0 && napi_create_buffer(env, (size_t)len, &data, &out) == napi_ok) {
    unsigned char *p = data;
    i2d_X509(x, &p);
  }
  X509_free(x);
  return out != NULL ? out : sel__int(env, -1);
}

/* sslCipher(ssl): [name, protocol version, secret bits], or null. */
static napi_value ssl_cipher(napi_env env, napi_callback_info info) {
  ARG_SSL(env, info, ssl);
  const SSL_CIPHER *c = SSL_get_current_cipher(ssl);
  if (c == NULL)
    return null_value(env);
  napi_value out;
  NAPI_CALL(env, napi_create_array_with_length(env, 3, &out));
  NAPI_CALL(env, napi_set_element(env, out, 0,
                                  make_string(env, SSL_CIPHER_get_name(c))));
  NAPI_CALL(env, napi_set_element(env, out, 1,
                                  make_string(env, SSL_CIPHER_get_version(c))));
  NAPI_CALL(env, napi_set_element(env, out, 2,
                                  sel__int(env, SSL_CIPHER_get_bits(c, NULL))));
  return out;
}

/* sslAlpn(ssl): the selected protocol's bytes, or null. */
static napi_value ssl_alpn(napi_env env, napi_callback_info info) {
  ARG_SSL(env, info, ssl);
  const unsigned char *p = NULL;
  unsigned int len = 0;
  SSL_get0_alpn_selected(ssl, &p, &len);
  if (p == NULL || len == 0)
    return null_value(env);
  napi_value out;
  NAPI_CALL(env, napi_create_buffer_copy(env, len, p, NULL, &out));
  return out;
}

/* sslGetSession(ssl): the session handle (a new reference), or null. */
static napi_value ssl_get_session(napi_env env, napi_callback_info info) {
  ARG_SSL(env, info, ssl);
  SSL_SESSION *s = SSL_get1_session(ssl);
  if (s == NULL)
    return null_value(env);
  return box_new(env, KIND_SESSION, s);
}

static napi_value ssl_set_session(napi_env env, napi_callback_info info) {
  SEL_ARGS(env, info, 2);
  ARG_OBJ(env, 0, KIND_SSL, SSL, ssl);
  ARG_OBJ(env, 1, KIND_SESSION, SSL_SESSION, sess);
  return sel__int(env, SSL_set_session(ssl, sess) == 1 ? 1 : -1);
}

static napi_value verify_string(napi_env env, napi_callback_info info) {
  SEL_ARGS(env, info, 1);
  int32_t code;
  ARG_INT32(env, 0, code);
  return make_string(env, X509_verify_cert_error_string(code));
}

/* errors(): drains this thread's error queue, oldest first, as
 * [lib, reason, libName|null, reasonText|null, text] arrays. */
static napi_value errors(napi_env env, napi_callback_info info) {
  (void)info;
  napi_value out;
  NAPI_CALL(env, napi_create_array(env, &out));
  unsigned long e;
  uint32_t i = 0;
  while ((e = ERR_get_error()) != 0) {
    char text[256];
    napi_value item;
    ERR_error_string_n(e, text, sizeof(text));
    NAPI_CALL(env, napi_create_array_with_length(env, 5, &item));
    NAPI_CALL(env,
              napi_set_element(env, item, 0, sel__int(env, ERR_GET_LIB(e))));
    NAPI_CALL(env,
              napi_set_element(env, item, 1, sel__int(env, ERR_GET_REASON(e))));
    NAPI_CALL(env, napi_set_element(env, item, 2,
                                    make_string(env, ERR_lib_error_string(e))));
    NAPI_CALL(env,
              napi_set_element(env, item, 3,
                               make_string(env, ERR_reason_error_string(e))));
    NAPI_CALL(env, napi_set_element(env, item, 4, make_string(env, text)));
    NAPI_CALL(env, napi_set_element(env, out, i++, item));
  }
  return out;
}

/* ------------------------------------------------------------------ BIO */

static napi_value bio_new(napi_env env, napi_callback_info info) {
  (void)info;
  BIO *b = BIO_new(BIO_s_mem());
  if (b == NULL)
    return sel__int(env, -1);
  /* An empty memory BIO reads as "retry", not EOF, until bioSetEof. */
  BIO_set_mem_eof_return(b, -1);
  return box_new(env, KIND_BIO, b);
}

/* bioWrite / bioRead(bio, buf, offset, length): BIO_write (bytes written or
 * -1) or BIO_read (bytes read, 0 when empty) on the span. */
static napi_value bio_transfer(napi_env env, napi_callback_info info) {
  SEL_ARGS(env, info, 4);
  bool write = is_write(env, info);
  ARG_OBJ(env, 0, KIND_BIO, BIO, b);
  ARG_BUF(env, 1, ptr, len);
  if (len == 0)
    return sel__int(env, 0);
  if (len > INT_MAX)
    len = INT_MAX;
  int ret = write ? BIO_write(b, ptr, (int)len) : BIO_read(b, ptr, (int)len);
  return sel__int(env, ret >= 0 ? ret : write ? -1 : 0);
}

static napi_value bio_pending(napi_env env, napi_callback_info info) {
  SEL_ARGS(env, info, 1);
  ARG_OBJ(env, 0, KIND_BIO, BIO, b);
  return sel__int(env, (int64_t)BIO_ctrl_pending(b));
}

/* bioSetEof(bio): once empty, the BIO reads as end of file. */
static napi_value bio_set_eof(napi_env env, napi_callback_info info) {
  SEL_ARGS(env, info, 1);
  ARG_OBJ(env, 0, KIND_BIO, BIO, b);
  BIO_set_mem_eof_return(b, 0);
  return sel__int(env, 0);
}

/* --------------------------------------------------------------- module */

static napi_status set_int(napi_env env, napi_value obj, const char *name,
                           int64_t value) {
  napi_value v;
  napi_status s = napi_create_int64(env, value, &v);
  if (s != napi_ok)
    return s;
  return napi_set_named_property(env, obj, name, v);
}

static napi_status add_constants(napi_env env, napi_value exports) {
  napi_value c;
  napi_status s = napi_create_object(env, &c);
  if (s != napi_ok)
    return s;
/* clang-format off */
#define K(name)                                                                \
  if ((s = set_int(env, c, #name, (int64_t)(name))) != napi_ok) return s;
  K(SSL_ERROR_NONE) K(SSL_ERROR_SSL) K(SSL_ERROR_WANT_READ)
  K(SSL_ERROR_WANT_WRITE) K(SSL_ERROR_WANT_X509_LOOKUP) K(SSL_ERROR_SYSCALL)
  K(SSL_ERROR_ZERO_RETURN) K(SSL_ERROR_WANT_CONNECT) K(SSL_ERROR_WANT_ACCEPT)
  K(SSL_VERIFY_NONE) K(SSL_VERIFY_PEER) K(SSL_VERIFY_FAIL_IF_NO_PEER_CERT)
  K(SSL_VERIFY_CLIENT_ONCE)
  K(TLS1_VERSION) K(TLS1_1_VERSION) K(TLS1_2_VERSION) K(TLS1_3_VERSION)
  K(SSL_CTRL_SET_MIN_PROTO_VERSION) K(SSL_CTRL_SET_MAX_PROTO_VERSION)
  K(SSL_CTRL_GET_MIN_PROTO_VERSION) K(SSL_CTRL_GET_MAX_PROTO_VERSION)
  K(SSL_CTRL_MODE) K(SSL_CTRL_CLEAR_MODE) K(SSL_CTRL_SET_SESS_CACHE_MODE)
  K(SSL_MODE_ENABLE_PARTIAL_WRITE) K(SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER)
  K(SSL_MODE_AUTO_RETRY) K(SSL_MODE_RELEASE_BUFFERS)
  K(SSL_SESS_CACHE_CLIENT) K(SSL_SESS_CACHE_SERVER) K(SSL_SESS_CACHE_BOTH)
  K(SSL_OP_ALL) K(SSL_OP_NO_SSLv2) K(SSL_OP_NO_SSLv3) K(SSL_OP_NO_TLSv1)
  K(SSL_OP_NO_TLSv1_1) K(SSL_OP_NO_TLSv1_2) K(SSL_OP_NO_TLSv1_3)
  K(SSL_OP_NO_COMPRESSION) K(SSL_OP_CIPHER_SERVER_PREFERENCE)
  K(SSL_OP_SINGLE_DH_USE) K(SSL_OP_SINGLE_ECDH_USE) K(SSL_OP_NO_TICKET)
  K(SSL_OP_NO_RENEGOTIATION) K(SSL_OP_ENABLE_MIDDLEBOX_COMPAT)
  K(SSL_OP_IGNORE_UNEXPECTED_EOF) K(SSL_OP_LEGACY_SERVER_CONNECT)
  K(SSL_OP_DONT_INSERT_EMPTY_FRAGMENTS)
  K(X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS) K(X509_CHECK_FLAG_NEVER_CHECK_SUBJECT)
  K(ERR_LIB_SSL) K(ERR_LIB_SYS) K(ERR_LIB_PEM) K(ERR_LIB_X509) K(ERR_LIB_EVP)
  K(SSL_R_CERTIFICATE_VERIFY_FAILED) K(SSL_R_UNEXPECTED_EOF_WHILE_READING)
  K(SSL_R_WRONG_VERSION_NUMBER)
  K(X509_V_OK) K(X509_V_ERR_HOSTNAME_MISMATCH) K(X509_V_ERR_IP_ADDRESS_MISMATCH)
  K(X509_V_ERR_CERT_HAS_EXPIRED) K(X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY)
  K(X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT)
  K(X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN) K(X509_V_ERR_CERT_NOT_YET_VALID)
  K(OPENSSL_VERSION_NUMBER)
  K(SSL_AD_CLOSE_NOTIFY) K(SSL_AD_UNEXPECTED_MESSAGE) K(SSL_AD_BAD_RECORD_MAC)
  K(SSL_AD_RECORD_OVERFLOW) K(SSL_AD_DECOMPRESSION_FAILURE)
  K(SSL_AD_HANDSHAKE_FAILURE) K(SSL_AD_BAD_CERTIFICATE)
  K(SSL_AD_UNSUPPORTED_CERTIFICATE) K(SSL_AD_CERTIFICATE_REVOKED)
  K(SSL_AD_CERTIFICATE_EXPIRED) K(SSL_AD_CERTIFICATE_UNKNOWN)
  K(SSL_AD_ILLEGAL_PARAMETER) K(SSL_AD_UNKNOWN_CA) K(SSL_AD_ACCESS_DENIED)
  K(SSL_AD_DECODE_ERROR) K(SSL_AD_DECRYPT_ERROR) K(SSL_AD_PROTOCOL_VERSION)
  K(SSL_AD_INSUFFICIENT_SECURITY) K(SSL_AD_INTERNAL_ERROR)
  K(SSL_AD_USER_CANCELLED) K(SSL_AD_NO_RENEGOTIATION)
  K(SSL_AD_UNSUPPORTED_EXTENSION) K(SSL_AD_CERTIFICATE_UNOBTAINABLE)
  K(SSL_AD_UNRECOGNIZED_NAME) K(SSL_AD_BAD_CERTIFICATE_STATUS_RESPONSE)
  K(SSL_AD_BAD_CERTIFICATE_HASH_VALUE) K(SSL_AD_UNKNOWN_PSK_IDENTITY)
#undef K
      /* clang-format on */
      return napi_set_named_property(env, exports,
                                     "cons"
                                     "tant"
                                     "s",
                                     c);
}

static pthread_once_t resolve_once = PTHREAD_ONCE_INIT;
static int resolve_missing;
static char resolve_names[512];

static void resolve(void) {
  resolve_missing = sel_ossl_resolve(resolve_names, sizeof(resolve_names));
}

NAPI_MODULE_INIT() {
  pthread_once(&resolve_once, resolve);
  char why[700];
  why[0] = '\0';
  if (resolve_missing > 0) {
    snprintf(why, sizeof(why),
             "the running Node does not export %d OpenSSL function(s) this "
             "addon needs (%s)",
             resolve_missing, resolve_names);
  } else if (OpenSSL_version_num() < SEL_OSSL_MIN) {
    snprintf(why, sizeof(why),
             "the running Node carries %s; the TLS addon needs OpenSSL 3",
             OpenSSL_version(OPENSSL_VERSION));
  }
  if (why[0] != '\0') {
    napi_value msg;
    if (napi_create_string_utf8(env, why, NAPI_AUTO_LENGTH, &msg) != napi_ok ||
        napi_set_named_property(env, exports, "unavailable", msg) != napi_ok) {
      sel__throw_last(env);
      return NULL;
    }
    return exports;
  }

  napi_property_descriptor fns[] = {
      /* The functions shared by two exports each, told which by the entry. */
      SEL_FN_DATA("sslRead", ssl_transfer, &k_read),
      SEL_FN_DATA("sslWrite", ssl_transfer, &k_write),
      SEL_FN_DATA("bioRead", bio_transfer, &k_read),
      SEL_FN_DATA("bioWrite", bio_transfer, &k_write),
      SEL_FN_DATA("sslHandshake", ssl_step, &k_handshake),
      SEL_FN_DATA("sslShutdown", ssl_step, &k_shutdown),
      SEL_FN("ctxNew", ctx_new),
      SEL_FN("free", handle_free),
      SEL_FN("ctxCtrl", ctx_ctrl),
      SEL_FN("ctxOptions", ctx_options),
      SEL_FN("ctxSetVerify", ctx_set_verify),
      SEL_FN("ctxUseCert", ctx_use_cert),
      SEL_FN("ctxLoadVerifyLocations", ctx_load_verify_locations),
      SEL_FN("ctxAddCa", ctx_add_ca),
      SEL_FN("ctxSetDefaultVerifyPaths", ctx_set_default_verify_paths),
      SEL_FN("ctxSetCiphers", ctx_set_ciphers),
      SEL_FN("ctxSetAlpn", ctx_set_alpn),
      SEL_FN("ctxSetSessionIdContext", ctx_set_session_id_context),
      SEL_FN("ctxSetSniCallback", ctx_set_sni_callback),
      SEL_FN("sslSetCtx", ssl_set_ctx),
      SEL_FN("sslNew", ssl_new),
      SEL_FN("sslSetFd", ssl_set_fd),
      SEL_FN("sslSetBio", ssl_set_bio),
      SEL_FN("sslSetSni", ssl_set_sni),
      SEL_FN("sslSetVerifyHost", ssl_set_verify_host),
      SEL_FN("sslPending", ssl_pending),
      SEL_FN("sslIsInitFinished", ssl_is_init_finished),
      SEL_FN("sslPeerCert", ssl_peer_cert),
      SEL_FN("sslCipher", ssl_cipher),
      SEL_FN("sslVersion", ssl_version),
      SEL_FN("sslAlpn", ssl_alpn),
      SEL_FN("sslGetSession", ssl_get_session),
      SEL_FN("sslSetSession", ssl_set_session),
      SEL_FN("sslSessionReused", ssl_session_reused),
      SEL_FN("sslVerifyResult", ssl_verify_result),
      SEL_FN("verifyString", verify_string),
      SEL_FN("errors", errors),
      SEL_FN("bioNew", bio_new),
      SEL_FN("bioPending", bio_pending),
      SEL_FN("bioSetEof", bio_set_eof),
  };
  napi_value version;
  if (napi_define_properties(env, exports, sizeof(fns) / sizeof(fns[0]), fns) !=
          napi_ok ||
      add_constants(env, exports) != napi_ok ||
      napi_create_string_utf8(env, OpenSSL_version(OPENSSL_VERSION),
                              NAPI_AUTO_LENGTH, &version) != napi_ok ||
      napi_set_named_property(env, exports, "opensslVersion", version) !=
          napi_ok) {
    sel__throw_last(env);
    return NULL;
  }
  return exports;
}
