// SPDX-License-Identifier: GPL-2.0
/*
 * insncount.c - a QEMU TCG plugin that counts the instructions a guest
 * executes: kernel (virtual address bit 63 set) and user apart, and, for
 * the kernel, per translation block.  The guest asks for the numbers by
 * executing a marker, a no-op that nothing else contains:
 *
 *	nopl MAGIC+op(%rax,%rax,1)	bytes 0f 1f 84 00, then MAGIC+op (le32)
 *
 * executed in user mode (tools/bench/insn/insnmark.c).  The ops:
 *
 *	1  append "T <seq> <kernel> <user>": the running totals
 *	2  append "P <vaddr> <count>" for every kernel block that ran since
 *	   the last op 2 or 3, then "E <seq>"; reset the block counters
 *	3  reset the block counters
 *
 * to the file named by out= (default insncount.out).  Options:
 *
 *	out=FILE	where the marks go
 *	count=tb	add a block's instruction count when it starts (default):
 *			cheap; a block left early by an exception (a page
 *			fault, say) counts its instructions that did not run
 *	count=insn	add one before every instruction: exact, slower
 *
 * Run it with one TCG thread, so that the plain counters need no atomics
 * even with several vCPUs:
 *
 *	qemu-system-x86_64 -accel tcg,thread=single -cpu max \
 *		-plugin insncount.so,out=marks.txt ...
 *
 * Debian 12's QEMU (7.2) ships no qemu-plugin.h: the few declarations of
 * plugin API version 1 used here are written out below, as QEMU exports
 * them.  A `rep movs/stos` runs its block once per iteration, so it counts
 * one instruction per element copied or stored.
 */
#include <inttypes.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- plugin API, version 1 (QEMU 7.2's include/qemu/qemu-plugin.h) ---- */

#define PLUGIN_EXPORT __attribute__((visibility("default")))

typedef uint64_t qemu_plugin_id_t;

typedef struct {
	const char *target_name;
	struct {
		int min;
		int cur;
	} version;
	bool system_emulation;
	union {
		struct {
			int smp_vcpus;
			int max_vcpus;
		} system;
	};
} qemu_info_t;

struct qemu_plugin_tb;
struct qemu_plugin_insn;

enum qemu_plugin_cb_flags {
	QEMU_PLUGIN_CB_NO_REGS,
	QEMU_PLUGIN_CB_R_REGS,
	QEMU_PLUGIN_CB_RW_REGS,
};

enum qemu_plugin_op {
	QEMU_PLUGIN_INLINE_ADD_U64,
};

typedef void (*qemu_plugin_vcpu_tb_trans_cb_t)(qemu_plugin_id_t id,
					       struct qemu_plugin_tb *tb);
typedef void (*qemu_plugin_vcpu_udata_cb_t)(unsigned int vcpu_index,
					    void *userdata);
typedef void (*qemu_plugin_udata_cb_t)(qemu_plugin_id_t id, void *userdata);

void qemu_plugin_register_vcpu_tb_trans_cb(qemu_plugin_id_t id,
					   qemu_plugin_vcpu_tb_trans_cb_t cb);
void qemu_plugin_register_vcpu_tb_exec_inline(struct qemu_plugin_tb *tb,
					      enum qemu_plugin_op op,
					      void *ptr, uint64_t imm);
void qemu_plugin_register_vcpu_insn_exec_inline(struct qemu_plugin_insn *insn,
						enum qemu_plugin_op op,
						void *ptr, uint64_t imm);
void qemu_plugin_register_vcpu_insn_exec_cb(struct qemu_plugin_insn *insn,
					    qemu_plugin_vcpu_udata_cb_t cb,
					    enum qemu_plugin_cb_flags flags,
					    void *userdata);
void qemu_plugin_register_atexit_cb(qemu_plugin_id_t id,
				    qemu_plugin_udata_cb_t cb, void *userdata);
size_t qemu_plugin_tb_n_insns(const struct qemu_plugin_tb *tb);
uint64_t qemu_plugin_tb_vaddr(const struct qemu_plugin_tb *tb);
struct qemu_plugin_insn *qemu_plugin_tb_get_insn(const struct qemu_plugin_tb *tb,
						 size_t idx);
const void *qemu_plugin_insn_data(const struct qemu_plugin_insn *insn);
size_t qemu_plugin_insn_size(const struct qemu_plugin_insn *insn);
void qemu_plugin_outs(const char *string);

PLUGIN_EXPORT int qemu_plugin_version = 1;

/* ---- the counters ---- */

/* The marker: nopl disp32(%rax,%rax,1) with disp32 = MARK_MAGIC + op. */
#define MARK_LEN 8
#define MARK_MAGIC 0x6b690000u		/* "ik" in the high half */
#define MARK_TOTALS 1
#define MARK_PROFILE 2
#define MARK_RESET 3

/*
 * Kernel blocks by start address, in an open-addressed table that never
 * moves (the generated code holds pointers to its counters).  A block
 * translated again (after a flush of the code buffer) finds its slot.
 */
struct block {
	uint64_t vaddr;
	uint64_t count;
};

#define TABLE_BITS 20
#define TABLE_SIZE (1u << TABLE_BITS)
#define TABLE_MAX (TABLE_SIZE / 10 * 9)

static struct block *table;
static unsigned int table_used;
static struct block overflow;		/* blocks past TABLE_MAX */

static uint64_t insns[2];		/* [0] user, [1] kernel */
static uint64_t seq;
static bool per_insn;
static FILE *out;

