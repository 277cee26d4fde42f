/* cli: getopt_long over the flags of DESIGN.md §9, plus the knobs of the
 * strategies in its §5 table (--early-stop, --task, --verifier, --agg, -k,
 * --depth, --value-samples, --search, --iterations, --uct-c, --budget,
 * --select) and --export. Everything else lives in config.ini. */
#include "app/cli.h"

#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "lm/curriculum.h"
#include "tutor/practice.h"
#include "tutor/stepcheck.h"

enum {
    OPT_BASE_URL = 256, OPT_SEED, OPT_JSON, OPT_EARLY_STOP, OPT_VERSION,
    OPT_TASK, OPT_VERIFIER, OPT_AGG, OPT_DEPTH, OPT_VALUES, OPT_SEARCH, OPT_ITER,
    OPT_UCT, OPT_BUDGET, OPT_SELECT, OPT_EXPORT, OPT_THINK, OPT_MIN_THINK, OPT_INSECURE,
    OPT_NO_TRANSCRIPT, OPT_SPEED, OPT_FORCE,
    OPT_SET, OPT_SKILL, OPT_TIER, OPT_STUDENT
};

static const struct option long_opts[] = {
    { "model",       required_argument, NULL, 'm' },
    { "base-url",    required_argument, NULL, OPT_BASE_URL },
    { "strategy",    required_argument, NULL, 's' },
    { "samples",     required_argument, NULL, 'n' },
    { "temperature", required_argument, NULL, 't' },
    { "seed",        required_argument, NULL, OPT_SEED },
    { "json",        no_argument,       NULL, OPT_JSON },
    { "early-stop",  no_argument,       NULL, OPT_EARLY_STOP },
    { "task",        required_argument, NULL, OPT_TASK },
    { "verifier",    required_argument, NULL, OPT_VERIFIER },
    { "agg",         required_argument, NULL, OPT_AGG },
    { "proposals",   required_argument, NULL, 'k' },
    { "depth",       required_argument, NULL, OPT_DEPTH },
    { "value-samples", required_argument, NULL, OPT_VALUES },
    { "search",      required_argument, NULL, OPT_SEARCH },
    { "iterations",  required_argument, NULL, OPT_ITER },
    { "uct-c",       required_argument, NULL, OPT_UCT },
    { "budget",      required_argument, NULL, OPT_BUDGET },
    { "select",      required_argument, NULL, OPT_SELECT },
    { "export",      required_argument, NULL, OPT_EXPORT },
    { "force",       no_argument,       NULL, OPT_FORCE },
    { "think",       required_argument, NULL, OPT_THINK },
    { "min-think",   required_argument, NULL, OPT_MIN_THINK },
    { "insecure",    no_argument,       NULL, OPT_INSECURE },
    { "no-transcript", no_argument,     NULL, OPT_NO_TRANSCRIPT },
    { "speed",       required_argument, NULL, OPT_SPEED },
    { "set",         required_argument, NULL, OPT_SET },
    { "skill",       required_argument, NULL, OPT_SKILL },
    { "tier",        required_argument, NULL, OPT_TIER },
    { "student",     required_argument, NULL, OPT_STUDENT },
    { "help",        no_argument,       NULL, 'h' },
    { "version",     no_argument,       NULL, OPT_VERSION },
    { NULL, 0, NULL, 0 },
};

