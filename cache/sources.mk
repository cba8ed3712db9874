# SPDX-License-Identifier: GPL-2.0
# The response cache and the bodies it holds.  CACHE_CORE_SRCS is its
# kernel-agnostic policy (CLOCK, the frequency sketch, admission), also
# tested in user space; CACHE_SRCS is all of it, for Kbuild and the KUnit
# build.  Paths are relative to the repository root.
CACHE_CORE_SRCS := cache/clock.c cache/sketch.c cache/admit.c
CACHE_SRCS := $(CACHE_CORE_SRCS) cache/body.c cache/cache.c
