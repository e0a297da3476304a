/* SPDX-License-Identifier: MIT */
/*
 * arch.h: the hardware abstraction libukern is written against.
 *
 * The kernel core calls only what this header declares (plus the freestanding
 * C headers). sim/ implements it on the simulated machine of hwmodel/; a
 * bare-metal port implements the same calls on real hardware. Nothing here
 * may assume a host operating system.
 *
 * Conventions:
 *  - Every call takes the platform instance `struct uk_arch *` first. On the
 *    simulator there is one per simulation, so two simulations can run in two
 *    host threads at once; on bare metal there is exactly one.
 *  - "The current CPU" is the simulated (or real) CPU whose code makes the call.
 *  - Calls marked DECISION POINT may let other CPUs run and pending interrupts
 *    be taken before they return (in the simulator: the chooser decides).
 *    Code between two decision points is atomic with respect to other CPUs.
 *  - Calls that can fail return 0 or a negative enum uk_err (ukern/err.h).
 *  - Virtual time is in nanoseconds since the machine was reset.
 */
#ifndef UKERN_ARCH_H
#define UKERN_ARCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <ukern/err.h>

struct uk_arch;        /* the platform instance (opaque) */
struct uk_arch_thread; /* one thread's execution context: stack and saved registers (opaque) */

typedef uint64_t uk_paddr_t; /* physical address */
typedef uint64_t uk_vaddr_t; /* virtual address (user or kernel) */

#define UK_PAGE_SHIFT 12
#define UK_PAGE_SIZE ((uint64_t)1 << UK_PAGE_SHIFT)
#define UK_MAX_CPUS 64

/* ------------------------------------------------------------------------ */
/* CPU identity                                                             */
/* ------------------------------------------------------------------------ */

/* Number of CPUs the machine has; fixed after boot. */
unsigned uk_arch_cpu_count(struct uk_arch *a);

/* Index (0 .. count-1) of the current CPU. */
unsigned uk_arch_cpu_id(struct uk_arch *a);

/* ------------------------------------------------------------------------ */
/* Interrupt enable state of the current CPU                                */
/* ------------------------------------------------------------------------ */

/* Disable interrupts on the current CPU; returns whether they were enabled. */
bool uk_arch_irq_save(struct uk_arch *a);

/* Restore the state returned by uk_arch_irq_save. DECISION POINT when it
 * enables interrupts (a pending interrupt may be taken here). */
void uk_arch_irq_restore(struct uk_arch *a, bool enabled);

/* Whether interrupts are enabled on the current CPU. */
bool uk_arch_irq_enabled(struct uk_arch *a);

/* Enable interrupts and wait until one arrives (x86 "sti; hlt"), then take it
 * before returning. The simulator's idle CPUs sleep here and cost nothing
 * until a device, timer or IPI wakes them. DECISION POINT. */
void uk_arch_halt(struct uk_arch *a);

/* An explicit place where other CPUs may run and interrupts may be taken,
 * if enabled. Costs nothing on bare metal. DECISION POINT. */
void uk_arch_yield_point(struct uk_arch *a);

/* ------------------------------------------------------------------------ */
/* Spinlocks and atomics                                                    */
/* ------------------------------------------------------------------------ */

/* A spinlock. Zero-initialised means unlocked. */
typedef struct uk_spinlock {
	volatile uint32_t locked;
	uint32_t owner_cpu; /* valid while locked; for diagnostics */
} uk_spinlock_t;

/* Acquire/release a spinlock. The caller disables interrupts first when an
 * interrupt handler may take the same lock. DECISION POINTS: in the
 * simulator another CPU may run between trying and getting the lock. */
void uk_arch_spin_lock(struct uk_arch *a, uk_spinlock_t *l);
void uk_arch_spin_unlock(struct uk_arch *a, uk_spinlock_t *l);

/* One turn of a spin loop found nothing it waits for (x86 `pause`). Call
 * it at the end of each turn of a loop that only reads, through the atomics
 * below, words another CPU will change with them. The simulator uses it to
 * collapse the loop: if no CPU wrote since the turn's first atomic read,
 * the next turn would read the same values, so the CPU waits for a write
 * (or an interrupt it can take) instead of turning; the turns cost no
 * decisions and the run's end time is the same to within one turn. */
void uk_arch_spin_pause(struct uk_arch *a);

