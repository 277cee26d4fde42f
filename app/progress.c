/* progress: mastery and records per student (see progress.h). */
#include "app/progress.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "app/config.h"
#include "tutor/atomicfile.h"

enum { PROGRESS_MAX = 16 * 1024 * 1024 };

int progress_default_path(char *buf, size_t cap)
{
    char dir[900];
    if (config_data_dir(dir, sizeof dir) < 0)
        return -1;
    if (snprintf(buf, cap, "%s/progress.json", dir) >= (int)cap)
        return -1;
    return 0;
}

void progress_init(progress *pr, const char *student, const bkt_params *b)
{
    memset(pr, 0, sizeof *pr);
    snprintf(pr->student, sizeof pr->student, "%s", student && student[0] ? student : "student");
    for (int i = 0; i < SKILL_N; i++)
        pr->skill[i].p = b->p_init;
}

/* The whole file, or NULL: *missing says the file is not there. */
static char *read_all(const char *path, int *missing, char *err, size_t errlen)
{
    *missing = 0;
    FILE *f = fopen(path, "r");
    if (!f) {
        if (errno == ENOENT) {
            *missing = 1;
            return NULL;
        }
        snprintf(err, errlen, "%s: %s", path, strerror(errno));
        return NULL;
    }
    size_t len = 0, cap = 4096;
    char *buf = malloc(cap);
    size_t r;
    while (buf && (r = fread(buf + len, 1, cap - len - 1, f)) > 0) {
        len += r;
        if (len + 1 == cap) {
            if (cap > PROGRESS_MAX) {
                free(buf);
                buf = NULL;
                snprintf(err, errlen, "%s: larger than 16 MB", path);
                break;
            }
            char *nb = realloc(buf, cap * 2);
            if (!nb) {
                free(buf);
                buf = NULL;
                break;
            }
            buf = nb;
            cap *= 2;
        }
    }
    fclose(f);
    if (buf)
        buf[len] = '\0';
    return buf;
}

/* The file as JSON: a fresh root when missing; NULL with a message when it
 * is not a progress file. */
static cJSON *load_root(const char *path, char *err, size_t errlen)
{
    int missing;
    char *text = read_all(path, &missing, err, errlen);
    if (missing) {
        cJSON *root = cJSON_CreateObject();
        cJSON_AddNumberToObject(root, "version", 1);
        cJSON_AddObjectToObject(root, "students");
        return root;
    }
    if (!text)
        return NULL;
    cJSON *root = cJSON_Parse(text);
    free(text);
    if (!root || !cJSON_IsObject(cJSON_GetObjectItemCaseSensitive(root, "students"))) {
        cJSON_Delete(root);
        snprintf(err, errlen, "%s: not a ponder progress file (left as it is)", path);
        return NULL;
    }
    return root;
}

static double num(const cJSON *o, const char *key, double def)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
    return cJSON_IsNumber(v) ? v->valuedouble : def;
}

int progress_load(const char *path, const char *student, const bkt_params *b, progress *pr,
                  char *err, size_t errlen)
{
    progress_init(pr, student, b);
    cJSON *root = load_root(path, err, errlen);
    if (!root)
        return -1;
    const cJSON *me = cJSON_GetObjectItemCaseSensitive(
        cJSON_GetObjectItemCaseSensitive(root, "students"), pr->student);
    if (cJSON_IsObject(me)) {
        pr->done = (int)num(me, "problems", 0);
        pr->solved = (int)num(me, "solved", 0);
        pr->hints = (int)num(me, "hints", 0);
        pr->streak = (int)num(me, "streak", 0);
        pr->best_streak = (int)num(me, "best_streak", 0);
        const cJSON *sk = cJSON_GetObjectItemCaseSensitive(me, "skills");
        for (int i = 0; i < SKILL_N; i++) {
            const cJSON *s = cJSON_GetObjectItemCaseSensitive(sk, practice_skill_name(i));
            if (!cJSON_IsObject(s))
                continue;
            double p = num(s, "p", b->p_init);
            pr->skill[i].p = p >= 0 && p <= 1 ? p : b->p_init;
            pr->skill[i].done = (int)num(s, "done", 0);
            pr->skill[i].right = (int)num(s, "right", 0);
            pr->skill[i].hints = (int)num(s, "hints", 0);
        }
        const cJSON *sets = cJSON_GetObjectItemCaseSensitive(me, "sets");
        int k = 0;
        const cJSON *e;
        cJSON_ArrayForEach(e, sets)
            if (cJSON_IsString(e) && k < 4)
                snprintf(pr->sets[k++], sizeof pr->sets[0], "%s", e->valuestring);
    }
    cJSON_Delete(root);
    return 0;
}

