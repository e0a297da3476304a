/* SPDX-License-Identifier: MIT */
/*
 * kernel.h: the kernel instance and what a platform calls.
 *
 * Life of a kernel on a platform (sim/ or bare metal), see docs/kernel.md:
 *
 *  1. uk_kernel_create(a, &cfg, &k) once, before any CPU runs kernel code
 *     (on the simulator: on the host before the run). It reads the CPU count
 *     and the RAM regions through arch.h, carves the kernel instance out of
 *     the first RAM region large enough (no caller memory, no malloc), builds
 *     the frame allocator over the rest, and registers the kernel's interrupt
 *     entry with uk_arch_set_interrupt_handler.
 *  2. uk_kernel_register_program() for every user program, and
 *     uk_kernel_spawn() for the processes that exist at boot. Both take no
 *     lock: call them before the run or while the machine is stopped (no
 *     CPU inside the kernel). A spawn on a running machine wakes the chosen
 *     CPU with a resched IPI.
 *  3. On every CPU, on its boot context: uk_kernel_cpu_main(k). It never
 *     returns: it is that CPU's idle loop (pick a thread and switch to it;
 *     uk_arch_halt when nothing is runnable).
 *
 * While CPUs run, the kernel serialises itself with one kernel lock (a word
 * taken with uk_arch_atomic_cas, held with interrupts disabled and handed
 * over across thread switches, as in xv6). Interrupts are only enabled while
 * a thread runs user code (between syscalls, inside the user memory
 * accessors) and while the idle loop halts.
 *
 * The host-side inspection calls (stats, thread_info, describe_blocked) take
 * no lock: call them when the machine is stopped (between engine steps).
 */
#ifndef UKERN_KERNEL_H
#define UKERN_KERNEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <ukern/arch.h>
#include <ukern/err.h>
#include <ukern/sched.h>
#include <ukern/trace.h>
#include <ukern/user.h>

struct uk_kernel;

struct uk_xfer_ops;

#define UK_XFER_MAX_IDS 16u /* transfer strategy ids (endpoint flags carry 4 bits) */

struct uk_kernel_config {
	const struct uk_sched_ops *sched; /* NULL: the fixed-priority policy; copied */
	uint64_t timeslice_ns;            /* round-robin slice; default 1 ms */
	bool priority_inheritance;        /* default true; false for comparison runs */
	unsigned pi_max_depth;            /* longest chain a boost follows; default 8 */
	uint64_t nopreempt_max_ns;        /* largest budget a section may declare; default 1 ms */
	const struct uk_xfer_ops *xfer;   /* transfer strategy of endpoints that name none
					   * (ukern/xfer.h); NULL: physmap */
	bool ipc_handoff;                 /* default true: a call or reply-and-receive
					   * switches straight to the thread it wakes
					   * when nothing queued on the CPU outranks
					   * it (docs/ipc.md); false: through the
					   * run queue, for comparison runs */
};

/* Fill `cfg` with the defaults above. */
void uk_kernel_config_default(struct uk_kernel_config *cfg);

/* Create the kernel on platform `a` (step 1 above). `cfg` may be NULL for the
 * defaults. Returns 0 and sets *out; UK_ENOMEM if no RAM region holds the
 * kernel instance or the per-CPU state; UK_EINVAL for a bad config. */
int uk_kernel_create(struct uk_arch *a, const struct uk_kernel_config *cfg, struct uk_kernel **out);

/* The idle loop of the calling CPU (step 3). Never returns. */
_Noreturn void uk_kernel_cpu_main(struct uk_kernel *k);

struct uk_arch *uk_kernel_arch(struct uk_kernel *k);

/* Register a user program; returns its number (>= 0) or UK_ENOMEM when the
 * table (64 programs) is full. `name` must outlive the kernel. */
int uk_kernel_register_program(struct uk_kernel *k, const char *name, uk_user_entry_fn fn);

#define UK_SPAWN_NOPREEMPT (1u << 0) /* give the process UK_HANDLE_NOPREEMPT */

struct uk_spawn {
	unsigned program;  /* from uk_kernel_register_program */
	uint64_t arg;
	unsigned prio;     /* priority of the first thread */
	unsigned max_prio; /* highest priority its threads may take (>= prio) */
	uint64_t affinity; /* 0: all CPUs */
	uint32_t flags;    /* UK_SPAWN_* */
	const char *name;  /* for traces and describe_blocked; may be NULL */
};

/* Create a process (address space, handle table) with one runnable thread.
 * Returns 0 and the thread id in *tid; UK_EINVAL, UK_ENOMEM. */
int uk_kernel_spawn(struct uk_kernel *k, const struct uk_spawn *s, uint64_t *tid);

