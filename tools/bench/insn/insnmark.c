// SPDX-License-Identifier: GPL-2.0
/*
 * insnmark.c - the guest side of insncount.c: execute its markers.
 *
 *	insnmark OP...		OP: totals | profile | reset (or t, p, r)
 *
 * in the order given: "insnmark reset totals" opens a window, "insnmark
 * totals profile" closes it.  Outside a guest run with the plugin the
 * markers are no-ops.  Built static, so the guest needs no libc for it.
 */
#include <stdio.h>
#include <string.h>

#define MARK(op) __asm__ volatile(".byte 0x0f, 0x1f, 0x84, 0x00\n\t" \
				  ".long 0x6b690000 + %c0" :: "i"(op) : "memory")

int main(int argc, char **argv)
{
	int i;

	for (i = 1; i < argc; i++) {
		if (argv[i][0] == 't' && !strncmp(argv[i], "totals", strlen(argv[i])))
			MARK(1);
		else if (argv[i][0] == 'p' && !strncmp(argv[i], "profile", strlen(argv[i])))
			MARK(2);
		else if (argv[i][0] == 'r' && !strncmp(argv[i], "reset", strlen(argv[i])))
			MARK(3);
		else {
			fprintf(stderr, "usage: insnmark totals|profile|reset...\n");
			return 2;
		}
	}
	return argc > 1 ? 0 : 2;
}