/* Sequentially consistent atomics on naturally aligned 64-bit words.
 * DECISION POINTS, so races on kernel shared data can be explored. */
uint64_t uk_arch_atomic_load(struct uk_arch *a, const volatile uint64_t *p);
void uk_arch_atomic_store(struct uk_arch *a, volatile uint64_t *p, uint64_t v);
uint64_t uk_arch_atomic_fetch_add(struct uk_arch *a, volatile uint64_t *p, uint64_t v);
/* Stores `desired` if *p == *expected and returns true; otherwise copies *p
 * into *expected and returns false. */
bool uk_arch_atomic_cas(struct uk_arch *a, volatile uint64_t *p, uint64_t *expected,
			uint64_t desired);

/* ------------------------------------------------------------------------ */
/* Threads and switching                                                    */
/* ------------------------------------------------------------------------ */

/* Create an execution context that, when first switched to, calls
 * entry(arg) on its own stack. `entry` must never return: a thread ends by
 * switching away for good (see uk_arch_thread_destroy).
 * The platform owns the stack (the simulator takes it from a pool with guard
 * pages; a bare-metal port from its kernel-stack allocator).
 * `name` is for debuggers and traces only; it may be NULL.
 * Returns 0 and sets *out, or UK_ENOMEM. */
int uk_arch_thread_create(struct uk_arch *a, void (*entry)(void *arg), void *arg,
			  const char *name, struct uk_arch_thread **out);

/* Release a context created by uk_arch_thread_create. It must not be running
 * on any CPU and must never be switched to again. */
void uk_arch_thread_destroy(struct uk_arch *a, struct uk_arch_thread *t);

/* The context the current CPU booted on. The kernel uses it as that CPU's
 * idle thread. Never destroyed. */
struct uk_arch_thread *uk_arch_boot_thread(struct uk_arch *a);

/* Switch the current CPU from `from` (which must be the running context) to
 * `to` (which must not be running anywhere). Returns when some CPU switches
 * back to `from`; that may be another CPU than the one that switched away.
 * Interrupts should be disabled across the switch; the interrupt state is a
 * property of the CPU, not of the thread. Not a decision point by itself. */
void uk_arch_thread_switch(struct uk_arch *a, struct uk_arch_thread *from,
			   struct uk_arch_thread *to);

/* ------------------------------------------------------------------------ */
/* Physical memory                                                          */
/* ------------------------------------------------------------------------ */

/* Usable RAM regions, in ascending order, for the frame allocator. Returns
 * false when `index` is past the last region. Base and size are page-aligned. */
bool uk_arch_mem_region(struct uk_arch *a, unsigned index, uk_paddr_t *base, uint64_t *size);

/* The kernel's direct map of physical memory: a pointer through which the
 * kernel reads and writes the `len` bytes at `pa`. The range must lie inside
 * one RAM region (as reported by uk_arch_mem_region), where the direct map
 * is contiguous; otherwise NULL. The kernel touches nothing outside
 * [pa, pa + len) through it, and asks for what it touches (an entry, an
 * object), not for the page around it: a platform may track what the kernel
 * wrote from these ranges (the simulator clears only those lines between
 * runs, and its checking build verifies that nothing else was written). On
 * the simulator pages are backed on first touch. Accesses through it are not
 * decision points and are charged by the caller (uk_arch_charge). */
void *uk_arch_phys_ptr(struct uk_arch *a, uk_paddr_t pa, size_t len);

/* Zero the RAM frame at page-aligned `pa` (inside a region). Every frame
 * the kernel hands out, and its own instance, is cleared through here. A
 * platform that knows a frame already reads as zero may skip the work: the
 * simulator tracks which frames a run wrote and clears those between runs,
 * so most frames cost nothing; a port clears through its direct map. */
void uk_arch_frame_zero(struct uk_arch *a, uk_paddr_t pa);

/* ------------------------------------------------------------------------ */
/* Paging (x86-64 4-level format) and TLB                                   */
/* ------------------------------------------------------------------------ */

