/* SPDX-License-Identifier: MIT */
/*
 * kern.h: the kernel's private types and the functions the core files share.
 *
 * Locking: everything here is protected by the kernel lock (kernel_lock),
 * except the TLB shootdown handshake (vm.c), which runs without it.
 */
#ifndef UKERN_CORE_KERN_H
#define UKERN_CORE_KERN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <ukern/arch.h>
#include <ukern/err.h>
#include <ukern/ipc.h>
#include <ukern/kernel.h>
#include <ukern/irq_model.h>
#include <ukern/xfer.h>
#include <ukern/sched.h>
#include <ukern/syscall.h>
#include <ukern/trace.h>
#include <ukern/user.h>

#include "core/list.h"

#ifdef UK_CHECKING
#define UK_CHECK(k, cond, what)                                                                 \
	do {                                                                                    \
		if (!(cond))                                                                    \
			uk_arch_fatal((k)->a, (what));                                          \
	} while (0)
#else
#define UK_CHECK(k, cond, what) ((void)0)
#endif

/* ---- kernel objects (kobj.c) ---- */

enum kobj_type {
	KOBJ_NONE = 0, KOBJ_PROCESS, KOBJ_THREAD, KOBJ_MUTEX, KOBJ_NOPREEMPT,
	/* IPC objects (ipc/ipc_internal.h) */
	KOBJ_ENDPOINT, KOBJ_REPLY, KOBJ_NTFN, KOBJ_GRANT,
	KOBJ_IRQ_SINK, /* struct irq_sink_obj (irq/irq_kobj.h) */
	KOBJ_IRQ_PORT, /* struct irq_port_obj (irq/irq_kobj.h) */
	KOBJ_DEVMEM,   /* struct devmem (devmem.c) */
	KOBJ_LAST = KOBJ_DEVMEM
};

/* Header of every object a handle can name. `refs` counts handles plus the
 * kernel's own references; the object is freed when it reaches 0. */
struct kobj {
	uint32_t type;
	uint32_t refs;    /* handles and the kernel's own holders */
	uint64_t id;
	uint32_t handles; /* handles in every process (cap.c) */
};

#define KALLOC_CLASSES 8 /* 32 .. 4096 bytes */
struct kalloc {
	void *free[KALLOC_CLASSES];
	/* Per class, the slab page being carved (0: none) and the offset of
	 * its next object: a page's objects are handed out one at a time,
	 * not threaded onto the free list all at once, so a page the kernel
	 * uses a little is written a little. */
	uk_paddr_t fresh[KALLOC_CLASSES];
	uint32_t fresh_off[KALLOC_CLASSES];
	uint64_t pages;
	uint64_t kobjs; /* objects made by kobj_init and not yet freed (leak checks) */
};

/* ---- frames (frame.c) ---- */

#define FRAME_MAX_REGIONS 16
struct frame_region {
	uk_paddr_t base;
	uint64_t pages;
	uint64_t first; /* pages below `first` hold the kernel instance */
	uint64_t next;  /* pages in [first, next) have been handed out at least once */
};
struct frame_alloc {
	struct frame_region region[FRAME_MAX_REGIONS];
	unsigned nregions;
	uk_paddr_t free_head; /* freed frames, linked through their first word; 0 = none */
	uint64_t total, free;
};

/* ---- address spaces (vm.c) ---- */

/* Software bit in a non-present PTE: demand-zero page (W and NX kept beside it). */
#define UK_PTE_SW_LAZY (1ull << 9)
/* Software bit in a present PTE: device memory (core/devmem.c), not a frame
 * of RAM: never freed, never reprotected. */
#define UK_PTE_SW_DEV (1ull << 10)

struct vspace {
	uk_paddr_t root; /* PML4 frame */
	uint16_t pcid;
	uint64_t cpu_mask; /* CPUs that may hold TLB entries tagged pcid */
	uint64_t pages;    /* present + lazy leaf pages */
	uint64_t pt_pages; /* page-table frames, root included */
};

