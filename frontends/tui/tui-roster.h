/* tui-roster: the contact list as the TUI shows it: contacts with their groups,
 * presence (per resource, the best one shown), unread counts, and the rooms
 * joined; tui_roster_dup_rows() lays it out (groups sorted, offline contacts
 * hidden unless asked or unread). No curses here. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct _TuiRoster TuiRoster;

typedef enum {
    TUI_ROW_GROUP,
    TUI_ROW_CONTACT,
    TUI_ROW_ROOM,
} TuiRowKind;

typedef struct {
    TuiRowKind kind;
    char *jid;   /* bare JID; NULL for a group */
    char *label; /* the group's or contact's name, not yet sanitised */
    char *show;  /* "" available, away, xa, dnd, chat; NULL offline */
    guint unread;
} TuiRosterRow;

TuiRoster *tui_roster_new(void);
void tui_roster_free(TuiRoster *roster);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(TuiRoster, tui_roster_free)

/* Adds or updates a contact (@name may be NULL or empty: the JID is shown). */
void tui_roster_set_contact(TuiRoster *roster, const char *jid, const char *name,
                            const char *const *groups);
void tui_roster_remove_contact(TuiRoster *roster, const char *jid);
gboolean tui_roster_has_contact(TuiRoster *roster, const char *jid);
/* Empties the list (before a reload). */
void tui_roster_clear(TuiRoster *roster);

/* A presence of @full_jid; @show "unavailable" removes that resource. Presences of
 * entities not in the list are kept too (they may be added later). */
void tui_roster_set_presence(TuiRoster *roster, const char *full_jid, const char *show,
                             gint priority);
/* The show of @jid's best resource (highest priority), NULL when offline
 * (transfer none). */
const char *tui_roster_get_show(TuiRoster *roster, const char *jid);

void tui_roster_add_room(TuiRoster *roster, const char *room_jid);
void tui_roster_remove_room(TuiRoster *roster, const char *room_jid);
gboolean tui_roster_has_room(TuiRoster *roster, const char *room_jid);

void tui_roster_set_unread(TuiRoster *roster, const char *jid, guint unread);

void tui_roster_set_show_offline(TuiRoster *roster, gboolean show);
gboolean tui_roster_get_show_offline(TuiRoster *roster);

guint tui_roster_count_contacts(TuiRoster *roster);

/* The rows to draw: the rooms first ("Rooms"), then each group in name order
 * (contacts without a group last, under "(no group)"), contacts by label; a
 * contact in two groups is listed in both (transfer full: TuiRosterRow*). The
 * array is laid out once and shared until the roster changes: read it, never
 * change it. */
GPtrArray *tui_roster_dup_rows(TuiRoster *roster);

/* The text of @show for the list: a one-character mark (transfer none). */
const char *tui_roster_show_mark(const char *show);

G_END_DECLS
