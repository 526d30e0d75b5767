# ChainLearn guest runtime: entry point and the atomic helpers the compiler calls on rv32im
# (no A extension; the guest is single-threaded, so plain loads and stores are atomic).
#
# Entry contract (docs/PROTOCOL.md, Initial state S0):
#   FPVM: a0 = input address (nonzero), a1 = input length, a2 = output region, sp = 0x80000000.
#   qemu-riscv32 (Linux user mode): a0 = a1 = a2 = 0, sp = qemu's stack (its contents are ignored).

    .section .text.start, "ax"
    .globl _start
_start:
    andi sp, sp, -16
    call cl_runtime_start        # (a0, a1, a2) → records input/output, reads stdin under qemu
    call guest_main              # Swift entry point: @_cdecl("guest_main") func ... -> Int32
    call cl_exit                 # flushes output, exit(a0)
1:  j 1b

    .text
    .globl cl_syscall3
# cl_syscall3(number, a, b, c) → a0
cl_syscall3:
    mv a7, a0
    mv a0, a1
    mv a1, a2
    mv a2, a3
    ecall
    ret

    .globl __atomic_load_4, __atomic_store_4, __atomic_exchange_4, __atomic_compare_exchange_4
    .globl __atomic_fetch_add_4, __atomic_fetch_sub_4, __atomic_fetch_and_4, __atomic_fetch_or_4
    .globl __atomic_fetch_xor_4, __atomic_load_1, __atomic_store_1
__atomic_load_4:
    lw a0, 0(a0)
    ret
__atomic_store_4:
    sw a1, 0(a0)
    ret
__atomic_load_1:
    lbu a0, 0(a0)
    ret
__atomic_store_1:
    sb a1, 0(a0)
    ret
__atomic_exchange_4:
    lw t0, 0(a0)
    sw a1, 0(a0)
    mv a0, t0
    ret
# bool __atomic_compare_exchange_4(ptr, expected*, desired, success_order, failure_order)
__atomic_compare_exchange_4:
    lw t0, 0(a0)
    lw t1, 0(a1)
    bne t0, t1, 2f
    sw a2, 0(a0)
    li a0, 1
    ret
2:  sw t0, 0(a1)
    li a0, 0
    ret
__atomic_fetch_add_4:
    lw t0, 0(a0)
    add t1, t0, a1
    sw t1, 0(a0)
    mv a0, t0
    ret
__atomic_fetch_sub_4:
    lw t0, 0(a0)
    sub t1, t0, a1
    sw t1, 0(a0)
    mv a0, t0
    ret
__atomic_fetch_and_4:
    lw t0, 0(a0)
    and t1, t0, a1
    sw t1, 0(a0)
    mv a0, t0
    ret
__atomic_fetch_or_4:
    lw t0, 0(a0)
    or t1, t0, a1
    sw t1, 0(a0)
    mv a0, t0
    ret
__atomic_fetch_xor_4:
    lw t0, 0(a0)
    xor t1, t0, a1
    sw t1, 0(a0)
    mv a0, t0
    ret
