/* SPDX-License-Identifier: MIT */
/*
 * scenario.c: a scenario compiled into the image (scenario.h), run on the
 * machine. The simulator drives its devices from its event queue; here the
 * timeline is a second deadline on CPU 0's LAPIC timer, beside the kernel's
 * own (apic.c multiplexes the two): each due `raise D BITS` is a write of
 * BITS to edu D's raise register, from ring 0, whatever CPU 0 was running.
 * The threads run the runtime's own programs in ring 3 (user/rt.c), whose
 * notes and device clears arrive through METAL_SYS_SCN_EVENT; the counts are the simulator's
 * (sim/src/runtime/judge.c): handled = the driver's accepted ACKs plus its
 * ACKs that came late (ESTALE), unserved = raises no later clear of the
 * device's status followed, status-left = devices whose status is not 0 at
 * the end. When the timeline is done and every raise was served (or 10 s
 * passed), the run prints the expectations and the verdict as `uksim run`
 * does and stops the machine.
 */
#include "metal.h"
#include "metal_user.h"
#include "scenario.h"

#define SCN_POLL_NS 1000000ull      /* before the start and after the end: look every 1 ms */
#define SCN_START_DELAY_NS 100000ull /* the timeline's time 0: 100 us after everything is up */
#define SCN_QUIET_NS 5000000ull     /* served and clear for 5 ms: the run is over */
#define SCN_PATIENCE_NS 10000000000ull /* at most 10 s after the last action */

/* The timeline's stretch: action times are multiplied by it (the Makefile's
 * TIME_SCALE; qemu-run.sh --time-scale). 1 under TCG, where -icount paces
 * time by the guest's instructions. Under KVM guest time is the host's; on
 * our development VM's KVM ring 0 is emulated at about 1 us an instruction
 * (docs/porting.md), so a timeline meant for a kernel a thousand times
 * faster is stretched (qemu-run.sh uses 5000 there). Only the spacing of
 * the raises changes: every figure is still measured in real time. */
#ifndef METAL_TIME_SCALE
#define METAL_TIME_SCALE 1
#endif

struct scn_dev {
	unsigned edu;                 /* index into metal_arch.edu */
	uint32_t q[METAL_SCN_MAX_ACTIONS]; /* raises not yet served: indices into raise_tsc */
	uint32_t head, tail;
	uint64_t raised, handled, acks, naks, late; /* late: SERVED_LATE notes */
	uint64_t lat_max, lat_sum, lat_n; /* raise -> status clear, TSC ticks */
};

static struct {
	uk_spinlock_t lock;
	bool started;
	uint64_t t0, end_ns, quiet_since;
	unsigned next;                /* the next action */
	unsigned attached;            /* threads that wait for input (their first idle) or ended */
	uint64_t rejected;
	uint64_t reports;             /* METAL_SYS_SCN_EVENT calls since time 0 */
	uint64_t raise_tsc[METAL_SCN_MAX_ACTIONS];
	struct scn_dev dev[METAL_MAX_EDU];
	uint64_t handled_on_cpu[UK_MAX_CPUS];
	struct uk_kernel_stats st0;   /* the kernel's counts at time 0 */
} scn;

bool scn_active(void)
{
	return metal_scenario.name != NULL;
}

/* Scenario device i is the edu in PCI slot devices[i].pci_dev. Checks what
 * the firmware did with the lines against what the scenario says: devices
 * on one scenario pin must share an IOAPIC pin here, and only those. */