/* Platform pointers (host side): one of the kernel and one of each thread,
 * for the platform's own trusted code that runs as a user program (the
 * simulator's runtime: the trampoline every scenario thread starts in and
 * the services it offers programs). The kernel never reads them and no
 * system call reaches them, so a program cannot hand one to the platform
 * as an argument. All are NULL until set; a thread's starts NULL. */
void uk_kernel_set_platform(struct uk_kernel *k, void *p);
void *uk_user_kernel_platform(struct uk_user *u);
void uk_user_set_platform(struct uk_user *u, void *p);
void *uk_user_platform(struct uk_user *u);

/* Counters for the simulator to print. */
struct uk_kernel_stats {
	uint64_t syscalls, syscall_errors;
	uint64_t switches, preemptions, idle_halts;
	uint64_t ipis_sent, resched_ipis;
	uint64_t tlb_shootdowns, tlb_shootdown_ipis, tlb_flushes;
	uint64_t page_faults, demand_zero_fills, user_faults_handled, user_faults_killed;
	uint64_t pi_boosts, pi_depth_limited;
	uint64_t nopreempt_sections, nopreempt_overruns, nopreempt_deferred_preemptions;
	uint64_t threads_created, threads_exited, threads_killed;
	uint64_t futex_waits, futex_wakes;
	uint64_t timer_ticks, device_irqs, spurious_irqs;
	uint64_t frames_total, frames_free;
	/* Kernel timers and sleeps. */
	uint64_t kernel_timers_fired, sleeps;
	/* IRQ objects (docs/irq.md): episodes started, reports, invariant
	 * violations found by the checking build, interrupts on vectors that
	 * map to no line. */
	uint64_t irq_episodes, irq_nobody_cared, irq_ack_timeouts, irq_disabled;
	uint64_t irq_violations, irq_unrouted;
	/* Runtime affinity (irq_set_affinity, the host's route requests):
	 * lines moved to another CPU, and moves that waited for an episode
	 * to end. */
	uint64_t irq_moves, irq_moves_deferred;
	/* Power management (core/pm.c): suspends, resumes (any cause), resumes
	 * caused by a wake line's interrupt, and interrupts of lines that may
	 * not wake the machine, kept while it slept and delivered at resume. */
	uint64_t suspends, resumes, wakeups, irq_held_suspended;
	/* IPC (docs/ipc.md). xfer[s] counts strategy s: 1 physmap, 2 window, 3 grant,
	 * 4.. the strategies registered with uk_kernel_xfer_register. */
	uint64_t ipc_calls, ipc_replies, ipc_receives, ntfn_signals;
	uint64_t ipc_handoffs; /* direct switches to the woken thread (cfg.ipc_handoff) */
	struct uk_xfer_stats {
		uint64_t transfers, bytes, copies, walks, tlb_invalidations, shootdown_ipis;
		uint64_t faults;           /* client pages faulted in (demand-zero) */
		uint64_t failed;           /* transfers that returned an error */
		uint64_t max_nopreempt_ns; /* longest transfer, virtual ns, kernel lock held */
	} xfer[UK_XFER_MAX_IDS];
	/* Kernel memory, for leak checks (core/kobj.c): objects a handle can
	 * name (processes, threads, mutexes, IPC and IRQ objects) made and not
	 * yet freed, and the frames the object allocator holds (it never gives
	 * a page back, so frames_free + kalloc_pages only changes with user
	 * memory, page tables and kernel frames other than objects). */
	uint64_t kobjs_live, kalloc_pages;
};
void uk_kernel_get_stats(struct uk_kernel *k, struct uk_kernel_stats *out);

enum uk_thread_state_kind {
	UK_THREAD_NEW = 0, UK_THREAD_READY, UK_THREAD_RUNNING, UK_THREAD_BLOCKED, UK_THREAD_DEAD,
};

/* What a blocked thread waits for. */
enum uk_wait_kind {
	UK_WAIT_NONE = 0,
	UK_WAIT_MUTEX,  /* object = mutex id, owner = owning thread id */
	UK_WAIT_FUTEX,  /* object = user address, owner = 0 */
	UK_WAIT_JOIN,   /* object = owner = id of the thread waited for */
	UK_WAIT_OTHER,  /* an extension wait queue; object as given by it */
};

struct uk_thread_info {
	uint64_t tid, process_id;
	const char *name;
	enum uk_thread_state_kind state;
	unsigned base_prio, eff_prio, cpu;
	enum uk_wait_kind wait_kind;
	uint64_t wait_object, wait_owner;
	uint64_t blocked_ns_total; /* virtual ns spent blocked, all waits */
	uint64_t blocked_ns_max;   /* longest single wait */
	uint64_t blocked_count;
	uint64_t preempted_count;  /* times taken off a CPU while runnable */
	int exit_code;             /* valid when DEAD */
	bool killed;
};

/* Info about thread `tid`; UK_ENOENT if there is no such thread (dead
 * threads stay known while a handle references them). */
