# SPDX-License-Identifier: GPL-2.0
# The pure HTTP/1.1 protocol code: request parser, request-targets,
# response heads, and the building blocks of static files (path mapping,
# media types, conditional requests, byte ranges, directory listings).
# Kernel-agnostic: these files include only include/khttpd_shim.h and
# each other, so the same objects are linked into khttpd.ko (Kbuild), the
# KUnit build (kunit/Makefile.kunit) and the user-space unit tests and
# fuzzers (tools/testing/testing.mk).  Paths are relative to the
# repository root.
HTTP_PROTO_SRCS := http/proto/parser.c http/proto/target.c \
	http/proto/response.c http/proto/path.c http/proto/mime.c \
	http/proto/conditional.c http/proto/range.c http/proto/listing.c \
	http/proto/encoding.c
