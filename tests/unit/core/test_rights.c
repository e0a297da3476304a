/* SPDX-License-Identifier: MIT */
/*
 * Every right of every object type, both ways (issue 15).
 *
 * One row per (object type, right, call). Each row runs on a fresh kernel
 * in up to four ways:
 *   granted      the handle is a copy with all the type's rights: the call works
 *   missing      a copy with all of them but the row's right: UK_EPERM
 *   granted-msg  the same two copies, passed in an IPC message to another
 *   missing-msg  process, which makes the call there (a passed handle keeps
 *                exactly its rights)
 *   granted-mint an endpoint's rows once more with badged copies made by
 *   missing-mint UK_SYS_EP_MINT
 * A copy is made with UK_SYS_HANDLE_DUP (a reply object, which has no GRANT
 * and cannot be passed on, by the host's uk_kernel_give_handle); its rights
 * are checked before the call.
 *
 * The table must cover every right the headers declare for a type
 * (UK_*_RIGHTS in ukern/syscall.h, ipc.h, irq_sys.h) and every kernel
 * object type (KOBJ_*), or the test fails: a new right or type cannot go
 * untested. The rights table of docs/kernel.md (argv[1]) must equal the one
 * this table gives, so the doc cannot drift either.
 */
#include <stdlib.h>
#include <string.h>

#include <ukern/devmem.h>
#include <ukern/ipc.h>
#include <ukern/irq_model.h>
#include <ukern/irq_sys.h>
#include <ukern/models/sel4.h>
#include <ukern/models/zircon.h>

#include "harness.h"

#define SCRATCH 0x10000000ull /* one page every process maps */
#define MAPVA 0x20000000ull   /* the vm rows' page */
#define MSI_PIN 0u            /* the mock's MSI source (default model) */
#define ZX_LINE 0u            /* virtual line, zircon model */
#define SEL4_LINE 1u          /* virtual line, sel4 model */
#define PLAIN_LINE 2u         /* virtual line, default model */
#define PORT_KEY 9u

/* What a granted call must return besides an exact value. */
#define WANT_POS (-1000)    /* > 0 (a handle, bits) */
#define WANT_NONNEG (-1001) /* >= 0 (a timestamp) */
/* A row's preparation with the full handle failed (never UK_EPERM). */
#define PREP_FAILED (-2000)

enum mode { M_GRANTED, M_MISSING, M_GRANTED_MSG, M_MISSING_MSG, M_GRANTED_MINT, M_MISSING_MINT,
	    M_COUNT };
static const char *const mode_name[M_COUNT] = {"granted", "missing", "granted-msg",
					       "missing-msg", "granted-mint", "missing-mint"};

enum { L_FULL = 1, L_RUN, L_ECHO }; /* labels of the messages to the peer */

struct otype {
	const char *name; /* as docs/kernel.md names it */
	enum kobj_type type;
	uint32_t rights; /* declared in the headers */
};

static const struct otype types[] = {
	{"process", KOBJ_PROCESS, UK_PROCESS_RIGHTS},
	{"thread", KOBJ_THREAD, UK_THREAD_RIGHTS},
	{"mutex", KOBJ_MUTEX, UK_MUTEX_RIGHTS},
	{"nopreempt", KOBJ_NOPREEMPT, UK_NOPREEMPT_RIGHTS},
	{"endpoint", KOBJ_ENDPOINT, UK_EP_RIGHTS},
	{"reply", KOBJ_REPLY, UK_REPLY_RIGHTS},
	{"notification", KOBJ_NTFN, UK_NTFN_RIGHTS},
	{"grant", KOBJ_GRANT, UK_GRANT_RIGHTS},
	{"irq sink", KOBJ_IRQ_SINK, UK_IRQ_SINK_RIGHTS},
	{"irq port", KOBJ_IRQ_PORT, UK_IRQ_PORT_RIGHTS},
	{"device memory", KOBJ_DEVMEM, UK_DEVMEM_RIGHTS},
};
#define NTYPES (sizeof(types) / sizeof(types[0]))

typedef long (*setup_fn)(struct uk_user *u);
typedef long (*call_fn)(struct uk_user *u, uint32_t full, uint32_t h);

struct row {
	enum kobj_type type;
	uint32_t right;
	const char *call; /* as docs/kernel.md names it */
	setup_fn setup;   /* in the owner, returns the handle with all rights */
	call_fn fn;       /* full: a handle with all rights, h: the one tried */
	long want;        /* granted: this value, or WANT_* */
	bool local_only;  /* no message ways (GRANT rows; types without GRANT) */
};

static struct {
	struct uk_kernel *k;
	const struct row *row;
	enum mode mode;
	int prog_exit, prog_server, prog_client;
	uint64_t tid_owner;
	uint32_t to_peer; /* the owner's handle on the peer's endpoint */
	uint32_t peer_ep; /* the peer's */
	uint32_t aux;     /* a second object the setup made (in the owner) */
	long result;
	bool done;
	long full_rights, sent_rights, got_rights, echo_rights;
} g;

static struct uk_irq_builtins builtins; /* the models the virtual lines use */

static const char *right_name(uint32_t r)
{
	switch (r) {
	case UK_RIGHT_READ: return "READ";
	case UK_RIGHT_WRITE: return "WRITE";
	case UK_RIGHT_SIGNAL: return "SIGNAL";
	case UK_RIGHT_WAIT: return "WAIT";
	case UK_RIGHT_MAP: return "MAP";
	case UK_RIGHT_GRANT: return "GRANT";
	case UK_RIGHT_MANAGE: return "MANAGE";
	case UK_RIGHT_NOPREEMPT: return "NOPREEMPT";
	}
	return "?";
}

static const struct otype *type_of(enum kobj_type t)
{
	for (unsigned i = 0; i < NTYPES; i++)
		if (types[i].type == t)
			return &types[i];
	return NULL;
}

/* ---- helper programs ---- */

static void prog_exit(struct uk_user *u, uint64_t arg)
{
	uk_sys_thread_exit(u, 7);
}

/* Serve `arg & 0xffffffff` (an endpoint handle) arg >> 32 times. */
static void prog_server(struct uk_user *u, uint64_t arg)
{
	long r = uk_reply_create(u);

	for (uint64_t i = 0; i < arg >> 32; i++) {
		struct uk_msg m = {0};
		if (uk_recv(u, (uint32_t)arg, &m, (uint32_t)r) < 0)
			return;
		m.words = 0;
		m.cap = 0;
		uk_reply(u, (uint32_t)r, &m);
	}
}

/* Call `arg & 0xffffffff` arg >> 32 times, naming the process's scratch
 * page (the xfer row's remote buffer). */
