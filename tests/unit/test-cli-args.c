/* Tests of li's command-line parser, on the real command tree and a test tree. */
#include <string.h>

#include "li-args.h"
#include "li-completion.h"
#include "lv-error.h"

static void t_exec(LiContext *ctx);

static const char *const formats[] = { "simple", "json", NULL };
static const LiOption test_options[] = {
    { 'n', "name", NULL, "NAME", "a name" },
    { 'g', "group", NULL, "GROUP", "groups", NULL, NULL, LI_OPT_REPEAT },
    { 't', "type", NULL, "TYPE", "a type", (const char *const[]){ "chat", "normal", NULL },
      "chat" },
    { 'f', "force", NULL, NULL, "a flag" },
    { 0 },
};
static const LiPositional test_positionals[] = {
    { "jid", "the entity" },
    { "extra", "optional", TRUE },
    { 0 },
};
static const LiCommand test_command = {
    "do",
    "do something",
    LI_SHARED_PROFILE | LI_SHARED_CONNECT | LI_SHARED_SESSION | LI_SHARED_VERBOSE,
    formats,
    test_options,
    test_positionals,
    t_exec,
};
static const LiCommand *const test_commands[] = { &test_command, NULL };
static const LiGroup test_sub = { "thing", "things", NULL, test_commands };
static const LiGroup *const test_groups[] = { &test_sub, NULL };
static const LiGroup test_root = { "li", "test root", test_groups, NULL };

static void
t_exec(LiContext *ctx)
{
}

/* Parses a command line given as one string (split on spaces). */
static LiParsed *
parse(const LiGroup *root, const char *line, GError **error)
{
    g_autofree char *full = g_strconcat("li ", line, NULL);
    g_auto(GStrv) argv = g_strsplit(full, " ", -1);
    g_autofree char *usage = NULL;
    LiParsed *parsed = li_args_parse(root, (int)g_strv_length(argv), argv, &usage, error);

    if (parsed == NULL)
        g_assert_nonnull(usage);
    return parsed;
}

static void
assert_rejected(const LiGroup *root, const char *line, const char *needle)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(LiParsed) parsed = parse(root, line, &error);

    g_assert_null(parsed);
    g_assert_error(error, LV_ERROR, LV_ERROR_INVALID_ARGUMENT);
    g_assert_cmpint(lv_error_exit_code(error), ==, 2);
    if (strstr(error->message, needle) == NULL)
        g_test_fail_printf("'%s': '%s' lacks '%s'", line, error->message, needle);
}

static void
test_options_anywhere(void)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(LiParsed) parsed =
            parse(&test_root,
                  "thing do -n first me@x --name=second -vv -g a --group b -pbob "
                  "-O json --oo k=v --oo z extra -f",
                  &error);

    g_assert_no_error(error);
    g_assert_cmpint(li_parsed_get_action(parsed), ==, LI_PARSED_RUN);
    g_assert_true(li_parsed_get_command(parsed) == &test_command);
    g_assert_cmpstr(li_parsed_get_string(parsed, "name"), ==, "second");
    g_assert_cmpuint(li_parsed_get_count(parsed, "verbose"), ==, 2);
    g_assert_cmpuint(li_parsed_get_count(parsed, "force"), ==, 1);
    g_assert_cmpstr(li_parsed_get_string(parsed, "profile"), ==, "bob");
    g_assert_cmpstr(li_parsed_get_string(parsed, "output"), ==, "json");
    g_assert_cmpstr(li_parsed_get_string(parsed, "type"), ==, "chat"); /* default */
    const char *const *groups = li_parsed_get_strings(parsed, "group");
    g_assert_cmpstr(groups[0], ==, "a");
    g_assert_cmpstr(groups[1], ==, "b");
    g_assert_null(groups[2]);
    const char *const *oo = li_parsed_get_strings(parsed, "output-option");
    g_assert_cmpuint(g_strv_length((char **)oo), ==, 2);
    const char *const *positionals = li_parsed_get_positionals(parsed);
    g_assert_cmpstr(positionals[0], ==, "me@x");
    g_assert_cmpstr(positionals[1], ==, "extra");
    g_assert_null(positionals[2]);
}

