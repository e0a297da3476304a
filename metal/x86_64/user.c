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
#include <ukern/devmem.h>
#include <ukern/user.h>

#include "metal.h"
#include "metal_user.h"
#include "scenario.h"

extern const uint8_t user_image[], user_image_end[];

/* What the ring-3 programs reported (under the kernel lock: the extension
 * hook runs with it held). */
struct metal_results {
	unsigned hello_done, hello_ok;
	unsigned hello_cpu[UK_MAX_CPUS]; /* CPU + 1 that ran hello program i */
	uint64_t null_median[UK_MAX_CPUS]; /* TSC ticks of a ring-3 null syscall */
	bool hello_verdict_printed;
	unsigned edu_attached[METAL_MAX_EDU];
	uint64_t edu_cleared[METAL_MAX_EDU];
	uint64_t edu_naks[METAL_MAX_EDU];
	uint64_t edu_late_acks[METAL_MAX_EDU]; /* episodes ended for a raise cleared late */
	uint64_t cleared_on_cpu[UK_MAX_CPUS];
	bool msi_phase, msi_attached;
	uint64_t msi_cleared, msi_cleared_on_cpu[UK_MAX_CPUS];
};
static struct metal_results results;

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

static bool hello_summary(struct uk_arch *a)
{
	bool ok = results.hello_ok == a->ncpus;
	for (unsigned c = 0; c < a->ncpus; c++) {
		bool here = results.hello_cpu[c] == c + 1 && a->cpu[c].user_entries > 0;
		kprintf("metal: cpu%u: ring-3 entries %lu, syscalls %lu, program %u %s\n", c,
			a->cpu[c].user_entries, a->cpu[c].syscalls, c, here ? "ran here" : "did NOT run here");
		ok = ok && here;
	}
	kprintf("boot: %s (%u cpus reached user mode)\n", ok ? "PASS" : "FAIL", a->ncpus);
	return ok;
}

static uint64_t tsc_to_ns(struct uk_arch *a, uint64_t ticks)
{
	return (uint64_t)((unsigned __int128)ticks * 1000000000ull / a->tsc_hz);
}

/* The raiser is done: check what the issue asks of the shared-line run and
 * stop the machine with the verdict. */
