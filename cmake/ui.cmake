# Dear ImGui and the chat panel (src/ui), shared by both builds: the widget (wasm.cmake adds its size
# flags) and the native unit tests, which draw the panel headless with a fake glyph rasterizer.
set(IMGUI_DIR "${KEFU_THIRD_PARTY}/imgui")
if(NOT EXISTS "${IMGUI_DIR}/imgui.cpp")
  message(FATAL_ERROR "Dear ImGui sources not found in ${IMGUI_DIR}: run shell/setup.sh first")
endif()

add_library(imgui STATIC ${IMGUI_DIR}/imgui.cpp ${IMGUI_DIR}/imgui_draw.cpp ${IMGUI_DIR}/imgui_widgets.cpp
                         ${IMGUI_DIR}/imgui_tables.cpp)
target_include_directories(imgui SYSTEM PUBLIC ${IMGUI_DIR})
target_include_directories(imgui PUBLIC ${CMAKE_SOURCE_DIR}/src)
target_compile_definitions(imgui PUBLIC "IMGUI_USER_CONFIG=\"ui/imconfig_kefu.h\"")

file(GLOB KEFU_UI_SOURCES CONFIGURE_DEPENDS ${CMAKE_SOURCE_DIR}/src/ui/*.cpp)
add_library(kefu_ui STATIC ${KEFU_UI_SOURCES})
target_link_libraries(kefu_ui PUBLIC imgui kefu_core)
