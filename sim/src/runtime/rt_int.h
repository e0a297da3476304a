/* SPDX-License-Identifier: MIT */
/*
 * Private to the runtime: one run's state (struct sim_rt) and the pieces
 * the runtime's files share. Everything of a run hangs off its sim_rt, so
 * runs in different host threads share nothing but the read-only scenario
 * and registry.
 */
#ifndef SIM_RT_INT_H
#define SIM_RT_INT_H

#include <sim/machine.h>
#include <sim/runtime.h>
#include <ukern/irq_log.h>
#include <ukern/xfer.h>

#include "proglib.h"

struct rt_module;

/* The kernel's name of the program every scenario thread starts in (the
 * trampoline, threads.c): also the name of those threads' fibers. */
#define RT_TRAMPOLINE_NAME "scenario-thread"

/* Name equality on the path of every schedule (the build's argument blocks,
 * the judge's counters): the first byte settles most mismatches without a
 * call into the C library. */
#define RT_NAME_IS(a, b) ((a)[0] == (b)[0] && strcmp((a), (b)) == 0)

struct sim_registry {
	struct sim_program *progs;
	struct uks_program_spec *specs; /* the same programs, as the catalog wants them */
	size_t n, cap;
	struct rt_module *modules;
	/* Policies (policy.c): built-in first, then loaded ones. */
	struct sim_policy *policies;
	size_t npolicies, cappolicies;
	const char **policy_names[SIM_POLICY_KINDS + 1]; /* NULL-terminated, per kind */
	size_t npolicy_names[SIM_POLICY_KINDS + 1];
	/* The built-in tables, filled into the registry's own storage. */
	struct uk_sched_ops sched_fixed;
	struct uk_irq_builtins irq;
	struct uk_xfer_ops xfer[UK_XFER_BUILTINS];
};

int rt_registry_add(struct sim_registry *r, const struct sim_program *p, const char *origin,
		    char *err, size_t errlen);
void rt_registry_unload(struct sim_registry *r);
/* policy.c */
int rt_policy_add(struct sim_registry *r, const struct sim_policy *p, const char *origin,
		  char *err, size_t errlen);
int rt_policies_builtin(struct sim_registry *r, char *err, size_t errlen);
int rt_policies_load(struct sim_registry *r, const struct sim_policy *tab, const char *path,
		     char *err, size_t errlen);
void rt_policies_free(struct sim_registry *r);
struct sim_program rt_builtin_with_spec(const struct sim_program *p);
/* The program a thread runs: its own by name, or for `native-driver` the
 * native driver the IRQ model of its device's line names (native.c).
 * NULL with a message in `why`. */
const struct sim_program *rt_thread_program(const struct uks_scenario *s,
					    const struct sim_registry *r,
					    const struct uks_thread *t, char *why, size_t whylen);
void rt_diag_set(struct uks_diag *d, const struct uks_pos *pos, const char *msg);

/* A queue of assertion times waiting to be served (latencies). Served
 * entries (before head) hold their wait instead, RT_PENDING_DROPPED for
 * those a device reset dropped; `at` keeps every entry's assertion time
 * (when an expectation was first broken). */
#define RT_PENDING_DROPPED UINT64_MAX
struct rt_pending {
	uint64_t *t, *at;
	uint32_t head, tail, cap;
	uint64_t max;     /* the longest wait served so far */
};

struct rt_dev {
	struct hw_dev *hw;
	uk_paddr_t mmio;     /* its register window, for the device memory objects */
	uint64_t mmio_size;
	int pin_id;          /* in the IRQ log, or -1 (found after the run) */
	bool drop_next;      /* drop-edge fault armed */
	uint64_t delay_next; /* delay fault armed (ns) */
	uint64_t woken, claims, acks, naks, kicks, handled, spurious, dropped, asserts;
	struct rt_pending lat_irq, lat_handled;
	/* The first attach to its line the kernel refused: error, when, whose. */
	int refused_err;
	uint64_t refused_at;
	int refused_proc, refused_cpu;
	/* Traced runs: when software cleared its status (rt_dev_take_clears),
	 * for the exports (SIM_TR_DEV_CLEAR). */
	bool note_clears;
	uint64_t *clear_at;
	uint32_t nclear, clear_cap;
};

#define RT_MAX_MUTEXES 8

