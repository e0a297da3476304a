/* SPDX-License-Identifier: MIT */
/*
 * The default catalog: the built-in programs, device kinds and names planned
 * for the runtime (issue 7). The runtime may replace `programs` with its own
 * registry; see sim/uks_catalog.h.
 */
#include "sim/uks_catalog.h"

#include <string.h>

#define N(a) (sizeof(a) / sizeof((a)[0]))

static const char *const mistakes[] = {"none", "ack-before-clear", "nak-all", "never-answer",
				       "stale-seq", NULL};
static const char *const strategies[] = {"physmap", "window", "grant", NULL};

static const struct uks_arg_spec irq_driver_args[] = {
	{"device", UKS_ARG_DEVICE, NULL, true, NULL, "the device whose IRQ it serves"},
	{"mistake", UKS_ARG_ENUM, mistakes, false, "none", "a deliberate protocol mistake"},
	{"work", UKS_ARG_TIME, NULL, false, "2us", "CPU time spent per interrupt"},
	{"count", UKS_ARG_INT, NULL, false, "0", "interrupts to serve before exiting (0: forever)"},
	{"nak-first", UKS_ARG_BOOL, NULL, false, "off", "NAK the first interrupt whatever the device says (cannot tell yet)"},
};

static const struct uks_arg_spec irq_kick_args[] = {
	{"device", UKS_ARG_DEVICE, NULL, true, NULL, "the device it resets and kicks"},
	{"work", UKS_ARG_TIME, NULL, false, "2us", "CPU time spent per interrupt"},
	{"reset-every", UKS_ARG_INT, NULL, false, "0", "reset the device every N interrupts"},
};

static const struct uks_arg_spec line_driver_args[] = {
	{"device", UKS_ARG_DEVICE, NULL, true, NULL, "a device of the line it serves"},
	{"work", UKS_ARG_TIME, NULL, false, "2us", "CPU time spent per device served"},
};

static const char *const sel4_mistakes[] = {"none", "no-initial-ack", "ack-only-claimed",
					    "no-ack-after-rebind", "ack-before-clear", "blind-initial-ack",
					    NULL};

static const struct uks_arg_spec sel4_driver_args[] = {
	{"device", UKS_ARG_DEVICE, NULL, true, NULL,
	 "a device it serves (its line gets badge bit 0); it serves every device its process "
	 "holds irq(D) for, one IRQHandler per line"},
	{"work", UKS_ARG_TIME, NULL, false, "2us", "CPU time spent per device served"},
	{"setup", UKS_ARG_TIME, NULL, false, "0", "CPU time between issuing the handlers and "
						  "binding them (the line is open meanwhile)"},
	{"rebind-every", UKS_ARG_INT, NULL, false, "0",
	 "move the handlers to a fresh notification every N wake-ups (0: never)"},
	{"mistake", UKS_ARG_ENUM, sel4_mistakes, false, "none", "a documented seL4 pitfall"},
};

static const char *const linux_mistakes[] = {"none", "wrong-status", NULL};
static const char *const linux_disables[] = {"nosync", "sync", NULL};

static const struct uks_arg_spec linux_driver_args[] = {
	{"device", UKS_ARG_DEVICE, NULL, true, NULL, "the device it serves"},
	{"work", UKS_ARG_TIME, NULL, false, "2us", "CPU time spent per interrupt served"},
	{"shared", UKS_ARG_BOOL, NULL, false, "on", "IRQF_SHARED"},
	{"oneshot", UKS_ARG_BOOL, NULL, false, "on", "IRQF_ONESHOT: the line stays masked until the thread is done"},
	{"threaded", UKS_ARG_BOOL, NULL, false, "on", "a thread function does the work (the hard handler returns IRQ_WAKE_THREAD)"},
	{"primary", UKS_ARG_BOOL, NULL, false, "on", "a hard handler that checks the device (off: handler NULL, the default primary handler)"},
	{"mistake", UKS_ARG_ENUM, linux_mistakes, false, "none", "wrong-status: never recognises (nor clears) its device's interrupt"},
	{"reset-every", UKS_ARG_INT, NULL, false, "0", "the thread resets the device every N interrupts, inside disable/enable_irq (0: never)"},
	{"disable", UKS_ARG_ENUM, linux_disables, false, "nosync", "sync: disable_irq (waits for the line's threads); nosync: disable_irq_nosync"},
};

