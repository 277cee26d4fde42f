#include "ui/input.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <readline/readline.h>
#include <readline/history.h>

#include "tutor/utf8.h"
#include "ui/curses.h"
#include "ui/files.h"
#include "ui/keymap.h"

enum { HISTORY_MAX = 1000 };
static const char PROMPT[] = "problem> ";
static const char PROMPT24[] = "24> ";
static const char *cur_prompt = PROMPT;

static struct {
    int ready;
    unsigned char q[16];        /* bytes waiting for rl_getc */
    int qhead, qlen;
    FILE *devnull_in, *devnull_out;
    input_submit_fn on_submit;
    void *ud;
    char path[1024];            /* history file, "" for none */
    int file_lines;             /* lines in it, as far as this tutor knows */
    int unreadable;             /* it holds lines load_history skipped */
} in;

/* readline asks for input only from the queue, and never draws. */
static int rl_getc_hook(FILE *f)
{
    (void)f;
    if (in.qlen == 0) return EOF;
    in.qlen--;
    return in.q[in.qhead++ % (int)sizeof in.q];
}
static void rl_redisplay_hook(void) {}
static void rl_prep_hook(int meta) { (void)meta; }
static void rl_deprep_hook(void) {}
static int rl_available_hook(void) { return in.qlen > 0; }

static void on_line(char *line)
{
    /* NULL is end-of-file (Ctrl-D on an empty line); the keymap takes that
     * key before readline sees it, so ignore it here. */
    if (line) {
        if (in.on_submit) in.on_submit(in.ud, line);
        free(line);
    }
}

static void feed(const unsigned char *b, int n)
{
    for (int i = 0; i < n; i++) {
        if (in.qlen == (int)sizeof in.q) break;
        in.q[(in.qhead + in.qlen++) % (int)sizeof in.q] = b[i];
    }
    while (in.qlen > 0) rl_callback_read_char();
}

static int valid_line(const char *s, size_t len)
{
    if (len == 0 || len > INPUT_MAX) return 0;
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c < 0x20 || c == 0x7f) return 0;
    }
    return 1;
}

static void load_history(char *msg, size_t msglen)
{
    FILE *f = fopen(in.path, "r");
    char *line = NULL;
    size_t cap = 0;
    ssize_t len;
    int bad = 0;
    if (!f) {
        if (errno != ENOENT)
            snprintf(msg, msglen, "history not read: %s: %s", in.path, strerror(errno));
        return;
    }
    while ((len = getline(&line, &cap, f)) >= 0) {
        if (len > 0 && line[len - 1] == '\n') line[--len] = 0;
        if (len > 0 && line[len - 1] == '\r') line[--len] = 0;
        if (len == 0) continue;
        in.file_lines++;
        if (!valid_line(line, (size_t)len) || strlen(line) != (size_t)len) { bad++; continue; }
        add_history(line);
    }
    if (ferror(f))
        snprintf(msg, msglen, "history partly read: %s: %s", in.path, strerror(errno));
    else if (bad)
        snprintf(msg, msglen, "history: skipped %d unreadable line%s in %s",
                 bad, bad == 1 ? "" : "s", in.path);
    in.unreadable = bad > 0;
    free(line);
    fclose(f);
}

int input_init(const char *state_dir, input_submit_fn on_submit, void *ud,
               char *msg, size_t msglen)
{
    if (msglen) msg[0] = 0;
    memset(&in, 0, sizeof in);
    in.on_submit = on_submit;
    in.ud = ud;
    in.devnull_in = fopen("/dev/null", "r");
    in.devnull_out = fopen("/dev/null", "w");
    if (!in.devnull_in || !in.devnull_out) {
        snprintf(msg, msglen, "/dev/null: %s", strerror(errno));
        input_done();
        return -1;
    }
    rl_readline_name = "ponder";
    rl_instream = in.devnull_in;
    rl_outstream = in.devnull_out;
    rl_catch_signals = 0;
    rl_catch_sigwinch = 0;
    rl_change_environment = 0;
    rl_getc_function = rl_getc_hook;
    rl_redisplay_function = rl_redisplay_hook;
    rl_prep_term_function = rl_prep_hook;
    rl_deprep_term_function = rl_deprep_hook;
    rl_input_available_hook = rl_available_hook;
    rl_inhibit_completion = 1;
    using_history();
    stifle_history(HISTORY_MAX);
    if (state_dir && *state_dir) {
        snprintf(in.path, sizeof in.path, "%s/history", state_dir);
        load_history(msg, msglen);
    }
    rl_callback_handler_install(cur_prompt, on_line);
    rl_variable_bind("editing-mode", "emacs");
    rl_variable_bind("enable-bracketed-paste", "off");
    rl_variable_bind("bell-style", "none");
    in.ready = 1;
    return 0;
}

