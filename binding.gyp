{
  "targets": [
    {
      "target_name": "selectors",
      # POSIX sources; each platform-specific file compiles to nothing where its
      # API is missing (#ifdef inside), so the list is the same on every OS.
      "sources": [
        "native/module.c",
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
    }
  ]
}
