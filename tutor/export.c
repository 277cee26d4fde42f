/* export: DOT and JSON Lines from a run. */
#include "tutor/export.h"
#include "tutor/atomicfile.h"
#include "tutor/markdown.h"
#include "tutor/mem.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

enum { LABEL_CHARS = 40 };

void event_log_init(event_log *l)
{
    memset(l, 0, sizeof *l);
}

void event_log_done(event_log *l)
{
    for (int i = 0; i < l->n; i++)
        event_free(l->v[i]);
    free(l->v);
    memset(l, 0, sizeof *l);
}

void event_log_adopt(event_log *l, event *ev)
{
    if (l->n == l->cap) {
        l->cap = l->cap ? 2 * l->cap : 64;
        l->v = mem_realloc(l->v, (size_t)l->cap * sizeof *l->v);
    }
    l->v[l->n++] = ev;
}

void event_log_push(event_log *l, const event *ev)
{
    event_log_adopt(l, event_dup(ev));
}

/* Length of the valid UTF-8 sequence at s (len > 0 bytes), or 0 when the
 * bytes there are not one (bad lead, short, overlong, surrogate, > U+10FFFF). */
static size_t utf8_valid(const unsigned char *s, size_t len)
{
    unsigned c = s[0], cp;
    size_t n;
    if (c < 0x80) return 1;
    if (c >= 0xc2 && c <= 0xdf) { n = 2; cp = c & 0x1f; }
    else if (c >= 0xe0 && c <= 0xef) { n = 3; cp = c & 0x0f; }
    else if (c >= 0xf0 && c <= 0xf4) { n = 4; cp = c & 0x07; }
    else return 0;
    if (len < n) return 0;
    for (size_t i = 1; i < n; i++) {
        if ((s[i] & 0xc0) != 0x80) return 0;
        cp = cp << 6 | (s[i] & 0x3f);
    }
    if ((n == 3 && (cp < 0x800 || (cp >= 0xd800 && cp <= 0xdfff))) ||
        (n == 4 && (cp < 0x10000 || cp > 0x10ffff)))
        return 0;
    return n;
}

/* Writes s inside a DOT double-quoted string: at most max characters
 * (then "…"), quotes and backslashes escaped, a newline as DOT's \n (or a
 * space when flat), other control bytes as spaces, bad UTF-8 as U+FFFD. */
static void put_esc(FILE *f, const char *str, int max, int flat)
{
    const unsigned char *s = (const unsigned char *)(str ? str : "");
    size_t len = strlen((const char *)s);
    int chars = 0;
    while (len > 0) {
        size_t n = utf8_valid(s, len);
        if (max > 0 && chars == max) { fputs("\xe2\x80\xa6", f); return; }
        if (n == 0) { fputs("\xef\xbf\xbd", f); n = 1; }
        else if (*s == '"' || *s == '\\') { fputc('\\', f); fputc(*s, f); }
        else if (*s == '\n') fputs(flat ? " " : "\\n", f);
        else if (*s < 0x20 || *s == 0x7f) fputc(' ', f);
        else fwrite(s, 1, n, f);
        s += n;
        len -= n;
        chars++;
    }
}

static void put_scores(FILE *f, const trace_node *n)
{
    const node_scores *sc = &n->scores;
    if (sc->has & SCORE_VALUE) fprintf(f, "\\nv=%g", sc->value);
    if (sc->has & SCORE_PRM) fprintf(f, "\\np=%.2f", sc->prm);
    if (sc->has & SCORE_ORM) fprintf(f, "\\norm=%.2f", sc->orm);
    if (sc->has & SCORE_VISITS) {
        fprintf(f, "\\nN=%d", sc->visits);
        if ((sc->has & SCORE_W) && sc->visits > 0) fprintf(f, " Q=%.2f", sc->w / sc->visits);
    }
    if ((sc->has & SCORE_CHECK) && sc->check == CHECK_WRONG) {
        /* "5² = 10 ✗, 5² = 25": the step shows the claim; add the fix */
        const char *fix = n->mark ? strstr(n->mark, "\xe2\x9c\x97, ") : NULL;
        fputs("\\n\xe2\x9c\x97 ", f);
        put_esc(f, fix && fix[5] ? fix + 5 : n->mark ? n->mark : "wrong step", LABEL_CHARS, 1);
    }
    if (n->answer && *n->answer) {
        fputs("\\n\xe2\x86\x92 ", f);
        put_esc(f, n->answer, LABEL_CHARS, 1);
    }
}

/* The edge's score: the child's value, else Q, else its PRM score. */
static int edge_label(FILE *f, const trace_node *n)
{
    const node_scores *sc = &n->scores;
    if (sc->has & SCORE_VALUE) return fprintf(f, ", label=\"%g\"", sc->value);
    if ((sc->has & SCORE_VISITS) && (sc->has & SCORE_W) && sc->visits > 0)
        return fprintf(f, ", label=\"Q=%.2f\"", sc->w / sc->visits);
    if (sc->has & SCORE_PRM) return fprintf(f, ", label=\"%.2f\"", sc->prm);
    return 0;
}

