/* config: the settings a run starts from. Built from defaults, then
 * $XDG_CONFIG_HOME/ponder/config.ini (inih), then the command line. */
#ifndef PONDER_CONFIG_H
#define PONDER_CONFIG_H
#include <stdio.h>
#include "models/model.h"
#include "strategies/strategy.h"
#include "tutor/bkt.h"

typedef struct {
    char model[256];          /* model spec */
    char base_url[512];       /* --base-url; "" = per-backend setting or default */
    char openai_url[512], llamacpp_url[512], ollama_url[512];  /* [openai] etc. */
    char openai_key_env[64];  /* env var holding the OpenAI-compatible key */
    /* A key from config.ini (api_key, or key_file's contents), per backend;
     * "" = from the environment. Never printed. */
    char openai_key[512], anthropic_key[512];
    char anthropic_url[512];  /* [anthropic] base_url */
    char anthropic_key_env[64]; /* [anthropic] key_env, "" = ANTHROPIC_API_KEY */
    int native_n;             /* [openai] native_n: NATIVE_N_* */
    char theme[64];           /* theme name or path */
    char builtin_path[512];
    double connect_timeout_s, idle_timeout_s;
    double reply_timeout_s;   /* [network] reply_timeout, 0 = default */
    long max_reply_bytes;     /* [network] max_reply_bytes, 0 = default */
    char llamacpp_key_env[64]; /* [llamacpp] key_env, "" = send no key */
    int max_retries;
    strategy_opts strat;
    char strategy[32];        /* strat.name points here */
    char export_path[1024];   /* --export FILE, "" for none */
    int export_force;         /* --force: --export may replace an existing file */
    int json;                 /* solve --json */
    int insecure;             /* --insecure: no TLS certificate checks */
    int ascii;                /* force ASCII borders */
    int transcripts;          /* save each run under $XDG_DATA_HOME/ponder/runs
                               * ([ponder] transcripts, --no-transcript) */
    bkt_params bkt;           /* [practice] p_init, p_transit, p_slip, p_guess */
    int hint_samples;         /* [practice] hint_samples: chains drawn for a hint */
    char config_path[512];    /* the file that was read, "" if none */
    char warning[2048];       /* config problems to show the user, one a line
                               * ("file:line: ..."), "" if none */
} app_config;

void config_defaults(app_config *c);
/* Each warning as "ponder: warning: ..." on a line of its own. */
void config_print_warnings(const app_config *c, FILE *f);
/* Reads path, or the default location when path is NULL. A missing file is
 * fine; a bad line leaves defaults and a "file:line: ..." warning.
 * Returns 0, or -1 if the file exists but could not be parsed. */
int config_load(app_config *c, const char *path);
/* Parses INI text as config_load parses a file; label stands for the file
 * name in warnings. Returns as config_load does. */
int config_parse_string(app_config *c, const char *text, const char *label);
/* Fills a model_config that borrows strings from c. */
void config_model(const app_config *c, model_config *mc);
/* $XDG_STATE_HOME/ponder (or ~/.local/state/ponder), created if missing. */
int config_state_dir(char *buf, size_t cap);
int config_data_dir(char *buf, size_t cap);

#endif
