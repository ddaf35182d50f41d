/*
 * The OpenSSL functions the TLS addon (native/ssl.c) calls, and how it
 * reaches them.
 *
 * The addon is not linked against OpenSSL. Node carries its own OpenSSL and
 * exports its symbols (or loads a shared libssl that does); at load time
 * ssl.c looks each function up in the running process with
 * dlsym(RTLD_DEFAULT, name) into one table, typed from Node's own headers
 * (__typeof__ of the declaration: no link reference is made). A Node that
 * lacks one of them (built without TLS, with BoringSSL, or with an OpenSSL
 * older than 3.0) makes the addon load with an `unavailable` message naming
 * what is missing, instead of failing in the dynamic linker or aborting.
 *
 * After the table, every name is redirected to its entry (`#define SSL_new
 * (*sel_ossl.SSL_new)`), so the headers' macros (SSL_CTX_set_min_proto_version
 * -> SSL_CTX_ctrl, SSL_CTX_set_tlsext_servername_callback ->
 * SSL_CTX_callback_ctrl, BIO_pending -> BIO_ctrl, ...) go through the table
 * too.
 * `nm -u` on the built addon must list no OpenSSL symbol: test/ssl checks it.
 */
#ifndef SEL_SSL_API_H
#define SEL_SSL_API_H

#include <openssl/bio.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#define SEL_OSSL_FUNCS(X)                                                      \
  X(OpenSSL_version_num)                                                       \
  X(OpenSSL_version)                                                           \
  X(TLS_method)                                                                \
  X(TLS_client_method)                                                         \
  X(TLS_server_method)                                                         \
  X(SSL_CTX_new)                                                               \
  X(SSL_CTX_free)                                                              \
  X(SSL_CTX_ctrl)                                                              \
  X(SSL_CTX_set_options)                                                       \
  X(SSL_CTX_clear_options)                                                     \
  X(SSL_CTX_get_options)                                                       \
  X(SSL_CTX_set_verify)                                                        \
  X(SSL_CTX_get_verify_mode)                                                   \
  X(SSL_CTX_use_certificate_chain_file)                                        \
  X(SSL_CTX_use_PrivateKey_file)                                               \
  X(SSL_CTX_check_private_key)                                                 \
  X(SSL_CTX_set_default_passwd_cb)                                             \
  X(SSL_CTX_set_default_passwd_cb_userdata)                                    \
  X(SSL_CTX_load_verify_locations)                                             \
  X(SSL_CTX_set_default_verify_paths)                                          \
  X(SSL_CTX_get_cert_store)                                                    \
  X(X509_STORE_add_cert)                                                       \
  X(SSL_CTX_set_cipher_list)                                                   \
  X(SSL_CTX_set_alpn_protos)                                                   \
  X(SSL_CTX_set_alpn_select_cb)                                                \
  X(SSL_select_next_proto)                                                     \
  X(SSL_CTX_set_session_id_context)                                            \
  X(SSL_CTX_callback_ctrl)                                                     \
  X(SSL_new)                                                                   \
  X(SSL_free)                                                                  \
  X(SSL_set_fd)                                                                \
  X(SSL_set_bio)                                                               \
  X(SSL_set_connect_state)                                                     \
  X(SSL_set_accept_state)                                                      \
  X(SSL_ctrl)                                                                  \
  X(SSL_get_servername)                                                        \
  X(SSL_set_SSL_CTX)                                                           \
  X(SSL_set_ex_data)                                                           \
  X(SSL_get_ex_data)                                                           \
  X(SSL_get0_param)                                                            \
  X(X509_VERIFY_PARAM_set1_host)                                               \
  X(X509_VERIFY_PARAM_set1_ip_asc)                                             \
  X(X509_VERIFY_PARAM_set_hostflags)                                           \
  X(SSL_do_handshake)                                                          \
  X(SSL_is_init_finished)                                                      \
  X(SSL_read_ex)                                                               \
  X(SSL_write_ex)                                                              \
  X(SSL_pending)                                                               \
  X(SSL_shutdown)                                                              \
  X(SSL_set_shutdown)                                                          \
  X(SSL_get_shutdown)                                                          \
  X(SSL_get_error)                                                             \
  X(SSL_get1_peer_certificate)                                                 \
  X(i2d_X509)                                                                  \
  X(d2i_X509)                                                                  \
  X(X509_free)                                                                 \
  X(PEM_read_bio_X509)                                                         \
  X(SSL_get_current_cipher)                                                    \
  X(SSL_CIPHER_get_name)                                                       \
  X(SSL_CIPHER_get_version)                                                    \
  X(SSL_CIPHER_get_bits)                                                       \
  X(SSL_get_version)                                                           \
  X(SSL_get0_alpn_selected)                                                    \
  X(SSL_get1_session)                                                          \
  X(SSL_set_session)                                                           \
  X(SSL_session_reused)                                                        \
  X(SSL_SESSION_free)                                                          \
  X(SSL_get_verify_result)                                                     \
  X(X509_verify_cert_error_string)                                             \
  X(ERR_get_error)                                                             \
  X(ERR_clear_error)                                                           \
  X(ERR_lib_error_string)                                                      \
  X(ERR_reason_error_string)                                                   \
  X(ERR_error_string_n)                                                        \
  X(BIO_new)                                                                   \
  X(BIO_s_mem)                                                                 \
  X(BIO_new_mem_buf)                                                           \
  X(BIO_free)                                                                  \
  X(BIO_up_ref)                                                                \
  X(BIO_read)                                                                  \
  X(BIO_write)                                                                 \
  X(BIO_ctrl)                                                                  \
  X(BIO_ctrl_pending)

