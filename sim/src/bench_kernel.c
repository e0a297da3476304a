/* SPDX-License-Identifier: MIT */
/*
 * Benchmarks of the kernel core running on the simulated machine: host ns
 * per simulated operation, measured inside the simulation (the machine's
 * creation and boot are not timed).
 */
#include <sim/bench.h>
#include <sim/machine.h>

#include <hwmodel/dev.h>
#include <hwmodel/evq.h>
#include <ukern/devmem.h>
#include <ukern/irq_sys.h>
#include <ukern/user.h>

struct kbench {
	uint64_t iters;
	uint64_t t0, t1;
	unsigned started, finished;
};

static void null_prog(struct uk_user *u, uint64_t arg)
{
	struct kbench *b = (struct kbench *)(uintptr_t)arg;
	b->t0 = sim_bench_now_ns();
	for (uint64_t i = 0; i < b->iters; i++)
		uk_sys_null(u);
	b->t1 = sim_bench_now_ns();
}

/* Two of these on one CPU at one priority hand the CPU to each other. */
static void yield_prog(struct uk_user *u, uint64_t arg)
{
	struct kbench *b = (struct kbench *)(uintptr_t)arg;
	if (b->started++ == 0)
		b->t0 = sim_bench_now_ns();
	for (uint64_t i = 0; i < b->iters / 2; i++)
		uk_sys_yield(u);
	if (++b->finished == 2)
		b->t1 = sim_bench_now_ns();
}

static uint64_t run_programs(uk_user_entry_fn fn, unsigned nthreads, struct kbench *b)
{
	char err[256];
	struct sim_machine *sm;
	struct sim_machine_config cfg = {.cpus = 1, .step_bound = UINT64_MAX / 2};
	if (sim_machine_create(&cfg, &sm, err, sizeof(err)) != 0)
		return 0;
	int prog = uk_kernel_register_program(sm->k, "bench", fn);
	for (unsigned i = 0; i < nthreads; i++) {
		struct uk_spawn s = {.program = (unsigned)prog, .arg = (uint64_t)(uintptr_t)b,
				     .prio = 100, .max_prio = 100, .affinity = 1, .name = "bench"};
		uint64_t tid;
		if (prog < 0 || uk_kernel_spawn(sm->k, &s, &tid) != 0) {
			sim_machine_destroy(sm);
			return 0;
		}
	}
	enum sim_result r = sim_machine_run(sm);
	sim_machine_destroy(sm);
	if (r != SIM_DONE || b->t1 <= b->t0)
		return 0;
	return b->t1 - b->t0;
}

static uint64_t bench_syscall_null(uint64_t iters)
{
	struct kbench b = {.iters = iters};
	return run_programs(null_prog, 1, &b);
}

static uint64_t bench_thread_switch(uint64_t iters)
{
	struct kbench b = {.iters = iters < 2 ? 2 : iters};
	uint64_t ns = run_programs(yield_prog, 2, &b);
	return ns ? ns * iters / (b.iters / 2 * 2) : 0;
}

/* irq_episode: a level-triggered scripted device on IOAPIC pin 3 asserts
 * every 20 us of virtual time; one driver thread loops wait / read status /
 * clear / ACK. Each episode is: device action, IOAPIC message, interrupt
 * entry, raise (mask, EOI, notify), the waiter woken and switched to, two
 * MMIO accesses, the ACK syscall (unmask). */
#define IRQB_DEV 0xc0000000ull
#define IRQB_PERIOD_NS 20000u

struct irqbench {
	struct hw_event ev; /* first: the event handler gets this pointer */
	struct sim_machine *sm;
	struct hw_dev *dev;
	uint64_t iters, raised, handled;
	uint64_t t0, t1;
	uint32_t regs_h; /* the device's memory, given to the driver */
	bool failed;
};

static void irqbench_fire(struct hw_event *ev, uint64_t now)
{
	struct irqbench *b = (struct irqbench *)ev;
	if (hw_dev_action(b->sm->hw, b->dev, now, HW_ACT_ASSERT, 0) != 0)
		b->failed = true;
	if (++b->raised < b->iters)
		hw_evq_insert(&b->sm->e->evq, ev, now + IRQB_PERIOD_NS);
}