/* One shootdown in flight (the kernel lock serialises initiators). */
struct shootdown {
	volatile uint64_t targets; /* CPUs that have not flushed yet */
	struct vspace *vs;
	bool drop; /* the space is being destroyed: CPUs still on it load empty_vs */
	uint64_t pcid;
	uk_vaddr_t va;
	uint64_t pages; /* 0: the whole PCID */
};

/* ---- handles (cap.c) ---- */

#define HANDLE_SLOTS 128
struct handle_slot {
	struct kobj *obj; /* NULL: free */
	uint32_t rights;
	uint16_t gen;
	uint64_t badge; /* endpoints: given to the receiver of a call made through it */
};

struct process {
	struct kobj o;
	struct vspace vs;
	struct handle_slot handles[HANDLE_SLOTS];
	unsigned live_threads;
	unsigned max_prio;
	bool torn_down;
	const char *name;
};

/* ---- threads (thread.c) ---- */

enum thread_state { TS_NEW = 0, TS_READY, TS_RUNNING, TS_BLOCKED, TS_DEAD };

struct mutex;

struct uk_user {
	struct uk_kernel *k;
	struct uk_thread *t;
};

struct uk_thread {
	struct kobj o;
	struct uk_sched_node sn; /* sn.prio is the effective priority */
	struct uk_user user;
	struct process *proc; /* NULL for idle threads */
	struct uk_arch_thread *ctx;
	enum thread_state state;
	unsigned base_prio;
	unsigned cpu; /* CPU running it, or last ran on */
	bool is_idle, killed, in_kernel, has_pending_fault, in_fault_handler, preempt_pending;
	unsigned program, fault_program;
	uint64_t arg, pending_fault;
	int exit_code;
	/* blocking */
	struct uk_thread *wq_next; /* link in the wait queue it is on */
	struct uk_waitq *wq;
	enum uk_wait_kind wait_kind;
	uint64_t wait_object;
	int wait_result;
	struct mutex *blocked_on; /* the mutex it waits for (PI chain) */
	struct mutex *held;       /* mutexes it owns, linked by mutex.held_next */
	struct uk_waitq joiners;
	/* IPC (ipc/): see ipc_internal.h */
	bool wq_fifo;                     /* its wait queue is FIFO: PI must not reorder it */
	struct ipc_endpoint *ipc_ep;      /* calling: queued on this endpoint */
	struct ipc_reply *ipc_reply;      /* calling: received, waiting for this reply */
	struct ipc_reply *ipc_recv_reply; /* receiving: the reply object to bind */
	struct ipc_endpoint *ipc_recv_ep; /* receiving: the endpoint it waits on */
	struct uk_thread *ipc_switch_to;  /* IPC_SWITCH: the thread to hand the CPU to */
	struct ipc_reply *ipc_serving;    /* reply objects bound to callers it serves */
	struct ipc_endpoint *ipc_served_ep; /* endpoint it last received from (PI) */
	struct uk_msg ipc_regs;           /* its message registers (ukern/ipc.h) */
	struct uk_xfer_result ipc_xres;   /* what its last transfer did */
	uint64_t ipc_badge;               /* badge of the handle it calls through */
	uint64_t futex_space, futex_uaddr;
	/* no-preemption section */
	bool np_active, np_overran;
	uint64_t np_deadline, np_budget;
	/* accounting */
	uint64_t blocked_since, blocked_total, blocked_max, blocked_count, preempted_count;
	struct list all_link;
	const char *name;
	void *platform; /* uk_user_set_platform */
};

struct mutex {
	struct kobj o;
	struct uk_thread *owner;
	struct uk_waitq waiters; /* priority order */
	struct mutex *held_next;
};

struct nopreempt_cap {
	struct kobj o;
};

/* ---- device memory (devmem.c) ---- */

/* One device's register window, made by the platform (uk_kernel_devmem_create)
 * and mapped by the drivers it was given to. */
struct devmem {
	struct kobj o;
	uk_paddr_t base; /* page-aligned */
	uint64_t size;   /* bytes; the mapping covers whole pages */
	uint32_t bdf;    /* its PCI function, UK_DEVMEM_NO_PCI for a platform device */
};

/* ---- kernel timers (timer.c) ---- */