int uk_kernel_thread_info(struct uk_kernel *k, uint64_t tid, struct uk_thread_info *out);

/* Enumerate every blocked thread with what it waits on, for deadlock
 * reports ("thread 7 waits on mutex 3 held by thread 5"). Returns the count. */
typedef void (*uk_blocked_fn)(void *ctx, const struct uk_thread_info *t);
unsigned uk_kernel_describe_blocked(struct uk_kernel *k, uk_blocked_fn fn, void *ctx);

/* Threads that are ready or running (0 with threads blocked = deadlock). */
unsigned uk_kernel_runnable_count(struct uk_kernel *k);
/* Threads not yet dead. */
unsigned uk_kernel_live_count(struct uk_kernel *k);

/* Device interrupts (vectors UK_VEC_FIRST_DEVICE..UK_VEC_LAST_DEVICE) go to
 * this hook, called on the interrupted CPU with the kernel lock held and
 * interrupts disabled; the kernel sends the LAPIC EOI after it returns. The
 * hook may wake threads (uk_waitq_wake). Without a hook they are counted as
 * spurious. */
typedef void (*uk_device_irq_fn)(void *ctx, struct uk_kernel *k, unsigned vector);
void uk_kernel_set_device_irq_handler(struct uk_kernel *k, uk_device_irq_fn fn, void *ctx);

/* Extension system calls UK_SYS_EXT_FIRST..UK_SYS_EXT_LAST go to this hook,
 * called with the kernel lock held; `tid` is the caller. It returns like a
 * syscall (>= 0 or a negative uk_err) and may block with uk_waitq_block. */
typedef long (*uk_syscall_ext_fn)(void *ctx, struct uk_kernel *k, struct uk_user *u, unsigned nr,
				  const uint64_t args[6]);
void uk_kernel_set_syscall_extension(struct uk_kernel *k, uk_syscall_ext_fn fn, void *ctx);

/* A kernel wait queue for extensions (IRQ sinks, IPC endpoints). Waiters are
 * kept in priority order. Zero-initialised is empty. Both calls need the
 * kernel lock (inside a syscall extension or the device hook). */
struct uk_waitq {
	void *first; /* private */
};
/* Block the calling thread (u) until woken. Returns the value given to
 * uk_waitq_wake, or UK_EKILLED when the thread was killed meanwhile. */
int uk_waitq_block(struct uk_kernel *k, struct uk_user *u, struct uk_waitq *q, uint64_t object_id);
/* Wake up to `max` waiters, highest priority first, making their
 * uk_waitq_block return `result`. Returns how many were woken. */
unsigned uk_waitq_wake(struct uk_kernel *k, struct uk_waitq *q, unsigned max, int result);

/* IRQ objects, host side (machine stopped, like the inspection calls).
 * Lines and sinks are made by the attach syscall (ukern/irq_sys.h). */
struct uk_irq_log;
/* Append every IRQ event to `log` (ukern/irq_log.h) for the liveness
 * checker; NULL stops. The buffer must outlive the run. UK_ENOMEM. */
int uk_kernel_irq_set_log(struct uk_kernel *k, struct uk_irq_log *log);
/* ACK timeout (0: off; default 1 s) and the NAK-on-behalf policy. */
int uk_kernel_irq_set_policy(struct uk_kernel *k, uint64_t ack_timeout_ns, bool nak_on_timeout);
/* The IRQ model lines made from now on follow (ukern/irq_model.h; the
 * table must outlive the kernel). UK_EINVAL for NULL or an invalid table. */
struct uk_irq_model_ops;
struct uk_irq_behaviour;
int uk_kernel_irq_set_model(struct uk_kernel *k, const struct uk_irq_model_ops *model);
/* One line's own model (NULL: the kernel's) and controller behaviour
 * (NULL: the controller's defaults), for the line `source` of kind `src`
 * (enum uk_irq_source of ukern/irq_sys.h) when it is made. Setting a line
 * again replaces its settings. UK_EINVAL for a bad kind or table,
 * UK_ENOMEM when 64 lines have settings already. */
int uk_kernel_irq_set_line(struct uk_kernel *k, unsigned src, unsigned source,
			   const struct uk_irq_model_ops *model, const struct uk_irq_behaviour *b);
/* The models' settings (struct uk_irq_host.model_param): `n` values from
 * index 0, each 0 for the model's default. UK_EINVAL for n > 4. */
int uk_kernel_irq_set_model_params(struct uk_kernel *k, const uint64_t *p, unsigned n);
/* The liveness properties (UK_IRQ_LIVE bits) that the model of the pin
 * with trace id `pin_id` keeps; all of them for an unknown pin. */
