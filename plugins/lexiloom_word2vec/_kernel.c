/* The Word2Vec inner loop: one job (a batch of sentences as word ids) of CBOW or skip-gram
 * training with negative sampling and/or hierarchical softmax, with the GIL released.
 *
 * Plain C and the CPython buffer protocol (no numpy C API, so no build-time numpy). The Python
 * side (lexiloom_word2vec.training) calls ``train_job`` from several threads on shared weights
 * (Hogwild, as word2vec.c and gensim do). ``fallback.py`` is the same algorithm in Python: keep
 * the two in step (same random draws in the same order, same order of updates).
 *
 * Random numbers: word2vec.c's linear congruential generator (48-bit state,
 * ``next = next * 25214903917 + 11``), seeded per job by the caller. Per job, in this order:
 *   1. subsampling: for each in-vocabulary id, keep it if ``sample_ints[id] >= draw`` (one draw
 *      per id, only when ``sample_ints`` is given);
 *   2. reduced windows: one draw per kept word, ``b = draw % window`` (only when shrinking);
 *   3. training, position by position; negative samples draw from the noise table as they go.
 * Sigmoid: exact, ``1 / (1 + exp(-x))`` in single precision (no lookup table, so results are a
 * continuous function of the weights and the Python fallback agrees to rounding).
 * Build: -O3 from setup.py; never -ffast-math (it would reorder the sums and break the agreement
 * with the fallback).
 */
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

typedef struct {
    float *syn0, *syn1neg, *syn1;
    Py_ssize_t dim;
    const uint32_t *cum_table;
    const uint32_t *buckets;
    Py_ssize_t cum_len;
    const int64_t *hs_offsets;
    const uint32_t *hs_points;
    const uint8_t *hs_codes;
    Py_ssize_t n_points, vocab;
    uint64_t domain;
    int negative, hs, cbow_mean;
    float alpha;
    float *work, *neu1;
    uint64_t rng;
} Trainer;

/* Hierarchical softmax: predict `word` from the hidden vector `h`, add the error to `work`. */
static INLINE void hs_update(Trainer *t, uint32_t word, const float *h) {
    Py_ssize_t dim = t->dim;
    /* The tables were checked before the job, but they are read live: bound every access so
     * that a caller changing them during the call cannot send it out of the arrays. */
    int64_t first = t->hs_offsets[word], last = t->hs_offsets[word + 1];
    if (first < 0 || last > t->n_points) return;
    for (int64_t p = first; p < last; p++) {
        if (t->hs_points[p] >= (uint32_t)t->vocab) continue;
        float *l2 = t->syn1 + (Py_ssize_t)t->hs_points[p] * dim;
        float g = (1.0f - (float)t->hs_codes[p] - sigmoid(dot(h, l2, dim))) * t->alpha;
        axpy(g, l2, t->work, dim);
        axpy(g, h, l2, dim);
    }
}

/* Negative sampling: `word` is the positive target, `negative` noise words the negatives. */
static INLINE void neg_update(Trainer *t, uint32_t word, const float *h) {
    Py_ssize_t dim = t->dim;
    uint64_t domain = t->domain;  /* read once per job: checked to be in [1, 2**31) */
    for (int d = 0; d <= t->negative; d++) {
        uint32_t target;
        float label;
        if (d == 0) {
            target = word;
            label = 1.0f;
        } else {
            uint64_t x = (t->rng >> 16) % domain;
            uint64_t b = x >> BUCKET_SHIFT;
            target = bisect_left(t->cum_table, x, t->buckets[b], t->buckets[b + 1]);
            if (target >= (uint32_t)t->cum_len) target = (uint32_t)(t->cum_len - 1);
            t->rng = (t->rng * 25214903917ULL + 11ULL) & RNG_MASK;
            if (target == word) continue;
            label = 0.0f;
        }
        float *l2 = t->syn1neg + (Py_ssize_t)target * dim;
        float g = (label - sigmoid(dot(h, l2, dim))) * t->alpha;
        axpy(g, l2, t->work, dim);
        axpy(g, h, l2, dim);
    }
}

/* Skip-gram: the context word `input` predicts the centre word `word` (gensim's order). */
static INLINE void sg_pair(Trainer *t, uint32_t word, uint32_t input, int use_hs) {
    float *l1 = t->syn0 + (Py_ssize_t)input * t->dim;
    memset(t->work, 0, t->dim * sizeof(float));
    if (use_hs) hs_update(t, word, l1);
    else neg_update(t, word, l1);
    axpy(1.0f, t->work, l1, t->dim);
}

