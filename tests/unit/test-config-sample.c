/* libervia.conf.sample and the option table must agree: every option the code
 * reads is documented with its default, and the sample names nothing else. */
#include "config.h"

#include <string.h>

#include <glib/gstdio.h>

#include "lv-config.h"

/* The sample writes the install prefix as <prefix>. */
static char *
expand_prefix(const char *value)
{
    g_autofree char *prefix =
            g_strndup(LV_MEDIA_DIR, strlen(LV_MEDIA_DIR) - strlen("/share/libervia/media"));
    g_auto(GStrv) parts = g_strsplit(value, "<prefix>", -1);

    return g_strjoinv(prefix, parts);
}

typedef struct {
    char *section;
    char *name;
    char *value;
} SampleOption;

static void
sample_option_free(SampleOption *option)
{
    g_free(option->section);
    g_free(option->name);
    g_free(option->value);
    g_free(option);
}

/* The commented-out "#name = value" lines of the sample, with their sections. */
static GPtrArray *
read_sample(char **text_out)
{
    g_autofree char *path =
            g_build_filename(g_getenv("LV_SOURCE_ROOT"), "libervia.conf.sample", NULL);
    g_autofree char *text = NULL;
    GPtrArray *options = g_ptr_array_new_with_free_func((GDestroyNotify)sample_option_free);
    g_autofree char *section = NULL;

    g_assert_true(g_file_get_contents(path, &text, NULL, NULL));
    g_auto(GStrv) lines = g_strsplit(text, "\n", -1);
    for (guint i = 0; lines[i] != NULL; i++) {
        const char *line = lines[i];
        if (line[0] == '[') {
            g_free(section);
            section = g_strndup(line + 1, strcspn(line + 1, "]"));
            continue;
        }
        const char *eq = strchr(line, '=');
        if (line[0] != '#' || line[1] == ' ' || line[1] == '\0' || eq == NULL)
            continue;
        SampleOption *option = g_new0(SampleOption, 1);
        option->section = g_strdup(section);
        option->name = g_strstrip(g_strndup(line + 1, (gsize)(eq - line - 1)));
        option->value = g_strstrip(g_strdup(eq + 1));
        g_ptr_array_add(options, option);
    }
    *text_out = g_steal_pointer(&text);
    return options;
}

static void
test_every_option_documented(void)
{
    g_autofree char *text = NULL;
    g_autoptr(GPtrArray) sample = read_sample(&text);

    for (const LvConfigOption *o = lv_config_options(); o->section != NULL; o++) {
        gboolean found = FALSE;
        for (guint i = 0; i < sample->len && !found; i++) {
            SampleOption *s = sample->pdata[i];
            if (g_strcmp0(s->section, o->section) != 0 || !g_str_equal(s->name, o->name))
                continue;
            g_autofree char *value = expand_prefix(s->value);
            if (g_strcmp0(value, o->default_value != NULL ? o->default_value : "") != 0)
                g_test_fail_printf("[%s] %s: sample says '%s', the code '%s'", o->section, o->name,
                                   value, o->default_value);
            found = TRUE;
        }
        if (!found)
            g_test_fail_printf("[%s] %s is not in libervia.conf.sample", o->section, o->name);
    }
}

static void
test_sample_names_only_known_options(void)
{
    g_autofree char *text = NULL;
    g_autoptr(GPtrArray) sample = read_sample(&text);

    for (guint i = 0; i < sample->len; i++) {
        SampleOption *s = sample->pdata[i];
        gboolean found = FALSE;
        for (const LvConfigOption *o = lv_config_options(); o->section != NULL && !found; o++)
            found = g_strcmp0(s->section, o->section) == 0 && g_str_equal(s->name, o->name);
        if (!found)
            g_test_fail_printf("the sample documents [%s] %s, which no code reads", s->section,
                               s->name);
    }
    g_assert_cmpuint(sample->len, >, 0);
}

static void
test_uncommented_sample_parses(void)
{
    g_autofree char *text = NULL;
    g_autoptr(GPtrArray) sample = read_sample(&text);
    g_autoptr(GError) error = NULL;
    g_autoptr(GString) uncommented = g_string_new(NULL);
    g_auto(GStrv) lines = g_strsplit(text, "\n", -1);

    for (guint i = 0; lines[i] != NULL; i++) {
        const char *line = lines[i];
        gboolean option = line[0] == '#' && line[1] != ' ' && line[1] != '\0';
        g_string_append_printf(uncommented, "%s\n", option ? line + 1 : line);
    }
    g_autofree char *dir = g_dir_make_tmp("lv-sample-XXXXXX", &error);
    g_autofree char *path = g_build_filename(dir, "libervia.conf", NULL);
    g_assert_true(g_file_set_contents(path, uncommented->str, -1, &error));
    const char *files[] = { path, NULL };
    g_autoptr(LvConfig) config = lv_config_new_from_files(files, &error);
    g_assert_no_error(error);
    g_autofree char *pid_dir = lv_config_dup_string(config, "DEFAULT", "pid_dir", &error);
    g_assert_no_error(error);
    g_assert_nonnull(pid_dir);
    g_remove(path);
    g_rmdir(dir);
}

int
main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/lv/config/sample/every-option-documented", test_every_option_documented);
    g_test_add_func("/lv/config/sample/names-only-known-options",
                    test_sample_names_only_known_options);
    g_test_add_func("/lv/config/sample/uncommented-parses", test_uncommented_sample_parses);
    return g_test_run();
}
