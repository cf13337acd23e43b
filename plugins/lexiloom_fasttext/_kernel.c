/* The fastText inner loop (Bojanowski et al. 2017, unsupervised, negative sampling): one job of
 * skip-gram or CBOW training where a word's input vector is the mean of its subword rows (its
 * own row and the rows of its hashed character n-grams), with the GIL released.
 *
 * Shares word2vec's machinery (kernel_common.h: generator, vector helpers, noise-table search,
 * buffer checks). The Python side (lexiloom_fasttext.model) calls ``train_job`` from several
 * threads on shared weights (Hogwild). ``fallback.py`` is the same algorithm in Python: keep the
 * two in step (same random draws in the same order, same order of updates).
 *
 * One prediction per window, from one hidden vector h (the mean of the input rows):
 *   - skip-gram: h is the centre word's; the outputs are every context word of the window
 *     (label 1), each followed by its `negative` noise words (label 0; a draw equal to that
 *     context word is dropped). fastText computes h again for every (centre, context) pair and
 *     updates the subword rows after each; here h is computed and its rows updated once per
 *     window, with the same positives and as many noise words.
 *   - CBOW: h is the mean of all context words' input rows; the outputs are the centre word
 *     (label 1) and `negative` noise words.
 * Each output row learns as it is predicted (g = (label - sigmoid(h . out)) * alpha, out += g h);
 * the summed error is then added, unscaled, to every input row (as fastText does).
 *
 * Random numbers, per job, in this order: subsampling (one draw per in-vocabulary word, when
 * ``sample_ints`` is given), reduced windows (one draw per kept word, when shrinking), then the
 * noise words as the windows are trained.
 */
#include "../lexiloom_word2vec/kernel_common.h"

typedef struct {
    float *syn0, *syn1neg;
    Py_ssize_t dim, rows, vocab;
    const int64_t *sub_offsets;
    const uint32_t *sub_rows;
    Py_ssize_t n_sub, max_sub;
    const uint32_t *cum_table, *buckets;
    Py_ssize_t cum_len;
    uint64_t domain;
    int negative;
    float alpha;
    uint64_t rng;
    float *h, *work, *labels;
    uint32_t *inputs, *outs;
} Trainer;

static INLINE uint32_t draw_noise(Trainer *t) {
    return draw_noise_word(&t->rng, t->cum_table, t->buckets, t->cum_len, t->domain);
}

/* Append `word`'s input rows to t->inputs at `n`; returns the new count. The tables were
 * checked before the job, but are read live: every access is bounded. */
static INLINE Py_ssize_t add_inputs(Trainer *t, uint32_t word, Py_ssize_t n) {
    int64_t first = t->sub_offsets[word], last = t->sub_offsets[word + 1];
    if (first < 0 || last > t->n_sub || last - first > t->max_sub) return n;
    for (int64_t p = first; p < last; p++) {
        uint32_t row = t->sub_rows[p];
        if (row >= (uint32_t)t->rows) continue;
        t->inputs[n++] = row;
        prefetch_row(t->syn0 + (Py_ssize_t)row * t->dim, t->dim);
    }
    return n;
}

