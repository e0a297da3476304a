/* SPDX-License-Identifier: MIT */
/*
 * The structured random-syscall mode ("torture"), issue 15.
 *
 * The plain random-syscall tests (test_kernel.c "chaos", test_ipc.c
 * "chaos") throw garbage at the kernel; almost every call is rejected, so
 * IPC, transfers and IRQ answers are barely reached. Here the harness first
 * builds valid object graphs, then mixes valid and invalid calls on them:
 *
 *   - PROCS processes spawned by the host; each owns an endpoint (strategy
 *     physmap, window or grant, by process) and holds a badged send handle
 *     to every other process's endpoint;
 *   - in each process a main thread that creates the workers, kills a random
 *     one now and then (mid-call, mid-receive, mid-IRQ-wait) and makes a new
 *     one in its place, and at the end kills them all and exits, so every
 *     process is torn down while its peers may still hold its objects;
 *   - servers: receive (with a long-message buffer), verify the request's
 *     badge and data, transfer to and from the caller (UK_SYS_XFER), copy
 *     through a grant passed in the message (UK_SYS_XFER_GRANT), signal a
 *     notification passed in the message, reply or reply-and-receive;
 *   - clients: calls with a request id, pattern-filled buffers, passed caps
 *     (grants, notifications, minted endpoints), and checks of the reply;
 *   - drivers: attach to shared IOAPIC lines (level and edge) of scripted
 *     devices that a host event raises at random times; wait, read the
 *     device, clear, ACK / NAK / kick / kick|clear, detach and reattach,
 *     bind a notification to the sink;
 *   - a chaos thread per process: mutexes, futexes, mappings, handle dup and
 *     close, priorities, and garbage calls with random numbers and arguments
 *     (the ones that cannot take the harness down).
 *
 * Every call goes through note(), which counts it by system call and outcome
 * (ok, or the error) and flags any result ukern's headers do not document.
 * The test then asserts: no undocumented result, no lost or corrupted
 * message (each successful call got its own reply and data; each
 * notification signalled before a reply is seen by the caller), no IRQ
 * invariant violation (checking build: I1..I10 and the kernel's asserts),
 * at least TT_MIN_OK successful calls of every system call in the
 * structured set, and, after the last process is gone, kernel objects and
 * frames counted back to where they were before the first spawn.
 *
 * The seed and the call count come from TORTURE_SEED and TORTURE_CALLS
 * (scripts/soak.sh runs 10^7); TORTURE_VERBOSE=1 prints the table. The
 * defects it found have focused tests in test_torture_defects.c.
 */
#include <check.h>

#include "suites.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <hwmodel/dev.h>
#include <hwmodel/evq.h>
#include <sim/machine.h>
#include <sim/rng.h>
#include <ukern/ipc.h>
#include <ukern/irq.h>
#include <ukern/devmem.h>
#include <ukern/irq_sys.h>
#include <ukern/user.h>

#include "pattern.h"

#include "ipc_errors.h"

#define US 1000ull
#define PROCS 4
#define CLIENTS 3
#define SERVERS 2
#define DEVS 2
#define TT_MIN_OK_DEFAULT 50u /* per system call of the structured set, for 10^6 calls */

/* Thread roles; a process's workers sit in slots 0..NSLOTS-1. */
enum role { R_SERVER, R_CLIENT, R_DRIVER, R_CHAOS, R_MAIN };
#define NSLOTS (SERVERS + CLIENTS + 1 + 1)

/* Virtual memory of a process: one buffer region per worker slot, mapped by
 * the main thread before any worker runs and never unmapped, plus a scratch
 * region the chaos thread maps and unmaps. */
#define BUF_BASE 0x40000000ull
#define BUF_SLOT(s) (BUF_BASE + (uint64_t)(s) * 0x10000)
#define BUF_LEN (2 * UK_PAGE_SIZE)
/* A slot's worker of generation g uses buffer g % BUF_GENS of the slot: a
 * grant a killed client left behind (a server may still write through it)
 * then never lands in its successor's buffer. */
#define BUF_GENS 4
#define BUF_OF(p, s) (BUF_SLOT(s) + ((p)->gen[s] % BUF_GENS) * BUF_LEN)
#define SCRATCH 0x50000000ull
#define DEV_BASE(i) (0xc0000000ull + (uint64_t)(i) * 0x1000)

/* Request ops (low byte of the label). */
enum op { OP_ECHO, OP_LONG, OP_XREAD, OP_XWRITE, OP_GRANT_R, OP_GRANT_W, OP_NTFN, OP_CAP, OP_XSELF,
	  OP_COUNT };

#define NCLS 20 /* outcome classes: 0 ok, 1..19 = -error */

struct torture;

struct tproc {
	struct torture *t;
	unsigned idx;
	uint64_t tid;       /* its main thread */
	uint32_t ep[PROCS]; /* handles: ep[idx] its own endpoint (all rights), others badged */
	unsigned strategy;  /* of its own endpoint */
	/* Long-lived handles of each worker slot (reply object, notification,
	 * mutex or IRQ sink, kept grant), closed by the main thread once the
	 * worker is dead, so killed workers leave nothing in the table. */
	uint32_t owned[NSLOTS][4];
	unsigned gen[NSLOTS]; /* workers started in each slot */
	/* Device memory of each device, given and mapped at UK_DEVMEM_VA(d)
	 * by the platform before the run (the driver reads and clears status
	 * through the mapping). */
	uint32_t devmem[DEVS];
};

struct torture {
	struct sim_machine *sm;
	uint64_t seed, target, min_ok;
	uint64_t calls;
	bool stop;
	unsigned mains_left;
	unsigned worker_prog;
	struct tproc p[PROCS];
	uint64_t next_id;
	/* outcome table */
	uint64_t count[UK_SYS_EXT_FIRST][NCLS];
	uint64_t garbage_calls;
	/* message accounting */
	uint64_t sent_ok, served, replied_ok, kills, respawns;
	uint64_t xfer_checked, grant_checked, ntfn_checked, long_checked, irq_episodes_seen;
	uint64_t caps_dropped;
	uint64_t bad;
	char first_bad[256];
	/* devices and their raiser */
	struct hw_dev *dev[DEVS];
	struct hw_event raise;
	struct sim_rng host_rng;
	uint64_t raises;
};

static void flag(struct torture *t, const char *fmt, unsigned long long a, unsigned long long b,
		 unsigned long long c)
{
	if (!t->bad++)
		snprintf(t->first_bad, sizeof(t->first_bad), fmt, a, b, c);
}

/* ------------------------------------------------------------------------ */
/* Documented results                                                       */
/* ------------------------------------------------------------------------ */