static void prog_client(struct uk_user *u, uint64_t arg)
{
	for (uint64_t i = 0; i < arg >> 32; i++) {
		struct uk_msg m = {.words = 1, .mr = {SCRATCH}};
		if (uk_call(u, (uint32_t)arg, &m) < 0)
			return;
	}
}

static long helper(struct uk_user *u, int prog, uint32_t h, unsigned times)
{
	long t = uk_sys_thread_create(u, UK_HANDLE_PROCESS_SELF, (unsigned)prog,
				      ((uint64_t)times << 32) | h, 20, 0);
	return t < 0 ? t : uk_sys_thread_start(u, (uint32_t)t);
}

/* ---- setups (in the owner; each returns a handle with all rights) ---- */

static long su_self(struct uk_user *u) { return UK_HANDLE_PROCESS_SELF; }

static long su_self_mapped(struct uk_user *u)
{
	long rc = uk_sys_vm_map(u, UK_HANDLE_PROCESS_SELF, MAPVA, UK_PAGE_SIZE,
				UK_PROT_READ | UK_PROT_WRITE, 0);
	return rc < 0 ? rc : UK_HANDLE_PROCESS_SELF;
}

static long su_thread(struct uk_user *u)
{
	return uk_sys_thread_create(u, UK_HANDLE_PROCESS_SELF, (unsigned)g.prog_exit, 0, 1, 0);
}

static long su_thread_started(struct uk_user *u)
{
	long t = su_thread(u), rc;
	if (t < 0)
		return t;
	rc = uk_sys_thread_start(u, (uint32_t)t);
	return rc < 0 ? rc : t;
}

static long su_mutex(struct uk_user *u) { return uk_sys_mutex_create(u); }
static long su_nopreempt(struct uk_user *u) { return UK_HANDLE_NOPREEMPT; }
static long su_ep(struct uk_user *u) { return uk_ep_create(u, 0); }

static long su_ep_served(struct uk_user *u)
{
	long ep = uk_ep_create(u, 0), rc;
	if (ep < 0)
		return ep;
	rc = helper(u, g.prog_server, (uint32_t)ep, 1);
	return rc < 0 ? rc : ep;
}

static long su_ep_called(struct uk_user *u)
{
	long ep = uk_ep_create(u, 0), rc;
	if (ep < 0)
		return ep;
	rc = helper(u, g.prog_client, (uint32_t)ep, 2);
	return rc < 0 ? rc : ep;
}

/* A reply object; g.aux an endpoint a client calls twice. */
static long su_reply(struct uk_user *u)
{
	long ep = su_ep_called(u);
	if (ep < 0)
		return ep;
	g.aux = (uint32_t)ep;
	return uk_reply_create(u);
}

static long su_ntfn(struct uk_user *u) { return uk_ntfn_create(u); }

static long su_grant(struct uk_user *u)
{
	return uk_grant_create(u, SCRATCH, UK_PAGE_SIZE, UK_RIGHT_READ | UK_RIGHT_WRITE);
}

static long su_msi(struct uk_user *u) { return uk_irq_attach_msi(u, MSI_PIN); }

/* An MSI sink whose line has raised once: sequence 1, an answer owed. */
static long su_msi_raised(struct uk_user *u)
{
	long s = su_msi(u);
	if (s < 0 || !mock_msi_vector(MSI_PIN))
		return s < 0 ? s : PREP_FAILED;
	mock_raise_device(0, mock_msi_vector(MSI_PIN));
	mock_spin(2000);
	return s;
}

static long attach_virtual(struct uk_user *u, unsigned line)
{
	return uk_irq_attach(u, UK_IRQ_SRC_VIRTUAL, line, UK_TRIGGER_EDGE, UK_POLARITY_HIGH);
}

static long su_zx(struct uk_user *u) { return attach_virtual(u, ZX_LINE); }

static long su_zx_triggered(struct uk_user *u)
{
	long s = su_zx(u), rc;
	if (s < 0)
		return s;
	rc = zx_interrupt_trigger(u, s, 0, 5);
	return rc < 0 ? rc : s;
}

static long su_sel4(struct uk_user *u) { return attach_virtual(u, SEL4_LINE); }
static long su_port(struct uk_user *u) { return zx_port_create(u, ZX_PORT_BIND_TO_INTERRUPT); }
/* Device memory is made by the platform (host side) for a process: the
 * mock's pretend device area, PCI function 0:3.0. */
#define DEVMEM_PA 0xd0000000ull
#define DEVMEM_BDF (3u << 3)
#define DEVMEM_VA 0x30000000ull
static long su_devmem(struct uk_user *u)
{
	(void)u;
	return uk_kernel_devmem_create(g.k, g.tid_owner, DEVMEM_PA, UK_PAGE_SIZE, DEVMEM_BDF,
				       UK_DEVMEM_RIGHTS);
}

/* ---- calls ---- */

/* GRANT, on every type that has it. */
static long c_dup(struct uk_user *u, uint32_t full, uint32_t h) { return uk_sys_handle_dup(u, h, 0); }

static long c_pass(struct uk_user *u, uint32_t full, uint32_t h)
{
	struct uk_msg m = {.label = L_ECHO, .cap = h};
	return uk_call(u, g.to_peer, &m);
}

/* process */
static long c_thread_create(struct uk_user *u, uint32_t full, uint32_t h)
{
	return uk_sys_thread_create(u, h, (unsigned)g.prog_exit, 0, 1, 0);
}
static long c_vm_map(struct uk_user *u, uint32_t full, uint32_t h)
{
	return uk_sys_vm_map(u, h, MAPVA, UK_PAGE_SIZE, UK_PROT_READ, 0);
}
static long c_vm_unmap(struct uk_user *u, uint32_t full, uint32_t h)
{
	return uk_sys_vm_unmap(u, h, MAPVA, UK_PAGE_SIZE);
}
static long c_vm_protect(struct uk_user *u, uint32_t full, uint32_t h)
{
	return uk_sys_vm_protect(u, h, MAPVA, UK_PAGE_SIZE, UK_PROT_READ);
}

/* device memory: a mapping is undone at once, so each case starts clean */
static long devmem_map(struct uk_user *u, uint32_t h, unsigned prot)
{
	long rc = uk_devmem_map(u, h, DEVMEM_VA, prot);
	if (rc == 0 && uk_sys_vm_unmap(u, UK_HANDLE_PROCESS_SELF, DEVMEM_VA, UK_PAGE_SIZE) != 0)
		return PREP_FAILED;
	return rc;
}
static long c_dm_map(struct uk_user *u, uint32_t full, uint32_t h)
{
	return devmem_map(u, h, UK_PROT_READ);
}
static long c_dm_map_w(struct uk_user *u, uint32_t full, uint32_t h)
{
	return devmem_map(u, h, UK_PROT_READ | UK_PROT_WRITE);
}
static long c_cfg_read(struct uk_user *u, uint32_t full, uint32_t h)
{
	return uk_pci_cfg_read(u, h, 0, 4);
}
static long c_cfg_write(struct uk_user *u, uint32_t full, uint32_t h)
{
	return uk_pci_cfg_write(u, h, 4, 2, 0x6);
}

