/* lv-progress: the transfers in progress (uploads, downloads), as Libervia 0.9's
 * progress API shows them: progressStarted when one begins, progressFinished or
 * progressError once when it ends, and progressGet / progressGetAll /
 * progressGetAllMetadata for frontends that poll the position. Positions change
 * per chunk and are only read on demand: no signal per chunk. Main thread only.
 */
#pragma once

#include "lv-backend.h"

G_BEGIN_DECLS

/* Starts a transfer of @profile: @metadata (a{ss}: name, direction, type…; a
 * floating ref is sunk) goes with progressStarted. Returns its id, unique in the
 * process (transfer full). */
char *lv_progress_start(LvBackend *backend, const char *profile, GVariant *metadata);

/* The transfer @id is at @position of @size bytes (@size 0: unknown). */
void lv_progress_update(const char *id, guint64 position, guint64 size);

/* Ends @id: progressFinished with @metadata (a{ss}, may be NULL; a floating ref is
 * sunk), or progressError with @message. Each ends a transfer once; later calls do
 * nothing. */
void lv_progress_finish(const char *id, GVariant *metadata);
void lv_progress_fail(const char *id, const char *message);

/* TRUE while @id is in progress. */
gboolean lv_progress_is_running(const char *id);

/* Forgets the transfers of @backend (it stops: their ends will not be signalled). */
void lv_progress_stop(LvBackend *backend);

/* progressGet, progressGetAll, progressGetAllMetadata. */
const LvMethod *lv_progress_methods(void);

G_END_DECLS
