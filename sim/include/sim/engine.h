/* SPDX-License-Identifier: MIT */
/*
 * The simulation engine: virtual time, simulated CPUs running fibers, the
 * event queue, the chooser, and the end-of-run verdicts.
 *
 * One `struct sim_engine` holds every piece of state of one simulation (no
 * globals), so several can run at once in different host threads.
 *
 * Execution model (docs/design.md section 2). Each simulated CPU runs one fiber
 * at a time and has its own virtual clock, advanced by sim_charge(). Code
 * between two decision points is atomic with respect to the other CPUs. At a
 * decision point (sim_decide) the engine
 *   1. fires every event due at or before the earliest runnable CPU's clock,
 *   2. asks the chooser which of the candidate CPUs runs next (candidates:
 *      runnable CPUs whose clock is within the race window of the earliest),
 *   3. switches to that CPU's fiber, and on the CPU that resumes, lets a
 *      ready interrupt be taken if the chooser says so.
 * When the current CPU is the only candidate and nothing is due, the decision
 * is a few compares and returns at once (the fast path, inline below).
 * A halted CPU is not runnable until an interrupt is raised for it; when no
 * CPU is runnable the engine jumps virtual time to the next event. With no
 * CPU runnable and no event left, the run ends: as a deadlock when the client
 * reports blocked threads, otherwise as finished.
 */
#ifndef SIM_ENGINE_H
#define SIM_ENGINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <hwmodel/evq.h>
#include <hwmodel/mem.h>
#include <sim/fiber.h>
#include <sim/rng.h>
#include <sim/trace.h>

#define SIM_MAX_CPUS 64

struct sim_engine;

enum sim_result {
	SIM_RUNNING = 0,
	SIM_DONE,        /* nothing left to do, or the time limit was reached */
	SIM_DEADLOCK,    /* nothing can run, nothing is pending, threads still wait */
	SIM_LIVELOCK,    /* the step bound was reached */
	SIM_STOPPED,     /* the client stopped the run (e.g. a violation was found) */
	SIM_ERROR,       /* internal error (out of memory, a fiber returned, ...) */
};

const char *sim_result_name(enum sim_result r);

/* ------------------------------------------------------------------------ */
/* The chooser                                                              */
/* ------------------------------------------------------------------------ */

/*
 * Every choice the engine (or a client, through sim_choose) leaves open goes
 * through the chooser's one entry point:
 *   SIM_CHOICE_CPU    which of the candidate CPUs runs next (n >= 2);
 *   SIM_CHOICE_IRQ    whether a CPU resuming with a ready interrupt takes it
 *                     now (0) or runs on (1); the engine bounds deferrals;
 *   SIM_CHOICE_VALUE  a value in [0, n) a client asks for, e.g. where in its
 *                     window a timeline action falls.
 * Each choice has a default: what virtual time alone would do (the earliest
 * CPU, ties keeping the current one; take the interrupt; the value the
 * client names). A schedule is therefore the list of places where it departs
 * from the defaults, which is what replay tokens store.
 * Policies: "time" (always the default), "random" (uniform among CPU
 * candidates in the race window, occasional interrupt deferral, uniform
 * values); the explorer adds PCT and scripted (replay, bounded search).
 */
enum sim_choice_kind { SIM_CHOICE_CPU = 0, SIM_CHOICE_IRQ = 1, SIM_CHOICE_VALUE = 2 };

/* What a SIM_CHOICE_VALUE is about, for the story (it changes nothing a
 * chooser does): where a windowed timeline action falls, or a program's
 * own choice (sim_prog_choose), or a client's value of another kind. */
enum sim_value_what { SIM_VALUE_OTHER = 0, SIM_VALUE_WINDOW = 1, SIM_VALUE_PROGRAM = 2 };

struct sim_choice {
	enum sim_choice_kind kind;
	unsigned n;            /* options: 0 .. n-1 (n >= 2) */
	unsigned dflt;         /* the default option */
	const unsigned *cand;  /* SIM_CHOICE_CPU: the candidate CPUs, ascending */
	int current;           /* SIM_CHOICE_CPU: the CPU at the decision point, or -1 */
	unsigned cpu;          /* SIM_CHOICE_IRQ: the CPU with the interrupt */
	unsigned what;         /* SIM_CHOICE_VALUE: enum sim_value_what */
	uint64_t index;        /* this choice's number in the run (0, 1, ...) */
};

struct sim_chooser_ops {
	const char *name;
	unsigned (*choose)(void *state, struct sim_engine *e, const struct sim_choice *c);
};

extern const struct sim_chooser_ops sim_chooser_time;
extern const struct sim_chooser_ops sim_chooser_random;

/* One recorded choice: which option was taken and what the default was,
 * when and where (for CPU choices, which CPUs those options were). */
struct sim_decision {
	uint8_t kind, n, choice, dflt;
	uint8_t cpu;                /* the CPU at the decision point */
	uint8_t choice_cpu, dflt_cpu; /* SIM_CHOICE_CPU: the CPUs behind the options */
	uint8_t what;               /* SIM_CHOICE_VALUE: enum sim_value_what */
	uint64_t time;
};