/* As docs/kernel.md's table of the core calls lists them. */
static uint32_t core_allowed(unsigned nr)
{
	switch (nr) {
	case UK_SYS_NULL: case UK_SYS_YIELD: case UK_SYS_CLOCK: case UK_SYS_THREAD_ID:
	case UK_SYS_THREAD_EXIT: case UK_SYS_SLEEP:
		return 0;
	case UK_SYS_THREAD_CREATE:
		return E(UK_EBADH) | E(UK_EPERM) | E(UK_EINVAL) | E(UK_ENOMEM) | E(UK_ESRCH);
	case UK_SYS_THREAD_START: return E(UK_EBADH) | E(UK_EPERM) | E(UK_EBUSY);
	case UK_SYS_THREAD_KILL: return E(UK_EBADH) | E(UK_EPERM) | E(UK_ESRCH);
	case UK_SYS_THREAD_WAIT: return E(UK_EBADH) | E(UK_EPERM) | E(UK_EDEADLK) | E(UK_EFAULT);
	case UK_SYS_THREAD_SET_PRIO:
	case UK_SYS_THREAD_SET_AFFINITY:
		return E(UK_EBADH) | E(UK_EPERM) | E(UK_EINVAL) | E(UK_ESRCH);
	case UK_SYS_THREAD_SET_FAULT_HANDLER: return E(UK_EBADH) | E(UK_EPERM) | E(UK_EINVAL);
	case UK_SYS_HANDLE_DUP: return E(UK_EBADH) | E(UK_EPERM) | E(UK_EINVAL) | E(UK_ENOMEM);
	case UK_SYS_HANDLE_CLOSE:
	case UK_SYS_HANDLE_RIGHTS:
		return E(UK_EBADH);
	case UK_SYS_MUTEX_CREATE: return E(UK_ENOMEM);
	case UK_SYS_MUTEX_LOCK: return E(UK_EBADH) | E(UK_EPERM) | E(UK_EDEADLK);
	case UK_SYS_MUTEX_TRYLOCK: return E(UK_EBADH) | E(UK_EPERM) | E(UK_EBUSY) | E(UK_EDEADLK);
	case UK_SYS_MUTEX_UNLOCK: return E(UK_EBADH) | E(UK_EPERM);
	case UK_SYS_FUTEX_WAIT: return E(UK_EINVAL) | E(UK_EFAULT) | E(UK_EAGAIN);
	case UK_SYS_FUTEX_WAKE: return E(UK_EINVAL) | E(UK_EFAULT);
	case UK_SYS_VM_MAP:
		return E(UK_EBADH) | E(UK_EPERM) | E(UK_EINVAL) | E(UK_ERANGE) | E(UK_EEXIST) |
		       E(UK_ENOMEM) | E(UK_ESRCH);
	case UK_SYS_VM_UNMAP:
	case UK_SYS_VM_PROTECT:
		return E(UK_EBADH) | E(UK_EPERM) | E(UK_EINVAL) | E(UK_ERANGE) | E(UK_ENOENT) |
		       E(UK_ESRCH);
	case UK_SYS_NOPREEMPT_BEGIN: return E(UK_EBADH) | E(UK_EPERM) | E(UK_EINVAL) | E(UK_EBUSY);
	case UK_SYS_NOPREEMPT_END: return E(UK_EINVAL) | E(UK_EOVERRUN);
	case UK_SYS_DEVMEM_MAP:
		return E(UK_EBADH) | E(UK_EPERM) | E(UK_EINVAL) | E(UK_ERANGE) | E(UK_EEXIST) |
		       E(UK_ENOMEM);
	case UK_SYS_DEVMEM_INFO: return E(UK_EBADH);
	case UK_SYS_PCI_CFG_READ:
	case UK_SYS_PCI_CFG_WRITE:
		return E(UK_EBADH) | E(UK_EPERM) | E(UK_EINVAL) | E(UK_ENOENT);
	default: return E(UK_ENOSYS);
	}
}

static uint32_t irq_allowed(unsigned nr)
{
	switch (nr) {
	case UK_SYS_IRQ_ATTACH: return E(UK_EINVAL) | E(UK_ENOENT) | E(UK_EBUSY) | E(UK_ENOMEM);
	case UK_SYS_IRQ_WAIT: return E(UK_EBADH) | E(UK_EPERM) | E(UK_EFUTURE) | E(UK_EINVAL);
	case UK_SYS_IRQ_ACK:
	case UK_SYS_IRQ_NAK:
		return E(UK_EBADH) | E(UK_EPERM) | E(UK_EFUTURE) | E(UK_ESTALE) | E(UK_EALREADY) |
		       E(UK_EINVAL) | E(UK_ENOSYS);
	case UK_SYS_IRQ_KICK: return E(UK_EBADH) | E(UK_EPERM) | E(UK_EINVAL);
	case UK_SYS_IRQ_CONFIGURE: return E(UK_EBADH) | E(UK_EPERM) | E(UK_EINVAL) | E(UK_EBUSY);
	case UK_SYS_DEV_READ: /* retired: a physical address reaches nothing */
	case UK_SYS_DEV_WRITE:
		return E(UK_EPERM);
	case UK_SYS_IRQ_MODEL_CALL: return E(UK_EBADH) | E(UK_EPERM) | E(UK_EINVAL) | E(UK_ENOSYS);
	case UK_SYS_IRQ_PORT_CREATE: return E(UK_EINVAL) | E(UK_ENOMEM);
	case UK_SYS_IRQ_PORT_WAIT: return E(UK_EBADH) | E(UK_EPERM) | E(UK_EFAULT);
	case UK_SYS_IRQ_PORT_BIND: return E(UK_EBADH) | E(UK_EPERM) | E(UK_EINVAL) | E(UK_ENOSYS);
	case UK_SYS_IRQ_PORT_UNBIND: return E(UK_EBADH) | E(UK_EPERM) | E(UK_ENOENT) | E(UK_ENOSYS);
	case UK_SYS_IRQ_SET_AFFINITY:
	case UK_SYS_IRQ_SET_WAKE:
		return E(UK_EBADH) | E(UK_EPERM) | E(UK_EINVAL);
	default: return E(UK_ENOSYS);
	}
}

static uint32_t allowed(unsigned nr)
{
	if (nr < UK_SYS_COUNT)
		return core_allowed(nr);
	if (nr >= UK_SYS_IRQ_FIRST && nr <= UK_SYS_IRQ_LAST)
		return irq_allowed(nr);
	if (nr >= UK_SYS_IPC_FIRST && nr <= UK_SYS_IPC_LAST)
		return ipc_allowed(nr);
	return E(UK_ENOSYS);
}

/* Count one call's outcome; flag an undocumented one. */
static long note(struct torture *t, unsigned nr, long rc)
{
	t->calls++;
	if (rc < 0 && (rc < UK_EKILLED || !(allowed(nr) & E(rc)))) {
		flag(t, "syscall %llu returned undocumented %lld (call %llu)", nr, (long long)rc,
		     t->calls);
		return rc;
	}
	if (nr < UK_SYS_EXT_FIRST)
		t->count[nr][rc >= 0 ? 0 : -rc]++;
	return rc;
}

#define N(nr, expr) note(t, (nr), (expr))

/* ------------------------------------------------------------------------ */
/* Thread arguments                                                         */
/* ------------------------------------------------------------------------ */

static uint64_t targ(struct tproc *p, unsigned slot)
{
	return (uint64_t)(uintptr_t)p | slot;
}

static struct tproc *arg_proc(uint64_t arg) { return (struct tproc *)(uintptr_t)(arg & ~7ull); }
static unsigned arg_slot(uint64_t arg) { return (unsigned)(arg & 7); }

static enum role slot_role(unsigned s)
{
	if (s < SERVERS)
		return R_SERVER;
	if (s < SERVERS + CLIENTS)
		return R_CLIENT;
	return s == SERVERS + CLIENTS ? R_DRIVER : R_CHAOS;
}

static void seed_rng(struct uk_user *u, struct torture *t, struct sim_rng *r)
{
	sim_rng_seed(r, mix(t->seed * 0x9e3779b97f4a7c15ull + (uint64_t)uk_sys_thread_id(u)));
}

/* ------------------------------------------------------------------------ */
/* Servers                                                                  */
/* ------------------------------------------------------------------------ */

/* Serve one request in *m (reply handle `reply`, long-message buffer at
 * `buf`); set the reply in *m. mr[2] of the reply: 0 data verified, 1 bad. */