static void
test_defaults(void)
{
    g_autoptr(LiParsed) parsed = parse(&test_root, "thing do me@x", NULL);

    g_assert_cmpstr(li_parsed_get_string(parsed, "profile"), ==, "@DEFAULT@");
    g_assert_cmpstr(li_parsed_get_string(parsed, "output"), ==, "simple");
    g_assert_null(li_parsed_get_string(parsed, "name"));
    g_assert_cmpuint(li_parsed_get_count(parsed, "force"), ==, 0);
}

static void
test_negative_numbers_are_positionals(void)
{
    g_autoptr(LiParsed) parsed = parse(&test_root, "thing do -1 -2.5", NULL);
    const char *const *positionals = li_parsed_get_positionals(parsed);

    g_assert_cmpstr(positionals[0], ==, "-1");
    g_assert_cmpstr(positionals[1], ==, "-2.5");
}

static void
test_double_dash(void)
{
    g_autoptr(LiParsed) parsed = parse(&test_root, "thing do -- -notanoption --neither", NULL);
    const char *const *positionals = li_parsed_get_positionals(parsed);

    g_assert_cmpstr(positionals[0], ==, "-notanoption");
    g_assert_cmpstr(positionals[1], ==, "--neither");
}

static void
test_rejections(void)
{
    assert_rejected(&test_root, "thing do me --bogus", "unrecognized argument: --bogus");
    assert_rejected(&test_root, "thing do me -x", "unrecognized argument: -x");
    assert_rejected(&test_root, "thing do me --nam=x", "unrecognized argument: --nam");
    assert_rejected(&test_root, "thing do me -n", "expected one argument");
    assert_rejected(&test_root, "thing do me --name", "expected one argument");
    assert_rejected(&test_root, "thing do me -t group", "invalid choice: 'group'");
    assert_rejected(&test_root, "thing do me -O xml", "invalid choice: 'xml'");
    assert_rejected(&test_root, "thing do", "required: jid");
    assert_rejected(&test_root, "thing do a b c", "unrecognized arguments: c");
    assert_rejected(&test_root, "thing do me -c --start-session", "not allowed with");
    assert_rejected(&test_root, "thing do me --force=yes", "ignored explicit argument");
    assert_rejected(&test_root, "thing nope", "invalid choice: 'nope' (choose from {do})");
    assert_rejected(&test_root, "thing", "a command is required");
    assert_rejected(&test_root, "--bogus", "unrecognized argument: --bogus");
    assert_rejected(&test_root, "thing --version", "unrecognized argument: --version");
}

static void
test_help_and_version(void)
{
    g_autoptr(LiParsed) root_help = parse(&test_root, "--help", NULL);
    g_autoptr(LiParsed) group_help = parse(&test_root, "thing -h", NULL);
    g_autoptr(LiParsed) command_help = parse(&test_root, "thing do -h", NULL);
    g_autoptr(LiParsed) version = parse(&test_root, "--version", NULL);

    g_assert_cmpint(li_parsed_get_action(root_help), ==, LI_PARSED_HELP);
    g_assert_nonnull(strstr(li_parsed_get_help(root_help), "thing"));
    g_assert_nonnull(strstr(li_parsed_get_help(group_help), "usage: li thing [-h] {do}"));
    const char *help = li_parsed_get_help(command_help);
    g_assert_nonnull(strstr(help, "usage: li thing do [-h] [-p PROFILE]"));
    g_assert_nonnull(strstr(help, "-t {chat,normal}, --type {chat,normal}"));
    g_assert_nonnull(strstr(help, "use PROFILE (@DEFAULT@ by default)"));
    g_assert_nonnull(strstr(help, "--output-option OUTPUT_OPT, --oo OUTPUT_OPT"));
    g_assert_nonnull(strstr(help, "jid"));
    g_assert_cmpint(li_parsed_get_action(version), ==, LI_PARSED_VERSION);
    g_assert_null(li_parsed_get_command(version));
}

