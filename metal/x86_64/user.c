/* SPDX-License-Identifier: MIT */
/*
 * user.c: ring-3 programs on the metal port.
 *
 * libukern runs a program as a C function on its thread's stack (the
 * simulator's programs are such functions). Here the registered function is
 * a trampoline: it maps the ring-3 image (user/, linked at METAL_USER_CODE
 * and embedded in the kernel) and a stack into its own process with the
 * ordinary vm_map system call, copies the image in, and leaves for ring 3
 * with IRETQ. From then on the thread enters the kernel only by SYSCALL (or
 * an interrupt), on the stack just below the trampoline's frame, and
 * metal_syscall hands the call to libukern's uk_syscall as the simulator's
 * programs do.
 */
#include <ukern/user.h>

#include "metal.h"
#include "metal_user.h"

extern const uint8_t user_image[], user_image_end[];

static volatile uint64_t reports_ok, reports;
static uint64_t report_cpu[UK_MAX_CPUS];

long metal_syscall(uint64_t nr, const uint64_t *args)
{
	struct percpu *pc = this_percpu();
	struct uk_arch_thread *t = pc->current;
	pc->syscalls++;
	if (!t->user)
		return UK_EPERM;
	return uk_syscall(t->user, (unsigned)nr, args);
}

static void ring3_main(struct uk_user *u, uint64_t arg)
{
	struct uk_arch *a = &metal_arch;
	uint64_t len = (uint64_t)(user_image_end - user_image);
	uint64_t code_len = (len + 2 * UK_PAGE_SIZE - 1) & ~(UK_PAGE_SIZE - 1); /* + a page of bss */
	long rc;

	rc = uk_sys_vm_map(u, UK_HANDLE_PROCESS_SELF, METAL_USER_CODE, code_len,
			   UK_PROT_READ | UK_PROT_WRITE | UK_PROT_EXEC, 0);
	if (rc == 0)
		rc = uk_user_write(u, METAL_USER_CODE, user_image, len);
	if (rc == 0)
		rc = uk_sys_vm_map(u, UK_HANDLE_PROCESS_SELF, METAL_USER_STACK, METAL_USER_STACK_SIZE,
				   UK_PROT_READ | UK_PROT_WRITE, 0);
	if (rc != 0) {
		kprintf("metal: ring-3 setup failed: %ld\n", rc);
		uk_sys_thread_exit(u, 1);
	}
	bool en = uk_arch_irq_save(a);
	struct percpu *pc = this_percpu();
	struct uk_arch_thread *t = pc->current;
	uint64_t sp;
	__asm__ volatile("movq %%rsp, %0" : "=r"(sp));
	t->user = u;
	/* 8 mod 16: syscall_entry pushes 15 words before its call. */
	t->entry_top = (sp & ~15ull) - 8;
	pc->tss.rsp0 = t->entry_top;
	pc->kstack = t->entry_top;
	pc->user_entries++;
	(void)en;
	user_enter(METAL_USER_CODE, METAL_USER_STACK + METAL_USER_STACK_SIZE - 8, arg);
}

static long metal_ext(void *ctx, struct uk_kernel *k, struct uk_user *u, unsigned nr,
		      const uint64_t args[6])
{
	struct uk_arch *a = &metal_arch;
	unsigned cpu = uk_arch_cpu_id(a);
	char buf[128];

	switch (nr) {
	case METAL_SYS_PUTS: {
		uint64_t n = args[1] < sizeof(buf) ? args[1] : sizeof(buf);
		if (uk_arch_copy_from_user(a, buf, args[0], n, NULL) != 0)
			return UK_EFAULT;
		kprintf("[cpu%u ring 3] ", cpu); /* (the kernel lock is held: no syscalls here) */
		console_write(buf, n);
		console_write("\n", 1);
		return 0;
	}
	case METAL_SYS_REPORT: {
		if (args[0] >= UK_MAX_CPUS)
			return UK_EINVAL;
		report_cpu[args[0]] = cpu + 1;
		if (args[1])
			__atomic_fetch_add(&reports_ok, 1, __ATOMIC_SEQ_CST);
		uint64_t done = __atomic_add_fetch(&reports, 1, __ATOMIC_SEQ_CST);
		if (done == a->ncpus) {
			bool ok = reports_ok == a->ncpus;
			for (unsigned c = 0; c < a->ncpus; c++) {
				bool here = report_cpu[c] == c + 1 && a->cpu[c].user_entries > 0;
				kprintf("metal: cpu%u: ring-3 entries %lu, syscalls %lu, program %u %s\n", c,
					a->cpu[c].user_entries, a->cpu[c].syscalls, c,
					here ? "ran here" : "did NOT run here");
				ok = ok && here;
			}
			kprintf("verdict: %s (%u cpus reached user mode)\n", ok ? "PASS" : "FAIL", a->ncpus);
			metal_exit(ok ? 0 : 1);
		}
		return 0;
	}
	default:
		return UK_ENOSYS;
	}
}

static int ring3_prog = -1;

void user_programs_register(struct uk_kernel *k)
{
	ring3_prog = uk_kernel_register_program(k, "ring3-hello", ring3_main);
	uk_kernel_set_syscall_extension(k, metal_ext, NULL);
}

/* One ring-3 program per CPU, each pinned to its CPU. */
void user_spawn_all(struct uk_kernel *k)
{
	struct uk_arch *a = &metal_arch;
	for (unsigned c = 0; c < a->ncpus; c++) {
		struct uk_spawn s = { .program = (unsigned)ring3_prog, .arg = c, .prio = 100,
				      .max_prio = 100, .affinity = 1ull << c, .name = "ring3-hello" };
		uint64_t tid;
		int rc = uk_kernel_spawn(k, &s, &tid);
		if (rc != 0) {
			kprintf("metal: spawn failed: %d\n", rc);
			metal_exit(3);
		}
	}
}
