#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
# Writes the seed corpus of fuzz_irq (tests/fuzz/corpus/irq/). Each seed is a
# named scenario in the input format of fuzz_irq.c; rerun after changing it.
import os

EDGE, LEVEL, MSI, PLIC = range(4)
NAMES = {EDGE: 'ioapic_edge', LEVEL: 'ioapic_level', MSI: 'msi', PLIC: 'plic'}
(RAISE, RAISE2, LOWER, TAKE, POLL, ACK, NAK, KICK, KICKCLR, ATTACH, DETACH, TICK,
 RAISE_TAKE, DRIVER, NORIGHTS, TRIGGER) = range(16)
T_1MS, T_100MS, T_1100MS, T_13S = 1, 5, 10, 14


def op(o, pin, sink=0, param=None):
    b = [(o << 4) | (pin << 2) | sink]
    if param is not None:
        b.append(param)
    return b


def seed(flags=0, sinks=0, *ops):
    out = [flags, sinks]
    for o in ops:
        out += o
    return bytes(out)


def driver_loop(p):
    ops = []
    for _ in range(3):
        ops += [op(RAISE_TAKE, p), op(DRIVER, p, 0, 3), op(TAKE, p), op(TICK, p, 0, T_1MS)]
    return ops


def main():
    d = os.path.join(os.path.dirname(os.path.abspath(__file__)), 'corpus', 'irq')
    os.makedirs(d, exist_ok=True)
    seeds = {}
    for p in range(4):
        n = NAMES[p]
        seeds['driver_loop_' + n] = seed(0, 0, *driver_loop(p))
        seeds['stall_retry_' + n] = seed(0, 0, op(RAISE_TAKE, p), op(DRIVER, p, 0, 0),
                                         op(TICK, p, 0, T_100MS), op(TAKE, p),
                                         op(DRIVER, p, 0, 3), op(TAKE, p))
        seeds['ack_timeout_nak_' + n] = seed(1, 0, op(RAISE_TAKE, p), op(TICK, p, 0, T_1100MS),
                                             op(TICK, p, 0, T_100MS), op(TAKE, p))
        seeds['shared_' + n] = seed(0, 0xff, op(RAISE_TAKE, p), op(DRIVER, p, 0, 0),
                                    op(DRIVER, p, 1, 3), op(TAKE, p), op(DRIVER, p, 2, 0),
                                    op(ACK, p, 3, 3), op(POLL, p, 3, 0))
        seeds['detach_owing_' + n] = seed(0, 0x55, op(RAISE_TAKE, p), op(DETACH, p, 1),
                                          op(DRIVER, p, 0, 0), op(TICK, p, 0, T_100MS),
                                          op(TAKE, p))
        seeds['late_attach_' + n] = seed(0, 0, op(RAISE_TAKE, p), op(ATTACH, p, 1),
                                         op(DRIVER, p, 0, 3), op(RAISE_TAKE, p),
                                         op(DRIVER, p, 1, 3), op(DRIVER, p, 0, 3))
        seeds['no_sink_' + n] = seed(0, 0, op(DETACH, p, 0), op(RAISE_TAKE, p),
                                     op(ATTACH, p, 0), op(TICK, p, 0, T_100MS), op(TAKE, p),
                                     op(DRIVER, p, 0, 3))
        seeds['kick_' + n] = seed(0, 0x55, op(RAISE_TAKE, p), op(KICK, p, 1),
                                  op(RAISE_TAKE, p), op(KICKCLR, p, 0), op(POLL, p, 1, 2),
                                  op(NORIGHTS, p, 0, 1))
        seeds['backoff_' + n] = seed(0x20, 0, *([op(RAISE_TAKE, p), op(DRIVER, p, 0, 0),
                                                 op(TICK, p, 0, T_13S)] * 9))
    seeds['msi_all_nak_recover'] = seed(0, 0x30, op(RAISE_TAKE, MSI), op(NAK, MSI, 0, 0),
                                        op(NAK, MSI, 1, 0), op(NAK, MSI, 2, 0),
                                        op(NAK, MSI, 3, 0), op(RAISE_TAKE, MSI),
                                        op(TICK, MSI, 0, T_100MS), op(DRIVER, MSI, 0, 1),
                                        op(RAISE_TAKE, MSI), op(DRIVER, MSI, 1, 1))
    seeds['level_ack_before_clear'] = seed(0, 0, op(RAISE_TAKE, LEVEL), op(ACK, LEVEL, 0, 0),
                                           op(TAKE, LEVEL), op(LOWER, LEVEL),
                                           op(DRIVER, LEVEL, 0, 0), op(TICK, LEVEL, 0, T_100MS),
                                           op(TAKE, LEVEL))
    seeds['future_seq'] = seed(0, 0, op(POLL, EDGE, 0, 2), op(ACK, EDGE, 0, 2),
                               op(RAISE_TAKE, EDGE), op(NAK, EDGE, 0, 2))
    for m, name in ((5, 'sel4'), (6, 'linux'), (7, 'zircon')):
        ops = []
        for p in range(4):
            ops += driver_loop(p) + [op(RAISE_TAKE, p), op(DRIVER, p, 0, 0),
                                     op(TICK, p, 0, T_100MS), op(TRIGGER, p, 0, 3)]
        seeds['model_' + name] = seed(m << 1, 0x55, *ops)
    seeds['linux_oneshot'] = seed((6 << 1) | 0x10, 0xff, *driver_loop(EDGE))
    for name, data in seeds.items():
        with open(os.path.join(d, name), 'wb') as f:
            f.write(data)
    print(len(seeds), 'seeds in', d)


main()