void cli_usage(FILE *f)
{
    fputs("usage: ponder [options]                  interactive tutor (TUI)\n"
          "       ponder solve [options] PROBLEM    headless; PROBLEM \"-\" reads stdin\n"
          "       ponder runs                       list the saved runs, newest first\n"
          "       ponder replay [--speed X] FILE    show a saved run again (no model, no network)\n"
          "       ponder practice [--json] [--set FILE] [--skill S] [--tier T] [--student NAME]\n"
          "                                         solve problems yourself, step by step\n"
          "       ponder progress [--student NAME] [--export FILE.md|FILE.csv]\n"
          "                                         mastery per skill\n"
          "       ponder --help | --version\n"
          "\n"
          "  -m, --model SPEC      builtin | ollama:NAME | openai:NAME | anthropic:NAME |\n"
          "                        llamacpp[:NAME]\n"
          "      --base-url URL    override the backend's endpoint\n"
          "  -s, --strategy NAME   direct | cot | fewshot | sc | bon | beam | tot | mcts\n"
          "  -n, --samples N       samples (sc 10, bon 8), beams (beam 4), breadth (tot 5),\n"
          "                        proposals per expansion (mcts 3)\n"
          "  -t, --temperature T   sampling temperature (sampling strategies 0.8, others 0)\n"
          "      --seed N          sampling seed\n"
          "      --task math|24    a word problem (default) or a Game of 24 puzzle \"4 9 10 13\"\n"
          "      --early-stop      sc: stop once the leading answer cannot be overtaken\n"
          "      --verifier V      bon, beam, mcts: check (step checker) | judge | logprob\n"
          "      --agg A           step scores over a chain: last | min (default) | prod | mean\n"
          "      --select S        bon: weighted (sum scores per answer, default) | best\n"
          "  -k, --proposals K     next steps proposed per expanded node (beam 4, tot 8, mcts 3)\n"
          "      --depth D         maximum steps (24: 3, word problems: 8)\n"
          "      --value-samples V tot: value samples per state (default 3)\n"
          "      --search bfs|dfs  tot: breadth-first (default) or depth-first with backtracking\n"
          "      --iterations I    mcts: iterations (default 16)\n"
          "      --uct-c C         mcts: exploration constant (default 1.4)\n"
          "      --budget TOKENS   mcts: stop after this many tokens out\n"
          "      --think T         off | on | low | medium | high | TOKENS (a thinking budget)\n"
          "      --min-think N     built-in model: think at least N tokens (\"Wait,\" replaces an\n"
          "                        early answer, as in s1)\n"
          "      --insecure        do not verify TLS certificates (shown on the status line)\n"
          "      --export FILE     write the run: FILE.dot (Graphviz), FILE.md (Markdown)\n"
          "                        or JSON Lines; a new file, or a regular file with --force\n"
          "      --force           --export may replace an existing file\n"
          "      --no-transcript   do not save this run under ~/.local/share/ponder/runs\n"
          "      --speed X         replay: X times the run's pace (default 1; 0 = instant)\n"
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

/* Edits from a to b, where swapping two neighbours counts as one edit
 * (optimal string alignment): "rnus" is 1 from "runs", 3 from "solve".
 * Only short words are compared; longer ones count as far. */
static int edit_distance(const char *a, const char *b)
{
    enum { MAX = 32 };
    int d[MAX + 1][MAX + 1];
    size_t n = strlen(a), m = strlen(b);
    if (n > MAX || m > MAX)
        return MAX;
    for (size_t i = 0; i <= n; i++) d[i][0] = (int)i;
    for (size_t j = 0; j <= m; j++) d[0][j] = (int)j;
    for (size_t i = 1; i <= n; i++)
        for (size_t j = 1; j <= m; j++) {
            int cost = a[i - 1] != b[j - 1];
            int best = d[i - 1][j - 1] + cost;
            if (d[i - 1][j] + 1 < best) best = d[i - 1][j] + 1;
            if (d[i][j - 1] + 1 < best) best = d[i][j - 1] + 1;
            if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] &&
                d[i - 2][j - 2] + 1 < best)
                best = d[i - 2][j - 2] + 1;
            d[i][j] = best;
        }
    return d[n][m];
}

/* The command word meant by a typo ("rnus" -> "runs"), or NULL when word
 * is nothing like one (then it is likely a problem typed without solve). */