static void serve(struct uk_user *u, struct tproc *p, unsigned slot, struct sim_rng *r,
		  uint32_t reply, uint64_t buf, struct uk_msg *m)
{
	struct torture *t = p->t;
	unsigned op = (unsigned)(m->label & 0xff), from = (unsigned)(m->label >> 8 & 0xff);
	uint64_t id = m->mr[0], verdict = 0;
	uint8_t data[BUF_LEN];

	/* Recorded before any decision point: a kill from here on leaves the
	 * passed handle to the main thread to close. */
	p->owned[slot][2] = m->cap;
	t->served++;
	if (m->words < 3 || from >= PROCS ||
	    m->badge != (from == p->idx ? 0 : (uint64_t)from + 1)) {
		flag(t, "server got a mangled request: words %llu label %#llx badge %llu", m->words,
		     m->label, m->badge);
		verdict = 1;
	}
	uint64_t len = m->mr[2] & (BUF_LEN - 1), remote = m->mr[1];
	if (!len)
		len = 1;
	switch (op) {
	case OP_LONG:
		if (m->xfer_len != len || uk_user_read(u, buf, data, len) != 0 || !same(data, len, id))
			verdict = 1;
		else
			t->long_checked++;
		break;
	case OP_XREAD: {
		long rc = N(UK_SYS_XFER, uk_xfer(u, reply, UK_XFER_READ, buf, remote, len, NULL));
		if (rc == (long)len) {
			if (uk_user_read(u, buf, data, len) != 0 || !same(data, len, id))
				verdict = 1;
			else
				t->xfer_checked++;
		} else if (rc >= 0) {
			verdict = 1;
		} else {
			verdict = 2; /* failed with an error: the client may not look */
		}
		break;
	}
	case OP_XWRITE: {
		fill(data, len, id ^ 0x5a5a);
		uk_user_write(u, buf, data, len);
		long rc = N(UK_SYS_XFER, uk_xfer(u, reply, UK_XFER_WRITE, buf, remote, len, NULL));
		verdict = rc == (long)len ? 0 : rc >= 0 ? 1 : 2;
		break;
	}
	case OP_GRANT_R:
	case OP_GRANT_W: {
		uint32_t g = m->cap;
		uint64_t off = m->mr[3];
		if (!g) {
			t->caps_dropped++;
			verdict = 2;
			break;
		}
		if (op == OP_GRANT_R) {
			long rc = N(UK_SYS_XFER_GRANT, uk_xfer_grant(u, g, UK_XFER_READ, buf, off, len, NULL));
			if (rc == (long)len) {
				if (uk_user_read(u, buf, data, len) != 0 || !same(data, len, id))
					verdict = 1;
				else
					t->grant_checked++;
			} else {
				verdict = rc >= 0 ? 1 : 2;
			}
		} else {
			fill(data, len, id ^ 0x5a5a);
			uk_user_write(u, buf, data, len);
			long rc = N(UK_SYS_XFER_GRANT, uk_xfer_grant(u, g, UK_XFER_WRITE, buf, off, len, NULL));
			verdict = rc == (long)len ? 0 : rc >= 0 ? 1 : 2;
		}
		/* Sometimes keep the grant a while: the owner may revoke it or
		 * die meanwhile. One is kept at a time (slot handle 3). */
		if (!sim_rng_below(r, 4)) {
			uint32_t *kept = &p->owned[slot][3];
			if (*kept) {
				N(UK_SYS_XFER_GRANT, uk_xfer_grant(u, *kept, UK_XFER_READ, buf, 0, 8, NULL));
				N(UK_SYS_HANDLE_CLOSE, uk_sys_handle_close(u, *kept));
			}
			*kept = g;
			p->owned[slot][2] = 0;
		}
		break;
	}
	case OP_NTFN:
		if (m->cap) {
			long rc = N(UK_SYS_NTFN_SIGNAL, uk_ntfn_signal(u, m->cap, (uint32_t)(1u << (id % 31))));
			verdict = rc == 0 ? 0 : 2;
		} else {
			verdict = 2; /* documented: our table was full, the cap was dropped */
			t->caps_dropped++;
		}
		break;
	case OP_XSELF: {
		/* The caller is of our own process and blocked in its call: its
		 * buffer is ours to use. Fill it, then transfer between two
		 * overlapping ranges of it, and compare with memmove. */
		uint8_t want[BUF_LEN], got[BUF_LEN]; /* per thread: servers interleave */
		uint64_t a = sim_rng_below(r, BUF_LEN / 2), b = sim_rng_below(r, BUF_LEN / 2);
		uint64_t n = 1 + sim_rng_below(r, BUF_LEN / 2);
		unsigned dir = (unsigned)sim_rng_below(r, 2);
		if (from != p->idx)
			break;
		fill(data, BUF_LEN, id ^ 0x77);
		memcpy(want, data, BUF_LEN);
		uk_user_write(u, remote, data, BUF_LEN);
		/* READ: remote + b -> local (remote + a); WRITE: local -> remote + b. */
		if (dir == UK_XFER_READ)
			memmove(want + a, data + b, n);
		else
			memmove(want + b, data + a, n);
		long rc = N(UK_SYS_XFER, uk_xfer(u, reply, dir, remote + a, remote + b, n, NULL));
		if (rc == (long)n) {
			uk_user_read(u, remote, got, BUF_LEN);
			if (memcmp(got, want, BUF_LEN) != 0) {
				flag(t, "self transfer (strategy %llu): dir %llu, offsets a<<16|b %#llx: wrong bytes",
				     p->strategy, dir, (a << 16) | b);
			}
			else
				t->xfer_checked++;
		}
		verdict = 2; /* the client's buffer is not its pattern any more */
		break;
	}
	case OP_CAP:
		if (m->cap)
			N(UK_SYS_HANDLE_RIGHTS, uk_sys_handle_rights(u, m->cap));
		break;
	default:
		break;
	}
	if (p->owned[slot][2]) {
		uint32_t h = p->owned[slot][2];
		p->owned[slot][2] = 0;
		N(UK_SYS_HANDLE_CLOSE, uk_sys_handle_close(u, h));
	}
	if (verdict == 1)
		flag(t, "server: request %llu (op %llu) carried wrong data (len %llu)", id, op, len);
	m->label = m->label ^ 0xabcd00;
	m->words = 3;
	m->cap = 0;
	m->mr[0] = id;
	m->mr[1] = mix(id);
	m->mr[2] = verdict;
	m->xfer_va = m->xfer_len = 0;
}

static void server(struct uk_user *u, struct tproc *p, unsigned slot)
{
	struct torture *t = p->t;
	struct sim_rng r;
	struct uk_msg m;
	uint64_t buf = BUF_OF(p, slot);
	long reply = N(UK_SYS_REPLY_CREATE, uk_reply_create(u));
	long rc;

	seed_rng(u, t, &r);
	if (reply < 0)
		return;
	p->owned[slot][0] = (uint32_t)reply;
	memset(&m, 0, sizeof(m));
	rc = N(UK_SYS_RECV, uk_recv_buf(u, p->ep[p->idx], &m, (uint32_t)reply, buf, BUF_LEN));
	while (!t->stop) {
		if (rc == 0) {
			serve(u, p, slot, &r, (uint32_t)reply, buf, &m);
			switch (sim_rng_below(&r, 16)) {
			case 0: /* reply twice: the second is EALREADY */
				rc = N(UK_SYS_REPLY, uk_reply(u, (uint32_t)reply, &m));
				if (rc == 0) {
					t->replied_ok++;
					rc = N(UK_SYS_REPLY, uk_reply(u, (uint32_t)reply, &m));
					if (rc != UK_EALREADY)
						flag(t, "second reply returned %lld", (unsigned long long)rc, 0, 0);
				}
				rc = N(UK_SYS_RECV, uk_recv_buf(u, p->ep[p->idx], &m, (uint32_t)reply, buf,
								BUF_LEN));
				continue;
			case 1: case 2: case 3: case 4: case 5: case 6: case 7: {
				long r2 = N(UK_SYS_REPLY, uk_reply(u, (uint32_t)reply, &m));
				if (r2 == 0)
					t->replied_ok++;
				rc = N(UK_SYS_RECV, uk_recv_buf(u, p->ep[p->idx], &m, (uint32_t)reply, buf,
								BUF_LEN));
				continue;
			}
			default:
				rc = N(UK_SYS_REPLY_RECV, uk_reply_recv_buf(u, (uint32_t)reply, &m,
									     p->ep[p->idx], buf, BUF_LEN));
				continue;
			}
		}
		/* An error (the caller died before our reply, or a kill race):
		 * receive afresh. */
		memset(&m, 0, sizeof(m));
		rc = N(UK_SYS_RECV, uk_recv_buf(u, p->ep[p->idx], &m, (uint32_t)reply, buf, BUF_LEN));
	}
}

/* ------------------------------------------------------------------------ */
/* Clients                                                                  */
/* ------------------------------------------------------------------------ */

