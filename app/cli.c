/* cli: getopt_long over exactly the flags of DESIGN.md §9, plus the
 * issue's --early-stop. Everything else lives in config.ini. */
#include "app/cli.h"

#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

enum { OPT_BASE_URL = 256, OPT_SEED, OPT_JSON, OPT_EARLY_STOP, OPT_VERSION };

static const struct option long_opts[] = {
    { "model",       required_argument, NULL, 'm' },
    { "base-url",    required_argument, NULL, OPT_BASE_URL },
    { "strategy",    required_argument, NULL, 's' },
    { "samples",     required_argument, NULL, 'n' },
    { "temperature", required_argument, NULL, 't' },
    { "seed",        required_argument, NULL, OPT_SEED },
    { "json",        no_argument,       NULL, OPT_JSON },
    { "early-stop",  no_argument,       NULL, OPT_EARLY_STOP },
    { "help",        no_argument,       NULL, 'h' },
    { "version",     no_argument,       NULL, OPT_VERSION },
    { NULL, 0, NULL, 0 },
};

void cli_usage(FILE *f)
{
    fputs("usage: ponder [options]                  interactive tutor (TUI)\n"
          "       ponder solve [options] PROBLEM    headless; PROBLEM \"-\" reads stdin\n"
          "       ponder --help | --version\n"
          "\n"
          "  -m, --model SPEC      builtin | ollama:NAME | openai:NAME | llamacpp[:NAME]\n"
          "      --base-url URL    override the backend's endpoint\n"
          "  -s, --strategy NAME   direct | cot | fewshot | sc\n"
          "  -n, --samples N       samples for sc (default 10)\n"
          "  -t, --temperature T   sampling temperature (sc default 0.8, others 0)\n"
          "      --seed N          sampling seed\n"
          "      --early-stop      sc: stop once the leading answer cannot be overtaken\n"
          "      --json            JSON Lines events on stdout, the last one {\"event\":\"done\",...}\n"
          "\n"
          "Keys for OpenAI-compatible servers come from OPENAI_API_KEY (never the command line).\n"
          "Exit status: 0 answered, 1 the run failed, 2 usage error. See ponder(1).\n", f);
}

static int bad(char *err, size_t errlen, const char *what, const char *v)
{
    snprintf(err, errlen, "%s: '%s'", what, v);
    return 2;
}

int cli_parse(int argc, char **argv, app_config *cfg, cli_args *out,
              char *err, size_t errlen)
{
    memset(out, 0, sizeof *out);
    out->cmd = CMD_TUI;
    optind = 1;
    opterr = 0;
    int c;
    char *end;
    while ((c = getopt_long(argc, argv, ":m:s:n:t:h", long_opts, NULL)) != -1) {
        switch (c) {
        case 'm':
            if (model_spec_valid(optarg, err, errlen) != 0)
                return 2;
            snprintf(cfg->model, sizeof cfg->model, "%s", optarg);
            break;
        case OPT_BASE_URL:
            if (strncmp(optarg, "http://", 7) && strncmp(optarg, "https://", 8))
                return bad(err, errlen, "--base-url must start with http:// or https://", optarg);
            snprintf(cfg->base_url, sizeof cfg->base_url, "%s", optarg);
            break;
        case 's':
            if (!strategy_find(optarg))
                return bad(err, errlen, "unknown strategy (try direct, cot, fewshot or sc)", optarg);
            snprintf(cfg->strategy, sizeof cfg->strategy, "%s", optarg);
            break;
        case 'n': {
            errno = 0;
            long n = strtol(optarg, &end, 10);
            if (errno || *end || end == optarg || n < 1 || n > 256)
                return bad(err, errlen, "-n wants a number of samples from 1 to 256", optarg);
            cfg->strat.n = (int)n;
            break;
        }
        case 't': {
            errno = 0;
            double t = strtod(optarg, &end);
            if (errno || *end || end == optarg || !(t >= 0 && t <= 2))
                return bad(err, errlen, "-t wants a temperature from 0 to 2", optarg);
            cfg->strat.temperature = t;
            break;
        }
        case OPT_SEED: {
            errno = 0;
            long long s = strtoll(optarg, &end, 10);
            if (errno || *end || end == optarg || s < 0)
                return bad(err, errlen, "--seed wants a non-negative integer", optarg);
            cfg->strat.seed = s;
            break;
        }
        case OPT_JSON:
            cfg->json = 1;
            break;
        case OPT_EARLY_STOP:
            cfg->strat.early_stop = 1;
            break;
        case 'h':
            out->cmd = CMD_HELP;
            return 0;
        case OPT_VERSION:
            out->cmd = CMD_VERSION;
            return 0;
        case ':':
            snprintf(err, errlen, "option %s needs a value", argv[optind - 1]);
            return 2;
        default:
            snprintf(err, errlen, "unknown option '%s'", argv[optind - 1]);
            return 2;
        }
    }
    cfg->strat.name = cfg->strategy;
    int rest = argc - optind;
    if (rest == 0)
        return 0;
    if (strcmp(argv[optind], "solve") != 0) {
        snprintf(err, errlen, "unknown command '%s' (did you mean: ponder solve \"%s\"?)",
                 argv[optind], argv[optind]);
        return 2;
    }
    out->cmd = CMD_SOLVE;
    if (rest != 2) {
        snprintf(err, errlen, rest < 2 ? "solve needs a PROBLEM (or - to read stdin)"
                                       : "solve takes one PROBLEM; quote it");
        return 2;
    }
    out->problem = argv[optind + 1];
    return 0;
}