static cJSON *profile_json(const progress *pr)
{
    cJSON *me = cJSON_CreateObject();
    cJSON_AddNumberToObject(me, "problems", pr->done);
    cJSON_AddNumberToObject(me, "solved", pr->solved);
    cJSON_AddNumberToObject(me, "hints", pr->hints);
    cJSON_AddNumberToObject(me, "streak", pr->streak);
    cJSON_AddNumberToObject(me, "best_streak", pr->best_streak);
    cJSON *sk = cJSON_AddObjectToObject(me, "skills");
    for (int i = 0; i < SKILL_N; i++) {
        cJSON *s = cJSON_AddObjectToObject(sk, practice_skill_name(i));
        cJSON_AddNumberToObject(s, "p", pr->skill[i].p);
        cJSON_AddNumberToObject(s, "done", pr->skill[i].done);
        cJSON_AddNumberToObject(s, "right", pr->skill[i].right);
        cJSON_AddNumberToObject(s, "hints", pr->skill[i].hints);
    }
    cJSON *sets = cJSON_AddArrayToObject(me, "sets");
    for (int k = 0; k < 4 && pr->sets[k][0]; k++)
        cJSON_AddItemToArray(sets, cJSON_CreateString(pr->sets[k]));
    return me;
}

int progress_save(const char *path, const progress *pr, char *err, size_t errlen)
{
    cJSON *root = load_root(path, err, errlen);
    if (!root)
        return -1;
    cJSON *students = cJSON_GetObjectItemCaseSensitive(root, "students");
    cJSON_DeleteItemFromObjectCaseSensitive(students, pr->student);
    cJSON_AddItemToObject(students, pr->student, profile_json(pr));
    char *text = cJSON_Print(root);
    cJSON_Delete(root);
    if (!text) {
        snprintf(err, errlen, "%s: out of memory", path);
        return -1;
    }
    size_t n = strlen(text);
    text[n] = '\n';   /* cJSON_Print's NUL becomes the final newline */
    int rc = atomicfile_write(path, text, n + 1, ATOMICFILE_REPLACE, 0600, err, errlen);
    free(text);
    return rc;
}

int progress_first_try(const practice_record *rec)
{
    return rec->solved && rec->tries == 1 && rec->wrong_steps == 0 && rec->hints == 0;
}

void progress_record(progress *pr, const bkt_params *b, int skill, const practice_record *rec,
                     const char *set)
{
    if (skill < 0 || skill >= SKILL_N)
        skill = SKILL_MIXED;
    int right = progress_first_try(rec);
    progress_skill *s = &pr->skill[skill];
    s->p = bkt_update(b, s->p, right);
    s->done++;
    s->right += right;
    s->hints += rec->hints;
    pr->done++;
    pr->solved += rec->solved;
    pr->hints += rec->hints;
    pr->streak = right ? pr->streak + 1 : 0;
    if (pr->streak > pr->best_streak)
        pr->best_streak = pr->streak;
    if (set && set[0] && strcmp(pr->sets[0], set)) {
        int k = 0;   /* move set to the front, keeping the order of the rest */
        while (k < 3 && pr->sets[k][0] && strcmp(pr->sets[k], set))
            k++;
        memmove(pr->sets[1], pr->sets[0], (size_t)k * sizeof pr->sets[0]);
        snprintf(pr->sets[0], sizeof pr->sets[0], "%s", set);
    }
}

int progress_next_skill(const progress *pr)
{
    int best = -1;
    for (int i = 0; i < SKILL_N; i++)
        if (pr->skill[i].p < BKT_MASTERED && (best < 0 || pr->skill[i].p < pr->skill[best].p))
            best = i;
    if (best >= 0)
        return best;
    best = 0;
    for (int i = 1; i < SKILL_N; i++)
        if (pr->skill[i].p < pr->skill[best].p)
            best = i;
    return best;
}