struct rt_proc {
	struct sim_rt *rt;
	int index;
	size_t first_thread;         /* index into sim_rt.thr */
	uint64_t first_tid;
	uint32_t thread_h[UKS_MAX_THREADS]; /* handles made by thread 0 (0 for itself) */
	struct { const char *name; uint32_t h; } mutex[RT_MAX_MUTEXES];
	unsigned nmutex;
	uint32_t *ep_handle;         /* per scenario endpoint (0: none) */
	uint32_t *dev_handle;        /* per scenario device: its device memory (0: none) */
	int kill_action;             /* earliest kill of this process, or -1 */
	uint64_t np_budget;
	uint32_t reaper_tag;         /* check bits of its kill thread's argument */
	bool reaper_started;
	uint64_t rejected, faults, overruns, exits, wakeup_max, nopreempt_max;
};

/* One scenario thread, as the runtime knows it. Its program never sees
 * this: it gets the thread's user handle, and the thread's argument block
 * in its own memory (ukern/progargs.h). The trampoline attaches it to the
 * kernel thread (uk_user_set_platform) for the runtime's services. */
struct rt_thread {
	struct sim_rt *rt;
	int proc, thread;
	const struct uks_thread *ut;
	const struct sim_program *prog;
	uint64_t tid;
	uint32_t tag;    /* check bits of its trampoline argument (rt_thread_arg) */
	bool started;    /* a trampoline took it: any later start is refused */
	/* The fiber it runs on, noted when it starts: a crash or hang report
	 * finds the running thread by the engine's current fiber (where.c). */
	const struct sim_fiber *fiber;
	uint64_t start_no; /* 1 for the first thread started in the run, ... */
	bool idle;
	/* Its argument block, built before the run (rt->blocks). */
	unsigned char *block;
	uint32_t block_size;
	/* The program's view: the block as read back from its user memory at
	 * its first data call (1), unusable (-1), not read yet (0). */
	int view;
	unsigned char *cache; /* block_size bytes */
};

struct rt_action {
	struct hw_event ev;
	struct sim_rt *rt;
	uint32_t idx;
	uint64_t when;
	bool fired;
};

struct rt_ep {
	uint64_t ipc_max, copied, calls;
};

/* A count expectation with an upper bound on a counter the runtime keeps
 * (handled, acks, naks, spurious, dropped edges, rejected calls, faults):
 * the time the counter first reached `n`, the value that breaks the bound,
 * so a failed expectation points at the event that broke it. */
/* Latency expectations (`ipc`, `wakeup`, `nopreempt`) with an upper bound
 * are watched too: the first measured interval longer than the bound
 * broke it when the bound ran out (its start + the bound). */
enum rt_lat { RT_LAT_NONE, RT_LAT_IPC, RT_LAT_WAKEUP, RT_LAT_NOPREEMPT };

struct rt_watch {
	enum rt_lat lat; /* a latency watch, or RT_LAT_NONE for a count */
	bool proc;  /* a process counter (struct rt_proc), else a device's */
	size_t off; /* the counter's offset in its struct */
	int ref;    /* the device, process or endpoint, or -1 for the total (any) */
	uint64_t n; /* count: the value that breaks; latency: the bound */
	bool lt;    /* latency: `<` (else `<=`) */
	uint64_t at; /* UINT64_MAX until reached */
	uint64_t value; /* latency: the interval that broke it */
};

struct sim_rt {
	const struct uks_scenario *s;
	const struct sim_registry *reg;
	struct sim_machine *sm;
	void *tables;               /* one block holding dev, proc, thr, act, ep and handles */
	struct rt_dev *dev;
	struct rt_proc *proc;
	struct rt_thread *thr;
	size_t nthr;
	unsigned char *blocks;      /* every thread's argument block, then its view's cache */
	struct rt_action *act;
	struct rt_ep *ep;
	struct hw_event start_ev;
	int tramp_prog, reaper_prog;
	uint64_t starts;            /* scenario threads started so far */
	uint64_t last_action_ns;
	uint64_t actions_fired, last_fired_ns;
	uint64_t host_refused; /* route/suspend/resume requests the kernel's queue refused */
	struct uk_irq_log log;
	struct uk_irq_event *logbuf;
	uint64_t *pend_store;       /* backing store of every rt_pending */
	struct rt_watch *watch;     /* see struct rt_watch */
	size_t nwatch;
	char err[512];
	bool bad_scenario; /* err is about the scenario, not the simulator */
};

/* build.c */
int rt_build(struct sim_rt *rt, const struct uks_scenario *s, const struct sim_runtime_options *o,
	     const struct sim_engine_config *ecfg, uint64_t seed);