static const char *command_like(const char *word)
{
    static const char *const commands[] = { "solve", "runs", "replay" };
    const char *best = NULL;
    int best_d = 3;
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++) {
        int dist = edit_distance(word, commands[i]);
        /* at most 2 edits, and fewer than half the word changed */
        if (dist < best_d && 2 * dist < (int)strlen(commands[i])) {
            best = commands[i];
            best_d = dist;
        }
    }
    return best;
}

/* `runs` and `replay FILE`. Returns 0 when argv named one (out->cmd set),
 * 1 when it is some other command, -1 on a usage error (message in err). */
static int cli_parse_command(int rest, char **argv, cli_args *out, char *err, size_t errlen)
{
    if (!strcmp(argv[0], "runs")) {
        if (rest != 1) {
            snprintf(err, errlen, "runs takes no arguments");
            return -1;
        }
        out->cmd = CMD_RUNS;
        return 0;
    }
    if (!strcmp(argv[0], "practice") || !strcmp(argv[0], "progress")) {
        if (rest != 1) {
            snprintf(err, errlen, "%s takes options only", argv[0]);
            return -1;
        }
        out->cmd = !strcmp(argv[0], "practice") ? CMD_PRACTICE : CMD_PROGRESS;
        return 0;
    }
    if (!strcmp(argv[0], "replay")) {
        if (rest != 2) {
            snprintf(err, errlen, rest < 2 ? "replay needs a FILE (ponder runs lists them)"
                                           : "replay takes one FILE");
            return -1;
        }
        out->cmd = CMD_REPLAY;
        out->file = argv[1];
        return 0;
    }
    return 1;
}

