/* lv-invocation: carries a call to its handler and the answer back, once. */
#include "lv-invocation.h"

struct _LvInvocation {
    char *method;
    GVariant *params;
    const GVariantType *reply_type;
    LvInvocationReplyFunc reply;
    gpointer user_data;
};

LvInvocation *
lv_invocation_new(const char *method, GVariant *params, const GVariantType *reply_type,
                  LvInvocationReplyFunc reply, gpointer user_data)
{
    LvInvocation *invocation = g_new0(LvInvocation, 1);

    invocation->method = g_strdup(method);
    invocation->params =
            params != NULL ? g_variant_ref_sink(params) : g_variant_ref_sink(g_variant_new("()"));
    invocation->reply_type = reply_type;
    invocation->reply = reply;
    invocation->user_data = user_data;
    return invocation;
}

const char *
lv_invocation_get_method(LvInvocation *invocation)
{
    return invocation->method;
}

GVariant *
lv_invocation_get_parameters(LvInvocation *invocation)
{
    return invocation->params;
}

static void
lv_invocation_free(LvInvocation *invocation)
{
    g_variant_unref(invocation->params);
    g_free(invocation->method);
    g_free(invocation);
}

void
lv_invocation_return_value(LvInvocation *invocation, GVariant *value)
{
    g_autoptr(GVariant) result = g_variant_take_ref(value != NULL ? value : g_variant_new("()"));

    if (invocation->reply_type != NULL && !g_variant_is_of_type(result, invocation->reply_type)) {
        /* A handler bug: answer with an error rather than a reply that breaks the
         * contract of the interface file. */
        g_warning("method %s answered %s instead of %.*s", invocation->method,
                  g_variant_get_type_string(result),
                  (int)g_variant_type_get_string_length(invocation->reply_type),
                  g_variant_type_peek_string(invocation->reply_type));
        lv_invocation_return_new_error(invocation, LV_ERROR_INTERNAL, "internal error in %s",
                                       invocation->method);
        return;
    }
    invocation->reply(g_steal_pointer(&result), NULL, invocation->user_data);
    lv_invocation_free(invocation);
}

void
lv_invocation_return_error(LvInvocation *invocation, GError *error)
{
    invocation->reply(NULL, error, invocation->user_data);
    lv_invocation_free(invocation);
}

void
lv_invocation_return_new_error(LvInvocation *invocation, LvErrorCode code, const char *format, ...)
{
    va_list args;

    va_start(args, format);
    GError *error = g_error_new_valist(LV_ERROR, code, format, args);
    va_end(args);
    lv_invocation_return_error(invocation, error);
}

void
lv_invocation_return_single(LvInvocation *invocation, GVariant *value, GError *error)
{
    if (value == NULL)
        lv_invocation_return_error(invocation, error);
    else
        lv_invocation_return_value(invocation, g_variant_new_tuple(&value, 1));
}