static const char *const fiasco_mistakes[] = {"none", "no-unmask", "unmask-mine-only", NULL};
static const char *const fiasco_handoffs[] = {"attach", "detach", NULL};
static const struct uks_arg_spec fiasco_driver_args[] = {
	{"device", UKS_ARG_DEVICE, NULL, true, NULL, "the device whose IRQ object it receives"},
	{"work", UKS_ARG_TIME, NULL, false, "2us", "CPU time spent per interrupt served"},
	{"mistake", UKS_ARG_ENUM, fiasco_mistakes, false, "none",
	 "no-unmask: receive without l4_irq_unmask; unmask-mine-only: not when not its device's"},
	{"handoff", UKS_ARG_INT, NULL, false, "0", "after this many interrupts, hand the IRQ to a new worker (0: never)"},
	{"handoff-by", UKS_ARG_ENUM, fiasco_handoffs, false, "attach",
	 "attach: l4_irq_attach to the new thread; detach: l4_irq_detach first"},
};

static const char *const zircon_mistakes[] = {"none", "wait-after-bind", "no-ack",
					      "rebind-no-ack", NULL};
static const struct uks_arg_spec zircon_driver_args[] = {
	{"device", UKS_ARG_DEVICE, NULL, true, NULL, "a device of the line it serves"},
	{"work", UKS_ARG_TIME, NULL, false, "2us", "CPU time spent per device served"},
	{"mistake", UKS_ARG_ENUM, zircon_mistakes, false, "none",
	 "a documented Zircon pitfall (docs/models/zircon.md)"},
	{"rebind-every", UKS_ARG_INT, NULL, false, "0",
	 "move the interrupt to a fresh port every N packets (0: never)"},
	{"wake-vector", UKS_ARG_BOOL, NULL, false, "off",
	 "create the interrupt of device's line with ZX_INTERRUPT_WAKE_VECTOR: it may wake a "
	 "suspended machine"},
};

static const char *const edu_mistakes[] = {"none", "ack-before-clear", NULL};
static const struct uks_arg_spec edu_driver_args[] = {
	{"device", UKS_ARG_DEVICE, NULL, true, NULL, "the edu device whose IRQ it serves"},
	{"mistake", UKS_ARG_ENUM, edu_mistakes, false, "none",
	 "ack-before-clear: ACK, then write the status bits to the acknowledge register"},
	{"work", UKS_ARG_TIME, NULL, false, "2us", "CPU time spent per interrupt"},
};

static const struct uks_arg_spec vfs_client_args[] = {
	{"server", UKS_ARG_ENDPOINT, NULL, true, NULL, "the VFS endpoint"},
	{"path", UKS_ARG_STRING, NULL, false, "\"/etc/motd\"", "the path it opens"},
	{"strategy", UKS_ARG_ENUM, strategies, false, NULL, "transfer strategy (default: machine)"},
	{"calls", UKS_ARG_INT, NULL, false, "1", "number of open/read/close rounds"},
	{"size", UKS_ARG_SIZE, NULL, false, "4KiB", "bytes read per round"},
};

static const struct uks_arg_spec vfs_server_args[] = {
	{"endpoint", UKS_ARG_ENDPOINT, NULL, true, NULL, "where it receives calls"},
	{"fs", UKS_ARG_ENDPOINT, NULL, false, NULL, "the FS server it forwards to"},
	{"work", UKS_ARG_TIME, NULL, false, "1us", "CPU time per call"},
};

static const struct uks_arg_spec fs_server_args[] = {
	{"endpoint", UKS_ARG_ENDPOINT, NULL, true, NULL, "where it receives calls"},
	{"disk", UKS_ARG_DEVICE, NULL, false, NULL, "the block device it reads"},
	{"work", UKS_ARG_TIME, NULL, false, "5us", "CPU time per call"},
};

static const struct uks_arg_spec pci_server_args[] = {
	{"endpoint", UKS_ARG_ENDPOINT, NULL, true, NULL, "where it receives config requests"},
	{"work", UKS_ARG_TIME, NULL, false, "1us", "CPU time per request"},
};

static const struct uks_arg_spec pci_driver_args[] = {
	{"server", UKS_ARG_ENDPOINT, NULL, true, NULL, "the PCI server's endpoint"},
	{"device", UKS_ARG_DEVICE, NULL, false, NULL, "the device it configures"},
	{"calls", UKS_ARG_INT, NULL, false, "10", "config requests to make"},
	{"period", UKS_ARG_TIME, NULL, false, "100us", "time between requests"},
	{"deadline", UKS_ARG_TIME, NULL, false, NULL, "latency it needs per request"},
};