static void irqbench_driver(struct uk_user *u, uint64_t arg)
{
	struct irqbench *b = (struct irqbench *)(uintptr_t)arg;
	long irq = uk_irq_attach_gsi(u, 3, UK_TRIGGER_LEVEL, UK_POLARITY_HIGH);
	uk_vaddr_t regs = UK_DEVMEM_VA(0);
	uint64_t seq = 0;

	if (irq < 0 || uk_devmem_map(u, b->regs_h, regs, UK_PROT_READ | UK_PROT_WRITE) != 0) {
		b->failed = true;
		return;
	}
	b->t0 = sim_bench_now_ns();
	while (b->handled < b->iters) {
		long r = uk_irq_wait(u, irq, seq);
		if (r < 0)
			break;
		seq = (uint64_t)r;
		if (uk_reg_read32(u, regs + HW_SCRIPT_STATUS) & HW_SCRIPT_STATUS_IRQ) {
			uk_reg_write32(u, regs + HW_SCRIPT_STATUS, HW_SCRIPT_STATUS_IRQ);
			if (uk_irq_ack(u, irq, seq) == 0)
				b->handled++;
		} else {
			uk_irq_nak(u, irq, seq);
		}
	}
	b->t1 = sim_bench_now_ns();
	uk_sys_handle_close(u, (uint32_t)irq);
}

static uint64_t bench_irq_episode(uint64_t iters)
{
	char err[256];
	struct sim_machine *sm;
	struct sim_machine_config cfg = {.cpus = 1, .step_bound = UINT64_MAX / 2};
	struct hw_dev_desc d = {.kind = HW_DEV_SCRIPT, .name = "irqdev", .mmio_base = IRQB_DEV,
				.mmio_size = 0x1000, .irq_mode = HW_IRQ_LEVEL, .irq_pin = 3,
				.status_mode = HW_STATUS_W1C};
	struct irqbench b = {.iters = iters ? iters : 1};
	uint64_t tid;
	int prog;

	if (sim_machine_create(&cfg, &sm, err, sizeof(err)) != 0)
		return 0;
	b.sm = sm;
	prog = uk_kernel_register_program(sm->k, "irq-driver", irqbench_driver);
	struct uk_spawn s = {.program = (unsigned)prog, .arg = (uint64_t)(uintptr_t)&b,
			     .prio = 100, .max_prio = 100, .affinity = 1, .name = "irq-driver"};
	if (hw_machine_add_device(sm->hw, &d, err, sizeof(err)) < 0 || prog < 0 ||
	    uk_kernel_spawn(sm->k, &s, &tid) != 0) {
		sim_machine_destroy(sm);
		return 0;
	}
	int rh = uk_kernel_devmem_create(sm->k, tid, IRQB_DEV, 0x1000, UK_DEVMEM_NO_PCI,
					 UK_RIGHT_READ | UK_RIGHT_WRITE | UK_RIGHT_MAP);
	if (rh < 0) {
		sim_machine_destroy(sm);
		return 0;
	}
	b.regs_h = (uint32_t)rh;
	b.dev = hw_dev_find(sm->hw, "irqdev");
	hw_event_init(&b.ev, irqbench_fire);
	hw_evq_insert(&sm->e->evq, &b.ev, 100000); /* after the driver attached */
	enum sim_result r = sim_machine_run(sm);
	sim_machine_destroy(sm);
	if (r != SIM_DONE || b.failed || b.handled != b.iters || b.t1 <= b.t0)
		return 0;
	return (b.t1 - b.t0) * iters / b.iters;
}

const struct sim_bench sim_bench_kernel[] = {
	{"syscall_null", "ns", SIM_BENCH_NS_PER_OP, bench_syscall_null,
	 "one simulated null system call (entry, dispatch, exit)"},
	{"thread_switch", "ns", SIM_BENCH_NS_PER_OP, bench_thread_switch,
	 "one simulated yield from one thread to another on the same CPU"},
	{"irq_episode", "ns", SIM_BENCH_NS_PER_OP, bench_irq_episode,
	 "one level IRQ episode on one CPU: device raise, wake the waiting driver, ACK, unmask"},
	{0},
};
