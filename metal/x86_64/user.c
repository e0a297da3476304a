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
#include <ukern/progargs.h>
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
	unsigned drivers_ready;          /* edu-drivers waiting for their first interrupt */
	uint64_t edu_cleared[METAL_MAX_EDU];
	uint64_t edu_naks[METAL_MAX_EDU];
	uint64_t edu_late[METAL_MAX_EDU]; /* served, but another driver's ACK had ended the episode */
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

/* The device memory handles each scenario thread's process holds (spawn),
 * for its argument block. */
static uint32_t scn_regs[METAL_MAX_THREADS][METAL_MAX_EDU];

/* The fixed run's drivers are the runtime's edu-driver as well, with
 * argument blocks laid out from these tables: both devices on their INTx
 * line (one driver each), and the MSI driver's view, edu 0 switched to MSI.
 * ndevices is the number of edu devices found (user_spawn_all). */
#define FIXED_MSI_THREAD METAL_MAX_EDU /* the MSI driver's index in fixed_regs */
static const struct metal_scn_device fixed_intx_devices[METAL_MAX_EDU] = {
	{ "edu0", 4, METAL_SCN_IOAPIC, 1, 0, 1 },
	{ "edu1", 8, METAL_SCN_IOAPIC, 1, 0, 1 },
};
static const struct metal_scn_device fixed_msi_devices[METAL_MAX_EDU] = {
	{ "edu0", 4, METAL_SCN_MSI, 0, 0, 1 },
	{ "edu1", 8, METAL_SCN_IOAPIC, 1, 0, 1 },
};
static const struct metal_scn_arg fixed_args[METAL_MAX_EDU][1] = {
	{ { "device", UK_PROGARG_DEVICE, 0, 0, "edu0" } },
	{ { "device", UK_PROGARG_DEVICE, 1, 0, "edu1" } },
};
static const struct metal_scn_thread fixed_threads[METAL_MAX_EDU] = {
	{ "edu-driver", "edu-driver", 200, 0, 1u << 0, 1u << 0, 1, fixed_args[0] },
	{ "edu-driver", "edu-driver", 200, 0, 1u << 1, 1u << 1, 1, fixed_args[1] },
};
static struct metal_scenario fixed_intx = { .version = METAL_SCN_VERSION, .nthreads = METAL_MAX_EDU,
					    .devices = fixed_intx_devices, .threads = fixed_threads };
static struct metal_scenario fixed_msi = { .version = METAL_SCN_VERSION, .nthreads = 1,
					   .devices = fixed_msi_devices, .threads = fixed_threads };
static uint32_t fixed_regs[METAL_MAX_EDU + 1][METAL_MAX_EDU];

static uint64_t page_up(uint64_t n)
{
	return (n + UK_PAGE_SIZE - 1) & ~(UK_PAGE_SIZE - 1);
}

static unsigned program_index(const char *name)
{
	static const char *const names[] = {
#define METAL_PROGRAM_NAME(n, fn) n,
		METAL_PROGRAMS(METAL_PROGRAM_NAME)
#undef METAL_PROGRAM_NAME
	};
	for (unsigned i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		const char *x = names[i], *y = name;
		while (*x && *x == *y)
			x++, y++;
		if (*x == *y)
			return i;
	}
	return ~0u;
}

/* The start of thread t of table s (the scenario's or the fixed run's),
 * before ring 3: its argument block at its slot (UK_PROGARGS_SLOT(0): one
 * thread per process) and the page(s) of the ring-3 runtime's copy of it,
 * as the simulator's trampoline writes the block before the program runs.
 * Returns the ring-3 start argument. */
