/* bench_load: the HTTP engine under load, and its memory over many runs.
 *
 *   bench_load load BASE_URL SECONDS [SAMPLES]
 *       model_generate with one request of SAMPLES (64) samples on
 *       openai:stream, batch after batch, for SECONDS: tokens/s and
 *       requests/s completed, CPU, peak RSS.
 *   bench_load growth BASE_URL RUNS [SAMPLES]
 *       RUNS batches of SAMPLES (64) samples of openai:cot, the resident
 *       set after each; the growth from run 5 to the last.
 *
 * One request of n samples is what `ponder solve -s sc -n 64` hands the
 * model: against a server that is not api.openai.com it becomes n
 * concurrent transfers on the one curl multi handle, and that handle is
 * kept across batches, as the TUI keeps it across runs. Doing it in one
 * process leaves out process start-up and the strategy's printing, so the
 * figures are the engine's. BASE_URL is a fixture server (server.py). */
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/resource.h>
#include "models/model.h"

typedef struct {
    long tokens, ok, failed;
    char first_error[256];
} counts;

static void on_delta(void *ud, int req, int sample, channel ch, const char *text,
                     int tokens, double lp)
{
    (void)req; (void)sample; (void)ch; (void)text; (void)lp;
    ((counts *)ud)->tokens += tokens;
}

static void on_done(void *ud, int req, int sample, const model_result *r)
{
    counts *t = ud;
    (void)req; (void)sample;
    if (r->finish == FINISH_ERROR) {
        if (!t->failed++ && r->error)
            snprintf(t->first_error, sizeof t->first_error, "%s", r->error);
    } else {
        t->ok++;
    }
}

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static long rss_kb(void)
{
    long pages = 0, resident = 0;
    FILE *f = fopen("/proc/self/statm", "r");
    if (f) {
        if (fscanf(f, "%ld %ld", &pages, &resident) != 2)
            resident = 0;
        fclose(f);
    }
    return resident * (sysconf(_SC_PAGESIZE) / 1024);
}

static long peak_rss_kb(void)
{
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return ru.ru_maxrss;
}

static double cpu_s(void)
{
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return ru.ru_utime.tv_sec + ru.ru_stime.tv_sec +
           (ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
}

static model *open_on(const char *spec, const char *base)
{
    char err[512];
    model_config cfg = { .spec = spec, .base_url = base, .max_retries = -1,
                         .idle_timeout_s = 30 };
    model *m = model_open(&cfg, err, sizeof err);
    if (!m)
        fprintf(stderr, "bench_load: %s\n", err);
    return m;
}

static void batch(model *m, int samples, counts *t)
{
    prompt p;
    memset(&p, 0, sizeof p);
    p.msgs[0].role = ROLE_USER;
    p.msgs[0].content = (char *)"A bakery has 45 croissants. It sells 12, bakes 30 "
                                "more and sells 18. How many are left?";
    p.n_msgs = 1;
    model_request rq = { .prompt = &p, .n = samples, .temperature = 0.7, .top_p = 1,
                         .max_tokens = 4096, .seed = -1 };
    model_sink sink = { .ud = t, .on_delta = on_delta, .on_done = on_done };
    model_generate(m, &rq, 1, &sink, NULL);
}

static int load(const char *base, double seconds, int samples)
{
    model *m = open_on("openai:stream", base);
    if (!m)
        return 1;
    counts t = { 0 };
    int batches = 0;
    double t0 = now_s(), c0 = cpu_s(), el;
    do {
        batch(m, samples, &t);
        batches++;
    } while ((el = now_s() - t0) < seconds);
    model_close(m);
    printf("%d concurrent samples, %d batches in %.1f s: %.0f tokens/s, %.1f requests/s "
           "completed (%ld failed); CPU %.1f%% of a core; peak RSS %.1f MB\n", samples,
           batches, el, t.tokens / el, t.ok / el, t.failed, (cpu_s() - c0) / el * 100,
           peak_rss_kb() / 1024.0);
    if (t.failed)
        printf("first failure: %s\n", t.first_error);
    return t.failed != 0;
}

static int growth(const char *base, int runs, int samples)
{
    model *m = open_on("openai:cot", base);
    if (!m)
        return 1;
    long at5 = 0, last = 0, failed = 0;
    printf("RSS after each run of %d samples (KB):", samples);
    for (int i = 1; i <= runs; i++) {
        counts t = { 0 };
        batch(m, samples, &t);
        failed += t.failed;
        last = rss_kb();
        if (i == 5)
            at5 = last;
        printf(" %ld", last);
        fflush(stdout);
    }
    model_close(m);
    printf("\ngrowth from run 5 to run %d: %+ld KB (%ld samples failed)\n", runs,
           last - at5, failed);
    return failed != 0;
}

int main(int argc, char **argv)
{
    if (argc < 4) {
        fprintf(stderr, "usage: bench_load load BASE_URL SECONDS [SAMPLES]\n"
                        "       bench_load growth BASE_URL RUNS [SAMPLES]\n");
        return 2;
    }
    int samples = argc > 4 ? atoi(argv[4]) : 64;
    if (samples < 1)
        samples = 64;
    if (!strcmp(argv[1], "load"))
        return load(argv[2], atof(argv[3]), samples);
    if (!strcmp(argv[1], "growth"))
        return growth(argv[2], atoi(argv[3]), samples);
    fprintf(stderr, "bench_load: unknown mode %s\n", argv[1]);
    return 2;
}
