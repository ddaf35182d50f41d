/*
 * Argument helpers shared by every native file of both addons (the main one,
 * module.c, and the TLS one, ssl.c). No state lives here (or anywhere in the
 * addon), so the module can be loaded by many worker threads at once.
 */
#include <stdio.h>
#include <string.h>

#include "util.h"

void sel__throw_last(napi_env env) {
  bool pending = false;
  napi_is_exception_pending(env, &pending);
  if (pending)
    return;
  const napi_extended_error_info *info = NULL;
  napi_get_last_error_info(env, &info);
  napi_throw_error(env, NULL,
                   info && info->error_message ? info->error_message
                                               : "N-API call failed");
}

static void sel__type_error(napi_env env, int index, const char *what) {
  char msg[96];
  snprintf(msg, sizeof(msg), "Argument %d must be %s", index, what);
  napi_throw_type_error(env, "ERR_INVALID_ARG_TYPE", msg);
}

bool sel__arg_bool(napi_env env, napi_value v, bool *out, int index) {
  if (napi_get_value_bool(env, v, out) != napi_ok) {
    sel__type_error(env, index, "a boolean");
    return false;
  }
  return true;
}

bool sel__arg_double(napi_env env, napi_value v, double *out, int index) {
  if (napi_get_value_double(env, v, out) != napi_ok) {
    sel__type_error(env, index, "a number");
    return false;
  }
  return true;
}

bool sel__arg_int32(napi_env env, napi_value v, int32_t *out, int index) {
  /* napi_get_value_int32 would turn NaN and Infinity into 0 and wrap
   * 2**32 + 1 to 1 (an fd or length nobody asked for): take the double and
   * refuse anything that is not an integer in int32 range. */
  double d;
  if (napi_get_value_double(env, v, &d) != napi_ok) {
    sel__type_error(env, index, "a number");
    return false;
  }
  if (!(d >= -2147483648.0 && d <= 2147483647.0) || d != (double)(int32_t)d) {
    char msg[96];
    snprintf(msg, sizeof(msg), "Argument %d must be an integer in int32 range",
             index);
    napi_throw_range_error(env, "ERR_OUT_OF_RANGE", msg);
    return false;
  }
  *out = (int32_t)d;
  return true;
}

bool sel__arg_uint32(napi_env env, napi_value v, uint32_t *out, int index) {
  double d;
  if (napi_get_value_double(env, v, &d) != napi_ok) {
    sel__type_error(env, index, "a number");
    return false;
  }
  if (!(d >= 0 && d <= 4294967295.0) || d != (double)(uint32_t)d) {
    char msg[96];
    snprintf(msg, sizeof(msg), "Argument %d must be a non-negative integer",
             index);
    napi_throw_range_error(env, "ERR_OUT_OF_RANGE", msg);
    return false;
  }
  *out = (uint32_t)d;
  return true;
}

bool sel__arg_bytes(napi_env env, napi_value v, void **data, size_t *len,
                    int index) {
  /* A typed array (a Buffer, nearly always) first, in one call:
   * napi_get_typedarray_info fails with napi_invalid_arg, throwing nothing,
   * for anything else. */
  napi_typedarray_type type;
  size_t length;
  if (napi_get_typedarray_info(env, v, &type, &length, data, NULL, NULL) ==
      napi_ok) {
    size_t elem = 1;
    switch (type) {
    case napi_int16_array:
    case napi_uint16_array:
      elem = 2;
      break;
    case napi_int32_array:
    case napi_uint32_array:
    case napi_float32_array:
      elem = 4;
      break;
    case napi_float64_array:
    case napi_bigint64_array:
    case napi_biguint64_array:
      elem = 8;
      break;
    default:
      elem = 1;
    }
    *len = length * elem;
    return true;
  }
  bool is = false;
  if (napi_is_dataview(env, v, &is) == napi_ok && is) {
    napi_value ab;
    size_t offset;
    return napi_get_dataview_info(env, v, len, data, &ab, &offset) == napi_ok;
  }
  if (napi_is_arraybuffer(env, v, &is) == napi_ok && is) {
    return napi_get_arraybuffer_info(env, v, data, len) == napi_ok;
  }
  sel__type_error(env, index, "a TypedArray, DataView or ArrayBuffer");
  return false;
}

