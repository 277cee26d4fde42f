/* vocab.c: vocabulary building and the SPM tokenizer (see vocab.h). */
#include "lm/vocab.h"

#include <ctype.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lm/curriculum.h"

#define SPACE "\xe2\x96\x81" /* U+2581 "▁" */

static uint32_t fnv1a(const char *s, size_t n)
{
    uint32_t h = 2166136261u;
    for (size_t i = 0; i < n; i++) h = (h ^ (unsigned char)s[i]) * 16777619u;
    return h;
}

int lm_vocab_find(const lm_vocab *v, const char *s, size_t len)
{
    uint32_t mask = (uint32_t)v->hash_cap - 1;
    for (uint32_t h = fnv1a(s, len) & mask;; h = (h + 1) & mask) {
        int id = v->hash[h] - 1;
        if (id < 0) return -1;
        if (strlen(v->piece[id]) == len && !memcmp(v->piece[id], s, len)) return id;
    }
}

void lm_vocab_done(lm_vocab *v)
{
    if (v->piece)
        for (int i = 0; i < v->n; i++) free(v->piece[i]);
    free(v->piece); free(v->score); free(v->type); free(v->hash);
    memset(v, 0, sizeof *v);
}

int lm_vocab_init(lm_vocab *v, int n, const char *const *pieces, const float *scores,
                  const unsigned char *types)
{
    memset(v, 0, sizeof *v);
    v->n = n;
    v->piece = calloc((size_t)n, sizeof *v->piece);
    v->score = malloc((size_t)n * sizeof *v->score);
    v->type = malloc((size_t)n);
    for (v->hash_cap = 16; v->hash_cap < 2 * n; v->hash_cap *= 2) {}
    v->hash = calloc((size_t)v->hash_cap, sizeof *v->hash);
    if (!v->piece || !v->score || !v->type || !v->hash) goto fail;
    for (int i = 0; i < 256; i++) v->byte_tok[i] = -1;
    for (int i = 0; i < n; i++) {
        size_t len = strlen(pieces[i]);
        if (!(v->piece[i] = strdup(pieces[i]))) goto fail;
        v->score[i] = scores[i];
        v->type[i] = types[i];
        if (lm_vocab_find(v, pieces[i], len) >= 0) goto fail;  /* duplicate */
        uint32_t mask = (uint32_t)v->hash_cap - 1, h = fnv1a(pieces[i], len) & mask;
        while (v->hash[h]) h = (h + 1) & mask;
        v->hash[h] = i + 1;
        unsigned b;
        if (types[i] == LM_TOK_BYTE && sscanf(pieces[i], "<0x%02X>", &b) == 1 && b < 256)
            v->byte_tok[b] = i;
    }
    for (int i = 0; i < 256; i++)
        if (v->byte_tok[i] < 0) goto fail;
    return 0;
fail:
    lm_vocab_done(v);
    return -1;
}

/* ---- building from the curriculum ---- */

typedef struct { char **w; int n, cap; } wordset;

static void add_word(wordset *s, const char *w, size_t len)
{
    for (int i = 0; i < s->n; i++)
        if (strlen(s->w[i]) == len && !memcmp(s->w[i], w, len)) return;
    if (s->n == s->cap) {
        s->cap = s->cap ? 2 * s->cap : 256;
        s->w = realloc(s->w, (size_t)s->cap * sizeof *s->w);
    }
    s->w[s->n++] = strndup(w, len);
}

/* A chunk (whitespace-separated, placeholders removed, trailing . , ? ! : ;
 * stripped) that is not a number becomes a word. */