/* CBOW: the context words idx[j..k) except position i predict idx[i]. */
static INLINE void cbow_window(Trainer *t, const uint32_t *idx, Py_ssize_t i, Py_ssize_t j,
                        Py_ssize_t k, int use_hs) {
    Py_ssize_t dim = t->dim;
    float count = 0.0f;
    memset(t->neu1, 0, dim * sizeof(float));
    for (Py_ssize_t m = j; m < k; m++) {
        if (m == i) continue;
        count += 1.0f;
        axpy(1.0f, t->syn0 + (Py_ssize_t)idx[m] * dim, t->neu1, dim);
    }
    if (count < 0.5f) return;
    float inv = 1.0f / count;
    if (t->cbow_mean) {
        for (Py_ssize_t a = 0; a < dim; a++) t->neu1[a] *= inv;
    }
    memset(t->work, 0, dim * sizeof(float));
    if (use_hs) hs_update(t, idx[i], t->neu1);
    else neg_update(t, idx[i], t->neu1);
    if (!t->cbow_mean) {
        for (Py_ssize_t a = 0; a < dim; a++) t->work[a] *= inv;
    }
    for (Py_ssize_t m = j; m < k; m++) {
        if (m == i) continue;
        axpy(1.0f, t->work, t->syn0 + (Py_ssize_t)idx[m] * dim, dim);
    }
}

