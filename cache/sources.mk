# SPDX-License-Identifier: GPL-2.0
# The kernel-agnostic part of the response cache (its replacement policy).
# Paths are relative to the repository root; Kbuild, the KUnit build and the
# user-space tests use this list.
CACHE_CORE_SRCS := cache/clock.c