/* `word` (label 1) and its noise words (label 0) appended to the outputs at `n`. */
static INLINE Py_ssize_t add_outputs(Trainer *t, uint32_t word, Py_ssize_t n) {
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

/* h = mean of the input rows predicts every output; the error goes to every input row. */
static INLINE void predict(Trainer *t, Py_ssize_t n_in, Py_ssize_t n_out) {
    Py_ssize_t dim = t->dim;
    if (n_in == 0 || n_out == 0) return;
    memset(t->h, 0, dim * sizeof(float));
    for (Py_ssize_t r = 0; r < n_in; r++) axpy(1.0f, t->syn0 + (Py_ssize_t)t->inputs[r] * dim, t->h, dim);
    float inv = 1.0f / (float)n_in;
    for (Py_ssize_t a = 0; a < dim; a++) t->h[a] *= inv;
    memset(t->work, 0, dim * sizeof(float));
    for (Py_ssize_t o = 0; o < n_out; o++) {
        float *l2 = t->syn1neg + (Py_ssize_t)t->outs[o] * dim;
        float g = (t->labels[o] - sigmoid(dot(t->h, l2, dim))) * t->alpha;
        axpy(g, l2, t->work, dim);
        axpy(g, t->h, l2, dim);
    }
    for (Py_ssize_t r = 0; r < n_in; r++) axpy(1.0f, t->work, t->syn0 + (Py_ssize_t)t->inputs[r] * dim, dim);
}

/* One job: subsample, draw the reduced windows, train every window; returns words kept. */
CLONES static Py_ssize_t train(Trainer *t, const int32_t *ids, Py_ssize_t n_ids,
                               const int32_t *ends, Py_ssize_t n_sent, const uint32_t *sample_ints, uint32_t *idx,
                               int32_t *reduced, Py_ssize_t *bounds, int sg, int window,
                               int shrink) {
    Py_ssize_t kept = keep_words(&t->rng, ids, n_ids, ends, n_sent, t->vocab, sample_ints, idx,
                                 reduced, bounds, window, shrink);
    Py_ssize_t first = 0;
    for (Py_ssize_t s = 0; s < n_sent; s++) {
        Py_ssize_t last = bounds[s];
        for (Py_ssize_t i = first; i < last; i++) {
            Py_ssize_t j = i - window + reduced[i], k = i + window + 1 - reduced[i];
            if (j < first) j = first;
            if (k > last) k = last;
            Py_ssize_t n_in = 0, n_out = 0;
            if (sg) {
                n_in = add_inputs(t, idx[i], 0);
                for (Py_ssize_t c = j; c < k; c++)
                    if (c != i) n_out = add_outputs(t, idx[c], n_out);
            } else {
                for (Py_ssize_t c = j; c < k; c++)
                    if (c != i) n_in = add_inputs(t, idx[c], n_in);
                if (n_in) n_out = add_outputs(t, idx[i], 0);
            }
            predict(t, n_in, n_out);
        }
        first = last;
    }
    return kept;
}

enum { SYN0, SYN1NEG, IDS, ENDS, SAMPLE, CUM, SUB_OFF, SUB_ROWS, NBUF };

static PyObject *train_job(PyObject *self, PyObject *args, PyObject *kwargs) {
    static char *keywords[] = {"syn0", "syn1neg", "ids", "ends", "sample_ints", "cum_table",
                               "sub_offsets", "sub_rows", "sg", "negative", "window",
                               "shrink_windows", "alpha", "seed", NULL};
    PyObject *objs[NBUF];
    int sg, negative, window, shrink;
    float alpha;
    unsigned long long seed;
    if (!PyArg_ParseTupleAndKeywords(args, kwargs, "OOOOOOOOiiip" "fK", keywords, &objs[SYN0],
                                     &objs[SYN1NEG], &objs[IDS], &objs[ENDS], &objs[SAMPLE],
                                     &objs[CUM], &objs[SUB_OFF], &objs[SUB_ROWS], &sg, &negative,
                                     &window, &shrink, &alpha, &seed))
        return NULL;
    static const Py_ssize_t itemsizes[NBUF] = {4, 4, 4, 4, 4, 4, 8, 4};
    static const char *kinds[NBUF] = {"f", "f", "il", "il", "IL", "IL", "lq", "IL"};
    static const int writable[NBUF] = {1, 1, 0, 0, 0, 0, 0, 0};
    static const int ndims[NBUF] = {2, 2, 1, 1, 1, 1, 1, 1};
    static const char *names[NBUF] = {"syn0", "syn1neg", "ids", "ends", "sample_ints",
                                      "cum_table", "sub_offsets", "sub_rows"};
    Buf bufs[NBUF];
    if (get_bufs(objs, bufs, NBUF, itemsizes, kinds, writable, ndims, names) < 0) return NULL;
    const char *problem = NULL;
    if (!bufs[SYN0].held || !bufs[SYN1NEG].held || !bufs[IDS].held || !bufs[ENDS].held ||
        !bufs[CUM].held || !bufs[SUB_OFF].held || !bufs[SUB_ROWS].held)
        problem = "only sample_ints may be None";
    else if (window < 1) problem = "window must be at least 1";
    else if (negative < 1 || negative > MAX_NEGATIVE) problem = "negative must be between 1 and 1000";
    if (!problem && any_overlap(bufs, NBUF)) problem = "no two arrays may share memory";
    Py_ssize_t rows = 0, dim = 0, vocab = 0, n_ids = 0, n_sent = 0, n_sub = 0, max_sub = 0;
    if (!problem) {
        rows = bufs[SYN0].view.shape[0];
        dim = bufs[SYN0].view.shape[1];
        vocab = bufs[SYN1NEG].view.shape[0];
        n_ids = bufs[IDS].view.shape[0];
        n_sent = bufs[ENDS].view.shape[0];
        n_sub = bufs[SUB_ROWS].view.shape[0];
        if (bufs[SYN1NEG].view.shape[1] != dim || rows < vocab ||
            bufs[SUB_OFF].view.shape[0] != vocab + 1 ||
            (bufs[SAMPLE].held && bufs[SAMPLE].view.shape[0] != vocab))
            problem = "weight and table shapes do not match the vocabulary";
    }
    if (!problem)
        problem = check_ids(bufs[IDS].view.buf, n_ids, bufs[ENDS].view.buf, n_sent, vocab);
    if (!problem) problem = check_cum_table(bufs[CUM].view.buf, bufs[CUM].view.shape[0], vocab);
    if (!problem) {
        /* every word's input rows: sub_rows[sub_offsets[w]..sub_offsets[w + 1]), rows of syn0 */
        const int64_t *off = bufs[SUB_OFF].view.buf;
        const uint32_t *sub = bufs[SUB_ROWS].view.buf;
        int bad = off[0] != 0 || off[vocab] != n_sub;
        for (Py_ssize_t w = 0; w < vocab && !bad; w++) {
            bad = off[w + 1] < off[w];
            if (off[w + 1] - off[w] > max_sub) max_sub = off[w + 1] - off[w];
        }
        for (Py_ssize_t p = 0; p < n_sub && !bad; p++) bad = sub[p] >= (uint32_t)rows;
        if (bad) problem = "sub_offsets must rise from 0 to len(sub_rows), and sub_rows be rows of syn0";
    }
    if (problem) {
        release(bufs, NBUF);
        PyErr_SetString(PyExc_ValueError, problem);
        return NULL;
    }
    /* a window has at most min(2 * window, n_ids) context words (both below 2**32, so the
     * products below fit in 64 bits; sizes past what malloc could give are refused) */
    Py_ssize_t contexts = 2 * (Py_ssize_t)window < n_ids ? 2 * (Py_ssize_t)window : n_ids;
    Py_ssize_t max_in = (contexts + 1) * (max_sub + 1), max_out = (contexts + 1) * (negative + 1);
    if (max_in > PY_SSIZE_T_MAX / 8 || max_out > PY_SSIZE_T_MAX / 8 - 2 * dim) {
        release(bufs, NBUF);
        return PyErr_NoMemory();
    }
    uint32_t *idx = malloc((n_ids + 1) * sizeof(uint32_t));
    int32_t *reduced = malloc((n_ids + 1) * sizeof(int32_t));
    Py_ssize_t *bounds = malloc((n_sent + 1) * sizeof(Py_ssize_t));
    float *scratch = malloc((2 * (size_t)dim + (size_t)max_out) * sizeof(float) + 1);
    uint32_t *inputs = malloc(max_in * sizeof(uint32_t));
    uint32_t *outs = malloc(max_out * sizeof(uint32_t));
    uint32_t *buckets = malloc(N_BUCKETS * sizeof(uint32_t));
    if (!idx || !reduced || !bounds || !scratch || !inputs || !outs || !buckets) {
        free(idx); free(reduced); free(bounds); free(scratch); free(inputs); free(outs);
        free(buckets);
        release(bufs, NBUF);
        return PyErr_NoMemory();
    }
    Trainer t;
    t.syn0 = bufs[SYN0].view.buf;
    t.syn1neg = bufs[SYN1NEG].view.buf;
    t.dim = dim;
    t.rows = rows;
    t.vocab = vocab;
    t.sub_offsets = bufs[SUB_OFF].view.buf;
    t.sub_rows = bufs[SUB_ROWS].view.buf;
    t.n_sub = n_sub;
    t.max_sub = max_sub;
    t.cum_table = bufs[CUM].view.buf;
    t.cum_len = bufs[CUM].view.shape[0];
    t.buckets = buckets;
    t.domain = t.cum_table[t.cum_len - 1];
    t.negative = negative;
    t.alpha = alpha;
    t.rng = seed & RNG_MASK;
    t.h = scratch;
    t.work = scratch + dim;
    t.labels = scratch + 2 * dim;
    t.inputs = inputs;
    t.outs = outs;
    const uint32_t *sample_ints = bufs[SAMPLE].held ? bufs[SAMPLE].view.buf : NULL;
    Py_ssize_t kept = 0;
    int changed = t.domain < 1 || t.domain > 0x7FFFFFFFu;  /* since it was checked */
    if (!changed) {
        Py_BEGIN_ALLOW_THREADS
        fill_buckets(t.cum_table, t.cum_len, buckets);
        kept = train(&t, bufs[IDS].view.buf, n_ids, bufs[ENDS].view.buf, n_sent, sample_ints,
                     idx, reduced, bounds, sg, window, shrink);
        Py_END_ALLOW_THREADS
    }
    free(idx); free(reduced); free(bounds); free(scratch); free(inputs); free(outs); free(buckets);
    release(bufs, NBUF);
    if (changed) {
        PyErr_SetString(PyExc_ValueError, "cum_table changed during the call");
        return NULL;
    }
    return Py_BuildValue("nK", kept, (unsigned long long)t.rng);
}

static PyMethodDef methods[] = {
    {"train_job", (PyCFunction)(void (*)(void))train_job, METH_VARARGS | METH_KEYWORDS,
     "train_job(syn0, syn1neg, ids, ends, sample_ints, cum_table, sub_offsets, sub_rows, sg, "
     "negative, window, shrink_windows, alpha, seed)\n--\n\n"
     "Train one job of fastText in place (GIL released); return (words kept, final rng state).\n"
     "syn0 has a row per word and per n-gram bucket; word w's input rows are "
     "sub_rows[sub_offsets[w]:sub_offsets[w + 1]]. sample_ints may be None (no subsampling)."},
    {NULL, NULL, 0, NULL}};

static struct PyModuleDef module = {PyModuleDef_HEAD_INIT, "_kernel",
                                    "Compiled fastText training loop (see fallback.py for the "
                                    "same algorithm in Python).",
                                    -1, methods};

PyMODINIT_FUNC PyInit__kernel(void) { return PyModule_Create(&module); }
