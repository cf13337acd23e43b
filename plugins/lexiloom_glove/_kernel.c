/*
 * lexiloom_glove._kernel: the compiled inner loops of the GloVe embedder.
 *
 * Plain C and the CPython API; arrays arrive through the buffer protocol (numpy arrays, or any
 * object exporting a contiguous buffer), so the numpy C API is not needed. Every function releases
 * the GIL while it computes.
 *
 *   count(table, ids, bounds, vocab_size, window, symmetric, distance_weighting, max_fill,
 *         filled, sentence, position) -> (filled, sentence, position)
 *       Add the weighted co-occurrences of the sentences ids[bounds[s]:bounds[s + 1]] to an
 *       open-addressing hash table of (int64 key = row * vocab_size + col, float64 value) records
 *       (empty slots have key -1). Stops before a token whose pairs could push the table past
 *       max_fill entries and returns where to resume, so the caller can spill the table first.
 *   insert(table, records, filled) -> filled
 *       Add (key, value) records to the table, skipping empty ones (key -1), so a smaller table
 *       can be passed whole to grow into a larger one; returns the new number of filled slots.
 *   drain(table, filled) -> n
 *       Move the filled records to the front of the table and sort them by key (LSD radix sort,
 *       with a temporary buffer of n records); the caller copies them out and marks those slots
 *       empty again.
 *   shuffle(rows, cols, values, seed)
 *       In-place Fisher-Yates shuffle of three parallel arrays (int32, int32, float64) driven by
 *       splitmix64, the same sequence lexiloom_glove.fallback.shuffle uses.
 *   train_epoch(rows, cols, values, W, gradsq, vocab_size, dim, x_max, alpha, eta, grad_clip,
 *               workers) -> cost
 *       One AdaGrad pass over the co-occurrence records, as glove.c does it: the records are cut
 *       into `workers` contiguous parts, each trained by its own thread without locks (Hogwild).
 *       W and gradsq are float64 arrays of shape (2 * vocab_size, dim + 1): word rows, then
 *       context rows, each followed by its bias. Returns the summed weighted squared error / 2.
 */

#define PY_SSIZE_T_CLEAN
#include <Python.h>

#include <float.h>
#include <limits.h>
#include <math.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

typedef struct {
    int64_t key;
    double value;
} Record;

/* ---- buffers ------------------------------------------------------------------------------ */

/* Whether a buffer's struct-module format is one native item of a kind in ``kinds`` (numpy
 * exports "i", "q"/"l", "d", perhaps after a byte-order character meaning native), or, for the
 * records (kinds "T"), a struct ("T{...}", numpy's structured dtype). */
static int format_ok(const char *format, const char *kinds) {
    if (format == NULL) format = "B";
    if (kinds[0] == 'T') return strncmp(format, "T{", 2) == 0;
    if (*format == '@' || *format == '=') format++;
#if PY_LITTLE_ENDIAN
    else if (*format == '<') format++;
#else
    else if (*format == '>' || *format == '!') format++;
#endif
    return format[0] != '\0' && format[1] == '\0' && strchr(kinds, format[0]) != NULL;
}

static int get_buffer(PyObject *obj, Py_buffer *view, Py_ssize_t itemsize, const char *kinds,
                      int writable, const char *name) {
    int flags = PyBUF_C_CONTIGUOUS | PyBUF_FORMAT | (writable ? PyBUF_WRITABLE : 0);
    if (PyObject_GetBuffer(obj, view, flags) != 0) {
        return -1;
    }
    uintptr_t align = itemsize > 8 ? 8 : (uintptr_t)itemsize;
    if (view->itemsize != itemsize || !format_ok(view->format, kinds) ||
        (view->len && (uintptr_t)view->buf % align)) {
        PyErr_Format(PyExc_ValueError, "%s: expected a contiguous, aligned buffer of %zd-byte "
                     "items of format %s", name, itemsize, kinds);
        PyBuffer_Release(view);
        return -1;
    }
    return 0;
}