static const struct uks_arg_spec load_args[] = {
	{"work", UKS_ARG_TIME, NULL, false, "100us", "CPU time burnt per period"},
	{"period", UKS_ARG_TIME, NULL, false, "0", "0: burn forever"},
	{"until", UKS_ARG_TIME, NULL, false, NULL, "stop at this time"},
};

static const struct uks_arg_spec mutex_holder_args[] = {
	{"mutex", UKS_ARG_STRING, NULL, false, "\"m\"", "the shared kernel mutex's name"},
	{"hold", UKS_ARG_TIME, NULL, false, "1ms", "CPU time spent holding it"},
	{"start", UKS_ARG_TIME, NULL, false, "0", "when it takes the mutex"},
};

static const struct uks_arg_spec mutex_waiter_args[] = {
	{"mutex", UKS_ARG_STRING, NULL, false, "\"m\"", "the shared kernel mutex's name"},
	{"start", UKS_ARG_TIME, NULL, false, "0", "when it asks for the mutex"},
	{"deadline", UKS_ARG_TIME, NULL, false, NULL, "the wait it tolerates"},
};

static const struct uks_arg_spec nopreempt_args[] = {
	{"device", UKS_ARG_DEVICE, NULL, false, NULL, "the device it programs in sequence"},
	{"budget", UKS_ARG_TIME, NULL, true, NULL, "the declared no-preemption budget"},
	{"work", UKS_ARG_TIME, NULL, true, NULL, "time actually spent inside the section"},
	{"rounds", UKS_ARG_INT, NULL, false, "1", "sections to run"},
};

static const struct uks_arg_spec spinner_args[] = {
	{"iterations", UKS_ARG_INT, NULL, false, "0", "yield loop iterations (0: forever)"},
};

#define PROG(name, args, doc) {name, args, N(args), doc, NULL, 0}
#define PROGN(name, args, doc, needs) {name, args, N(args), doc, needs, N(needs)}

/* What each program needs from its process, by argument. A driver needs
 * its device's IRQ and its device memory (mmio(D), or pci(D) on PCI). */
static const struct uks_cap_need driver_needs[] = {{UKS_NEED_IRQ, "device"},
						   {UKS_NEED_MMIO, "device"}};
static const struct uks_cap_need client_needs[] = {{UKS_NEED_SEND, "server"}};
static const struct uks_cap_need vfs_needs[] = {
	{UKS_NEED_RECEIVE, "endpoint"},
	{UKS_NEED_SEND, "fs"},
};
static const struct uks_cap_need server_needs[] = {{UKS_NEED_RECEIVE, "endpoint"}};
static const struct uks_cap_need nopreempt_needs[] = {{UKS_NEED_NOPREEMPT, NULL},
						      {UKS_NEED_MMIO, "device"}};

static const struct uks_program_spec programs[] = {
	PROGN("irq-driver", irq_driver_args, "waits for its IRQ, clears the device, ACKs (or errs)",
	      driver_needs),
	PROGN("irq-driver-kick", irq_kick_args,
	      "a driver that resets its device and kicks the IRQ", driver_needs),
	PROGN("line-driver", line_driver_args,
	      "one handler for a whole line (seL4, Zircon): serves every device on it, ACKs",
	      driver_needs),
	PROGN("linux-driver", linux_driver_args,
	      "Linux's native driver: request_threaded_irq, hard handler + IRQ thread, one per device",
	      driver_needs),
	PROGN("zircon-driver", zircon_driver_args,
	      "Zircon's native loop: port wait, serve the line's devices, zx_interrupt_ack",
	      driver_needs),
	PROGN("sel4-driver", sel4_driver_args,
	      "seL4's native driver: one notification, one IRQHandler per line with its own "
	      "badge, wait, serve the lines whose bits are set, Ack each",
	      driver_needs),
	PROGN("native-driver", line_driver_args,
	      "the driver the IRQ model of the device's line names: written as that kernel's "
	      "drivers are",
	      driver_needs),
	PROGN("fiasco-driver", fiasco_driver_args,
	      "Fiasco.OC's native driver: l4_irq_attach, then l4_irq_receive (unmask + wait) and "
	      "service, one per device (Irq_muxer children on a shared line)",
	      driver_needs),
	PROGN("edu-driver", edu_driver_args,
	      "QEMU edu's driver: waits, reads the interrupt status (0x24), writes those bits to "
	      "the acknowledge register (0x64), then ACKs; NAKs when the status is 0",
	      driver_needs),
	PROGN("vfs-client", vfs_client_args, "opens and reads a file through the VFS server",
	      client_needs),
	PROGN("vfs-server", vfs_server_args, "the VFS: copies paths and data across spaces",
	      vfs_needs),
	PROGN("fs-server", fs_server_args, "a file system server behind the VFS", server_needs),
	PROGN("pci-server", pci_server_args, "owns PCI config space and serves requests",
	      server_needs),
	PROGN("pci-driver", pci_driver_args, "a priority-sensitive client of the PCI server",
	      client_needs),
	PROG("load", load_args, "a CPU burner"),
	PROG("mutex-holder", mutex_holder_args, "takes a kernel mutex and computes while holding it"),
	PROG("mutex-waiter", mutex_waiter_args, "wants the same mutex (priority inversion)"),
	PROGN("nopreempt-driver", nopreempt_args,
	      "touches hardware inside a no-preemption section", nopreempt_needs),
	PROG("spinner", spinner_args, "yields in a loop"),
};