/* thread */
static long c_thread_start(struct uk_user *u, uint32_t full, uint32_t h) { return uk_sys_thread_start(u, h); }
static long c_thread_kill(struct uk_user *u, uint32_t full, uint32_t h) { return uk_sys_thread_kill(u, h); }
static long c_thread_wait(struct uk_user *u, uint32_t full, uint32_t h) { return uk_sys_thread_wait(u, h, 0); }
static long c_set_prio(struct uk_user *u, uint32_t full, uint32_t h) { return uk_sys_thread_set_prio(u, h, 3); }
static long c_set_affinity(struct uk_user *u, uint32_t full, uint32_t h)
{
	return uk_sys_thread_set_affinity(u, h, 1);
}
static long c_set_fault(struct uk_user *u, uint32_t full, uint32_t h)
{
	return uk_sys_thread_set_fault_handler(u, h, UK_NO_PROGRAM);
}

/* mutex */
static long c_lock(struct uk_user *u, uint32_t full, uint32_t h) { return uk_sys_mutex_lock(u, h); }
static long c_trylock(struct uk_user *u, uint32_t full, uint32_t h) { return uk_sys_mutex_trylock(u, h); }
static long c_unlock(struct uk_user *u, uint32_t full, uint32_t h)
{
	if (uk_sys_mutex_lock(u, full) != 0)
		return PREP_FAILED;
	return uk_sys_mutex_unlock(u, h);
}

/* nopreempt */
static long c_nopreempt(struct uk_user *u, uint32_t full, uint32_t h)
{
	long rc = uk_sys_nopreempt_begin(u, h, 100000);
	if (rc == 0 && uk_sys_nopreempt_end(u) != 0)
		return PREP_FAILED;
	return rc;
}

/* endpoint */
static long c_call(struct uk_user *u, uint32_t full, uint32_t h)
{
	struct uk_msg m = {.words = 1, .mr = {42}};
	return uk_call(u, h, &m);
}
static long c_recv(struct uk_user *u, uint32_t full, uint32_t h)
{
	struct uk_msg m = {0};
	long r = uk_reply_create(u), rc;
	if (r < 0)
		return PREP_FAILED;
	rc = uk_recv(u, h, &m, (uint32_t)r);
	if (rc == 0) {
		m.words = 0;
		uk_reply(u, (uint32_t)r, &m);
	}
	return rc;
}
/* Receive the first call with `full`, then reply and receive the second
 * with reply object `r` on endpoint `ep`. */
static long reply_recv_2(struct uk_user *u, uint32_t ep_full, uint32_t r_full, uint32_t r,
			 uint32_t ep)
{
	struct uk_msg m = {0};
	if (uk_recv(u, ep_full, &m, r_full) != 0)
		return PREP_FAILED;
	m.words = 0;
	return uk_reply_recv(u, r, &m, ep);
}
static long c_ep_reply_recv(struct uk_user *u, uint32_t full, uint32_t h)
{
	long r = uk_reply_create(u);
	return r < 0 ? PREP_FAILED : reply_recv_2(u, full, (uint32_t)r, (uint32_t)r, h);
}
static long c_mint(struct uk_user *u, uint32_t full, uint32_t h) { return uk_ep_mint(u, h, 5, UK_RIGHT_WRITE); }

/* reply (g.aux: an endpoint a client calls twice) */
static long c_r_recv(struct uk_user *u, uint32_t full, uint32_t h)
{
	struct uk_msg m = {0};
	return uk_recv(u, g.aux, &m, h);
}
static long c_r_reply_recv(struct uk_user *u, uint32_t full, uint32_t h)
{
	return reply_recv_2(u, g.aux, full, h, g.aux);
}
static long c_r_reply(struct uk_user *u, uint32_t full, uint32_t h)
{
	struct uk_msg m = {0};
	if (uk_recv(u, g.aux, &m, full) != 0)
		return PREP_FAILED;
	m.words = 0;
	return uk_reply(u, h, &m);
}
static long c_r_xfer(struct uk_user *u, uint32_t full, uint32_t h)
{
	struct uk_msg m = {0};
	if (uk_recv(u, g.aux, &m, full) != 0)
		return PREP_FAILED;
	return uk_xfer(u, h, UK_XFER_READ, SCRATCH + 64, m.mr[0], 8, NULL);
}

/* notification */
static long c_signal(struct uk_user *u, uint32_t full, uint32_t h) { return uk_ntfn_signal(u, h, 1); }
static long c_n_bind_irq(struct uk_user *u, uint32_t full, uint32_t h)
{
	long s = attach_virtual(u, PLAIN_LINE);
	return s < 0 ? PREP_FAILED : uk_ntfn_bind_irq(u, h, s, 1);
}
static long model_call_ntfn(struct uk_user *u, long s, uint32_t n)
{
	return uk_syscall6(u, UK_SYS_IRQ_MODEL_CALL, (uint64_t)s, UK_SEL4_OP_SET_NOTIFICATION, 1, n,
			   0, 0);
}
static long c_n_model_call(struct uk_user *u, uint32_t full, uint32_t h)
{
	long s = su_sel4(u);
	return s < 0 ? PREP_FAILED : model_call_ntfn(u, s, h);
}
static long c_wait(struct uk_user *u, uint32_t full, uint32_t h)
{
	return uk_ntfn_signal(u, full, 1) != 0 ? PREP_FAILED : uk_ntfn_wait(u, h);
}
static long c_poll(struct uk_user *u, uint32_t full, uint32_t h)
{
	return uk_ntfn_signal(u, full, 1) != 0 ? PREP_FAILED : uk_ntfn_poll(u, h);
}

/* grant (over the owner's scratch page) */
static long c_g_read(struct uk_user *u, uint32_t full, uint32_t h)
{
	return uk_xfer_grant(u, h, UK_XFER_READ, SCRATCH + 128, 0, 8, NULL);
}
static long c_g_write(struct uk_user *u, uint32_t full, uint32_t h)
{
	return uk_xfer_grant(u, h, UK_XFER_WRITE, SCRATCH + 128, 8, 8, NULL);
}