static unsigned pick_target(struct tproc *p, struct sim_rng *r)
{
	return (unsigned)sim_rng_below(r, PROCS);
}

static void client_call(struct uk_user *u, struct tproc *p, unsigned slot, struct sim_rng *r,
			uint64_t buf, uint32_t ntfn)
{
	struct torture *t = p->t;
	unsigned q = pick_target(p, r), op = (unsigned)sim_rng_below(r, OP_COUNT);
	bool grant_ep = t->p[q].strategy == UK_XFER_GRANT;
	uint64_t id = ++t->next_id;
	uint64_t len = 1 + sim_rng_below(r, sim_rng_below(r, 8) ? 256 : BUF_LEN - 1);
	uint8_t data[BUF_LEN];
	struct uk_msg m;
	long g = 0;

	if (op == OP_XSELF && q != p->idx)
		op = OP_XREAD; /* only a call to its own process shares the address space */
	if (grant_ep && (op == OP_LONG || op == OP_XREAD || op == OP_XWRITE || op == OP_XSELF))
		op = OP_GRANT_R + (unsigned)sim_rng_below(r, 2); /* the grant strategy's way */
	memset(&m, 0, sizeof(m));
	m.label = op | (uint64_t)p->idx << 8;
	m.words = 4;
	m.mr[0] = id;
	m.mr[1] = buf;
	m.mr[2] = len;
	fill(data, len, id);
	uk_user_write(u, buf, data, len);
	switch (op) {
	case OP_LONG:
		m.xfer_va = buf;
		m.xfer_len = len;
		break;
	case OP_GRANT_R:
	case OP_GRANT_W: {
		/* Grant a window of the buffer, sometimes past it or read-only. */
		uint64_t off = sim_rng_below(r, 4) ? 0 : 64;
		uint32_t rights = op == OP_GRANT_R ? UK_RIGHT_READ : UK_RIGHT_READ | UK_RIGHT_WRITE;
		if (!sim_rng_below(r, 16))
			rights = UK_RIGHT_READ;
		g = N(UK_SYS_GRANT_CREATE, uk_grant_create(u, buf - off, BUF_LEN, rights));
		m.cap = g > 0 ? (uint32_t)g : 0;
		m.mr[3] = off;
		break;
	}
	case OP_NTFN:
		m.cap = ntfn;
		break;
	case OP_CAP: {
		long e = N(UK_SYS_EP_MINT, uk_ep_mint(u, p->ep[p->idx], 1000 + id,
						       UK_RIGHT_WRITE | UK_RIGHT_GRANT));
		m.cap = e > 0 ? (uint32_t)e : 0;
		g = e;
		break;
	}
	default:
		break;
	}
	if (!sim_rng_below(r, 64))
		m.words = UK_MSG_WORDS + 1; /* EINVAL */
	p->owned[slot][1] = g > 0 ? (uint32_t)g : 0; /* closed by main if we die in the call */
	long rc = N(UK_SYS_CALL, uk_call(u, p->ep[q], &m));
	if (rc == 0) {
		t->sent_ok++;
		if (m.mr[0] != id || m.mr[1] != mix(id) || m.words != 3 ||
		    m.label != ((op | (uint64_t)p->idx << 8) ^ 0xabcd00))
			flag(t, "client: request %llu got the reply of %llu (words %llu)", id, m.mr[0],
			     m.words);
		if (m.mr[2] == 0 && (op == OP_XWRITE || op == OP_GRANT_W)) {
			uk_user_read(u, buf, data, len);
			if (!same(data, len, id ^ 0x5a5a))
				flag(t, "client: request %llu: the server's write did not land (len %llu)",
				     id, len, 0);
		}
		if (op == OP_NTFN && m.mr[2] == 0) {
			long bits = N(UK_SYS_NTFN_POLL, uk_ntfn_poll(u, ntfn));
			if (bits < 0 || !(bits & (1l << (id % 31))))
				flag(t, "client: request %llu: signal lost (bits %#llx)", id,
				     (unsigned long long)bits, 0);
			else
				t->ntfn_checked++;
		}
	}
	if (g > 0) {
		if (op != OP_CAP && sim_rng_below(r, 2))
			N(UK_SYS_GRANT_REVOKE, uk_grant_revoke(u, (uint32_t)g));
		p->owned[slot][1] = 0;
		N(UK_SYS_HANDLE_CLOSE, uk_sys_handle_close(u, (uint32_t)g));
	}
}

static void client(struct uk_user *u, struct tproc *p, unsigned slot)
{
	struct torture *t = p->t;
	struct sim_rng r;
	uint64_t buf = BUF_OF(p, slot);
	long ntfn = N(UK_SYS_NTFN_CREATE, uk_ntfn_create(u));

	seed_rng(u, t, &r);
	if (ntfn < 0)
		return;
	p->owned[slot][0] = (uint32_t)ntfn;
	while (!t->stop) {
		switch (sim_rng_below(&r, 8)) {
		case 0:
			N(UK_SYS_NTFN_POLL, uk_ntfn_poll(u, (uint32_t)ntfn));
			break;
		case 1: {
			/* A reply handle used wrongly: never bound. */
			long rp = N(UK_SYS_REPLY_CREATE, uk_reply_create(u));
			if (rp > 0) {
				struct uk_msg m = {.words = 1};
				N(UK_SYS_REPLY, uk_reply(u, (uint32_t)rp, &m));
				N(UK_SYS_XFER, uk_xfer(u, (uint32_t)rp, UK_XFER_READ, buf, buf, 8, NULL));
				N(UK_SYS_HANDLE_CLOSE, uk_sys_handle_close(u, (uint32_t)rp));
			}
			break;
		}
		case 2: {
			/* A send-only duplicate: receive is EPERM. */
			long d = N(UK_SYS_HANDLE_DUP, uk_sys_handle_dup(u, p->ep[(p->idx + 1) % PROCS],
									UK_RIGHT_WRITE));
			if (d > 0) {
				struct uk_msg m;
				N(UK_SYS_RECV, uk_recv(u, (uint32_t)d, &m, 0));
				N(UK_SYS_HANDLE_CLOSE, uk_sys_handle_close(u, (uint32_t)d));
			}
			break;
		}
		default:
			client_call(u, p, slot, &r, buf, (uint32_t)ntfn);
			break;
		}
	}
}

/* ------------------------------------------------------------------------ */
/* Drivers                                                                  */
/* ------------------------------------------------------------------------ */