static __attribute__((noinline)) uint64_t program_setup(struct uk_user *u,
							const struct metal_scenario *s, unsigned t,
							const uint32_t *regs)
{
	const struct metal_scn_thread *th = &s->threads[t];
	uint8_t block[METAL_PROGARGS_MAX] __attribute__((aligned(8)));
	unsigned prog = program_index(th->program);
	uint32_t size = metal_progargs_layout(&metal_arch, s, t, regs, block, sizeof(block));
	long rc = UK_EINVAL;
	if (prog != ~0u && size) {
		rc = uk_sys_vm_map(u, UK_HANDLE_PROCESS_SELF, UK_PROGARGS_SLOT(0), page_up(size),
				   UK_PROT_READ | UK_PROT_WRITE, 0);
		if (rc == 0)
			rc = uk_user_write(u, UK_PROGARGS_SLOT(0), block, size);
		if (rc == 0)
			rc = uk_sys_vm_map(u, UK_HANDLE_PROCESS_SELF, METAL_USER_ARGCOPY(0), page_up(size),
					   UK_PROT_READ | UK_PROT_WRITE, 0);
	}
	if (rc != 0) {
		kprintf("metal: %s: program %s: %s (%ld)\n", th->name, th->program,
			prog == ~0u ? "not in the ring-3 image" : size ? "argument block not written"
									: "argument block too large", rc);
		metal_exit(prog == ~0u || !size ? 2 : 3);
	}
	return METAL_PROG_ARG(0, prog, size);
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
	unsigned index = (unsigned)(arg & 0xff);
	if (arg >> 8 == METAL_ROLE_PROGRAM) {
		arg = program_setup(u, &metal_scenario, index, scn_regs[index]);
	} else if (arg >> 8 == METAL_ROLE_FIXED_PROGRAM && index == FIXED_MSI_THREAD) {
		/* Attaching to MSI switches edu 0 from INTx to MSI: the MSI
		 * driver starts when the raiser begins the MSI phase. */
		while (!__atomic_load_n(&results.msi_phase, __ATOMIC_ACQUIRE))
			uk_sys_sleep(u, 1000000);
		arg = program_setup(u, &fixed_msi, 0, fixed_regs[index]);
	} else if (arg >> 8 == METAL_ROLE_FIXED_PROGRAM) {
		arg = program_setup(u, &fixed_intx, index, fixed_regs[index]);
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
			"%lu served late (another driver's ACK had ended the episode), status at end %lx\n",
			d, results.edu_cleared[d], results.edu_naks[d], results.edu_late[d], status);
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
	metal_irq_log_print(METAL_IRQ_LOG_PRINT);
	kprintf("verdict: %s\n", ok ? "PASS" : "FAIL");
	metal_exit(ok ? 0 : 1);
}

/* What the fixed run's edu-drivers report (user/rt.c: their first wait,
 * their device clears, their notes), counted for edu_verdict. */