/* Look a policy up by name ("time", "random"); NULL if unknown. */
const struct sim_chooser_ops *sim_chooser_find(const char *name);

/* ------------------------------------------------------------------------ */
/* The client: whoever runs threads on the engine (the kernel glue, tests)   */
/* ------------------------------------------------------------------------ */

struct sim_client_ops {
	/* CPU `cpu` takes an interrupt: called on its running fiber with its
	 * interrupts disabled. The client acknowledges it (e.g. at the LAPIC)
	 * and calls sim_cpu_irq_clear() when nothing else is pending. */
	void (*interrupt)(void *ctx, struct sim_engine *e, unsigned cpu);
	/* Nothing can run and nothing is pending. Append to `out` one line per
	 * blocked thread ("thread T waits on W") and return how many there
	 * are; 0 means the run simply finished. `out` may be NULL: count
	 * only the threads that make the end a deadlock (the engine counts
	 * first and words the lines only then). */
	unsigned (*describe_blocked)(void *ctx, struct sim_engine *e, char *out, size_t outlen);
};

/* ------------------------------------------------------------------------ */
/* The engine                                                               */
/* ------------------------------------------------------------------------ */

struct sim_engine_config {
	unsigned cpus;              /* 1 .. SIM_MAX_CPUS */
	uint64_t seed;
	const struct sim_chooser_ops *chooser; /* NULL: time-faithful */
	void *chooser_state;
	uint64_t race_window_ns;    /* candidates: clock <= earliest + window */
	uint64_t step_bound;        /* decision points before SIM_LIVELOCK; 0: 100,000,000 */
	uint64_t stop_time_ns;      /* end the run once virtual time passes it; 0: never */
	size_t stack_size;          /* fiber stack bytes; 0: default */
	/* A stack pool that outlives the engine (not owned), so successive runs
	 * on one host thread reuse stacks instead of mapping new ones; NULL:
	 * the engine keeps its own. Never share one between host threads. */
	struct sim_stack_pool *stack_pool;
	/* Likewise for simulated RAM (hwmodel/mem.h): carried to the machine
	 * the client builds; the engine itself does not use it. */
	struct hw_ram_cache *ram_cache;
	size_t trace_limit;         /* trace records to keep in memory; 0: hash only */
	bool record_decisions;      /* keep the decision log (for replay tokens) */
	/* Not even the hash: the trace's hash stays its initial value (the
	 * explorer's runs, when nobody compares traces). */
	bool no_trace_hash;
};

struct sim_cpu {
	uint64_t clock;             /* virtual ns */
	struct sim_fiber *fiber;    /* what the CPU runs now; NULL: off */
	bool halted;
	bool irq_pending;           /* the client has an interrupt for this CPU */
	bool irq_enabled;           /* the CPU's interrupt flag */
	bool irq_ready;             /* irq_pending && irq_enabled */
	unsigned irq_defers;        /* consecutive deferrals of a ready interrupt */
	uint64_t switches, irqs_taken, halts;
};

struct sim_engine {
	unsigned ncpus;
	uint64_t runnable;          /* bit i: CPU i has a fiber, is not halted, not parked */
	uint64_t parked;            /* bit i: CPU i waits for a write (sim_cpu_park) */
	unsigned cur;               /* CPU whose fiber is running (valid while running) */
	struct sim_fiber *cur_fiber;
	/* The fast path continues on `cur` while its clock is <= horizon. */
	uint64_t horizon;
	uint64_t steps, step_bound;
	uint64_t stop_time;
	uint64_t race_window;

	struct hw_evq evq;
	uint64_t event_time;        /* time of the event being fired */
	bool in_event;

	struct sim_rng rng;
	uint64_t seed;
	const struct sim_chooser_ops *chooser;
	void *chooser_state;
	uint64_t decisions;         /* choices with >= 2 options */
	/* Kernel events a schedule is worth perturbing around (IRQ
	 * transitions, IPC, threads blocking, waking and boosted), counted by
	 * the kernel glue when there is one (sync_tracked): PCT puts its
	 * change points on the choices that follow them (docs/exploring.md). */
	uint64_t sync_events;
	bool sync_tracked;
	struct sim_decision *dlog;  /* every choice, when record_decisions */
	size_t dlog_len, dlog_cap;
	bool record_decisions;

	const struct sim_client_ops *client;
	void *client_ctx;

	struct sim_trace trace;
	struct sim_stack_pool own_stacks;
	struct sim_stack_pool *stacks; /* own_stacks, or the config's pool */
	struct sim_fiber main_fiber;

	enum sim_result result;
	bool quiescent;             /* it ended with nothing to run and nothing pending */
	char message[1024];         /* why the run ended, for humans */
	/* One per CPU (ncpus of them; every run allocates and clears this). */
	struct sim_cpu cpu[];
};

/* e->message = before, `ns` in decimal, after (cut to fit): the words a run
 * ends with, written at the end of every run without printf. */