/* Page-table entry bits the kernel writes (Intel SDM vol. 3, 4.5). */
#define UK_PTE_P (1ull << 0)   /* present */
#define UK_PTE_W (1ull << 1)   /* writable */
#define UK_PTE_U (1ull << 2)   /* user accessible */
#define UK_PTE_PWT (1ull << 3)
#define UK_PTE_PCD (1ull << 4)
#define UK_PTE_A (1ull << 5)   /* accessed (set by the walker) */
#define UK_PTE_D (1ull << 6)   /* dirty (set by the walker, leaf only) */
#define UK_PTE_PS (1ull << 7)  /* 2 MiB page at the page-directory level */
#define UK_PTE_G (1ull << 8)   /* global: survives CR3 writes */
#define UK_PTE_NX (1ull << 63) /* no execute */
#define UK_PTE_ADDR_MASK 0x000ffffffffff000ull

/* Page-fault error code bits, as the hardware reports them. */
#define UK_PF_P (1u << 0)  /* the page was present (protection violation) */
#define UK_PF_W (1u << 1)  /* the access was a write */
#define UK_PF_U (1u << 2)  /* the access came from user mode */
#define UK_PF_I (1u << 4)  /* instruction fetch */

/* Load the current CPU's page-table root (CR3) with address-space tag `pcid`
 * (0..4095). With `flush` the TLB drops that PCID's non-global entries, as a
 * CR3 write without the no-flush bit does.
 * The root's entries that map UK_USER_END and above (PML4 256..511) belong
 * to the platform, except entry 510 (UK_CORE_WINDOW_BASE, the kernel core's
 * transfer window, whose tables the core makes and frees in each root): a
 * real machine keeps its kernel there and writes them into every root before
 * loading it, leaving 510 empty; the kernel core neither reads nor frees them. */
void uk_arch_set_root(struct uk_arch *a, uk_paddr_t root, uint16_t pcid, bool flush);

/* Invalidate one page's translation for `pcid` on the current CPU
 * (INVLPG for the active PCID, INVPCID type 0 otherwise). */
void uk_arch_tlb_flush_page(struct uk_arch *a, uint16_t pcid, uk_vaddr_t va);

/* Invalidate all non-global translations tagged `pcid` on the current CPU
 * (INVPCID type 1). */
void uk_arch_tlb_flush_pcid(struct uk_arch *a, uint16_t pcid);

/* Invalidate everything on the current CPU, global pages too when `global`
 * (INVPCID types 2 and 3). */
void uk_arch_tlb_flush_all(struct uk_arch *a, bool global);

/* ------------------------------------------------------------------------ */
/* User memory                                                              */
/* ------------------------------------------------------------------------ */

/* Where a user access failed. */
struct uk_fault {
	uk_vaddr_t addr;   /* the faulting virtual address */
	uint32_t code;     /* UK_PF_* bits */
};

/* Copy between kernel memory and the user address space that is active on
 * the current CPU, translating through the MMU as the hardware would (TLB,
 * page walk, permission checks with user-mode semantics). On a fault the copy
 * stops, *fault (if not NULL) says where, and UK_EFAULT is returned; bytes
 * before the fault may have been copied. DECISION POINTS. */
int uk_arch_copy_from_user(struct uk_arch *a, void *dst, uk_vaddr_t src, size_t len,
			   struct uk_fault *fault);
int uk_arch_copy_to_user(struct uk_arch *a, uk_vaddr_t dst, const void *src, size_t len,
			 struct uk_fault *fault);

/* ------------------------------------------------------------------------ */
/* Time and the per-CPU timer                                               */
/* ------------------------------------------------------------------------ */

/* The current CPU's clock in ns. On the simulator this is virtual time,
 * advanced by the cost model; it never reads a host clock. */
uint64_t uk_arch_now(struct uk_arch *a);

/* Arm the current CPU's one-shot timer to interrupt with UK_VEC_TIMER at
 * absolute time `deadline_ns` (replacing any earlier deadline). A deadline
 * in the past fires at the next decision point. */
void uk_arch_timer_arm(struct uk_arch *a, uint64_t deadline_ns);

/* Disarm the current CPU's timer. */
void uk_arch_timer_disarm(struct uk_arch *a);

/* ------------------------------------------------------------------------ */
/* Interrupt vectors, IPIs and end-of-interrupt                             */
/* ------------------------------------------------------------------------ */

/* Fixed vectors. Device interrupts use 48 .. 239, assigned by the kernel. */
#define UK_VEC_FIRST_DEVICE 48u
#define UK_VEC_LAST_DEVICE 239u
#define UK_VEC_RESCHED 240u  /* IPI: look at your run queue */
#define UK_VEC_TLB 241u      /* IPI: TLB shootdown request */
#define UK_VEC_CALL 242u     /* IPI: generic cross-CPU call */
#define UK_VEC_HOST 243u     /* the platform asks the kernel to act (a power button, a
			      * management controller): uk_kernel_host_request */