static struct block *block_slot(uint64_t vaddr)
{
	uint32_t i = (uint32_t)((vaddr * 0x9e3779b97f4a7c15ull) >>
				(64 - TABLE_BITS));

	for (;;) {
		struct block *b = &table[i];

		if (b->vaddr == vaddr)
			return b;
		if (!b->vaddr) {
			if (table_used >= TABLE_MAX)
				return &overflow;
			table_used++;
			b->vaddr = vaddr;
			return b;
		}
		i = (i + 1) & (TABLE_SIZE - 1);
	}
}

static void mark_totals(void)
{
	fprintf(out, "T %" PRIu64 " %" PRIu64 " %" PRIu64 "\n", ++seq,
		insns[1], insns[0]);
	fflush(out);
}

static void profile_reset(void)
{
	for (unsigned int i = 0; i < TABLE_SIZE; i++)
		table[i].count = 0;
	overflow.count = 0;
}

static void mark_profile(void)
{
	for (unsigned int i = 0; i < TABLE_SIZE; i++)
		if (table[i].count)
			fprintf(out, "P %" PRIx64 " %" PRIu64 "\n",
				table[i].vaddr, table[i].count);
	if (overflow.count)
		fprintf(out, "P 0 %" PRIu64 "\n", overflow.count);
	fprintf(out, "E %" PRIu64 "\n", ++seq);
	fflush(out);
	profile_reset();
}

static void on_mark(unsigned int vcpu, void *op)
{
	switch ((uintptr_t)op) {
	case MARK_TOTALS:
		mark_totals();
		break;
	case MARK_PROFILE:
		mark_profile();
		break;
	case MARK_RESET:
		profile_reset();
		break;
	}
}

/* The op of a marker instruction, or 0. */
static unsigned int mark_op(const struct qemu_plugin_insn *insn)
{
	const uint8_t *p = qemu_plugin_insn_data(insn);
	uint32_t disp;

	if (qemu_plugin_insn_size(insn) != MARK_LEN ||
	    p[0] != 0x0f || p[1] != 0x1f || p[2] != 0x84 || p[3] != 0x00)
		return 0;
	disp = p[4] | p[5] << 8 | p[6] << 16 | (uint32_t)p[7] << 24;
	if ((disp & 0xffff0000u) != MARK_MAGIC)
		return 0;
	disp &= 0xffff;
	return disp >= MARK_TOTALS && disp <= MARK_RESET ? disp : 0;
}

static void on_translate(qemu_plugin_id_t id, struct qemu_plugin_tb *tb)
{
	size_t n = qemu_plugin_tb_n_insns(tb);
	uint64_t vaddr = qemu_plugin_tb_vaddr(tb);
	bool kernel = vaddr >> 63;
	uint64_t *total = &insns[kernel];
	uint64_t *block = kernel ? &block_slot(vaddr)->count : NULL;

	if (!per_insn) {
		qemu_plugin_register_vcpu_tb_exec_inline(tb,
				QEMU_PLUGIN_INLINE_ADD_U64, total, n);
		if (block)
			qemu_plugin_register_vcpu_tb_exec_inline(tb,
				QEMU_PLUGIN_INLINE_ADD_U64, block, n);
	}
	for (size_t i = 0; i < n; i++) {
		struct qemu_plugin_insn *insn = qemu_plugin_tb_get_insn(tb, i);
		unsigned int op;

		if (per_insn) {
			qemu_plugin_register_vcpu_insn_exec_inline(insn,
				QEMU_PLUGIN_INLINE_ADD_U64, total, 1);
			if (block)
				qemu_plugin_register_vcpu_insn_exec_inline(insn,
					QEMU_PLUGIN_INLINE_ADD_U64, block, 1);
		}
		op = kernel ? 0 : mark_op(insn);
		if (op)
			qemu_plugin_register_vcpu_insn_exec_cb(insn, on_mark,
					QEMU_PLUGIN_CB_NO_REGS,
					(void *)(uintptr_t)op);
	}
}

static void on_qemu_exit(qemu_plugin_id_t id, void *unused)
{
	fprintf(out, "X %" PRIu64 " %" PRIu64 " blocks=%u\n",
		insns[1], insns[0], table_used);
	fclose(out);
}

PLUGIN_EXPORT int qemu_plugin_install(qemu_plugin_id_t id,
				      const qemu_info_t *info,
				      int argc, char **argv)
{
	const char *path = "insncount.out";

	for (int i = 0; i < argc; i++) {
		if (!strncmp(argv[i], "out=", 4)) {
			path = argv[i] + 4;
		} else if (!strcmp(argv[i], "count=insn")) {
			per_insn = true;
		} else if (!strcmp(argv[i], "count=tb")) {
			per_insn = false;
		} else {
			qemu_plugin_outs("insncount: unknown option\n");
			return -1;
		}
	}
	table = calloc(TABLE_SIZE, sizeof(*table));
	out = fopen(path, "w");
	if (!table || !out) {
		qemu_plugin_outs("insncount: cannot allocate or open out=\n");
		return -1;
	}
	fprintf(out, "# insncount: count=%s vcpus=%d\n",
		per_insn ? "insn" : "tb",
		info->system_emulation ? info->system.smp_vcpus : 1);
	fflush(out);
	qemu_plugin_register_vcpu_tb_trans_cb(id, on_translate);
	qemu_plugin_register_atexit_cb(id, on_qemu_exit, NULL);
	return 0;
}
