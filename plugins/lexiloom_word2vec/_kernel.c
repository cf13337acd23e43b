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
 *   3. training, position by position; negative samples draw from the noise table as they go
 *      (``negative`` draws per pair, or, for skip-gram with ``shared_negatives``, per centre
 *      word, before its window trains).
 * Sigmoid: exact, ``1 / (1 + exp(-x))`` in single precision (no lookup table, so results are a
 * continuous function of the weights and the Python fallback agrees to rounding).
 * Build: -O3 from setup.py; never -ffast-math (it would reorder the sums and break the agreement
 * with the fallback).
 */
#include "kernel_common.h"

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
    int64_t max_path;
    uint64_t domain;
    int negative, hs, cbow_mean;
    float alpha;
    float *work, *neu1;
    uint64_t rng;
    /* shared windows: the outputs of one window (rows, labels) and their summed updates */
    uint32_t *outs;
    float *labels, *grad, *delta;
} Trainer;

static INLINE uint32_t draw_noise(Trainer *t) {
    return draw_noise_word(&t->rng, t->cum_table, t->buckets, t->cum_len, t->domain);
}

/* The outputs `word` is trained on with negative sampling, into t->outs and t->labels: the word
 * itself (label 1), then `negative` noise words (label 0; a draw of the word itself is
 * dropped). Their rows are asked for as they are drawn. Returns how many. */
static INLINE int noise_outputs(Trainer *t, uint32_t word) {
    int n = 0;
    t->outs[n] = word;
    t->labels[n++] = 1.0f;
    prefetch_row(t->syn1neg + (Py_ssize_t)word * t->dim, t->dim);
    for (int d = 0; d < t->negative; d++) {
        uint32_t target = draw_noise(t);
        if (target == word) continue;
        t->outs[n] = target;
        t->labels[n++] = 0.0f;
        prefetch_row(t->syn1neg + (Py_ssize_t)target * t->dim, t->dim);
    }
    return n;
}

/* The outputs of `word` with hierarchical softmax: its Huffman path, label 1 - code. */
static INLINE int path_outputs(Trainer *t, uint32_t word) {
    /* The tables were checked before the job, but they are read live: bound every access so
     * that a caller changing them during the call cannot send it out of the arrays. */
    int64_t first = t->hs_offsets[word], last = t->hs_offsets[word + 1];
    int n = 0;
    if (first < 0 || last > t->n_points || last - first > t->max_path) return 0;
    for (int64_t p = first; p < last; p++) {
        uint32_t point = t->hs_points[p];
        if (point >= (uint32_t)t->vocab) continue;
        t->outs[n] = point;
        t->labels[n++] = 1.0f - (float)t->hs_codes[p];
    }
    return n;
}

/* Hierarchical softmax: predict `word` from the hidden vector `h`, add the error to `work`. */
static INLINE void hs_update(Trainer *t, uint32_t word, const float *h) {
    Py_ssize_t dim = t->dim;
    int n = path_outputs(t, word);
    for (int o = 0; o < n; o++) {
        float *l2 = t->syn1 + (Py_ssize_t)t->outs[o] * dim;
        float g = (t->labels[o] - sigmoid(dot(h, l2, dim))) * t->alpha;
        axpy(g, l2, t->work, dim);
        axpy(g, h, l2, dim);
    }
}

