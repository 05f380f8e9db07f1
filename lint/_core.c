/* cslint._core: the compiled hot path of the engine (optional).
 *
 * Two things, each with a pure-Python twin that stays the reference (lint/normalize.py,
 * lint/matcher.py); tests/property/test_core.py proves both give identical results:
 *
 *   fold_compact(text) -> (folded, compact), (folded, None) or None
 *       The length-preserving fold (one table lookup per code point) and the compact view
 *       (noise characters dropped) in one pass. (folded, None) when the folded text has a
 *       placeholder trigger ([ { % 【): Python masks the placeholders, then compact() drops the
 *       noise. None when a character of the original has a phrase fix-up (覆 瞭 …): the Python
 *       path does it all. configure() hands over the tables, built in Python.
 *
 *   Automaton(...).iter(text) -> [(end_index, value), ...]
 *       An Aho-Corasick walk over a DFA whose tables were built in Python (lint.matcher):
 *       one row per state, one column per character of the keys' alphabet (column 0: any other
 *       character, back to the root). Matches are listed as pyahocorasick's iter() lists them:
 *       by end position, then longest key first.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <stdint.h>
#include <string.h>

#define BMP 0x10000
#define SHORT_TEXT 256  /* lint.normalize.SHORT_TEXT */

/* --- fold and compact ------------------------------------------------------------------------ */

static uint32_t *fold_bmp = NULL;          /* BMP code point -> folded code point */
static uint32_t *astral_from = NULL;       /* sorted astral code points that fold */
static uint32_t *astral_to = NULL;
static Py_ssize_t n_astral = 0;
static uint8_t noise_bits[BMP / 8];        /* folded characters dropped from the compact view */
static uint8_t original_stop[BMP / 8];     /* original characters that need the Python path */
static uint8_t folded_stop[BMP / 8];       /* folded characters that need the Python path */

#define BIT(bits, c) ((bits)[(c) >> 3] & (1u << ((c) & 7)))
#define SET_BIT(bits, c) ((bits)[(c) >> 3] |= (uint8_t)(1u << ((c) & 7)))

static int
fill_bits(uint8_t *bits, PyObject *chars)
{
    memset(bits, 0, BMP / 8);
    if (!PyUnicode_Check(chars)) {
        PyErr_SetString(PyExc_TypeError, "expected a str of characters");
        return -1;
    }
    Py_ssize_t n = PyUnicode_GET_LENGTH(chars);
    for (Py_ssize_t i = 0; i < n; i++) {
        Py_UCS4 c = PyUnicode_READ_CHAR(chars, i);
        if (c >= BMP) {
            PyErr_SetString(PyExc_ValueError, "only Basic Multilingual Plane characters are supported here");
            return -1;
        }
        SET_BIT(bits, c);
    }
    return 0;
}

/* configure(bmp_table: bytes (uint32 x 65536), astral: bytes (uint32 pairs, sorted),
 *           noise: str, original_stop: str, folded_stop: str) */
static PyObject *
core_configure(PyObject *self, PyObject *args)
{
    Py_buffer table, astral;
    PyObject *noise, *ostop, *fstop;
    if (!PyArg_ParseTuple(args, "y*y*UUU", &table, &astral, &noise, &ostop, &fstop))
        return NULL;
    PyObject *result = NULL;
    if (table.len != (Py_ssize_t)(BMP * sizeof(uint32_t)) || astral.len % (2 * sizeof(uint32_t))) {
        PyErr_SetString(PyExc_ValueError, "bad table sizes");
        goto done;
    }
    uint32_t *bmp = PyMem_Malloc(BMP * sizeof(uint32_t));
    Py_ssize_t n = astral.len / (2 * sizeof(uint32_t));
    uint32_t *from = PyMem_Malloc((n + 1) * sizeof(uint32_t));
    uint32_t *to = PyMem_Malloc((n + 1) * sizeof(uint32_t));
    if (!bmp || !from || !to) {
        PyMem_Free(bmp); PyMem_Free(from); PyMem_Free(to);
        PyErr_NoMemory();
        goto done;
    }
    memcpy(bmp, table.buf, BMP * sizeof(uint32_t));
    const uint32_t *pairs = astral.buf;
    for (Py_ssize_t i = 0; i < n; i++) {
        from[i] = pairs[2 * i];
        to[i] = pairs[2 * i + 1];
        if (i && from[i] <= from[i - 1]) {
            PyMem_Free(bmp); PyMem_Free(from); PyMem_Free(to);
            PyErr_SetString(PyExc_ValueError, "astral pairs must be sorted");
            goto done;
        }
    }
    if (fill_bits(noise_bits, noise) || fill_bits(original_stop, ostop) || fill_bits(folded_stop, fstop)) {
        PyMem_Free(bmp); PyMem_Free(from); PyMem_Free(to);
        goto done;
    }
    PyMem_Free(fold_bmp); PyMem_Free(astral_from); PyMem_Free(astral_to);
    fold_bmp = bmp; astral_from = from; astral_to = to; n_astral = n;
    result = Py_NewRef(Py_None);
done:
    PyBuffer_Release(&table);
    PyBuffer_Release(&astral);
    return result;
}

static inline uint32_t
fold_astral(uint32_t c)
{
    Py_ssize_t lo = 0, hi = n_astral;
    while (lo < hi) {
        Py_ssize_t mid = (lo + hi) / 2;
        if (astral_from[mid] < c) lo = mid + 1;
        else hi = mid;
    }
    return (lo < n_astral && astral_from[lo] == c) ? astral_to[lo] : c;
}

/* 0 when `text` is a str (and, with `needs_tables`, configure() has given the fold tables);
 * else -1 with the error set. */
static int
text_argument(PyObject *text, int needs_tables)
{
    if (!PyUnicode_Check(text)) {
        PyErr_SetString(PyExc_TypeError, "text must be a str");
        return -1;
    }
    if (needs_tables && fold_bmp == NULL) {
        PyErr_SetString(PyExc_RuntimeError, "cslint._core.configure() was not called");
        return -1;
    }
    return 0;
}

