// A plain C switch-dispatch RV32IM interpreter: the reference the FPVM's fast mode is benchmarked
// against (chainlearn-bench fpvm). Same memory model as the FPVM (4 KiB pages behind a flat page table,
// allocated on first write), same syscalls (exit, write to fd 1/2 counted, read returns 0); no hashing.
#ifndef RV32REF_H
#define RV32REF_H
#include <stddef.h>
#include <stdint.h>

typedef struct rv32ref rv32ref;

/// A machine with zeroed registers and memory.
rv32ref *rv32ref_create(void);
/// Frees the machine and its pages.
void rv32ref_destroy(rv32ref *m);
/// Copies bytes into guest memory.
void rv32ref_write(rv32ref *m, uint32_t address, const uint8_t *bytes, size_t count);
/// Sets register `index` (1...31).
void rv32ref_set_register(rv32ref *m, int index, uint32_t value);
/// Reads register `index`.
uint32_t rv32ref_register(const rv32ref *m, int index);
/// Sets the program counter.
void rv32ref_set_pc(rv32ref *m, uint32_t pc);
/// Runs until exit, a fault or `max_steps` more steps; returns the steps executed.
uint64_t rv32ref_run(rv32ref *m, uint64_t max_steps);
/// 0 running, 1 exited, 2 faulted.
int rv32ref_status(const rv32ref *m);
/// The exit code (low byte of a0 at exit).
int rv32ref_exit_code(const rv32ref *m);
/// Bytes written to fd 1 and 2.
uint64_t rv32ref_output_bytes(const rv32ref *m);
#endif
