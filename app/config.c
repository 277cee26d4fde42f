/* config: defaults, then config.ini, then the command line (in cli.c).
 *
 * The file is INI, read with inih:
 *   [ponder]   model, strategy, samples, temperature, seed, theme, ascii, early_stop,
 *              transcripts (on|off)
 *   [openai]   base_url, key_env, native_n (auto|yes|no)
 *   [anthropic] base_url, key_env, api_key, key_file (also api_key, key_file in [openai])
 *   [llamacpp] base_url
 *   [ollama]   host                     [builtin]  weights
 *   [network]  connect_timeout, idle_timeout, retries, reply_timeout,
 *              max_reply_bytes
 *   [llamacpp] base_url, key_env (no key is sent without it)
 * A bad value leaves the default and becomes a "file:line: ..." warning, so
 * a typo never stops ponder from starting. */
#include "app/config.h"

#include <errno.h>
#include <ini.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

void config_defaults(app_config *c)
{
    memset(c, 0, sizeof *c);
    snprintf(c->model, sizeof c->model, "builtin");
    snprintf(c->strategy, sizeof c->strategy, "%s", STRATEGY_DEFAULT);
    snprintf(c->theme, sizeof c->theme, "default");
    snprintf(c->openai_key_env, sizeof c->openai_key_env, "OPENAI_API_KEY");
    c->max_retries = -1;
    c->transcripts = 1;
    c->strat.name = c->strategy;
    c->strat.n = 0;               /* strategy default */
    c->strat.temperature = -1;    /* strategy default */
    c->strat.top_p = 1.0;
    c->strat.seed = -1;
    c->strat.think = THINK_DEFAULT;
    c->strat.agg = -1;            /* strategy default (min) */
    c->strat.weighted = -1;       /* strategy default (weighted) */
    c->bkt = bkt_defaults();
    c->hint_samples = 8;
}

typedef struct {
    app_config *c;
    const char *path;
    FILE *f;                  /* read from f, or from text when f is NULL */
    const char *text;
    int line;                 /* lines read so far: inih calls back per line */
    size_t bytes;             /* bytes read so far, at most CONFIG_MAX */
} load_state;

/* config.ini is a few hundred bytes; a path to /dev/zero or a FIFO must not
 * be read forever. A line longer than inih's buffer is ignored whole. */
enum { CONFIG_MAX = 64 * 1024 };

static void warn(load_state *s, int line, const char *fmt, const char *a, const char *b);

/* One character of the input, or EOF (past CONFIG_MAX too). */
static int next_char(load_state *s)
{
    if (s->bytes >= CONFIG_MAX)
        return EOF;
    int c = s->f ? getc(s->f) : *s->text ? (unsigned char)*s->text++ : EOF;
    if (c != EOF && ++s->bytes == CONFIG_MAX)
        warn(s, s->line + 1, "the file is longer than %s; the rest is ignored%s", "64 KB", "");
    return c;
}

/* Debian's inih passes no line numbers to handlers, so the reader counts
 * them; the handler runs right after the line it is given is read. Each
 * call returns one whole line, so inih's own count (in its syntax errors)
 * agrees: a line too long for its buffer is read to its end and handed
 * over as a comment, with a warning, rather than in pieces. */
static char *read_line(char *buf, int size, void *ud)
{
    load_state *s = ud;
    int n = 0, c = EOF, cut = 0;
    if (size < 3)
        return NULL;
    while ((c = next_char(s)) != EOF) {
        if (n < size - 1)
            buf[n++] = (char)c;
        else
            cut = 1;
        if (c == '\n')
            break;
    }
    if (n == 0 && c == EOF)
        return NULL;
    buf[n] = '\0';
    s->line++;
    if (cut || memchr(buf, '\0', (size_t)n)) {
        char lim[16];
        snprintf(lim, sizeof lim, "%d", size - 2);
        if (cut)
            warn(s, s->line, "line longer than %s characters; ignored%s", lim, "");
        else
            warn(s, s->line, "line holds a NUL byte; ignored%s%s", "", "");
        snprintf(buf, (size_t)size, ";\n");
    }
    return buf;
}

/* Adds "file:line: message" to the warnings, one a line: every problem is
 * shown (a world-readable key must not hide behind an unknown key). */
static void warn(load_state *s, int line, const char *fmt, const char *a, const char *b)
{
    char msg[256];
    size_t have = strlen(s->c->warning), cap = sizeof s->c->warning;
    snprintf(msg, sizeof msg, fmt, a, b);
    if (have + 2 >= cap)
        return;
    snprintf(s->c->warning + have, cap - have, "%s%.200s:%d: %s", have ? "\n" : "",
             s->path, line, msg);
}

