// ChainLearn guest runtime: input/output, the bump allocator, mem*, and the 64-bit integer helpers
// the compiler calls on rv32im. Freestanding: compiled with -ffreestanding -fno-builtin so that the
// loops below are not turned back into calls to themselves.
#include <stddef.h>
#include <stdint.h>

int32_t cl_syscall3(int32_t number, int32_t a, int32_t b, int32_t c);

enum { SYS_READ = 63, SYS_WRITE = 64, SYS_EXIT = 93 };

#ifndef CL_HEAP_SIZE
#define CL_HEAP_SIZE (64u << 20)
#endif

// ---- Bump allocator over a .bss array (mapped by qemu, zero in the FPVM) ----
static uint8_t cl_heap[CL_HEAP_SIZE] __attribute__((aligned(16)));
static size_t cl_heap_used;

static void *cl_bump(size_t size, size_t alignment) {
    if (alignment < 8) alignment = 8;
    size_t start = (cl_heap_used + alignment - 1) & ~(alignment - 1);
    if (start > CL_HEAP_SIZE || size > CL_HEAP_SIZE - start) return 0;
    cl_heap_used = start + size;
    return cl_heap + start;
}

int posix_memalign(void **out, size_t alignment, size_t size) {
    void *p = cl_bump(size, alignment);
    if (!p) return 12; // ENOMEM
    *out = p;
    return 0;
}
void *malloc(size_t size) { return cl_bump(size, 16); }
void *aligned_alloc(size_t alignment, size_t size) { return cl_bump(size, alignment); }
void free(void *p) { (void)p; }
void *calloc(size_t n, size_t size) { return cl_bump(n * size, 16); } // the heap is never reused: already zero
size_t cl_heap_bytes_used(void) { return cl_heap_used; }

// ---- mem* ----
void *memcpy(void *dst, const void *src, size_t n) {
    uint8_t *d = dst;
    const uint8_t *s = src;
    if ((((uintptr_t)d | (uintptr_t)s) & 3) == 0) {
        for (; n >= 4; n -= 4, d += 4, s += 4) *(uint32_t *)d = *(const uint32_t *)s;
    }
    while (n--) *d++ = *s++;
    return dst;
}
void *memmove(void *dst, const void *src, size_t n) {
    uint8_t *d = dst;
    const uint8_t *s = src;
    if (d == s || n == 0) return dst;
    if (d < s || d >= s + n) return memcpy(dst, src, n);
    while (n--) d[n] = s[n];
    return dst;
}
void *memset(void *dst, int value, size_t n) {
    uint8_t *d = dst;
    while (n--) *d++ = (uint8_t)value;
    return dst;
}
int memcmp(const void *a, const void *b, size_t n) {
    const uint8_t *x = a, *y = b;
    for (size_t i = 0; i < n; i++) if (x[i] != y[i]) return x[i] < y[i] ? -1 : 1;
    return 0;
}
size_t strlen(const char *s) { size_t n = 0; while (s[n]) n++; return n; }

// ---- Deterministic "randomness" (hash seeds): fixed bytes, so runs are reproducible ----
void arc4random_buf(void *buf, size_t n) { memset(buf, 0x5a, n); }

// ---- Input, output, exit ----
static const uint8_t *cl_input_base;
static size_t cl_input_length;
static uint8_t *cl_output_base;
static uint8_t cl_output_fallback[4096];
static uint8_t cl_stdout_buffer[512];
static size_t cl_stdout_used;

void cl_runtime_start(uint8_t *input, size_t length, uint8_t *output) {
    if (input) { // FPVM: the input and output regions are mapped by the VM.
        cl_input_base = input;
        cl_input_length = length;
        cl_output_base = output;
        return;
    }
    // qemu: read standard input to its end into the heap.
    cl_output_base = cl_output_fallback;
    size_t capacity = 1u << 16;
    uint8_t *buffer = cl_bump(capacity, 16);
    size_t used = 0;
    for (;;) {
        if (used == capacity) { // grow in place: nothing else has been allocated yet
            if (!cl_bump(capacity, 1)) break;
            capacity *= 2;
        }
        int32_t n = cl_syscall3(SYS_READ, 0, (int32_t)(uintptr_t)(buffer + used), (int32_t)(capacity - used));
        if (n <= 0) break;
        used += (size_t)n;
    }
    cl_input_base = buffer;
    cl_input_length = used;
}

const uint8_t *cl_input(size_t *length) { *length = cl_input_length; return cl_input_base; }
uint8_t *cl_output(void) { return cl_output_base; }

void cl_flush(void) {
    size_t done = 0;
    while (done < cl_stdout_used) {
        int32_t n = cl_syscall3(SYS_WRITE, 1, (int32_t)(uintptr_t)(cl_stdout_buffer + done), (int32_t)(cl_stdout_used - done));
        if (n <= 0) break;
        done += (size_t)n;
    }
    cl_stdout_used = 0;
}

int putchar(int c) {
    cl_stdout_buffer[cl_stdout_used++] = (uint8_t)c;
    if (cl_stdout_used == sizeof cl_stdout_buffer || c == '\n') cl_flush();
    return c;
}

int32_t cl_write(int32_t fd, const void *buf, size_t n) {
    if (fd == 1) cl_flush();
    return cl_syscall3(SYS_WRITE, fd, (int32_t)(uintptr_t)buf, (int32_t)n);
}
int32_t cl_read(int32_t fd, void *buf, size_t n) { return cl_syscall3(SYS_READ, fd, (int32_t)(uintptr_t)buf, (int32_t)n); }