static const struct uks_arg_spec hpet_args[] = {
	{"period", UKS_ARG_TIME, NULL, false, NULL, "periodic interrupt (none: one-shot by script)"},
};

static const struct uks_arg_spec uart_args[] = {
	{"baud", UKS_ARG_INT, NULL, false, "115200", "line speed"},
};

static const struct uks_arg_spec block_args[] = {
	{"latency", UKS_ARG_TIME, NULL, false, "50us", "time to complete one request"},
	{"size", UKS_ARG_SIZE, NULL, false, "1MiB", "capacity"},
};

static const struct uks_program_spec device_kinds[] = {
	{"scripted", NULL, 0, "raises and lowers its line only when the timeline says", NULL, 0},
	PROG("hpet", hpet_args, "a timer"),
	PROG("uart", uart_args, "a serial port"),
	PROG("block", block_args, "a disk with request/complete"),
	{"edu", NULL, 0,
	 "QEMU's edu PCI device: raise/acknowledge registers, a level INTx held while its "
	 "interrupt status is non-zero (or MSI)", NULL, 0},
};

static const struct uks_metric_spec counters[] = {
	{"nobody-cared", UKS_ARG_DEVICE, true, "all-NAK episodes reported"},
	{"handled", UKS_ARG_DEVICE, true, "episodes ended by an ACK or kick"},
	{"raised", UKS_ARG_DEVICE, true, "raises delivered"},
	{"acks", UKS_ARG_DEVICE, true, "ACKs accepted"},
	{"naks", UKS_ARG_DEVICE, true, "NAKs accepted"},
	{"rejected", UKS_ARG_PROCESS, true, "ACK/NAK/wait calls rejected with an error"},
	{"timeouts", UKS_ARG_DEVICE, true, "ACK timeout reports"},
	{"stalls", UKS_ARG_DEVICE, true, "NAK stalls entered"},
	{"disabled", UKS_ARG_DEVICE, true, "lines the Linux statistic disabled (\"nobody cared\")"},
	{"undelivered", UKS_ARG_DEVICE, true,
	 "seL4 model: interrupts that found no notification bound (\"Undelivered IRQ\")"},
	{"lost-edges", UKS_ARG_DEVICE, true, "edges lost while unmasked"},
	{"dropped-edges", UKS_ARG_DEVICE, true, "edges dropped on masked pins"},
	{"spurious", UKS_ARG_DEVICE, true, "spurious interrupts"},
	{"unserved", UKS_ARG_DEVICE, true,
	 "assertions and raises no clear of the device's status followed by the end of the run"},
	{"status-left", UKS_ARG_DEVICE, true,
	 "devices whose interrupt status was still set when the run ended"},
	{"ipis", UKS_ARG_NONE, false, "inter-processor interrupts sent"},
	{"copies", UKS_ARG_ENDPOINT, true, "bytes copied by transfers"},
	{"page-walks", UKS_ARG_NONE, false, "software page walks"},
	{"tlb-shootdowns", UKS_ARG_NONE, false, "TLB shootdowns"},
	{"faults", UKS_ARG_PROCESS, true, "transfer faults charged"},
	{"switches", UKS_ARG_NONE, false, "context switches"},
	{"budget-overruns", UKS_ARG_PROCESS, true, "no-preemption budget overruns"},
	{"exits", UKS_ARG_PROCESS, true, "threads that finished"},
	{"suspends", UKS_ARG_NONE, false, "times the machine suspended"},
	{"resumes", UKS_ARG_NONE, false, "resumes, by a wake line's interrupt or `resume`"},
	{"wakeups", UKS_ARG_NONE, false, "resumes caused by a wake line's interrupt"},
	{"irq-moves", UKS_ARG_NONE, false, "lines moved to another CPU (route, irq_set_affinity)"},
	{"ioapic-dropped", UKS_ARG_DEVICE, true, "edges the IOAPIC lost (masked pin, bad destination)"},
	{"ioapic-held", UKS_ARG_DEVICE, true, "edges the IOAPIC held across a mask"},
	{"msi-dropped", UKS_ARG_DEVICE, true, "MSI messages lost (disabled, bad destination)"},
	{"msi-held", UKS_ARG_DEVICE, true, "MSI messages held (always 0: MSI cannot be masked)"},
	{"plic-dropped", UKS_ARG_DEVICE, true, "edges the PLIC gateway lost (source in flight)"},
	{"plic-held", UKS_ARG_DEVICE, true, "requests the PLIC gateway held for a disabled source"},
	{"lapic-dropped", UKS_ARG_NONE, false, "interrupts a software-disabled LAPIC refused"},
	{"lapic-held", UKS_ARG_NONE, false, "interrupts kept in IRR behind one in service"},
};