static int parse_int(const char *v, int lo, int hi, int *out)
{
    char *end;
    errno = 0;
    long x = strtol(v, &end, 10);
    if (errno || end == v || *end || x < lo || x > hi)
        return -1;
    *out = (int)x;
    return 0;
}

static int parse_double(const char *v, double lo, double hi, double *out)
{
    char *end;
    errno = 0;
    double x = strtod(v, &end);
    if (errno || end == v || *end || !(x >= lo && x <= hi))
        return -1;
    *out = x;
    return 0;
}

static int parse_bool(const char *v, int *out)
{
    if (!strcasecmp(v, "true") || !strcasecmp(v, "yes") || !strcmp(v, "1") || !strcasecmp(v, "on"))
        *out = 1;
    else if (!strcasecmp(v, "false") || !strcasecmp(v, "no") || !strcmp(v, "0") || !strcasecmp(v, "off"))
        *out = 0;
    else
        return -1;
    return 0;
}

#define COPY(dst, v) snprintf((dst), sizeof(dst), "%s", (v))

/* Reads a key file: its first line, trimmed. 0, or -1 with errno-ish text. */
static int read_key_file(const char *path, char *out, size_t cap, const char **why)
{
    FILE *f = fopen(path, "r");
    if (!f) {
        *why = strerror(errno);
        return -1;
    }
    char *ok = fgets(out, (int)cap, f);
    fclose(f);
    if (!ok) {
        *why = "it is empty";
        return -1;
    }
    size_t n = strcspn(out, "\r\n");
    while (n && (out[n - 1] == ' ' || out[n - 1] == '\t'))
        n--;
    out[n] = '\0';
    if (!n) {
        *why = "it is empty";
        return -1;
    }
    return 0;
}

/* A file others can read that holds a key deserves a warning. */
static int readable_by_others(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && (st.st_mode & (S_IRWXG | S_IRWXO));
}

/* api_key, key_file and key_env in [openai] and [anthropic]. Keys come only
 * from the environment or from what config names; a key written into
 * config.ini is allowed, with a warning when others can read the file.
 * Returns 1 if the key was one of these. */
static int key_setting(load_state *s, int line, const char *sec, const char *key, const char *v)
{
    app_config *c = s->c;
    char *dst = !strcmp(sec, "openai") ? c->openai_key
              : !strcmp(sec, "anthropic") ? c->anthropic_key : NULL;
    if (!dst)
        return 0;
    size_t cap = sizeof c->openai_key;
    if (!strcmp(key, "api_key")) {
        snprintf(dst, cap, "%s", v);
        if (readable_by_others(s->path))
            warn(s, line, "this file holds an API key and others can read it: chmod 600 it, "
                 "or name a key_file or key_env instead%s%s", "", "");
        return 1;
    }
    if (!strcmp(key, "key_file")) {
        const char *why = "";
        if (read_key_file(v, dst, cap, &why) < 0) {
            dst[0] = '\0';
            warn(s, line, "key_file %s: %s", v, why);
        } else if (readable_by_others(v)) {
            warn(s, line, "key_file %s can be read by others: chmod 600 it%s", v, "");
        }
        return 1;
    }
    if (!strcmp(key, "key_env") && dst == c->anthropic_key) {
        COPY(c->anthropic_key_env, v);
        return 1;
    }
    return 0;
}

/* [practice]'s BKT keys: the field of b that key names, or NULL. */
static double *bkt_field(bkt_params *b, const char *key)
{
    return !strcmp(key, "p_init") ? &b->p_init
         : !strcmp(key, "p_transit") ? &b->p_transit
         : !strcmp(key, "p_slip") ? &b->p_slip
         : !strcmp(key, "p_guess") ? &b->p_guess : NULL;
}