void sim_engine_say_at(struct sim_engine *e, const char *before, uint64_t ns, const char *after);

/* Create an engine. Returns NULL on a bad configuration (errors written to
 * err) or when memory runs out. */
struct sim_engine *sim_engine_create(const struct sim_engine_config *cfg, char *err, size_t errlen);
void sim_engine_destroy(struct sim_engine *e);

void sim_engine_set_client(struct sim_engine *e, const struct sim_client_ops *ops, void *ctx);

/* Create a fiber on the engine's stack pool. */
int sim_engine_fiber_init(struct sim_engine *e, struct sim_fiber *f, sim_fiber_fn fn, void *arg,
			  const char *name);
void sim_engine_fiber_fini(struct sim_engine *e, struct sim_fiber *f);

/* Power CPU `cpu` on, running `f` from virtual time 0. Before the run only. */
void sim_cpu_start(struct sim_engine *e, unsigned cpu, struct sim_fiber *f);

/* Run until the simulation ends; returns the verdict (also in e->result,
 * with a human explanation in e->message). Call from a host thread, once. */
enum sim_result sim_engine_run(struct sim_engine *e);

/* --- Calls made from inside the simulation (on a CPU's fiber) ----------- */

/* Ask the chooser for a value in [0, n) with default `dflt` (a client's own
 * nondeterminism, e.g. the place of a windowed timeline action). Recorded
 * like every other choice. n < 2 returns 0 without asking. */
unsigned sim_choose_value(struct sim_engine *e, unsigned n, unsigned dflt);
/* The same, saying what the value is about (enum sim_value_what). */
unsigned sim_choose_value_what(struct sim_engine *e, unsigned n, unsigned dflt, unsigned what);

/* At most this many deferrals of a ready interrupt in a row on one CPU. */
#define SIM_MAX_IRQ_DEFERS 8

/* A decision point. */
void sim_decide_slow(struct sim_engine *e);
static inline void sim_decide(struct sim_engine *e)
{
	struct sim_cpu *c = &e->cpu[e->cur];
	if (__builtin_expect(c->clock <= e->horizon && c->clock < hw_evq_next_time(&e->evq) &&
				     !c->irq_ready && e->steps < e->step_bound,
			     1)) {
		e->steps++;
		return;
	}
	sim_decide_slow(e);
}

/* Advance the current CPU's clock. Not a decision point. */
static inline void sim_charge(struct sim_engine *e, uint64_t ns)
{
	e->cpu[e->cur].clock += ns;
}

/* The current virtual time: the event being fired, or the running CPU's clock. */
static inline uint64_t sim_now(const struct sim_engine *e)
{
	return e->in_event ? e->event_time : e->cpu[e->cur].clock;
}

static inline unsigned sim_current_cpu(const struct sim_engine *e)
{
	return e->cur;
}

/* Switch the current CPU to fiber `to` (a thread switch inside the kernel).
 * Returns when some CPU switches back to the calling fiber. */
void sim_cpu_switch_fiber(struct sim_engine *e, struct sim_fiber *to);

/* Halt the current CPU with interrupts enabled until an interrupt is raised
 * for it; the interrupt is taken before this returns. */
void sim_cpu_halt(struct sim_engine *e);

/* The current CPU spins on shared memory that no CPU has written since it
 * last looked: another turn of its loop would read the same values. It
 * stops being runnable until some other CPU writes (sim_cpu_wrote) or an
 * interrupt it can take is raised for it, and resumes at the time of that
 * write or interrupt. A spin loop thus costs one decision, not one per
 * turn, and a CPU whose lock is never released ends the run as a
 * deadlock instead of spinning to the step bound. */
void sim_cpu_park(struct sim_engine *e);
/* The current CPU (or an event) wrote shared memory a parked CPU may be
 * spinning on: every parked CPU but the current one becomes runnable. */
void sim_cpu_wrote(struct sim_engine *e);

/* Set the current CPU's interrupt flag. Enabling is a decision point when
 * an interrupt is pending. */
void sim_cpu_irq_enable(struct sim_engine *e, bool enabled);

/* Mark an interrupt pending for `cpu` (wakes it if halted) / none pending.
 * May be called from event handlers and from any CPU. */
void sim_cpu_irq_raise(struct sim_engine *e, unsigned cpu);
void sim_cpu_irq_clear(struct sim_engine *e, unsigned cpu);

/* Schedule `ev` at absolute virtual time `when` (clamped to now). */
int sim_event_at(struct sim_engine *e, struct hw_event *ev, uint64_t when);

/* End the run with `r` and a message; does not return to the caller. */
_Noreturn void sim_engine_stop(struct sim_engine *e, enum sim_result r, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Record a trace event at the current time on the current CPU. */
static inline void sim_trace(struct sim_engine *e, uint16_t kind, uint64_t a, uint64_t b, uint64_t c)
{
	sim_trace_emit(&e->trace, sim_now(e), e->cur, kind, a, b, c);
}

#endif /* SIM_ENGINE_H */
