// Compile-time Dear ImGui configuration of the widget (selected with IMGUI_USER_CONFIG).
#pragma once

#define IMGUI_USE_WCHAR32      // emoji live above U+FFFF
#define ImDrawIdx unsigned int // WebGL2 has no base-vertex draws: never split draw lists
#define IMGUI_DISABLE_DEMO_WINDOWS
#define IMGUI_DISABLE_METRICS_WINDOW
#define IMGUI_DISABLE_FILE_FUNCTIONS // no filesystem in the widget; also no imgui.ini
#define IMGUI_DISABLE_OBSOLETE_FUNCTIONS
#define IMGUI_DISABLE_WIN32_FUNCTIONS