bool sel__arg_int32array(napi_env env, napi_value v, int32_t **data,
                         size_t *count, int index) {
  bool is = false;
  napi_typedarray_type type;
  napi_value ab;
  size_t offset;
  void *p = NULL;
  if (napi_is_typedarray(env, v, &is) != napi_ok || !is ||
      napi_get_typedarray_info(env, v, &type, count, &p, &ab, &offset) !=
          napi_ok ||
      type != napi_int32_array) {
    sel__type_error(env, index, "an Int32Array");
    return false;
  }
  *data = (int32_t *)p;
  return true;
}

bool sel__arg_int32array_min(napi_env env, napi_value v, int32_t **data,
                             size_t min, const char *msg, int index) {
  size_t count;
  if (!sel__arg_int32array(env, v, data, &count, index))
    return false;
  if (count < min) {
    napi_throw_range_error(env, "ERR_OUT_OF_RANGE", msg);
    return false;
  }
  return true;
}

bool sel__arg_int32s(napi_env env, napi_value *argv, int first,
                     int32_t *const *out, size_t n) {
  for (size_t k = 0; k < n; k++) {
    int i = first + (int)k;
    if (!sel__arg_int32(env, argv[i], out[k], i))
      return false;
  }
  return true;
}

bool sel__arg_string(napi_env env, napi_value v, char *buf, size_t cap,
                     size_t *len, int index) {
  napi_valuetype t;
  if (napi_typeof(env, v, &t) != napi_ok || t != napi_string) {
    sel__type_error(env, index, "a string");
    return false;
  }
  size_t need = 0;
  if (napi_get_value_string_utf8(env, v, NULL, 0, &need) != napi_ok)
    return false;
  if (need + 1 > cap) {
    char msg[96];
    snprintf(msg, sizeof(msg), "Argument %d is too long (%zu bytes, max %zu)",
             index, need, cap - 1);
    napi_throw_range_error(env, "ERR_OUT_OF_RANGE", msg);
    return false;
  }
  return napi_get_value_string_utf8(env, v, buf, cap, len) == napi_ok;
}

bool sel__check_range(napi_env env, size_t total, uint32_t off, uint32_t len) {
  if ((size_t)off > total || (size_t)len > total - (size_t)off) {
    napi_throw_range_error(env, "ERR_OUT_OF_RANGE",
                           "offset + length exceeds the buffer");
    return false;
  }

  return true;
}

bool sel__arg_span(napi_env env, napi_value *argv, int i, char **ptr,
                   uint32_t *len) {
  void *data;
  size_t total;
  uint32_t off;
  if (!sel__arg_bytes(env, argv[i], &data, &total, i) ||
      !sel__arg_uint32(env, argv[i + 1], &off, i + 1) ||
      !sel__arg_uint32(env, argv[i + 2], len, i + 2) ||
      !sel__check_range(env, total, off, *len))
    return false;
  *ptr = (char *)data + off;
  return true;
}

bool sel__arg_io(napi_env env, napi_value *argv, bool flags, sel_io_args *io) {
  io->flags = 0;
  return sel__arg_int32(env, argv[0], &io->fd, 0) &&
         sel__arg_span(env, argv, 1, &io->data, &io->len) &&
         (!flags || sel__arg_int32(env, argv[4], &io->flags, 4));
}

const void *sel__fn_data(napi_env env, napi_callback_info info) {
  void *data = NULL;
  if (napi_get_cb_info(env, info, NULL, NULL, NULL, &data) != napi_ok) {
    sel__throw_last(env);
    return NULL;
  }
  return data;
}

napi_value sel__int(napi_env env, int64_t value) {
  napi_value out;
  if (napi_create_int64(env, value, &out) != napi_ok)
    return NULL;
  return out;
}

napi_value sel__neg_errno(napi_env env) {
  return sel__int(env, -(int64_t)errno);
}

napi_value sel__ssize(napi_env env, ssize_t r) {
  return r < 0 ? sel__neg_errno(env) : sel__int(env, r);
}
