/* practice_source: generated problems and teachers' sets (see the header). */
#include "app/practice_source.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lm/curriculum.h"
#include "lm/rng.h"
#include "tutor/answer.h"
#include "tutor/mem.h"

_Static_assert((int)CUR_SKILL_ADD == (int)SKILL_ADD && (int)CUR_SKILL_SUB == (int)SKILL_SUB &&
               (int)CUR_SKILL_MUL == (int)SKILL_MUL && (int)CUR_SKILL_DIV == (int)SKILL_DIV &&
               (int)CUR_SKILL_MIXED == (int)SKILL_MIXED &&
               (int)CUR_SKILL_MULTI == (int)SKILL_MULTI,
               "lm/curriculum.h's skills follow tutor/practice.h's");

void practice_generate(uint64_t seed, int skill, int tier, int i, practice_item *out)
{
    memset(out, 0, sizeof *out);
    /* "PRAC": a stream domain of its own, apart from training and test data */
    lm_rng r = lm_rng_stream(0x50524143, seed, ((uint64_t)skill << 40) | ((uint64_t)tier << 32)
                                                   | (uint32_t)i);
    char cot[CUR_TEXT];
    long answer;
    cur_practice_problem(&r, skill, tier, out->pb.text, cot, &answer);
    out->pb.skill = skill;
    out->pb.tier = tier;
    snprintf(out->pb.id, sizeof out->pb.id, "%s-%s-%d", practice_skill_name(skill),
             cur_tier_name(tier), i + 1);
    snprintf(out->gold, sizeof out->gold, "%ld", answer);
}

static int line_error(char *err, size_t errlen, const char *path, int line, const char *what)
{
    snprintf(err, errlen, "%s:%d: %s", path, line, what);
    return -1;
}

/* One set line into it; returns 0 or -1 with a message. */
static int parse_item(const char *text, const char *path, int line, practice_item *it,
                      char *err, size_t errlen)
{
    memset(it, 0, sizeof *it);
    cJSON *j = cJSON_Parse(text);
    if (!j || !cJSON_IsObject(j)) {
        cJSON_Delete(j);
        return line_error(err, errlen, path, line, "not a JSON object");
    }
    int rc = -1;
    const cJSON *q = cJSON_GetObjectItemCaseSensitive(j, "question");
    const cJSON *a = cJSON_GetObjectItemCaseSensitive(j, "answer");
    const cJSON *sk = cJSON_GetObjectItemCaseSensitive(j, "skill");
    const cJSON *h = cJSON_GetObjectItemCaseSensitive(j, "hint");
    char raw[64];
    if (!cJSON_IsString(q) || !q->valuestring[0]) {
        line_error(err, errlen, path, line, "\"question\" must be a non-empty string");
        goto done;
    }
    if (strlen(q->valuestring) >= sizeof it->pb.text) {
        line_error(err, errlen, path, line, "\"question\" is longer than 1023 bytes");
        goto done;
    }
    if (cJSON_IsNumber(a))
        snprintf(raw, sizeof raw, "%.15g", a->valuedouble);
    else if (cJSON_IsString(a))
        snprintf(raw, sizeof raw, "%s", a->valuestring);
    else {
        line_error(err, errlen, path, line, "\"answer\" must be a number or a string");
        goto done;
    }
    if (!answer_normalize(raw, it->gold, sizeof it->gold)) {
        line_error(err, errlen, path, line, "\"answer\" holds no number");
        goto done;
    }
    it->pb.skill = SKILL_MIXED;
    if (sk && (!cJSON_IsString(sk) || (it->pb.skill = practice_skill_parse(sk->valuestring)) < 0)) {
        line_error(err, errlen, path, line,
                   "\"skill\" must be add, subtract, multiply, divide, mixed or multi-step");
        goto done;
    }
    if (h && !cJSON_IsString(h)) {
        line_error(err, errlen, path, line, "\"hint\" must be a string");
        goto done;
    }
    if (h)
        snprintf(it->pb.hint, sizeof it->pb.hint, "%s", h->valuestring);
    snprintf(it->pb.text, sizeof it->pb.text, "%s", q->valuestring);
    it->pb.tier = -1;
    rc = 0;
done:
    cJSON_Delete(j);
    return rc;
}

int practice_set_load(const char *path, practice_set *s, char *err, size_t errlen)
{
    memset(s, 0, sizeof *s);
    FILE *f = fopen(path, "r");
    if (!f) {
        snprintf(err, errlen, "%s: %s", path, strerror(errno));
        return -1;
    }
    const char *base = strrchr(path, '/');
    snprintf(s->name, sizeof s->name, "%s", base ? base + 1 : path);
    char *line = NULL;
    size_t cap = 0;
    int lineno = 0, cap_items = 0;
    ssize_t len;
    while ((len = getline(&line, &cap, f)) >= 0) {
        lineno++;
        char *p = line;
        while (*p == ' ' || *p == '\t')
            p++;
        if (!*p || *p == '\n' || *p == '\r' || *p == '#')
            continue;
        if (s->n == cap_items) {
            cap_items = cap_items ? 2 * cap_items : 32;
            s->items = mem_realloc(s->items, (size_t)cap_items * sizeof *s->items);
        }
        practice_item *it = &s->items[s->n];
        if (parse_item(p, path, lineno, it, err, errlen) < 0) {
            free(line);
            fclose(f);
            practice_set_free(s);
            return -1;
        }
        snprintf(it->pb.id, sizeof it->pb.id, "%.40s:%d", s->name, lineno);
        s->n++;
    }
    free(line);
    fclose(f);
    if (!s->n) {
        snprintf(err, errlen, "%s: no problems in the set", path);
        practice_set_free(s);
        return -1;
    }
    return 0;
}

void practice_set_free(practice_set *s)
{
    free(s->items);
    s->items = NULL;
    s->n = 0;
}
