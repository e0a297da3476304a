/* SPDX-License-Identifier: MIT */
/*
 * Fibers and their stack pool (see sim/fiber.h).
 */
#define _GNU_SOURCE
#include <sim/fiber.h>

#include <pthread.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

#if SIM_FIBER_ASAN
#include <sanitizer/asan_interface.h>
#include <sanitizer/common_interface_defs.h>
#endif

/* ------------------------------------------------------------------------ */
/* Stack pool                                                               */
/* ------------------------------------------------------------------------ */

static size_t page_size(void)
{
	long ps = sysconf(_SC_PAGESIZE);
	return ps > 0 ? (size_t)ps : 4096;
}

void sim_stack_pool_init(struct sim_stack_pool *p, size_t stack_size)
{
	size_t ps = page_size();
	p->stack_size = (stack_size + ps - 1) / ps * ps;
	p->free = NULL;
	p->allocated = p->in_use = 0;
}

/* Each mapping is [guard page][stack ...][struct sim_stack at the top]. The
 * bookkeeping sits above the usable stack so an overflow runs into the guard,
 * not into it. */
static struct sim_stack *stack_map(struct sim_stack_pool *p)
{
	size_t ps = page_size();
	size_t len = ps + p->stack_size + ps;
	char *base = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE,
			  -1, 0);
	if (base == MAP_FAILED)
		return NULL;
	if (mprotect(base, ps, PROT_NONE) != 0) {
		munmap(base, len);
		return NULL;
	}
	struct sim_stack *s = (struct sim_stack *)(base + ps + p->stack_size);
	s->lo = base + ps;
	s->size = p->stack_size;
	s->next_free = NULL;
	p->allocated++;
	return s;
}

static void stack_unmap(struct sim_stack_pool *p, struct sim_stack *s)
{
	size_t ps = page_size();
	/* A fiber left suspended (a thread still blocked when its run ended)
	 * leaves its frames' redzones poisoned; unpoison them, or whatever is
	 * mapped here next (a plug-in's dlopen) reads as a bad access. */
#if SIM_FIBER_ASAN
	ASAN_UNPOISON_MEMORY_REGION(s->lo, s->size);
#endif
	munmap((char *)s->lo - ps, ps + p->stack_size + ps);
	p->allocated--;
}

void sim_stack_pool_fini(struct sim_stack_pool *p)
{
	while (p->free) {
		struct sim_stack *s = p->free;
		p->free = s->next_free;
		stack_unmap(p, s);
	}
}

static struct sim_stack *stack_get(struct sim_stack_pool *p)
{
	struct sim_stack *s = p->free;
	if (s)
		p->free = s->next_free;
	else
		s = stack_map(p);
	if (s)
		p->in_use++;
	return s;
}

static void stack_put(struct sim_stack_pool *p, struct sim_stack *s)
{
	s->next_free = p->free;
	p->free = s;
	p->in_use--;
}

/* ------------------------------------------------------------------------ */
/* Switching                                                                */
/* ------------------------------------------------------------------------ */

void sim_fiber_main(struct sim_fiber *f);

/* The first code a new fiber runs, on its own stack. */
void sim_fiber_main(struct sim_fiber *f)
{
#if SIM_FIBER_ASAN
	__sanitizer_finish_switch_fiber(NULL, NULL, NULL);
#endif
	f->fn(f->arg);
	f->on_return(f);
	abort(); /* on_return must not return */
}

#if SIM_FIBER_ASM
void sim_fiber_swap(void **save_sp, void *new_sp);
void sim_fiber_entry(void);

