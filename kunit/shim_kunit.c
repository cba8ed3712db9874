// SPDX-License-Identifier: GPL-2.0
/*
 * shim_kunit.c - the fault-injection switch of include/khttpd_shim.h for
 * the KUnit build (built with -DKSHIM_FAULT_INJECT).
 */
#include "include/khttpd_shim.h"

long kshim_fail_after = -1;