/* One job: subsample, draw the reduced windows, train every position; returns words kept. */
CLONES static Py_ssize_t train(Trainer *t, const int32_t *ids, const int32_t *ends,
                               Py_ssize_t n_sent, const uint32_t *sample_ints, uint32_t *idx,
                               int32_t *reduced, Py_ssize_t *bounds, int sg, int negative,
                               int hs, int window, int shrink) {
    Py_ssize_t kept = 0;
    Py_ssize_t start = 0;
    for (Py_ssize_t s = 0; s < n_sent; s++) {
        for (Py_ssize_t p = start; p < ends[s]; p++) {
            if (ids[p] < 0) continue;
            if (sample_ints && sample_ints[ids[p]] < draw32(&t->rng)) continue;
            idx[kept++] = (uint32_t)ids[p];
        }
        bounds[s] = kept;
        start = ends[s];
    }
    for (Py_ssize_t i = 0; i < kept; i++)
        reduced[i] = shrink ? (int32_t)(draw32(&t->rng) % (uint32_t)window) : 0;
    Py_ssize_t first = 0;
    for (Py_ssize_t s = 0; s < n_sent; s++) {
        Py_ssize_t last = bounds[s];
        for (Py_ssize_t i = first; i < last; i++) {
            Py_ssize_t j = i - window + reduced[i], k = i + window + 1 - reduced[i];
            if (j < first) j = first;
            if (k > last) k = last;
            if (sg) {
                for (Py_ssize_t c = j; c < k; c++) {
                    if (c == i) continue;
                    if (hs) sg_pair(t, idx[i], idx[c], 1);
                    if (negative > 0) sg_pair(t, idx[i], idx[c], 0);
                }
            } else {
                if (hs) cbow_window(t, idx, i, j, k, 1);
                if (negative > 0) cbow_window(t, idx, i, j, k, 0);
            }
        }
        first = last;
    }
    return kept;
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

enum { SYN0, SYN1NEG, SYN1, IDS, ENDS, SAMPLE, CUM, HS_OFF, HS_POINTS, HS_CODES, NBUF };

static PyObject *train_job(PyObject *self, PyObject *args, PyObject *kwargs) {
    static char *keywords[] = {"syn0", "syn1neg", "syn1", "ids", "ends", "sample_ints",
                               "cum_table", "hs_offsets", "hs_points", "hs_codes", "sg",
                               "negative", "hs", "window", "shrink_windows", "cbow_mean",
                               "alpha", "seed", NULL};
    PyObject *objs[NBUF];
    int sg, negative, hs, window, shrink, cbow_mean;
    float alpha;
    unsigned long long seed;
    if (!PyArg_ParseTupleAndKeywords(args, kwargs, "OOOOOOOOOOiiiipp" "fK", keywords, &objs[SYN0],
                                     &objs[SYN1NEG], &objs[SYN1], &objs[IDS], &objs[ENDS],
                                     &objs[SAMPLE], &objs[CUM], &objs[HS_OFF], &objs[HS_POINTS],
                                     &objs[HS_CODES], &sg, &negative, &hs, &window, &shrink,
                                     &cbow_mean, &alpha, &seed))
        return NULL;
    static const Py_ssize_t itemsizes[NBUF] = {4, 4, 4, 4, 4, 4, 4, 8, 4, 1};
    /* float32 weights, int32 ids and ends, uint32 tables, int64 offsets, uint8 codes */
    static const char *kinds[NBUF] = {"f", "f", "f", "il", "il", "IL", "IL", "lq", "IL", "B"};
    static const int writable[NBUF] = {1, 1, 1, 0, 0, 0, 0, 0, 0, 0};
    static const int ndims[NBUF] = {2, 2, 2, 1, 1, 1, 1, 1, 1, 1};
    static const char *names[NBUF] = {"syn0", "syn1neg", "syn1", "ids", "ends", "sample_ints",
                                      "cum_table", "hs_offsets", "hs_points", "hs_codes"};
    Buf bufs[NBUF];
    memset(bufs, 0, sizeof(bufs));
    for (int b = 0; b < NBUF; b++) {
        if (get_buf(objs[b], &bufs[b], itemsizes[b], kinds[b], writable[b], ndims[b], names[b]) < 0) {
            release(bufs, NBUF);
            return NULL;
        }
    }
    const char *problem = NULL;
    if (!bufs[SYN0].held || !bufs[IDS].held || !bufs[ENDS].held) problem = "syn0, ids and ends are required";
    else if (window < 1) problem = "window must be at least 1";
    else if (negative > MAX_NEGATIVE) problem = "negative must be at most 1000";
    else if (negative > 0 && (!bufs[SYN1NEG].held || !bufs[CUM].held || bufs[CUM].view.shape[0] < 1))
        problem = "negative sampling needs syn1neg and a non-empty cum_table";
    else if (hs && (!bufs[SYN1].held || !bufs[HS_OFF].held || !bufs[HS_POINTS].held || !bufs[HS_CODES].held))
        problem = "hierarchical softmax needs syn1, hs_offsets, hs_points and hs_codes";
    else if (negative <= 0 && !hs) problem = "either negative > 0 or hs must be set";
    for (int a = 0; a < NBUF && !problem; a++)
        for (int b = a + 1; b < NBUF && !problem; b++)
            if (overlap(&bufs[a], &bufs[b])) problem = "no two arrays may share memory";
    if (problem) {
        release(bufs, NBUF);
        PyErr_SetString(PyExc_ValueError, problem);
        return NULL;
    }
    Py_ssize_t vocab = bufs[SYN0].view.shape[0], dim = bufs[SYN0].view.shape[1];
    if ((negative > 0 && (bufs[SYN1NEG].view.shape[0] != vocab || bufs[SYN1NEG].view.shape[1] != dim)) ||
        (hs && (bufs[SYN1].view.shape[0] != vocab || bufs[SYN1].view.shape[1] != dim ||
                bufs[HS_OFF].view.shape[0] != vocab + 1)) ||
        (bufs[SAMPLE].held && bufs[SAMPLE].view.shape[0] != vocab)) {
        release(bufs, NBUF);
        PyErr_SetString(PyExc_ValueError, "weight and table shapes do not match the vocabulary");
        return NULL;
    }
    const int32_t *ids = (const int32_t *)bufs[IDS].view.buf;
    const int32_t *ends = (const int32_t *)bufs[ENDS].view.buf;
    Py_ssize_t n_ids = bufs[IDS].view.shape[0], n_sent = bufs[ENDS].view.shape[0];
    for (Py_ssize_t s = 0; s < n_sent; s++) {
        if (ends[s] < (s ? ends[s - 1] : 0) || ends[s] > n_ids) {
            release(bufs, NBUF);
            PyErr_SetString(PyExc_ValueError, "ends must be non-decreasing offsets into ids");
            return NULL;
        }
    }
    if (negative > 0) {
        const uint32_t *cum = bufs[CUM].view.buf;
        Py_ssize_t n_cum = bufs[CUM].view.shape[0];
        int bad = cum[n_cum - 1] == 0 || cum[n_cum - 1] > 0x7FFFFFFFu || n_cum != vocab;
        for (Py_ssize_t c = 1; c < n_cum && !bad; c++) bad = cum[c] < cum[c - 1];
        if (bad) {
            release(bufs, NBUF);
            PyErr_SetString(PyExc_ValueError, "cum_table must have one non-decreasing entry per "
                            "word, ending between 1 and 2**31 - 1");
            return NULL;
        }
    }
    if (hs) {
        /* hs_update reads hs_points[hs_offsets[w]..hs_offsets[w + 1]) and syn1 rows of those
         * points: the offsets must be a non-decreasing walk from 0 to len(points) == len(codes),
         * every point a row of syn1, every code 0 or 1. */
        const int64_t *off = bufs[HS_OFF].view.buf;
        const uint32_t *points = bufs[HS_POINTS].view.buf;
        const uint8_t *codes = bufs[HS_CODES].view.buf;
        Py_ssize_t n_points = bufs[HS_POINTS].view.shape[0];
        int bad = off[0] != 0 || off[vocab] != n_points || bufs[HS_CODES].view.shape[0] != n_points;
        for (Py_ssize_t w = 0; w < vocab && !bad; w++) bad = off[w + 1] < off[w];
        for (Py_ssize_t p = 0; p < n_points && !bad; p++) bad = points[p] >= vocab || codes[p] > 1;
        if (bad) {
            release(bufs, NBUF);
            PyErr_SetString(PyExc_ValueError, "hs_offsets must rise from 0 to len(hs_points) == "
                            "len(hs_codes), hs_points must be rows of syn1 and hs_codes 0 or 1");
            return NULL;
        }
    }
    for (Py_ssize_t p = 0; p < n_ids; p++) {
        if (ids[p] < -1 || ids[p] >= vocab) {
            release(bufs, NBUF);
            PyErr_SetString(PyExc_ValueError, "ids must be below the vocabulary size (-1: skip)");
            return NULL;
        }
    }
    uint32_t *idx = malloc((n_ids + 1) * sizeof(uint32_t));
    int32_t *reduced = malloc((n_ids + 1) * sizeof(int32_t));
    Py_ssize_t *bounds = malloc((n_sent + 1) * sizeof(Py_ssize_t));
    float *scratch = malloc(2 * dim * sizeof(float) + 1);
    uint32_t *buckets = negative > 0 ? malloc(N_BUCKETS * sizeof(uint32_t)) : NULL;
    if (!idx || !reduced || !bounds || !scratch || (negative > 0 && !buckets)) {
        free(idx); free(reduced); free(bounds); free(scratch); free(buckets);
        release(bufs, NBUF);
        return PyErr_NoMemory();
    }
    Trainer t;
    t.syn0 = bufs[SYN0].view.buf;
    t.syn1neg = bufs[SYN1NEG].held ? bufs[SYN1NEG].view.buf : NULL;
    t.syn1 = bufs[SYN1].held ? bufs[SYN1].view.buf : NULL;
    t.dim = dim;
    t.cum_table = bufs[CUM].held ? bufs[CUM].view.buf : NULL;
    t.cum_len = bufs[CUM].held ? bufs[CUM].view.shape[0] : 0;
    t.buckets = buckets;
    t.hs_offsets = bufs[HS_OFF].held ? bufs[HS_OFF].view.buf : NULL;
    t.hs_points = bufs[HS_POINTS].held ? bufs[HS_POINTS].view.buf : NULL;
    t.hs_codes = bufs[HS_CODES].held ? bufs[HS_CODES].view.buf : NULL;
    t.n_points = bufs[HS_POINTS].held ? bufs[HS_POINTS].view.shape[0] : 0;
    t.vocab = vocab;
    t.domain = t.cum_table ? t.cum_table[t.cum_len - 1] : 1;
    if (t.domain < 1 || t.domain > 0x7FFFFFFFu) {  /* changed since it was checked */
        free(idx); free(reduced); free(bounds); free(scratch); free(buckets);
        release(bufs, NBUF);
        PyErr_SetString(PyExc_ValueError, "cum_table changed during the call");
        return NULL;
    }
    t.negative = negative;
    t.hs = hs;
    t.cbow_mean = cbow_mean;
    t.alpha = alpha;
    t.work = scratch;
    t.neu1 = scratch + dim;
    t.rng = seed & RNG_MASK;
    const uint32_t *sample_ints = bufs[SAMPLE].held ? bufs[SAMPLE].view.buf : NULL;
    Py_ssize_t kept;

    Py_BEGIN_ALLOW_THREADS
    if (buckets) fill_buckets(t.cum_table, t.cum_len, buckets);
    kept = train(&t, ids, ends, n_sent, sample_ints, idx, reduced, bounds, sg, negative, hs,
                 window, shrink);
    Py_END_ALLOW_THREADS

    free(idx); free(reduced); free(bounds); free(scratch); free(buckets);
    release(bufs, NBUF);
    return Py_BuildValue("nK", kept, (unsigned long long)t.rng);
}

static PyMethodDef methods[] = {
    {"train_job", (PyCFunction)(void (*)(void))train_job, METH_VARARGS | METH_KEYWORDS,
     "train_job(syn0, syn1neg, syn1, ids, ends, sample_ints, cum_table, hs_offsets, hs_points, "
     "hs_codes, sg, negative, hs, window, shrink_windows, cbow_mean, alpha, seed)\n--\n\n"
     "Train one job of Word2Vec in place (GIL released); return (words kept, final rng state).\n"
     "Pass None for the tables a mode does not use (syn1neg/cum_table without negative "
     "sampling, syn1/hs_* without hierarchical softmax, sample_ints without subsampling)."},
    {NULL, NULL, 0, NULL}};

static struct PyModuleDef module = {PyModuleDef_HEAD_INIT, "_kernel",
                                    "Compiled Word2Vec training loop (see fallback.py for the "
                                    "same algorithm in Python).",
                                    -1, methods};

PyMODINIT_FUNC PyInit__kernel(void) { return PyModule_Create(&module); }