#define UK_VEC_TIMER 253u    /* the per-CPU timer */
#define UK_VEC_SPURIOUS 255u

/* The kernel's interrupt entry. The platform calls it on the current CPU,
 * on the running thread's stack, with interrupts disabled, when that CPU
 * takes an interrupt. It returns with interrupts still disabled; the platform
 * then restores the interrupted state. The kernel may switch threads inside. */
typedef void (*uk_arch_interrupt_fn)(void *ctx, unsigned vector);

/* Register the kernel's interrupt entry (once, at boot). */
void uk_arch_set_interrupt_handler(struct uk_arch *a, uk_arch_interrupt_fn fn, void *ctx);

/* Send `vector` to CPU `cpu` (fixed delivery). Sending to oneself is allowed. */
void uk_arch_ipi_send(struct uk_arch *a, unsigned cpu, unsigned vector);

/* Send `vector` to every CPU but the current one. */
void uk_arch_ipi_broadcast(struct uk_arch *a, unsigned vector);

/* Signal end-of-interrupt for the interrupt the current CPU is servicing
 * (LAPIC EOI; on a level IOAPIC pin this clears remote IRR). */
void uk_arch_eoi(struct uk_arch *a);

/* ------------------------------------------------------------------------ */
/* Interrupt controllers                                                    */
/* ------------------------------------------------------------------------ */

enum uk_intc_kind {
	UK_INTC_IOAPIC = 1, /* 82093AA-style pins, edge or level, maskable */
	UK_INTC_MSI = 2,    /* message-signalled vectors, not maskable */
	UK_INTC_PLIC = 3,   /* claim/complete controller, per-source enable */
	UK_INTC_PERCPU = 4, /* each CPU's own local inputs (LAPIC LVT, GIC PPIs): pin p is
			     * CPU p / (pins / CPUs), line p % (pins / CPUs); edge,
			     * maskable, routable only to its own CPU */
};

/* Strategy bits a controller declares (docs/design.md section 3). */
#define UK_INTC_MASKABLE (1u << 0)            /* pins can be masked */
#define UK_INTC_MASK_IN_SERVICE (1u << 1)     /* mask a pin while its episode runs */
#define UK_INTC_SUPPRESS_MASK_IN_SERVICE (1u << 2) /* edge pins: stay unmasked in service */
#define UK_INTC_EOI (1u << 3)                 /* wants an end-of-interrupt per delivery */
#define UK_INTC_EOS (1u << 4)                 /* wants an end-of-service per handled episode */

struct uk_intc_info {
	enum uk_intc_kind kind;
	unsigned pins;      /* number of pins (sources, or MSI vectors) */
	uint32_t strategy;  /* UK_INTC_* bits */
};

enum uk_trigger { UK_TRIGGER_EDGE = 0, UK_TRIGGER_LEVEL = 1 };
enum uk_polarity { UK_POLARITY_HIGH = 0, UK_POLARITY_LOW = 1 };

/* Describe controller `ctrl` (0 .. n-1). Returns UK_ENOENT past the last. */
int uk_arch_intc_info(struct uk_arch *a, unsigned ctrl, struct uk_intc_info *info);

/* Route pin `pin` of `ctrl` to `vector` on CPU `cpu` with the given trigger
 * and polarity. The pin stays masked if it was. UK_EINVAL for a pin out of
 * range, a vector outside the device range, or a trigger the controller
 * cannot do (MSI is always edge). */
int uk_arch_intc_route(struct uk_arch *a, unsigned ctrl, unsigned pin, unsigned vector,
		       unsigned cpu, enum uk_trigger trig, enum uk_polarity pol);

/* Set or clear the pin's mask bit. UK_EINVAL on a controller that is not
 * maskable (MSI) or a pin out of range. */
int uk_arch_intc_mask(struct uk_arch *a, unsigned ctrl, unsigned pin, bool masked);

/* End of interrupt for one delivery of `pin` (the IOAPIC directed EOI, the
 * PLIC completion). */
int uk_arch_intc_eoi(struct uk_arch *a, unsigned ctrl, unsigned pin);

/* Claim the highest-priority pending source of a claim/complete controller
 * for the current CPU; returns the pin, or UK_EAGAIN when none is pending. */