/* A history line edited and left (Up, type, Down) holds readline's undo
 * list for it; clear_history() frees the line but not that list. */
static void free_history_undo(void)
{
    HIST_ENTRY **h = history_list();
    for (int i = 0; h && h[i]; i++) {
        UNDO_LIST *list = h[i]->data, *cur = rl_undo_list;
        if (!list) continue;
        rl_undo_list = list;
        rl_free_undo_list();    /* also clears every entry's pointer to it */
        rl_undo_list = cur == list ? NULL : cur;
    }
    rl_free_undo_list();        /* the line being edited */
}

void input_done(void)
{
    if (in.ready) {
        rl_callback_handler_remove();
        free_history_undo();
        clear_history();
    }
    if (in.devnull_in) fclose(in.devnull_in);
    if (in.devnull_out) fclose(in.devnull_out);
    rl_instream = NULL;
    rl_outstream = NULL;
    memset(&in, 0, sizeof in);
}

static int room_for(size_t n, char *msg, size_t msglen)
{
    if ((size_t)rl_end + n <= INPUT_MAX) return 1;
    snprintf(msg, msglen, "the problem line is full (%d bytes at most)", INPUT_MAX);
    return 0;
}

int input_key(int key, char *msg, size_t msglen)
{
    unsigned char b[8];
    if (!in.ready) return 0;
    if (key & 0x1000000) {              /* function keys */
        switch (key & 0xffffff) {
        case KEY_LEFT:      b[0] = KM_CTRL('b'); break;
        case KEY_RIGHT:     b[0] = KM_CTRL('f'); break;
        case KEY_HOME:      b[0] = KM_CTRL('a'); break;
        case KEY_END:       b[0] = KM_CTRL('e'); break;
        case KEY_BACKSPACE: b[0] = 0x7f; break;
        case KEY_DC:
            if (rl_point >= rl_end) return 0;   /* never EOF from Delete */
            b[0] = KM_CTRL('d');
            break;
        case KEY_UP:   rl_get_previous_history(1, 0); return 1;
        case KEY_DOWN: rl_get_next_history(1, 0); return 1;
        default: return 0;
        }
        feed(b, 1);
        return 1;
    }
    if (key & 0x2000000) {              /* Alt-x */
        switch (key & 0xffffff) {
        case 'b': case 'B': rl_backward_word(1, 0); break;
        case 'f': case 'F': rl_forward_word(1, 0); break;
        case 'd': case 'D': rl_kill_word(1, 0); break;
        case 0x7f: case 8:  rl_backward_kill_word(1, 0); break;
        case 'u': case 'U': rl_upcase_word(1, 0); break;
        case 'l': case 'L': rl_downcase_word(1, 0); break;
        case 'c': case 'C': rl_capitalize_word(1, 0); break;
        default: return 0;
        }
        return 1;
    }
    if (key == 27) return 0;            /* readline never sees Esc */
    if (key == KM_CTRL('d') && rl_end == 0) return 0;
    if (key < 0x20 || key == 0x7f) {
        b[0] = (unsigned char)key;
        feed(b, 1);
        return 1;
    }
    if (key >= 0x80 && key < 0xa0) return 0;
    {
        /* a printable character: its UTF-8 bytes */
        int n = utf8_encode((unsigned)key, (char *)b);
        if (n == 0) return 0;           /* a surrogate, or beyond Unicode */
        if (!room_for((size_t)n, msg, msglen)) return 0;
        if (n == 1) feed(b, 1);
        else {
            /* insert whole characters: readline's byte-at-a-time multibyte
             * insertion depends on its locale state */
            char s[8];
            memcpy(s, b, (size_t)n);
            s[n] = 0;
            rl_insert_text(s);
        }
        return 1;
    }
}

int input_paste(const char *s, size_t len, char *msg, size_t msglen)
{
    char *clean;
    size_t k = 0;
    if (!in.ready) return -1;
    if (len > INPUT_MAX || !room_for(len, msg, msglen)) {
        snprintf(msg, msglen, "paste refused: %zu bytes; a problem can be at most %d bytes",
                 len, INPUT_MAX);
        return -1;
    }
    clean = malloc(len + 1);
    if (!clean) return -1;
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == '\n' || c == '\r' || c == '\t') {
            if (k > 0 && clean[k - 1] != ' ') clean[k++] = ' ';
        } else if (c >= 0x20 && c != 0x7f) clean[k++] = (char)c;
    }
    while (k > 0 && clean[k - 1] == ' ' && rl_point == rl_end) k--;
    clean[k] = 0;
    rl_insert_text(clean);
    free(clean);
    return 0;
}

