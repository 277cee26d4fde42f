/* markdown: a run as a Markdown document. */
#include "tutor/markdown.h"

#include <stdlib.h>
#include <string.h>

/* The outline indents each level two spaces, so its size grows as nodes
 * times depth: a 10,000-step chain would take 100 MB. Nodes deeper than
 * OUTLINE_DEPTH are left out of it (and the file says so); the chosen path
 * above it lists every step whatever its depth. */
enum { OUTLINE_CHARS = 70, OUTLINE_DEPTH = 40 };

static int cancelled(const atomic_int *cancel)
{
    return cancel && atomic_load(cancel);
}

/* Inline text on one line: Markdown's active characters escaped, line
 * breaks as spaces, at most max characters (then "…"; 0: no limit). */
static void put_inline(FILE *f, const char *s, int max)
{
    int chars = 0;
    if (!s) return;
    while (*s == ' ' || *s == '\n') s++;
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if ((c & 0xc0) != 0x80 && max > 0 && chars++ == max) {
            fputs("\xe2\x80\xa6", f);
            return;
        }
        if (c == '\n' || c == '\r' || c == '\t') fputc(' ', f);
        else if (c < 0x20 || c == 0x7f) continue;
        else if (strchr("\\`*_[]<>|~#", c)) { fputc('\\', f); fputc(c, f); }
        else fputc(c, f);
    }
}

/* A fenced block that no backtick run inside the text can close. */
static void put_fenced(FILE *f, const char *s)
{
    int longest = 0, run = 0;
    size_t len = s ? strlen(s) : 0;
    for (size_t i = 0; i < len; i++) {
        run = s[i] == '`' ? run + 1 : 0;
        if (run > longest) longest = run;
    }
    int fence = longest >= 3 ? longest + 1 : 3;
    for (int i = 0; i < fence; i++) fputc('`', f);
    fputs("text\n", f);
    if (len) {
        fwrite(s, 1, len, f);
        if (s[len - 1] != '\n') fputc('\n', f);
    }
    for (int i = 0; i < fence; i++) fputc('`', f);
    fputs("\n\n", f);
}

static const event *find_kind(const event_log *log, event_kind k, int last)
{
    const event *found = NULL;
    for (int i = 0; log && i < log->n; i++)
        if (log->v[i]->kind == k) {
            found = log->v[i];
            if (!last) break;
        }
    return found;
}

static void put_settings(FILE *f, const trace *t, const event *rs, const event *done)
{
    fputs("## Settings\n\n| setting | value |\n|---|---|\n", f);
    if (rs) {
        fputs("| strategy | ", f); put_inline(f, rs->strategy, 0); fputs(" |\n", f);
        fputs("| model | ", f); put_inline(f, rs->model, 0); fputs(" |\n", f);
        if (rs->n > 0) fprintf(f, "| n (samples or branches) | %d |\n", rs->n);
        if (rs->temperature >= 0) fprintf(f, "| temperature | %.2g |\n", rs->temperature);
        if (rs->seed >= 0) fprintf(f, "| seed | %lld |\n", rs->seed);
        fprintf(f, "| task | %s |\n", rs->task == 1 ? "Game of 24" : "word problem");
    }
    /* the last usage event's totals, or the done event's when it has more */
    long in = t->tokens_in, out = t->tokens_out, think = t->thinking_tokens;
    if (done && done->tokens_out > out) { in = done->tokens_in; out = done->tokens_out;
                                          think = done->thinking_tokens; }
    fprintf(f, "| tokens | %ld in, %ld out", in, out);
    if (think > 0) fprintf(f, " (%ld thinking)", think);
    fputs(" |\n", f);
    if (done && done->elapsed_ms > 0) fprintf(f, "| time | %.1f s |\n", done->elapsed_ms / 1000.0);
    if (done && done->saved > 0) fprintf(f, "| saved by early stop | %d samples |\n", done->saved);
    fputc('\n', f);
}

static const char *outcome(const trace *t)
{
    if (!t->done) return "cut off: the run has no end (the program was stopped)";
    switch (t->run) {
    case RUN_OK: return "ok";
    case RUN_NO_ANSWER: return "no answer: the model replied, but no answer was found";
    case RUN_CANCELLED: return "cancelled";
    case RUN_FAILED: return "failed";
    case RUN_NO_SOLUTION: return "no solution found: no expression made 24 with each number once";
    }
    return "?";
}

static void put_answer(FILE *f, const trace *t, const event *done)
{
    fputs("## Answer\n\n", f);
    if (t->answer && *t->answer) {
        fputs("**", f);
        put_inline(f, t->answer, 0);
        fputs("**", f);
        if (t->guess)
            fputs(" (a guess: the problem is outside what the model knows)", f);
        if (t->has_votes && t->votes.n && !t->votes.weighted && t->votes.total > 0)
            fprintf(f, " (%d of %d votes, %.0f%%)", t->votes.e[0].count, t->votes.total,
                    100.0 * t->votes.e[0].count / t->votes.total);
        else if (done && done->confidence >= 0)
            fprintf(f, " (confidence %.0f%%)", 100.0 * done->confidence);
        fputs("\n\n", f);
    } else {
        fputs("No answer.\n\n", f);
    }
    fprintf(f, "Status: %s.\n\n", outcome(t));
    if (t->error && *t->error) {
        fputs("Error: ", f);
        put_inline(f, t->error, 0);
        fputs("\n\n", f);
    }
}

