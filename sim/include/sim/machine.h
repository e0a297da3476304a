/* SPDX-License-Identifier: MIT */
/*
 * A whole simulated computer: the engine, the machine model, the arch.h
 * implementation joining them, and a kernel booted on it.
 *
 *   sim_machine_create()  engine + hwmodel machine + kernel (uk_kernel_create)
 *   uk_kernel_register_program / uk_kernel_spawn on sm->k, devices on sm->hw
 *   sim_machine_run()     every CPU runs uk_kernel_cpu_main until the run ends
 *
 * The run ends as the engine decides (sim/engine.h): done when every thread
 * has exited and nothing is pending, deadlock when threads wait on each
 * other with nothing left to wake them (the message names each thread and
 * what it waits on), livelock at the step bound, or at the time limit.
 */
#ifndef SIM_MACHINE_H
#define SIM_MACHINE_H

#include <hwmodel/hw.h>
#include <sim/engine.h>
#include <ukern/kernel.h>

struct sim_machine_config {
	unsigned cpus;              /* default 1 */
	uint64_t ram_bytes;         /* default 64 MiB */
	const char *cost_preset;    /* default "skylake" */
	unsigned tlb_entries;       /* default 64 */
	unsigned plic_sources;      /* 0: no PLIC */
	unsigned percpu_lines;      /* 0: no per-CPU controller; else local lines per CPU */
	unsigned msi_sources;       /* MSI sources; 0: 32 */
	uint64_t seed;
	const char *chooser;        /* "time" (default), "random" */
	const struct sim_chooser_ops *chooser_ops; /* overrides `chooser` (the explorer's) */
	void *chooser_state;
	struct sim_stack_pool *stack_pool; /* reuse fiber stacks across runs (optional) */
	struct hw_ram_cache *ram_cache;    /* reuse simulated RAM across runs (optional) */
	uint64_t race_window_ns;
	uint64_t step_bound;        /* 0: engine default */
	uint64_t stop_time_ns;      /* 0: none */
	size_t trace_limit;         /* records kept in memory; 0: hash only */
	bool record_decisions;
	bool no_trace_hash;         /* see sim_engine_config */
	const struct uk_kernel_config *kernel; /* NULL: defaults */
};

struct sim_machine {
	struct sim_engine *e;
	struct hw_machine *hw;
	struct uk_arch *arch;
	struct uk_kernel *k;
	/* Optional: a blocked thread for which this returns true waits for
	 * input (a server between requests, a driver between interrupts) and
	 * does not make a quiet end a deadlock; the deadlock description
	 * still lists it. */
	bool (*waits_for_input)(void *ctx, uint64_t tid);
	void *waits_ctx;
};

/* Build and boot-prepare a machine. Returns 0, or -1 with a reason in err. */
int sim_machine_create(const struct sim_machine_config *cfg, struct sim_machine **out, char *err,
		       size_t errlen);
enum sim_result sim_machine_run(struct sim_machine *sm);
void sim_machine_destroy(struct sim_machine *sm);

/* Internal: the arch.h implementation (arch_sim.c). */
struct uk_arch *sim_arch_create(struct sim_engine *e, struct hw_machine *hw);
void sim_arch_destroy(struct uk_arch *a);
/* Power every CPU on, each running `boot(ctx)` on its boot context. */
int sim_arch_boot(struct uk_arch *a, void (*boot)(void *ctx), void *ctx);
/* Decision points are no-ops until the run starts (kernel creation happens
 * on the host, outside any CPU). */
void sim_arch_set_running(struct uk_arch *a, bool running);
/* The host callbacks hwmodel needs, bound to engine `e`. */
struct hw_host sim_arch_hw_host(struct sim_engine *e);

#endif /* SIM_MACHINE_H */
