/* What the compiled training loops of Word2Vec and fastText (lexiloom_fasttext) share: word2vec.c's
 * random generator, the vector helpers, the noise-table search and the checks of the buffers
 * that Python hands in. Included by both kernels (plain C, the CPython buffer protocol, no numpy
 * C API); every function is static, so each kernel gets its own copy. */
#ifndef LEXILOOM_KERNEL_COMMON_H
#define LEXILOOM_KERNEL_COMMON_H
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define RNG_MASK 0xFFFFFFFFFFFFULL
#define MAX_NEGATIVE 1000

/* With GCC 11+ on x86-64 glibc Linux the training loop is compiled twice, for AVX2+FMA
 * (x86-64-v3) and for baseline x86-64, and the loader picks the best one for the CPU (function
 * multiversioning through ifunc). The helpers are forced inline so that each version gets its
 * own vectorised copy. Elsewhere the loop is compiled once, for the baseline. */
#if defined(__GNUC__) && !defined(__clang__) && __GNUC__ >= 11 && defined(__x86_64__) && \
    defined(__linux__) && defined(__GLIBC__)
#define CLONES __attribute__((target_clones("arch=x86-64-v3", "default")))
#else
#define CLONES
#endif
#if defined(__GNUC__)
#define INLINE inline __attribute__((always_inline))
#else
#define INLINE inline
#endif

static INLINE uint32_t draw32(uint64_t *state) {
    uint32_t value = (uint32_t)(*state >> 16);
    *state = (*state * 25214903917ULL + 11ULL) & RNG_MASK;
    return value;
}

/* Dot product with sixteen partial sums, combined in a fixed order (vectorisable without
 * -ffast-math, deterministic, and short dependency chains). */
static INLINE float dot(const float *a, const float *b, Py_ssize_t n) {
    float s[16] = {0};
    Py_ssize_t i = 0;
    for (; i + 16 <= n; i += 16) {
        for (int k = 0; k < 16; k++) s[k] += a[i + k] * b[i + k];
    }
    for (int k = 0; k < 8; k++) s[k] += s[k + 8];
    float total = ((s[0] + s[4]) + (s[1] + s[5])) + ((s[2] + s[6]) + (s[3] + s[7]));
    for (; i < n; i++) total += a[i] * b[i];
    return total;
}

static INLINE void axpy(float alpha, const float *x, float *y, Py_ssize_t n) {
    for (Py_ssize_t i = 0; i < n; i++) y[i] += alpha * x[i];
}

static INLINE float sigmoid(float x) { return 1.0f / (1.0f + expf(-x)); }

/* Ask for a row ahead of its use (for writing): rows are random in large tables, so loading
 * several at once instead of one after the other saves most of the wait. No effect on results. */
static INLINE void prefetch_row(const float *row, Py_ssize_t dim) {
#if defined(__GNUC__)
    for (Py_ssize_t a = 0; a < dim; a += 16) __builtin_prefetch(row + a, 1, 3);
#else
    (void)row;
    (void)dim;
#endif
}

static INLINE uint32_t bisect_left(const uint32_t *a, uint64_t x, Py_ssize_t lo,
                                   Py_ssize_t hi) {
    while (hi > lo) {
        Py_ssize_t mid = (lo + hi) >> 1;
        if (a[mid] >= x) hi = mid;
        else lo = mid + 1;
    }
    return (uint32_t)lo;
}

/* Negative samples are ``bisect_left(cum_table, x)`` for a draw x below 2^31 (as in gensim). To
 * save most of the binary search, ``buckets[b]`` holds ``bisect_left(cum_table, b << 15)``: the
 * answer for x lies between ``buckets[x >> 15]`` and ``buckets[(x >> 15) + 1]`` (exactly the same
 * result as a full search). */
#define BUCKET_SHIFT 15
#define N_BUCKETS ((1 << (31 - BUCKET_SHIFT)) + 1)

static void fill_buckets(const uint32_t *cum, Py_ssize_t n, uint32_t *buckets) {
    Py_ssize_t j = 0;
    for (Py_ssize_t b = 0; b < N_BUCKETS; b++) {
        uint64_t target = (uint64_t)b << BUCKET_SHIFT;
        while (j < n && cum[j] < target) j++;
        buckets[b] = (uint32_t)j;
    }
}

/* -- buffers ------------------------------------------------------------------------------ */

typedef struct {
    Py_buffer view;
    int held;
} Buf;

/* Whether a buffer's struct-module format names one native item of a kind in ``kinds`` (the
 * itemsize is checked apart): numpy exports "f", "i", "l", "B" and so on, perhaps after a byte
 * order character that means native. */
static int format_ok(const char *format, const char *kinds) {
    if (format == NULL) format = "B";
    if (*format == '@' || *format == '=') format++;
#if PY_LITTLE_ENDIAN
    else if (*format == '<') format++;
#else
    else if (*format == '>' || *format == '!') format++;
#endif
    return format[0] != '\0' && format[1] == '\0' && strchr(kinds, format[0]) != NULL;
}

static int get_buf(PyObject *obj, Buf *buf, Py_ssize_t itemsize, const char *kinds,
                   int writable, int ndim, const char *name) {
    buf->held = 0;
    if (obj == Py_None) return 0;
    int flags = PyBUF_C_CONTIGUOUS | PyBUF_FORMAT | (writable ? PyBUF_WRITABLE : 0);
    if (PyObject_GetBuffer(obj, &buf->view, flags) < 0) return -1;
    buf->held = 1;
    if (buf->view.itemsize != itemsize || buf->view.ndim != ndim ||
        !format_ok(buf->view.format, kinds) ||
        (buf->view.len && (uintptr_t)buf->view.buf % (uintptr_t)itemsize)) {
        PyErr_Format(PyExc_ValueError,
                     "%s: expected a contiguous, aligned %d-dimensional buffer of %zd-byte "
                     "items of format %s", name, ndim, itemsize, kinds);
        return -1;
    }
    return 0;
}

