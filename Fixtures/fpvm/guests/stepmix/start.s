# Entry and syscall glue of the stepmix test guest (RV32IM, FPVM / Linux RISC-V syscall convention).
    .section .text.start, "ax"
    .globl _start
_start:
    # The FPVM sets sp, a0 = input, a1 = input length, a2 = output area; a3 = scratch buffer.
    la a3, cl_scratch
    call guest_main
    # exit(a0)
    li a7, 93
    ecall
1:  j 1b

    .text
    .globl cl_syscall
# cl_syscall(a0, a1, a2, number): ECALL with the number in a7, result in a0.
cl_syscall:
    mv a7, a3
    ecall
    ret

    .globl memset
# memset(dest, byte, count) -> dest, a byte loop (the guest links no C library).
memset:
    mv t0, a0
    beqz a2, 2f
1:  sb a1, 0(t0)
    addi t0, t0, 1
    addi a2, a2, -1
    bnez a2, 1b
2:  ret

    .bss
    .balign 32
    .globl cl_scratch
cl_scratch:
    .space 32768