struct ktimer;
typedef void (*ktimer_fn)(struct uk_kernel *k, struct ktimer *tm, uint64_t now);
struct ktimer {
	struct ktimer *next; /* in k->timers, by deadline */
	uint64_t deadline;   /* UINT64_MAX while not queued */
	bool queued;
	ktimer_fn fn;        /* called with the kernel lock held, interrupts off */
};
/* Deadlines from here on never come (2^63 ns, 292 years): such a timer is
 * not queued, so a CPU clock never jumps there. */
#define UK_TIMER_NEVER_FROM (1ull << 63)

/* ---- per CPU ---- */

struct cpu {
	unsigned id;
	bool started;
	bool need_resched;
	bool slice_expired; /* the pending resched is a slice end (requeue at the back) */
	struct uk_thread idle;
	struct uk_thread *current;
	struct uk_thread *reap; /* dead thread whose context the next thread destroys */
	void *sched_state;
	struct vspace *active_vs; /* root loaded in CR3 (stays loaded while idle) */
	uint64_t slice_deadline;
	unsigned nready;          /* threads in this CPU's run queue (for the trace) */
};

#define MAX_PROGRAMS 64
#define FUTEX_BUCKETS 64

struct program {
	const char *name;
	uk_user_entry_fn fn;
};

/* Power management and the platform's requests (core/pm.c). */
#define PM_MAX_REQUESTS 16
struct pm_request {
	uint32_t kind; /* enum uk_host_request */
	uint64_t a, b;
};
struct pm_state {
	bool suspended;
	uint64_t since;
	uint32_t last_wake_pin;
	/* A ring the host fills at `tail` and the kernel drains at `head`. */
	struct pm_request req[PM_MAX_REQUESTS];
	uint32_t head, tail;
};

struct uk_kernel {
	struct uk_arch *a;
	struct uk_kernel_config cfg;
	const struct uk_sched_ops *sched; /* points at sched_ops */
	struct uk_sched_ops sched_ops;
	/* Transfer strategies: the built-in ones (id i + 1 at [i]) and those
	 * the host registered, by id (ukern/xfer.h). */
	struct uk_xfer_ops xfer_builtin[3];
	/* The built-in IRQ models and behaviours (ukern/irq_model.h). */
	struct uk_irq_builtins irq_builtin;
	const struct uk_xfer_ops *xfer_extra[16];
	/* The kernel lock: a ticket lock, so waiting CPUs are served in order
	 * (a test-and-set lock starves them when release and re-acquire cost
	 * no virtual time, as on the simulator's "time" chooser). One word:
	 * the next ticket in the high half, the one being served in the low. */
	volatile uint64_t lock_word;
	uint64_t lock_cpu; /* holder cpu + 1, 0 when free (diagnostics) */
	unsigned ncpus;
	unsigned reaps; /* CPUs with a reap pending: the switch tail's one-load test */
	uint64_t all_cpus;
	bool cpus_running; /* some CPU entered uk_kernel_cpu_main (else: host context) */
	struct frame_alloc frames;
	struct kalloc kalloc;
	uint64_t pcid_used[4096 / 64];
	uint64_t next_id;
	struct list threads; /* every thread not yet freed */
	struct uk_waitq futex[FUTEX_BUCKETS];
	struct program programs[MAX_PROGRAMS];
	unsigned nprograms;
	struct shootdown sd;
	struct vspace empty_vs; /* no user mappings, PCID 0; loaded when a space dies under a CPU */
	uk_device_irq_fn device_irq;
	void *device_irq_ctx;
	uk_syscall_ext_fn syscall_ext;
	void *syscall_ext_ctx;
	void *platform; /* uk_kernel_set_platform */
	struct uk_kernel_stats stats;
	struct ktimer *timers;   /* kernel timers, earliest first (timer.c) */
	struct irq_state *irq;   /* IRQ lines and the IRQ host (irq/irq_kobj.c); NULL until first use */
	struct pm_state pm;      /* suspend/resume and the host's requests (core/pm.c) */
	/* One per CPU of the machine: the instance is placed with room for
	 * exactly ncpus (kernel_place), not UK_MAX_CPUS, so a small machine's
	 * kernel is a few pages. */
	struct cpu cpus[];
};

