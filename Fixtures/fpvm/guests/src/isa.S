# Differential ISA guest: runs RV32IM instructions on edge-case operands and prints each result as
# 8 hex digits and a newline, then exits with a checksum byte. Compared byte for byte against qemu-riscv32.
    .option norelax
    .macro RR op, a, b
    li t1, \a
    li t2, \b
    \op a0, t1, t2
    call emit
    .endm
    .macro RI op, a, imm
    li t1, \a
    \op a0, t1, \imm
    call emit
    .endm

    .text
    .globl _start
_start:
    andi sp, sp, -16
    la s1, scratch
    li s0, 0                        # checksum
    .irp v, 0, 1, 0x7fffffff, 0x80000000, 0xffffffff, 0x12345678
    RR add, \v, 0xffffffff
    RR sub, \v, 0x80000000
    RR mul, \v, 0xfffffffe
    RR mulh, \v, 0x80000000
    RR mulhsu, \v, 0xffffffff
    RR mulhu, \v, 0xffffffff
    RR div, \v, 0
    RR div, \v, 0xffffffff
    RR div, \v, 7
    RR divu, \v, 0
    RR divu, \v, 3
    RR rem, \v, 0
    RR rem, \v, 0xffffffff
    RR rem, \v, 0xfffffff9
    RR remu, \v, 0
    RR remu, \v, 10
    RR sll, \v, 31
    RR srl, \v, 31
    RR sra, \v, 31
    RR sra, \v, 33
    RR slt, \v, 0
    RR sltu, \v, 0x80000000
    RR xor, \v, 0x0f0f0f0f
    RR or, \v, 0x0f0f0f0f
    RR and, \v, 0x0f0f0f0f
    RI addi, \v, -2048
    RI addi, \v, 2047
    RI slti, \v, -1
    RI sltiu, \v, -1
    RI xori, \v, -1
    RI ori, \v, 0x555
    RI andi, \v, -256
    RI slli, \v, 31
    RI srli, \v, 31
    RI srai, \v, 31
    RI srai, \v, 1
    .endr
    # Loads and stores: sign and zero extension, offsets.
    li t1, 0x80ff7f01
    sw t1, 0(s1)
    lb a0, 0(s1);  call emit
    lb a0, 1(s1);  call emit
    lb a0, 2(s1);  call emit
    lb a0, 3(s1);  call emit
    lbu a0, 3(s1); call emit
    lh a0, 0(s1);  call emit
    lh a0, 2(s1);  call emit
    lhu a0, 2(s1); call emit
    li t1, 0xabcd
    sh t1, 6(s1)
    sb t1, 5(s1)
    lw a0, 4(s1);  call emit
    addi t3, s1, 8
    li t1, 0xabcd
    sw t1, -4(t3)
    lw a0, 4(s1);  call emit
    # x0 stays zero.
    li t1, 5
    add x0, t1, t1
    lui x0, 0x12345
    mv a0, x0;     call emit
    # lui, auipc, fences.
    lui a0, 0xfffff; call emit
    fence
    fence.i
    auipc a0, 0;   la t1, _start; sub a0, a0, t1; call emit
    # Branches at the range limits (+4094 / -4096) and jal/jalr.
    li t1, 1
    li t2, 1
    beq t1, t2, far_forward
    li a0, 0xbad; call emit
back_target:
    li a0, 0x600d; call emit
    j after_far
    .skip 3000
far_forward_return:
    li t1, -1
    li t2, 1
    blt t1, t2, back_target_trampoline
    li a0, 0xbad; call emit
after_far:
    la t1, jalr_target
    addi t1, t1, 1
    jalr t5, t1, 0                # low bit cleared
    li a0, 0xbad; call emit
jalr_target:
    la t1, jalr_target
    sub a0, t5, t1                # return address - target = -? (link = pc of jalr + 4)
    call emit
    # Branch matrix on signed/unsigned comparisons.
    .irp br, beq, bne, blt, bge, bltu, bgeu
    li t1, -1
    li t2, 1
    li a0, 1
    \br t1, t2, 1f
    li a0, 0
1:  call emit
    .endr
    # Exit with the checksum's low byte.
    mv a0, s0
    li a7, 93
    ecall

    .skip 900
back_target_trampoline:
    j back_target
far_forward:
    j far_forward_return

# emit(a0): prints a0 as 8 hex digits and '\n'; folds it into the checksum s0. Clobbers t0-t4, a1, a2, a7.
emit:
    add s0, s0, a0
    slli t4, s0, 7
    xor s0, s0, t4
    la t0, line
    li t1, 28
2:  srl t2, a0, t1
    andi t2, t2, 15
    li t3, 10
    blt t2, t3, 3f
    addi t2, t2, 39               # 'a' - '0' - 10
3:  addi t2, t2, 48
    sb t2, 0(t0)
    addi t0, t0, 1
    addi t1, t1, -4
    bgez t1, 2b
    li t2, 10
    sb t2, 0(t0)
    li a7, 64
    mv t4, a0
    li a0, 1
    la a1, line
    li a2, 9
    ecall
    mv a0, t4
    ret

    .data
    .balign 4
line: .skip 12
scratch: .skip 16
