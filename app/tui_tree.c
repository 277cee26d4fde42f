/* tui_tree: the tree pane's keys (move, collapse, find, show a path)
 * and the exports it offers. */
#include "app/tui_state.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "tutor/export.h"
#include "tutor/utf8.h"
#include "ui/curses.h"          /* KEY_* codes only */

/* After the tree's cursor moved: the Thinking pane shows that node. */
static void tree_moved(tui *t)
{
    const trace_node *n = trace_cget(&t->v.tr, t->v.tree.cursor);
    t->v.focus = -1;
    t->v.path_node = -1;
    t->v.follow = n && n->status == NS_STREAMING;
    t->v.scroll = 0;
    t->v.scroll_asked = t->v.scroll_lines = t->v.scroll_pages = 0;
}

static void export_to(tui *t, const char *path, int force)
{
    char err[1200];
    export_opts o = { .force = force };
    errno = 0;
    if (export_file(path, &t->v.tr, &t->v.log, &o, err, sizeof err) == 0)
        tui_note(t, ROLE_STATUS, "wrote %s", path);
    else if (errno == EEXIST && !force) {
        /* ask on the status line; tui_key takes the answer */
        snprintf(t->overwrite, sizeof t->overwrite, "%s", path);
        view_message(&t->v, ROLE_STATUS_ERROR, tui_now(), 3600, "%s exists: replace it? (y/n)", path);
        t->dirty = 1;
    } else
        tui_note(t, ROLE_STATUS_ERROR, "export failed: %s", err);
}

/* The y/n answer to "replace it?": y writes over the file, anything else
 * keeps it. */
void tui_export_answer(tui *t, int key)
{
    char path[64];
    snprintf(path, sizeof path, "%s", t->overwrite);
    t->overwrite[0] = 0;
    if (key == 'y' || key == 'Y') export_to(t, path, 1);
    else tui_note(t, ROLE_STATUS, "not exported: %s is kept", path);
}

void tui_export(tui *t, const char *ext)
{
    char path[64], stamp[32];
    time_t now = time(NULL);
    struct tm tm;
    if (!t->v.started || t->v.tr.n == 0) { tui_note(t, ROLE_STATUS, "%s", "No run to export yet."); return; }
    localtime_r(&now, &tm);
    strftime(stamp, sizeof stamp, "%Y%m%d-%H%M%S", &tm);
    snprintf(path, sizeof path, "ponder-run-%s.%s", stamp, ext);
    export_to(t, path, 0);
}

void tui_tree_focus(tui *t)
{
    tree_view *tv = &t->v.tree;
    if (tv->focus) { tv->focus = 0; return; }
    if (!t->v.started || !view_has_tree(&t->v)) {
        tui_note(t, ROLE_STATUS, "%s", "This run has no tree to explore (tree searches grow one).");
        return;
    }
    tv->focus = 1;
    tree_sync(tv, &t->v.tr);
}

void tui_tree_action(tui *t, ui_action a)
{
    tree_view *tv = &t->v.tree;
    const trace *tr = &t->v.tr;
    int page = tv->page > 2 ? tv->page - 1 : 1, moved = 0;
    if (tv->compact) page *= t->scr.lay.side.w > 2 ? t->scr.lay.side.w - 2 : 1;
    switch (a) {
    case ACT_TREE_DOWN: moved = tree_move_rows(tv, tr, 1); break;
    case ACT_TREE_UP: moved = tree_move_rows(tv, tr, -1); break;
    case ACT_TREE_PARENT: moved = tree_move_parent(tv, tr); break;
    case ACT_TREE_CHILD: moved = tree_move_child(tv, tr); break;
    case ACT_TREE_PREV_SIBLING: moved = tree_move_sibling(tv, tr, -1); break;
    case ACT_TREE_NEXT_SIBLING: moved = tree_move_sibling(tv, tr, 1); break;
    case ACT_TREE_PAGE_UP: moved = tree_move_rows(tv, tr, -page); break;
    case ACT_TREE_PAGE_DOWN: moved = tree_move_rows(tv, tr, page); break;
    case ACT_TREE_HOME: moved = tree_move_home(tv, tr); break;
    case ACT_TREE_END: moved = tree_move_end(tv, tr); break;
    case ACT_TREE_PATH:
        tree_sync(tv, tr);
        t->v.path_node = tv->cursor;
        t->v.follow = 0;
        t->v.scroll = 0;
        break;
    case ACT_TREE_COLLAPSE: tree_toggle(tv, tr); break;
    case ACT_TREE_SEARCH:
        tv->searching = 1;
        tv->search[0] = 0;
        break;
    case ACT_TREE_COMPACT: tv->compact = !tv->compact; tv->top = 0; break;
    case ACT_TREE_VOTES: tv->show_votes = !tv->show_votes; break;
    case ACT_TREE_EXPORT_DOT: tui_export(t, "dot"); break;
    case ACT_TREE_EXPORT_JSON: tui_export(t, "jsonl"); break;
    case ACT_TREE_EXPORT_MD: tui_export(t, "md"); break;
    case ACT_TREE_LEAVE: tv->focus = 0; break;
    default: break;
    }
    if (moved) tree_moved(t);
    t->dirty = 1;
}

/* Keys while a tree search is typed on the status line. */
void tui_tree_search_key(tui *t, int key)
{
    tree_view *tv = &t->v.tree;
    size_t len = strlen(tv->search);
    t->dirty = 1;
    if (key == 27 || key == KM_CTRL('c') || key == KM_CTRL('g')) { tv->searching = 0; return; }
    if (key == '\r' || key == '\n' || key == KM_FN(KEY_ENTER)) {
        if (!tv->search[0]) { tv->searching = 0; return; }
        if (tree_find_next(tv, &t->v.tr)) {
            tree_moved(t);
            t->v.msg[0] = 0;
        } else tui_note(t, ROLE_STATUS_ERROR, "not found: %s", tv->search);
        return;
    }
    if (key == KM_FN(KEY_BACKSPACE) || key == 127 || key == 8) {
        while (len > 0 && ((unsigned char)tv->search[len - 1] & 0xc0) == 0x80) len--;
        if (len > 0) len--;
        tv->search[len] = 0;
        return;
    }
    if (key >= 0x20 && key < 0x110000 && key != 0x7f) {
        char mb[4];
        int n = utf8_encode((unsigned)key, mb);     /* 0: a surrogate */
        if (n > 0 && len + (size_t)n < sizeof tv->search) {
            memcpy(tv->search + len, mb, (size_t)n);
            tv->search[len + (size_t)n] = 0;
        }
    }
}