/* irq sink */
static long c_irq_wait(struct uk_user *u, uint32_t full, uint32_t h) { return uk_irq_wait(u, h, 0); }
static long c_s_bind_irq(struct uk_user *u, uint32_t full, uint32_t h)
{
	long n = uk_ntfn_create(u);
	return n < 0 ? PREP_FAILED : uk_ntfn_bind_irq(u, (uint32_t)n, h, 1);
}
static long c_s_model_call_blocking(struct uk_user *u, uint32_t full, uint32_t h)
{
	return uk_irq_model_call(u, h, UK_ZX_OP_WAIT | UK_IRQ_CALL_BLOCKING, 0);
}
/* Zircon's wait that would not block (the interrupt is pending): it takes
 * the interrupt, so it needs WAIT as the blocking one does. */
static long c_s_model_call_wait(struct uk_user *u, uint32_t full, uint32_t h)
{
	return uk_irq_model_call(u, h, UK_ZX_OP_WAIT, 0);
}
static long c_s_model_call_ntfn(struct uk_user *u, uint32_t full, uint32_t h)
{
	long n = uk_ntfn_create(u);
	return n < 0 ? PREP_FAILED : model_call_ntfn(u, h, (uint32_t)n);
}
static long c_ack(struct uk_user *u, uint32_t full, uint32_t h) { return uk_irq_ack(u, h, 1); }
static long c_nak(struct uk_user *u, uint32_t full, uint32_t h) { return uk_irq_nak(u, h, 1); }
static long c_kick(struct uk_user *u, uint32_t full, uint32_t h) { return uk_irq_kick(u, h, false); }
static long c_s_model_call(struct uk_user *u, uint32_t full, uint32_t h)
{
	return zx_interrupt_trigger(u, h, 0, 7);
}
static long c_s_port_bind(struct uk_user *u, uint32_t full, uint32_t h)
{
	long p = su_port(u);
	return p < 0 ? PREP_FAILED : zx_interrupt_bind(u, h, p, PORT_KEY, ZX_INTERRUPT_BIND);
}
static long c_s_port_unbind(struct uk_user *u, uint32_t full, uint32_t h)
{
	long p = su_port(u);
	if (p < 0 || zx_interrupt_bind(u, full, p, PORT_KEY, ZX_INTERRUPT_BIND) != 0)
		return PREP_FAILED;
	return zx_interrupt_bind(u, h, p, 0, ZX_INTERRUPT_UNBIND);
}
static long c_configure(struct uk_user *u, uint32_t full, uint32_t h)
{
	return uk_irq_configure(u, h, UK_TRIGGER_EDGE, UK_POLARITY_HIGH);
}
static long c_irq_affinity(struct uk_user *u, uint32_t full, uint32_t h) { return uk_irq_set_affinity(u, h, 0); }
static long c_irq_wake(struct uk_user *u, uint32_t full, uint32_t h) { return uk_irq_set_wake(u, h, true); }

/* irq port (the sink is attached by the caller) */
static long c_p_wait(struct uk_user *u, uint32_t full, uint32_t h)
{
	long s = su_zx(u);
	if (s < 0 || zx_interrupt_bind(u, s, full, PORT_KEY, ZX_INTERRUPT_BIND) != 0 ||
	    zx_interrupt_trigger(u, s, 0, 5) != 0)
		return PREP_FAILED;
	return zx_port_wait(u, h, 0);
}
static long c_p_bind(struct uk_user *u, uint32_t full, uint32_t h)
{
	long s = su_zx(u);
	return s < 0 ? PREP_FAILED : zx_interrupt_bind(u, s, h, PORT_KEY, ZX_INTERRUPT_BIND);
}
static long c_p_unbind(struct uk_user *u, uint32_t full, uint32_t h)
{
	long s = su_zx(u);
	if (s < 0 || zx_interrupt_bind(u, s, full, PORT_KEY, ZX_INTERRUPT_BIND) != 0)
		return PREP_FAILED;
	return zx_interrupt_bind(u, s, h, 0, ZX_INTERRUPT_UNBIND);
}

#define R UK_RIGHT_READ
#define W UK_RIGHT_WRITE
#define SG UK_RIGHT_SIGNAL
#define WT UK_RIGHT_WAIT
#define MP UK_RIGHT_MAP
#define GR UK_RIGHT_GRANT
#define MG UK_RIGHT_MANAGE
#define NP UK_RIGHT_NOPREEMPT
#define GRANT_ROWS(type, setup)                                                                   \
	{type, GR, "HANDLE_DUP", setup, c_dup, WANT_POS, true},                                   \
	{type, GR, "pass in a message", setup, c_pass, 0, true}