static PyObject *
core_fold_compact(PyObject *self, PyObject *text)
{
    if (text_argument(text, 1) < 0)
        return NULL;
    Py_ssize_t n = PyUnicode_GET_LENGTH(text);
    int kind = PyUnicode_KIND(text);
    const void *data = PyUnicode_DATA(text);
    uint32_t small[2 * 256];
    uint32_t *folded = n <= 256 ? small : PyMem_Malloc(2 * n * sizeof(uint32_t) + 1);
    if (folded == NULL)
        return PyErr_NoMemory();
    uint32_t *compact = folded + n;
    Py_ssize_t m = 0;
    int masked = 0;  /* a placeholder trigger was seen: Python masks, then compact() */
    PyObject *result = NULL;
    for (Py_ssize_t i = 0; i < n; i++) {
        uint32_t c = PyUnicode_READ(kind, data, i), f;
        if (c < BMP) {
            if (BIT(original_stop, c))
                goto python_path;
            f = fold_bmp[c];
        }
        else {
            f = fold_astral(c);
        }
        if (f < BMP) {
            if (BIT(folded_stop, f))
                masked = 1;
            folded[i] = f;
            if (!BIT(noise_bits, f))
                compact[m++] = f;
        }
        else {
            folded[i] = f;
            compact[m++] = f;
        }
    }
    PyObject *folded_str = PyUnicode_FromKindAndData(PyUnicode_4BYTE_KIND, folded, n);
    if (folded_str == NULL)
        goto done;
    PyObject *compact_str = masked ? Py_NewRef(Py_None) : m == n ? Py_NewRef(folded_str)
                                   : PyUnicode_FromKindAndData(PyUnicode_4BYTE_KIND, compact, m);
    if (compact_str == NULL) {
        Py_DECREF(folded_str);
        goto done;
    }
    result = PyTuple_Pack(2, folded_str, compact_str);
    Py_DECREF(folded_str);
    Py_DECREF(compact_str);
    goto done;
python_path:
    result = Py_NewRef(Py_None);
done:
    if (folded != small)
        PyMem_Free(folded);
    return result;
}

/* fold(text) -> text.translate(the fold table): the character fold alone, no fix-ups */
static PyObject *
core_fold(PyObject *self, PyObject *text)
{
    if (text_argument(text, 1) < 0)
        return NULL;
    Py_ssize_t n = PyUnicode_GET_LENGTH(text);
    int kind = PyUnicode_KIND(text);
    const void *data = PyUnicode_DATA(text);
    uint32_t small[256];
    uint32_t *out = n <= 256 ? small : PyMem_Malloc(n * sizeof(uint32_t) + 1);
    if (out == NULL)
        return PyErr_NoMemory();
    for (Py_ssize_t i = 0; i < n; i++) {
        uint32_t c = PyUnicode_READ(kind, data, i);
        out[i] = c < BMP ? fold_bmp[c] : fold_astral(c);
    }
    PyObject *result = PyUnicode_FromKindAndData(PyUnicode_4BYTE_KIND, out, n);
    if (out != small)
        PyMem_Free(out);
    return result;
}

/* compact(folded) -> folded without its noise characters */
static PyObject *
core_compact(PyObject *self, PyObject *text)
{
    if (text_argument(text, 0) < 0)
        return NULL;
    Py_ssize_t n = PyUnicode_GET_LENGTH(text), m = 0;
    int kind = PyUnicode_KIND(text);
    const void *data = PyUnicode_DATA(text);
    uint32_t small[256];
    uint32_t *out = n <= 256 ? small : PyMem_Malloc(n * sizeof(uint32_t) + 1);
    if (out == NULL)
        return PyErr_NoMemory();
    for (Py_ssize_t i = 0; i < n; i++) {
        uint32_t c = PyUnicode_READ(kind, data, i);
        if (c >= BMP || !BIT(noise_bits, c))
            out[m++] = c;
    }
    PyObject *result = m == n ? Py_NewRef(text) : PyUnicode_FromKindAndData(PyUnicode_4BYTE_KIND, out, m);
    if (out != small)
        PyMem_Free(out);
    return result;
}

/* compact_span(folded, start, end) -> (start, end) in folded: NormalizedText.compact_span_to_original
 * for start, end >= 0, counting the noise characters of `folded` instead of keeping a map. */
static Py_ssize_t
to_folded_index(int kind, const void *data, Py_ssize_t n, Py_ssize_t k)
{
    Py_ssize_t seen = 0;  /* non-noise characters passed */
    for (Py_ssize_t i = 0; i < n; i++) {
        uint32_t c = PyUnicode_READ(kind, data, i);
        if (c >= BMP || !BIT(noise_bits, c)) {
            if (seen == k)
                return i;
            seen++;
        }
    }
    return k + (n - seen);  /* past the end: every noise character is before it */
}

static PyObject *
core_compact_span(PyObject *self, PyObject *args)
{
    PyObject *folded;
    Py_ssize_t start, end;
    if (!PyArg_ParseTuple(args, "Unn", &folded, &start, &end))
        return NULL;
    if (start < 0 || end < 0) {
        PyErr_SetString(PyExc_ValueError, "negative offset");
        return NULL;
    }
    Py_ssize_t n = PyUnicode_GET_LENGTH(folded);
    int kind = PyUnicode_KIND(folded);
    const void *data = PyUnicode_DATA(folded);
    if (end <= start) {
        Py_ssize_t compact_len = 0;
        for (Py_ssize_t i = 0; i < n; i++) {
            uint32_t c = PyUnicode_READ(kind, data, i);
            compact_len += c >= BMP || !BIT(noise_bits, c);
        }
        Py_ssize_t pos = start < compact_len ? to_folded_index(kind, data, n, start) : n;
        return Py_BuildValue("(nn)", pos, pos);
    }
    return Py_BuildValue("(nn)", to_folded_index(kind, data, n, start), to_folded_index(kind, data, n, end - 1) + 1);
}

/* --- clause and sentence bounds, sequence completion --------------------------------------------- */

static uint8_t stop_bits[BMP / 8];      /* clause punctuation: lint.normalize.CLAUSE_PUNCT */
static uint8_t sentence_bits[BMP / 8];  /* sentence ends: lint.context._SENTENCE_END_RE */
static int text_configured = 0;

/* configure_text(clause_punct: str, sentence_marks: str) */
static PyObject *
core_configure_text(PyObject *self, PyObject *args)
{
    PyObject *stops, *sentence;
    if (!PyArg_ParseTuple(args, "UU", &stops, &sentence))
        return NULL;
    if (fill_bits(stop_bits, stops) || fill_bits(sentence_bits, sentence))
        return NULL;
    text_configured = 1;
    Py_RETURN_NONE;
}