void rt_destroy(struct sim_rt *rt);
/* timeline.c */
int rt_timeline_arm(struct sim_rt *rt);
void rt_pending_push(struct rt_pending *p, uint64_t t);
void rt_pending_serve(struct rt_pending *p, uint64_t now);
void rt_pending_drop(struct rt_pending *p);
/* `latency irq(D)`: serve D's assertions with the first clear of its
 * status since the last look (script and block devices), before anything
 * else happens to D and when the run is judged. */
void rt_dev_take_clears(struct rt_dev *d);
bool rt_dev_reports_clears(const struct rt_dev *d);
/* args.c */
int rt_args_build(struct sim_rt *rt);
/* where.c: the run in progress on this host thread, around the engine's
 * run (set and cleared by sim_runtime_run). */
void rt_where_enter(struct sim_rt *rt);
void rt_where_leave(void);
/* threads.c */
uint64_t rt_thread_arg(const struct rt_thread *c);
uint64_t rt_reaper_arg(const struct rt_proc *rp);
void rt_threads_tag(struct sim_rt *rt);
void rt_thread_main(struct uk_user *u, uint64_t arg);
void rt_reaper_main(struct uk_user *u, uint64_t arg);
/* judge.c */
void rt_judge(struct sim_rt *rt, enum sim_result res, struct sim_run_report *out);
int rt_watches_build(struct sim_rt *rt);
/* A kept counter (at `off` in a struct rt_dev, or struct rt_proc when
 * `proc`) went up: note the time on the watches it reached. */
void rt_count_hit_slow(struct sim_rt *rt, bool proc, size_t off);
static inline void rt_count_hit(struct sim_rt *rt, bool proc, size_t off)
{
	if (rt->nwatch)
		rt_count_hit_slow(rt, proc, off);
}
/* A latency of `kind` was measured for device/process/endpoint `ref`. */
void rt_lat_hit_slow(struct sim_rt *rt, enum rt_lat kind, int ref, uint64_t value);
static inline void rt_lat_hit(struct sim_rt *rt, enum rt_lat kind, int ref, uint64_t value)
{
	if (rt->nwatch)
		rt_lat_hit_slow(rt, kind, ref, value);
}
void rt_fill_stats(const struct sim_rt *rt, const struct uk_kernel_stats *st,
		   struct sim_run_report *out);
uint64_t rt_stat_walks(const struct uk_kernel_stats *st);
/* rt_names.c: the scenario's names for the ids of a traced run's records
 * (out->names), after the run. */
int rt_names(struct sim_rt *rt, struct sim_run_report *out);
/* violations.c */
/* A blocked thread that waits for input (an idle server or driver): no
 * deadlock when nothing else is left (sim_machine.waits_for_input). */
bool rt_waits_for_input(void *rt, uint64_t tid);
enum sim_result rt_classify(struct sim_rt *rt, enum sim_result res);
uint64_t rt_end_time(const struct sim_rt *rt);
bool rt_expected(const struct uks_scenario *s, const char *id);
void rt_collect_violations(struct sim_rt *rt, struct sim_run_report *out);
uint64_t rt_irq_signature(const struct sim_rt *rt);
/* The mutex a thread's program uses, by name (the programs that take one
 * default to "m"); NULL for none (args.c). */
const char *rt_thread_mutex_name(const struct uks_thread *t);
/* programs_*.c: the drivers and their shared steps are declared in
 * proglib.h (portable: the metal image builds them too); native.c: */
void rt_prog_native_driver(struct uk_user *u);
/* drivers/: the IRQ models' native drivers */
void rt_driver_linux(struct uk_user *u);
void rt_driver_fiasco(struct uk_user *u);
void rt_driver_zircon(struct uk_user *u);
void rt_driver_sel4(struct uk_user *u);
void rt_prog_load(struct uk_user *u);
void rt_prog_spinner(struct uk_user *u);
void rt_prog_mutex_holder(struct uk_user *u);
void rt_prog_mutex_waiter(struct uk_user *u);
void rt_prog_nopreempt_driver(struct uk_user *u);
void rt_prog_vfs_client(struct uk_user *u);
void rt_prog_vfs_server(struct uk_user *u);
void rt_prog_fs_server(struct uk_user *u);
void rt_prog_pci_server(struct uk_user *u);
void rt_prog_pci_driver(struct uk_user *u);
/* ipc glue (rt_ipc.c) */
int rt_ipc_setup(struct sim_rt *rt);
const struct uk_xfer_ops *rt_xfer(const struct sim_rt *rt, const char *name);

#endif /* SIM_RT_INT_H */
