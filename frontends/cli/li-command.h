/* li-command: the shape of li's command tree.
 *
 * Every command is one const LiCommand in the file of its group (li-cmd-*.c):
 * its options, positionals, the shared option sets of Libervia's CLI it takes,
 * its output formats and the function that runs it. The parser, --help and the
 * shell completion are all derived from these tables.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct _LiContext LiContext;

/* Runs a command; it finishes, now or from a bridge callback, with
 * li_context_done() or li_context_fail(). */
typedef void (*LiExecFunc)(LiContext *ctx);

typedef enum {
    LI_OPT_REPEAT = 1 << 0, /* may be given several times (flags count) */
    LI_OPT_PAIR = 1 << 1,   /* takes two values (argparse's nargs=2): li_parsed_get_strings()
                             * lists them in pairs */
} LiOptionFlags;

typedef struct {
    char short_name;       /* 0: none */
    const char *long_name; /* without "--"; also the key of its value */
    const char *alias;     /* another long name, or NULL */
    const char *metavar;   /* NULL: a flag that takes no value */
    const char *help;
    const char *const *choices; /* allowed values, or NULL */
    const char *default_value;  /* shown in --help and returned when absent */
    guint flags;                /* LiOptionFlags */
} LiOption;

typedef struct {
    const char *name;
    const char *help;
    gboolean optional;
    gboolean variadic; /* the last one only: takes every remaining argument */
} LiPositional;

/* The shared option sets of Libervia's CLI (its codes P, c, S, v, q, O). */
typedef enum {
    LI_SHARED_PROFILE = 1 << 0, /* -p/--profile PROFILE, --pwd PASSWORD */
    LI_SHARED_CONNECT = 1 << 1, /* -c/--connect */
    LI_SHARED_SESSION = 1 << 2, /* --start-session (not with -c) */
    LI_SHARED_VERBOSE = 1 << 3, /* -v/--verbose, counted */
    LI_SHARED_QUIET = 1 << 4,   /* -q/--quiet */
} LiShared;

typedef struct {
    const char *name;
    const char *help;
    guint shared;                    /* LiShared */
    const char *const *outputs;      /* -O/--output choices, default first; NULL: no -O */
    const LiOption *options;         /* terminated by an entry without long_name; may be NULL */
    const LiPositional *positionals; /* terminated by an entry without name; may be NULL */
    LiExecFunc exec;
} LiCommand;

typedef struct _LiGroup LiGroup;
struct _LiGroup {
    const char *name;
    const char *help;
    const LiGroup *const *groups;     /* NULL-terminated, may be NULL */
    const LiCommand *const *commands; /* NULL-terminated, may be NULL */
};

/* The root of li's tree (li-commands.c). */
const LiGroup *li_commands_root(void);

G_END_DECLS