static int handler(void *ud, const char *sec, const char *key, const char *v)
{
    load_state *s = ud;
    int line = s->line;
    app_config *c = s->c;
    int bad = 0, i;
    double d;

    if (key_setting(s, line, sec, key, v))
        return 1;
    if (!strcmp(sec, "ponder")) {
        if (!strcmp(key, "model")) {
            char err[256];
            if (model_spec_valid(v, err, sizeof err) == 0)
                COPY(c->model, v);
            else
                warn(s, line, "%s%s", err, "");
        } else if (!strcmp(key, "strategy")) {
            if (strategy_find(v))
                COPY(c->strategy, v);
            else
                warn(s, line, "unknown strategy '%s'%s", v, "");
        } else if (!strcmp(key, "samples")) {
            if (!(bad = parse_int(v, 1, 256, &i)))
                c->strat.n = i;
        } else if (!strcmp(key, "temperature")) {
            if (!(bad = parse_double(v, 0, 2, &d)))
                c->strat.temperature = d;
        } else if (!strcmp(key, "seed")) {
            if (!(bad = parse_int(v, 0, 0x7fffffff, &i)))
                c->strat.seed = i;
        } else if (!strcmp(key, "early_stop")) {
            bad = parse_bool(v, &c->strat.early_stop);
        } else if (!strcmp(key, "theme")) {
            COPY(c->theme, v);
        } else if (!strcmp(key, "ascii")) {
            bad = parse_bool(v, &c->ascii);
        } else if (!strcmp(key, "transcripts")) {
            bad = parse_bool(v, &c->transcripts);
        } else {
            warn(s, line, "unknown key '%s' in [%s]", key, sec);
        }
    } else if (!strcmp(sec, "openai")) {
        if (!strcmp(key, "base_url"))
            COPY(c->openai_url, v);
        else if (!strcmp(key, "key_env"))
            COPY(c->openai_key_env, v);
        else if (!strcmp(key, "native_n")) {
            int yes;
            if (!strcmp(v, "auto"))
                c->native_n = NATIVE_N_AUTO;
            else if (!(bad = parse_bool(v, &yes)))
                c->native_n = yes ? NATIVE_N_YES : NATIVE_N_NO;
        }
        else
            warn(s, line, "unknown key '%s' in [%s]", key, sec);
    } else if (!strcmp(sec, "anthropic")) {
        if (!strcmp(key, "base_url"))
            COPY(c->anthropic_url, v);
        else
            warn(s, line, "unknown key '%s' in [%s]", key, sec);
    } else if (!strcmp(sec, "llamacpp")) {
        if (!strcmp(key, "base_url"))
            COPY(c->llamacpp_url, v);
        else if (!strcmp(key, "key_env"))
            COPY(c->llamacpp_key_env, v);
        else
            warn(s, line, "unknown key '%s' in [%s]", key, sec);
    } else if (!strcmp(sec, "ollama")) {
        if (!strcmp(key, "host"))
            COPY(c->ollama_url, v);
        else
            warn(s, line, "unknown key '%s' in [%s]", key, sec);
    } else if (!strcmp(sec, "practice")) {
        bkt_params b = c->bkt;
        double *p = bkt_field(&b, key);
        if (p) {
            const char *why = "";
            if (!(bad = parse_double(v, 0, 1, &d))) {
                *p = d;
                if (bkt_check(&b, &why) == 0)
                    c->bkt = b;
                else
                    warn(s, line, "%s: %s", key, why);
            }
        } else if (!strcmp(key, "hint_samples")) {
            if (!(bad = parse_int(v, 1, 64, &i)))
                c->hint_samples = i;
        } else {
            warn(s, line, "unknown key '%s' in [%s]", key, sec);
        }
    } else if (!strcmp(sec, "builtin")) {
        if (!strcmp(key, "weights"))
            COPY(c->builtin_path, v);
        else
            warn(s, line, "unknown key '%s' in [%s]", key, sec);
    } else if (!strcmp(sec, "network")) {
        if (!strcmp(key, "connect_timeout")) {
            if (!(bad = parse_double(v, 0.1, 600, &d)))
                c->connect_timeout_s = d;
        } else if (!strcmp(key, "idle_timeout")) {
            if (!(bad = parse_double(v, 0.1, 3600, &d)))
                c->idle_timeout_s = d;
        } else if (!strcmp(key, "retries")) {
            if (!(bad = parse_int(v, 0, 20, &i)))
                c->max_retries = i;
        } else if (!strcmp(key, "reply_timeout")) {
            if (!(bad = parse_double(v, 1, 86400, &d)))
                c->reply_timeout_s = d;
        } else if (!strcmp(key, "max_reply_bytes")) {
            if (!(bad = parse_int(v, 4096, 1 << 30, &i)))
                c->max_reply_bytes = i;
        } else {
            warn(s, line, "unknown key '%s' in [%s]", key, sec);
        }
    } else {
        warn(s, line, "unknown section [%s]%s", sec, "");
    }
    if (bad)
        warn(s, line, "bad value '%s' for %s", v, key);
    return 1;                     /* keep reading: report, never refuse */
}

static int xdg_dir(const char *var, const char *fallback, char *buf, size_t cap)
{
    const char *base = getenv(var);
    const char *home = getenv("HOME");
    int n;
    if (base && base[0] == '/')
        n = snprintf(buf, cap, "%s/ponder", base);
    else if (home && home[0])
        n = snprintf(buf, cap, "%s/%s/ponder", home, fallback);
    else
        return -1;
    return n > 0 && (size_t)n < cap ? 0 : -1;
}