void scn_init(struct uk_arch *a)
{
	const struct metal_scenario *s = &metal_scenario;
	if (s->version != METAL_SCN_VERSION || s->ndevices > METAL_MAX_EDU ||
	    s->nactions > METAL_SCN_MAX_ACTIONS) {
		kprintf("metal: the scenario table does not fit this image (version %u, %u devices, "
			"%u actions)\n", s->version, s->ndevices, s->nactions);
		metal_exit(2);
	}
	kprintf("metal: scenario %s (%s): %u devices, %u threads, %u actions, %u expectations\n",
		s->name, s->file, s->ndevices, s->nthreads, s->nactions, s->nexpects);
	for (unsigned i = 0; i < s->ndevices; i++) {
		const struct metal_scn_device *d = &s->devices[i];
		unsigned j = 0;
		while (j < a->nedu && a->edu[j].slot != d->pci_dev)
			j++;
		if (j == a->nedu) {
			kprintf("metal: scenario device %s is in PCI slot %u, but QEMU has no usable edu "
				"there (-device edu,addr=%u)\n", d->name, d->pci_dev, d->pci_dev);
			metal_exit(2);
		}
		scn.dev[i].edu = j;
		if (d->line_kind == METAL_SCN_MSI) {
			kprintf("metal: %s: msi %u of the scenario is MSI source %u (edu %u)\n", d->name,
				d->line, j, j);
			continue;
		}
		kprintf("metal: %s: ioapic %u of the scenario is IOAPIC pin %u here\n", d->name, d->line,
			a->edu[j].gsi);
		for (unsigned k = 0; k < i; k++) {
			const struct metal_scn_device *e = &s->devices[k];
			if (e->line_kind != METAL_SCN_IOAPIC)
				continue;
			bool want = e->line == d->line, have = a->edu[scn.dev[k].edu].gsi == a->edu[j].gsi;
			if (want != have) {
				kprintf("metal: %s and %s %s one pin in the scenario but %s here\n", e->name,
					d->name, want ? "share" : "do not share", have ? "do" : "do not");
				metal_exit(3);
			}
		}
	}
	for (unsigned t = 0; t < s->nthreads; t++) {
		uint64_t cpus = a->ncpus >= 64 ? ~0ull : (1ull << a->ncpus) - 1;
		if (!(s->threads[t].affinity & cpus)) {
			kprintf("metal: %s runs on CPUs %lx, but the machine has %u (qemu-run.sh --smp)\n",
				s->threads[t].name, s->threads[t].affinity, a->ncpus);
			metal_exit(2);
		}
	}
	/* The timeline's clock: CPU 0 looks every millisecond until the
	 * drivers are up, then keeps the next action's deadline. */
	metal_timer_extra(a, metal_now(a) + SCN_POLL_NS);
}

static uint64_t tsc_to_ns(struct uk_arch *a, uint64_t ticks)
{
	return (uint64_t)((unsigned __int128)ticks * 1000000000ull / a->tsc_hz);
}

static bool cmp_ok(unsigned cmp, uint64_t x, uint64_t v)
{
	switch (cmp) {
	case METAL_SCN_EQ: return x == v;
	case METAL_SCN_NE: return x != v;
	case METAL_SCN_LT: return x < v;
	case METAL_SCN_LE: return x <= v;
	case METAL_SCN_GT: return x > v;
	default: return x >= v;
	}
}

static uint64_t status_of(struct uk_arch *a, unsigned d)
{
	uint64_t st = 0;
	uk_arch_mmio_read(a, a->edu[scn.dev[d].edu].bar0 + EDU_IRQ_STATUS, 4, &st);
	return st;
}

static uint64_t dev_sum(int ref, size_t off)
{
	uint64_t n = 0;
	for (unsigned d = 0; d < metal_scenario.ndevices; d++)
		if (ref < 0 || (unsigned)ref == d)
			n += *(const uint64_t *)((const char *)&scn.dev[d] + off);
	return n;
}

static uint64_t unserved(int ref)
{
	uint64_t n = 0;
	for (unsigned d = 0; d < metal_scenario.ndevices; d++)
		if (ref < 0 || (unsigned)ref == d)
			n += scn.dev[d].tail - scn.dev[d].head;
	return n;
}

static uint64_t status_left(struct uk_arch *a, int ref)
{
	uint64_t n = 0;
	for (unsigned d = 0; d < metal_scenario.ndevices; d++)
		if (ref < 0 || (unsigned)ref == d)
			n += status_of(a, d) != 0;
	return n;
}