static void put_votes(FILE *f, const tally *v)
{
    int total = v->total > 0 ? v->total : 1;
    fputs("## Votes\n\n", f);
    fputs(v->weighted ? "| answer | votes | share | weight |\n|---|---:|---:|---:|\n"
                      : "| answer | votes | share |\n|---|---:|---:|\n", f);
    for (int i = 0; i < v->n; i++) {
        fputs("| ", f);
        put_inline(f, v->e[i].answer, 0);
        fprintf(f, " | %d | %.0f%% |", v->e[i].count, 100.0 * v->e[i].count / total);
        if (v->weighted) fprintf(f, " %.2f |", v->e[i].weight);
        fputc('\n', f);
    }
    if (v->no_answer > 0)
        fprintf(f, "| *no answer* | %d | %.0f%% |%s\n", v->no_answer,
                100.0 * v->no_answer / total, v->weighted ? " |" : "");
    fputc('\n', f);
}

/* "value 41, p=0.91, N=12 Q=0.61, check ok" */
static void put_scores(FILE *f, const trace_node *n)
{
    const node_scores *s = &n->scores;
    const char *sep = "";
    if (s->has & SCORE_VALUE) { fprintf(f, "%svalue %g", sep, s->value); sep = ", "; }
    if (s->has & SCORE_PRM) { fprintf(f, "%sp=%.2f", sep, s->prm); sep = ", "; }
    if (s->has & SCORE_ORM) { fprintf(f, "%sorm=%.2f", sep, s->orm); sep = ", "; }
    if (s->has & SCORE_VISITS) {
        fprintf(f, "%sN=%d", sep, s->visits);
        if ((s->has & SCORE_W) && s->visits > 0) fprintf(f, " Q=%.2f", s->w / s->visits);
        sep = ", ";
    }
    if (s->has & SCORE_LOGPROB) { fprintf(f, "%slogprob %.2f", sep, s->logprob); sep = ", "; }
    if ((s->has & SCORE_CHECK) && s->check != CHECK_NONE)
        fprintf(f, "%s%s", sep, s->check == CHECK_OK ? "\xe2\x9c\x93" :
                s->check == CHECK_WRONG ? "\xe2\x9c\x97" : "unchecked");
}

static int has_scores(const trace_node *n)
{
    return (n->scores.has & ~(unsigned)SCORE_CHECK) != 0 ||
           ((n->scores.has & SCORE_CHECK) && n->scores.check != CHECK_NONE);
}

/* A node's whole text: its thinking, then its answer text. */
static void put_node_text(FILE *f, const trace_node *n)
{
    if (n->thinking.len) {
        fputs("Thinking:\n\n", f);
        put_fenced(f, n->thinking.s);
    }
    if (n->answer_text.len) put_fenced(f, n->answer_text.s);
    if (!n->thinking.len && !n->answer_text.len) {
        if (n->label && *n->label) put_fenced(f, n->label);
        else fputs("(no text)\n\n", f);
    }
}

static void put_samples(FILE *f, const trace *t, const atomic_int *cancel)
{
    int k = 0;
    fputs("## Samples\n\n", f);
    for (int i = 0; i < t->n && !cancelled(cancel); i++) {
        const trace_node *n = &t->nodes[i];
        if (n->kind == NODE_ROOT) continue;
        fprintf(f, "### %s %d: ", n->kind == NODE_SAMPLE ? "Sample" : node_kind_name(n->kind), ++k);
        if (n->answer && *n->answer) put_inline(f, n->answer, 0);
        else fputs("no answer", f);
        if (n->status != NS_DONE) fprintf(f, " (%s)", node_status_name(n->status));
        fputs("\n\n", f);
        if (has_scores(n)) { fputs("Scores: ", f); put_scores(f, n); fputs("\n\n", f); }
        if (n->mark) { fputs("Checker: ", f); put_inline(f, n->mark, 0); fputs("\n\n", f); }
        if (n->error && *n->error) { fputs("Error: ", f); put_inline(f, n->error, 0); fputs("\n\n", f); }
        put_node_text(f, n);
    }
    if (k == 0) fputs("No samples.\n\n", f);
}

