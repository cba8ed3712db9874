# SPDX-License-Identifier: GPL-2.0
# The kernel-agnostic building blocks of static file serving: path mapping,
# media types, conditional requests, byte ranges and directory listings.
# Paths are relative to the repository root; the user-space builds
# (http/static.mk) and the kernel Kbuild use this list.  They also need
# http/target.c, http/parser.c (HTTP_CORE_SRCS) and http/response.c.
HTTP_STATIC_SRCS := http/path.c http/mime.c http/conditional.c \
	http/range.c http/listing.c