static void driver(struct uk_user *u, struct tproc *p, unsigned slot)
{
	struct torture *t = p->t;
	struct sim_rng r;
	unsigned dev = p->idx % DEVS;
	/* Device 0 is level on pin 10, device 1 edge on pin 11. */
	enum uk_trigger trig = dev ? UK_TRIGGER_EDGE : UK_TRIGGER_LEVEL;
	long irq = -1, ntfn = N(UK_SYS_NTFN_CREATE, uk_ntfn_create(u));
	uint64_t seq = 0;

	seed_rng(u, t, &r);
	p->owned[slot][0] = ntfn > 0 ? (uint32_t)ntfn : 0;
	while (!t->stop) {
		if (irq < 0) {
			irq = N(UK_SYS_IRQ_ATTACH, uk_irq_attach(u, UK_IRQ_SRC_GSI, 10 + dev, trig,
								  UK_POLARITY_HIGH));
			seq = 0;
			p->owned[slot][1] = irq > 0 ? (uint32_t)irq : 0;
			if (irq < 0) {
				N(UK_SYS_SLEEP, uk_sys_sleep(u, 20 * US));
				continue;
			}
			if (ntfn > 0 && sim_rng_below(&r, 2))
				N(UK_SYS_NTFN_BIND_IRQ, uk_ntfn_bind_irq(u, (uint32_t)ntfn, irq, 1));
		}
		long s = N(UK_SYS_IRQ_WAIT, uk_irq_wait(u, irq, seq));
		if (s < 0) {
			flag(t, "irq wait on a live sink returned %lld", (unsigned long long)s, 0, 0);
			p->owned[slot][1] = 0;
			N(UK_SYS_HANDLE_CLOSE, uk_sys_handle_close(u, (uint32_t)irq));
			irq = -1;
			continue;
		}
		seq = (uint64_t)s;
		t->irq_episodes_seen++;
		if (ntfn > 0)
			N(UK_SYS_NTFN_POLL, uk_ntfn_poll(u, (uint32_t)ntfn));
		if (!sim_rng_below(&r, 4))
			N(UK_SYS_DEVMEM_INFO, uk_devmem_size(u, p->devmem[dev]));
		long st = uk_reg_read32(u, UK_DEVMEM_VA(dev) + HW_SCRIPT_STATUS);
		if (st < 0)
			flag(t, "reading the status through the device mapping failed: %lld",
			     (unsigned long long)st, 0, 0);
		bool mine = st > 0 && (st & HW_SCRIPT_STATUS_IRQ);
		switch (sim_rng_below(&r, 16)) {
		case 0: /* answer a future and a stale sequence first: rejected */
			N(UK_SYS_IRQ_ACK, uk_irq_ack(u, irq, seq + 5));
			N(UK_SYS_IRQ_NAK, uk_irq_nak(u, irq, seq ? seq - 1 : 0));
			break;
		case 1: /* kick instead of answering */
			if (mine)
				(void)uk_reg_write32(u, UK_DEVMEM_VA(dev) + HW_SCRIPT_STATUS,
						     HW_SCRIPT_STATUS_IRQ);
			N(UK_SYS_IRQ_KICK, uk_irq_kick(u, irq, sim_rng_below(&r, 2)));
			continue;
		case 2: /* detach owing the answer (counts as a NAK) */
			p->owned[slot][1] = 0;
			N(UK_SYS_HANDLE_CLOSE, uk_sys_handle_close(u, (uint32_t)irq));
			irq = -1;
			continue;
		default:
			break;
		}
		if (mine) {
			(void)uk_reg_write32(u, UK_DEVMEM_VA(dev) + HW_SCRIPT_STATUS,
					     HW_SCRIPT_STATUS_IRQ);
			N(UK_SYS_IRQ_ACK, uk_irq_ack(u, irq, seq));
		} else {
			N(UK_SYS_IRQ_NAK, uk_irq_nak(u, irq, seq));
		}
		if (!sim_rng_below(&r, 8)) /* a second answer: EALREADY or ESTALE */
			N(UK_SYS_IRQ_ACK, uk_irq_ack(u, irq, seq));
	}
}

/* ------------------------------------------------------------------------ */
/* Chaos: the rest of the core, and garbage                                 */
/* ------------------------------------------------------------------------ */

static uint64_t garbage_arg(struct sim_rng *r)
{
	switch (sim_rng_below(r, 8)) {
	case 0: return sim_rng_next(r);
	case 1: return sim_rng_below(r, 8);
	case 2: return 0x100 + sim_rng_below(r, 8);
	case 3: return SCRATCH + sim_rng_below(r, 4) * UK_PAGE_SIZE + sim_rng_below(r, 3) * 4;
	case 4: return UK_PAGE_SIZE * sim_rng_below(r, 4);
	case 5: return sim_rng_below(r, 256);
	case 6: return (uint64_t)-1 - sim_rng_below(r, 4);
	default: return 1ull << sim_rng_below(r, 40);
	}
}

/* Calls garbage may not make: they end or block the caller for good, or
 * take away what the harness stands on (its handles, buffers, devices'
 * interrupt controllers: a DEV_WRITE may reprogram the IOAPIC). */
static bool garbage_forbidden(unsigned nr)
{
	switch (nr) {
	case UK_SYS_THREAD_EXIT: case UK_SYS_FUTEX_WAIT: case UK_SYS_THREAD_WAIT:
	case UK_SYS_MUTEX_LOCK: case UK_SYS_THREAD_KILL: case UK_SYS_SLEEP:
	case UK_SYS_HANDLE_CLOSE: case UK_SYS_VM_UNMAP: case UK_SYS_VM_PROTECT:
	case UK_SYS_THREAD_SET_PRIO: case UK_SYS_THREAD_SET_AFFINITY:
	case UK_SYS_THREAD_SET_FAULT_HANDLER: case UK_SYS_NOPREEMPT_BEGIN:
	case UK_SYS_IRQ_WAIT: case UK_SYS_DEV_WRITE: case UK_SYS_IRQ_PORT_WAIT:
	case UK_SYS_IRQ_CONFIGURE: case UK_SYS_IRQ_SET_AFFINITY: case UK_SYS_IRQ_SET_WAKE:
	case UK_SYS_CALL: case UK_SYS_RECV: case UK_SYS_REPLY_RECV: case UK_SYS_NTFN_WAIT:
	case UK_SYS_GRANT_REVOKE: case UK_SYS_THREAD_START:
		return true;
	default:
		return false;
	}
}

/* Calls whose positive result is a new handle the garbage maker must close. */
static bool makes_handle(unsigned nr)
{
	switch (nr) {
	case UK_SYS_THREAD_CREATE: case UK_SYS_HANDLE_DUP: case UK_SYS_MUTEX_CREATE:
	case UK_SYS_IRQ_ATTACH: case UK_SYS_IRQ_PORT_CREATE: case UK_SYS_EP_CREATE:
	case UK_SYS_EP_MINT: case UK_SYS_REPLY_CREATE: case UK_SYS_NTFN_CREATE:
	case UK_SYS_GRANT_CREATE:
		return true;
	default:
		return false;
	}
}

static void garbage(struct uk_user *u, struct torture *t, struct sim_rng *r)
{
	uint64_t a[6];
	unsigned nr;
	do
		nr = (unsigned)sim_rng_below(r, UK_SYS_IPC_LAST + 4);
	while (garbage_forbidden(nr));
	for (int i = 0; i < 6; i++)
		a[i] = garbage_arg(r);
	if (nr == UK_SYS_IRQ_ATTACH && a[0] == UK_IRQ_SRC_GSI)
		a[1] += 16; /* not the harness's lines: another trigger would be EBUSY for good */
	if (nr == UK_SYS_XFER || nr == UK_SYS_XFER_GRANT)
		a[2] = SCRATCH; /* a handle of ours may name a worker's buffer: never write there */
	struct uk_msg *regs = uk_user_regs(u);
	regs->words = (uint32_t)sim_rng_below(r, 10);
	regs->cap = 0;
	regs->xfer_va = regs->xfer_len = 0;
	t->garbage_calls++;
	long rc = N(nr, uk_syscall(u, nr, a));
	if (rc > 0 && makes_handle(nr))
		N(UK_SYS_HANDLE_CLOSE, uk_sys_handle_close(u, (uint32_t)rc));
}

/* A grant over the caller's own buffer, and a transfer through it onto an
 * overlapping range of the same memory: legal, and it must move the bytes
 * as memmove would. */
static void self_grant(struct uk_user *u, struct tproc *p, unsigned slot, struct sim_rng *r,
		       uint64_t buf)
{
	struct torture *t = p->t;
	uint8_t data[BUF_LEN], want[BUF_LEN], got[BUF_LEN];
	/* Ranges up to 4 KiB at offsets up to 4 KiB: some cross the page
	 * boundary, where the copy goes in pieces. */
	uint64_t id = mix(sim_rng_next(r)), len = 1 + sim_rng_below(r, BUF_LEN / 2);
	uint64_t local = sim_rng_below(r, BUF_LEN / 2), off = sim_rng_below(r, BUF_LEN / 2);
	unsigned dir = (unsigned)sim_rng_below(r, 2);
	long g = N(UK_SYS_GRANT_CREATE, uk_grant_create(u, buf, BUF_LEN, UK_RIGHT_READ | UK_RIGHT_WRITE));

	if (g <= 0)
		return;
	p->owned[slot][1] = (uint32_t)g;
	fill(data, BUF_LEN, id);
	uk_user_write(u, buf, data, BUF_LEN);
	/* READ copies grant[off..] to local; WRITE copies local to grant[off..]. */
	memcpy(want, data, BUF_LEN);
	if (dir == UK_XFER_READ)
		memmove(want + local, data + off, len);
	else
		memmove(want + off, data + local, len);
	long rc = N(UK_SYS_XFER_GRANT, uk_xfer_grant(u, (uint32_t)g, dir, buf + local, off, len, NULL));
	if (rc == (long)len) {
		uk_user_read(u, buf, got, BUF_LEN);
		if (memcmp(got, want, BUF_LEN) != 0)
			flag(t, "self grant: dir %llu, %llu bytes, offsets local<<16|grant %#llx: wrong bytes",
			     (unsigned long long)dir, len, (local << 16) | off);
		else
			t->grant_checked++;
	}
	p->owned[slot][1] = 0;
	N(UK_SYS_HANDLE_CLOSE, uk_sys_handle_close(u, (uint32_t)g));
}