void input_submit(void)
{
    unsigned char cr = '\r';
    if (in.ready) feed(&cr, 1);
}

int input_empty(void) { return !in.ready || rl_end == 0; }

const char *input_prompt(void)
{
    return rl_display_prompt ? rl_display_prompt : cur_prompt;
}

void input_set_task24(int on)
{
    cur_prompt = on ? PROMPT24 : PROMPT;
    if (in.ready)
        rl_set_prompt(cur_prompt);
}

const char *input_text(void) { return rl_line_buffer ? rl_line_buffer : ""; }
size_t input_point(void) { return rl_point > 0 ? (size_t)rl_point : 0; }

void input_clear(void)
{
    if (!in.ready) return;
    rl_replace_line("", 1);
    rl_point = rl_end = 0;
}

/* Rewrites the file with its last HISTORY_MAX readable lines, read from
 * the file itself, so what other tutors appended is kept. */
static int compact_history(char *err, size_t errlen)
{
    FILE *f = fopen(in.path, "r");
    char **keep = calloc(HISTORY_MAX, sizeof *keep), *line = NULL, *buf = NULL;
    size_t cap = 0, len = 0, total = 0;
    ssize_t n;
    int count = 0, rc = -1;
    if (!f || !keep) {
        snprintf(err, errlen, "%s: %s", in.path, strerror(errno ? errno : ENOMEM));
        goto done;
    }
    while ((n = getline(&line, &cap, f)) >= 0) {
        if (n == 0 || line[n - 1] != '\n') continue;    /* a line still being written */
        if (!valid_line(line, (size_t)n - 1) || strlen(line) != (size_t)n) continue;
        free(keep[count % HISTORY_MAX]);
        keep[count % HISTORY_MAX] = line;
        line = NULL;
        cap = 0;
        count++;
    }
    for (int i = 0; i < HISTORY_MAX; i++) total += keep[i] ? strlen(keep[i]) : 0;
    buf = malloc(total + 1);
    if (!buf) goto done;
    for (int i = count > HISTORY_MAX ? count - HISTORY_MAX : 0; i < count; i++) {
        size_t l = strlen(keep[i % HISTORY_MAX]);
        memcpy(buf + len, keep[i % HISTORY_MAX], l);
        len += l;
    }
    rc = files_write_atomic(in.path, buf, len, err, errlen);
    if (rc == 0) {
        in.file_lines = count < HISTORY_MAX ? count : HISTORY_MAX;
        in.unreadable = 0;
    }
done:
    if (f) fclose(f);
    for (int i = 0; keep && i < HISTORY_MAX; i++) free(keep[i]);
    free(keep);
    free(line);
    free(buf);
    return rc;
}

int input_history_add(const char *line, char *msg, size_t msglen)
{
    HIST_ENTRY **h;
    char err[1200], dir[1024], *slash, *rec;
    size_t len = strlen(line);
    int fd, rc = 0;
    if (!valid_line(line, len)) return 0;
    h = history_list();
    /* skip an immediate repeat */
    if (history_length > 0 && h && h[history_length - 1] &&
        strcmp(h[history_length - 1]->line, line) == 0) {
        using_history();
        return 0;
    }
    add_history(line);
    using_history();            /* Up starts again from the newest entry */
    if (!in.path[0]) return 0;
    snprintf(dir, sizeof dir, "%s", in.path);
    slash = strrchr(dir, '/');
    if (slash) { *slash = 0; files_mkdirs(dir); }
    /* Appended with one write(), never rewritten from this tutor's list:
     * two tutors open at once both keep what the other added. */
    rec = malloc(len + 1);
    if (!rec) return -1;
    memcpy(rec, line, len);
    rec[len] = '\n';
    fd = open(in.path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
    if (fd < 0 || write(fd, rec, len + 1) != (ssize_t)(len + 1)) {
        snprintf(msg, msglen, "history not saved: %s: %s", in.path, strerror(errno));
        rc = -1;
    }
    if (fd >= 0) close(fd);
    free(rec);
    /* trimmed (and cleaned of unreadable lines) now and then, not each time */
    if (rc == 0 && (++in.file_lines > 2 * HISTORY_MAX || in.unreadable) &&
        compact_history(err, sizeof err) < 0) {
        snprintf(msg, msglen, "history not trimmed: %s", err);
        rc = -1;
    }
    return rc;
}