/* kernel.c */
void kernel_lock(struct uk_kernel *k);
void kernel_unlock(struct uk_kernel *k);
struct cpu *this_cpu(struct uk_kernel *k);
uint64_t kernel_new_id(struct uk_kernel *k);
void kernel_interrupt(void *ctx, unsigned vector);

/* pm.c */
void pm_host_interrupt(struct uk_kernel *k);
void pm_resume(struct uk_kernel *k, uint32_t wake_pin);

/* timer.c */
void ktimer_init(struct ktimer *tm, ktimer_fn fn);
void ktimer_set(struct uk_kernel *k, struct ktimer *tm, uint64_t deadline);
void ktimer_cancel(struct uk_kernel *k, struct ktimer *tm);
uint64_t ktimer_next(struct uk_kernel *k);
void ktimer_run(struct uk_kernel *k, uint64_t now);
void cpu_timer_program(struct uk_kernel *k, struct cpu *c);
int ktimer_sleep_until(struct uk_kernel *k, uint64_t deadline);

/* frame.c */
void frame_init(struct uk_kernel *k, uk_paddr_t skip_base, uint64_t skip_pages);
int frame_alloc(struct uk_kernel *k, uk_paddr_t *pa);     /* zeroed frame */
void frame_free(struct uk_kernel *k, uk_paddr_t pa);
void *frame_ptr(struct uk_kernel *k, uk_paddr_t pa);      /* direct map of one frame */

/* kobj.c */
void *kalloc(struct uk_kernel *k, size_t size);           /* zeroed, <= 4096, NULL when out */
void kfree(struct uk_kernel *k, void *p, size_t size);
void kobj_init(struct uk_kernel *k, struct kobj *o, enum kobj_type type);
void kobj_get(struct kobj *o);
void kobj_put(struct uk_kernel *k, struct kobj *o);       /* frees at 0 */
/* Free an object kobj_init made that never got a handle (a failed create). */
void kobj_discard(struct uk_kernel *k, struct kobj *o, size_t size);
/* The last handle of `o` is gone (cap_close; before its kobj_put). */
void kobj_last_handle(struct uk_kernel *k, struct kobj *o);

/* vm.c */
int vm_space_init(struct uk_kernel *k, struct vspace *vs);
void vm_space_destroy(struct uk_kernel *k, struct vspace *vs);
int vm_map(struct uk_kernel *k, struct vspace *vs, uk_vaddr_t va, uint64_t len, unsigned prot,
	   unsigned flags);
int vm_unmap(struct uk_kernel *k, struct vspace *vs, uk_vaddr_t va, uint64_t len);
int vm_protect(struct uk_kernel *k, struct vspace *vs, uk_vaddr_t va, uint64_t len, unsigned prot);
int vm_fault(struct uk_kernel *k, struct vspace *vs, uk_vaddr_t va, uint32_t code);
uint64_t *vm_pte(struct uk_kernel *k, struct vspace *vs, uk_vaddr_t va); /* leaf PTE or NULL */
void vm_activate(struct uk_kernel *k, struct cpu *c, struct vspace *vs);
void vm_tlb_service(struct uk_kernel *k);
int vm_check_range(uk_vaddr_t va, uint64_t len);
int vm_map_device(struct uk_kernel *k, struct vspace *vs, uk_vaddr_t va, uk_paddr_t pa,
		  uint64_t pages, bool writable);
uint64_t *vm_pte_alloc(struct uk_kernel *k, struct vspace *vs, uk_vaddr_t va); /* creates tables */
void vm_flush_range(struct uk_kernel *k, struct vspace *vs, uk_vaddr_t va, uint64_t pages);

/* sched.c */
void sched_make_ready(struct uk_kernel *k, struct uk_thread *t);
void sched_make_ready_from(struct uk_kernel *k, struct uk_thread *t, unsigned waker_cpu);
void sched_block_current(struct uk_kernel *k);
void sched_handoff(struct uk_kernel *k, struct uk_thread *next);
void sched_yield_current(struct uk_kernel *k, enum uk_enqueue_how how);
_Noreturn void sched_exit_current(struct uk_kernel *k);
void sched_switch_tail(struct uk_kernel *k);
void sched_tick(struct uk_kernel *k, struct cpu *c);
void sched_set_prio(struct uk_kernel *k, struct uk_thread *t, unsigned prio);
void sched_preempt_point(struct uk_kernel *k);
void sched_idle_loop(struct uk_kernel *k, struct cpu *c);
void sched_arm_timer(struct uk_kernel *k, struct cpu *c);
void sched_check(struct uk_kernel *k);