/* Whether the buffers in ``views`` are pairwise apart: an index array that aliases an array
 * the kernel writes would change under it. Sets a ValueError and returns 0 when two overlap. */
static int apart(const Py_buffer *views, int n, const char *function) {
    for (int a = 0; a < n; a++) {
        for (int b = a + 1; b < n; b++) {
            const char *a0 = views[a].buf, *b0 = views[b].buf;
            if (views[a].len && views[b].len && a0 < b0 + views[b].len &&
                b0 < a0 + views[a].len) {
                PyErr_Format(PyExc_ValueError, "%s: no two arrays may share memory", function);
                return 0;
            }
        }
    }
    return 1;
}

/* ---- counting ----------------------------------------------------------------------------- */

static inline uint64_t hash_key(int64_t key, int shift) {
    return ((uint64_t)key * 0x9E3779B97F4A7C15ULL) >> shift;
}

/* Add ``weight`` to ``key``'s record: 1 when it took an empty slot, 0 when the key was there,
 * -1 when the table is full (every slot probed: a wrong ``filled`` from the caller), so a bad
 * call ends instead of spinning with the GIL released. */
static inline int table_add(Record *table, uint64_t mask, int shift, int64_t key, double weight) {
    uint64_t slot = hash_key(key, shift) & mask;
    for (uint64_t probes = 0; probes <= mask; probes++) {
        Record *r = &table[slot];
        if (r->key == key) {
            r->value += weight;
            return 0;
        }
        if (r->key == -1) {
            r->key = key;
            r->value = weight;
            return 1;
        }
        slot = (slot + 1) & mask;
    }
    return -1;
}

/* sqrt(2**63): word ids below it give keys row * vocab_size + col that fit an int64. */
#define MAX_VOCAB 3037000499LL