static void chaos(struct uk_user *u, struct tproc *p, unsigned slot)
{
	struct torture *t = p->t;
	struct sim_rng r;
	long mtx = N(UK_SYS_MUTEX_CREATE, uk_sys_mutex_create(u));
	uint64_t fut = BUF_OF(p, slot);
	bool mapped = false, locked = false;

	seed_rng(u, t, &r);
	p->owned[slot][0] = mtx > 0 ? (uint32_t)mtx : 0;
	while (!t->stop) {
		switch (sim_rng_below(&r, 14)) {
		case 0:
			if (mtx > 0) {
				long rc = N(UK_SYS_MUTEX_TRYLOCK, uk_sys_mutex_trylock(u, (uint32_t)mtx));
				locked |= rc == 0;
			}
			break;
		case 1:
			if (mtx > 0) {
				long rc = N(UK_SYS_MUTEX_UNLOCK, uk_sys_mutex_unlock(u, (uint32_t)mtx));
				if ((rc == 0) != locked)
					flag(t, "mutex unlock %lld while %s", (long long)rc,
					     (unsigned long long)locked, 0);
				locked = false;
			}
			break;
		case 2:
			N(UK_SYS_FUTEX_WAKE, uk_sys_futex_wake(u, fut, 1 + (uint32_t)sim_rng_below(&r, 3)));
			break;
		case 3:
			if (!mapped) {
				long rc = N(UK_SYS_VM_MAP, uk_sys_vm_map(u, UK_HANDLE_PROCESS_SELF, SCRATCH,
									  4 * UK_PAGE_SIZE,
									  UK_PROT_READ | UK_PROT_WRITE,
									  sim_rng_below(&r, 2) ? UK_VM_LAZY : 0));
				mapped = rc == 0;
				if (rc == UK_EEXIST) /* a garbage call mapped there: clear it */
					N(UK_SYS_VM_UNMAP, uk_sys_vm_unmap(u, UK_HANDLE_PROCESS_SELF, SCRATCH,
									    4 * UK_PAGE_SIZE));
				if (mapped) {
					uint64_t v = mix(sim_rng_next(&r));
					uk_user_write(u, SCRATCH + UK_PAGE_SIZE, &v, sizeof(v));
				}
			} else {
				N(UK_SYS_VM_PROTECT, uk_sys_vm_protect(u, UK_HANDLE_PROCESS_SELF, SCRATCH,
									UK_PAGE_SIZE, UK_PROT_READ));
				N(UK_SYS_VM_UNMAP, uk_sys_vm_unmap(u, UK_HANDLE_PROCESS_SELF, SCRATCH,
								    4 * UK_PAGE_SIZE));
				mapped = false;
			}
			break;
		case 4: {
			long d = N(UK_SYS_HANDLE_DUP, uk_sys_handle_dup(u, p->ep[p->idx],
									UK_RIGHT_WRITE | UK_RIGHT_GRANT));
			if (d > 0) {
				N(UK_SYS_HANDLE_RIGHTS, uk_sys_handle_rights(u, (uint32_t)d));
				N(UK_SYS_HANDLE_CLOSE, uk_sys_handle_close(u, (uint32_t)d));
			}
			break;
		}
		case 5:
			N(UK_SYS_THREAD_SET_PRIO, uk_sys_thread_set_prio(u, UK_HANDLE_THREAD_INITIAL,
									 90 + (unsigned)sim_rng_below(&r, 20)));
			break;
		case 6: {
			long n = N(UK_SYS_NTFN_CREATE, uk_ntfn_create(u));
			if (n > 0) {
				N(UK_SYS_NTFN_SIGNAL, uk_ntfn_signal(u, (uint32_t)n, 1 + (uint32_t)sim_rng_below(&r, 7)));
				N(UK_SYS_NTFN_WAIT, uk_ntfn_wait(u, (uint32_t)n));
				N(UK_SYS_HANDLE_CLOSE, uk_sys_handle_close(u, (uint32_t)n));
			}
			break;
		}
		case 7:
			N(UK_SYS_YIELD, uk_sys_yield(u));
			break;
		case 9:
			self_grant(u, p, slot, &r, fut);
			break;
		case 8: {
			/* Kick the driver's sink from another thread: ends an episode
			 * or a NAK stall, or does nothing outside one. */
			uint32_t irq = p->owned[SERVERS + CLIENTS][1];
			if (irq)
				N(UK_SYS_IRQ_KICK, uk_irq_kick(u, irq, false));
			break;
		}
		default:
			garbage(u, t, &r);
			break;
		}
	}
}

/* ------------------------------------------------------------------------ */
/* Main thread of each process                                              */
/* ------------------------------------------------------------------------ */

static void worker(struct uk_user *u, uint64_t arg)
{
	struct tproc *p = arg_proc(arg);
	unsigned slot = arg_slot(arg);
	switch (slot_role(slot)) {
	case R_SERVER: server(u, p, slot); break;
	case R_CLIENT: client(u, p, slot); break;
	case R_DRIVER: driver(u, p, slot); break;
	default: chaos(u, p, slot); break;
	}
}

/* Close what a dead worker of slot `s` left. */
static void forget_slot(struct uk_user *u, struct tproc *p, unsigned s)
{
	struct torture *t = p->t;
	for (unsigned i = 0; i < 4; i++)
		if (p->owned[s][i]) {
			N(UK_SYS_HANDLE_CLOSE, uk_sys_handle_close(u, p->owned[s][i]));
			p->owned[s][i] = 0;
		}
}

static long start_worker(struct uk_user *u, struct tproc *p, unsigned slot)
{
	struct torture *t = p->t;
	p->gen[slot]++;
	long th = N(UK_SYS_THREAD_CREATE, uk_sys_thread_create(u, UK_HANDLE_PROCESS_SELF,
							       t->worker_prog, targ(p, slot),
							       100, 0));
	if (th > 0)
		N(UK_SYS_THREAD_START, uk_sys_thread_start(u, (uint32_t)th));
	return th;
}

static void main_prog(struct uk_user *u, uint64_t arg)
{
	struct tproc *p = arg_proc(arg);
	struct torture *t = p->t;
	struct sim_rng r;
	long th[NSLOTS];

	seed_rng(u, t, &r);
	for (unsigned s = 0; s < NSLOTS; s++)
		N(UK_SYS_VM_MAP, uk_sys_vm_map(u, UK_HANDLE_PROCESS_SELF, BUF_SLOT(s), BUF_GENS * BUF_LEN,
					       UK_PROT_READ | UK_PROT_WRITE, UK_VM_LAZY));
	for (unsigned s = 0; s < NSLOTS; s++)
		th[s] = start_worker(u, p, s);
	while (!t->stop) {
		N(UK_SYS_SLEEP, uk_sys_sleep(u, (20 + sim_rng_below(&r, 200)) * US));
		if (t->calls >= t->target) {
			t->stop = true;
			break;
		}
		if (sim_rng_below(&r, 4))
			continue;
		/* Kill a worker wherever it is (in a call, a receive, an IRQ
		 * wait, or running), wait for it, and put a new one in its slot. */
		unsigned s = (unsigned)sim_rng_below(&r, NSLOTS);
		if (th[s] > 0) {
			long k = N(UK_SYS_THREAD_KILL, uk_sys_thread_kill(u, (uint32_t)th[s]));
			if (k == 0)
				t->kills++;
			N(UK_SYS_THREAD_WAIT, uk_sys_thread_wait(u, (uint32_t)th[s], 0));
			N(UK_SYS_HANDLE_CLOSE, uk_sys_handle_close(u, (uint32_t)th[s]));
			forget_slot(u, p, s);
		}
		th[s] = start_worker(u, p, s);
		t->respawns++;
	}
	/* The end: kill every worker still blocked; the process is torn down
	 * when this thread exits, with its peers' calls possibly in flight. */
	for (unsigned s = 0; s < NSLOTS; s++)
		if (th[s] > 0) {
			N(UK_SYS_THREAD_KILL, uk_sys_thread_kill(u, (uint32_t)th[s]));
			N(UK_SYS_THREAD_WAIT, uk_sys_thread_wait(u, (uint32_t)th[s], 0));
		}
	t->mains_left--;
}