__attribute__((noreturn)) void cl_exit(int32_t code) {
    cl_flush();
    for (;;) cl_syscall3(SYS_EXIT, code, 0, 0);
}
__attribute__((noreturn)) void abort(void) { cl_exit(134); }
__attribute__((noreturn)) void exit(int code) { cl_exit(code); }

// ---- 64-bit integer helpers (libgcc ABI), written with 32-bit operations only ----
typedef union { uint64_t all; struct { uint32_t low, high; } s; } dword;

uint64_t __lshrdi3(uint64_t a, int shift) {
    dword x = { .all = a }, r;
    shift &= 63;
    if (shift == 0) return a;
    if (shift >= 32) { r.s.high = 0; r.s.low = x.s.high >> (shift - 32); }
    else { r.s.high = x.s.high >> shift; r.s.low = (x.s.low >> shift) | (x.s.high << (32 - shift)); }
    return r.all;
}
uint64_t __ashldi3(uint64_t a, int shift) {
    dword x = { .all = a }, r;
    shift &= 63;
    if (shift == 0) return a;
    if (shift >= 32) { r.s.low = 0; r.s.high = x.s.low << (shift - 32); }
    else { r.s.low = x.s.low << shift; r.s.high = (x.s.high << shift) | (x.s.low >> (32 - shift)); }
    return r.all;
}
int64_t __ashrdi3(int64_t a, int shift) {
    dword x = { .all = (uint64_t)a }, r;
    shift &= 63;
    if (shift == 0) return a;
    if (shift >= 32) { r.s.high = (uint32_t)((int32_t)x.s.high >> 31); r.s.low = (uint32_t)((int32_t)x.s.high >> (shift - 32)); }
    else { r.s.high = (uint32_t)((int32_t)x.s.high >> shift); r.s.low = (x.s.low >> shift) | (x.s.high << (32 - shift)); }
    return (int64_t)r.all;
}
uint64_t __muldi3(uint64_t a, uint64_t b) {
    dword x = { .all = a }, y = { .all = b }, r;
    // low*low with a 32x32→64 product built from 16-bit halves, plus the cross terms.
    uint32_t a0 = x.s.low & 0xffff, a1 = x.s.low >> 16, b0 = y.s.low & 0xffff, b1 = y.s.low >> 16;
    uint32_t p00 = a0 * b0, p01 = a0 * b1, p10 = a1 * b0, p11 = a1 * b1;
    uint32_t middle = (p00 >> 16) + (p01 & 0xffff) + (p10 & 0xffff);
    r.s.low = (p00 & 0xffff) | (middle << 16);
    r.s.high = p11 + (p01 >> 16) + (p10 >> 16) + (middle >> 16) + x.s.low * y.s.high + x.s.high * y.s.low;
    return r.all;
}

// Unsigned 64-bit division by restoring shift-subtract, one quotient bit per round.
static uint64_t cl_udivmod(uint64_t n, uint64_t d, uint64_t *remainder) {
    dword num = { .all = n }, den = { .all = d };
    if (den.s.high == 0 && num.s.high == 0) {
        if (den.s.low == 0) { if (remainder) *remainder = n; return ~(uint64_t)0; }
        if (remainder) *remainder = num.s.low % den.s.low;
        return num.s.low / den.s.low;
    }
    if (d == 0) { if (remainder) *remainder = n; return ~(uint64_t)0; }
    dword q = { .all = 0 }, r = { .all = 0 };
    for (int i = 63; i >= 0; i--) {
        // r = (r << 1) | bit i of n
        uint32_t bit = i >= 32 ? (num.s.high >> (i - 32)) & 1 : (num.s.low >> i) & 1;
        r.s.high = (r.s.high << 1) | (r.s.low >> 31);
        r.s.low = (r.s.low << 1) | bit;
        if (r.s.high > den.s.high || (r.s.high == den.s.high && r.s.low >= den.s.low)) {
            uint32_t borrow = r.s.low < den.s.low;
            r.s.low -= den.s.low;
            r.s.high -= den.s.high + borrow;
            if (i >= 32) q.s.high |= 1u << (i - 32); else q.s.low |= 1u << i;
        }
    }
    if (remainder) *remainder = r.all;
    return q.all;
}
uint64_t __udivdi3(uint64_t a, uint64_t b) { return cl_udivmod(a, b, 0); }
uint64_t __umoddi3(uint64_t a, uint64_t b) { uint64_t r; cl_udivmod(a, b, &r); return r; }
int64_t __divdi3(int64_t a, int64_t b) {
    uint64_t ua = a < 0 ? 0 - (uint64_t)a : (uint64_t)a, ub = b < 0 ? 0 - (uint64_t)b : (uint64_t)b;
    uint64_t q = cl_udivmod(ua, ub, 0);
    return (int64_t)(((a < 0) != (b < 0)) ? 0 - q : q);
}
int64_t __moddi3(int64_t a, int64_t b) {
    uint64_t ua = a < 0 ? 0 - (uint64_t)a : (uint64_t)a, ub = b < 0 ? 0 - (uint64_t)b : (uint64_t)b, r;
    cl_udivmod(ua, ub, &r);
    return (int64_t)(a < 0 ? 0 - r : r);
}