static PyObject *kernel_count(PyObject *self, PyObject *args) {
    PyObject *table_obj, *ids_obj, *bounds_obj;
    long long vocab_size, max_fill, filled, sentence, position;
    int window, symmetric, distance_weighting;
    if (!PyArg_ParseTuple(args, "OOOLippLLLL", &table_obj, &ids_obj, &bounds_obj, &vocab_size,
                          &window, &symmetric, &distance_weighting, &max_fill, &filled,
                          &sentence, &position)) {
        return NULL;
    }
    Py_buffer tb, ib, bb;
    if (get_buffer(table_obj, &tb, sizeof(Record), "T", 1, "table") != 0) return NULL;
    if (get_buffer(ids_obj, &ib, sizeof(int32_t), "il", 0, "ids") != 0) {
        PyBuffer_Release(&tb);
        return NULL;
    }
    if (get_buffer(bounds_obj, &bb, sizeof(int64_t), "lq", 0, "bounds") != 0) {
        PyBuffer_Release(&tb);
        PyBuffer_Release(&ib);
        return NULL;
    }
    const Py_buffer count_views[3] = {tb, ib, bb};
    if (!apart(count_views, 3, "count")) {
        PyBuffer_Release(&tb);
        PyBuffer_Release(&ib);
        PyBuffer_Release(&bb);
        return NULL;
    }
    uint64_t capacity = (uint64_t)(tb.len / (Py_ssize_t)sizeof(Record));
    int shift = 64;
    while (((uint64_t)1 << (64 - shift)) < capacity) shift--;
    long long need = (long long)window * (symmetric ? 2 : 1);
    const char *problem = NULL;
    if (capacity == 0 || ((uint64_t)1 << (64 - shift)) != capacity || window < 1 ||
        vocab_size < 1 || vocab_size > MAX_VOCAB || max_fill >= (long long)capacity)
        problem = "count: the table needs a power-of-two capacity above max_fill, window and "
                  "vocab_size must be positive (vocab_size below 3037000499)";
    else if (need > max_fill || filled < 0 || filled > max_fill)
        problem = "count: max_fill must hold one token's pairs (2 * window) and filled must be "
                  "between 0 and max_fill";
    else if (bb.len < (Py_ssize_t)sizeof(int64_t) || sentence < 0 || position < 0)
        problem = "count: bounds needs at least one entry, sentence and position must not be "
                  "negative";
    Record *table = (Record *)tb.buf;
    const int32_t *ids = (const int32_t *)ib.buf;
    const int64_t *bounds = (const int64_t *)bb.buf;
    Py_ssize_t n_ids = ib.len / (Py_ssize_t)sizeof(int32_t);
    long long n_sentences = (long long)(bb.len / (Py_ssize_t)sizeof(int64_t)) - 1;
    for (Py_ssize_t i = 0; i < n_ids && problem == NULL; i++) {
        if (ids[i] < 0 || ids[i] >= vocab_size) problem = "count: a word id is out of range";
    }
    if (problem != NULL) {
        PyBuffer_Release(&tb);
        PyBuffer_Release(&ib);
        PyBuffer_Release(&bb);
        PyErr_SetString(PyExc_ValueError, problem);
        return NULL;
    }
    uint64_t mask = capacity - 1;
    int bad = 0;

    Py_BEGIN_ALLOW_THREADS
    for (; sentence < n_sentences; sentence++) {
        long long start = bounds[sentence], end = bounds[sentence + 1];
        if (start < 0 || end > n_ids || start > end) {
            bad = 1;
            break;
        }
        long long j = position > start ? position : start;
        for (; j < end; j++) {
            if (filled + need > max_fill) break;
            int64_t w2 = ids[j];
            long long lowest = j - window > start ? j - window : start;
            for (long long k = j - 1; k >= lowest; k--) {
                int64_t w1 = ids[k];
                double weight = distance_weighting ? 1.0 / (double)(j - k) : 1.0;
                int added = table_add(table, mask, shift, w1 * vocab_size + w2, weight);
                if (added >= 0 && symmetric) {
                    int more = table_add(table, mask, shift, w2 * vocab_size + w1, weight);
                    added = more < 0 ? more : added + more;
                }
                if (added < 0) {
                    bad = 2;
                    break;
                }
                filled += added;
            }
            if (bad) break;
        }
        if (bad) break;
        if (j < end) {
            position = j;
            break;
        }
        position = 0;
    }
    Py_END_ALLOW_THREADS

    PyBuffer_Release(&tb);
    PyBuffer_Release(&ib);
    PyBuffer_Release(&bb);
    if (bad) {
        PyErr_SetString(PyExc_ValueError, bad == 1 ? "count: bounds do not describe slices of ids"
                                                   : "count: the table is full (filled was wrong)");
        return NULL;
    }
    return Py_BuildValue("(LLL)", filled, sentence, position);
}