/* Whether two held buffers share bytes: an index table that aliases the weights the kernel
 * writes would change under it, so every pair must be apart. */
static int overlap(const Buf *a, const Buf *b) {
    if (!a->held || !b->held || a->view.len == 0 || b->view.len == 0) return 0;
    const char *a0 = a->view.buf, *b0 = b->view.buf;
    return a0 < b0 + b->view.len && b0 < a0 + a->view.len;
}

static void release(Buf *bufs, int n) {
    for (int i = 0; i < n; i++)
        if (bufs[i].held) PyBuffer_Release(&bufs[i].view);
}

/* Hold the ``n`` buffers of ``objs`` as get_buf checks them (parallel arrays of item sizes,
 * kinds, writability, dimensions and names); on a failure, release those held and return -1
 * with the error set. */
static int get_bufs(PyObject **objs, Buf *bufs, int n, const Py_ssize_t *itemsizes,
                    const char **kinds, const int *writable, const int *ndims,
                    const char **names) {
    memset(bufs, 0, (size_t)n * sizeof(Buf));
    for (int b = 0; b < n; b++) {
        if (get_buf(objs[b], &bufs[b], itemsizes[b], kinds[b], writable[b], ndims[b], names[b]) < 0) {
            release(bufs, n);
            return -1;
        }
    }
    return 0;
}

/* Whether any two of the ``n`` held buffers share memory. */
static int any_overlap(const Buf *bufs, int n) {
    for (int a = 0; a < n; a++)
        for (int b = a + 1; b < n; b++)
            if (overlap(&bufs[a], &bufs[b])) return 1;
    return 0;
}

/* A noise word: a draw x below the noise table's total ``domain`` (checked to be in
 * [1, 2**31)), then the first row whose cumulative weight reaches x (as gensim). */
static INLINE uint32_t draw_noise_word(uint64_t *rng, const uint32_t *cum,
                                       const uint32_t *buckets, Py_ssize_t cum_len,
                                       uint64_t domain) {
    uint64_t x = (*rng >> 16) % domain;
    uint64_t b = x >> BUCKET_SHIFT;
    uint32_t target = bisect_left(cum, x, buckets[b], buckets[b + 1]);
    if (target >= (uint32_t)cum_len) target = (uint32_t)(cum_len - 1);
    *rng = (*rng * 25214903917ULL + 11ULL) & RNG_MASK;
    return target;
}

/* The first two steps of a job, drawing from ``rng``: the in-vocabulary words of each
 * sentence that subsampling keeps (one draw per word when ``sample_ints`` is given) into
 * ``idx``, each sentence's end in ``bounds``, then one reduced window per kept word (when
 * ``shrink``). Returns how many words were kept. ``ids`` and ``ends`` were checked before the
 * job but are read live: each is read once and bounded (by ``n_ids`` and ``vocab``), so that
 * another thread changing them cannot send the job outside its arrays. */
static INLINE Py_ssize_t keep_words(uint64_t *rng, const int32_t *ids, Py_ssize_t n_ids,
                                    const int32_t *ends, Py_ssize_t n_sent, Py_ssize_t vocab,
                                    const uint32_t *sample_ints, uint32_t *idx,
                                    int32_t *reduced, Py_ssize_t *bounds, int window,
                                    int shrink) {
    Py_ssize_t kept = 0, start = 0;
    for (Py_ssize_t s = 0; s < n_sent; s++) {
        Py_ssize_t end = ends[s];
        if (end > n_ids) end = n_ids;
        for (Py_ssize_t p = start; p < end; p++) {
            int32_t id = ids[p];
            if (id < 0 || id >= vocab) continue;
            if (sample_ints && sample_ints[id] < draw32(rng)) continue;
            idx[kept++] = (uint32_t)id;
        }
        bounds[s] = kept;
        if (end > start) start = end;
    }
    for (Py_ssize_t i = 0; i < kept; i++)
        reduced[i] = shrink ? (int32_t)(draw32(rng) % (uint32_t)window) : 0;
    return kept;
}

/* Sentence ends: non-decreasing offsets into ``n_ids`` ids; ids below ``vocab`` or -1. */
static const char *check_ids(const int32_t *ids, Py_ssize_t n_ids, const int32_t *ends,
                             Py_ssize_t n_sent, Py_ssize_t vocab) {
    for (Py_ssize_t s = 0; s < n_sent; s++)
        if (ends[s] < (s ? ends[s - 1] : 0) || ends[s] > n_ids)
            return "ends must be non-decreasing offsets into ids";
    for (Py_ssize_t p = 0; p < n_ids; p++)
        if (ids[p] < -1 || ids[p] >= vocab) return "ids must be below the vocabulary size (-1: skip)";
    return NULL;
}

/* A noise table: one non-decreasing cumulative weight per word, ending in [1, 2**31 - 1]. */
static const char *check_cum_table(const uint32_t *cum, Py_ssize_t n_cum, Py_ssize_t vocab) {
    int bad = n_cum < 1 || cum[n_cum - 1] == 0 || cum[n_cum - 1] > 0x7FFFFFFFu || n_cum != vocab;
    for (Py_ssize_t c = 1; c < n_cum && !bad; c++) bad = cum[c] < cum[c - 1];
    return bad ? "cum_table must have one non-decreasing entry per word, ending between 1 and "
                 "2**31 - 1" : NULL;
}

#endif