/* thread.c */
int thread_create(struct uk_kernel *k, struct process *p, unsigned program, uint64_t arg,
		  unsigned prio, uint64_t affinity, struct uk_thread **out);
int thread_start(struct uk_kernel *k, struct uk_thread *t, unsigned waker_cpu);
_Noreturn void thread_exit_current(struct uk_kernel *k, int code);
int thread_kill(struct uk_kernel *k, struct uk_thread *t);
int thread_wait(struct uk_kernel *k, struct uk_thread *t, int *code);
int thread_set_prio(struct uk_kernel *k, struct uk_thread *t, unsigned prio);
int thread_set_affinity(struct uk_kernel *k, struct uk_thread *t, uint64_t mask);
bool thread_fault(struct uk_kernel *k, struct uk_thread *t, uk_vaddr_t addr, uint32_t code);
void thread_user_return(struct uk_kernel *k, struct uk_thread *t);
void thread_free(struct uk_kernel *k, struct uk_thread *t);
void thread_info(struct uk_thread *t, struct uk_thread_info *out);

/* waitq (mutex.c) */
int waitq_block(struct uk_kernel *k, struct uk_waitq *q, enum uk_wait_kind kind, uint64_t object);
void waitq_enqueue_current(struct uk_kernel *k, struct uk_waitq *q, enum uk_wait_kind kind,
			   uint64_t object);
int waitq_sleep(struct uk_kernel *k);
struct uk_thread *waitq_first(struct uk_waitq *q);
bool waitq_remove(struct uk_waitq *q, struct uk_thread *t);
void waitq_insert(struct uk_waitq *q, struct uk_thread *t);
void waitq_wake_thread(struct uk_kernel *k, struct uk_thread *t, int result);
void waitq_wake_prepare(struct uk_kernel *k, struct uk_thread *t, int result);

/* mutex.c */
struct mutex *mutex_create(struct uk_kernel *k);
int mutex_lock(struct uk_kernel *k, struct mutex *m, bool try_only);
int mutex_unlock(struct uk_kernel *k, struct mutex *m);
void mutex_release_all(struct uk_kernel *k, struct uk_thread *t);
void mutex_waiter_gone(struct uk_kernel *k, struct uk_thread *t);
void pi_update(struct uk_kernel *k, struct uk_thread *t);
void pi_check(struct uk_kernel *k);

/* PI over IPC (ipc/endpoint.c), used by mutex.c */
struct ipc_endpoint;
struct ipc_reply;
struct uk_msg;
unsigned ipc_pi_inherit(struct uk_thread *t, unsigned prio);
struct uk_thread *ipc_pi_next(struct uk_thread *t);
void ipc_waiter_gone(struct uk_kernel *k, struct uk_thread *t);
void ipc_thread_dead(struct uk_kernel *k, struct uk_thread *t);
void ipc_kobj_free(struct uk_kernel *k, struct kobj *o);
struct uk_thread *pi_next_owner(struct uk_thread *t);

/* futex.c */
int futex_wait(struct uk_kernel *k, uk_vaddr_t uaddr, uint32_t expected);
int futex_wake(struct uk_kernel *k, uk_vaddr_t uaddr, uint32_t count);

/* nopreempt.c */
int nopreempt_begin(struct uk_kernel *k, struct uk_thread *t, uint64_t budget);
int nopreempt_end(struct uk_kernel *k, struct uk_thread *t);
bool nopreempt_blocks_preemption(struct uk_kernel *k, struct uk_thread *t);
void nopreempt_timer(struct uk_kernel *k, struct cpu *c);

/* cap.c */
int cap_install(struct uk_kernel *k, struct process *p, struct kobj *o, uint32_t rights);
int cap_install_at(struct uk_kernel *k, struct process *p, unsigned slot, struct kobj *o,
		   uint32_t rights);