static PyObject *kernel_insert(PyObject *self, PyObject *args) {
    PyObject *table_obj, *records_obj;
    long long filled;
    if (!PyArg_ParseTuple(args, "OOL", &table_obj, &records_obj, &filled)) return NULL;
    Py_buffer tb, rb;
    if (get_buffer(table_obj, &tb, sizeof(Record), "T", 1, "table") != 0) return NULL;
    if (get_buffer(records_obj, &rb, sizeof(Record), "T", 0, "records") != 0) {
        PyBuffer_Release(&tb);
        return NULL;
    }
    const Py_buffer insert_views[2] = {tb, rb};
    if (!apart(insert_views, 2, "insert")) {
        PyBuffer_Release(&tb);
        PyBuffer_Release(&rb);
        return NULL;
    }
    uint64_t capacity = (uint64_t)(tb.len / (Py_ssize_t)sizeof(Record));
    int shift = 64;
    while (((uint64_t)1 << (64 - shift)) < capacity) shift--;
    Py_ssize_t n = rb.len / (Py_ssize_t)sizeof(Record);
    const Record *records = (const Record *)rb.buf;
    int bad_key = 0;
    for (Py_ssize_t i = 0; i < n && !bad_key; i++) bad_key = records[i].key < -1;
    if (capacity == 0 || ((uint64_t)1 << (64 - shift)) != capacity || filled < 0 || bad_key ||
        (uint64_t)(filled + n) >= capacity) {
        PyBuffer_Release(&tb);
        PyBuffer_Release(&rb);
        PyErr_SetString(PyExc_ValueError,
                        "insert: the table needs a power-of-two capacity above the records, "
                        "filled must not be negative and keys not below -1");
        return NULL;
    }
    Record *table = (Record *)tb.buf;
    int full = 0;
    Py_BEGIN_ALLOW_THREADS
    for (Py_ssize_t i = 0; i < n && !full; i++) {
        if (records[i].key != -1) {
            int added = table_add(table, capacity - 1, shift, records[i].key, records[i].value);
            if (added < 0) full = 1;
            else filled += added;
        }
    }
    Py_END_ALLOW_THREADS
    PyBuffer_Release(&tb);
    PyBuffer_Release(&rb);
    if (full) {
        PyErr_SetString(PyExc_ValueError, "insert: the table is full (filled was wrong)");
        return NULL;
    }
    return PyLong_FromLongLong(filled);
}

/* Stable LSD radix sort of records by their non-negative keys, 11 bits per pass. */
static int radix_sort(Record *records, Py_ssize_t n) {
    if (n < 2) return 0;
    int64_t top = 0;
    for (Py_ssize_t i = 0; i < n; i++) top |= records[i].key;
    Record *buffer = (Record *)malloc((size_t)n * sizeof(Record));
    if (buffer == NULL) return -1;
    Record *from = records, *to = buffer;
    for (int shift = 0; shift < 63 && (top >> shift) != 0; shift += 11) {
        Py_ssize_t counts[2048] = {0};
        for (Py_ssize_t i = 0; i < n; i++) counts[(from[i].key >> shift) & 2047]++;
        Py_ssize_t total = 0;
        for (int d = 0; d < 2048; d++) {
            Py_ssize_t c = counts[d];
            counts[d] = total;
            total += c;
        }
        for (Py_ssize_t i = 0; i < n; i++) to[counts[(from[i].key >> shift) & 2047]++] = from[i];
        Record *swap = from;
        from = to;
        to = swap;
    }
    if (from != records) memcpy(records, from, (size_t)n * sizeof(Record));
    free(buffer);
    return 0;
}

static PyObject *kernel_drain(PyObject *self, PyObject *args) {
    PyObject *table_obj;
    long long filled;
    if (!PyArg_ParseTuple(args, "OL", &table_obj, &filled)) return NULL;
    Py_buffer tb;
    if (get_buffer(table_obj, &tb, sizeof(Record), "T", 1, "table") != 0) return NULL;
    Record *table = (Record *)tb.buf;
    Py_ssize_t capacity = tb.len / (Py_ssize_t)sizeof(Record);
    Py_ssize_t n = 0;
    int failed = 0;
    Py_BEGIN_ALLOW_THREADS
    for (Py_ssize_t i = 0; i < capacity; i++) {
        if (table[i].key != -1) {
            if (i != n) {
                table[n] = table[i];
                table[i].key = -1;
                table[i].value = 0.0;
            }
            n++;
        }
    }
    failed = radix_sort(table, n);
    Py_END_ALLOW_THREADS
    PyBuffer_Release(&tb);
    if (failed) return PyErr_NoMemory();
    if (n != filled) {
        PyErr_Format(PyExc_ValueError, "drain: the table holds %zd records, not %lld", n, filled);
        return NULL;
    }
    return PyLong_FromSsize_t(n);
}

/* ---- shuffling ---------------------------------------------------------------------------- */

