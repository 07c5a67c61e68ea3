/* lv-signal-coalesce: keeps presence floods from reaching the frontends (case S17).
 *
 * A presenceUpdate (contacts and MUC occupants alike) is a state, not an event:
 * when one entity of one profile changes faster than a frontend can draw, only its
 * last state matters. The first change after a quiet period goes out at once; the
 * ones that follow within the window are held, each replacing the one before, and
 * the last goes out when the window ends. No final state is ever dropped. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* The window, in ms: one signal per entity at most this often (after the first). */
#define LV_SIGNAL_COALESCE_WINDOW_MS 200

typedef struct _LvSignalCoalescer LvSignalCoalescer;

/* Emits @name with @params (transfer none) to the frontends. */
typedef void (*LvSignalEmitFunc)(const char *name, GVariant *params, gpointer user_data);

/* A coalescer that emits through @emit on the thread-default main context. */
LvSignalCoalescer *lv_signal_coalescer_new(LvSignalEmitFunc emit, gpointer user_data);
/* Frees @coalescer; what it still holds is dropped (the backend is going away). */
void lv_signal_coalescer_free(LvSignalCoalescer *coalescer);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(LvSignalCoalescer, lv_signal_coalescer_free)

/* TRUE if @coalescer took the signal @name (@params: transfer none) and will emit it
 * (now or later); FALSE if it is not a kind that coalesces: emit it yourself. */
gboolean lv_signal_coalescer_offer(LvSignalCoalescer *coalescer, const char *name,
                                   GVariant *params);

/* Emits at once what is held for @profile: before a signal that must follow them
 * (disconnected). */
void lv_signal_coalescer_flush_profile(LvSignalCoalescer *coalescer, const char *profile);

G_END_DECLS
