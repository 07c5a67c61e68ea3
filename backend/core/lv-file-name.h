/* lv-file-name: names of files that come from the network.
 *
 * A URL or a Content-Disposition header chooses the name a download is saved
 * under, so the name is hostile input: it must never reach outside downloads_dir
 * ("../", an absolute path, a backslash), hide itself (a leading dot), mislead a
 * terminal (controls, bidi overrides) or overflow a file system's name limit.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* The longest name we make, in bytes (ext4 allows 255; room left for ".part"). */
#define LV_FILE_NAME_MAX 200

/* A safe file name for @name (may be NULL): only its last path component (/ and \\
 * both separate), invalid UTF-8 replaced, C0/C1 controls, DEL and bidi controls
 * dropped, leading dots and spaces and trailing dots and spaces removed, cut to
 * LV_FILE_NAME_MAX bytes on a character boundary keeping a short extension;
 * @fallback when nothing is left (transfer full). */
char *lv_file_name_sanitise(const char *name, const char *fallback);

/* The name a URL points at: its path's last segment, percent-decoded, sanitised
 * (transfer full). */
char *lv_file_name_from_url(const char *url, const char *fallback);

G_END_DECLS
