/* lv-invocation: one bridge method call, whatever transport carried it.
 *
 * The D-Bus server and the embedded bridge both wrap their calls in an
 * LvInvocation; method handlers answer through it exactly once, now or later
 * (asynchronous work), and never know which transport asked.
 */
#pragma once

#include <gio/gio.h>

#include "lv-error.h"

G_BEGIN_DECLS

typedef struct _LvInvocation LvInvocation;

/* Receives the answer: exactly one of @result (transfer full, a tuple of the
 * method's out-signature) and @error (transfer full) is set. */
typedef void (*LvInvocationReplyFunc)(GVariant *result, GError *error, gpointer user_data);

/* @params: a tuple of the method's in-signature (a floating ref is sunk);
 * @reply_type: the expected reply tuple type (transfer none, must outlive the call). */
LvInvocation *lv_invocation_new(const char *method, GVariant *params,
                                const GVariantType *reply_type, LvInvocationReplyFunc reply,
                                gpointer user_data);

/* The method name and parameters (transfer none). */
const char *lv_invocation_get_method(LvInvocation *invocation);
GVariant *lv_invocation_get_parameters(LvInvocation *invocation);

/* Answers with @value (a tuple, or NULL for "()"; floating or transfer full: a
 * floating ref is sunk, a full one taken) and frees @invocation. A value of the wrong type is
 * turned into an InternalError. */
void lv_invocation_return_value(LvInvocation *invocation, GVariant *value);

/* Answers with the one value @value (a floating ref is sunk) as the reply tuple, or,
 * when @value is NULL, with @error (transfer full). */
void lv_invocation_return_single(LvInvocation *invocation, GVariant *value, GError *error);

/* Answers with @error (transfer full) and frees @invocation. */
void lv_invocation_return_error(LvInvocation *invocation, GError *error);
void lv_invocation_return_new_error(LvInvocation *invocation, LvErrorCode code, const char *format,
                                    ...) G_GNUC_PRINTF(3, 4);

G_END_DECLS