static void frame_init(struct sim_fiber *f)
{
	uintptr_t top = ((uintptr_t)f->stack_lo + f->stack_size) & ~(uintptr_t)15;
	uint64_t *sp = (uint64_t *)top;
#if defined(__x86_64__)
	*--sp = 0;                             /* alignment slot */
	*--sp = (uint64_t)(uintptr_t)sim_fiber_entry; /* ret target */
	*--sp = 0;                             /* rbp */
	*--sp = 0;                             /* rbx */
	*--sp = (uint64_t)(uintptr_t)sim_fiber_main;  /* r12 */
	*--sp = (uint64_t)(uintptr_t)f;        /* r13 */
	*--sp = 0;                             /* r14 */
	*--sp = 0;                             /* r15 */
#else /* __aarch64__ */
	sp -= 20;
	for (int i = 0; i < 20; i++)
		sp[i] = 0;
	sp[0] = (uint64_t)(uintptr_t)sim_fiber_main;  /* x19 */
	sp[1] = (uint64_t)(uintptr_t)f;        /* x20 */
	sp[11] = (uint64_t)(uintptr_t)sim_fiber_entry; /* x30 */
#endif
	f->sp = sp;
}
#else
static void uc_trampoline(unsigned hi, unsigned lo)
{
	struct sim_fiber *f = (struct sim_fiber *)(((uintptr_t)hi << 32) | (uintptr_t)lo);
	sim_fiber_main(f);
}
#endif

int sim_fiber_init(struct sim_fiber *f, struct sim_stack_pool *pool, sim_fiber_fn fn, void *arg,
		   void (*on_return)(struct sim_fiber *f), const char *name)
{
	struct sim_stack *s = stack_get(pool);
	if (!s)
		return -1;
#if SIM_FIBER_ASAN
	/* A reused stack may still carry the redzone poison of frames that a
	 * previous fiber left behind when it was abandoned mid-call (a thread
	 * that exited, a run that ended): clear it, or ASan reports false
	 * stack-buffer-underflows in the new fiber. */
	ASAN_UNPOISON_MEMORY_REGION(s->lo, s->size);
#endif
	f->stack = s;
	f->stack_lo = s->lo;
	f->stack_size = s->size;
	f->fn = fn;
	f->arg = arg;
	f->on_return = on_return;
	f->name = name;
#if SIM_FIBER_ASM
	frame_init(f);
#else
	getcontext(&f->uc);
	f->uc.uc_stack.ss_sp = s->lo;
	f->uc.uc_stack.ss_size = s->size;
	f->uc.uc_link = NULL;
	uintptr_t p = (uintptr_t)f;
	makecontext(&f->uc, (void (*)(void))uc_trampoline, 2, (unsigned)(p >> 32), (unsigned)p);
#endif
	return 0;
}

void sim_fiber_fini(struct sim_fiber *f, struct sim_stack_pool *pool)
{
	if (f->stack)
		stack_put(pool, f->stack);
	f->stack = NULL;
}

void sim_fiber_adopt_thread(struct sim_fiber *f, const char *name)
{
	*f = (struct sim_fiber){.name = name};
#if SIM_FIBER_ASAN
	/* Only the sanitizer needs the thread's stack bounds. Finding them for
	 * a process's initial thread reads /proc/self/maps, far too slow to do
	 * for every run. */
	pthread_attr_t attr;
	if (pthread_getattr_np(pthread_self(), &attr) == 0) {
		void *lo;
		size_t size;
		if (pthread_attr_getstack(&attr, &lo, &size) == 0) {
			f->stack_lo = lo;
			f->stack_size = size;
		}
		pthread_attr_destroy(&attr);
	}
#endif
}

static inline void swap_stacks(struct sim_fiber *from, struct sim_fiber *to)
{
#if SIM_FIBER_ASM
	sim_fiber_swap(&from->sp, to->sp);
#else
	swapcontext(&from->uc, &to->uc);
#endif
}

void sim_fiber_switch(struct sim_fiber *from, struct sim_fiber *to)
{
#if SIM_FIBER_ASAN
	void *fake = NULL;
	__sanitizer_start_switch_fiber(&fake, to->stack_lo, to->stack_size);
#endif
	swap_stacks(from, to);
#if SIM_FIBER_ASAN
	__sanitizer_finish_switch_fiber(fake, NULL, NULL);
#endif
}

_Noreturn void sim_fiber_exit_to(struct sim_fiber *from, struct sim_fiber *to)
{
#if SIM_FIBER_ASAN
	/* NULL tells ASan this stack is being left for good. */
	__sanitizer_start_switch_fiber(NULL, to->stack_lo, to->stack_size);
#endif
	swap_stacks(from, to);
	abort();
}