static void put_time(char *buf, uint64_t ns)
{
	/* "12us", "1.5ms": the scenario language's units, to 3 decimals. */
	const char *unit = ns >= 1000000000ull ? "s" : ns >= 1000000 ? "ms" : ns >= 1000 ? "us" : "ns";
	uint64_t div = ns >= 1000000000ull ? 1000000000ull : ns >= 1000000 ? 1000000 : ns >= 1000 ? 1000 : 1;
	uint64_t whole = ns / div, frac = (ns % div) * 1000 / div;
	unsigned n = 0;
	char tmp[24];
	do {
		tmp[n++] = (char)('0' + whole % 10);
		whole /= 10;
	} while (whole);
	while (n)
		*buf++ = tmp[--n];
	if (div > 1 && frac) {
		*buf++ = '.';
		*buf++ = (char)('0' + frac / 100);
		if (frac % 100) {
			*buf++ = (char)('0' + frac / 10 % 10);
			if (frac % 10)
				*buf++ = (char)('0' + frac % 10);
		}
	}
	while (*unit)
		*buf++ = *unit++;
	*buf = 0;
}

/* The end: the expectations as `uksim run` prints them, the counts, the
 * verdict line, and the debug exit (0 met, 1 an expectation failed). */
static _Noreturn void scn_verdict(struct uk_arch *a, uint64_t now, bool timed_out)
{
	const struct metal_scenario *s = &metal_scenario;
	struct uk_kernel_stats st;
	bool ok = !timed_out;
	char t1[32], t2[32];

	uk_kernel_get_stats(a->kernel, &st);
	kprintf("scenario %s (%s), on metal\n", s->name, s->file);
	if (METAL_TIME_SCALE != 1)
		kprintf("metal: the timeline ran stretched %u times (TIME_SCALE)\n", (unsigned)METAL_TIME_SCALE);
	for (unsigned i = 0; i < s->nexpects; i++) {
		const struct metal_scn_expect *x = &s->expects[i];
		uint64_t v = 0;
		bool met, judged = true;
		switch (x->counter) {
		case METAL_SCN_NOBODY_CARED: v = st.irq_nobody_cared - scn.st0.irq_nobody_cared; break;
		case METAL_SCN_UNSERVED: v = unserved(x->ref); break;
		case METAL_SCN_STATUS_LEFT: v = status_left(a, x->ref); break;
		case METAL_SCN_HANDLED: v = dev_sum(x->ref, offsetof(struct scn_dev, handled)); break;
		case METAL_SCN_NO_DEADLOCK: v = timed_out; break;
		default: /* latency irq(D): the longest raise-to-clear */
			judged = false;
			v = tsc_to_ns(a, x->ref >= 0 ? scn.dev[x->ref].lat_max
					     : scn.dev[0].lat_max > scn.dev[1].lat_max ? scn.dev[0].lat_max
										    : scn.dev[1].lat_max);
			break;
		}
		met = x->counter == METAL_SCN_NO_DEADLOCK ? !timed_out : cmp_ok(x->cmp, v, x->value);
		if (x->counter == METAL_SCN_NO_DEADLOCK) {
			kprintf("  %s %s:%u:%u  %s  (%s)\n", met ? "\xe2\x9c\x93" : "\xe2\x9c\x97", s->file,
				x->line, x->col, x->text, met ? "none" : "the run did not end within 10 s");
		} else if (!judged) {
			put_time(t1, v);
			kprintf("  ~ %s:%u:%u  %s  (saw %s; not judged on metal: the machine's time is not the "
				"cost model's)\n", s->file, x->line, x->col, x->text, t1);
			continue;
		} else {
			kprintf("  %s %s:%u:%u  %s  (saw %lu)\n", met ? "\xe2\x9c\x93" : "\xe2\x9c\x97",
				s->file, x->line, x->col, x->text, v);
		}
		ok = ok && met;
	}
	ok = ok && st.irq_violations == 0;
	/* `uksim run` says "result: pass (done; quiet at N ns: ...)". */
	kprintf("result: %s (%s at %lu ns: %s)\n", ok ? "pass" : "fail",
		timed_out ? "timeout" : "done; quiet", now - scn.t0,
		timed_out ? "raises unserved or status set 10 s after the last action"
			  : "every raise served, every status clear");
	/* The drivers' reports to the image are system calls the simulator's
	 * driver does not make (its notes are free): not counted. */
	kprintf("stats: %lu syscalls, %lu switches, %lu preemptions, %lu IPIs, %lu device interrupts, "
		"%lu timer ticks (and %lu reports to the image, not counted)\n",
		st.syscalls - scn.st0.syscalls - scn.reports, st.switches - scn.st0.switches,
		st.preemptions - scn.st0.preemptions, st.ipis_sent - scn.st0.ipis_sent,
		st.device_irqs - scn.st0.device_irqs, st.timer_ticks - scn.st0.timer_ticks, scn.reports);
	uint64_t acks = dev_sum(-1, offsetof(struct scn_dev, acks));
	kprintf("  irq: %lu raises, %lu episodes, %lu handled, %lu ACKs, %lu NAKs, %lu nobody-cared, "
		"%lu timeouts, %lu rejected, %lu invariant violations\n",
		dev_sum(-1, offsetof(struct scn_dev, raised)), st.irq_episodes - scn.st0.irq_episodes,
		dev_sum(-1, offsetof(struct scn_dev, handled)), acks,
		dev_sum(-1, offsetof(struct scn_dev, naks)), st.irq_nobody_cared - scn.st0.irq_nobody_cared,
		st.irq_ack_timeouts - scn.st0.irq_ack_timeouts, scn.rejected, st.irq_violations);
	if (a->stray_deliveries)
		kprintf("metal: %lu deliveries dropped: copies of level interrupts that no IOAPIC sent "
			"(remote IRR clear)\n", a->stray_deliveries);
	for (unsigned d = 0; d < s->ndevices; d++) {
		struct scn_dev *v = &scn.dev[d];
		put_time(t1, tsc_to_ns(a, v->lat_max));
		put_time(t2, v->lat_n ? tsc_to_ns(a, v->lat_sum / v->lat_n) : 0);
		kprintf("  %s: raises %lu, handled %lu, unserved %lu, status left %lx, irq latency max %s "
			"mean %s\n", s->devices[d].name, v->raised, v->handled, (uint64_t)(v->tail - v->head),
			status_of(a, d), t1, t2);
	}
	for (unsigned c = 0; c < a->ncpus; c++)
		kprintf("  cpu %u: episodes handled %lu\n", c, scn.handled_on_cpu[c]);
	for (unsigned w = 0; w < 2; w++) {
		const struct ipc_result *r = &ipc_results[w];
		if (r->done && !r->failed)
			kprintf("ipc: %s round trip (call + reply_recv, 1 word, ring-0 programs): median %lu ns\n",
				w ? "cross-CPU" : "same-CPU", tsc_to_ns(a, r->median_ticks));
	}
	metal_irq_log_print(METAL_IRQ_LOG_PRINT);
	kprintf("verdict: %s\n", ok ? "PASS" : "FAIL");
	metal_exit(ok ? 0 : 1);
}

