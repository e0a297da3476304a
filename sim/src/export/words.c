/* SPDX-License-Identifier: MIT */
/*
 * Every trace record in plain words, with the scenario's names for its ids
 * (threads, lines, sinks, devices) when a name table is given. A kind
 * without a wording of its own here falls back to "<kind name> a b c";
 * tests/sim/trace_words.py fails the build's tests when a kind of the
 * headers does.
 */
#include <sim/engine.h>
#include <sim/export.h>

#include <hwmodel/dev.h>
#include <hwmodel/trace.h>
#include <stdarg.h>
#include <stdio.h>
#include <ukern/irq.h>
#include <ukern/irq_log.h>
#include <ukern/kernel.h>
#include <ukern/trace.h>

typedef unsigned long long ull;

/* Up to four names of one record, each in its own buffer. */
struct say {
	const struct sim_names *names;
	char buf[4][SIM_NAME_MAX + 32];
	unsigned next;
};

static const char *nm(struct say *s, enum sim_name_kind kind, uint64_t a, uint64_t b)
{
	char *buf = s->buf[s->next++ & 3];
	return sim_names_say(s->names, kind, a, b, buf, sizeof(s->buf[0]));
}

#define THREAD(x) nm(&say, SIM_NAME_THREAD, (x), 0)
#define PIN(x) nm(&say, SIM_NAME_PIN, (x), 0)
#define SINK(x) nm(&say, SIM_NAME_SINK, (x), 0)
#define LINE(c, p) nm(&say, SIM_NAME_LINE, (c), (p))
#define DEV(x) nm(&say, SIM_NAME_DEVICE, (x), 0)

static const char *wait_words(uint64_t w)
{
	switch (w) {
	case UK_WAIT_MUTEX: return "mutex";
	case UK_WAIT_OTHER: return "kernel object"; /* an IRQ, endpoint, notification, timer */
	default: return "object";
	}
}

static const char *drop_words(uint64_t why)
{
	switch (why) {
	case HW_DROP_MASKED: return "the pin is masked";
	case HW_DROP_BAD_DEST: return "its destination is not a CPU";
	case HW_DROP_UNSUPPORTED: return "its delivery mode is not modelled";
	case HW_DROP_DISABLED: return "the source is disabled";
	case HW_DROP_ILLEGAL_VEC: return "its vector is below 16";
	case HW_DROP_INTX_OFF: return "PCI interrupts are disabled";
	case HW_DROP_IN_FLIGHT: return "the source is still pending or claimed";
	case HW_DROP_APIC_OFF: return "the local APIC is disabled";
	default: return "of an unknown reason";
	}
}

static const char *source_words(uint64_t src)
{
	switch (src) {
	case HW_SRC_IOAPIC: return "from the IOAPIC";
	case HW_SRC_MSI: return "from an MSI message";
	case HW_SRC_PLIC: return "from the PLIC";
	case HW_SRC_IPI: return "from an IPI";
	case HW_SRC_TIMER: return "from its timer";
	case HW_SRC_LOCAL: return "from a local line";
	default: return "";
	}
}

static const char *action_words(uint64_t act)
{
	switch (act) {
	case HW_ACT_ASSERT: return "asserts its interrupt (status set)";
	case HW_ACT_DEASSERT: return "withdraws its interrupt (status cleared)";
	case HW_ACT_PULSE: return "pulses its interrupt (one edge)";
	case HW_ACT_RESET: return "is reset";
	case HW_ACT_COMPLETE: return "completes its outstanding work";
	case HW_ACT_RAISE: return "has bits raised in its interrupt status (its raise register)";
	default: return "acts";
	}
}

/* The timeline's own records (timeline.c): kind 0x7100 + action kind,
 * target, action index. */
#define TIMELINE_USER_BASE 0x7100u