int uk_arch_intc_claim(struct uk_arch *a, unsigned ctrl);

/* Whether the line at `pin` is currently asserted (level high after
 * polarity). Drivers never see this; the kernel uses it for diagnostics. */
bool uk_arch_intc_line(struct uk_arch *a, unsigned ctrl, unsigned pin);

/* The controller's own mask bit for `pin` (false on MSI, which cannot be
 * masked, and for a pin out of range). For invariant I8: the kernel's view
 * of the mask must equal the hardware's. */
bool uk_arch_intc_masked(struct uk_arch *a, unsigned ctrl, unsigned pin);

/* ------------------------------------------------------------------------ */
/* Device registers                                                         */
/* ------------------------------------------------------------------------ */

/* Read or write a device register at physical address `pa` (MMIO), `size`
 * 1, 2, 4 or 8 bytes, naturally aligned. Charged as UK_COST_DEVICE_ACCESS.
 * UK_EINVAL for a bad size or alignment, UK_ENOENT when nothing decodes the
 * address (a read then yields all ones). DECISION POINTS. */
int uk_arch_mmio_read(struct uk_arch *a, uk_paddr_t pa, unsigned size, uint64_t *val);
int uk_arch_mmio_write(struct uk_arch *a, uk_paddr_t pa, unsigned size, uint64_t val);

/* Whether [pa, pa + size) may become a device memory object a driver maps
 * (core/devmem.c): it must lie inside the register window of one device and
 * touch no interrupt controller (LAPIC, IOAPIC, PLIC, MSI doorbells) and no
 * RAM. The platform knows its own address map; the kernel asks it once, when
 * the object is made. */
bool uk_arch_mmio_grantable(struct uk_arch *a, uk_paddr_t pa, uint64_t size);

/* PCI configuration space of function `bdf` (bus << 8 | device << 3 |
 * function): `size` 1, 2 or 4 bytes at `off` (< 4096), naturally aligned.
 * UK_EINVAL for a bad size, alignment or offset, UK_ENOENT when no such
 * function exists (a read then yields all ones). DECISION POINTS. */
int uk_arch_pci_cfg_read(struct uk_arch *a, uint32_t bdf, unsigned off, unsigned size,
			 uint32_t *val);
int uk_arch_pci_cfg_write(struct uk_arch *a, uint32_t bdf, unsigned off, unsigned size,
			  uint32_t val);

/* ------------------------------------------------------------------------ */
/* Cost accounting, tracing and fatal errors                                */
/* ------------------------------------------------------------------------ */

/* Kinds of work the cost model charges for. */
enum uk_cost {
	UK_COST_SYSCALL = 0,     /* one kernel entry and exit */
	UK_COST_CTX_SWITCH,      /* one thread switch */
	UK_COST_KERNEL_OP,       /* a small fixed piece of kernel work */
	UK_COST_PAGE_WALK_STEP,  /* one level of a software page walk */
	UK_COST_TLB_INVALIDATE,  /* one INVLPG/INVPCID */
	UK_COST_COPY_BYTE,       /* one byte copied by the kernel */
	UK_COST_IPI,             /* sending one IPI */
	UK_COST_IRQ_ENTRY,       /* taking one interrupt */
	UK_COST_DEVICE_ACCESS,   /* one device register access */
	UK_COST_USER_NS,         /* one ns of user-mode computation (programs' own work) */
	UK_COST_COUNT
};

/* Charge `units` of `what` to the current CPU. On the simulator this
 * advances the CPU's virtual clock by the cost preset; on bare metal it is
 * free (time passes by itself). Not a decision point. */
void uk_arch_charge(struct uk_arch *a, enum uk_cost what, uint64_t units);

/* Record a kernel event in the platform's trace. `kind` is a UK_TRACE_*
 * value from ukern/trace.h; the arguments are plain numbers (never
 * pointers, so traces stay deterministic). Cheap; may be a no-op. */
void uk_arch_trace(struct uk_arch *a, uint16_t kind, uint64_t a0, uint64_t a1, uint64_t a2);

/* The kernel found one of its own invariants broken (never for user input).
 * The simulator stops the run and reports an internal error naming `what`;
 * bare metal halts. Does not return. */
_Noreturn void uk_arch_fatal(struct uk_arch *a, const char *what);

#endif /* UKERN_ARCH_H */