static const struct uks_metric_spec latencies[] = {
	{"irq", UKS_ARG_DEVICE, false, "raise to the driver's wait returning"},
	{"handled", UKS_ARG_DEVICE, false, "raise to the episode ending handled"},
	{"ipc", UKS_ARG_ENDPOINT, false, "call to reply"},
	{"wakeup", UKS_ARG_PROCESS, false, "runnable to running"},
	{"nopreempt", UKS_ARG_PROCESS, true, "longest non-preemptible stretch"},
};

static const char *const costs[] = {"skylake", "zen3", "slow-ipi", NULL};
/* The built-in policies. The runtime's registry (sim/src/runtime/policy.c)
 * is where they live; these lists let the parser work without one, and a
 * test keeps them equal to the registry's. */
static const char *const irq_models[] = {"managarm", "sel4", "linux", "zircon",
					 "managarm-2020", "msi-no-retry", "fiasco", NULL};
static const char *const schedulers[] = {"fixed", NULL};
static const char *const behaviours[] = {
	"controller", "mask-in-service", "no-mask-in-service", "eoi-before-mask",
	"eos-before-unmask", "no-buffer", "claim-masked", "latch-masked", "complete-on-claim",
	NULL,
};
static const char *const violations[] = {
	"I1", "I2", "I3", "I4", "I5", "I6", "I7", "I8", "I9", "I10",
	"L1", "L2", "L3", "L4", "L5", "L6", "L7",
	"deadlock", "livelock", "ack-timeout", "nobody-cared", "budget-overrun", "fault",
	"attach-refused", "irq-disabled", "unserved", "irq-undelivered", "suspended-forever", NULL,
};

static const struct uks_catalog default_catalog = {
	.programs = programs,
	.nprograms = N(programs),
	.device_kinds = device_kinds,
	.ndevice_kinds = N(device_kinds),
	.counters = counters,
	.ncounters = N(counters),
	.latencies = latencies,
	.nlatencies = N(latencies),
	.cost_presets = costs,
	.irq_models = irq_models,
	.transfers = strategies,
	.schedulers = schedulers,
	.behaviours = behaviours,
	.violations = violations,
	.allow_unknown_programs = false,
};

const struct uks_catalog *uks_default_catalog(void)
{
	return &default_catalog;
}

const struct uks_program_spec *uks_catalog_program(const struct uks_catalog *cat,
						   const char *name)
{
	for (size_t i = 0; i < cat->nprograms; i++)
		if (!strcmp(cat->programs[i].name, name))
			return &cat->programs[i];
	return NULL;
}

const struct uks_program_spec *uks_catalog_device_kind(const struct uks_catalog *cat,
						       const char *name)
{
	for (size_t i = 0; i < cat->ndevice_kinds; i++)
		if (!strcmp(cat->device_kinds[i].name, name))
			return &cat->device_kinds[i];
	return NULL;
}

const struct uks_metric_spec *uks_catalog_counter(const struct uks_catalog *cat, const char *name)
{
	for (size_t i = 0; i < cat->ncounters; i++)
		if (!strcmp(cat->counters[i].name, name))
			return &cat->counters[i];
	return NULL;
}

const struct uks_metric_spec *uks_catalog_latency(const struct uks_catalog *cat, const char *name)
{
	for (size_t i = 0; i < cat->nlatencies; i++)
		if (!strcmp(cat->latencies[i].name, name))
			return &cat->latencies[i];
	return NULL;
}

int uks_name_index(const char *const *list, const char *name)
{
	for (int i = 0; list && list[i]; i++)
		if (!strcmp(list[i], name))
			return i;
	return -1;
}