int export_dot(const trace *t, FILE *f)
{
    fputs("digraph ponder {\n"
          "  graph [rankdir=TB, fontname=\"Helvetica\"];\n"
          "  node [shape=box, style=\"rounded\", fontname=\"Helvetica\", fontsize=10];\n"
          "  edge [fontname=\"Helvetica\", fontsize=9, color=\"gray40\"];\n", f);
    for (int i = 0; i < t->n; i++) {
        const trace_node *n = &t->nodes[i];
        int wrong = (n->scores.has & SCORE_CHECK) && n->scores.check == CHECK_WRONG;
        fprintf(f, "  n%d [label=\"", n->id);
        if (n->kind == NODE_ROOT) {
            fputs("Problem: ", f);
            put_esc(f, t->problem && *t->problem ? t->problem : trace_node_text(n), 2 * LABEL_CHARS, 1);
        } else {
            put_esc(f, trace_node_text(n), LABEL_CHARS, 1);
            put_scores(f, n);
            if (n->status == NS_PRUNED && n->reason && !(n->mark && strstr(n->reason, n->mark))) {
                fputs("\\npruned: ", f);
                put_esc(f, n->reason, LABEL_CHARS, 1);
            }
        }
        fputc('"', f);
        if (n->kind == NODE_ROOT) fputs(", shape=note", f);
        else if (n->kind == NODE_ANSWER) fputs(", shape=doublecircle", f);
        else if (n->answer && *n->answer) fputs(", peripheries=2", f);
        if (n->status == NS_CHOSEN)
            fputs(", style=\"rounded,bold,filled\", penwidth=2.5, color=\"#1a7f37\", "
                  "fillcolor=\"#e6f4ea\"", f);
        else if (n->status == NS_PRUNED || n->status == NS_CANCELLED)
            fputs(", style=\"rounded,dashed\", color=\"gray60\", fontcolor=\"gray50\"", f);
        else if (n->status == NS_FAILED)
            fputs(", style=\"rounded,dotted\", color=\"orange\"", f);
        if (wrong) fputs(", color=\"red\", fontcolor=\"red\"", f);
        fputs("];\n", f);
    }
    for (int i = 0; i < t->n; i++) {
        const trace_node *n = &t->nodes[i];
        const trace_node *p = trace_cget(t, n->parent);
        if (!p) continue;
        fprintf(f, "  n%d -> n%d [", p->id, n->id);
        if (n->status == NS_CHOSEN &&
            (p->status == NS_CHOSEN || p->kind == NODE_ROOT))
            fputs("penwidth=2.5, color=\"#1a7f37\"", f);
        else if (n->status == NS_PRUNED || n->status == NS_CANCELLED)
            fputs("style=dashed, color=\"gray60\"", f);
        else fputs("penwidth=1", f);
        edge_label(f, n);
        fputs("];\n", f);
    }
    fputs("}\n", f);
    return ferror(f) ? -1 : 0;
}

int export_events(const event_log *log, FILE *f)
{
    return export_events_until(log, f, NULL);
}

int export_events_until(const event_log *log, FILE *f, const atomic_int *cancel)
{
    for (int i = 0; log && i < log->n; i++) {
        if (cancel && atomic_load(cancel))
            return -1;
        char *j = event_to_json(log->v[i]);
        if (!j) return -1;
        fputs(j, f);
        fputc('\n', f);
        free(j);
    }
    return ferror(f) ? -1 : 0;
}

static int ends_with(const char *s, const char *tail)
{
    size_t a = strlen(s), b = strlen(tail);
    return a >= b && strcmp(s + a - b, tail) == 0;
}

static int flags_of(const export_opts *o)
{
    return o && o->force ? ATOMICFILE_REPLACE : 0;
}

int export_check(const char *path, const export_opts *o, char *err, size_t errlen)
{
    return atomicfile_check(path, flags_of(o), err, errlen);
}

int export_file(const char *path, const trace *t, const event_log *log,
                const export_opts *o, char *err, size_t errlen)
{
    const atomic_int *cancel = o ? o->cancel : NULL;
    atomicfile a;
    int rc;
    /* new files as the umask says: an export is for sharing */
    if (atomicfile_open(&a, path, flags_of(o), 0666, err, errlen) < 0)
        return -1;
    errno = 0;
    if (ends_with(path, ".dot") || ends_with(path, ".gv"))
        rc = export_dot(t, a.f);
    else if (ends_with(path, ".md") || ends_with(path, ".markdown"))
        rc = export_markdown_until(t, log, a.f, cancel);
    else
        rc = export_events_until(log, a.f, cancel);
    if (cancel && atomic_load(cancel)) {
        atomicfile_abort(&a);
        snprintf(err, errlen, "%s: cancelled; nothing written", path);
        return -1;
    }
    if (rc < 0) {
        int e = errno ? errno : EIO;
        atomicfile_abort(&a);
        snprintf(err, errlen, "%s: %s", path, strerror(e));
        return -1;
    }
    return atomicfile_commit(&a, err, errlen);
}