void sim_trace_describe_named(const struct sim_trace_rec *r, const struct sim_names *names,
			      char *buf, size_t len)
{
	struct say say = {.names = names};
	ull a = r->a, b = r->b, c = r->c;
	const char *n = sim_trace_kind_name(r->kind);

#define OUT(...) snprintf(buf, len, __VA_ARGS__)
	switch (r->kind) {
	/* The engine. */
	case SIM_TR_RUN_START: OUT("the run starts (seed %llu, %llu CPUs)", a, b); return;
	case SIM_TR_CPU_PICK: OUT("CPU %llu runs next (of %llu candidates)", a, b); return;
	case SIM_TR_CPU_HALT: OUT("the CPU halts until an interrupt"); return;
	case SIM_TR_CPU_WAKE: OUT("CPU %llu wakes from its halt", a); return;
	case SIM_TR_IRQ_TAKE: OUT("the CPU takes an interrupt"); return;
	case SIM_TR_RUN_END:
		OUT("the run ends: %s after %llu steps", sim_result_name((enum sim_result)a), b);
		return;
	case SIM_TR_USER: {
		const char *act = sim_names_get(names, SIM_NAME_ACTION, c, 0);
		if (a >= TIMELINE_USER_BASE && a < TIMELINE_USER_BASE + 0x100 && act)
			OUT("timeline: %s", act);
		else if (a >= TIMELINE_USER_BASE && a < TIMELINE_USER_BASE + 0x100)
			OUT("timeline action %llu (kind %llu) on target %lld", c,
			    a - TIMELINE_USER_BASE, (long long)b);
		else
			OUT("a record of the test or demo: %llu %llu %llu", a, b, c);
		return;
	}
	case SIM_TR_TASK_RUN: OUT("task %llu runs", a); return;
	case SIM_TR_TASK_BLOCK: OUT("task %llu blocks on channel %llu", a, b); return;
	case SIM_TR_TASK_WAKE: OUT("task %llu wakes (channel %llu)", a, b); return;
	case SIM_TR_TASK_EXIT: OUT("task %llu exits", a); return;
	case SIM_TR_DEV_CLEAR: OUT("software clears the interrupt status of %s", DEV(a)); return;

	/* The kernel core. */
	case UK_TRACE_CORE_SWITCH:
		OUT("CPU %llu switches from %s to %s", a, THREAD(b), THREAD(c));
		return;
	case UK_TRACE_CORE_PREEMPT:
		OUT("%s is preempted on CPU %llu%s", THREAD(b), a, c ? " (its time slice ran out)" : "");
		return;
	case UK_TRACE_CORE_WAKE:
		OUT("%s wakes up (placed on CPU %llu, woken from CPU %llu)", THREAD(a), b, c);
		return;
	case UK_TRACE_CORE_BLOCK:
		if (b == UK_WAIT_JOIN)
			OUT("%s blocks until %s ends", THREAD(a), THREAD(c));
		else if (b == UK_WAIT_FUTEX)
			OUT("%s blocks waiting on the futex at %#llx", THREAD(a), c);
		else
			OUT("%s blocks waiting on %s %llu", THREAD(a), wait_words(b), c);
		return;
	case UK_TRACE_CORE_EXIT:
		if (c)
			OUT("%s is killed", THREAD(a));
		else
			OUT("%s exits with code %lld", THREAD(a), (long long)(int64_t)b);
		return;
	case UK_TRACE_CORE_PI_BOOST:
		OUT("%s's priority goes from %llu to %llu (priority inheritance)", THREAD(a), b, c);
		return;
	case UK_TRACE_CORE_FAULT: OUT("%s faults at address %#llx (code %llu)", THREAD(a), b, c); return;
	case UK_TRACE_CORE_SHOOTDOWN:
		OUT("TLB shootdown of address space %llu: %llu pages on CPUs %#llx", a, c, b);
		return;
	case UK_TRACE_CORE_NOPREEMPT:
		if (c == 0)
			OUT("%s enters a no-preemption section (budget %llu ns)", THREAD(a), b);
		else if (c == 1)
			OUT("%s leaves its no-preemption section", THREAD(a));
		else
			OUT("%s overruns its no-preemption budget of %llu ns", THREAD(a), b);
		return;
	case UK_TRACE_CORE_SPAWN:
		OUT("%s starts in %s at priority %llu", THREAD(a), nm(&say, SIM_NAME_PROCESS, b, 0), c);
		return;
	case UK_TRACE_CORE_PM:
		if (a)
			OUT("the machine suspends (%llu lines may wake it)", b);
		else if (b == UINT32_MAX)
			OUT("the machine resumes, as requested");
		else
			OUT("the machine resumes: %s woke it", PIN(b));
		return;
	case UK_TRACE_CORE_RUNQ: OUT("CPU %llu has %llu threads ready to run", a, b); return;

	/* The IRQ subsystem: pin, sink, argument. */
	case UK_TRACE_IRQ(UK_IRQ_EV_RAISE): OUT("a raise of %s %s", PIN(a), uk_irq_raise_words(c)); return;
	case UK_TRACE_IRQ(UK_IRQ_EV_BEGIN): OUT("%s starts service episode %llu", PIN(a), c); return;
	case UK_TRACE_IRQ(UK_IRQ_EV_SEQ):
		OUT("%s takes part in the episode of %s: sequence %llu", SINK(b), PIN(a), c);
		return;
	case UK_TRACE_IRQ(UK_IRQ_EV_ACK): OUT("%s ACKs sequence %llu on %s", SINK(b), c, PIN(a)); return;
	case UK_TRACE_IRQ(UK_IRQ_EV_NAK): OUT("%s NAKs sequence %llu on %s", SINK(b), c, PIN(a)); return;
	case UK_TRACE_IRQ(UK_IRQ_EV_KICK):
		OUT("%s kicks %s%s", SINK(b), PIN(a), c ? ", which ends its episode" : " (no episode to end)");
		return;
	case UK_TRACE_IRQ(UK_IRQ_EV_END): OUT("%s ends its episode: %s", PIN(a), uk_irq_end_words(c)); return;
	case UK_TRACE_IRQ(UK_IRQ_EV_MASK): OUT("the kernel %s %s", c ? "masks" : "unmasks", PIN(a)); return;
	case UK_TRACE_IRQ(UK_IRQ_EV_EOI): OUT("the kernel signals end of interrupt for %s", PIN(a)); return;
	case UK_TRACE_IRQ(UK_IRQ_EV_EOS): OUT("the kernel signals end of service for %s", PIN(a)); return;
	case UK_TRACE_IRQ(UK_IRQ_EV_STALL):
		OUT("%s stalls for %llu.%03llu ms, then retries", PIN(a), c / 1000000, c / 1000 % 1000);
		return;
	case UK_TRACE_IRQ(UK_IRQ_EV_NOBODY): OUT("%s: nobody cared (episode %llu)", PIN(a), c); return;
	case UK_TRACE_IRQ(UK_IRQ_EV_TIMEOUT):
		OUT("%s has not answered %s in time (ACK timeout, episode %llu)", SINK(b), PIN(a), c);
		return;
	case UK_TRACE_IRQ(UK_IRQ_EV_ATTACH):
		OUT("%s attaches to %s%s", SINK(b), PIN(a), c ? " and stands by until the next episode" : "");
		return;
	case UK_TRACE_IRQ(UK_IRQ_EV_DETACH):
		OUT("%s detaches from %s%s", SINK(b), PIN(a), c ? ", which counts as its NAK" : "");
		return;
	case UK_TRACE_IRQ(UK_IRQ_EV_DISABLE):
		OUT("%s is disabled: too many unhandled interrupts (Linux model)", PIN(a));
		return;
	case UK_TRACE_IRQ(UK_IRQ_EV_UNDELIVERED):
		OUT("an interrupt of %s finds no notification bound to %s (seL4: undelivered, episode %llu)",
		    PIN(a), SINK(b), c);
		return;
	case UK_TRACE_IRQ_VIOLATION:
		if (c == UINT32_MAX || c == UINT64_MAX)
			OUT("IRQ invariant I%llu breaks on %s", a, PIN(b));
		else
			OUT("IRQ invariant I%llu breaks on %s (%s)", a, PIN(b), SINK(c));
		return;
	case UK_TRACE_IRQ_ROUTE:
		if (c == 1)
			OUT("%s will move to CPU %llu when its episode ends", PIN(a), b);
		else if (c == 2)
			OUT("%s is routed to CPU %llu", PIN(a), b);
		else
			OUT("%s now interrupts CPU %llu", PIN(a), b);
		return;
	case UK_TRACE_IRQ_WAKE:
		OUT("%s %s wake the machine from suspend", PIN(a), b ? "may now" : "may no longer");
		return;

	/* IPC. */
	case UK_TRACE_IPC_CALL: OUT("%s calls endpoint %llu", THREAD(c), b); return;
	case UK_TRACE_IPC_RECV:
		OUT("%s receives the call of %s on endpoint %llu", THREAD(c), THREAD(a), b);
		return;

	/* The machine: lines and controllers. */
	case HW_TRACE_LINE: OUT("%s goes %s", LINE(a, b), c ? "high" : "low"); return;
	case HW_TRACE_MASK:
		OUT("%s is %s at its controller", LINE(a, b), c ? "masked" : "unmasked");
		return;
	case HW_TRACE_REMOTE_IRR:
		OUT("%s: remote IRR %s", LINE(a, b), c ? "set (level interrupt in service)" : "cleared");
		return;
	case HW_TRACE_SEND: OUT("%s sends vector %llu", LINE(a, b), c); return;
	case HW_TRACE_DROP:
		if (r->cpu != 0xffff)
			OUT("the local APIC drops vector %llu %s: %s", b, source_words(a), drop_words(c));
		else
			OUT("%s drops an edge: %s", LINE(a, b), drop_words(c));
		return;
	case HW_TRACE_HOLD: OUT("%s holds an edge while masked (vector %llu)", LINE(a, b), c); return;
	case HW_TRACE_COALESCE:
		OUT("%s merges an edge into its pending message (vector %llu)", LINE(a, b), c);
		return;
	case HW_TRACE_EOI_BCAST:
		OUT("end-of-interrupt broadcast for vector %llu clears the remote IRR of %llu pins", a, b);
		return;
	case HW_TRACE_PLIC_CLAIM:
		if (b)
			OUT("context %llu claims %s", c, LINE(a, b));
		else
			OUT("context %llu claims, but nothing is pending", c);
		return;
	case HW_TRACE_PLIC_DONE: OUT("context %llu completes %s", c, LINE(a, b)); return;
	case HW_TRACE_PLIC_IGNORED:
		OUT("the completion of %s by context %llu is ignored (source disabled)", LINE(a, b), c);
		return;
	case HW_TRACE_MSI:
		OUT("%s sends its message: vector %llu to CPU %llu", nm(&say, SIM_NAME_MSI, a, 0), b, c);
		return;
	/* Local APICs. */
	case HW_TRACE_DELIVER:
		OUT("the local APIC receives vector %llu %s (%s)", a, source_words(c),
		    b ? "level" : "edge");
		return;
	case HW_TRACE_IRR_COALESCE:
		OUT("vector %llu %s is already pending: the two merge", a, source_words(b));
		return;
	case HW_TRACE_ACCEPT: OUT("the CPU accepts vector %llu (now in service)", a); return;
	case HW_TRACE_SPURIOUS: OUT("a spurious interrupt (vector %llu)", a); return;
	case HW_TRACE_EOI:
		if (a == 0x100)
			OUT("end of interrupt with nothing in service");
		else
			OUT("end of interrupt for vector %llu%s", a, b ? " (level)" : "");
		return;
	case HW_TRACE_IPI: OUT("an IPI with vector %llu to CPU %llu", b, a); return;
	case HW_TRACE_TIMER:
		OUT("the local timer fires (vector %llu%s%s)", a, b ? ", masked" : "",
		    c ? ", periodic" : "");
		return;
	case HW_TRACE_TPR: OUT("the task priority becomes %llu", a); return;
	case HW_TRACE_APIC_ERROR: OUT("local APIC error %#llx (vector %llu)", a, b); return;
	/* MMU and TLB. */
	case HW_TRACE_CR3:
		OUT("the CPU switches to address space %llu (root %#llx%s)", b, a,
		    c ? ", TLB flushed" : "");
		return;
	case HW_TRACE_TLB_FLUSH:
		OUT("a TLB flush (kind %llu, address %#llx) drops %llu entries", a, b, c);
		return;
	/* Devices. */
	case HW_TRACE_DEV_ACTION: OUT("%s %s", DEV(a), action_words(b)); return;
	case HW_TRACE_DEV_RESET:
		OUT("%s is reset%s", DEV(a), b ? " and leaves its interrupt asserted" : "");
		return;
	case HW_TRACE_DMA:
		OUT("%s %s %llu bytes at %#llx by DMA", DEV(a), c >> 63 ? "writes" : "reads",
		    c & ~(1ull << 63), b);
		return;
	case HW_TRACE_DMA_ERROR:
		OUT("%s: DMA at %#llx fails (%s)", DEV(a), b,
		    c == 1 ? "outside RAM" : c == 2 ? "bus mastering is off" : "unknown reason");
		return;
	case HW_TRACE_UART_TX: OUT("%s transmits %llu bytes", DEV(a), c); return;
	case HW_TRACE_BLOCK_DONE:
		OUT("%s completes request %llu (status %llu)", DEV(a), b, c);
		return;
	case HW_TRACE_HPET_FIRE: OUT("%s: timer %llu fires (comparator %llu)", DEV(a), b, c); return;
	default:
		break;
	}
	if (n)
		OUT("%s %llu %llu %llu", n, a, b, c);
	else
		OUT("event 0x%04x %llu %llu %llu", r->kind, a, b, c);
#undef OUT
}

void sim_trace_describe(const struct sim_trace_rec *r, char *buf, size_t len)
{
	sim_trace_describe_named(r, NULL, buf, len);
}