/* The table: one typed pointer per function, filled once per process. */
struct sel_ossl_table {
#define SEL_OSSL_FIELD(name) __typeof__(&name) name;
  SEL_OSSL_FUNCS(SEL_OSSL_FIELD)
#undef SEL_OSSL_FIELD
};

extern struct sel_ossl_table sel_ossl;

/* Fills sel_ossl from the running process; returns the number of missing
 * functions and writes their names (comma-separated, truncated) to buf. */
int sel_ossl_resolve(char *buf, size_t cap);

/* From here on, every call goes through the table. */
#ifndef SEL_OSSL_NO_REDIRECT
#define OpenSSL_version_num (*sel_ossl.OpenSSL_version_num)
#define OpenSSL_version (*sel_ossl.OpenSSL_version)
#define TLS_method (*sel_ossl.TLS_method)
#define TLS_client_method (*sel_ossl.TLS_client_method)
#define TLS_server_method (*sel_ossl.TLS_server_method)
#define SSL_CTX_new (*sel_ossl.SSL_CTX_new)
#define SSL_CTX_free (*sel_ossl.SSL_CTX_free)
#define SSL_CTX_ctrl (*sel_ossl.SSL_CTX_ctrl)
#define SSL_CTX_set_options (*sel_ossl.SSL_CTX_set_options)
#define SSL_CTX_clear_options (*sel_ossl.SSL_CTX_clear_options)
#define SSL_CTX_get_options (*sel_ossl.SSL_CTX_get_options)
#define SSL_CTX_set_verify (*sel_ossl.SSL_CTX_set_verify)
#define SSL_CTX_get_verify_mode (*sel_ossl.SSL_CTX_get_verify_mode)
#define SSL_CTX_use_certificate_chain_file                                     \
  (*sel_ossl.SSL_CTX_use_certificate_chain_file)
#define SSL_CTX_use_PrivateKey_file (*sel_ossl.SSL_CTX_use_PrivateKey_file)
#define SSL_CTX_check_private_key (*sel_ossl.SSL_CTX_check_private_key)
#define SSL_CTX_set_default_passwd_cb (*sel_ossl.SSL_CTX_set_default_passwd_cb)
#define SSL_CTX_set_default_passwd_cb_userdata                                 \
  (*sel_ossl.SSL_CTX_set_default_passwd_cb_userdata)
#define SSL_CTX_load_verify_locations (*sel_ossl.SSL_CTX_load_verify_locations)
#define SSL_CTX_set_default_verify_paths                                       \
  (*sel_ossl.SSL_CTX_set_default_verify_paths)
#define SSL_CTX_get_cert_store (*sel_ossl.SSL_CTX_get_cert_store)
#define X509_STORE_add_cert (*sel_ossl.X509_STORE_add_cert)
#define SSL_CTX_set_cipher_list (*sel_ossl.SSL_CTX_set_cipher_list)
#define SSL_CTX_set_alpn_protos (*sel_ossl.SSL_CTX_set_alpn_protos)
#define SSL_CTX_set_alpn_select_cb (*sel_ossl.SSL_CTX_set_alpn_select_cb)
#define SSL_select_next_proto (*sel_ossl.SSL_select_next_proto)
#define SSL_CTX_set_session_id_context                                         \
  (*sel_ossl.SSL_CTX_set_session_id_context)
