#include "rv32ref.h"
#include <stdlib.h>
#include <string.h>

struct rv32ref {
    uint32_t x[32];
    uint32_t pc;
    int status;
    int exit_code;
    uint64_t output_bytes;
    uint8_t **pages; // 2^20 page pointers
};

rv32ref *rv32ref_create(void) {
    rv32ref *m = calloc(1, sizeof *m);
    m->pages = calloc((size_t)1 << 20, sizeof *m->pages);
    return m;
}

void rv32ref_destroy(rv32ref *m) {
    for (size_t i = 0; i < ((size_t)1 << 20); i++) free(m->pages[i]);
    free(m->pages);
    free(m);
}

static inline uint8_t *page_for_write(rv32ref *m, uint32_t address) {
    uint8_t *p = m->pages[address >> 12];
    if (!p) p = m->pages[address >> 12] = calloc(1, 4096);
    return p + (address & 0xfff);
}

static inline uint32_t load(rv32ref *m, uint32_t address, int size) {
    uint8_t *p = m->pages[address >> 12];
    if (!p) return 0;
    p += address & 0xfff;
    if (size == 1) return *p;
    if (size == 2) { uint16_t v; memcpy(&v, p, 2); return v; }
    uint32_t v; memcpy(&v, p, 4); return v;
}

static inline void store(rv32ref *m, uint32_t address, uint32_t value, int size) {
    uint8_t *p = page_for_write(m, address);
    memcpy(p, &value, (size_t)size);
}

void rv32ref_write(rv32ref *m, uint32_t address, const uint8_t *bytes, size_t count) {
    for (size_t i = 0; i < count; i++) *page_for_write(m, address + (uint32_t)i) = bytes[i];
}
void rv32ref_set_register(rv32ref *m, int index, uint32_t value) { if (index) m->x[index] = value; }
uint32_t rv32ref_register(const rv32ref *m, int index) { return m->x[index]; }
void rv32ref_set_pc(rv32ref *m, uint32_t pc) { m->pc = pc; }
int rv32ref_status(const rv32ref *m) { return m->status; }
int rv32ref_exit_code(const rv32ref *m) { return m->exit_code; }
uint64_t rv32ref_output_bytes(const rv32ref *m) { return m->output_bytes; }

#define SEXT(v, bits) ((uint32_t)((int32_t)((uint32_t)(v) << (32 - (bits))) >> (32 - (bits))))

