/* SPDX-License-Identifier: MIT */
/*
 * Kinds of kernel trace events passed to uk_arch_trace().
 *
 * Ranges are split by subsystem so each can add kinds without touching the
 * others; a kind's value never changes once released (recorded traces and
 * trace hashes depend on it). Arguments are documented beside each kind.
 */
#ifndef UKERN_TRACE_H
#define UKERN_TRACE_H

/* 0x0100 .. 0x01ff: kernel core (threads, scheduler, memory, syscalls). */
#define UK_TRACE_CORE_BASE 0x0100u
/* 0x0200 .. 0x02ff: IRQ subsystem (episodes, answers, reports). */
#define UK_TRACE_IRQ_BASE 0x0200u
/* 0x0300 .. 0x03ff: IPC and memory transfer. */
#define UK_TRACE_IPC_BASE 0x0300u

/* Kinds the trace exporters give a meaning of their own (sim/export.h):
 * the number of threads ready to run on a CPU [cpu, ready], and an IPC
 * call leaving its caller and reaching its server [call id, endpoint id,
 * thread id], drawn as a flow from one to the other. */
#define UK_TRACE_CORE_RUNQ (UK_TRACE_CORE_BASE + 0x80u)
#define UK_TRACE_IPC_CALL (UK_TRACE_IPC_BASE + 0x80u)
#define UK_TRACE_IPC_RECV (UK_TRACE_IPC_BASE + 0x81u)

#endif /* UKERN_TRACE_H */