/* The table. Calls are named as in the headers (UK_SYS_ without the prefix). */
static const struct row rows[] = {
	{KOBJ_PROCESS, MG, "THREAD_CREATE", su_self, c_thread_create, WANT_POS, false},
	{KOBJ_PROCESS, MP, "VM_MAP", su_self, c_vm_map, 0, false},
	{KOBJ_PROCESS, MP, "VM_UNMAP", su_self_mapped, c_vm_unmap, 0, false},
	{KOBJ_PROCESS, MP, "VM_PROTECT", su_self_mapped, c_vm_protect, 0, false},
	GRANT_ROWS(KOBJ_PROCESS, su_self),

	{KOBJ_THREAD, WT, "THREAD_WAIT", su_thread_started, c_thread_wait, 0, false},
	{KOBJ_THREAD, MG, "THREAD_START", su_thread, c_thread_start, 0, false},
	{KOBJ_THREAD, MG, "THREAD_KILL", su_thread, c_thread_kill, 0, false},
	{KOBJ_THREAD, MG, "THREAD_SET_PRIO", su_thread, c_set_prio, 0, false},
	{KOBJ_THREAD, MG, "THREAD_SET_AFFINITY", su_thread, c_set_affinity, 0, false},
	{KOBJ_THREAD, MG, "THREAD_SET_FAULT_HANDLER", su_thread, c_set_fault, 0, false},
	GRANT_ROWS(KOBJ_THREAD, su_thread),

	{KOBJ_MUTEX, WT, "MUTEX_LOCK", su_mutex, c_lock, 0, false},
	{KOBJ_MUTEX, WT, "MUTEX_TRYLOCK", su_mutex, c_trylock, 0, false},
	{KOBJ_MUTEX, SG, "MUTEX_UNLOCK", su_mutex, c_unlock, 0, false},
	GRANT_ROWS(KOBJ_MUTEX, su_mutex),

	{KOBJ_NOPREEMPT, NP, "NOPREEMPT_BEGIN", su_nopreempt, c_nopreempt, 0, false},
	GRANT_ROWS(KOBJ_NOPREEMPT, su_nopreempt),

	{KOBJ_ENDPOINT, W, "CALL", su_ep_served, c_call, 0, false},
	{KOBJ_ENDPOINT, R, "RECV", su_ep_called, c_recv, 0, false},
	{KOBJ_ENDPOINT, R, "REPLY_RECV", su_ep_called, c_ep_reply_recv, 0, false},
	{KOBJ_ENDPOINT, GR, "EP_MINT", su_ep, c_mint, WANT_POS, true},
	GRANT_ROWS(KOBJ_ENDPOINT, su_ep),

	/* No GRANT: a reply object stays with its server (local ways only). */
	{KOBJ_REPLY, R, "RECV", su_reply, c_r_recv, 0, true},
	{KOBJ_REPLY, R, "REPLY_RECV", su_reply, c_r_reply_recv, 0, true},
	{KOBJ_REPLY, W, "REPLY", su_reply, c_r_reply, 0, true},
	{KOBJ_REPLY, W, "REPLY_RECV", su_reply, c_r_reply_recv, 0, true},
	{KOBJ_REPLY, W, "XFER", su_reply, c_r_xfer, 8, true},

	{KOBJ_NTFN, SG, "NTFN_SIGNAL", su_ntfn, c_signal, 0, false},
	{KOBJ_NTFN, SG, "NTFN_BIND_IRQ", su_ntfn, c_n_bind_irq, 0, false},
	{KOBJ_NTFN, SG, "IRQ_MODEL_CALL naming it", su_ntfn, c_n_model_call, 0, false},
	{KOBJ_NTFN, WT, "NTFN_WAIT", su_ntfn, c_wait, 1, false},
	{KOBJ_NTFN, WT, "NTFN_POLL", su_ntfn, c_poll, 1, false},
	GRANT_ROWS(KOBJ_NTFN, su_ntfn),

	{KOBJ_GRANT, R, "XFER_GRANT read", su_grant, c_g_read, 8, false},
	{KOBJ_GRANT, W, "XFER_GRANT write", su_grant, c_g_write, 8, false},
	GRANT_ROWS(KOBJ_GRANT, su_grant),

	{KOBJ_IRQ_SINK, WT, "IRQ_WAIT", su_msi_raised, c_irq_wait, 1, false},
	{KOBJ_IRQ_SINK, WT, "NTFN_BIND_IRQ", su_msi, c_s_bind_irq, 0, false},
	{KOBJ_IRQ_SINK, WT, "IRQ_MODEL_CALL blocking", su_zx_triggered, c_s_model_call_blocking,
	 WANT_NONNEG, false},
	{KOBJ_IRQ_SINK, WT, "IRQ_MODEL_CALL naming a notification", su_sel4, c_s_model_call_ntfn,
	 0, false},
	{KOBJ_IRQ_SINK, WT, "IRQ_MODEL_CALL Zircon wait, not blocking", su_zx_triggered,
	 c_s_model_call_wait, WANT_NONNEG, false},
	{KOBJ_IRQ_SINK, SG, "IRQ_ACK", su_msi_raised, c_ack, 0, false},
	{KOBJ_IRQ_SINK, SG, "IRQ_NAK", su_msi_raised, c_nak, 0, false},
	{KOBJ_IRQ_SINK, SG, "IRQ_KICK", su_msi, c_kick, 0, false},
	{KOBJ_IRQ_SINK, SG, "IRQ_MODEL_CALL", su_zx, c_s_model_call, 0, false},
	{KOBJ_IRQ_SINK, SG, "IRQ_PORT_BIND", su_zx, c_s_port_bind, 0, false},
	{KOBJ_IRQ_SINK, SG, "IRQ_PORT_UNBIND", su_zx, c_s_port_unbind, 0, false},
	{KOBJ_IRQ_SINK, MG, "IRQ_CONFIGURE", su_msi, c_configure, 0, false},
	{KOBJ_IRQ_SINK, MG, "IRQ_SET_AFFINITY", su_msi, c_irq_affinity, 0, false},
	{KOBJ_IRQ_SINK, MG, "IRQ_SET_WAKE", su_msi, c_irq_wake, 0, false},
	GRANT_ROWS(KOBJ_IRQ_SINK, su_msi),

	{KOBJ_IRQ_PORT, R, "IRQ_PORT_WAIT", su_port, c_p_wait, PORT_KEY, false},
	{KOBJ_IRQ_PORT, W, "IRQ_PORT_BIND", su_port, c_p_bind, 0, false},
	{KOBJ_IRQ_PORT, W, "IRQ_PORT_UNBIND", su_port, c_p_unbind, 0, false},
	GRANT_ROWS(KOBJ_IRQ_PORT, su_port),

	{KOBJ_DEVMEM, R, "DEVMEM_MAP", su_devmem, c_dm_map, 0, false},
	{KOBJ_DEVMEM, MP, "DEVMEM_MAP", su_devmem, c_dm_map, 0, false},
	{KOBJ_DEVMEM, W, "DEVMEM_MAP writable", su_devmem, c_dm_map_w, 0, false},
	{KOBJ_DEVMEM, R, "PCI_CFG_READ", su_devmem, c_cfg_read, DEVMEM_BDF, false},
	{KOBJ_DEVMEM, W, "PCI_CFG_WRITE", su_devmem, c_cfg_write, 0, false},
	GRANT_ROWS(KOBJ_DEVMEM, su_devmem),

	/* Device memory (devcap15): its rows go here. */
};
#define NROWS (sizeof(rows) / sizeof(rows[0]))

/* ---- the two processes ---- */

/* The row's call made: end an IRQ episode it left open, so that the line
 * does not stall and retry for ever once the sink is gone (a raise with
 * no sink left is kept for the retry, docs/irq.md). */
static long call_row(struct uk_user *u, uint32_t full, uint32_t h)
{
	long rc = g.row->fn(u, full, h);
	if (g.row->type == KOBJ_IRQ_SINK)
		(void)uk_irq_kick(u, full, false);
	return rc;
}

static bool map_scratch(struct uk_user *u)
{
	return uk_sys_vm_map(u, UK_HANDLE_PROCESS_SELF, SCRATCH, UK_PAGE_SIZE,
			     UK_PROT_READ | UK_PROT_WRITE, 0) == 0 &&
	       uk_user_write(u, SCRATCH, "rights15rights15", 16) == 0;
}

/* A copy of `full` with `rights`: by UK_SYS_HANDLE_DUP, or (a type without
 * GRANT, which cannot be duplicated) as the host hands out handles. */
static long derive(struct uk_user *u, uint32_t full, uint32_t rights)
{
	if (uk_sys_handle_rights(u, full) & UK_RIGHT_GRANT)
		return uk_sys_handle_dup(u, full, rights);
	return uk_kernel_give_handle(g.k, g.tid_owner, full, g.tid_owner, rights, 0);
}

