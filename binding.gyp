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
        "native/os.c",
        "native/mux.c",
        "native/epoll.c",
        "native/kqueue.c",
        "native/watch.c",
        "native/eventfd.c",
        "native/select.c"
      ],
      "defines": ["NAPI_VERSION=8"],
      "cflags": ["-std=c11", "-Wall", "-Wextra", "-Werror=implicit-function-declaration", "-fvisibility=hidden"],
      "cflags!": ["-fno-exceptions"],
      "conditions": [
        # glibc hides accept4/pipe2/SOCK_CLOEXEC behind _GNU_SOURCE.
        ["OS=='linux'", {"defines": ["_GNU_SOURCE"]}],
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