/* ------------------------------------------------------------------------ */
/* Devices: a host event raises them at random times                        */
/* ------------------------------------------------------------------------ */

static void raise_fire(struct hw_event *ev, uint64_t now)
{
	struct torture *t = (struct torture *)((char *)ev - offsetof(struct torture, raise));
	if (t->stop) {
		/* Withdraw what is still raised, or a level line with no sink
		 * left would be retried for ever (NAK stall backoff). */
		for (unsigned d = 0; d < DEVS; d++)
			hw_dev_action(t->sm->hw, t->dev[d], now, HW_ACT_DEASSERT, 0);
		return;
	}
	unsigned d = (unsigned)sim_rng_below(&t->host_rng, DEVS);
	/* Level or edge, the status bit stays up until a driver clears it. */
	if (hw_dev_action(t->sm->hw, t->dev[d], now, HW_ACT_ASSERT, t->raises) == 0)
		t->raises++;
	hw_evq_insert(&t->sm->e->evq, ev, now + (2 + sim_rng_below(&t->host_rng, 20)) * US);
}

static void add_devices(struct torture *t)
{
	for (unsigned i = 0; i < DEVS; i++) {
		char err[256], name[8];
		snprintf(name, sizeof(name), "dev%u", i);
		struct hw_dev_desc d = {.kind = HW_DEV_SCRIPT, .name = name, .mmio_base = DEV_BASE(i),
					.mmio_size = 0x1000,
					.irq_mode = i ? HW_IRQ_EDGE : HW_IRQ_LEVEL,
					.irq_ctrl = 0, .irq_pin = 10 + i,
					.status_mode = HW_STATUS_W1C};
		if (hw_machine_add_device(t->sm->hw, &d, err, sizeof(err)) < 0)
			ck_abort_msg("device: %s", err);
		t->dev[i] = hw_dev_find(t->sm->hw, name);
		ck_assert_ptr_nonnull(t->dev[i]);
	}
	sim_rng_seed(&t->host_rng, mix(t->seed + 17));
	hw_event_init(&t->raise, raise_fire);
	hw_evq_insert(&t->sm->e->evq, &t->raise, 50 * US);
}

/* ------------------------------------------------------------------------ */
/* The run and its checks                                                   */
/* ------------------------------------------------------------------------ */

static uint64_t env_u64(const char *name, uint64_t dflt)
{
	const char *s = getenv(name);
	return s && *s ? strtoull(s, NULL, 0) : dflt;
}

static const char *sys_name(unsigned nr)
{
	static const char *const core[UK_SYS_COUNT] = {
		"null", "yield", "thread_create", "thread_start", "thread_exit", "thread_kill",
		"thread_wait", "thread_set_prio", "thread_set_affinity", "thread_set_fault_handler",
		"handle_dup", "handle_close", "handle_rights", "mutex_create", "mutex_lock",
		"mutex_trylock", "mutex_unlock", "futex_wait", "futex_wake", "vm_map", "vm_unmap",
		"vm_protect", "nopreempt_begin", "nopreempt_end", "clock", "thread_id", "sleep"};
	static const char *const irq[16] = {
		"irq_attach", "irq_wait", "irq_ack", "irq_nak", "irq_kick", "irq_configure",
		"dev_read", "dev_write", "irq_model_call", "irq_port_create", "irq_port_wait",
		"irq_port_bind", "irq_port_unbind", "irq_set_affinity", "irq_set_wake", "(47)"};
	static const char *const ipc[16] = {
		"ep_create", "ep_mint", "call", "recv", "reply", "reply_recv", "reply_create",
		"ntfn_create", "ntfn_signal", "ntfn_wait", "ntfn_poll", "xfer", "grant_create",
		"grant_revoke", "xfer_grant", "ntfn_bind_irq"};
	if (nr < UK_SYS_COUNT)
		return core[nr];
	if (nr >= UK_SYS_IRQ_FIRST && nr <= UK_SYS_IRQ_LAST)
		return irq[nr - UK_SYS_IRQ_FIRST];
	if (nr >= UK_SYS_IPC_FIRST && nr <= UK_SYS_IPC_LAST)
		return ipc[nr - UK_SYS_IPC_FIRST];
	return "(unassigned)";
}

/* The calls the structured mode makes on purpose: each must succeed at
 * least min_ok times, or the run only proved that garbage is rejected. */
static const unsigned must_succeed[] = {
	UK_SYS_YIELD, UK_SYS_THREAD_CREATE, UK_SYS_THREAD_START, UK_SYS_THREAD_KILL,
	UK_SYS_THREAD_WAIT, UK_SYS_THREAD_SET_PRIO, UK_SYS_HANDLE_DUP, UK_SYS_HANDLE_CLOSE,
	UK_SYS_HANDLE_RIGHTS, UK_SYS_MUTEX_CREATE, UK_SYS_MUTEX_TRYLOCK, UK_SYS_MUTEX_UNLOCK,
	UK_SYS_FUTEX_WAKE, UK_SYS_VM_MAP, UK_SYS_VM_UNMAP, UK_SYS_VM_PROTECT, UK_SYS_SLEEP,
	UK_SYS_IRQ_ATTACH, UK_SYS_IRQ_WAIT, UK_SYS_IRQ_ACK, UK_SYS_IRQ_NAK, UK_SYS_IRQ_KICK,
	UK_SYS_DEVMEM_INFO,
	UK_SYS_EP_MINT, UK_SYS_CALL, UK_SYS_RECV, UK_SYS_REPLY, UK_SYS_REPLY_RECV,
	UK_SYS_REPLY_CREATE, UK_SYS_NTFN_CREATE, UK_SYS_NTFN_SIGNAL, UK_SYS_NTFN_WAIT,
	UK_SYS_NTFN_POLL, UK_SYS_XFER, UK_SYS_GRANT_CREATE, UK_SYS_GRANT_REVOKE,
	UK_SYS_XFER_GRANT, UK_SYS_NTFN_BIND_IRQ,
};

static void print_table(const struct torture *t, FILE *f)
{
	fprintf(f, "%-26s %10s  errors\n", "syscall", "ok");
	for (unsigned nr = 0; nr < UK_SYS_EXT_FIRST; nr++) {
		uint64_t any = 0;
		for (unsigned c = 0; c < NCLS; c++)
			any += t->count[nr][c];
		if (!any)
			continue;
		fprintf(f, "%-26s %10llu ", sys_name(nr), (unsigned long long)t->count[nr][0]);
		for (unsigned c = 1; c < NCLS; c++)
			if (t->count[nr][c])
				fprintf(f, " %s=%llu", uk_err_name(-(int)c) + 3,
					(unsigned long long)t->count[nr][c]);
		fputc('\n', f);
	}
}

struct torture_result {
	uint64_t calls, bad, violations, kobj_leak;
	int64_t frame_leak;
	unsigned live_threads;
	enum sim_result run;
};