static void
test_real_profile_list(void)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(LiParsed) parsed = parse(li_commands_root(), "profile list -C -O json-raw", &error);

    g_assert_no_error(error);
    g_assert_cmpstr(li_parsed_get_command(parsed)->name, ==, "list");
    g_assert_cmpuint(li_parsed_get_count(parsed, "components"), ==, 1);
    g_assert_cmpuint(li_parsed_get_count(parsed, "clients"), ==, 0);
    g_assert_cmpstr(li_parsed_get_string(parsed, "output"), ==, "json-raw");
    /* -c means --clients here, as in Libervia: profile list takes no -p. */
    assert_rejected(li_commands_root(), "profile list -p x", "unrecognized argument: -p");
    assert_rejected(li_commands_root(), "profile lsit", "invalid choice: 'lsit'");
}

/* Options of two values (LI_OPT_PAIR): `muc configure -f NAME VALUE`, repeated. */
static void
test_real_option_pairs(void)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(LiParsed) parsed =
            parse(li_commands_root(), "muc configure r@m -f a 1 --field=b 2 -fa 3", &error);

    g_assert_no_error(error);
    const char *const *pairs = li_parsed_get_strings(parsed, "field");
    const char *const expected[] = { "a", "1", "b", "2", "a", "3", NULL };
    g_assert_cmpstrv(pairs, expected);
    g_assert_cmpstr(li_parsed_get_positionals(parsed)[0], ==, "r@m");
    assert_rejected(li_commands_root(), "muc configure r@m -f a", "expected 2 arguments");
    assert_rejected(li_commands_root(), "muc configure r@m --field a", "expected 2 arguments");
}

static void
test_never_crashes_on_odd_input(void)
{
    const char *lines[] = { "",
                            "-",
                            "--",
                            "---",
                            "-=",
                            "--=",
                            "thing do -",
                            "thing do --=x",
                            "thing do -n=",
                            "thing do -pn",
                            "thing do -vvvvvvvvvv x" };

    for (gsize i = 0; i < G_N_ELEMENTS(lines); i++) {
        g_autoptr(GError) error = NULL;
        g_autoptr(LiParsed) parsed = parse(&test_root, lines[i], &error);
        g_assert_true((parsed == NULL) != (error == NULL));
    }
}

static void
test_docs_from_tables(void)
{
    g_autofree char *bash = li_completion_bash(&test_root);
    g_autofree char *man = li_completion_man(li_commands_root(), "9.9");

    g_assert_nonnull(strstr(bash, "\"li thing do\") words=\"-h --help -p --profile --pwd "
                                  "-c --connect --start-session -v --verbose -O --output "
                                  "--output-option --oo -n --name -g --group -t --type "
                                  "-f --force \""));
    g_assert_nonnull(strstr(bash, "\"li thing\") words=\"-h --help do \""));
    g_assert_nonnull(strstr(bash, "complete -F _li li libervia-cli"));
    g_assert_nonnull(strstr(man, ".TH LI 1"));
    g_assert_nonnull(strstr(man, ".SS li profile list"));
    g_assert_nonnull(strstr(man, "\\-\\-components"));
}

int
main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/li/args/options-anywhere", test_options_anywhere);
    g_test_add_func("/li/args/defaults", test_defaults);
    g_test_add_func("/li/args/double-dash-ends-options", test_double_dash);
    g_test_add_func("/li/args/negative-numbers-are-positionals",
                    test_negative_numbers_are_positionals);
    g_test_add_func("/li/args/rejects-bad-input", test_rejections);
    g_test_add_func("/li/args/help-and-version", test_help_and_version);
    g_test_add_func("/li/args/real-tree/profile-list", test_real_profile_list);
    g_test_add_func("/li/args/real-tree/option-pairs", test_real_option_pairs);
    g_test_add_func("/li/args/never-crashes-on-odd-input", test_never_crashes_on_odd_input);
    g_test_add_func("/li/docs/from-tables", test_docs_from_tables);
    return g_test_run();
}