static void owner(struct uk_user *u, uint64_t arg)
{
	const struct row *row = g.row;
	uint32_t want = type_of(row->type)->rights;
	long full, h;

	if (!map_scratch(u) || (full = row->setup(u)) <= 0) {
		g.result = PREP_FAILED;
		g.done = true;
		return;
	}
	g.full_rights = uk_sys_handle_rights(u, (uint32_t)full);
	if (g.mode == M_MISSING || g.mode == M_MISSING_MSG || g.mode == M_MISSING_MINT)
		want &= ~row->right;
	if (g.mode == M_GRANTED_MINT || g.mode == M_MISSING_MINT)
		h = uk_ep_mint(u, (uint32_t)full, 77, want);
	else
		h = derive(u, (uint32_t)full, want);
	g.sent_rights = h > 0 ? uk_sys_handle_rights(u, (uint32_t)h) : h;
	if (h <= 0) {
		g.result = PREP_FAILED;
		g.done = true;
		return;
	}
	if (g.mode != M_GRANTED_MSG && g.mode != M_MISSING_MSG) {
		g.result = call_row(u, (uint32_t)full, (uint32_t)h);
		g.done = true;
		return;
	}
	/* The peer makes the call with the handles it receives. */
	struct uk_msg m = {.label = L_FULL, .cap = (uint32_t)full};
	if (uk_call(u, g.to_peer, &m) != 0) {
		g.result = PREP_FAILED;
		g.done = true;
		return;
	}
	m = (struct uk_msg){.label = L_RUN, .cap = (uint32_t)h};
	UCHECK(uk_call(u, g.to_peer, &m) == 0);
}

static void peer(struct uk_user *u, uint64_t arg)
{
	long reply = uk_reply_create(u);
	uint32_t full = 0;

	UCHECK(map_scratch(u) && reply > 0);
	for (;;) {
		struct uk_msg m = {0};
		if (uk_recv(u, g.peer_ep, &m, (uint32_t)reply) != 0)
			return;
		if (m.label == L_FULL) {
			full = m.cap;
		} else if (m.label == L_RUN) {
			g.got_rights = m.cap ? uk_sys_handle_rights(u, m.cap) : -1;
			g.result = full && m.cap ? call_row(u, full, m.cap) : PREP_FAILED;
			g.done = true;
		} else if (m.label == L_ECHO) {
			g.echo_rights = m.cap ? uk_sys_handle_rights(u, m.cap) : -1;
		}
		m = (struct uk_msg){0};
		uk_reply(u, (uint32_t)reply, &m);
	}
}

/* ---- running the table ---- */

static bool want_ok(long want, long got)
{
	if (want == WANT_POS)
		return got > 0;
	if (want == WANT_NONNEG)
		return got >= 0;
	return got == want;
}

static void set_line(struct uk_kernel *k, unsigned line, const char *model)
{
	const struct uk_irq_model_ops *m = uk_irq_model_find(&builtins, model);
	assert_non_null(m);
	assert_int_equal(uk_kernel_irq_set_line(k, UK_IRQ_SRC_VIRTUAL, line, m, NULL), 0);
}

/* Run one row one way; false (with a line on stderr) when it went wrong. */
static bool run_case(const struct row *row, enum mode mode)
{
	const struct otype *ty = type_of(row->type);
	bool missing = mode == M_MISSING || mode == M_MISSING_MSG || mode == M_MISSING_MINT;
	bool msg = mode == M_GRANTED_MSG || mode == M_MISSING_MSG;
	uint32_t want_rights = missing ? ty->rights & ~row->right : ty->rights;
	long want = missing ? UK_EPERM : row->want;
	struct uk_spawn s = {.prio = 10, .max_prio = 255, .flags = UK_SPAWN_NOPREEMPT, .name = "owner"};
	uint64_t tid_peer = 0;
	bool ok = true;

	memset(&g, 0, sizeof(g));
	g.row = row;
	g.mode = mode;
	g.got_rights = g.echo_rights = -1;
	g.k = boot(1, 16 << 20, NULL);
	mock_enable_msi(4);
	uk_kernel_irq_set_policy(g.k, 0, false); /* no ACK timeout: owed answers may stay owed */
	set_line(g.k, ZX_LINE, "zircon");
	set_line(g.k, SEL4_LINE, "sel4");
	g.prog_exit = uk_kernel_register_program(g.k, "exit", prog_exit);
	g.prog_server = uk_kernel_register_program(g.k, "server", prog_server);
	g.prog_client = uk_kernel_register_program(g.k, "client", prog_client);
	s.program = (unsigned)uk_kernel_register_program(g.k, "owner", owner);
	assert_int_equal(uk_kernel_spawn(g.k, &s, &g.tid_owner), 0);
	s.program = (unsigned)uk_kernel_register_program(g.k, "peer", peer);
	s.name = "peer";
	s.flags = 0;
	s.prio = 12; /* waits in its receive before the owner runs */
	assert_int_equal(uk_kernel_spawn(g.k, &s, &tid_peer), 0);
	int ep = uk_kernel_ipc_endpoint(g.k, tid_peer, 0);
	assert_true(ep > 0);
	g.peer_ep = (uint32_t)ep;
	int to = uk_kernel_give_handle(g.k, tid_peer, (uint32_t)ep, g.tid_owner,
				       UK_RIGHT_WRITE | UK_RIGHT_GRANT, 0);
	assert_true(to > 0);
	g.to_peer = (uint32_t)to;

	mock_run(g.k, 0);

	const char *what = NULL;
	if (!g.done)
		what = "the call never returned";
	else if (g.result == PREP_FAILED)
		what = "the row's preparation (with all rights) failed";
	else if (mode == M_GRANTED && (g.full_rights & ty->rights) != ty->rights)
		what = "a fresh handle lacks a right its type declares";
	else if (g.sent_rights != (long)want_rights)
		what = "the copy does not carry the rights asked for";
	else if (msg && g.got_rights != g.sent_rights)
		what = "the handle passed in a message changed its rights";
	else if (row->fn == c_pass && !missing && g.echo_rights != g.sent_rights)
		what = "the handle passed in a message changed its rights";
	else if (!want_ok(want, g.result))
		what = missing ? "the call works without the right" : "the call fails with the right";
	if (what) {
		fprintf(stderr, "FAIL %s %s %s, %s: %s (got %ld %s; rights sent %#lx, received %#lx)\n",
			ty->name, right_name(row->right), row->call, mode_name[mode], what, g.result,
			g.result < 0 ? uk_err_name((int)g.result) : "", (unsigned long)g.sent_rights,
			(unsigned long)g.got_rights);
		ok = false;
	}
	if (harness_failures) {
		fprintf(stderr, "FAIL %s %s %s, %s: %d user-side checks failed\n", ty->name,
			right_name(row->right), row->call, mode_name[mode], harness_failures);
		ok = false;
	}
	shutdown();
	return ok;
}

