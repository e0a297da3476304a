/* SPDX-License-Identifier: MIT */
/*
 * Loaded programs that abuse the program interface (issue 15, defect 4).
 *
 * `forger` starts the runtime's own programs with arguments of its making:
 * thread_create naming program 0 (the trampoline every scenario thread
 * starts in) and program 1 (the kill thread), with garbage and with bare
 * thread indexes, and set_fault_handler naming them before a bad access.
 * The runtime must refuse every such start, never use the argument as a
 * pointer: each forged thread ends at once, each fault handler returns.
 *
 * `spoiler` writes over its own argument block before its first data call:
 * the calls must then give their defaults, not read past the block.
 *
 * Both note SIM_NOTE_REJECTED for anything that went otherwise, so the
 * scenario expects `count rejected(P) == 0`.
 */
#include <sim/programs.h>
#include <ukern/progargs.h>

UKERN_PLUGIN;

#define UNMAPPED_VA 0x60000000ull

static void check(struct uk_user *u, int ok)
{
	if (!ok)
		sim_prog_note(u, SIM_NOTE_REJECTED, -1, 0);
}

/* Start `program` with `arg` in this process and wait for it to end. */
static void forge_thread(struct uk_user *u, unsigned program, uint64_t arg)
{
	long h = uk_sys_thread_create(u, UK_HANDLE_PROCESS_SELF, program, arg, 100, 0);
	check(u, h > 0);
	if (h <= 0)
		return;
	check(u, uk_sys_thread_start(u, (uint32_t)h) == 0);
	check(u, uk_sys_thread_wait(u, (uint32_t)h, 0) == 0);
	uk_sys_handle_close(u, (uint32_t)h);
}

/* A fault handler naming `program`, then a bad access: the handler is
 * refused (it returns) and the access reports the fault. */
static void forge_fault_handler(struct uk_user *u, unsigned program)
{
	char byte;
	check(u, uk_sys_thread_set_fault_handler(u, UK_HANDLE_THREAD_INITIAL, program) == 0);
	check(u, uk_user_read(u, UNMAPPED_VA, &byte, 1) == UK_EFAULT);
	uk_sys_thread_set_fault_handler(u, UK_HANDLE_THREAD_INITIAL, UK_NO_PROGRAM);
}

static void forger(struct uk_user *u)
{
	static const uint64_t garbage[] = {
		0, 1, 2, 3, 0xffffffffull, 0xdeadbeefcafef00dull, ~0ull,
		UK_PROGARGS_BASE, 0x00007ffff7a00000ull, /* what a host pointer looks like */
	};
	int victim = sim_prog_ref(u, "victim"); /* a device: the victim's */
	check(u, victim >= 0);
	for (unsigned program = 0; program < 2; program++)
		for (size_t i = 0; i < sizeof(garbage) / sizeof(garbage[0]); i++)
			forge_thread(u, program, garbage[i]);
	forge_fault_handler(u, 0);
	forge_fault_handler(u, 1);
}

static void spoiler(struct uk_user *u)
{
	uint64_t slot = UK_PROGARGS_SLOT(1); /* the second thread of its process */
	struct uk_progargs_hdr h;
	check(u, uk_user_read(u, slot, &h, sizeof(h)) == 0);
	check(u, h.magic == UK_PROGARGS_MAGIC && h.thread == 1 && h.nargs == 1);
	h.args_off = h.size; /* the table runs past the block's end */
	check(u, uk_user_write(u, slot, &h, sizeof(h)) == 0);
	check(u, !sim_prog_has(u, "count"));
	check(u, sim_prog_num(u, "count", 7) == 7);
	check(u, sim_prog_endpoint(u, 0) == 0);
}

static const struct uks_arg_spec forger_args[] = {
	{"victim", UKS_ARG_DEVICE, NULL, true, NULL, "the device the other process serves"},
};
static const struct uks_arg_spec spoiler_args[] = {
	{"count", UKS_ARG_INT, NULL, true, NULL, "any number: it must not be read"},
};

const struct sim_program ukern_programs[] = {
	{"forger", forger, forger_args, 1, "starts the runtime's programs with forged arguments",
	 NULL, 0},
	{"spoiler", spoiler, spoiler_args, 1, "spoils its own argument block", NULL, 0},
	{0},
};
