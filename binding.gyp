{
  "targets": [
    {
      "target_name": "selectors",
      # POSIX sources; each platform-specific file compiles to nothing where its
      # API is missing (#ifdef inside), so the list is the same on every OS.
      "sources": [
        "native/module.c",
        "native/args.c",
        "native/constants.c",
        "native/sockaddr.c",
        "native/socket.c",
        "native/msg.c",
        "native/netdb.c",
        "native/os.c",
        "native/mux.c",
        "native/epoll.c",
        "native/kqueue.c",
        "native/reactor.c",
        "native/signal.c",
        "native/eventfd.c",
        "native/select.c",
        "native/uring.c"
      ],
      "defines": ["NAPI_VERSION=8"],
      "cflags": ["-std=c11", "-Wall", "-Wextra", "-Werror=implicit-function-declaration", "-fvisibility=hidden"],
      "cflags!": ["-fno-exceptions"],
      "conditions": [
        # glibc hides accept4/pipe2/SOCK_CLOEXEC behind _GNU_SOURCE.
        # Prebuilds must load on glibc 2.28 (Node 20's own Linux baseline):
        # every source gets native/glibc-compat.h first, which binds the
        # pthread functions to their oldest symbol versions. -lpthread: on a
        # glibc older than 2.34 those functions live in libpthread.
        ["OS=='linux'", {
          "defines": ["_GNU_SOURCE"],
          "cflags": ["-include", "<(module_root_dir)/native/glibc-compat.h"],
          "libraries": ["-lpthread"]
        }],
        ["OS=='mac'", {
          "xcode_settings": {
            "GCC_C_LANGUAGE_STANDARD": "c11",
            "OTHER_CFLAGS": ["-Wall", "-Wextra", "-fvisibility=hidden"]
          }
        }]
      ]
    },
    {
      # The TLS addon (native/ssl.c), separate so that the main addon stays
      # pure Node-API and loads where OpenSSL is missing. It links no
      # OpenSSL: native/ssl-api.c looks each function up in the running Node
      # at load time. Its file is build/Release/selectors_ssl.addon, not
      # .node: node-gyp-build and prebuildify take the first *.node file of
      # build/Release as THE addon (and gyp copies every module to the top of
      # build/Release whatever its product_dir), so a second .node there
      # could be loaded in place of the main one. src/ssl/native.ts loads it
      # by path with process.dlopen, which does not mind the extension.
      # OpenSSL's headers come with Node's full headers (node-gyp's
      # include/node/openssl); node-api-headers alone cannot build it.
      "target_name": "selectors_ssl",
      # (node-gyp's addon.gypi sets product_extension "node" in a
      # target_condition, which runs after plain keys: override it there.)
      "target_conditions": [["_type=='loadable_module'", {"product_extension": "addon"}]],
      "sources": [
        "native/ssl.c",
        "native/ssl-api.c",
        "native/args.c"
      ],
      "defines": ["NAPI_VERSION=8"],
      "cflags": ["-std=gnu11", "-Wall", "-Wextra", "-Werror=implicit-function-declaration", "-fvisibility=hidden"],
      "conditions": [
        ["OS=='linux'", {
          "defines": ["_GNU_SOURCE"],
          "cflags": ["-include", "<(module_root_dir)/native/glibc-compat.h"],
          "libraries": ["-lpthread", "-ldl"]
        }],
        ["OS=='mac'", {
          "xcode_settings": {
            "GCC_C_LANGUAGE_STANDARD": "gnu11",
            "OTHER_CFLAGS": ["-Wall", "-Wextra", "-fvisibility=hidden"]
          }
        }]
      ]
    }
  ]
}
