/* weights.c: save and mmap-load the weights file (see weights.h). */
#include "lm/weights.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

enum { HEADER = 40, ALIGN = 64 };

unsigned long long lm_fnv1a64(const void *p, size_t n)
{
    const unsigned char *b = p;
    uint64_t h = 0xcbf29ce484222325ull;
    for (size_t i = 0; i < n; i++) h = (h ^ b[i]) * 0x100000001b3ull;
    return h;
}

static void put32(unsigned char *p, uint32_t v)
{
    for (int i = 0; i < 4; i++) p[i] = (unsigned char)(v >> (8 * i));
}

static uint32_t get32(const unsigned char *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static size_t align_up(size_t n)
{
    return (n + ALIGN - 1) / ALIGN * ALIGN;
}

int lm_weights_save(const char *path, const lm_config *c, const lm_vocab *v,
                    const float *params, char *err, size_t errlen)
{
    size_t vbytes = 0;
    for (int i = 0; i < v->n; i++) vbytes += 7 + strlen(v->piece[i]);
    size_t np = lm_param_sizes(c, (size_t[P_NUM]){ 0 });
    size_t toff = align_up(HEADER + vbytes), total = toff + np * 4 + 8;
    unsigned char *buf = calloc(1, total);
    char tmp[4096];
    int fd = -1;
    if (!buf) { snprintf(err, errlen, "out of memory writing %s", path); return -1; }
    memcpy(buf, LM_WEIGHTS_MAGIC, 8);
    put32(buf + 8, LM_WEIGHTS_VERSION);
    const int cf[6] = { c->vocab, c->ctx, c->dim, c->layers, c->heads, c->ffn };
    for (int i = 0; i < 6; i++) put32(buf + 12 + 4 * i, (uint32_t)cf[i]);
    put32(buf + 36, (uint32_t)vbytes);
    unsigned char *p = buf + HEADER;
    for (int i = 0; i < v->n; i++) {
        size_t len = strlen(v->piece[i]);
        uint32_t sc;
        memcpy(&sc, &v->score[i], 4);
        *p++ = v->type[i];
        put32(p, sc); p += 4;
        *p++ = (unsigned char)(len & 0xff); *p++ = (unsigned char)(len >> 8);
        memcpy(p, v->piece[i], len); p += len;
    }
    memcpy(buf + toff, params, np * 4);
    uint64_t h = lm_fnv1a64(buf, total - 8);
    for (int i = 0; i < 8; i++) buf[total - 8 + i] = (unsigned char)(h >> (8 * i));

    snprintf(tmp, sizeof tmp, "%s.tmp", path);
    fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd < 0) goto fail;
    for (size_t off = 0; off < total;) {
        ssize_t k = write(fd, buf + off, total - off);
        if (k < 0) { if (errno == EINTR) continue; goto fail; }
        off += (size_t)k;
    }
    if (fsync(fd) || close(fd)) { fd = -1; goto fail; }
    fd = -1;
    if (rename(tmp, path)) goto fail;
    free(buf);
    return 0;
fail:
    snprintf(err, errlen, "cannot write %s: %s", path, strerror(errno));
    if (fd >= 0) close(fd);
    unlink(tmp);
    free(buf);
    return -1;
}

void lm_weights_done(lm_weights *w)
{
    lm_vocab_done(&w->vocab);
    if (w->map) munmap(w->map, w->map_len);
    memset(w, 0, sizeof *w);
}