int cap_lookup(struct process *p, uint64_t h, enum kobj_type type, uint32_t rights,
	       struct kobj **out);
int cap_dup(struct uk_kernel *k, struct process *p, uint64_t h, uint64_t rights);
int cap_close(struct uk_kernel *k, struct process *p, uint64_t h);
int cap_rights(struct process *p, uint64_t h);
uint64_t cap_badge(struct process *p, uint64_t h);
int cap_set_badge(struct process *p, uint64_t h, uint64_t badge);
void cap_close_all(struct uk_kernel *k, struct process *p);
void cap_check(struct uk_kernel *k, struct process *p);

/* process.c */
int process_create(struct uk_kernel *k, unsigned max_prio, const char *name, struct process **out);
void process_thread_gone(struct uk_kernel *k, struct process *p);
void process_free(struct uk_kernel *k, struct process *p);
/* The live process of thread `tid` (host calls name threads), or NULL. */
struct process *process_of_tid(struct uk_kernel *k, uint64_t tid);

/* user.c: copies for syscalls (kernel lock held); demand-zero faults are
 * resolved, anything else is UK_EFAULT (a bad syscall pointer never kills). */
int user_copy_in(struct uk_kernel *k, void *dst, uk_vaddr_t src, size_t len);
int user_copy_out(struct uk_kernel *k, uk_vaddr_t dst, const void *src, size_t len);
void user_deliver_fault(struct uk_user *u);
void thread_trampoline(void *arg);

/* irq/irq_kobj.c: device vectors that belong to an IRQ line (false: not
 * ours), and the end of a sink object (detach; an owed answer is a NAK). */
struct irq_sink_obj;
bool irq_interrupt(struct uk_kernel *k, unsigned vector);
void irq_sink_free(struct uk_kernel *k, struct irq_sink_obj *s);
/* The last handle of a sink was closed; others may still hold it. */
void irq_sink_last_handle(struct uk_kernel *k, struct irq_sink_obj *s);
struct irq_port_obj;
void irq_port_free(struct uk_kernel *k, struct irq_port_obj *p);
/* Suspend (on) or resume every line (UK_IRQ_MASK_SUSPEND on lines that may
 * not wake the machine); at resume the interrupts kept meanwhile are
 * delivered. Returns the number of wake lines. */
unsigned irq_pm_suspend(struct uk_kernel *k, bool on);
unsigned irq_wake_lines(struct uk_kernel *k);
/* UK_HOST_ROUTE: route line (src, source) to `cpu` (irq_set_affinity). */
int irq_host_route(struct uk_kernel *k, unsigned src, unsigned source, unsigned cpu);

/* sched.c: the run queue of CPU `cpu` through the policy, counted and
 * traced (UK_TRACE_CORE_RUNQ) so timelines can show queue lengths. */
void rq_enqueue(struct uk_kernel *k, unsigned cpu, struct uk_sched_node *n, enum uk_enqueue_how how);
void rq_dequeue(struct uk_kernel *k, unsigned cpu, struct uk_sched_node *n);
struct uk_sched_node *rq_pick(struct uk_kernel *k, unsigned cpu);

/* syscall.c */
long syscall_dispatch(struct uk_kernel *k, struct uk_thread *t, unsigned nr, const uint64_t a[6]);
long devmem_syscall(struct uk_kernel *k, struct uk_thread *t, unsigned nr, const uint64_t a[6]);

/* The IRQ object calls (UK_SYS_IRQ_FIRST..LAST), in irq/sys_irq.c, and the
 * IPC and transfer calls (UK_SYS_IPC_FIRST..LAST), in ipc/sys_ipc.c. Called
 * with the kernel lock held, like every syscall. */
long irq_syscall(struct uk_kernel *k, struct uk_thread *t, unsigned nr, const uint64_t a[6]);
long ipc_syscall(struct uk_kernel *k, struct uk_thread *t, unsigned nr, const uint64_t a[6]);

static inline void stat_inc(uint64_t *c) { (*c)++; }
static inline uint64_t bit64(unsigned i) { return (uint64_t)1 << i; }

#endif /* UKERN_CORE_KERN_H */