static void collect(void *ud, const char *text)
{
    const char *p = text;
    while (*p) {
        while (*p == ' ') p++;
        if (!*p) break;
        char chunk[128];
        size_t n = 0;
        while (*p && *p != ' ') {
            if (*p == '{') {
                while (*p && *p != '}') p++;
                if (*p) p++;
                continue;
            }
            if (n < sizeof chunk - 1) chunk[n++] = *p;
            p++;
        }
        while (n && strchr(".,?!:;", chunk[n - 1])) n--;
        int digits = 1;
        for (size_t i = 0; i < n; i++) digits &= isdigit((unsigned char)chunk[i]) != 0;
        if (n && !digits) add_word(ud, chunk, n);
    }
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

int lm_vocab_build(lm_vocab *v)
{
    wordset ws = { 0 };
    cur_each_text(collect, &ws);
    qsort(ws.w, (size_t)ws.n, sizeof *ws.w, cmp_str);

    /* every word with all its ▁-prefixes; prefixes that are words stay words */
    wordset pieces = { 0 };
    for (int i = 0; i < ws.n; i++) {
        char buf[160];
        size_t len = strlen(ws.w[i]);
        for (size_t k = 1; k <= len; k++) {
            snprintf(buf, sizeof buf, SPACE "%.*s", (int)k, ws.w[i]);
            add_word(&pieces, buf, strlen(buf));
        }
    }
    qsort(pieces.w, (size_t)pieces.n, sizeof *pieces.w, cmp_str);

    static const char singles[] = "0123456789.,?!:;'()-+*/=$%\"&";
    int cap = 3 + 256 + 1 + (int)strlen(singles) + pieces.n, n = 0;
    const char **pc = malloc((size_t)cap * sizeof *pc);
    char (*bytes)[8] = malloc(256 * sizeof *bytes);
    char (*one)[2] = malloc(sizeof singles * sizeof *one);
    float *sc = malloc((size_t)cap * sizeof *sc);
    unsigned char *ty = malloc((size_t)cap);
    int rc = -1;
    if (!pc || !bytes || !one || !sc || !ty) goto out;
    pc[n] = "<unk>"; sc[n] = 0; ty[n++] = LM_TOK_UNKNOWN;
    pc[n] = "<s>"; sc[n] = 0; ty[n++] = LM_TOK_CONTROL;
    pc[n] = "</s>"; sc[n] = 0; ty[n++] = LM_TOK_CONTROL;
    for (int b = 0; b < 256; b++) {
        snprintf(bytes[b], sizeof bytes[b], "<0x%02X>", b);
        pc[n] = bytes[b]; sc[n] = 0; ty[n++] = LM_TOK_BYTE;
    }
    pc[n] = SPACE; sc[n] = 1; ty[n++] = LM_TOK_NORMAL;
    for (size_t i = 0; singles[i]; i++) {
        one[i][0] = singles[i]; one[i][1] = 0;
        pc[n] = one[i]; sc[n] = 1; ty[n++] = LM_TOK_NORMAL;
    }
    for (int i = 0; i < pieces.n; i++) {
        const char *p = pieces.w[i];
        int is_word = 0;
        for (int j = 0; j < ws.n && !is_word; j++) is_word = !strcmp(p + 3, ws.w[j]);
        int chars = 0;
        for (const char *q = p; *q; q++) chars += ((unsigned char)*q & 0xC0) != 0x80;
        pc[n] = p; sc[n] = (float)chars; ty[n++] = is_word ? LM_TOK_NORMAL : LM_TOK_PREFIX;
    }
    rc = lm_vocab_init(v, n, pc, sc, ty);
out:
    for (int i = 0; i < ws.n; i++) free(ws.w[i]);
    for (int i = 0; i < pieces.n; i++) free(pieces.w[i]);
    free(ws.w); free(pieces.w); free(pc); free(bytes); free(one); free(sc); free(ty);
    return rc;
}

/* ---- SPM tokenization (llama.cpp llm_tokenizer_spm) ---- */

typedef struct { int start, n, prev, next; } sym;
typedef struct { int left, right, size; float score; } bigram;

typedef struct {
    const lm_vocab *v;
    const char *text;
    sym *s;
    bigram *heap;
    int nheap, capheap;
} spm;

/* a pops before b: higher score, then the leftmost */
static int before(const bigram *a, const bigram *b)
{
    return a->score > b->score || (a->score == b->score && a->left < b->left);
}

static int heap_push(spm *t, bigram g)
{
    if (t->nheap == t->capheap) {
        int cap = t->capheap ? 2 * t->capheap : 64;
        bigram *h = realloc(t->heap, (size_t)cap * sizeof *h);
        if (!h) return -1;
        t->heap = h; t->capheap = cap;
    }
    int i = t->nheap++;
    while (i > 0 && before(&g, &t->heap[(i - 1) / 2])) {
        t->heap[i] = t->heap[(i - 1) / 2];
        i = (i - 1) / 2;
    }
    t->heap[i] = g;
    return 0;
}

static bigram heap_pop(spm *t)
{
    bigram top = t->heap[0], last = t->heap[--t->nheap];
    int i = 0;
    for (;;) {
        int c = 2 * i + 1;
        if (c >= t->nheap) break;
        if (c + 1 < t->nheap && before(&t->heap[c + 1], &t->heap[c])) c++;
        if (!before(&t->heap[c], &last)) break;
        t->heap[i] = t->heap[c];
        i = c;
    }
    if (t->nheap) t->heap[i] = last;
    return top;
}

static int try_bigram(spm *t, int l, int r)
{
    if (l < 0 || r < 0) return 0;
    int id = lm_vocab_find(t->v, t->text + t->s[l].start, (size_t)(t->s[l].n + t->s[r].n));
    if (id < 0) return 0;
    return heap_push(t, (bigram){ l, r, t->s[l].n + t->s[r].n, t->v->score[id] });
}

static int utf8_len(unsigned char c)
{
    static const int lens[16] = { 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 2, 2, 3, 4 };
    return lens[c >> 4];
}

/* Known word: every token of the word is a whole vocabulary token. */
static int is_whole(const lm_vocab *v, int id)
{
    return v->type[id] == LM_TOK_NORMAL;
}

int lm_vocab_tokenize(const lm_vocab *v, const char *text, int *ids, int max, int *n_unk,
                      char *unk_words, size_t unk_cap)
{
    size_t tl = strlen(text), n = 3;
    for (size_t i = 0; i < tl; i++) n += text[i] == ' ' ? 3 : 1;
    char *esc = malloc(n + 1);
    sym *s = malloc((n + 1) * sizeof *s);
    int *out = malloc((n + 1) * sizeof *out), *word_of = malloc((n + 1) * sizeof *word_of);
    spm t = { v, esc, s, NULL, 0, 0 };
    int count = -1, nsym = 0, nout = 0;
    if (n_unk) *n_unk = 0;
    if (unk_words && unk_cap) unk_words[0] = 0;
    if (!esc || !s || !out || !word_of) goto out;

    /* " " + text, spaces escaped to ▁ */
    size_t m = 0;
    memcpy(esc, SPACE, 3); m = 3;
    for (size_t i = 0; i < tl; i++) {
        if (text[i] == ' ') { memcpy(esc + m, SPACE, 3); m += 3; }
        else esc[m++] = text[i];
    }
    esc[m] = 0;
    for (size_t off = 0; off < m;) {
        int len = utf8_len((unsigned char)esc[off]);
        if ((size_t)len > m - off) len = (int)(m - off);
        s[nsym] = (sym){ (int)off, len, nsym - 1, -1 };
        if (nsym) s[nsym - 1].next = nsym;
        nsym++;
        off += (size_t)len;
    }
    for (int i = 1; i < nsym; i++)
        if (try_bigram(&t, i - 1, i)) goto out;
    while (t.nheap) {
        bigram g = heap_pop(&t);
        sym *l = &s[g.left], *r = &s[g.right];
        if (l->n == 0 || r->n == 0 || l->n + r->n != g.size) continue;
        l->n += r->n;
        r->n = 0;
        l->next = r->next;
        if (r->next >= 0) s[r->next].prev = g.left;
        if (try_bigram(&t, l->prev, g.left) || try_bigram(&t, g.left, l->next)) goto out;
    }

    /* emit; a symbol that is no token falls back to its bytes */
    int word = -1;
    for (int i = 0; i >= 0 && nsym; i = s[i].next) {
        const char *p = esc + s[i].start;
        if (!strncmp(p, SPACE, 3)) word++;
        int id = lm_vocab_find(v, p, (size_t)s[i].n);
        if (id >= 0) {
            word_of[nout] = word; out[nout++] = id;
        } else {
            for (int b = 0; b < s[i].n; b++) {
                word_of[nout] = word;
                out[nout++] = v->byte_tok[(unsigned char)p[b]];
            }
        }
    }

    /* n_unk: words (▁-started groups) holding a token that is not whole */
    size_t uw = 0;
    for (int i = 0; i < nout;) {
        int j = i, bad = 0;
        while (j < nout && word_of[j] == word_of[i]) bad |= !is_whole(v, out[j++]);
        if (bad) {
            if (n_unk) (*n_unk)++;
            if (unk_words && unk_cap) {
                /* the word's original text: skip the leading ▁, copy to the next ▁ */
                const char *p = esc + s[0].start;
                int w = -1;
                size_t k = 0;
                while (k < m) {
                    if (!strncmp(p + k, SPACE, 3) && ++w == word_of[i]) break;
                    k += !strncmp(p + k, SPACE, 3) ? 3 : 1;
                }
                k += 3;
                size_t e = k;
                while (e < m && strncmp(p + e, SPACE, 3)) e++;
                if (e > k && uw + (e - k) + 2 <= unk_cap) {
                    if (uw) unk_words[uw++] = ' ';
                    memcpy(unk_words + uw, p + k, e - k);
                    uw += e - k;
                    unk_words[uw] = 0;
                }
            }
        }
        i = j;
    }
    for (int i = 0; i < nout && i < max; i++) ids[i] = out[i];
    count = nout;
out:
    free(esc); free(s); free(out); free(word_of); free(t.heap);
    return count;
}

int lm_vocab_piece(const lm_vocab *v, int id, char *buf, size_t cap)
{
    if (id < 0 || id >= v->n || !cap) return 0;
    const char *p = v->piece[id];
    size_t w = 0;
    if (v->type[id] == LM_TOK_CONTROL || v->type[id] == LM_TOK_UNKNOWN) {
        buf[0] = 0;
        return 0;
    }
    if (v->type[id] == LM_TOK_BYTE) {
        unsigned b = 0;
        sscanf(p, "<0x%02X>", &b);
        if (cap > 1) { buf[w++] = (char)b; }
        buf[w] = 0;
        return (int)w;
    }
    while (*p && w + 1 < cap) {
        if (!strncmp(p, SPACE, 3)) { buf[w++] = ' '; p += 3; }
        else buf[w++] = *p++;
    }
    buf[w] = 0;
    return (int)w;
}