/* mkdir -p for the last two levels we create (base/ponder). */
static int make_dirs(char *path)
{
    for (char *p = path + 1; *p; p++) {
        if (*p != '/')
            continue;
        *p = '\0';
        if (mkdir(path, 0700) < 0 && errno != EEXIST) {
            *p = '/';
            return -1;
        }
        *p = '/';
    }
    return mkdir(path, 0700) < 0 && errno != EEXIST ? -1 : 0;
}

int config_state_dir(char *buf, size_t cap)
{
    if (xdg_dir("XDG_STATE_HOME", ".local/state", buf, cap) < 0)
        return -1;
    return make_dirs(buf);
}

int config_data_dir(char *buf, size_t cap)
{
    if (xdg_dir("XDG_DATA_HOME", ".local/share", buf, cap) < 0)
        return -1;
    return make_dirs(buf);
}

/* Reads the INI text s is set up with into s->c. */
static int parse(load_state *s)
{
    app_config *c = s->c;
    int rc = ini_parse_stream(read_line, s, handler, s);
    (void)c;
    if (rc > 0) {
        warn(s, rc, "syntax error; line ignored%s%s", "", "");
        return -1;
    }
    return rc == 0 ? 0 : -1;
}

int config_load(app_config *c, const char *path)
{
    char def[512];
    if (!path) {
        if (xdg_dir("XDG_CONFIG_HOME", ".config", def, sizeof def - 16) < 0)
            return 0;
        strcat(def, "/config.ini");
        path = def;
    }
    FILE *f = fopen(path, "r");
    if (!f) {
        if (errno == ENOENT)
            return 0;
        snprintf(c->warning, sizeof c->warning, "%.400s: %s", path, strerror(errno));
        return -1;
    }
    COPY(c->config_path, path);
    load_state s = { .c = c, .path = c->config_path, .f = f };
    int rc = parse(&s);
    fclose(f);
    return rc;
}

int config_parse_string(app_config *c, const char *text, const char *label)
{
    load_state s = { .c = c, .path = label ? label : "config", .text = text ? text : "" };
    return parse(&s);
}

void config_model(const app_config *c, model_config *mc)
{
    memset(mc, 0, sizeof *mc);
    mc->spec = c->model;
    mc->base_url = c->base_url[0] ? c->base_url : NULL;
    if (!mc->base_url) {
        if (!strncmp(c->model, "openai:", 7) && c->openai_url[0])
            mc->base_url = c->openai_url;
        else if (!strncmp(c->model, "llamacpp", 8) && c->llamacpp_url[0])
            mc->base_url = c->llamacpp_url;
        else if (!strncmp(c->model, "ollama:", 7) && c->ollama_url[0])
            mc->base_url = c->ollama_url;
        else if (!strncmp(c->model, "anthropic:", 10) && c->anthropic_url[0])
            mc->base_url = c->anthropic_url;
    }
    mc->key_env = c->openai_key_env;
    if (!strncmp(c->model, "anthropic:", 10)) {
        mc->key_env = c->anthropic_key_env[0] ? c->anthropic_key_env : NULL;
        mc->key = c->anthropic_key[0] ? c->anthropic_key : NULL;
    } else if (!strncmp(c->model, "openai:", 7)) {
        mc->key = c->openai_key[0] ? c->openai_key : NULL;
    } else if (!strncmp(c->model, "llamacpp", 8)) {
        /* [openai]'s key is for OpenAI: llama-server gets one only by name. */
        mc->key_env = c->llamacpp_key_env[0] ? c->llamacpp_key_env : NULL;
    }
    mc->connect_timeout_s = c->connect_timeout_s;
    mc->idle_timeout_s = c->idle_timeout_s;
    mc->reply_timeout_s = c->reply_timeout_s;
    mc->max_reply_bytes = c->max_reply_bytes > 0 ? (size_t)c->max_reply_bytes : 0;
    mc->max_retries = c->max_retries;
    mc->native_n = c->native_n;
    mc->builtin_path = c->builtin_path[0] ? c->builtin_path : NULL;
    mc->insecure = c->insecure;
}

void config_print_warnings(const app_config *c, FILE *f)
{
    const char *w = c->warning;
    while (*w) {
        size_t n = strcspn(w, "\n");
        fprintf(f, "ponder: warning: %.*s\n", (int)n, w);
        w += n + (w[n] == '\n');
    }
}