int cli_parse(int argc, char **argv, app_config *cfg, cli_args *out,
              char *err, size_t errlen)
{
    memset(out, 0, sizeof *out);
    out->cmd = CMD_TUI;
    out->speed = 1;
    out->skill = out->tier = -1;
    optind = 1;
    opterr = 0;
    int c;
    char *end;
    while ((c = getopt_long(argc, argv, ":m:s:n:t:k:h", long_opts, NULL)) != -1) {
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
                return bad(err, errlen, "unknown strategy (try direct, cot, fewshot, sc, bon, "
                                        "beam, tot or mcts)", optarg);
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
        case OPT_TASK:
            if (!strcmp(optarg, "math"))
                cfg->strat.task = TASK_MATH;
            else if (!strcmp(optarg, "24"))
                cfg->strat.task = TASK_24;
            else
                return bad(err, errlen, "--task wants math or 24", optarg);
            break;
        case OPT_VERIFIER:
            if (!strcmp(optarg, "check"))
                cfg->strat.verifier = VERIFIER_CHECK;
            else if (!strcmp(optarg, "judge"))
                cfg->strat.verifier = VERIFIER_JUDGE;
            else if (!strcmp(optarg, "logprob"))
                cfg->strat.verifier = VERIFIER_LOGPROB;
            else
                return bad(err, errlen, "--verifier wants check, judge or logprob", optarg);
            break;
        case OPT_AGG: {
            agg_kind a;
            if (agg_parse(optarg, &a) != 0)
                return bad(err, errlen, "--agg wants last, min, prod or mean", optarg);
            cfg->strat.agg = (int)a;
            break;
        }
        case OPT_SELECT:
            if (!strcmp(optarg, "weighted"))
                cfg->strat.weighted = 1;
            else if (!strcmp(optarg, "best"))
                cfg->strat.weighted = 0;
            else
                return bad(err, errlen, "--select wants weighted or best", optarg);
            break;
        case OPT_SEARCH:
            if (!strcmp(optarg, "bfs"))
                cfg->strat.search = SEARCH_BFS;
            else if (!strcmp(optarg, "dfs"))
                cfg->strat.search = SEARCH_DFS;
            else
                return bad(err, errlen, "--search wants bfs or dfs", optarg);
            break;
        case 'k':
        case OPT_DEPTH:
        case OPT_VALUES:
        case OPT_ITER: {
            errno = 0;
            long n = strtol(optarg, &end, 10);
            int hi = c == OPT_ITER ? 10000 : 64;
            if (errno || *end || end == optarg || n < 1 || n > hi) {
                snprintf(err, errlen, "%s wants a number from 1 to %d: '%s'",
                         c == 'k' ? "-k" : c == OPT_DEPTH ? "--depth"
                         : c == OPT_VALUES ? "--value-samples" : "--iterations", hi, optarg);
                return 2;
            }
            if (c == 'k') cfg->strat.k = (int)n;
            else if (c == OPT_DEPTH) cfg->strat.depth = (int)n;
            else if (c == OPT_VALUES) cfg->strat.value_samples = (int)n;
            else cfg->strat.iterations = (int)n;
            break;
        }
        case OPT_UCT: {
            errno = 0;
            double u = strtod(optarg, &end);
            if (errno || *end || end == optarg || !(u > 0 && u <= 100))
                return bad(err, errlen, "--uct-c wants a number above 0", optarg);
            cfg->strat.uct_c = u;
            break;
        }
        case OPT_BUDGET: {
            errno = 0;
            long b = strtol(optarg, &end, 10);
            if (errno || *end || end == optarg || b < 1)
                return bad(err, errlen, "--budget wants a number of tokens", optarg);
            cfg->strat.token_budget = b;
            break;
        }
        case OPT_THINK:
            if (think_parse(optarg, &cfg->strat.think, &cfg->strat.think_budget) != 0)
                return bad(err, errlen, "--think wants off, on, low, medium, high or a number "
                                        "of tokens", optarg);
            break;
        case OPT_MIN_THINK: {
            errno = 0;
            long n = strtol(optarg, &end, 10);
            if (errno || *end || end == optarg || n < 0 || n > 100000)
                return bad(err, errlen, "--min-think wants a number of tokens", optarg);
            cfg->strat.min_think = (int)n;
            break;
        }
        case OPT_INSECURE:
            cfg->insecure = 1;
            break;
        case OPT_EXPORT:
            if (!*optarg)
                return bad(err, errlen, "--export wants a file name", optarg);
            snprintf(cfg->export_path, sizeof cfg->export_path, "%s", optarg);
            break;
        case OPT_FORCE:
            cfg->export_force = 1;
            break;
        case OPT_NO_TRANSCRIPT:
            cfg->transcripts = 0;
            break;
        case OPT_SPEED: {
            errno = 0;
            double x = strtod(optarg, &end);
            if (errno || *end || end == optarg || !(x >= 0 && x <= 10000))
                return bad(err, errlen, "--speed wants a number from 0 (instant) to 10000", optarg);
            out->speed = x;
            break;
        }
        case OPT_SET:
            out->set = optarg;
            break;
        case OPT_SKILL:
            if ((out->skill = practice_skill_parse(optarg)) < 0)
                return bad(err, errlen,
                           "--skill wants add, subtract, multiply, divide, mixed or multi-step", optarg);
            break;
        case OPT_TIER:
            out->tier = -1;
            for (int t = 0; t < CUR_NTIERS; t++)
                if (!strcmp(optarg, cur_tier_name(t)))
                    out->tier = t;
            if (out->tier < 0)
                return bad(err, errlen, "--tier wants easy, medium, hard or beyond", optarg);
            break;
        case OPT_STUDENT:
            if (!optarg[0] || strlen(optarg) >= 64)
                return bad(err, errlen, "--student wants a name of 1 to 63 bytes", optarg);
            out->student = optarg;
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
    if (cli_parse_command(argc - optind, argv + optind, out, err, errlen) != 1)
        return out->cmd == CMD_TUI ? 2 : 0;
    if (strcmp(argv[optind], "solve") != 0) {
        const char *like = command_like(argv[optind]);
        if (like)
            snprintf(err, errlen, "unknown command '%s' (did you mean: ponder %s?)",
                     argv[optind], like);
        else
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