static void test_table(void **state)
{
	const char *only = getenv("RIGHTS_ONLY"); /* a call name, for debugging one row */
	unsigned cases = 0, failed = 0;

	uk_irq_builtins_init(&builtins);
	for (unsigned i = 0; i < NROWS; i++) {
		if (only && strcmp(only, rows[i].call) != 0)
			continue;
		for (int m = 0; m < M_COUNT; m++) {
			if (rows[i].local_only && (m == M_GRANTED_MSG || m == M_MISSING_MSG))
				continue;
			if ((m == M_GRANTED_MINT || m == M_MISSING_MINT) &&
			    (rows[i].type != KOBJ_ENDPOINT || rows[i].right == UK_RIGHT_GRANT))
				continue;
			cases++;
			if (getenv("RIGHTS_VERBOSE"))
				fprintf(stderr, "case %s %s %s\n", rows[i].call,
					right_name(rows[i].right), mode_name[m]);
			if (!run_case(&rows[i], (enum mode)m))
				failed++;
		}
	}
	printf("rights: %u rows, %u cases (granted and missing; copies duplicated, minted, and "
	       "passed in a message), %u failed\n",
	       (unsigned)NROWS, cases, failed);
	assert_int_equal(failed, 0);
}

/* Every declared (type, right) pair has a row; every object type a line in
 * types[]; each row's right is one its type declares. */
static void test_coverage(void **state)
{
	unsigned pairs = 0, covered = 0, bad = 0;

	for (unsigned t = KOBJ_NONE + 1; t <= KOBJ_LAST; t++)
		if (!type_of((enum kobj_type)t)) {
			fprintf(stderr, "object type %u has no entry in the rights table\n", t);
			bad++;
		}
	for (unsigned i = 0; i < NTYPES; i++)
		for (uint32_t r = 1; r & UK_RIGHTS_ALL; r <<= 1) {
			bool found = false;
			if (!(types[i].rights & r))
				continue;
			pairs++;
			for (unsigned j = 0; j < NROWS; j++)
				found |= rows[j].type == types[i].type && rows[j].right == r;
			if (found)
				covered++;
			else
				fprintf(stderr, "no row tests %s %s\n", types[i].name, right_name(r));
		}
	for (unsigned j = 0; j < NROWS; j++)
		if (!type_of(rows[j].type) || !(type_of(rows[j].type)->rights & rows[j].right)) {
			fprintf(stderr, "row %s: right %s is not one its type declares\n", rows[j].call,
				right_name(rows[j].right));
			bad++;
		}
	printf("rights coverage: %u of %u declared (object type, right) pairs have rows, "
	       "%u object types of %u\n",
	       covered, pairs, (unsigned)NTYPES, (unsigned)KOBJ_LAST);
	assert_int_equal(covered, pairs);
	assert_int_equal(bad, 0);
}

/* ---- every call: in a row, or no right to test ----
 *
 * Each system call the kernel answers (anything but UK_ENOSYS) is named by
 * a row above or listed here with why no right gates it, so a new call
 * cannot go untested either. */

struct call_entry {
	unsigned nr;
	const char *name; /* a row's call starts with it */
	const char *no_right; /* NULL: rows test it */
};

#define ROWS(n) {UK_SYS_##n, #n, NULL}
#define NONE(n, why) {UK_SYS_##n, #n, why}
static const struct call_entry calls[] = {
	NONE(NULL, "no handle"), NONE(YIELD, "no handle"),
	ROWS(THREAD_CREATE), ROWS(THREAD_START), NONE(THREAD_EXIT, "no handle"),
	ROWS(THREAD_KILL), ROWS(THREAD_WAIT), ROWS(THREAD_SET_PRIO), ROWS(THREAD_SET_AFFINITY),
	ROWS(THREAD_SET_FAULT_HANDLER), ROWS(HANDLE_DUP),
	NONE(HANDLE_CLOSE, "any handle, no right"), NONE(HANDLE_RIGHTS, "any handle, no right"),
	NONE(MUTEX_CREATE, "makes the object"), ROWS(MUTEX_LOCK), ROWS(MUTEX_TRYLOCK),
	ROWS(MUTEX_UNLOCK), NONE(FUTEX_WAIT, "the caller's own memory"),
	NONE(FUTEX_WAKE, "the caller's own memory"), ROWS(VM_MAP), ROWS(VM_UNMAP), ROWS(VM_PROTECT),
	ROWS(NOPREEMPT_BEGIN), NONE(NOPREEMPT_END, "the caller's own section"),
	NONE(CLOCK, "no handle"), NONE(THREAD_ID, "no handle"), NONE(SLEEP, "no handle"),
	NONE(IRQ_ATTACH, "no handle: any line (issue 15's irq(D) capability)"), ROWS(IRQ_WAIT),
	ROWS(IRQ_ACK), ROWS(IRQ_NAK), ROWS(IRQ_KICK), ROWS(IRQ_CONFIGURE),
	NONE(DEV_READ, "retired: UK_EPERM for every physical address (device memory instead)"),
	NONE(DEV_WRITE, "retired: UK_EPERM for every physical address (device memory instead)"),
	ROWS(IRQ_MODEL_CALL), NONE(IRQ_PORT_CREATE, "makes the object"), ROWS(IRQ_PORT_WAIT),
	ROWS(IRQ_PORT_BIND), ROWS(IRQ_PORT_UNBIND), ROWS(IRQ_SET_AFFINITY), ROWS(IRQ_SET_WAKE),
	NONE(EP_CREATE, "makes the object"), ROWS(EP_MINT), ROWS(CALL), ROWS(RECV), ROWS(REPLY),
	ROWS(REPLY_RECV), NONE(REPLY_CREATE, "makes the object"),
	NONE(NTFN_CREATE, "makes the object"), ROWS(NTFN_SIGNAL), ROWS(NTFN_WAIT), ROWS(NTFN_POLL),
	ROWS(XFER), NONE(GRANT_CREATE, "makes the object over the caller's own memory"),
	NONE(GRANT_REVOKE, "the grant's owner process only, whatever the handle's rights"),
	ROWS(XFER_GRANT), ROWS(NTFN_BIND_IRQ),
	ROWS(DEVMEM_MAP), NONE(DEVMEM_INFO, "a device memory handle, no right"), ROWS(PCI_CFG_READ),
	ROWS(PCI_CFG_WRITE),
};
#define NCALLS (sizeof(calls) / sizeof(calls[0]))

