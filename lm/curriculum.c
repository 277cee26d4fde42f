/* curriculum.c: seeded inventory word problems (see curriculum.h). */
#include "lm/curriculum.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lm/g24.h"

const char cur_seed_problem[] =
    "A bakery has 45 croissants. They sell 12 in the morning, receive a delivery of 30 "
    "at noon, then sell 18 in the afternoon. How many croissants remain?";

/* ---- text buffer ---- */

typedef struct { char *p; size_t n, cap; } sbuf;

static void sb_add(sbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void sb_add(sbuf *b, const char *fmt, ...)
{
    if (b->n + 1 >= b->cap) return;
    va_list ap;
    va_start(ap, fmt);
    int k = vsnprintf(b->p + b->n, b->cap - b->n, fmt, ap);
    va_end(ap);
    if (k < 0) return;
    b->n += (size_t)k;
    if (b->n >= b->cap) b->n = b->cap - 1;
}

/* ---- word lists ---- */

enum { F_FOOD = 1, F_BAKED = 2 };
typedef struct { const char *sg, *pl; unsigned flags; } noun;

static const noun baked[] = {
    {"croissant", "croissants", F_FOOD | F_BAKED}, {"muffin", "muffins", F_FOOD | F_BAKED},
    {"cookie", "cookies", F_FOOD | F_BAKED}, {"bagel", "bagels", F_FOOD | F_BAKED},
    {"cupcake", "cupcakes", F_FOOD | F_BAKED}, {"pie", "pies", F_FOOD | F_BAKED},
    {"cake", "cakes", F_FOOD | F_BAKED}, {"roll", "rolls", F_FOOD | F_BAKED},
    {"loaf of bread", "loaves of bread", F_FOOD | F_BAKED},
};
static const noun produce[] = {
    {"apple", "apples", F_FOOD}, {"orange", "oranges", F_FOOD}, {"banana", "bananas", F_FOOD},
    {"egg", "eggs", F_FOOD}, {"lemon", "lemons", F_FOOD}, {"peach", "peaches", F_FOOD},
    {"potato", "potatoes", F_FOOD}, {"pumpkin", "pumpkins", F_FOOD}, {"melon", "melons", F_FOOD},
};
static const noun toys[] = {
    {"toy", "toys", 0}, {"ball", "balls", 0}, {"puzzle", "puzzles", 0}, {"doll", "dolls", 0},
    {"kite", "kites", 0}, {"toy car", "toy cars", 0},
};
static const noun books[] = {
    {"book", "books", 0}, {"magazine", "magazines", 0}, {"comic", "comics", 0},
    {"notebook", "notebooks", 0},
};
static const noun supplies[] = {
    {"pencil", "pencils", 0}, {"marker", "markers", 0}, {"notebook", "notebooks", 0},
    {"eraser", "erasers", 0}, {"ruler", "rulers", 0}, {"crayon", "crayons", 0},
};
static const noun flowers[] = {
    {"rose", "roses", 0}, {"tulip", "tulips", 0}, {"daisy", "daisies", 0},
    {"flower", "flowers", 0}, {"plant", "plants", 0},
};
static const noun personal[] = {
    {"apple", "apples", F_FOOD}, {"marble", "marbles", 0}, {"sticker", "stickers", 0},
    {"card", "cards", 0}, {"coin", "coins", 0}, {"book", "books", 0},
    {"pencil", "pencils", 0}, {"cookie", "cookies", F_FOOD | F_BAKED},
    {"candy", "candies", F_FOOD}, {"shell", "shells", 0}, {"stamp", "stamps", 0},
    {"balloon", "balloons", 0}, {"crayon", "crayons", 0}, {"bead", "beads", 0},
    {"strawberry", "strawberries", F_FOOD}, {"grape", "grapes", F_FOOD},
};

typedef struct { const noun *items; int n; } noun_list;
#define NL(a) { a, (int)(sizeof a / sizeof a[0]) }

typedef struct {
    const char *indef, *def;  /* "A bakery", "The bakery" */
    const char *loc;          /* "at the bakery" */
    noun_list items;
} place;

static const place places[] = {
    {"A bakery", "The bakery", "at the bakery", NL(baked)},
    {"A cafe", "The cafe", "at the cafe", NL(baked)},
    {"A store", "The store", "at the store", NL(produce)},
    {"A grocery store", "The grocery store", "at the grocery store", NL(produce)},
    {"A market", "The market", "at the market", NL(produce)},
    {"A farm", "The farm", "on the farm", NL(produce)},
    {"A toy store", "The toy store", "at the toy store", NL(toys)},
    {"A shop", "The shop", "in the shop", NL(toys)},
    {"A library", "The library", "in the library", NL(books)},
    {"A bookstore", "The bookstore", "at the bookstore", NL(books)},
    {"A school", "The school", "at the school", NL(supplies)},
    {"A classroom", "The classroom", "in the classroom", NL(supplies)},
    {"A flower shop", "The flower shop", "at the flower shop", NL(flowers)},
};

typedef struct { const char *name; int female; } person;
static const person people[] = {
    {"Maria", 1}, {"Tom", 0}, {"Sam", 0}, {"Lily", 1}, {"Ben", 0}, {"Anna", 1},
    {"Jake", 0}, {"Emma", 1}, {"Omar", 0}, {"Priya", 1}, {"Leo", 0}, {"Mia", 1},
    {"Noah", 0}, {"Zoe", 1}, {"Carlos", 0}, {"Aisha", 1}, {"David", 0}, {"Sara", 1},
    {"Ali", 0}, {"Grace", 1}, {"Lucas", 0}, {"Nina", 1}, {"Ravi", 0}, {"Chloe", 1},
};
static const noun_list person_items = NL(personal);

/* ---- events ---- */

enum op { OP_SUB, OP_ADD, OP_MUL, OP_PACKS, OP_DIV, OP_HALF, OP_BOXES, OP_N };

/* need: item flags the verb needs (for OP_MUL: the factor). Verb phrases in three forms: plural present (they), singular present (she),
 * past. Placeholders: {N} amount, {I} item agreeing with {N}, {P} item plural,
 * {K} {M} factors, {W} a friend word. */
typedef struct { int op; unsigned need; int person_only; const char *pl, *sg, *past; } vp;

static const vp vps[] = {
    {OP_SUB, 0, 0, "sell {N}", "sells {N}", "sold {N}"},
    {OP_SUB, 0, 0, "sell {N} {I}", "sells {N} {I}", "sold {N} {I}"},
    {OP_SUB, 0, 0, "give away {N}", "gives away {N}", "gave away {N}"},
    {OP_SUB, 0, 0, "give {N} to {W}", "gives {N} to {W}", "gave {N} to {W}"},
    {OP_SUB, 0, 0, "give {N} {I} to {W}", "gives {N} {I} to {W}", "gave {N} {I} to {W}"},
    {OP_SUB, 0, 0, "use {N}", "uses {N}", "used {N}"},
    {OP_SUB, F_FOOD, 0, "eat {N}", "eats {N}", "ate {N}"},
    {OP_SUB, 0, 0, "lose {N}", "loses {N}", "lost {N}"},
    {OP_SUB, 0, 0, "donate {N}", "donates {N}", "donated {N}"},
    {OP_SUB, 0, 0, "donate {N} {I} to charity", "donates {N} {I} to charity", "donated {N} {I} to charity"},
    {OP_SUB, 0, 0, "throw away {N}", "throws away {N}", "threw away {N}"},
    {OP_ADD, 0, 0, "receive a delivery of {N}", "receives a delivery of {N}", "received a delivery of {N}"},
    {OP_ADD, 0, 0, "receive {N} more", "receives {N} more", "received {N} more"},
    {OP_ADD, 0, 0, "buy {N} more", "buys {N} more", "bought {N} more"},
    {OP_ADD, 0, 0, "buy {N} more {I}", "buys {N} more {I}", "bought {N} more {I}"},
    {OP_ADD, F_BAKED, 0, "bake {N} more", "bakes {N} more", "baked {N} more"},
    {OP_ADD, 0, 1, "find {N} more", "finds {N} more", "found {N} more"},
    {OP_ADD, 0, 0, "get {N} from {W}", "gets {N} from {W}", "got {N} from {W}"},
    {OP_ADD, 0, 0, "get {N} more {I}", "gets {N} more {I}", "got {N} more {I}"},
    {OP_ADD, 0, 0, "add {N} more", "adds {N} more", "added {N} more"},
    {OP_MUL, 2, 0, "double the number of {P}", "doubles the number of {P}", "doubled the number of {P}"},
    {OP_MUL, 3, 0, "triple the number of {P}", "triples the number of {P}", "tripled the number of {P}"},
    {OP_PACKS, 0, 0, "buy {K} packs of {M}", "buys {K} packs of {M}", "bought {K} packs of {M}"},
    {OP_PACKS, 0, 0, "buy {K} packs with {M} {P} each", "buys {K} packs with {M} {P} each", "bought {K} packs with {M} {P} each"},
    {OP_PACKS, 0, 0, "receive {K} boxes of {M}", "receives {K} boxes of {M}", "received {K} boxes of {M}"},
    {OP_DIV, 0, 0, "share them equally among {K} people and keep one share",
     "shares them equally among {K} people and keeps one share",
     "shared them equally among {K} people and kept one share"},
    {OP_DIV, 0, 0, "split them equally into {K} groups and keep one group",
     "splits them equally into {K} groups and keeps one group",
     "split them equally into {K} groups and kept one group"},
    {OP_HALF, 0, 0, "give away half of them", "gives away half of them", "gave away half of them"},
    {OP_HALF, 0, 0, "sell half of them", "sells half of them", "sold half of them"},
    {OP_BOXES, 0, 0, "pack them into boxes of {K}", "packs them into boxes of {K}", "packed them into boxes of {K}"},
};
enum { N_VPS = (int)(sizeof vps / sizeof vps[0]) };

static const char *const friends[] = {
    "a friend", "a neighbor", "a cousin", "a classmate", "a customer", "the school",
    "a teacher", "friends",
};
/* Ordered time schemes: events take times in increasing order. */
static const char *const day_parts[] = {
    "in the morning", "at noon", "in the afternoon", "in the evening", "at night",
};
static const char *const weekdays[] = {
    "on Monday", "on Tuesday", "on Wednesday", "on Thursday", "on Friday", "on Saturday",
    "on Sunday",
};
static const char *const starters[] = { "Then", "After that,", "Later,", "Next," };

/* Intros: {S} subject noun phrase, {N} {P}. Person intros use a name. */
static const char *const intro_place_pres[] = {
    "{S} has {N} {P}.", "{S} starts the day with {N} {P}.", "There are {N} {P} {L}.",
    "{S} has {N} {P} in stock.",
};
static const char *const intro_place_past[] = {
    "{S} had {N} {P}.", "{S} started the day with {N} {P}.", "There were {N} {P} {L}.",
};
static const char *const intro_person_pres[] = {
    "{S} has {N} {P}.", "{S} starts with {N} {P}.", "{S} owns {N} {P}.",
};
static const char *const intro_person_past[] = {
    "{S} had {N} {P}.", "{S} started with {N} {P}.", "{S} owned {N} {P}.",
};
/* Questions: {P} items, {s} subject (lowercase form), {do} do/does. */
static const char *const q_pres[] = {
    "How many {P} remain?", "How many {P} are left?", "How many {P} {do} {s} have now?",
    "How many {P} {do} {s} have in the end?", "How many {P} are there now?",
    "How many {P} are left now?",
};
static const char *const q_past[] = {
    "How many {P} remained?", "How many {P} were left?", "How many {P} did {s} have in the end?",
    "How many {P} did {s} have left?", "How many {P} are left?",
};
static const char *const q_total[] = {
    "How many {P} {do} {s} have in total?", "How many {P} are there in total?",
};
static const char *const q_boxes_pres[] = {
    "How many boxes {do} {s} fill?", "How many full boxes are there?",
};
static const char *const q_boxes_past[] = {
    "How many boxes did {s} fill?", "How many full boxes were there?",
};

#define PICK(r, a) (a[lm_rng_int(r, (int)(sizeof a / sizeof a[0]))])

/* ---- problem state ---- */

typedef struct {
    const noun *item;
    int past;                  /* tense */
    int plural_subj;           /* "they" versus "she"/"Maria"/"the bakery" */
    const char *subj_cap, *subj_low;
    int is_person;
    const char *loc;
    const char *full;          /* noun phrase for the intro */
} story;

typedef struct { int op, a, k, m, result; } event;

/* Expands a template's placeholders. */
static void expand(sbuf *b, const char *t, const story *s, const event *e, const char *w)
{
    while (*t) {
        if (*t != '{') { sb_add(b, "%c", *t++); continue; }
        const char *end = strchr(t, '}');
        if (!end) { sb_add(b, "%s", t); return; }
        size_t n = (size_t)(end - t - 1);
        const char *k = t + 1;
        if (n == 1 && *k == 'N') sb_add(b, "%d", e->a);
        else if (n == 1 && *k == 'K') sb_add(b, "%d", e->k);
        else if (n == 1 && *k == 'M') sb_add(b, "%d", e->m);
        else if (n == 1 && *k == 'I') sb_add(b, "%s", e->a == 1 ? s->item->sg : s->item->pl);
        else if (n == 1 && *k == 'P') sb_add(b, "%s", s->item->pl);
        else if (n == 1 && *k == 'W') sb_add(b, "%s", w);
        else if (n == 1 && *k == 'S') sb_add(b, "%s", s->full);
        else if (n == 1 && *k == 'L') sb_add(b, "%s", s->loc);
        else if (n == 1 && *k == 's')
            sb_add(b, "%s%s", strncmp(s->subj_low, "The ", 4) ? "" : "the ",
                   s->subj_low + (strncmp(s->subj_low, "The ", 4) ? 0 : 4));
        else if (n == 2 && !strncmp(k, "do", 2)) sb_add(b, "%s", s->plural_subj ? "do" : "does");
        t = end + 1;
    }
}

typedef struct { int max_value, min_steps, max_steps; float w[OP_N]; } tier_spec;

static const tier_spec tiers[CUR_NTIERS] = {
    /*                 sub   add   mul   packs div   half  boxes */
    {99, 1, 2, {0.5f, 0.5f, 0, 0, 0, 0, 0}},
    {199, 3, 4, {0.42f, 0.42f, 0.06f, 0.05f, 0, 0.05f, 0}},
    {499, 4, 6, {0.3f, 0.3f, 0.1f, 0.1f, 0.08f, 0.06f, 0.06f}},
    {499, 7, 7, {0.3f, 0.3f, 0.1f, 0.1f, 0.08f, 0.06f, 0.06f}},
};

const char *cur_tier_name(int tier)
{
    static const char *const names[] = { "easy", "medium", "hard", "beyond" };
    return tier >= 0 && tier < CUR_NTIERS ? names[tier] : "?";
}

/* Picks a feasible event for value cur; returns 0 if none was found. */
static int pick_event(lm_rng *r, const tier_spec *t, int cur, int last, event *e)
{
    int max = t->max_value;
    for (int tries = 0; tries < 64; tries++) {
        float u = lm_rng_float(r), acc = 0;
        int op = OP_SUB;
        for (int i = 0; i < OP_N; i++) {
            acc += t->w[i];
            if (u < acc) { op = i; break; }
        }
        if (op == OP_BOXES && !last) continue;
        e->op = op; e->k = e->m = 0;
        switch (op) {
        case OP_SUB:
            if (cur < 1) continue;
            e->a = lm_rng_range(r, 1, cur); e->result = cur - e->a; return 1;
        case OP_ADD:
            if (cur >= max) continue;
            e->a = lm_rng_range(r, 1, max - cur); e->result = cur + e->a; return 1;
        case OP_MUL:
            e->k = lm_rng_range(r, 2, 3);
            if (cur < 2 || cur * e->k > max) continue;
            e->result = cur * e->k; return 1;
        case OP_PACKS:
            e->k = lm_rng_range(r, 2, 6); e->m = lm_rng_range(r, 2, 12);
            if (cur + e->k * e->m > max) continue;
            e->a = e->k * e->m; e->result = cur + e->a; return 1;
        case OP_DIV: case OP_BOXES:
            e->k = lm_rng_range(r, 2, 6);
            if (cur < e->k || cur % e->k) continue;
            e->result = cur / e->k; return 1;
        case OP_HALF:
            if (cur < 2 || cur % 2) continue;
            e->k = 2; e->result = cur / 2; return 1;
        }
    }
    return 0;
}

/* Appends the chain-of-thought lines for one event, starting at value cur. */
static void cot_event(sbuf *b, int cur, const event *e)
{
    switch (e->op) {
    case OP_SUB: sb_add(b, " %d - %d = %d.", cur, e->a, e->result); break;
    case OP_ADD: sb_add(b, " %d + %d = %d.", cur, e->a, e->result); break;
    case OP_MUL: sb_add(b, " %d * %d = %d.", cur, e->k, e->result); break;
    case OP_PACKS:
        sb_add(b, " %d * %d = %d. %d + %d = %d.", e->k, e->m, e->a, cur, e->a, e->result);
        break;
    default: sb_add(b, " %d / %d = %d.", cur, e->k, e->result); break;
    }
}

static const vp *pick_vp(lm_rng *r, const story *s, const event *e)
{
    for (;;) {
        const vp *v = &vps[lm_rng_int(r, N_VPS)];
        if (v->op != e->op || (v->person_only && !s->is_person)) continue;
        if (e->op == OP_MUL ? (int)v->need != e->k : (v->need & ~s->item->flags) != 0) continue;
        return v;
    }
}

static void clause(sbuf *b, lm_rng *r, const story *s, const event *e)
{
    const vp *v = pick_vp(r, s, e);
    const char *t = s->past ? v->past : s->plural_subj ? v->pl : v->sg;
    expand(b, t, s, e, PICK(r, friends));
}

static void make_story(lm_rng *r, story *s)
{
    memset(s, 0, sizeof *s);
    s->past = lm_rng_float(r) < 0.3f;
    if (lm_rng_float(r) < 0.5f) {
        const person *p = &people[lm_rng_int(r, (int)(sizeof people / sizeof people[0]))];
        s->is_person = 1;
        s->item = &person_items.items[lm_rng_int(r, person_items.n)];
        s->full = p->name;
        int use_name = lm_rng_float(r) < 0.3f;
        s->subj_cap = use_name ? p->name : p->female ? "She" : "He";
        s->subj_low = use_name ? p->name : p->female ? "she" : "he";
        s->loc = "";
    } else {
        const place *p = &places[lm_rng_int(r, (int)(sizeof places / sizeof places[0]))];
        s->item = &p->items.items[lm_rng_int(r, p->items.n)];
        s->full = lm_rng_float(r) < 0.6f ? p->indef : p->def;
        s->loc = p->loc;
        s->plural_subj = lm_rng_float(r) < 0.8f;
        s->subj_cap = s->plural_subj ? "They" : p->def;
        s->subj_low = s->plural_subj ? "they" : p->def;
    }
}

/* Subject as it appears after a sentence starter ("then they", "then the bakery"). */
static void subj_after(sbuf *b, const story *s)
{
    const char *x = s->subj_low;
    if (!strncmp(x, "The ", 4)) sb_add(b, "the %s", x + 4);
    else sb_add(b, "%s", x);
}

static void word_problem(lm_rng *r, const tier_spec *t, int tier, char *problem, char *cot,
                         long *answer);

void cur_word_problem(lm_rng *r, int tier, char *problem, char *cot, long *answer)
{
    word_problem(r, &tiers[tier], tier, problem, cot, answer);
}

/* Practice skills keep the tier's numbers and step counts but draw only
 * the skill's events; multiply and divide keep to one or two events, so
 * the skill is what the problem is about. */
void cur_practice_problem(lm_rng *r, int skill, int tier, char *problem, char *cot, long *answer)
{
    if (tier < 0 || tier >= CUR_NTIERS)
        tier = CUR_EASY;
    tier_spec t = tiers[tier];
    static const float only[CUR_SKILL_MIXED][OP_N] = {
        /* sub   add   mul   packs div   half  boxes */
        {0, 1, 0, 0, 0, 0, 0},
        {1, 0, 0, 0, 0, 0, 0},
        {0, 0, 0.5f, 0.5f, 0, 0, 0},
        {0, 0, 0, 0, 0.4f, 0.3f, 0.3f},
    };
    if (skill >= 0 && skill < CUR_SKILL_MIXED) {
        memcpy(t.w, only[skill], sizeof t.w);
        if (skill == CUR_SKILL_MUL || skill == CUR_SKILL_DIV) {
            t.min_steps = 1;
            t.max_steps = 2;
        }
    } else if (skill == CUR_SKILL_MULTI) {
        if (t.min_steps < 3) t.min_steps = 3;
        if (t.max_steps < t.min_steps + 1) t.max_steps = t.min_steps + 1;
    }
    word_problem(r, &t, tier, problem, cot, answer);
}

static void word_problem(lm_rng *r, const tier_spec *t, int tier, char *problem, char *cot,
                         long *answer)
{
    story s;
    make_story(r, &s);
    event ev[16];
    int n, start, cur;
    for (;;) {  /* draw until every step is feasible */
        n = lm_rng_range(r, t->min_steps, t->max_steps);
        start = lm_rng_range(r, tier == CUR_EASY ? 5 : 10, t->max_value);
        if (lm_rng_float(r) < 0.5f) start = lm_rng_range(r, 5, (t->max_value + 1) / 2);
        cur = start;
        int ok = 1;
        for (int i = 0; i < n && ok; i++) {
            ok = pick_event(r, t, cur, i == n - 1, &ev[i]);
            if (ok) cur = ev[i].result;
        }
        if (ok) break;
    }

    sbuf pb = { problem, 0, CUR_TEXT }, cb = { cot, 0, CUR_TEXT };
    problem[0] = cot[0] = 0;
    event intro = { 0, start, 0, 0, 0 };
    expand(&pb, s.is_person ? (s.past ? PICK(r, intro_person_past) : PICK(r, intro_person_pres))
                            : (s.past ? PICK(r, intro_place_past) : PICK(r, intro_place_pres)),
           &s, &intro, "");

    /* times: none, parts of the day, or weekdays, increasing */
    const char *times[16] = { 0 };
    int scheme = lm_rng_int(r, 3);
    const char *const *tl = scheme == 1 ? day_parts : weekdays;
    int ntl = scheme == 1 ? 5 : 7;
    if (scheme && n <= ntl) {
        int pos = 0;
        for (int i = 0; i < n; i++) {
            int room = ntl - pos - (n - i);  /* slack left for later events */
            pos += lm_rng_int(r, room + 1);
            if (lm_rng_float(r) < 0.85f) times[i] = tl[pos];
            pos++;
        }
    }

    /* group events into sentences of 1-3 clauses */
    int i = 0, first = 1;
    while (i < n) {
        int k = lm_rng_range(r, 1, 3);
        if (k > n - i) k = n - i;
        int tprefix = times[i] && lm_rng_float(r) < 0.3f;
        sb_add(&pb, " ");
        if (tprefix) {
            sb_add(&pb, "%c%s, ", toupper((unsigned char)times[i][0]), times[i] + 1);
            subj_after(&pb, &s);
        } else if (!first && lm_rng_float(r) < 0.6f) {
            sb_add(&pb, "%s ", PICK(r, starters));
            subj_after(&pb, &s);
        } else {
            sb_add(&pb, "%s", s.subj_cap);
        }
        int style = lm_rng_int(r, 3);  /* ", then" / " and" / ", and then" before the last */
        for (int j = 0; j < k; j++) {
            if (j > 0) {
                if (j < k - 1) sb_add(&pb, ",");
                else sb_add(&pb, style == 0 ? ", then" : style == 1 ? " and" : ", and then");
            }
            sb_add(&pb, " ");
            clause(&pb, r, &s, &ev[i + j]);
            if (times[i + j] && !(j == 0 && tprefix)) sb_add(&pb, " %s", times[i + j]);
        }
        sb_add(&pb, ".");
        i += k;
        first = 0;
    }

    /* question */
    event none = { 0 };
    const char *q;
    if (ev[n - 1].op == OP_BOXES) q = s.past ? PICK(r, q_boxes_past) : PICK(r, q_boxes_pres);
    else if ((ev[n - 1].op == OP_ADD || ev[n - 1].op == OP_PACKS) && !s.past && lm_rng_float(r) < 0.3f)
        q = PICK(r, q_total);
    else q = s.past ? PICK(r, q_past) : PICK(r, q_pres);
    sb_add(&pb, " ");
    expand(&pb, q, &s, &none, "");

    cur = start;
    for (int j = 0; j < n; j++) {
        cot_event(&cb, cur, &ev[j]);
        cur = ev[j].result;
    }
    sb_add(&cb, " The answer is %d.", cur);
    *answer = cur;
}

void cur_prompt_cot(const char *problem, char *out)
{
    if (snprintf(out, CUR_TEXT, "Question: %s Answer: Let's think step by step.", problem) >= CUR_TEXT)
        out[CUR_TEXT - 1] = 0;
}

void cur_prompt_direct(const char *problem, char *out)
{
    if (snprintf(out, CUR_TEXT, "Question: %s Answer: The answer is", problem) >= CUR_TEXT)
        out[CUR_TEXT - 1] = 0;
}

/* Training mixture: 88% word problems (25% of them in the direct format),
 * 8% Game-of-24 proposals, 4% Game-of-24 values. */
static const float tier_weights[3] = { 0.25f, 0.35f, 0.40f };

static void word_example(lm_rng *r, int tier, int direct, cur_example *ex)
{
    char cot[CUR_TEXT];
    ex->tier = tier;
    cur_word_problem(r, tier, ex->problem, cot, &ex->answer);
    if (direct) {
        ex->kind = CUR_DIRECT;
        cur_prompt_direct(ex->problem, ex->prompt);
        snprintf(ex->target, CUR_TEXT, " %ld.", ex->answer);
    } else {
        ex->kind = CUR_COT;
        cur_prompt_cot(ex->problem, ex->prompt);
        memcpy(ex->target, cot, CUR_TEXT);
    }
}

void cur_train_example(lm_rng *r, cur_example *ex)
{
    memset(ex, 0, sizeof *ex);
    float u = lm_rng_float(r);
    if (u < 0.08f) {
        ex->kind = CUR_G24_PROPOSE;
        g24_propose_example(r, ex->prompt, ex->target, CUR_TEXT);
        return;
    }
    if (u < 0.12f) {
        ex->kind = CUR_G24_VALUE;
        g24_value_example(r, ex->prompt, ex->target, CUR_TEXT);
        return;
    }
    float v = lm_rng_float(r), acc = 0;
    int tier = CUR_HARD;
    for (int i = 0; i < 3; i++) {
        acc += tier_weights[i];
        if (v < acc) { tier = i; break; }
    }
    word_example(r, tier, lm_rng_float(r) < 0.25f, ex);
}

void cur_test_problem(int tier, int i, cur_example *ex)
{
    memset(ex, 0, sizeof *ex);
    lm_rng r = lm_rng_stream(0x54455354 /* "TEST" */, (uint64_t)tier, (uint64_t)i);
    word_example(&r, tier, 0, ex);
}

static void each_list(void (*fn)(void *, const char *), void *ud, const char *const *a, int n)
{
    for (int i = 0; i < n; i++) fn(ud, a[i]);
}
#define EACH(a) each_list(fn, ud, a, (int)(sizeof a / sizeof a[0]))

void cur_each_text(void (*fn)(void *ud, const char *text), void *ud)
{
    const noun_list lists[] = { NL(baked), NL(produce), NL(toys), NL(books), NL(supplies),
                                NL(flowers), NL(personal) };
    for (size_t l = 0; l < sizeof lists / sizeof lists[0]; l++)
        for (int i = 0; i < lists[l].n; i++) {
            fn(ud, lists[l].items[i].sg);
            fn(ud, lists[l].items[i].pl);
        }
    for (size_t i = 0; i < sizeof places / sizeof places[0]; i++) {
        fn(ud, places[i].indef); fn(ud, places[i].def); fn(ud, places[i].loc);
    }
    for (size_t i = 0; i < sizeof people / sizeof people[0]; i++) fn(ud, people[i].name);
    for (int i = 0; i < N_VPS; i++) { fn(ud, vps[i].pl); fn(ud, vps[i].sg); fn(ud, vps[i].past); }
    EACH(friends); EACH(day_parts); EACH(weekdays); EACH(starters);
    EACH(intro_place_pres); EACH(intro_place_past); EACH(intro_person_pres);
    EACH(intro_person_past); EACH(q_pres); EACH(q_past); EACH(q_total);
    EACH(q_boxes_pres); EACH(q_boxes_past);
    fn(ud, "In On At She He They she he they the do does then and"); /* words written by the code */
    fn(ud, "Question: Answer: Let's think step by step. The answer is");
    fn(ud, "- + * / =");
    g24_each_text(fn, ud);
}

static void each_form(void (*fn)(void *, int, const char *), void *ud, int form,
                      const char *const *a, int n)
{
    for (int i = 0; i < n; i++) fn(ud, form, a[i]);
}
#define FORMS(f, a) each_form(fn, ud, f, a, (int)(sizeof a / sizeof a[0]))

void cur_each_form(void (*fn)(void *ud, int form, const char *tmpl), void *ud)
{
    FORMS(CUR_FORM_START, intro_place_pres); FORMS(CUR_FORM_START, intro_place_past);
    FORMS(CUR_FORM_START, intro_person_pres); FORMS(CUR_FORM_START, intro_person_past);
    FORMS(CUR_FORM_QUESTION, q_pres); FORMS(CUR_FORM_QUESTION, q_past);
    FORMS(CUR_FORM_QUESTION, q_total); FORMS(CUR_FORM_QUESTION, q_boxes_pres);
    FORMS(CUR_FORM_QUESTION, q_boxes_past);
}

/* Numbers a template writes: its {N}, {K} and {M}. */
static int numbers_in(const char *t)
{
    int n = 0;
    for (; (t = strchr(t, '{')); t++)
        n += t[2] == '}' && (t[1] == 'N' || t[1] == 'K' || t[1] == 'M');
    return n;
}

void cur_get_limits(cur_limits *l)
{
    int per_event = 0;
    for (int i = 0; i < N_VPS; i++)
        if (numbers_in(vps[i].pl) > per_event) per_event = numbers_in(vps[i].pl);
    l->min_steps = tiers[CUR_EASY].min_steps;
    l->max_steps = l->max_value = 0;
    for (int t = CUR_EASY; t <= CUR_HARD; t++) {
        if (tiers[t].min_steps < l->min_steps) l->min_steps = tiers[t].min_steps;
        if (tiers[t].max_steps > l->max_steps) l->max_steps = tiers[t].max_steps;
        if (tiers[t].max_value > l->max_value) l->max_value = tiers[t].max_value;
    }
    l->max_numbers = 1 + per_event * l->max_steps;
    l->min_value = 1;   /* amounts drawn from 1, factors from 2, starts from 5 */
}

int cur_extract_answer(const char *text, long *out)
{
    const char *key = "The answer is", *p = text, *last = NULL;
    while ((p = strstr(p, key))) { last = p; p += strlen(key); }
    if (!last) return 0;
    last += strlen(key);
    while (*last == ' ') last++;
    if (*last == '-' || *last == '+') return 0;
    if (!isdigit((unsigned char)*last)) return 0;
    char *end;
    long v = strtol(last, &end, 10);
    *out = v;
    return 1;
}
