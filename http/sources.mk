# SPDX-License-Identifier: GPL-2.0
# The kernel-agnostic HTTP core: request parser and target routing.
# Paths are relative to the repository root; both the user-space builds
# (http/parser.mk) and the kernel Kbuild use this list.
HTTP_CORE_SRCS := http/parser.c http/target.c