static void put_path(FILE *f, const trace *t, const atomic_int *cancel)
{
    int leaf = trace_chosen_leaf(t), depth = 0;
    fputs("## Chosen path\n\n", f);
    if (leaf < 0) { fputs("No path was chosen.\n\n", f); return; }
    for (int x = leaf; x > 0; x = t->nodes[x].parent) depth++;
    int *path = malloc((size_t)depth * sizeof *path);
    if (!path) return;
    for (int x = leaf, i = depth - 1; x > 0 && i >= 0; x = t->nodes[x].parent) path[i--] = x;
    for (int i = 0; i < depth && !cancelled(cancel); i++) {
        const trace_node *n = &t->nodes[path[i]];
        fprintf(f, "### Step %d (node %d, %s)\n\n", i + 1, n->id, node_kind_name(n->kind));
        if (has_scores(n)) { fputs("Scores: ", f); put_scores(f, n); fputs("\n\n", f); }
        if (n->mark) { fputs("Checker: ", f); put_inline(f, n->mark, 0); fputs("\n\n", f); }
        if (n->answer && *n->answer) { fputs("Answer: **", f); put_inline(f, n->answer, 0); fputs("**\n\n", f); }
        put_node_text(f, n);
    }
    free(path);
}

static void put_outline(FILE *f, const trace *t, const atomic_int *cancel)
{
    int pruned = 0, maxd = 0, deeper = 0, *stack, sp = 0;
    for (int i = 1; i < t->n; i++) {
        pruned += t->nodes[i].status == NS_PRUNED;
        deeper += t->nodes[i].depth > OUTLINE_DEPTH;
        if (t->nodes[i].depth > maxd) maxd = t->nodes[i].depth;
    }
    fprintf(f, "## Tree\n\n%d nodes, %d pruned, %d deep. "
               "**Bold**: the chosen path; ~~struck~~: pruned.\n\n", t->n, pruned, maxd);
    if (deeper)
        fprintf(f, "This outline stops at depth %d: the %d node%s below it %s left out.\n\n",
                OUTLINE_DEPTH, deeper, deeper == 1 ? "" : "s", deeper == 1 ? "is" : "are");
    if (t->n == 0) return;
    stack = malloc((size_t)t->n * sizeof *stack);
    if (!stack) return;
    stack[sp++] = 0;
    /* depth first, children in order, without recursion */
    while (sp > 0 && !cancelled(cancel)) {
        const trace_node *n = &t->nodes[stack[--sp]];
        if (n->depth < OUTLINE_DEPTH)
            for (int c = n->n_children - 1; c >= 0; c--)
                if (sp < t->n) stack[sp++] = n->children[c];
        for (int d = 0; d < n->depth; d++) fputs("  ", f);
        fprintf(f, "- %d ", n->id);
        if (n->kind == NODE_ROOT) { fputs("problem\n", f); continue; }
        const char *wrap = n->status == NS_CHOSEN ? "**" : n->status == NS_PRUNED ? "~~" : "";
        fputs(wrap, f);
        put_inline(f, trace_node_text(n), OUTLINE_CHARS);
        fputs(wrap, f);
        if (has_scores(n)) { fputs(" · ", f); put_scores(f, n); }
        if (n->answer && *n->answer) { fputs(" → ", f); put_inline(f, n->answer, 0); }
        if (n->status != NS_DONE && n->status != NS_CHOSEN && n->status != NS_PRUNED)
            fprintf(f, " (%s)", node_status_name(n->status));
        if (n->mark) { fputs(" · ", f); put_inline(f, n->mark, 0); }
        if (n->status == NS_PRUNED && n->reason && !(n->mark && strstr(n->reason, n->mark))) {
            fputs(" · pruned: ", f);
            put_inline(f, n->reason, 0);
        }
        fputc('\n', f);
    }
    free(stack);
    fputc('\n', f);
}

static void put_notes(FILE *f, const event_log *log)
{
    int any = 0;
    for (int i = 0; log && i < log->n; i++) {
        const event *e = log->v[i];
        if (e->kind != EV_NOTICE && !(e->kind == EV_ERROR && !e->retryable)) continue;
        if (!any) fputs("## Notes\n\n", f);
        any = 1;
        fputs(e->kind == EV_ERROR ? "- error: " : "- ", f);
        put_inline(f, e->text, 0);
        fputc('\n', f);
    }
    if (any) fputc('\n', f);
}

int export_markdown(const trace *t, const event_log *log, FILE *f)
{
    return export_markdown_until(t, log, f, NULL);
}

int export_markdown_until(const trace *t, const event_log *log, FILE *f,
                          const atomic_int *cancel)
{
    const event *rs = find_kind(log, EV_RUN_START, 0), *done = find_kind(log, EV_DONE, 1);
    const char *strategy = rs && rs->strategy ? rs->strategy : NULL;
    fputs("# ponder run", f);
    if (strategy) { fputs(": ", f); put_inline(f, strategy, 0); }
    if (rs && rs->model) { fputs(" on ", f); put_inline(f, rs->model, 0); }
    fputs("\n\n## Problem\n\n", f);
    put_fenced(f, t->problem ? t->problem : rs && rs->text ? rs->text : "");
    put_settings(f, t, rs, done);
    put_answer(f, t, done);
    if (t->has_votes) put_votes(f, &t->votes);
    if (trace_is_tree(t)) {
        put_path(f, t, cancel);
        put_outline(f, t, cancel);
    } else {
        put_samples(f, t, cancel);
    }
    put_notes(f, log);
    return ferror(f) || cancelled(cancel) ? -1 : 0;
}