static _Noreturn void edu_verdict(struct uk_arch *a, struct uk_kernel *k, const uint64_t args[6])
{
	struct uk_kernel_stats st;
	uint64_t raises = args[0], sum = args[1], max = args[2], failures = args[3], cleared = 0;
	bool ok = results.hello_done == a->ncpus && results.hello_ok == a->ncpus && failures == 0;
	unsigned cpus_handling = 0;

	uk_kernel_get_stats(k, &st);
	for (unsigned d = 0; d < a->nedu; d++) {
		uint64_t status = 0;
		uk_arch_mmio_read(a, a->edu[d].bar0 + EDU_IRQ_STATUS, 4, &status);
		kprintf("edu %u: cleared %lu raises, %lu NAKs (the other device's episodes), "
			"%lu ACKs after a late clear, status at end %lx\n",
			d, results.edu_cleared[d], results.edu_naks[d], results.edu_late_acks[d], status);
		cleared += results.edu_cleared[d];
		ok = ok && status == 0;
	}
	for (unsigned c = 0; c < a->ncpus; c++) {
		kprintf("cpu %u: episodes handled %lu\n", c, results.cleared_on_cpu[c]);
		cpus_handling += results.cleared_on_cpu[c] > 0;
	}
	uint64_t single = METAL_EDU_SINGLE;
	kprintf("irq: raises %lu, cleared %lu, episodes %lu, nobody-cared %lu, ack timeouts %lu, "
		"invariant violations %lu\n",
		raises, cleared, st.irq_episodes, st.irq_nobody_cared, st.irq_ack_timeouts, st.irq_violations);
	kprintf("irq: raise to device clear (single raises, ring-3 raiser and drivers): median %lu ns, "
		"mean %lu ns, max %lu ns (TSC %lu kHz)\n", tsc_to_ns(a, args[4]),
		tsc_to_ns(a, sum / single), tsc_to_ns(a, max), a->tsc_hz / 1000);
	if (a->stray_deliveries)
		kprintf("metal: %lu deliveries dropped: copies of level interrupts that no IOAPIC sent "
			"(remote IRR clear)\n", a->stray_deliveries);
	for (unsigned c = 0; c < a->ncpus; c++)
		kprintf("syscall: ring-3 null system call on cpu %u (SYSCALL .. SYSRET%s): median %lu ns\n", c,
			a->cpu[c].syscalls_by_fault ? ", completed through the fault" : "",
			tsc_to_ns(a, results.null_median[c]));
	for (unsigned w = 0; w < 2; w++) {
		const struct ipc_result *r = &ipc_results[w];
		if (!r->done)
			continue;
		if (r->failed)
			kprintf("ipc: %s round trip FAILED\n", w ? "cross-CPU" : "same-CPU");
		else
			kprintf("ipc: %s round trip (call + reply_recv, 1 word, ring-0 programs): median %lu ns, "
				"min %lu ns, mean %lu ns over %u\n", w ? "cross-CPU" : "same-CPU",
				tsc_to_ns(a, r->median_ticks), tsc_to_ns(a, r->min_ticks),
				tsc_to_ns(a, r->mean_ticks), r->rounds);
		ok = ok && !r->failed;
	}
	kprintf("kernel: syscalls %lu, switches %lu, preemptions %lu, idle halts %lu\n", st.syscalls,
		st.switches, st.preemptions, st.idle_halts);
	uint64_t msi_raises = args[5];
	unsigned msi_cpu = a->ncpus - 1;
	kprintf("msi: edu 0 switched to MSI: raises %lu, cleared %lu (on cpu %u: %lu)\n", msi_raises,
		results.msi_cleared, msi_cpu, results.msi_cleared_on_cpu[msi_cpu]);
	ok = ok && msi_raises == METAL_EDU_MSI && results.msi_cleared == msi_raises &&
	     results.msi_cleared_on_cpu[msi_cpu] == msi_raises;
	ok = ok && cleared == raises && st.irq_nobody_cared == 0 && st.irq_violations == 0 &&
	     cpus_handling == (a->nedu < a->ncpus ? a->nedu : a->ncpus);
	if (failures) {
		kprintf("irq: %lu raises were never cleared (lost)\n", failures);
		for (uint64_t tid = 1; tid < 16; tid++) {
			struct uk_thread_info ti;
			if (uk_kernel_thread_info(k, tid, &ti) == 0)
				kprintf("thread %lu %s: state %u prio %u cpu %u wait %u on %lu, blocked %lu, preempted %lu\n",
					tid, ti.name ? ti.name : "?", (unsigned)ti.state, ti.eff_prio, ti.cpu,
					(unsigned)ti.wait_kind, ti.wait_object, ti.blocked_count, ti.preempted_count);
		}
		for (unsigned c = 0; c < a->ncpus; c++)
			kprintf("cpu %u runs %s\n", c, a->cpu[c].current && a->cpu[c].current->name ?
				a->cpu[c].current->name : "?");
	}
	kprintf("verdict: %s\n", ok ? "PASS" : "FAIL");
	metal_exit(ok ? 0 : 1);
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
	case METAL_SYS_REPORT:
		if (args[0] >= a->ncpus)
			return UK_EINVAL;
		results.hello_cpu[args[0]] = cpu + 1;
		results.null_median[args[0]] = args[2];
		results.hello_ok += args[1] != 0;
		if (++results.hello_done == a->ncpus) {
			bool ok = hello_summary(a);
			if (a->nedu == 0 && !scn_active()) {
				kprintf("verdict: %s (no edu device: the boot check only)\n", ok ? "PASS" : "FAIL");
				metal_exit(ok ? 0 : 1);
			}
		}
		return 0;
	case METAL_SYS_EDU_INFO:
		if (args[1] == 2)
			return a->nedu;
		if (args[1] == 3) /* the IPC measurement is over (it runs first, alone) */
			return ipc_results[0].done && (a->ncpus < 2 || ipc_results[1].done);
		if (args[0] >= a->nedu || args[1] > 1)
			return UK_EINVAL;
		return args[1] == 0 ? (long)a->edu[args[0]].bar0 : (long)a->edu[args[0]].gsi;
	case METAL_SYS_EDU_EVENT:
		if (args[0] >= a->nedu || args[1] > 5)
			return UK_EINVAL;
		if (args[1] == 4) {
			results.msi_attached = true;
			return 0;
		}
		if (args[1] == 5) {
			results.msi_cleared++;
			results.msi_cleared_on_cpu[cpu]++;
			return 0;
		}
		if (args[1] == 0)
			results.edu_attached[args[0]] = 1;
		else if (args[1] == 1) {
			results.edu_cleared[args[0]]++;
			results.cleared_on_cpu[cpu]++;
		} else if (args[1] == 2)
			results.edu_naks[args[0]]++;
		else
			results.edu_late_acks[args[0]]++;
		return 0;
	case METAL_SYS_EDU_COUNT:
		if (args[0] >= a->nedu || args[1] > 2)
			return UK_EINVAL;
		if (args[1] == 2)
			return results.msi_attached;
		return args[1] == 0 ? (long)results.edu_attached[args[0]] : (long)results.edu_cleared[args[0]];
	case METAL_SYS_MSI_PHASE:
		if (args[0] == 1)
			results.msi_phase = true;
		return results.msi_phase;
	case METAL_SYS_EDU_DONE:
		edu_verdict(a, k, args);
	case METAL_SYS_SCN_INFO:
	case METAL_SYS_SCN_EVENT:
		return scn_syscall(a, nr, args);
	default:
		return UK_ENOSYS;
	}
}