static struct {
	bool answered[UK_SYS_EXT_LAST + 1];
	bool done;
} every;

/* Every number with zero arguments (all handles 0, invalid): whatever the
 * kernel answers, UK_ENOSYS or not. */
static void every_call_prog(struct uk_user *u, uint64_t arg)
{
	for (unsigned nr = 0; nr <= UK_SYS_EXT_LAST; nr++)
		every.answered[nr] = nr == UK_SYS_THREAD_EXIT ||
				     uk_syscall6(u, nr, 0, 0, 0, 0, 0, 0) != UK_ENOSYS;
	every.done = true;
}

static bool row_names(const char *call)
{
	size_t n = strlen(call);
	for (unsigned j = 0; j < NROWS; j++)
		if (strncmp(rows[j].call, call, n) == 0 &&
		    (rows[j].call[n] == 0 || rows[j].call[n] == ' '))
			return true;
	return false;
}

static void test_every_call(void **state)
{
	struct uk_kernel *k = boot(1, 8 << 20, NULL);
	unsigned answered = 0, listed = 0, bad = 0;

	memset(&every, 0, sizeof(every));
	spawn_prog(k, every_call_prog, 0, 5, 0);
	mock_run(k, 0);
	assert_true(every.done);
	for (unsigned nr = 0; nr <= UK_SYS_EXT_LAST; nr++) {
		const struct call_entry *c = NULL;
		for (unsigned i = 0; i < NCALLS; i++)
			if (calls[i].nr == nr)
				c = &calls[i];
		answered += every.answered[nr];
		if (every.answered[nr] && !c) {
			fprintf(stderr, "system call %u is neither in a row nor listed as needing no right\n", nr);
			bad++;
		} else if (c && !every.answered[nr]) {
			fprintf(stderr, "%s (%u) is listed but the kernel has no such call\n", c->name, nr);
			bad++;
		} else if (c && !c->no_right && !row_names(c->name)) {
			fprintf(stderr, "%s (%u): no row tests it\n", c->name, nr);
			bad++;
		}
		listed += c && !c->no_right;
	}
	printf("rights: %u system calls, %u gated by a right and in rows, %u need none\n", answered,
	       listed, answered - listed);
	assert_int_equal(bad, 0);
	shutdown();
}

/* ---- found by the table: a virtual line's own settings ----
 *
 * uk_kernel_irq_set_line and uk_kernel_irq_set_line_wake take a virtual
 * line (UK_IRQ_SRC_VIRTUAL) like any other, but the line was made without
 * looking at its settings: it ran the kernel's model (every call of
 * another model's was UK_ENOSYS) and never could wake the machine. */

static struct {
	long attach, trigger, attach_wake;
} vl;

static void virtual_line_prog(struct uk_user *u, uint64_t arg)
{
	vl.attach = attach_virtual(u, 5);
	vl.trigger = vl.attach > 0 ? zx_interrupt_trigger(u, vl.attach, 0, 1) : 0;
	if (vl.attach > 0)
		(void)uk_irq_kick(u, vl.attach, false);
	vl.attach_wake = attach_virtual(u, 6);
}

static void test_virtual_line_settings(void **state)
{
	struct uk_kernel *k = boot(1, 8 << 20, NULL);
	struct uk_pm_info pm;

	uk_irq_builtins_init(&builtins);
	assert_int_equal(uk_kernel_irq_set_line(k, UK_IRQ_SRC_VIRTUAL, 5,
						uk_irq_model_find(&builtins, "zircon"), NULL), 0);
	assert_int_equal(uk_kernel_irq_set_line_wake(k, UK_IRQ_SRC_VIRTUAL, 6, true), 0);
	spawn_prog(k, virtual_line_prog, 0, 5, 0);
	mock_run(k, 0);
	uk_kernel_pm_info(k, &pm);
	assert_int_equal(harness_failures, 0);
	assert_true(vl.attach > 0 && vl.attach_wake > 0);
	assert_int_equal(vl.trigger, 0); /* zircon's trigger: the line has that model */
	assert_int_equal(pm.wake_lines, 1); /* line 6, marked before it was made */
	shutdown();
}

/* ---- the doc's table ---- */

static const char *doc_path;

/* The table's lines as this file's rows give them: one per (type, right),
 * the calls in row order. */
static size_t expected_doc(char *out, size_t cap)
{
	size_t n = 0;

	for (unsigned i = 0; i < NTYPES; i++)
		for (uint32_t r = 1; r & UK_RIGHTS_ALL; r <<= 1) {
			bool first = true;
			if (!(types[i].rights & r))
				continue;
			n += (size_t)snprintf(out + n, cap - n, "| %s | %s | ", types[i].name,
					      right_name(r));
			for (unsigned j = 0; j < NROWS; j++) {
				if (rows[j].type != types[i].type || rows[j].right != r)
					continue;
				n += (size_t)snprintf(out + n, cap - n, "%s%s", first ? "" : ", ",
						      rows[j].call);
				first = false;
			}
			n += (size_t)snprintf(out + n, cap - n, " |\n");
		}
	return n;
}

static void test_doc(void **state)
{
	static char want[16384], doc[1 << 17];
	const char *begin = "<!-- rights-table: generated from tests/unit/core/test_rights.c -->\n";
	const char *end = "<!-- rights-table end -->";
	FILE *f;
	size_t n;
	char *b, *e, *body;

	expected_doc(want, sizeof(want));
	if (!doc_path)
		fail_msg("usage: test_core_rights docs/kernel.md");
	f = fopen(doc_path, "r");
	assert_non_null(f);
	n = fread(doc, 1, sizeof(doc) - 1, f);
	fclose(f);
	doc[n] = 0;
	b = strstr(doc, begin);
	e = b ? strstr(b, end) : NULL;
	if (!b || !e) {
		fprintf(stderr, "%s: no rights table between \"%s\" and \"%s\"; it should read:\n"
				"| object | right | calls it gates |\n|---|---|---|\n%s",
			doc_path, begin, end, want);
		fail();
	}
	body = b + strlen(begin);
	/* Skip the header and its rule. */
	for (int i = 0; i < 2 && body < e; i++)
		body = strchr(body, '\n') + 1;
	*e = 0;
	if (strcmp(body, want) != 0) {
		fprintf(stderr, "%s: the rights table differs from the test's; it should read:\n"
				"| object | right | calls it gates |\n|---|---|---|\n%s",
			doc_path, want);
		fail();
	}
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_coverage),
		cmocka_unit_test(test_doc),
		cmocka_unit_test(test_every_call),
		cmocka_unit_test(test_table),
		cmocka_unit_test(test_virtual_line_settings),
	};
	doc_path = argc > 1 ? argv[1] : NULL;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
