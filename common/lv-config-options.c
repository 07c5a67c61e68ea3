/* lv-config-options: every option the code reads, with its type, default,
 * environment override and one line of documentation. libervia.conf.sample is
 * written from this table and a test keeps the two in agreement. */
#include "config.h"

#include "lv-config.h"

static const LvConfigOption options[] = {
    { "DEFAULT", "bridge", LV_CONFIG_TYPE_STRING, "dbus", "LIBERVIA_BRIDGE",
      "How frontends reach the backend: dbus (a separate daemon) or embedded (in-process)." },
    { "DEFAULT", "local_dir", LV_CONFIG_TYPE_PATH, NULL, "LIBERVIA_LOCAL_DIR",
      "Where libervia.db and other local data live (default $XDG_DATA_HOME/libervia)." },
    { "DEFAULT", "media_dir", LV_CONFIG_TYPE_PATH, LV_MEDIA_DIR, "LIBERVIA_MEDIA_DIR",
      "Icons and sounds shipped with the suite." },
    { "DEFAULT", "downloads_dir", LV_CONFIG_TYPE_PATH, "~/Downloads/libervia",
      "LIBERVIA_DOWNLOADS_DIR", "Where received files are saved." },
    { "DEFAULT", "pid_dir", LV_CONFIG_TYPE_PATH, "%(local_dir)s", "LIBERVIA_PID_DIR",
      "Where the backend keeps its pid file libervia.pid." },
    { "DEFAULT", "log_dir", LV_CONFIG_TYPE_PATH, "%(local_dir)s", "LIBERVIA_LOG_DIR",
      "Where the backend writes libervia.log when it runs in the background." },
    { "DEFAULT", "log_level", LV_CONFIG_TYPE_STRING, "info", "LIBERVIA_LOG_LEVEL",
      "Least important log records kept: debug, info, warning or error." },
    { "DEFAULT", "log_colors", LV_CONFIG_TYPE_STRING, "true", "LIBERVIA_LOG_COLORS",
      "Colours in terminal logs: true (when on a terminal), force or false." },
    { "DEFAULT", "hosts_dict", LV_CONFIG_TYPE_DICT, "{}", "LIBERVIA_HOSTS_DICT",
      "Where to reach XMPP domains without DNS records: {\"domain\": {\"host\": h, \"port\": "
      "p}}." },
    { "DEFAULT", "software_version_os", LV_CONFIG_TYPE_BOOL, "false",
      "LIBERVIA_SOFTWARE_VERSION_OS",
      "Name our operating system to whoever asks our software version (XEP-0092); off for "
      "privacy." },
    { "DEFAULT", "keepalive_interval", LV_CONFIG_TYPE_INT, "60", "LIBERVIA_KEEPALIVE_INTERVAL",
      "Seconds of silence from the server before we ping it (XEP-0199) to check the "
      "connection." },
    { "DEFAULT", "keepalive_timeout", LV_CONFIG_TYPE_INT, "15", "LIBERVIA_KEEPALIVE_TIMEOUT",
      "Seconds without an answer after that ping (or while logging in) before the connection "
      "is given up as lost and made again." },
    { "plugin identity", "avatar_max_size", LV_CONFIG_TYPE_INT, "4194304",
      "LIBERVIA_AVATAR_MAX_SIZE",
      "Largest avatar in bytes we publish or accept from a contact; bigger ones are refused." },
    { "cli", "image_cmd", LV_CONFIG_TYPE_STRING, NULL, "LIBERVIA_IMAGE_CMD",
      "Program li avatar get --show opens an image with (default: xdg-open)." },
    { "plugin muc", "default_muc", LV_CONFIG_TYPE_STRING, "sat@chat.jabberfr.org",
      "LIBERVIA_DEFAULT_MUC", "The room proposed to join by default (mucGetDefaultService)." },
    { "plugin muc", "self_ping_interval", LV_CONFIG_TYPE_INT, "900",
      "LIBERVIA_MUC_SELF_PING_INTERVAL",
      "Seconds of silence from a room before we check we are still in it (XEP-0410)." },
    { NULL },
};

const LvConfigOption *
lv_config_options(void)
{
    return options;
}