static inline uint64_t splitmix64(uint64_t *state) {
    uint64_t z = (*state += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
}

static PyObject *kernel_shuffle(PyObject *self, PyObject *args) {
    PyObject *rows_obj, *cols_obj, *values_obj;
    unsigned long long seed;
    if (!PyArg_ParseTuple(args, "OOOK", &rows_obj, &cols_obj, &values_obj, &seed)) return NULL;
    Py_buffer rb, cb, vb;
    if (get_buffer(rows_obj, &rb, sizeof(int32_t), "il", 1, "rows") != 0) return NULL;
    if (get_buffer(cols_obj, &cb, sizeof(int32_t), "il", 1, "cols") != 0) {
        PyBuffer_Release(&rb);
        return NULL;
    }
    if (get_buffer(values_obj, &vb, sizeof(double), "d", 1, "values") != 0) {
        PyBuffer_Release(&rb);
        PyBuffer_Release(&cb);
        return NULL;
    }
    Py_ssize_t n = rb.len / (Py_ssize_t)sizeof(int32_t);
    const Py_buffer shuffle_views[3] = {rb, cb, vb};
    if (!apart(shuffle_views, 3, "shuffle")) {
        PyBuffer_Release(&rb);
        PyBuffer_Release(&cb);
        PyBuffer_Release(&vb);
        return NULL;
    }
    if (cb.len / (Py_ssize_t)sizeof(int32_t) != n || vb.len / (Py_ssize_t)sizeof(double) != n) {
        PyBuffer_Release(&rb);
        PyBuffer_Release(&cb);
        PyBuffer_Release(&vb);
        PyErr_SetString(PyExc_ValueError, "shuffle: rows, cols and values differ in length");
        return NULL;
    }
    int32_t *rows = (int32_t *)rb.buf, *cols = (int32_t *)cb.buf;
    double *values = (double *)vb.buf;
    Py_BEGIN_ALLOW_THREADS
    uint64_t state = (uint64_t)seed;
    for (Py_ssize_t i = n - 1; i > 0; i--) {
        Py_ssize_t j = (Py_ssize_t)(splitmix64(&state) % (uint64_t)(i + 1));
        int32_t r = rows[i], c = cols[i];
        double v = values[i];
        rows[i] = rows[j];
        cols[i] = cols[j];
        values[i] = values[j];
        rows[j] = r;
        cols[j] = c;
        values[j] = v;
    }
    Py_END_ALLOW_THREADS
    PyBuffer_Release(&rb);
    PyBuffer_Release(&cb);
    PyBuffer_Release(&vb);
    Py_RETURN_NONE;
}

/* ---- training ----------------------------------------------------------------------------- */

typedef struct {
    const int32_t *rows, *cols;
    const double *values;
    double *W, *gradsq;
    Py_ssize_t begin, end;
    long long vocab_size;
    int dim;
    double x_max, alpha, eta, grad_clip;
    double cost;
    double *scratch;
} Job;

/* The AdaGrad loop: the dot product in four partial sums (so it vectorises), the update in SSE2
 * (sqrt and division two at a time) where available; on x86-64 with GCC an AVX2 clone is picked at
 * load time when the CPU has it. */
#if defined(__GNUC__) && !defined(__clang__)
#if defined(__x86_64__) && defined(__linux__) && defined(__GLIBC__)
#define KERNEL_CLONES __attribute__((target_clones("avx2", "default")))
#else
#define KERNEL_CLONES
#endif
#else
#define KERNEL_CLONES
#endif

KERNEL_CLONES
static double train_records(const Job *job) {
    const int dim = job->dim;
    const Py_ssize_t stride = dim + 1;
    double *W = job->W, *gradsq = job->gradsq;
    double *restrict update1 = job->scratch, *restrict update2 = job->scratch + dim;
    const double eta = job->eta, bound = job->grad_clip;
    double cost = 0.0;
    for (Py_ssize_t r = job->begin; r < job->end; r++) {
        /* checked before the call, read again here: arrays changed by the caller meanwhile
         * must not send a row or column outside W */
        if ((uint64_t)(uint32_t)job->rows[r] >= (uint64_t)job->vocab_size ||
            (uint64_t)(uint32_t)job->cols[r] >= (uint64_t)job->vocab_size) continue;
        double x = job->values[r];
        Py_ssize_t o1 = (Py_ssize_t)job->rows[r] * stride;
        Py_ssize_t o2 = ((Py_ssize_t)job->cols[r] + job->vocab_size) * stride;
        double *restrict w1 = W + o1, *restrict w2 = W + o2;
        double *restrict g1 = gradsq + o1, *restrict g2 = gradsq + o2;
        double d0 = 0.0, d1 = 0.0, d2 = 0.0, d3 = 0.0;
        int b = 0;
        for (; b + 4 <= dim; b += 4) {
            d0 += w1[b] * w2[b];
            d1 += w1[b + 1] * w2[b + 1];
            d2 += w1[b + 2] * w2[b + 2];
            d3 += w1[b + 3] * w2[b + 3];
        }
        double diff = (d0 + d1) + (d2 + d3);
        for (; b < dim; b++) diff += w1[b] * w2[b];
        diff += w1[dim] + w2[dim] - log(x);
        double fdiff = x > job->x_max ? diff : pow(x / job->x_max, job->alpha) * diff;
        if (isnan(diff) || isnan(fdiff) || isinf(diff) || isinf(fdiff)) continue;
        cost += 0.5 * fdiff * diff;
        int bad = 0;
        b = 0;
#if defined(__SSE2__)
        /* two doubles at a time: GCC cannot vectorise sqrt here without -fno-math-errno */
        const __m128d vf = _mm_set1_pd(fdiff), vhi = _mm_set1_pd(bound);
        const __m128d vlo = _mm_set1_pd(-bound), veta = _mm_set1_pd(eta);
        const __m128d vmax = _mm_set1_pd(DBL_MAX), vsign = _mm_set1_pd(-0.0);
        __m128d vok = _mm_castsi128_pd(_mm_set1_epi32(-1));
        for (; b + 2 <= dim; b += 2) {
            __m128d a1 = _mm_loadu_pd(w1 + b), a2 = _mm_loadu_pd(w2 + b);
            __m128d q1 = _mm_loadu_pd(g1 + b), q2 = _mm_loadu_pd(g2 + b);
            __m128d t1 = _mm_mul_pd(_mm_min_pd(_mm_max_pd(_mm_mul_pd(vf, a2), vlo), vhi), veta);
            __m128d t2 = _mm_mul_pd(_mm_min_pd(_mm_max_pd(_mm_mul_pd(vf, a1), vlo), vhi), veta);
            __m128d u1 = _mm_div_pd(t1, _mm_sqrt_pd(q1)), u2 = _mm_div_pd(t2, _mm_sqrt_pd(q2));
            _mm_storeu_pd(update1 + b, u1);
            _mm_storeu_pd(update2 + b, u2);
            _mm_storeu_pd(g1 + b, _mm_add_pd(q1, _mm_mul_pd(t1, t1)));
            _mm_storeu_pd(g2 + b, _mm_add_pd(q2, _mm_mul_pd(t2, t2)));
            vok = _mm_and_pd(vok, _mm_cmple_pd(_mm_andnot_pd(vsign, u1), vmax));
            vok = _mm_and_pd(vok, _mm_cmple_pd(_mm_andnot_pd(vsign, u2), vmax));
        }
        bad = _mm_movemask_pd(vok) != 3;
#endif
        for (; b < dim; b++) {
            double t1 = fdiff * w2[b], t2 = fdiff * w1[b];
            t1 = (t1 > bound ? bound : (t1 < -bound ? -bound : t1)) * eta;
            t2 = (t2 > bound ? bound : (t2 < -bound ? -bound : t2)) * eta;
            double u1 = t1 / sqrt(g1[b]), u2 = t2 / sqrt(g2[b]);
            update1[b] = u1;
            update2[b] = u2;
            g1[b] += t1 * t1;
            g2[b] += t2 * t2;
            bad |= !(fabs(u1) <= DBL_MAX) | !(fabs(u2) <= DBL_MAX);
        }
        if (!bad) {
            for (b = 0; b < dim; b++) {
                w1[b] -= update1[b];
                w2[b] -= update2[b];
            }
        }
        double step = fdiff * eta;
        double u1 = step / sqrt(g1[dim]), u2 = step / sqrt(g2[dim]);
        if (fabs(u1) <= DBL_MAX) w1[dim] -= u1;
        if (fabs(u2) <= DBL_MAX) w2[dim] -= u2;
        g1[dim] += step * step;
        g2[dim] += step * step;
    }
    return cost;
}

static void *train_part(void *arg) {
    Job *job = (Job *)arg;
    job->cost = train_records(job);
    return NULL;
}

#define MAX_WORKERS 1024

static PyObject *kernel_train_epoch(PyObject *self, PyObject *args) {
    PyObject *rows_obj, *cols_obj, *values_obj, *w_obj, *g_obj;
    long long vocab_size;
    int dim, workers;
    double x_max, alpha, eta, grad_clip;
    if (!PyArg_ParseTuple(args, "OOOOOLiddddi", &rows_obj, &cols_obj, &values_obj, &w_obj, &g_obj,
                          &vocab_size, &dim, &x_max, &alpha, &eta, &grad_clip, &workers)) {
        return NULL;
    }
    Py_buffer views[5];
    PyObject *objs[5] = {rows_obj, cols_obj, values_obj, w_obj, g_obj};
    const Py_ssize_t sizes[5] = {sizeof(int32_t), sizeof(int32_t), sizeof(double), sizeof(double),
                                 sizeof(double)};
    const char *names[5] = {"rows", "cols", "values", "W", "gradsq"};
    const char *kinds[5] = {"il", "il", "d", "d", "d"};
    int got = 0;
    for (; got < 5; got++) {
        if (get_buffer(objs[got], &views[got], sizes[got], kinds[got], got >= 3, names[got]) != 0) break;
    }
    PyObject *result = NULL;
    Job *jobs = NULL;
    pthread_t *threads = NULL;
    double *scratch = NULL;
    if (got < 5 || !apart(views, 5, "train_epoch")) goto done;
    Py_ssize_t n = views[0].len / (Py_ssize_t)sizeof(int32_t);
    if (dim < 1 || dim >= INT_MAX || vocab_size < 1 || workers < 1 || workers > MAX_WORKERS ||
        vocab_size > PY_SSIZE_T_MAX / 2 / ((Py_ssize_t)dim + 1) / (Py_ssize_t)sizeof(double)) {
        PyErr_SetString(PyExc_ValueError, "train_epoch: dim, vocab_size and workers must be "
                        "positive (workers at most 1024) and the weights must fit in memory");
        goto done;
    }
    Py_ssize_t params = 2 * (Py_ssize_t)vocab_size * ((Py_ssize_t)dim + 1);
    if (views[1].len / (Py_ssize_t)sizeof(int32_t) != n ||
        views[2].len / (Py_ssize_t)sizeof(double) != n ||
        views[3].len / (Py_ssize_t)sizeof(double) != params ||
        views[4].len / (Py_ssize_t)sizeof(double) != params || dim < 1 || workers < 1) {
        PyErr_SetString(PyExc_ValueError,
                        "train_epoch: rows/cols/values must have equal lengths and W/gradsq "
                        "2 * vocab_size * (dim + 1) items; dim and workers must be positive");
        goto done;
    }
    const int32_t *rows = (const int32_t *)views[0].buf, *cols = (const int32_t *)views[1].buf;
    for (Py_ssize_t i = 0; i < n; i++) {
        if (rows[i] < 0 || rows[i] >= vocab_size || cols[i] < 0 || cols[i] >= vocab_size) {
            PyErr_SetString(PyExc_ValueError, "train_epoch: a word index is out of range");
            goto done;
        }
    }
    if (workers > n && n > 0) workers = (int)n;
    if (n == 0) workers = 1;
    jobs = (Job *)calloc((size_t)workers, sizeof(Job));
    threads = (pthread_t *)calloc((size_t)workers, sizeof(pthread_t));
    scratch = (double *)calloc((size_t)workers * 2 * (size_t)dim, sizeof(double));
    if (jobs == NULL || threads == NULL || scratch == NULL) {
        PyErr_NoMemory();
        goto done;
    }
    Py_ssize_t part = n / workers;
    for (int t = 0; t < workers; t++) {
        Job *job = &jobs[t];
        job->rows = rows;
        job->cols = cols;
        job->values = (const double *)views[2].buf;
        job->W = (double *)views[3].buf;
        job->gradsq = (double *)views[4].buf;
        job->begin = part * t;
        job->end = t == workers - 1 ? n : part * (t + 1);
        job->vocab_size = vocab_size;
        job->dim = dim;
        job->x_max = x_max;
        job->alpha = alpha;
        job->eta = eta;
        job->grad_clip = grad_clip;
        job->scratch = scratch + (size_t)t * 2 * (size_t)dim;
    }
    int failed = 0;
    int started = 0;
    Py_BEGIN_ALLOW_THREADS
    if (workers == 1) {
        train_part(&jobs[0]);
    } else {
        for (; started < workers; started++) {
            if (pthread_create(&threads[started], NULL, train_part, &jobs[started]) != 0) {
                failed = 1;
                break;
            }
        }
        for (int t = 0; t < started; t++) pthread_join(threads[t], NULL);
        /* parts whose thread could not start are trained here, in order */
        for (int t = started; t < workers; t++) train_part(&jobs[t]);
    }
    Py_END_ALLOW_THREADS
    (void)failed;
    double cost = 0.0;
    for (int t = 0; t < workers; t++) cost += jobs[t].cost;
    result = PyFloat_FromDouble(cost);

done:
    for (int i = 0; i < got; i++) PyBuffer_Release(&views[i]);
    free(jobs);
    free(threads);
    free(scratch);
    return result;
}

/* ---- module ------------------------------------------------------------------------------- */

static PyMethodDef kernel_methods[] = {
    {"count", kernel_count, METH_VARARGS,
     "count(table, ids, bounds, vocab_size, window, symmetric, distance_weighting, max_fill, "
     "filled, sentence, position) -> (filled, sentence, position)"},
    {"insert", kernel_insert, METH_VARARGS,
     "insert(table, records, filled) -> filled: add (key, value) records to the table"},
    {"drain", kernel_drain, METH_VARARGS,
     "drain(table, filled) -> n: move the filled records to the front, sorted by key"},
    {"shuffle", kernel_shuffle, METH_VARARGS,
     "shuffle(rows, cols, values, seed): in-place Fisher-Yates shuffle (splitmix64)"},
    {"train_epoch", kernel_train_epoch, METH_VARARGS,
     "train_epoch(rows, cols, values, W, gradsq, vocab_size, dim, x_max, alpha, eta, grad_clip, "
     "workers) -> cost: one AdaGrad pass (Hogwild over worker threads)"},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef kernel_module = {
    PyModuleDef_HEAD_INIT, "_kernel",
    "Compiled inner loops of the GloVe embedder (counting, shuffling, AdaGrad training).", -1,
    kernel_methods,
};

PyMODINIT_FUNC PyInit__kernel(void) { return PyModule_Create(&kernel_module); }