/* A clear of device d's status at `tsc` serves every raise made before it. */
static void serve(unsigned d, uint64_t tsc)
{
	struct scn_dev *v = &scn.dev[d];
	while (v->head < v->tail && scn.raise_tsc[v->q[v->head]] <= tsc) {
		uint64_t w = tsc - scn.raise_tsc[v->q[v->head++]];
		v->lat_sum += w;
		v->lat_n++;
		if (w > v->lat_max)
			v->lat_max = w;
	}
}

/* CPU 0's timer, when the timeline's deadline came (trap(), interrupts off). */
void scn_tick(struct uk_arch *a, uint64_t now)
{
	const struct metal_scenario *s = &metal_scenario;
	uint64_t next = now + SCN_POLL_NS;

	lock_raw(&scn.lock);
	if (!scn.started) {
		/* Time 0: the boot check and the IPC measurement are over (they
		 * run alone) and every program waits for input (its IRQ). */
		if (a->kernel && scn.attached == s->nthreads && ipc_results[0].done &&
		    (a->ncpus < 2 || ipc_results[1].done)) {
			scn.started = true;
			scn.t0 = now + SCN_START_DELAY_NS;
			uk_kernel_get_stats(a->kernel, &scn.st0);
			next = scn.t0;
		}
	} else {
		while (scn.next < s->nactions &&
		       scn.t0 + s->actions[scn.next].at_ns * METAL_TIME_SCALE <= now) {
			const struct metal_scn_action *x = &s->actions[scn.next];
			struct scn_dev *v = &scn.dev[x->device];
			scn.raise_tsc[scn.next] = rdtsc();
			v->q[v->tail++] = scn.next;
			v->raised++;
			uk_arch_mmio_write(a, a->edu[v->edu].bar0 + EDU_IRQ_RAISE, 4, x->bits);
			scn.next++;
		}
		if (scn.next < s->nactions) {
			next = scn.t0 + s->actions[scn.next].at_ns * METAL_TIME_SCALE;
		} else {
			if (!scn.end_ns)
				scn.end_ns = now;
			bool quiet = unserved(-1) == 0 && status_left(a, -1) == 0;
			if (!quiet)
				scn.quiet_since = 0;
			else if (!scn.quiet_since)
				scn.quiet_since = now;
			bool over = quiet && now - scn.quiet_since >= SCN_QUIET_NS;
			if (over || now - scn.end_ns > SCN_PATIENCE_NS) {
				unlock_raw(&scn.lock);
				scn_verdict(a, now, !over);
			}
		}
	}
	unlock_raw(&scn.lock);
	metal_timer_extra(a, next);
}