static void torture_run(uint64_t seed, uint64_t target, unsigned cpus, struct torture_result *res)
{
	char err[256];
	struct torture *t = calloc(1, sizeof(*t));
	struct sim_machine_config cfg = {.cpus = cpus, .trace_limit = 0, .seed = seed,
					 .ram_bytes = 64ull << 20, .step_bound = UINT64_MAX,
					 /* a bound on a run that stops making calls */
					 .stop_time_ns = (target / 10 + 10000000) * US};
	struct uk_kernel_stats base, end;
	struct timespec t0, t1;

	ck_assert_ptr_nonnull(t);
	t->seed = seed;
	t->target = target;
	t->min_ok = env_u64("TORTURE_MIN_OK", TT_MIN_OK_DEFAULT * (target / 1000000 ? target / 1000000 : 1));
	if (sim_machine_create(&cfg, &t->sm, err, sizeof(err)) != 0)
		ck_abort_msg("machine: %s", err);
	add_devices(t);
	t->worker_prog = (unsigned)uk_kernel_register_program(t->sm->k, "torture-worker", worker);
	int mprog = uk_kernel_register_program(t->sm->k, "torture-main", main_prog);
	ck_assert_int_ge(mprog, 0);
	uk_kernel_get_stats(t->sm->k, &base);
	for (unsigned i = 0; i < PROCS; i++) {
		struct tproc *p = &t->p[i];
		p->t = t;
		p->idx = i;
		p->strategy = 1 + i % 3; /* physmap, window, grant, physmap */
		struct uk_spawn sp = {.program = (unsigned)mprog, .arg = targ(p, 0), .prio = 110,
				      .max_prio = 200, .name = "torture-main"};
		ck_assert_int_eq(uk_kernel_spawn(t->sm->k, &sp, &p->tid), 0);
	}
	for (unsigned i = 0; i < PROCS; i++) {
		for (unsigned d = 0; d < DEVS; d++) {
			int h = uk_kernel_devmem_create(t->sm->k, t->p[i].tid, DEV_BASE(d), 0x1000,
							UK_DEVMEM_NO_PCI,
							UK_RIGHT_READ | UK_RIGHT_WRITE | UK_RIGHT_MAP);
			ck_assert_int_gt(h, 0);
			ck_assert_int_eq(uk_kernel_devmem_map(t->sm->k, t->p[i].tid, (uint32_t)h,
							      UK_DEVMEM_VA(d), UK_PROT_READ | UK_PROT_WRITE),
					 0);
			t->p[i].devmem[d] = (uint32_t)h;
		}
	}
	for (unsigned i = 0; i < PROCS; i++) {
		long h = uk_kernel_ipc_endpoint(t->sm->k, t->p[i].tid,
						UK_EP_STRATEGY(t->p[i].strategy) | (i & 1 ? UK_EP_FIFO : 0));
		ck_assert_int_gt(h, 0);
		t->p[i].ep[i] = (uint32_t)h;
	}
	for (unsigned i = 0; i < PROCS; i++)
		for (unsigned j = 0; j < PROCS; j++)
			if (i != j) {
				int h = uk_kernel_give_handle(t->sm->k, t->p[j].tid, t->p[j].ep[j],
							      t->p[i].tid, UK_RIGHT_WRITE | UK_RIGHT_GRANT,
							      i + 1);
				ck_assert_int_gt(h, 0);
				t->p[i].ep[j] = (uint32_t)h;
			}
	t->mains_left = PROCS;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	res->run = sim_machine_run(t->sm);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	uk_kernel_get_stats(t->sm->k, &end);
	res->calls = t->calls;
	res->bad = t->bad;
	res->violations = uk_kernel_irq_violation(t->sm->k, err, sizeof(err));
	res->kobj_leak = end.kobjs_live - base.kobjs_live;
	res->frame_leak = (int64_t)(base.frames_free - end.frames_free) -
			  (int64_t)(end.kalloc_pages - base.kalloc_pages);
	res->live_threads = uk_kernel_live_count(t->sm->k);

	bool verbose = env_u64("TORTURE_VERBOSE", 0) != 0;
	if (verbose || t->bad || res->run != SIM_DONE) {
		double secs = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
		fprintf(stderr,
			"torture seed %llu, %u cpus: %s; %llu calls (%llu garbage) in %.1f s host, "
			"%.3f s virtual\n",
			(unsigned long long)seed, cpus, sim_result_name(res->run),
			(unsigned long long)t->calls, (unsigned long long)t->garbage_calls, secs,
			(double)sim_now(t->sm->e) / 1e9);
		fprintf(stderr,
			"  calls ok %llu, served %llu, replies ok %llu; checked: long %llu, xfer %llu, "
			"grant %llu, ntfn %llu; caps dropped (table full) %llu; irq episodes seen %llu (device raises %llu, kernel "
			"episodes %llu, nobody cared %llu); kills %llu, new workers %llu\n",
			(unsigned long long)t->sent_ok, (unsigned long long)t->served,
			(unsigned long long)t->replied_ok, (unsigned long long)t->long_checked,
			(unsigned long long)t->xfer_checked, (unsigned long long)t->grant_checked,
			(unsigned long long)t->ntfn_checked, (unsigned long long)t->caps_dropped,
			(unsigned long long)t->irq_episodes_seen,
			(unsigned long long)t->raises, (unsigned long long)end.irq_episodes,
			(unsigned long long)end.irq_nobody_cared, (unsigned long long)t->kills,
			(unsigned long long)t->respawns);
		fprintf(stderr,
			"  kernel objects %llu -> %llu, frames free + object pages %llu -> %llu, "
			"threads alive %u, IRQ violations %llu %s\n",
			(unsigned long long)base.kobjs_live, (unsigned long long)end.kobjs_live,
			(unsigned long long)(base.frames_free + base.kalloc_pages),
			(unsigned long long)(end.frames_free + end.kalloc_pages), res->live_threads,
			(unsigned long long)res->violations, err);
		print_table(t, stderr);
		if (t->bad)
			fprintf(stderr, "  %llu bad results; first: %s\n", (unsigned long long)t->bad,
				t->first_bad);
		if (res->run != SIM_DONE)
			fprintf(stderr, "  run: %s\n", t->sm->e->message);
	}
	ck_assert_msg(res->run == SIM_DONE, "run ended %s: %s", sim_result_name(res->run),
		      t->sm->e->message);
	ck_assert_msg(t->bad == 0, "%llu bad results; first: %s", (unsigned long long)t->bad,
		      t->first_bad);
	ck_assert_msg(res->violations == 0, "IRQ invariant violated: %s", err);
	ck_assert_uint_ge(t->calls, target);
	for (unsigned i = 0; i < sizeof(must_succeed) / sizeof(must_succeed[0]); i++) {
		unsigned nr = must_succeed[i];
		ck_assert_msg(t->count[nr][0] >= t->min_ok, "%s succeeded %llu times (< %llu)",
			      sys_name(nr), (unsigned long long)t->count[nr][0],
			      (unsigned long long)t->min_ok);
	}
	/* Data and delivery checks each ran. */
	ck_assert_uint_ge(t->xfer_checked + t->grant_checked + t->long_checked + t->ntfn_checked,
			  t->min_ok);
	/* Nothing lost or leaked once every process is gone. */
	ck_assert_uint_eq(res->live_threads, 0);
	ck_assert_msg(res->kobj_leak == 0, "%llu kernel objects leaked",
		      (unsigned long long)res->kobj_leak);
	ck_assert_msg(res->frame_leak == 0, "%lld frames leaked", (long long)res->frame_leak);
	sim_machine_destroy(t->sm);
	free(t);
}

START_TEST(structured_torture)
{
	struct torture_result res;
	uint64_t seed = env_u64("TORTURE_SEED", 15);
	uint64_t calls = env_u64("TORTURE_CALLS", 1000000);
	unsigned cpus = (unsigned)env_u64("TORTURE_CPUS", 2);
	torture_run(seed, calls, cpus, &res);
}
END_TEST


int main(void)
{
	SRunner *sr = srunner_create(NULL);
	SIM_SUITE(sr, "torture", 600, structured_torture);
	return sim_run_suites(sr);
}