static int ring3_prog = -1;

void user_programs_register(struct uk_kernel *k)
{
	ring3_prog = uk_kernel_register_program(k, "ring3", ring3_main);
	uk_kernel_set_syscall_extension(k, metal_ext, NULL);
}

/* `devices`: a bit for each edu device whose registers the program gets. */
static void spawn(struct uk_kernel *k, uint64_t arg, unsigned prio, uint64_t affinity,
		  const char *name, unsigned devices)
{
	struct uk_spawn sp = { .program = (unsigned)ring3_prog, .arg = arg, .prio = prio,
			       .max_prio = prio, .affinity = affinity, .name = name };
	uint64_t tid;
	int rc = uk_kernel_spawn(k, &sp, &tid);
	if (rc != 0) {
		kprintf("metal: spawn of %s failed: %d\n", name, rc);
		metal_exit(3);
	}
	if (!devices)
		return;
	/* The platform's part of the device-memory capability: each edu
	 * device's register page, as an object in the program's handle table,
	 * mapped uncached at UK_DEVMEM_VA(d) (the program reaches it with
	 * plain loads and stores; nothing else of the machine). */
	struct uk_arch *a = &metal_arch;
	for (unsigned d = 0; d < a->nedu; d++) {
		if (!(devices & (1u << d)))
			continue;
		int h = uk_kernel_devmem_create(k, tid, a->edu[d].bar0, UK_PAGE_SIZE,
						a->edu[d].slot << 3,
						UK_RIGHT_READ | UK_RIGHT_WRITE | UK_RIGHT_MAP);
		if (h < 0 || (rc = uk_kernel_devmem_map(k, tid, (uint32_t)h, UK_DEVMEM_VA(d),
							UK_PROT_READ | UK_PROT_WRITE)) != 0) {
			kprintf("metal: device memory of edu %u for %s: %d\n", d, name, h < 0 ? h : rc);
			metal_exit(3);
		}
	}
}

/* A hello program pinned to each CPU. In a scenario run, the scenario's
 * edu-driver threads, each in its own process with its device's registers
 * (the timeline is CPU 0's timer, scenario.c). Otherwise the fixed run: with
 * edu devices, a driver for each (device d on CPU d mod n, above everything
 * else) and the raiser on the last CPU, below the rest. */
void user_spawn_all(struct uk_kernel *k)
{
	struct uk_arch *a = &metal_arch;
	unsigned all = (1u << a->nedu) - 1;
	for (unsigned c = 0; c < a->ncpus; c++)
		spawn(k, METAL_ARG(METAL_ROLE_HELLO, c), 100, 1ull << c, "hello", 0);
	if (scn_active()) {
		const struct metal_scenario *s = &metal_scenario;
		uint64_t cpus = a->ncpus >= 64 ? ~0ull : (1ull << a->ncpus) - 1;
		for (unsigned t = 0; t < s->nthreads; t++) {
			long edu = scn_syscall(a, METAL_SYS_SCN_INFO, (const uint64_t[6]){ t, 0 });
			spawn(k, METAL_ARG(METAL_ROLE_SCN_DRIVER, t), s->threads[t].prio,
			      s->threads[t].affinity & cpus, s->threads[t].name, 1u << edu);
		}
		return;
	}
	for (unsigned d = 0; d < a->nedu; d++)
		spawn(k, METAL_ARG(METAL_ROLE_DRIVER, d), 200, 1ull << (d % a->ncpus), "edu-driver", all);
	if (a->nedu) {
		spawn(k, METAL_ARG(METAL_ROLE_MSI_DRIVER, 0), 200, 1ull << (a->ncpus - 1),
		      "edu-msi-driver", all);
		spawn(k, METAL_ARG(METAL_ROLE_RAISER, 0), 50, 1ull << (a->ncpus - 1), "edu-raiser", all);
	}
}