/* Negative sampling: `word` is the positive target, `negative` noise words the negatives. */
static INLINE void neg_update(Trainer *t, uint32_t word, const float *h) {
    Py_ssize_t dim = t->dim;
    int n = noise_outputs(t, word);
    for (int o = 0; o < n; o++) {
        float *l2 = t->syn1neg + (Py_ssize_t)t->outs[o] * dim;
        float g = (t->labels[o] - sigmoid(dot(h, l2, dim))) * t->alpha;
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

/* Skip-gram with shared outputs (the noise-word sharing of Ji et al. 2016, "Parallelizing
 * Word2Vec in Shared and Distributed Memory"): every context word idx[j..k) but position i
 * predicts the same `n_out` outputs (t->outs, rows of `table`, with t->labels), drawn once for
 * the window. Each context row learns at once, as for a pair; the output rows sum their updates
 * and learn at the window's end, so that each is read once per window instead of once per
 * pair. */
static INLINE void sg_shared(Trainer *t, float *table, const uint32_t *idx, Py_ssize_t i,
                             Py_ssize_t j, Py_ssize_t k, int n_out) {
    Py_ssize_t dim = t->dim;
    if (n_out == 0) return;
    memset(t->delta, 0, (size_t)n_out * dim * sizeof(float));
    for (Py_ssize_t c = j; c < k; c++) {
        if (c == i) continue;
        float *l1 = t->syn0 + (Py_ssize_t)idx[c] * dim;
        float *g = t->grad;
        /* all products first, then all gradients: independent work for the processor */
        for (int o = 0; o < n_out; o++) g[o] = dot(l1, table + (Py_ssize_t)t->outs[o] * dim, dim);
        for (int o = 0; o < n_out; o++) g[o] = (t->labels[o] - sigmoid(g[o])) * t->alpha;
        memset(t->work, 0, dim * sizeof(float));
        for (int o = 0; o < n_out; o++) {
            axpy(g[o], table + (Py_ssize_t)t->outs[o] * dim, t->work, dim);
            axpy(g[o], l1, t->delta + (Py_ssize_t)o * dim, dim);
        }
        axpy(1.0f, t->work, l1, dim);
    }
    for (int o = 0; o < n_out; o++)
        axpy(1.0f, t->delta + (Py_ssize_t)o * dim, table + (Py_ssize_t)t->outs[o] * dim, dim);
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
CLONES static Py_ssize_t train(Trainer *t, const int32_t *ids, Py_ssize_t n_ids,
                               const int32_t *ends, Py_ssize_t n_sent, const uint32_t *sample_ints, uint32_t *idx,
                               int32_t *reduced, Py_ssize_t *bounds, int sg, int negative,
                               int hs, int window, int shrink, int shared) {
    Py_ssize_t kept = keep_words(&t->rng, ids, n_ids, ends, n_sent, t->vocab, sample_ints, idx,
                                 reduced, bounds, window, shrink);
    Py_ssize_t first = 0;
    for (Py_ssize_t s = 0; s < n_sent; s++) {
        Py_ssize_t last = bounds[s];
        for (Py_ssize_t i = first; i < last; i++) {
            Py_ssize_t j = i - window + reduced[i], k = i + window + 1 - reduced[i];
            if (j < first) j = first;
            if (k > last) k = last;
            if (sg && shared) {
                for (Py_ssize_t c = j; c < k; c++)
                    if (c != i) prefetch_row(t->syn0 + (Py_ssize_t)idx[c] * t->dim, t->dim);
                if (hs) sg_shared(t, t->syn1, idx, i, j, k, path_outputs(t, idx[i]));
                if (negative > 0) sg_shared(t, t->syn1neg, idx, i, j, k, noise_outputs(t, idx[i]));
            } else if (sg) {
                for (Py_ssize_t c = j; c < k; c++) {
                    if (c == i) continue;
                    if (c + 1 < k) prefetch_row(t->syn0 + (Py_ssize_t)idx[c + 1] * t->dim, t->dim);
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

enum { SYN0, SYN1NEG, SYN1, IDS, ENDS, SAMPLE, CUM, HS_OFF, HS_POINTS, HS_CODES, NBUF };

static PyObject *train_job(PyObject *self, PyObject *args, PyObject *kwargs) {
    static char *keywords[] = {"syn0", "syn1neg", "syn1", "ids", "ends", "sample_ints",
                               "cum_table", "hs_offsets", "hs_points", "hs_codes", "sg",
                               "negative", "hs", "window", "shrink_windows", "cbow_mean",
                               "shared_negatives", "alpha", "seed", NULL};
    PyObject *objs[NBUF];
    int sg, negative, hs, window, shrink, cbow_mean, shared;
    float alpha;
    unsigned long long seed;
    if (!PyArg_ParseTupleAndKeywords(args, kwargs, "OOOOOOOOOOiiiippp" "fK", keywords, &objs[SYN0],
                                     &objs[SYN1NEG], &objs[SYN1], &objs[IDS], &objs[ENDS],
                                     &objs[SAMPLE], &objs[CUM], &objs[HS_OFF], &objs[HS_POINTS],
                                     &objs[HS_CODES], &sg, &negative, &hs, &window, &shrink,
                                     &cbow_mean, &shared, &alpha, &seed))
        return NULL;
    static const Py_ssize_t itemsizes[NBUF] = {4, 4, 4, 4, 4, 4, 4, 8, 4, 1};
    /* float32 weights, int32 ids and ends, uint32 tables, int64 offsets, uint8 codes */
    static const char *kinds[NBUF] = {"f", "f", "f", "il", "il", "IL", "IL", "lq", "IL", "B"};
    static const int writable[NBUF] = {1, 1, 1, 0, 0, 0, 0, 0, 0, 0};
    static const int ndims[NBUF] = {2, 2, 2, 1, 1, 1, 1, 1, 1, 1};
    static const char *names[NBUF] = {"syn0", "syn1neg", "syn1", "ids", "ends", "sample_ints",
                                      "cum_table", "hs_offsets", "hs_points", "hs_codes"};
    Buf bufs[NBUF];
    if (get_bufs(objs, bufs, NBUF, itemsizes, kinds, writable, ndims, names) < 0) return NULL;
    const char *problem = NULL;
    if (!bufs[SYN0].held || !bufs[IDS].held || !bufs[ENDS].held) problem = "syn0, ids and ends are required";
    else if (window < 1) problem = "window must be at least 1";
    else if (negative > MAX_NEGATIVE) problem = "negative must be at most 1000";
    else if (negative > 0 && (!bufs[SYN1NEG].held || !bufs[CUM].held || bufs[CUM].view.shape[0] < 1))
        problem = "negative sampling needs syn1neg and a non-empty cum_table";
    else if (hs && (!bufs[SYN1].held || !bufs[HS_OFF].held || !bufs[HS_POINTS].held || !bufs[HS_CODES].held))
        problem = "hierarchical softmax needs syn1, hs_offsets, hs_points and hs_codes";
    else if (negative <= 0 && !hs) problem = "either negative > 0 or hs must be set";
    if (!problem && any_overlap(bufs, NBUF)) problem = "no two arrays may share memory";
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
    problem = check_ids(ids, n_ids, ends, n_sent, vocab);
    if (!problem && negative > 0)
        problem = check_cum_table(bufs[CUM].view.buf, bufs[CUM].view.shape[0], vocab);
    if (problem) {
        release(bufs, NBUF);
        PyErr_SetString(PyExc_ValueError, problem);
        return NULL;
    }
    int64_t max_path = 0;
    if (hs) {
        /* hs_update reads hs_points[hs_offsets[w]..hs_offsets[w + 1]) and syn1 rows of those
         * points: the offsets must be a non-decreasing walk from 0 to len(points) == len(codes),
         * every point a row of syn1, every code 0 or 1. */
        const int64_t *off = bufs[HS_OFF].view.buf;
        const uint32_t *points = bufs[HS_POINTS].view.buf;
        const uint8_t *codes = bufs[HS_CODES].view.buf;
        Py_ssize_t n_points = bufs[HS_POINTS].view.shape[0];
        int bad = off[0] != 0 || off[vocab] != n_points || bufs[HS_CODES].view.shape[0] != n_points;
        for (Py_ssize_t w = 0; w < vocab && !bad; w++) {
            bad = off[w + 1] < off[w];
            if (off[w + 1] - off[w] > max_path) max_path = off[w + 1] - off[w];
        }
        for (Py_ssize_t p = 0; p < n_points && !bad; p++) bad = points[p] >= vocab || codes[p] > 1;
        if (bad) {
            release(bufs, NBUF);
            PyErr_SetString(PyExc_ValueError, "hs_offsets must rise from 0 to len(hs_points) == "
                            "len(hs_codes), hs_points must be rows of syn1 and hs_codes 0 or 1");
            return NULL;
        }
    }
    uint32_t *idx = malloc((n_ids + 1) * sizeof(uint32_t));
    int32_t *reduced = malloc((n_ids + 1) * sizeof(int32_t));
    Py_ssize_t *bounds = malloc((n_sent + 1) * sizeof(Py_ssize_t));
    /* the outputs of one window: the word and its noise words, or its Huffman path */
    Py_ssize_t max_out = (negative > max_path ? negative : max_path) + 1;
    float *scratch = malloc(((2 + (size_t)max_out) * dim + 2 * (size_t)max_out) * sizeof(float) + 1);
    uint32_t *outs = malloc(max_out * sizeof(uint32_t));
    uint32_t *buckets = negative > 0 ? malloc(N_BUCKETS * sizeof(uint32_t)) : NULL;
    if (!idx || !reduced || !bounds || !scratch || !outs || (negative > 0 && !buckets)) {
        free(idx); free(reduced); free(bounds); free(scratch); free(outs); free(buckets);
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
        free(idx); free(reduced); free(bounds); free(scratch); free(outs); free(buckets);
        release(bufs, NBUF);
        PyErr_SetString(PyExc_ValueError, "cum_table changed during the call");
        return NULL;
    }
    t.negative = negative;
    t.hs = hs;
    t.cbow_mean = cbow_mean;
    t.alpha = alpha;
    t.max_path = max_path;
    t.work = scratch;
    t.neu1 = scratch + dim;
    t.delta = scratch + 2 * dim;
    t.labels = scratch + (2 + max_out) * dim;
    t.grad = t.labels + max_out;
    t.outs = outs;
    t.rng = seed & RNG_MASK;
    const uint32_t *sample_ints = bufs[SAMPLE].held ? bufs[SAMPLE].view.buf : NULL;
    Py_ssize_t kept;

    Py_BEGIN_ALLOW_THREADS
    if (buckets) fill_buckets(t.cum_table, t.cum_len, buckets);
    kept = train(&t, ids, n_ids, ends, n_sent, sample_ints, idx, reduced, bounds, sg, negative, hs,
                 window, shrink, shared);
    Py_END_ALLOW_THREADS

    free(idx); free(reduced); free(bounds); free(scratch); free(outs); free(buckets);
    release(bufs, NBUF);
    return Py_BuildValue("nK", kept, (unsigned long long)t.rng);
}

static PyMethodDef methods[] = {
    {"train_job", (PyCFunction)(void (*)(void))train_job, METH_VARARGS | METH_KEYWORDS,
     "train_job(syn0, syn1neg, syn1, ids, ends, sample_ints, cum_table, hs_offsets, hs_points, "
     "hs_codes, sg, negative, hs, window, shrink_windows, cbow_mean, shared_negatives, alpha, "
     "seed)\n--\n\n"
     "Train one job of Word2Vec in place (GIL released); return (words kept, final rng state).\n"
     "Pass None for the tables a mode does not use (syn1neg/cum_table without negative "
     "sampling, syn1/hs_* without hierarchical softmax, sample_ints without subsampling)."},
    {NULL, NULL, 0, NULL}};

static struct PyModuleDef module = {PyModuleDef_HEAD_INIT, "_kernel",
                                    "Compiled Word2Vec training loop (see fallback.py for the "
                                    "same algorithm in Python).",
                                    -1, methods};

PyMODINIT_FUNC PyInit__kernel(void) { return PyModule_Create(&module); }