int lm_weights_load(lm_weights *w, const char *path, char *err, size_t errlen)
{
    memset(w, 0, sizeof *w);
    int fd = open(path, O_RDONLY);
    if (fd < 0) {
        snprintf(err, errlen, "cannot open model weights %s: %s", path, strerror(errno));
        return -1;
    }
    struct stat st;
    if (fstat(fd, &st) || st.st_size < HEADER + 8) {
        snprintf(err, errlen, "model weights %s are truncated (%lld bytes)", path,
                 (long long)st.st_size);
        close(fd);
        return -1;
    }
    size_t len = (size_t)st.st_size;
    void *map = mmap(NULL, len, PROT_READ, MAP_PRIVATE, fd, 0);
    close(fd);
    if (map == MAP_FAILED) {
        snprintf(err, errlen, "cannot map model weights %s: %s", path, strerror(errno));
        return -1;
    }
    w->map = map;
    w->map_len = len;
    const unsigned char *b = map;
    char **pieces = NULL;
    float *scores = NULL;
    unsigned char *types = NULL;
    if (memcmp(b, LM_WEIGHTS_MAGIC, 8)) {
        snprintf(err, errlen, "%s is not a ponder model file (bad magic)", path);
        goto fail;
    }
    if (get32(b + 8) != LM_WEIGHTS_VERSION) {
        snprintf(err, errlen, "%s has model file version %u; this ponder reads version %u",
                 path, get32(b + 8), LM_WEIGHTS_VERSION);
        goto fail;
    }
    lm_config *c = &w->cfg;
    c->vocab = (int)get32(b + 12); c->ctx = (int)get32(b + 16); c->dim = (int)get32(b + 20);
    c->layers = (int)get32(b + 24); c->heads = (int)get32(b + 28); c->ffn = (int)get32(b + 32);
    size_t vbytes = get32(b + 36);
    if (c->vocab < 260 || c->vocab > 1 << 20 || c->ctx < 1 || c->ctx > 1 << 16 ||
        c->dim < 1 || c->dim > 1 << 14 || c->layers < 1 || c->layers > 256 || c->heads < 1 ||
        c->dim % c->heads || c->ffn < 1 || c->ffn > 1 << 16) {
        snprintf(err, errlen, "%s has an invalid model configuration", path);
        goto fail;
    }
    size_t np = lm_param_sizes(c, (size_t[P_NUM]){ 0 });
    size_t toff = align_up(HEADER + vbytes);
    if (vbytes > len || toff + np * 4 + 8 != len) {
        snprintf(err, errlen, "model weights %s are truncated or padded (%zu bytes, expected %zu)",
                 path, len, toff + np * 4 + 8);
        goto fail;
    }
    uint64_t want = 0;
    for (int i = 0; i < 8; i++) want |= (uint64_t)b[len - 8 + i] << (8 * i);
    if (lm_fnv1a64(b, len - 8) != want) {
        snprintf(err, errlen, "model weights %s are corrupt (checksum mismatch)", path);
        goto fail;
    }
    pieces = calloc((size_t)c->vocab, sizeof *pieces);
    scores = malloc((size_t)c->vocab * sizeof *scores);
    types = malloc((size_t)c->vocab);
    if (!pieces || !scores || !types) { snprintf(err, errlen, "out of memory"); goto fail; }
    const unsigned char *p = b + HEADER, *end = b + HEADER + vbytes;
    for (int i = 0; i < c->vocab; i++) {
        if (end - p < 7) goto badvocab;
        types[i] = p[0];
        uint32_t sc = get32(p + 1);
        memcpy(&scores[i], &sc, 4);
        size_t n = (size_t)p[5] | (size_t)p[6] << 8;
        p += 7;
        if ((size_t)(end - p) < n || !n || memchr(p, 0, n)) goto badvocab;
        pieces[i] = strndup((const char *)p, n);
        if (!pieces[i]) goto badvocab;
        p += n;
    }
    if (lm_vocab_init(&w->vocab, c->vocab, (const char *const *)pieces, scores, types))
        goto badvocab;
    for (int i = 0; i < c->vocab; i++) free(pieces[i]);
    free(pieces); free(scores); free(types);
    w->params = (const float *)(b + toff);
    return 0;
badvocab:
    snprintf(err, errlen, "model weights %s have a malformed vocabulary", path);
fail:
    if (pieces)
        for (int i = 0; i < c->vocab; i++) free(pieces[i]);
    free(pieces); free(scores); free(types);
    munmap(map, len);
    w->map = NULL;
    lm_vocab_done(&w->vocab);
    return -1;
}