uint32_t uk_kernel_irq_pin_liveness(struct uk_kernel *k, uint32_t pin_id);
/* IRQ invariant violations so far (checking builds); the first one's text
 * goes to buf (empty when none). A violation never stops the run: it is
 * counted, traced (UK_TRACE_IRQ_VIOLATION) and kept here. */
uint64_t uk_kernel_irq_violation(struct uk_kernel *k, char *buf, size_t len);
#define UK_TRACE_IRQ_VIOLATION (UK_TRACE_IRQ_BASE + 0x80) /* [invariant, pin, sink] */
/* A line's CPU: [pin, cpu, 0 moved now / 1 move waits for the episode's
 * end]; also when a line is first routed ([pin, cpu, 2]). */
#define UK_TRACE_IRQ_ROUTE (UK_TRACE_IRQ_BASE + 0x81)
/* A line's wake setting changed: [pin, on, 0]. */
#define UK_TRACE_IRQ_WAKE (UK_TRACE_IRQ_BASE + 0x82)

/* ---- requests of the platform (power button, management controller) ----
 *
 * The host queues a request and then sends UK_VEC_HOST to CPU 0 (any CPU
 * will do); the kernel carries it out in that interrupt, under its lock,
 * so a request never cuts into a kernel operation. Up to 16 wait. */
enum uk_host_request {
	/* Suspend to RAM: no CPU runs user threads or kernel timers, lines
	 * that may not wake the machine are masked (UK_IRQ_MASK_SUSPEND).
	 * An interrupt of a wake line, or UK_HOST_RESUME, resumes. */
	UK_HOST_SUSPEND = 1,
	UK_HOST_RESUME = 2,
	/* Route a line to a CPU, as irq_set_affinity does: a = (source kind
	 * << 32) | source (ukern/irq_sys.h), b = the CPU. A line not made yet
	 * is routed there when it is. */
	UK_HOST_ROUTE = 3,
};
/* UK_EINVAL for an unknown kind or a CPU out of range, UK_ENOMEM when 16
 * requests wait already. Host side (machine stopped between two steps). */
int uk_kernel_host_request(struct uk_kernel *k, enum uk_host_request kind, uint64_t a, uint64_t b);

/* The machine's power state, host side. */
struct uk_pm_info {
	bool suspended;
	uint64_t since_ns;     /* when the current (or last) suspend began */
	unsigned wake_lines;   /* lines now allowed to wake the machine */
	uint64_t suspends, resumes, wakeups;
	uint32_t last_wake_pin; /* pin id whose interrupt resumed last, or UINT32_MAX */
};
void uk_kernel_pm_info(struct uk_kernel *k, struct uk_pm_info *out);

/* Mark the line `source` of kind `src` as one that may wake a suspended
 * machine (Linux's enable_irq_wake), now or when it is made. UK_EINVAL,
 * UK_ENOMEM as uk_kernel_irq_set_line. */
int uk_kernel_irq_set_line_wake(struct uk_kernel *k, unsigned src, unsigned source, bool on);

/* Trace kinds of the core (uk_arch_trace). Arguments in brackets. */
#define UK_TRACE_CORE_SWITCH (UK_TRACE_CORE_BASE + 0x01)     /* [cpu, from tid, to tid] */
#define UK_TRACE_CORE_PREEMPT (UK_TRACE_CORE_BASE + 0x02)    /* [cpu, tid, by prio] */
#define UK_TRACE_CORE_WAKE (UK_TRACE_CORE_BASE + 0x03)       /* [tid, cpu, waker cpu]; none when
								* an IPC hand-off switches
								* straight to the woken thread */
#define UK_TRACE_CORE_BLOCK (UK_TRACE_CORE_BASE + 0x04)      /* [tid, wait kind, object] */
#define UK_TRACE_CORE_EXIT (UK_TRACE_CORE_BASE + 0x05)       /* [tid, code, killed] */
#define UK_TRACE_CORE_PI_BOOST (UK_TRACE_CORE_BASE + 0x06)   /* [tid, old prio, new prio] */
#define UK_TRACE_CORE_FAULT (UK_TRACE_CORE_BASE + 0x07)      /* [tid, addr, code] */
#define UK_TRACE_CORE_SHOOTDOWN (UK_TRACE_CORE_BASE + 0x08)  /* [pcid, cpu mask, pages] */
#define UK_TRACE_CORE_NOPREEMPT (UK_TRACE_CORE_BASE + 0x09)  /* [tid, budget ns, 0 begin/1 end/2 overrun] */
#define UK_TRACE_CORE_SPAWN (UK_TRACE_CORE_BASE + 0x0a)      /* [tid, process id, prio] */
#define UK_TRACE_CORE_PM (UK_TRACE_CORE_BASE + 0x0b)         /* [1 suspend / 0 resume, wake
								* lines / waking pin (UINT32_MAX:
								* a resume request), 0] */

#endif /* UKERN_KERNEL_H */
