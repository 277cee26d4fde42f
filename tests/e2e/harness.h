/* harness: shared by the end-to-end tests. With tests/fixtures/fixture.h
 * to start the fixture HTTP server on a random port, it runs the ponder binary as a
 * child process with its own XDG directories, and parses its --json output
 * back into events. Header-only so each e2e program stays one file. */
#ifndef PONDER_E2E_HARNESS_H
#define PONDER_E2E_HARNESS_H

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "tests/fixtures/fixture.h"
#include "tutor/event.h"

/* Starts the fixture server on a scenario. */
static inline int fixture_scenario(fixture *fx, const char *scenario)
{
    const char *args[] = { "--scenario", scenario, NULL };
    return fixture_start(fx, args);
}

/* Each e2e program runs in its own temporary directory, made by the group
 * setup and removed by the group teardown. */
static char harness_dir[64];

static inline int harness_setup(void **state)
{
    (void)state;
    snprintf(harness_dir, sizeof harness_dir, "/tmp/ponder-e2e-XXXXXX");
    return mkdtemp(harness_dir) ? 0 : -1;
}

static inline int harness_teardown(void **state)
{
    (void)state;
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf %s", harness_dir);
    return system(cmd) == 0 ? 0 : -1;
}

typedef struct {
    int status;          /* exit status, or 128+signal */
    char *out, *err;     /* whole stdout / stderr, owned */
    event *ev;           /* parsed JSON lines */
    int n_ev;
    int bad_lines;       /* stdout lines that were not events */
} run_result;

static inline char *slurp(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return strdup("");
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *s = malloc((size_t)n + 1);
    size_t got = fread(s, 1, (size_t)n, f);
    s[got] = '\0';
    fclose(f);
    return s;
}

/* Runs $PONDER with argv (NULL-ended), stdin from in_text (may be NULL),
 * XDG dirs under dir, and config.ini = config (may be NULL). */
static inline void run_ponder(run_result *r, const char *dir, const char *config,
                              const char *in_text, const char *const *argv)
{
    memset(r, 0, sizeof *r);
    char path[512], outp[512], errp[512], inp[512];
    snprintf(path, sizeof path, "mkdir -p %s/config/ponder %s/state %s/data", dir, dir, dir);
    if (system(path) != 0)
        return;
    if (config) {
        snprintf(path, sizeof path, "%s/config/ponder/config.ini", dir);
        FILE *f = fopen(path, "w");
        fputs(config, f);
        fclose(f);
    }
    snprintf(outp, sizeof outp, "%s/stdout", dir);
    snprintf(errp, sizeof errp, "%s/stderr", dir);
    snprintf(inp, sizeof inp, "%s/stdin", dir);
    FILE *f = fopen(inp, "w");
    if (in_text)
        fputs(in_text, f);
    fclose(f);

    const char *bin = getenv("PONDER");
    if (!bin)
        bin = "./ponder";
    pid_t pid = fork();
    if (pid == 0) {
        char buf[600];
        snprintf(buf, sizeof buf, "%s/config", dir);
        setenv("XDG_CONFIG_HOME", buf, 1);
        snprintf(buf, sizeof buf, "%s/state", dir);
        setenv("XDG_STATE_HOME", buf, 1);
        snprintf(buf, sizeof buf, "%s/data", dir);
        setenv("XDG_DATA_HOME", buf, 1);
        unsetenv("OPENAI_BASE_URL");
        unsetenv("OLLAMA_HOST");
        if (!freopen(inp, "r", stdin) || !freopen(outp, "w", stdout) || !freopen(errp, "w", stderr))
            _exit(126);
        char *args[64];
        int n = 0;
        args[n++] = (char *)bin;
        for (int i = 0; argv[i] && n < 63; i++)
            args[n++] = (char *)argv[i];
        args[n] = NULL;
        execv(bin, args);
        _exit(127);
    }
    int st = 0;
    waitpid(pid, &st, 0);
    r->status = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
    r->out = slurp(outp);
    r->err = slurp(errp);

    int cap = 64;
    r->ev = calloc((size_t)cap, sizeof(event));
    for (char *line = r->out, *nl; line && *line; line = nl ? nl + 1 : NULL) {
        nl = strchr(line, '\n');
        if (nl)
            *nl = '\0';
        if (*line) {
            if (r->n_ev == cap) {
                cap *= 2;
                r->ev = realloc(r->ev, (size_t)cap * sizeof(event));
            }
            if (event_from_json(line, &r->ev[r->n_ev]) == 0)
                r->n_ev++;
            else
                r->bad_lines++;
        }
        if (nl)
            *nl = '\n';
    }
}

static inline void run_free(run_result *r)
{
    for (int i = 0; i < r->n_ev; i++)
        event_clear(&r->ev[i]);
    free(r->ev);
    free(r->out);
    free(r->err);
}

static inline int count_kind(const run_result *r, event_kind k)
{
    int n = 0;
    for (int i = 0; i < r->n_ev; i++)
        n += r->ev[i].kind == k;
    return n;
}

static inline const event *last_event(const run_result *r)
{
    return r->n_ev ? &r->ev[r->n_ev - 1] : NULL;
}

/* All text deltas of one channel, concatenated; caller frees. */
static inline char *joined_text(const run_result *r, channel ch)
{
    size_t len = 0;
    for (int i = 0; i < r->n_ev; i++)
        if (r->ev[i].kind == EV_TEXT && r->ev[i].ch == ch && r->ev[i].text)
            len += strlen(r->ev[i].text);
    char *s = calloc(len + 1, 1);
    for (int i = 0; i < r->n_ev; i++)
        if (r->ev[i].kind == EV_TEXT && r->ev[i].ch == ch && r->ev[i].text)
            strcat(s, r->ev[i].text);
    return s;
}

static inline const event *find_error(const run_result *r, int retryable)
{
    for (int i = 0; i < r->n_ev; i++)
        if (r->ev[i].kind == EV_ERROR && r->ev[i].retryable == retryable)
            return &r->ev[i];
    return NULL;
}

#endif