static double ratio(int a, int b)
{
    return b ? (double)a / b : 0;
}

void progress_print(FILE *f, const progress *pr)
{
    fprintf(f, "Progress of %s: %d problems, %d solved (%.0f%%), %.1f hints a problem, "
               "streak %d (best %d)\n",
            pr->student, pr->done, pr->solved, 100 * ratio(pr->solved, pr->done),
            ratio(pr->hints, pr->done), pr->streak, pr->best_streak);
    if (pr->sets[0][0]) {
        fprintf(f, "Sets:");
        for (int k = 0; k < 4 && pr->sets[k][0]; k++)
            fprintf(f, " %s", pr->sets[k]);
        fprintf(f, "\n");
    }
    fprintf(f, "\n%-11s %7s %9s %8s %10s %6s\n", "skill", "mastery", "mastered", "problems",
            "first try", "hints");
    for (int i = 0; i < SKILL_N; i++) {
        const progress_skill *s = &pr->skill[i];
        fprintf(f, "%-11s %6.0f%% %9s %8d %9.0f%% %6d\n", practice_skill_name(i), 100 * s->p,
                s->p >= BKT_MASTERED ? "yes" : "no", s->done, 100 * ratio(s->right, s->done),
                s->hints);
    }
}

static int ends_with(const char *s, const char *suf)
{
    size_t n = strlen(s), k = strlen(suf);
    return n >= k && !strcasecmp(s + n - k, suf);
}

/* A student name in CSV: quoted, quotes doubled. */
static void csv_field(FILE *f, const char *s)
{
    fputc('"', f);
    for (; *s; s++) {
        if (*s == '"')
            fputc('"', f);
        fputc(*s, f);
    }
    fputc('"', f);
}

int progress_export(const progress *pr, const char *path, int flags, char *err, size_t errlen)
{
    int md = ends_with(path, ".md"), csv = ends_with(path, ".csv");
    if (!md && !csv) {
        snprintf(err, errlen, "%s: the report is FILE.md or FILE.csv", path);
        return -1;
    }
    atomicfile a;
    if (atomicfile_open(&a, path, flags, 0644, err, errlen) < 0)
        return -1;
    if (md) {
        fprintf(a.f, "# Practice report: %s\n\n", pr->student);
        fprintf(a.f, "- Problems: %d, solved %d (%.0f%%)\n- Hints a problem: %.1f\n"
                     "- Streak: %d (best %d)\n",
                pr->done, pr->solved, 100 * ratio(pr->solved, pr->done),
                ratio(pr->hints, pr->done), pr->streak, pr->best_streak);
        if (pr->sets[0][0]) {
            fprintf(a.f, "- Sets:");
            for (int k = 0; k < 4 && pr->sets[k][0]; k++)
                fprintf(a.f, "%s %s", k ? "," : "", pr->sets[k]);
            fprintf(a.f, "\n");
        }
        fprintf(a.f, "\n| skill | mastery | mastered | problems | first try | hints |\n"
                     "|---|---:|---|---:|---:|---:|\n");
        for (int i = 0; i < SKILL_N; i++) {
            const progress_skill *s = &pr->skill[i];
            fprintf(a.f, "| %s | %.0f%% | %s | %d | %.0f%% | %d |\n", practice_skill_name(i),
                    100 * s->p, s->p >= BKT_MASTERED ? "yes" : "no", s->done,
                    100 * ratio(s->right, s->done), s->hints);
        }
    } else {
        fprintf(a.f, "student,skill,mastery,mastered,problems,first_try,hints,sets\n");
        for (int i = 0; i < SKILL_N; i++) {
            const progress_skill *s = &pr->skill[i];
            csv_field(a.f, pr->student);
            fprintf(a.f, ",%s,%.4f,%s,%d,%d,%d,", practice_skill_name(i), s->p,
                    s->p >= BKT_MASTERED ? "yes" : "no", s->done, s->right, s->hints);
            char sets[600] = "";
            size_t n = 0;
            for (int k = 0; k < 4 && pr->sets[k][0]; k++)
                n += (size_t)snprintf(sets + n, sizeof sets - n, "%s%s", k ? ";" : "", pr->sets[k]);
            csv_field(a.f, sets);
            fputc('\n', a.f);
        }
    }
    return atomicfile_commit(&a, err, errlen);
}
