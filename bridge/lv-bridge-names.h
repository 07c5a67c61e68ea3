/* lv-bridge-names: where the bridge lives on the bus (Libervia 0.9's names). */
#pragma once

#define LV_BRIDGE_BUS_NAME "org.libervia.Libervia"
#define LV_BRIDGE_OBJECT_PATH "/org/libervia/Libervia/bridge"
#define LV_BRIDGE_CORE_INTERFACE "org.libervia.Libervia.core"
#define LV_BRIDGE_PLUGIN_INTERFACE "org.libervia.Libervia.plugin"