static long fixed_event(struct uk_arch *a, unsigned cpu, const uint64_t args[6])
{
	uint64_t d = args[0], ev = args[1];
	if (ev == METAL_SCN_EV_READY) {
		if (results.msi_phase)
			results.msi_attached = true;
		else
			results.drivers_ready++;
		return 0;
	}
	if (d >= a->nedu)
		return ev == METAL_SCN_EV_REJECTED ? 0 : UK_EINVAL;
	switch (ev) {
	case METAL_SCN_EV_CLEAR:
		if (results.msi_phase && d == 0) {
			results.msi_cleared++;
			results.msi_cleared_on_cpu[cpu]++;
		} else {
			results.edu_cleared[d]++;
			results.cleared_on_cpu[cpu]++;
		}
		break;
	case METAL_SCN_EV_NAK: results.edu_naks[d]++; break;
	case METAL_SCN_EV_LATE: results.edu_late[d]++; break;
	default: break;
	}
	return 0;
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
	case METAL_SYS_EDU_COUNT:
		if (args[0] >= a->nedu || args[1] > 2)
			return UK_EINVAL;
		if (args[1] == 2)
			return results.msi_attached;
		return args[1] == 0 ? (long)(results.drivers_ready >= a->nedu)
				    : (long)results.edu_cleared[args[0]];
	case METAL_SYS_MSI_PHASE:
		if (args[0] == 1)
			results.msi_phase = true;
		return results.msi_phase;
	case METAL_SYS_EDU_DONE:
		edu_verdict(a, k, args);
	case METAL_SYS_TSC_KHZ:
		return (long)(a->tsc_hz / 1000);
	case METAL_SYS_SCN_EVENT:
		return scn_active() ? scn_event(a, args) : fixed_event(a, cpu, args);
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

/* `devices`: a bit for each edu device whose registers the program gets
 * (mapped at UK_DEVMEM_VA(d)). */
static uint64_t spawn(struct uk_kernel *k, uint64_t arg, unsigned prio, uint64_t affinity,
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
		return tid;
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
	return tid;
}

/* The platform's part of the device-memory capability for a program that
 * maps its device itself (sim_prog_device_map): edu `edu`'s register page
 * as an object in the handle table of thread tid's process. */
static uint32_t devmem_handle(struct uk_kernel *k, uint64_t tid, unsigned edu, const char *name)
{
	const struct metal_edu *e = &metal_arch.edu[edu];
	int h = uk_kernel_devmem_create(k, tid, e->bar0, UK_PAGE_SIZE, e->slot << 3,
					UK_RIGHT_READ | UK_RIGHT_WRITE | UK_RIGHT_MAP);
	if (h < 0) {
		kprintf("metal: device memory of edu %u for %s: %d\n", edu, name, h);
		metal_exit(3);
	}
	return (uint32_t)h;
}

/* A hello program pinned to each CPU. In a scenario run, the scenario's
 * threads, each in its own process running its program from the image's
 * table (METAL_PROGRAMS) with the handles of its device memory (the
 * timeline is CPU 0's timer, scenario.c). Otherwise the fixed run: with
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
		if (s->nthreads > METAL_MAX_THREADS) {
			kprintf("metal: %u scenario threads, the image runs at most %u\n", s->nthreads,
				METAL_MAX_THREADS);
			metal_exit(2);
		}
		for (unsigned t = 0; t < s->nthreads; t++) {
			const struct metal_scn_thread *th = &s->threads[t];
			uint64_t tid = spawn(k, METAL_ARG(METAL_ROLE_PROGRAM, t), th->prio,
					     th->affinity & cpus, th->name, 0);
			kprintf("metal: %s runs %s in ring 3 (the runtime's program, sim/src/runtime)\n",
				th->name, th->program);
			/* Its process's device memory, as `caps pci(D)` gives it in
			 * the simulator: a handle, which the program maps itself
			 * (sim_prog_device_map) and finds in its block. */
			for (unsigned d = 0; d < s->ndevices; d++)
				if (th->devmem & (1u << d))
					scn_regs[t][d] = devmem_handle(k, tid, scn_edu_of(d), th->name);
		}
		return;
	}
	/* The drivers: the runtime's edu-driver, device d on CPU d mod n above
	 * everything else, each process holding its device's memory; the MSI
	 * driver (edu 0 once switched) on the last CPU. */
	fixed_intx.ndevices = fixed_msi.ndevices = a->nedu;
	fixed_intx.nthreads = a->nedu;
	for (unsigned d = 0; d < a->nedu; d++) {
		uint64_t tid = spawn(k, METAL_ARG(METAL_ROLE_FIXED_PROGRAM, d), 200, 1ull << (d % a->ncpus),
				     "edu-driver", 0);
		fixed_regs[d][d] = devmem_handle(k, tid, d, "edu-driver");
		kprintf("metal: the driver of edu %u runs edu-driver in ring 3 (the runtime's program, "
			"sim/src/runtime)\n", d);
	}
	if (a->nedu) {
		uint64_t tid = spawn(k, METAL_ARG(METAL_ROLE_FIXED_PROGRAM, FIXED_MSI_THREAD), 200,
				     1ull << (a->ncpus - 1), "edu-msi-driver", 0);
		fixed_regs[FIXED_MSI_THREAD][0] = devmem_handle(k, tid, 0, "edu-msi-driver");
		kprintf("metal: the MSI driver of edu 0 runs edu-driver in ring 3 (the runtime's "
			"program, sim/src/runtime)\n");
		spawn(k, METAL_ARG(METAL_ROLE_RAISER, 0), 50, 1ull << (a->ncpus - 1), "edu-raiser", all);
	}
}