#define SSL_CTX_callback_ctrl (*sel_ossl.SSL_CTX_callback_ctrl)
#define SSL_new (*sel_ossl.SSL_new)
#define SSL_free (*sel_ossl.SSL_free)
#define SSL_set_fd (*sel_ossl.SSL_set_fd)
#define SSL_set_bio (*sel_ossl.SSL_set_bio)
#define SSL_set_connect_state (*sel_ossl.SSL_set_connect_state)
#define SSL_set_accept_state (*sel_ossl.SSL_set_accept_state)
#define SSL_ctrl (*sel_ossl.SSL_ctrl)
#define SSL_get_servername (*sel_ossl.SSL_get_servername)
#define SSL_set_SSL_CTX (*sel_ossl.SSL_set_SSL_CTX)
#define SSL_set_ex_data (*sel_ossl.SSL_set_ex_data)
#define SSL_get_ex_data (*sel_ossl.SSL_get_ex_data)
#define SSL_get0_param (*sel_ossl.SSL_get0_param)
#define X509_VERIFY_PARAM_set1_host (*sel_ossl.X509_VERIFY_PARAM_set1_host)
#define X509_VERIFY_PARAM_set1_ip_asc (*sel_ossl.X509_VERIFY_PARAM_set1_ip_asc)
#define X509_VERIFY_PARAM_set_hostflags                                        \
  (*sel_ossl.X509_VERIFY_PARAM_set_hostflags)
#define SSL_do_handshake (*sel_ossl.SSL_do_handshake)
#define SSL_is_init_finished (*sel_ossl.SSL_is_init_finished)
#define SSL_read_ex (*sel_ossl.SSL_read_ex)
#define SSL_write_ex (*sel_ossl.SSL_write_ex)
#define SSL_pending (*sel_ossl.SSL_pending)
#define SSL_shutdown (*sel_ossl.SSL_shutdown)
#define SSL_set_shutdown (*sel_ossl.SSL_set_shutdown)
#define SSL_get_shutdown (*sel_ossl.SSL_get_shutdown)
#define SSL_get_error (*sel_ossl.SSL_get_error)
#define SSL_get1_peer_certificate (*sel_ossl.SSL_get1_peer_certificate)
#define i2d_X509 (*sel_ossl.i2d_X509)
#define d2i_X509 (*sel_ossl.d2i_X509)
#define X509_free (*sel_ossl.X509_free)
#define PEM_read_bio_X509 (*sel_ossl.PEM_read_bio_X509)
#define SSL_get_current_cipher (*sel_ossl.SSL_get_current_cipher)
#define SSL_CIPHER_get_name (*sel_ossl.SSL_CIPHER_get_name)
#define SSL_CIPHER_get_version (*sel_ossl.SSL_CIPHER_get_version)
#define SSL_CIPHER_get_bits (*sel_ossl.SSL_CIPHER_get_bits)
#define SSL_get_version (*sel_ossl.SSL_get_version)
#define SSL_get0_alpn_selected (*sel_ossl.SSL_get0_alpn_selected)
#define SSL_get1_session (*sel_ossl.SSL_get1_session)
#define SSL_set_session (*sel_ossl.SSL_set_session)
#define SSL_session_reused (*sel_ossl.SSL_session_reused)
#define SSL_SESSION_free (*sel_ossl.SSL_SESSION_free)
#define SSL_get_verify_result (*sel_ossl.SSL_get_verify_result)
#define X509_verify_cert_error_string (*sel_ossl.X509_verify_cert_error_string)
#define ERR_get_error (*sel_ossl.ERR_get_error)
#define ERR_clear_error (*sel_ossl.ERR_clear_error)
#define ERR_lib_error_string (*sel_ossl.ERR_lib_error_string)
#define ERR_reason_error_string (*sel_ossl.ERR_reason_error_string)
#define ERR_error_string_n (*sel_ossl.ERR_error_string_n)
#define BIO_new (*sel_ossl.BIO_new)
#define BIO_s_mem (*sel_ossl.BIO_s_mem)
#define BIO_new_mem_buf (*sel_ossl.BIO_new_mem_buf)
#define BIO_free (*sel_ossl.BIO_free)
#define BIO_up_ref (*sel_ossl.BIO_up_ref)
#define BIO_read (*sel_ossl.BIO_read)
#define BIO_write (*sel_ossl.BIO_write)
#define BIO_ctrl (*sel_ossl.BIO_ctrl)
#define BIO_ctrl_pending (*sel_ossl.BIO_ctrl_pending)
#endif

#endif