uint64_t rv32ref_run(rv32ref *m, uint64_t max_steps) {
    uint32_t *x = m->x;
    uint32_t pc = m->pc;
    uint64_t steps = 0;
    while (steps < max_steps && m->status == 0) {
        if (pc & 3) { m->status = 2; break; }
        uint32_t insn = load(m, pc, 4);
        uint32_t rd = (insn >> 7) & 31, f3 = (insn >> 12) & 7, f7 = insn >> 25;
        uint32_t a = x[(insn >> 15) & 31], b = x[(insn >> 20) & 31];
        uint32_t next = pc + 4, value = 0;
        int writes = 1;
        steps++;
        switch (insn & 0x7f) {
        case 0x37: value = insn & 0xfffff000; break;
        case 0x17: value = pc + (insn & 0xfffff000); break;
        case 0x6f:
            value = pc + 4;
            next = pc + (SEXT(insn >> 31, 1) << 20 | (insn & 0xff000) | ((insn >> 9) & 0x800) | ((insn >> 20) & 0x7fe));
            break;
        case 0x67: value = pc + 4; next = (a + SEXT(insn >> 20, 12)) & ~1u; break;
        case 0x63: {
            int taken;
            switch (f3) {
            case 0: taken = a == b; break;
            case 1: taken = a != b; break;
            case 4: taken = (int32_t)a < (int32_t)b; break;
            case 5: taken = (int32_t)a >= (int32_t)b; break;
            case 6: taken = a < b; break;
            case 7: taken = a >= b; break;
            default: m->status = 2; goto out;
            }
            if (taken) next = pc + (SEXT(insn >> 31, 1) << 12 | ((insn & 0x80) << 4) | ((insn >> 20) & 0x7e0) | ((insn >> 7) & 0x1e));
            writes = 0;
            break;
        }
        case 0x03: {
            uint32_t address = a + SEXT(insn >> 20, 12);
            switch (f3) {
            case 0: value = SEXT(load(m, address, 1), 8); break;
            case 4: value = load(m, address, 1); break;
            case 1: if (address & 1) { m->status = 2; goto out; } value = SEXT(load(m, address, 2), 16); break;
            case 5: if (address & 1) { m->status = 2; goto out; } value = load(m, address, 2); break;
            case 2: if (address & 3) { m->status = 2; goto out; } value = load(m, address, 4); break;
            default: m->status = 2; goto out;
            }
            break;
        }
        case 0x23: {
            uint32_t address = a + (SEXT(insn >> 25, 7) << 5 | ((insn >> 7) & 31));
            if (f3 > 2 || (address & ((1u << f3) - 1))) { m->status = 2; goto out; }
            store(m, address, b, 1 << f3);
            writes = 0;
            break;
        }
        case 0x13: {
            uint32_t imm = SEXT(insn >> 20, 12), shamt = (insn >> 20) & 31;
            switch (f3) {
            case 0: value = a + imm; break;
            case 1: value = a << shamt; break;
            case 2: value = (int32_t)a < (int32_t)imm; break;
            case 3: value = a < imm; break;
            case 4: value = a ^ imm; break;
            case 5: value = f7 ? (uint32_t)((int32_t)a >> shamt) : a >> shamt; break;
            case 6: value = a | imm; break;
            default: value = a & imm; break;
            }
            break;
        }
        case 0x33:
            if (f7 == 1) {
                int64_t sa = (int32_t)a, sb = (int32_t)b;
                switch (f3) {
                case 0: value = a * b; break;
                case 1: value = (uint32_t)((sa * sb) >> 32); break;
                case 2: value = (uint32_t)((sa * (int64_t)(uint64_t)b) >> 32); break;
                case 3: value = (uint32_t)(((uint64_t)a * b) >> 32); break;
                case 4: value = b == 0 ? 0xffffffffu : (a == 0x80000000u && b == 0xffffffffu) ? a : (uint32_t)((int32_t)a / (int32_t)b); break;
                case 5: value = b == 0 ? 0xffffffffu : a / b; break;
                case 6: value = b == 0 ? a : (a == 0x80000000u && b == 0xffffffffu) ? 0 : (uint32_t)((int32_t)a % (int32_t)b); break;
                default: value = b == 0 ? a : a % b; break;
                }
            } else {
                switch (f3) {
                case 0: value = f7 ? a - b : a + b; break;
                case 1: value = a << (b & 31); break;
                case 2: value = (int32_t)a < (int32_t)b; break;
                case 3: value = a < b; break;
                case 4: value = a ^ b; break;
                case 5: value = f7 ? (uint32_t)((int32_t)a >> (b & 31)) : a >> (b & 31); break;
                case 6: value = a | b; break;
                default: value = a & b; break;
                }
            }
            break;
        case 0x0f: writes = 0; break;
        case 0x73:
            writes = 0;
            if (insn != 0x73) { m->status = 2; goto out; }
            switch (x[17]) {
            case 93: case 94: m->status = 1; m->exit_code = x[10] & 0xff; goto out;
            case 63: x[10] = x[10] == 4 ? x[12] : x[10] == 0 ? 0 : (uint32_t)-9; break;
            case 64:
                if (x[10] == 1 || x[10] == 2) m->output_bytes += x[12];
                x[10] = (x[10] >= 1 && x[10] <= 3) ? x[12] : (uint32_t)-9;
                break;
            default: m->status = 2; goto out;
            }
            break;
        default: m->status = 2; goto out;
        }
        if (writes) x[rd] = value;
        x[0] = 0;
        pc = next;
    }
out:
    m->pc = pc;
    return steps;
}