static inline int
ascii_alnum(Py_UCS4 c)
{
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/* lint.context._CLAUSE_BREAK_RE at i: clause punctuation, or a "." not between two ASCII
 * letters or digits */
static inline int
clause_break(int kind, const void *data, Py_ssize_t n, Py_ssize_t i)
{
    Py_UCS4 c = PyUnicode_READ(kind, data, i);
    if (c < BMP && BIT(stop_bits, c))
        return 1;
    if (c != '.')
        return 0;
    return !(i > 0 && ascii_alnum(PyUnicode_READ(kind, data, i - 1))
             && i + 1 < n && ascii_alnum(PyUnicode_READ(kind, data, i + 1)));
}

/* bounds(folded, pos, clause: bool) -> (start, end): CheckContext.clause_bounds (clause) or
 * sentence_bounds: after the last mark before pos, up to the first mark at or after it */
static PyObject *
core_bounds(PyObject *self, PyObject *args)
{
    PyObject *text;
    Py_ssize_t pos;
    int clause;
    if (!PyArg_ParseTuple(args, "Unp", &text, &pos, &clause))
        return NULL;
    if (!text_configured) {
        PyErr_SetString(PyExc_RuntimeError, "cslint._core.configure_text() was not called");
        return NULL;
    }
    Py_ssize_t n = PyUnicode_GET_LENGTH(text), start = 0, end = n;
    int kind = PyUnicode_KIND(text);
    const void *data = PyUnicode_DATA(text);
    for (Py_ssize_t i = (pos < n ? pos : n) - 1; i >= 0; i--) {
        Py_UCS4 c = PyUnicode_READ(kind, data, i);
        if (clause ? clause_break(kind, data, n, i) : (c < BMP && BIT(sentence_bits, c))) {
            start = i + 1;
            break;
        }
    }
    for (Py_ssize_t i = pos > 0 ? pos : 0; i < n; i++) {
        Py_UCS4 c = PyUnicode_READ(kind, data, i);
        if (clause ? clause_break(kind, data, n, i) : (c < BMP && BIT(sentence_bits, c))) {
            end = i;
            break;
        }
    }
    return Py_BuildValue("(nn)", start, end);
}

/* clause_start_before(folded, pos) -> CheckContext.clause_start_before: back from pos over word
 * characters (str.isalnum) and ~ ～ */
static PyObject *
core_clause_start_before(PyObject *self, PyObject *args)
{
    PyObject *text;
    Py_ssize_t pos;
    if (!PyArg_ParseTuple(args, "Un", &text, &pos))
        return NULL;
    Py_ssize_t n = PyUnicode_GET_LENGTH(text);
    if (pos < 0 || pos > n) {
        PyErr_SetString(PyExc_IndexError, "position outside the text");
        return NULL;
    }
    int kind = PyUnicode_KIND(text);
    const void *data = PyUnicode_DATA(text);
    while (pos > 0) {
        Py_UCS4 c = PyUnicode_READ(kind, data, pos - 1);
        if (!(Py_UNICODE_ISALNUM(c) || c == '~' || c == 0xFF5E))
            break;
        pos--;
    }
    return PyLong_FromSsize_t(pos);
}

/* What lint.kinds.required._ignored_clause looks for, handed over by configure_clauses(). */
static PyObject *question_ends = NULL;    /* str: a clause ending in one of these asks (吗 么 嘛) */
static PyObject *question_strip = NULL;   /* str: trailing characters skipped first (呢哦…) */
static PyObject *question_words = NULL;   /* tuple of str: before the trigger in its sentence (请问) */
static PyObject *condition_openers = NULL;  /* tuple of str: a clause opening with one (如果 …) */
static PyObject *condition_tails = NULL;  /* tuple of str: after the trigger in its clause (的话) */
static PyObject *restating_words = NULL;  /* tuple of str: before the trigger in its sentence (您说 …) */

static int
all_str(PyObject *tuple)
{
    if (!PyTuple_Check(tuple))
        return 0;
    for (Py_ssize_t i = 0; i < PyTuple_GET_SIZE(tuple); i++)
        if (!PyUnicode_Check(PyTuple_GET_ITEM(tuple, i)))
            return 0;
    return 1;
}

/* configure_clauses(question_ends: str, question_strip: str, question_words: tuple,
 *                   condition_openers: tuple, condition_tails: tuple, restating: tuple) */
static PyObject *
core_configure_clauses(PyObject *self, PyObject *args)
{
    PyObject *ends, *strip, *words, *openers, *tails, *restating;
    if (!PyArg_ParseTuple(args, "UUOOOO", &ends, &strip, &words, &openers, &tails, &restating))
        return NULL;
    if (!all_str(words) || !all_str(openers) || !all_str(tails) || !all_str(restating)) {
        PyErr_SetString(PyExc_TypeError, "expected tuples of str");
        return NULL;
    }
    Py_XSETREF(question_ends, Py_NewRef(ends));
    Py_XSETREF(question_strip, Py_NewRef(strip));
    Py_XSETREF(question_words, Py_NewRef(words));
    Py_XSETREF(condition_openers, Py_NewRef(openers));
    Py_XSETREF(condition_tails, Py_NewRef(tails));
    Py_XSETREF(restating_words, Py_NewRef(restating));
    Py_RETURN_NONE;
}

static int
has_char(PyObject *chars, Py_UCS4 c)
{
    return PyUnicode_FindChar(chars, c, 0, PyUnicode_GET_LENGTH(chars), 1) >= 0;
}

/* 1 when one of `words` occurs inside folded[start:end], 0 if not, -1 on error */
static int
any_within(PyObject *folded, PyObject *words, Py_ssize_t start, Py_ssize_t end)
{
    for (Py_ssize_t i = 0; i < PyTuple_GET_SIZE(words); i++) {
        Py_ssize_t found = PyUnicode_Find(folded, PyTuple_GET_ITEM(words, i), start, end, 1);
        if (found == -2)
            return -1;
        if (found >= 0)
            return 1;
    }
    return 0;
}

/* ignored_clause(folded, pos, question, condition, restated) -> bool:
 * lint.kinds.required._ignored_clause for the clause kinds asked for */
static PyObject *
core_ignored_clause(PyObject *self, PyObject *args)
{
    PyObject *folded;
    Py_ssize_t pos;
    int question, condition, restated;
    if (!PyArg_ParseTuple(args, "Unppp", &folded, &pos, &question, &condition, &restated))
        return NULL;
    if (!text_configured || question_ends == NULL) {
        PyErr_SetString(PyExc_RuntimeError, "cslint._core.configure_text()/configure_clauses() were not called");
        return NULL;
    }
    Py_ssize_t n = PyUnicode_GET_LENGTH(folded);
    int kind = PyUnicode_KIND(folded);
    const void *data = PyUnicode_DATA(folded);
    /* the clause and the sentence around pos, as core_bounds finds them */
    Py_ssize_t cs = 0, ce = n, ss = 0, se = n;
    for (Py_ssize_t i = (pos < n ? pos : n) - 1; i >= 0; i--)
        if (clause_break(kind, data, n, i)) { cs = i + 1; break; }
    for (Py_ssize_t i = pos > 0 ? pos : 0; i < n; i++)
        if (clause_break(kind, data, n, i)) { ce = i; break; }
    for (Py_ssize_t i = (pos < n ? pos : n) - 1; i >= 0; i--) {
        Py_UCS4 c = PyUnicode_READ(kind, data, i);
        if (c < BMP && BIT(sentence_bits, c)) { ss = i + 1; break; }
    }
    for (Py_ssize_t i = pos > 0 ? pos : 0; i < n; i++) {
        Py_UCS4 c = PyUnicode_READ(kind, data, i);
        if (c < BMP && BIT(sentence_bits, c)) { se = i; break; }
    }
    int r;
    if (question) {
        if (se < n) {
            Py_UCS4 mark = PyUnicode_READ(kind, data, se);
            if (mark == '?' || mark == 0xFF1F)
                Py_RETURN_TRUE;
        }
        Py_ssize_t tail_end = ce;
        while (tail_end > cs && has_char(question_strip, PyUnicode_READ(kind, data, tail_end - 1)))
            tail_end--;
        if (tail_end > cs && has_char(question_ends, PyUnicode_READ(kind, data, tail_end - 1)))
            Py_RETURN_TRUE;
        if ((r = any_within(folded, question_words, ss, pos)) != 0)
            return r < 0 ? NULL : Py_NewRef(Py_True);
    }
    if (condition) {
        Py_ssize_t k = cs;
        while (k < ce && Py_UNICODE_ISSPACE(PyUnicode_READ(kind, data, k)))
            k++;
        for (Py_ssize_t i = 0; i < PyTuple_GET_SIZE(condition_openers); i++) {
            Py_ssize_t m = PyUnicode_Tailmatch(folded, PyTuple_GET_ITEM(condition_openers, i), k, ce, -1);
            if (m == -1)
                return NULL;
            if (m == 1)
                Py_RETURN_TRUE;
        }
        if ((r = any_within(folded, condition_tails, pos, ce)) != 0)
            return r < 0 ? NULL : Py_NewRef(Py_True);
    }
    if (restated && (r = any_within(folded, restating_words, ss, pos)) != 0)
        return r < 0 ? NULL : Py_NewRef(Py_True);
    Py_RETURN_FALSE;
}

#define SLOTTED_MARK 0xE001  /* lint.sequence.SLOTTED */
#define SLOT_MAX 3           /* lint.sequence.SLOT_MAX */

/* lint.sequence.reduplicated: the span of {A}core{A} around [start, end), {A} from `earliest` */
static int
reduplicated_from(int kind, const void *data, Py_ssize_t n, Py_ssize_t start, Py_ssize_t end,
                  Py_ssize_t earliest, Py_ssize_t *begin, Py_ssize_t *stop)
{
    for (Py_ssize_t length = SLOT_MAX; length >= 1; length--) {
        Py_ssize_t left = start - length;
        if (left < earliest || end + length > n)
            continue;
        int same = 1;
        for (Py_ssize_t i = 0; i < length && same; i++) {
            Py_UCS4 a = PyUnicode_READ(kind, data, left + i);
            same = a == PyUnicode_READ(kind, data, end + i) && Py_UNICODE_ISALNUM(a);
        }
        if (same) {
            *begin = left;
            *stop = end + length;
            return 1;
        }
    }
    return 0;
}

/* lint.sequence._find: the nearest occurrence of one alternative starting in [pos, limit].
 * 1 found (span in *a, *b), 0 not found, -1 error */
static int
find_alternative(PyObject *text, int kind, const void *data, Py_ssize_t n, PyObject *alt,
                 Py_ssize_t pos, Py_ssize_t limit, Py_ssize_t *a, Py_ssize_t *b)
{
    Py_ssize_t len = PyUnicode_GET_LENGTH(alt);
    if (len == 0 || PyUnicode_READ_CHAR(alt, 0) != SLOTTED_MARK) {
        Py_ssize_t found = PyUnicode_Find(text, alt, pos, limit + len, 1);
        if (found == -2)
            return -1;
        if (found == -1)
            return 0;
        *a = found;
        *b = found + len;
        return 1;
    }
    PyObject *core = PyUnicode_Substring(alt, 1, len);
    if (core == NULL)
        return -1;
    Py_ssize_t core_len = len - 1, stop_at = limit + core_len + SLOT_MAX;
    Py_ssize_t found = PyUnicode_Find(text, core, pos + 1, stop_at, 1);
    int rc = 0;
    while (found >= 0) {
        if (reduplicated_from(kind, data, n, found, found + core_len, pos, a, b)) {
            rc = 1;
            break;
        }
        found = PyUnicode_Find(text, core, found + 1, stop_at, 1);
    }
    if (found == -2)
        rc = -1;
    Py_DECREF(core);
    return rc;
}

/* complete(pieces, max_gap, text, first_end) -> end or None: lint.sequence.complete with the
 * clause punctuation as stops */
static PyObject *
core_complete(PyObject *self, PyObject *args)
{
    PyObject *pieces, *text;
    Py_ssize_t max_gap, pos;
    if (!PyArg_ParseTuple(args, "O!nUn", &PyTuple_Type, &pieces, &max_gap, &text, &pos))
        return NULL;
    if (!text_configured) {
        PyErr_SetString(PyExc_RuntimeError, "cslint._core.configure_text() was not called");
        return NULL;
    }
    Py_ssize_t n = PyUnicode_GET_LENGTH(text);
    int kind = PyUnicode_KIND(text);
    const void *data = PyUnicode_DATA(text);
    for (Py_ssize_t p = 1; p < PyTuple_GET_SIZE(pieces); p++) {
        PyObject *alternatives = PyTuple_GET_ITEM(pieces, p);
        if (!PyTuple_Check(alternatives)) {
            PyErr_SetString(PyExc_TypeError, "a piece is a tuple of alternatives");
            return NULL;
        }
        Py_ssize_t limit = pos + max_gap < n ? pos + max_gap : n;
        for (Py_ssize_t i = pos; i < limit; i++) {
            Py_UCS4 c = PyUnicode_READ(kind, data, i);
            if (c < BMP && BIT(stop_bits, c)) {
                limit = i;
                break;
            }
        }
        Py_ssize_t best_a = -1, best_b = -1;
        for (Py_ssize_t q = 0; q < PyTuple_GET_SIZE(alternatives); q++) {
            PyObject *alt = PyTuple_GET_ITEM(alternatives, q);
            Py_ssize_t a, b;
            if (!PyUnicode_Check(alt)) {
                PyErr_SetString(PyExc_TypeError, "an alternative is a str");
                return NULL;
            }
            int r = find_alternative(text, kind, data, n, alt, pos, limit, &a, &b);
            if (r < 0)
                return NULL;
            if (r && (best_a < 0 || a < best_a)) {
                best_a = a;
                best_b = b;
            }
        }
        if (best_a < 0)
            Py_RETURN_NONE;
        pos = best_b;
    }
    return PyLong_FromSsize_t(pos);
}

/* --- the automaton ---------------------------------------------------------------------------- */

/* What a match of a key means to lint.matcher (see Matcher.build and Matcher.scan_python). */
typedef struct {
    PyObject *owner;           /* (rule index, role) */
    PyObject *index;           /* which sequence of the role (an int) */
    PyObject *rest;            /* None for a one-piece literal, else the Pending */
    PyObject *later;           /* the Pending's later pieces: tuple of tuples of cores */
    int slotted;
    int single;
    Py_ssize_t pending_id;     /* index of the Pending, for the per-scan feasibility cache */
    PyObject *visit;           /* the rule index to visit when this entry has a hit, or None */
    int placement;             /* PLACE_*: where a one-piece literal hit must sit to count */
} Entry;

/* A phrase rule's `at` (lint.kinds.matching._placed), tested in scan_text on one-piece literal
 * term hits: a hit that is not where its rule says is dropped there, as _placed would drop it. */
enum { PLACE_ANYWHERE, PLACE_CLAUSE_START, PLACE_CLAUSE_END, PLACE_WHOLE_CLAUSE, PLACE_TAIL, PLACE_WHOLE_REPLY };

typedef struct {
    PyObject_HEAD
    uint16_t *alpha_bmp;       /* BMP code point -> column (0: not in any key) */
    uint32_t *astral_cp;       /* sorted astral code points of the keys ... */
    uint32_t *astral_col;      /* ... and their columns */
    Py_ssize_t n_astral;
    Py_ssize_t width;          /* columns per row (the alphabet + 1) */
    Py_ssize_t n_states;
    uint16_t *delta;           /* n_states * width: next state (at most 65536 states) */
    int32_t *out_start;        /* n_states + 1: a state's matches in out_keys */
    int32_t *out_keys;         /* key indices, longest first */
    int32_t *key_len;          /* per key: its length */
    PyObject *values;          /* tuple: per key, the value iter() reports */
    /* set_entries(): what scan() does with a match */
    PyObject *entries_ref;     /* keeps the objects the Entry pointers borrow */
    PyObject *hit_type;        /* lint.matcher.Hit */
    Entry *entries;
    int32_t *entry_start;      /* per key + 1: its entries in `entries` */
    Py_ssize_t n_pendings;
} Automaton;

static void
automaton_dealloc(Automaton *self)
{
    PyMem_Free(self->alpha_bmp);
    PyMem_Free(self->astral_cp);
    PyMem_Free(self->astral_col);
    PyMem_Free(self->delta);
    PyMem_Free(self->out_start);
    PyMem_Free(self->out_keys);
    PyMem_Free(self->key_len);
    PyMem_Free(self->entries);
    PyMem_Free(self->entry_start);
    Py_XDECREF(self->entries_ref);
    Py_XDECREF(self->hit_type);
    Py_XDECREF(self->values);
    Py_TYPE(self)->tp_free((PyObject *)self);
}

static void *
copy_buffer(Py_buffer *buffer, Py_ssize_t expected)
{
    if (expected >= 0 && buffer->len != expected) {
        PyErr_SetString(PyExc_ValueError, "automaton table of the wrong size");
        return NULL;
    }
    void *copy = PyMem_Malloc(buffer->len ? buffer->len : 1);
    if (copy == NULL) {
        PyErr_NoMemory();
        return NULL;
    }
    memcpy(copy, buffer->buf, buffer->len);
    return copy;
}

/* Automaton(alpha_bmp: bytes (uint16 x 65536), astral: bytes (uint32 (code point, column) pairs,
 *           sorted), width: int, delta: bytes (uint16), out_start: bytes (int32),
 *           out_keys: bytes (int32), key_len: bytes (int32), values: tuple) */
static int
automaton_init(Automaton *self, PyObject *args, PyObject *kwds)
{
    Py_buffer alpha, astral, delta, out_start, out_keys, key_len;
    Py_ssize_t width;
    PyObject *values;
    if (!PyArg_ParseTuple(args, "y*y*ny*y*y*y*O!", &alpha, &astral, &width, &delta, &out_start,
                          &out_keys, &key_len, &PyTuple_Type, &values))
        return -1;
    int rc = -1;
    Py_ssize_t n_keys = PyTuple_GET_SIZE(values);
    if (width < 1 || delta.len % (width * (Py_ssize_t)sizeof(uint16_t))
            || astral.len % (2 * sizeof(uint32_t)) || key_len.len != n_keys * (Py_ssize_t)sizeof(int32_t)) {
        PyErr_SetString(PyExc_ValueError, "inconsistent automaton tables");
        goto done;
    }
    Py_ssize_t n_states = delta.len / (width * (Py_ssize_t)sizeof(uint16_t));
    if (n_states < 1 || out_start.len != (n_states + 1) * (Py_ssize_t)sizeof(int32_t)) {
        PyErr_SetString(PyExc_ValueError, "inconsistent automaton tables");
        goto done;
    }
    self->n_states = n_states;
    self->width = width;
    self->n_astral = astral.len / (2 * sizeof(uint32_t));
    if (!(self->alpha_bmp = copy_buffer(&alpha, BMP * sizeof(uint16_t)))
            || !(self->delta = copy_buffer(&delta, -1))
            || !(self->out_start = copy_buffer(&out_start, -1))
            || !(self->out_keys = copy_buffer(&out_keys, -1))
            || !(self->key_len = copy_buffer(&key_len, -1)))
        goto done;
    self->astral_cp = PyMem_Malloc((self->n_astral + 1) * sizeof(uint32_t));
    self->astral_col = PyMem_Malloc((self->n_astral + 1) * sizeof(uint32_t));
    if (!self->astral_cp || !self->astral_col) {
        PyErr_NoMemory();
        goto done;
    }
    const uint32_t *pairs = astral.buf;
    for (Py_ssize_t i = 0; i < self->n_astral; i++) {
        self->astral_cp[i] = pairs[2 * i];
        self->astral_col[i] = pairs[2 * i + 1];
    }
    /* every table entry must point inside the tables: checked once here, not per character */
    Py_ssize_t n_out = out_keys.len / (Py_ssize_t)sizeof(int32_t);
    for (Py_ssize_t i = 0; i < BMP; i++)
        if (self->alpha_bmp[i] >= width) goto bad;
    for (Py_ssize_t i = 0; i < self->n_astral; i++)
        if (self->astral_col[i] >= (uint32_t)width || (i && self->astral_cp[i] <= self->astral_cp[i - 1])) goto bad;
    for (Py_ssize_t i = 0; i < n_states * width; i++)
        if (self->delta[i] >= n_states) goto bad;
    for (Py_ssize_t i = 0; i <= n_states; i++)
        if (self->out_start[i] < 0 || self->out_start[i] > n_out || (i && self->out_start[i] < self->out_start[i - 1])) goto bad;
    for (Py_ssize_t i = 0; i < n_out; i++)
        if (self->out_keys[i] < 0 || self->out_keys[i] >= n_keys) goto bad;
    Py_XSETREF(self->values, Py_NewRef(values));
    rc = 0;
    goto done;
bad:
    PyErr_SetString(PyExc_ValueError, "automaton table entry out of range");
done:
    PyBuffer_Release(&alpha);
    PyBuffer_Release(&astral);
    PyBuffer_Release(&delta);
    PyBuffer_Release(&out_start);
    PyBuffer_Release(&out_keys);
    PyBuffer_Release(&key_len);
    return rc;
}

static inline Py_ssize_t
column_of(Automaton *self, Py_UCS4 c)
{
    if (c < BMP)
        return self->alpha_bmp[c];
    Py_ssize_t lo = 0, hi = self->n_astral;
    while (lo < hi) {
        Py_ssize_t mid = (lo + hi) / 2;
        if (self->astral_cp[mid] < c) lo = mid + 1;
        else hi = mid;
    }
    return (lo < self->n_astral && self->astral_cp[lo] == c) ? self->astral_col[lo] : 0;
}

static PyObject *
automaton_iter(Automaton *self, PyObject *text)
{
    if (text_argument(text, 0) < 0)
        return NULL;
    if (self->delta == NULL) {
        PyErr_SetString(PyExc_RuntimeError, "automaton not initialised");
        return NULL;
    }
    PyObject *hits = PyList_New(0);
    if (hits == NULL)
        return NULL;
    Py_ssize_t n = PyUnicode_GET_LENGTH(text);
    int kind = PyUnicode_KIND(text);
    const void *data = PyUnicode_DATA(text);
    const uint16_t *delta = self->delta;
    const Py_ssize_t width = self->width;
    int32_t state = 0;
    for (Py_ssize_t i = 0; i < n; i++) {
        Py_UCS4 c = PyUnicode_READ(kind, data, i);
        state = delta[(Py_ssize_t)state * width + column_of(self, c)];
        int32_t k = self->out_start[state], stop = self->out_start[state + 1];
        for (; k < stop; k++) {
            PyObject *hit = Py_BuildValue("(nO)", i, PyTuple_GET_ITEM(self->values, self->out_keys[k]));
            if (hit == NULL || PyList_Append(hits, hit) < 0) {
                Py_XDECREF(hit);
                Py_DECREF(hits);
                return NULL;
            }
            Py_DECREF(hit);
        }
    }
    return hits;
}

/* set_entries(entries: tuple per key of tuples (owner, index, rest, slotted, single, pending_id,
 *             later, visit, placement), n_pendings: int, hit_type: type) */
static PyObject *
automaton_set_entries(Automaton *self, PyObject *args)
{
    PyObject *entries, *hit_type;
    Py_ssize_t n_pendings;
    if (!PyArg_ParseTuple(args, "O!nO!", &PyTuple_Type, &entries, &n_pendings, &PyType_Type, &hit_type))
        return NULL;
    if (self->values == NULL || PyTuple_GET_SIZE(entries) != PyTuple_GET_SIZE(self->values)) {
        PyErr_SetString(PyExc_ValueError, "one tuple of entries per key");
        return NULL;
    }
    if (!PyType_IsSubtype((PyTypeObject *)hit_type, &PyTuple_Type)) {
        PyErr_SetString(PyExc_TypeError, "hit_type must be a tuple subclass");
        return NULL;
    }
    Py_ssize_t n_keys = PyTuple_GET_SIZE(entries), total = 0;
    for (Py_ssize_t k = 0; k < n_keys; k++) {
        PyObject *per_key = PyTuple_GET_ITEM(entries, k);
        if (!PyTuple_Check(per_key)) {
            PyErr_SetString(PyExc_TypeError, "entries of a key must be a tuple");
            return NULL;
        }
        total += PyTuple_GET_SIZE(per_key);
    }
    Entry *table = PyMem_Calloc(total + 1, sizeof(Entry));
    int32_t *starts = PyMem_Calloc(n_keys + 1, sizeof(int32_t));
    if (!table || !starts) {
        PyMem_Free(table); PyMem_Free(starts);
        return PyErr_NoMemory();
    }
    Py_ssize_t e = 0;
    for (Py_ssize_t k = 0; k < n_keys; k++) {
        PyObject *per_key = PyTuple_GET_ITEM(entries, k);
        starts[k] = (int32_t)e;
        for (Py_ssize_t j = 0; j < PyTuple_GET_SIZE(per_key); j++, e++) {
            PyObject *item = PyTuple_GET_ITEM(per_key, j);
            Entry *entry = &table[e];
            PyObject *later;
            if (!PyTuple_Check(item) || PyTuple_GET_SIZE(item) != 9) goto bad;
            entry->owner = PyTuple_GET_ITEM(item, 0);
            entry->index = PyTuple_GET_ITEM(item, 1);
            entry->rest = PyTuple_GET_ITEM(item, 2);
            entry->slotted = PyObject_IsTrue(PyTuple_GET_ITEM(item, 3));
            entry->single = PyObject_IsTrue(PyTuple_GET_ITEM(item, 4));
            entry->pending_id = PyLong_AsSsize_t(PyTuple_GET_ITEM(item, 5));
            later = PyTuple_GET_ITEM(item, 6);
            entry->visit = PyTuple_GET_ITEM(item, 7);
            entry->placement = (int)PyLong_AsLong(PyTuple_GET_ITEM(item, 8));
            if (entry->placement == -1 && PyErr_Occurred())
                goto fail;
            if (entry->placement < PLACE_ANYWHERE || entry->placement > PLACE_WHOLE_REPLY
                    || (entry->placement != PLACE_ANYWHERE && entry->rest != Py_None)) goto bad;
            if (entry->slotted < 0 || entry->single < 0 || (entry->pending_id == -1 && PyErr_Occurred()))
                goto fail;
            if (entry->pending_id < -1 || entry->pending_id >= n_pendings || !PyTuple_Check(later)) goto bad;
            if (entry->rest == Py_None ? (entry->slotted || entry->pending_id != -1)
                                       : (!entry->single && entry->pending_id < 0)) goto bad;
            for (Py_ssize_t p = 0; p < PyTuple_GET_SIZE(later); p++) {
                PyObject *cores = PyTuple_GET_ITEM(later, p);
                if (!PyTuple_Check(cores)) goto bad;
                for (Py_ssize_t q = 0; q < PyTuple_GET_SIZE(cores); q++)
                    if (!PyUnicode_Check(PyTuple_GET_ITEM(cores, q))) goto bad;
            }
            entry->later = later;
        }
    }
    starts[n_keys] = (int32_t)e;
    PyMem_Free(self->entries);
    PyMem_Free(self->entry_start);
    self->entries = table;
    self->entry_start = starts;
    self->n_pendings = n_pendings;
    Py_XSETREF(self->entries_ref, Py_NewRef(entries));
    Py_XSETREF(self->hit_type, Py_NewRef(hit_type));
    Py_RETURN_NONE;
bad:
    PyErr_SetString(PyExc_ValueError, "malformed automaton entry");
fail:
    PyMem_Free(table);
    PyMem_Free(starts);
    return NULL;
}

/* lint.matcher._can_complete: every later piece has an alternative somewhere in the text. */
static int
can_complete(PyObject *later, PyObject *text)
{
    for (Py_ssize_t p = 0; p < PyTuple_GET_SIZE(later); p++) {
        PyObject *cores = PyTuple_GET_ITEM(later, p);
        int found = 0;
        for (Py_ssize_t q = 0; q < PyTuple_GET_SIZE(cores) && !found; q++) {
            int r = PyUnicode_Contains(text, PyTuple_GET_ITEM(cores, q));
            if (r < 0)
                return -1;
            found = r;
        }
        if (!found)
            return 0;
    }
    return 1;
}

static int
append_to(PyObject *groups, PyObject *owner, PyObject *item)
{
    PyObject *list = PyDict_GetItemWithError(groups, owner);
    if (list == NULL) {
        if (PyErr_Occurred())
            return -1;
        list = PyList_New(1);
        if (list == NULL)
            return -1;
        PyList_SET_ITEM(list, 0, Py_NewRef(item));
        int rc = PyDict_SetItem(groups, owner, list);
        Py_DECREF(list);
        return rc;
    }
    return PyList_Append(list, item);
}

static PyObject *
make_hit(PyObject *hit_type, PyObject *index, Py_ssize_t start, Py_ssize_t end)
{
    PyObject *fields = Py_BuildValue("(Onn)", index, start, end);
    if (fields == NULL)
        return NULL;
    PyObject *args = PyTuple_Pack(1, fields);
    Py_DECREF(fields);
    if (args == NULL)
        return NULL;
    PyObject *hit = PyTuple_Type.tp_new((PyTypeObject *)hit_type, args, NULL);
    Py_DECREF(args);
    return hit;
}

static inline int
word_at(int kind, const void *data, Py_ssize_t n, Py_ssize_t i)
{
    return i >= 0 && i < n && Py_UNICODE_ISALNUM(PyUnicode_READ(kind, data, i));
}

/* Whether a one-piece literal hit at compact [start, end) sits where `placement` says, judged on
 * the folded text as lint.context does (is_word_char and _WORD_CHAR are str.isalnum there). */
static int
placed(int placement, PyObject *folded, Py_ssize_t compact_len, Py_ssize_t start, Py_ssize_t end,
       Py_ssize_t *first_word, Py_ssize_t *last_word)
{
    Py_ssize_t n = PyUnicode_GET_LENGTH(folded);
    int kind = PyUnicode_KIND(folded);
    const void *data = PyUnicode_DATA(folded);
    if (compact_len != n) {  /* noise was removed: the hit's span in the folded text */
        start = to_folded_index(kind, data, n, start);
        end = to_folded_index(kind, data, n, end - 1) + 1;
    }
    int clause_start = !word_at(kind, data, n, start - 1);
    int clause_end = !word_at(kind, data, n, end);
    switch (placement) {
    case PLACE_CLAUSE_START: return clause_start;
    case PLACE_CLAUSE_END: return clause_end;
    case PLACE_WHOLE_CLAUSE: return clause_start && clause_end;
    case PLACE_TAIL: return clause_end && !clause_start;
    case PLACE_WHOLE_REPLY:  /* no word character before start or from end on */
        if (*first_word == -2) {  /* found once per scan: -1 when the text has none */
            *first_word = *last_word = -1;
            for (Py_ssize_t i = 0; i < n; i++)
                if (word_at(kind, data, n, i)) {
                    if (*first_word < 0)
                        *first_word = i;
                    *last_word = i;
                }
        }
        return *first_word < 0 || (*first_word >= start && *last_word < end);
    default: return 1;
    }
}

/* scan(text) -> (literal, pending, visit): lint.matcher.Matcher.scan_python's loop, compiled;
 * visit: the rule indices of the entries that had a hit and say to visit their rule.
 * With `folded` (scan_text), one-piece literal hits not where their rule says are dropped. */
static PyObject *
scan_compact(Automaton *self, PyObject *text, PyObject *folded)
{
    if (text_argument(text, 0) < 0)
        return NULL;
    if (self->delta == NULL || self->entries == NULL) {
        PyErr_SetString(PyExc_RuntimeError, "automaton entries not set");
        return NULL;
    }
    PyObject *literal = PyDict_New(), *pending = PyDict_New(), *visit = PySet_New(NULL), *result = NULL;
    signed char small[256];
    signed char *feasible = self->n_pendings <= 256 ? small : PyMem_Malloc(self->n_pendings);
    if (!literal || !pending || !visit || !feasible) {
        if (!feasible) PyErr_NoMemory();
        goto done;
    }
    memset(feasible, -1, self->n_pendings);
    Py_ssize_t n = PyUnicode_GET_LENGTH(text);
    /* a hit's place is found by counting noise when some was removed: only in short texts, so
     * that a long reply with thousands of hits stays linear (the rule tests them all anyway) */
    int place_cheaply = folded != NULL
                        && (PyUnicode_GET_LENGTH(folded) == n || PyUnicode_GET_LENGTH(folded) <= SHORT_TEXT);
    Py_ssize_t first_word = -2, last_word = -2;  /* for whole_reply, found on first use */
    int kind = PyUnicode_KIND(text);
    const void *data = PyUnicode_DATA(text);
    const uint16_t *delta = self->delta;
    const Py_ssize_t width = self->width;
    int32_t state = 0;
    for (Py_ssize_t i = 0; i < n; i++) {
        state = delta[(Py_ssize_t)state * width + column_of(self, PyUnicode_READ(kind, data, i))];
        for (int32_t o = self->out_start[state]; o < self->out_start[state + 1]; o++) {
            int32_t key = self->out_keys[o];
            Py_ssize_t end = i + 1, start = end - self->key_len[key];
            for (int32_t e = self->entry_start[key]; e < self->entry_start[key + 1]; e++) {
                Entry *entry = &self->entries[e];
                Py_ssize_t begin = start, stop = end;
                PyObject *item;
                if (folded != NULL && entry->placement != PLACE_ANYWHERE && place_cheaply
                        && !placed(entry->placement, folded, n, start, end, &first_word, &last_word))
                    continue;
                if (entry->rest != Py_None) {
                    if (!entry->single) {
                        signed char ok = feasible[entry->pending_id];
                        if (ok < 0) {
                            int r = can_complete(entry->later, text);
                            if (r < 0)
                                goto done;
                            ok = feasible[entry->pending_id] = (signed char)r;
                        }
                        if (!ok)
                            continue;
                    }
                    if (entry->slotted && !reduplicated_from(kind, data, n, start, end, 0, &begin, &stop))
                        continue;
                }
                if (entry->rest == Py_None || entry->single) {
                    item = make_hit(self->hit_type, entry->index, begin, stop);
                    if (item == NULL || append_to(literal, entry->owner, item) < 0) {
                        Py_XDECREF(item);
                        goto done;
                    }
                }
                else {
                    item = Py_BuildValue("(OOnn)", entry->index, entry->rest, begin, stop);
                    if (item == NULL || append_to(pending, entry->owner, item) < 0) {
                        Py_XDECREF(item);
                        goto done;
                    }
                }
                Py_DECREF(item);
                if (entry->visit != Py_None && PySet_Add(visit, entry->visit) < 0)
                    goto done;
            }
        }
    }
    result = PyTuple_Pack(3, literal, pending, visit);
done:
    Py_XDECREF(literal);
    Py_XDECREF(pending);
    Py_XDECREF(visit);
    if (feasible && feasible != small)
        PyMem_Free(feasible);
    return result;
}

/* scan_text(text) -> (folded, compact, literal, pending, visit): fold_compact and scan in one call;
 * (folded, None, None, None, None) when the folded text has a placeholder trigger (Python masks
 * it, then scan_folded); None when the text needs Python's normalisation (a phrase fix-up) */
static PyObject *
automaton_scan_text(Automaton *self, PyObject *text)
{
    PyObject *views = core_fold_compact(NULL, text);
    if (views == NULL || views == Py_None)
        return views;
    PyObject *result = NULL;
    if (PyTuple_GET_ITEM(views, 1) == Py_None) {
        result = PyTuple_Pack(5, PyTuple_GET_ITEM(views, 0), Py_None, Py_None, Py_None, Py_None);
        Py_DECREF(views);
        return result;
    }
    PyObject *found = scan_compact(self, PyTuple_GET_ITEM(views, 1), PyTuple_GET_ITEM(views, 0));
    if (found != NULL)
        result = PyTuple_Pack(5, PyTuple_GET_ITEM(views, 0), PyTuple_GET_ITEM(views, 1),
                              PyTuple_GET_ITEM(found, 0), PyTuple_GET_ITEM(found, 1), PyTuple_GET_ITEM(found, 2));
    Py_XDECREF(found);
    Py_DECREF(views);
    return result;
}

/* scan_folded(folded) -> (compact, literal, pending, visit): scan_text's second half, for a folded
 * text whose placeholders Python masked */
static PyObject *
automaton_scan_folded(Automaton *self, PyObject *folded)
{
    PyObject *compact = core_compact(NULL, folded);
    if (compact == NULL)
        return NULL;
    PyObject *found = scan_compact(self, compact, folded), *result = NULL;
    if (found != NULL)
        result = PyTuple_Pack(4, compact, PyTuple_GET_ITEM(found, 0), PyTuple_GET_ITEM(found, 1),
                              PyTuple_GET_ITEM(found, 2));
    Py_XDECREF(found);
    Py_DECREF(compact);
    return result;
}

static PyObject *
automaton_scan(Automaton *self, PyObject *text)
{
    return scan_compact(self, text, NULL);
}

static PyMethodDef automaton_methods[] = {
    {"scan_text", (PyCFunction)automaton_scan_text, METH_O,
     "scan_text(text) -> (folded, compact, literal, pending, visit); (folded, None, ...): mask, then "
     "scan_folded; None: the Python path"},
    {"scan_folded", (PyCFunction)automaton_scan_folded, METH_O,
     "scan_folded(folded) -> (compact, literal, pending, visit)"},
    {"iter", (PyCFunction)automaton_iter, METH_O,
     "iter(text) -> list of (end index, value), by end position, longest key first"},
    {"set_entries", (PyCFunction)automaton_set_entries, METH_VARARGS,
     "set_entries(entries, n_pendings, hit_type): what scan() does with each key's matches"},
    {"scan", (PyCFunction)automaton_scan, METH_O,
     "scan(text) -> (literal, pending, visit): hits grouped by owner, as lint.matcher.Matcher.scan_python"},
    {NULL, NULL, 0, NULL},
};

static PyTypeObject AutomatonType = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = "cslint._core.Automaton",
    .tp_basicsize = sizeof(Automaton),
    .tp_dealloc = (destructor)automaton_dealloc,
    .tp_flags = Py_TPFLAGS_DEFAULT,
    .tp_doc = "A DFA built by cslint.matcher (see the module docstring).",
    .tp_methods = automaton_methods,
    .tp_init = (initproc)automaton_init,
    .tp_new = PyType_GenericNew,
};