unsigned scn_edu_of(unsigned dev)
{
	return scn_active() ? scn.dev[dev].edu : dev;
}

/* METAL_SYS_SCN_EVENT (dev, event, value) from a ring-3 program (user/rt.c):
 * counted as the simulator's runtime counts the same notes (ctx.c). */
long scn_event(struct uk_arch *a, const uint64_t args[6])
{
	const struct metal_scenario *s = &metal_scenario;
	uint64_t d = args[0], ev = args[1];
	unsigned cpu = uk_arch_cpu_id(a);
	if (!scn_active() || ev >= METAL_SCN_EV_COUNT ||
	    (ev != METAL_SCN_EV_READY && ev != METAL_SCN_EV_REJECTED && d >= s->ndevices))
		return UK_EINVAL;
	bool en = uk_arch_irq_save(a); /* scn_tick takes the lock from CPU 0's timer */
	lock_raw(&scn.lock);
	scn.reports += scn.started;
	switch (ev) {
	case METAL_SCN_EV_READY: scn.attached++; break;
	case METAL_SCN_EV_CLEAR: serve((unsigned)d, args[2]); break;
	case METAL_SCN_EV_ACK:
		scn.dev[d].acks++;
		scn.dev[d].handled++;
		scn.handled_on_cpu[cpu]++;
		break;
	case METAL_SCN_EV_LATE:
	case METAL_SCN_EV_KICK:
		scn.dev[d].late += ev == METAL_SCN_EV_LATE;
		scn.dev[d].handled++;
		scn.handled_on_cpu[cpu]++;
		break;
	case METAL_SCN_EV_NAK: scn.dev[d].naks++; break;
	default: scn.rejected++; break;
	}
	unlock_raw(&scn.lock);
	uk_arch_irq_restore(a, en);
	return 0;
}