static PyMethodDef core_methods[] = {
    {"configure", core_configure, METH_VARARGS, "hand over the fold and noise tables"},
    {"fold_compact", core_fold_compact, METH_O,
     "fold_compact(text) -> (folded, compact); (folded, None): mask placeholders, then compact(); "
     "None: the Python path"},
    {"compact", core_compact, METH_O, "compact(folded) -> folded without its noise characters"},
    {"fold", core_fold, METH_O, "fold(text) -> the character fold of text (no phrase fix-ups)"},
    {"configure_text", core_configure_text, METH_VARARGS, "hand over the clause and sentence marks"},
    {"clause_start_before", core_clause_start_before, METH_VARARGS,
     "clause_start_before(folded, pos) -> start of the run of word characters (and ~) ending at pos"},
    {"configure_clauses", core_configure_clauses, METH_VARARGS, "hand over what _ignored_clause looks for"},
    {"ignored_clause", core_ignored_clause, METH_VARARGS,
     "ignored_clause(folded, pos, question, condition, restated) -> whether the trigger's clause does not count"},
    {"bounds", core_bounds, METH_VARARGS, "bounds(folded, pos, clause) -> (start, end) of the clause or sentence"},
    {"complete", core_complete, METH_VARARGS,
     "complete(pieces, max_gap, text, first_end) -> end of the sequence, or None"},
    {"compact_span", core_compact_span, METH_VARARGS,
     "compact_span(folded, start, end) -> the compact span [start, end) as a span of folded"},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef core_module = {
    PyModuleDef_HEAD_INIT, "cslint._core", "The compiled hot path of cslint (optional).", -1, core_methods,
};

PyMODINIT_FUNC
PyInit__core(void)
{
    if (PyType_Ready(&AutomatonType) < 0)
        return NULL;
    PyObject *module = PyModule_Create(&core_module);
    if (module == NULL)
        return NULL;
    if (PyModule_AddObjectRef(module, "Automaton", (PyObject *)&AutomatonType) < 0) {
        Py_DECREF(module);
        return NULL;
    }
    return module;
}
