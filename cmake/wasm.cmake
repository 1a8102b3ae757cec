# The widget build (Emscripten): Dear ImGui + src/ui + src/web + kefu_core → web/dist/kefu-app.{js,wasm}.
# Included after ui.cmake, which defines the imgui and kefu_ui libraries.
file(READ "${CMAKE_SOURCE_DIR}/emsdk-version" KEFU_EMSDK_PIN)
string(STRIP "${KEFU_EMSDK_PIN}" KEFU_EMSDK_PIN)
if(NOT EMSCRIPTEN_VERSION STREQUAL KEFU_EMSDK_PIN)
  message(WARNING "Kefu is pinned to Emscripten ${KEFU_EMSDK_PIN} (emsdk-version) but this emcc is "
                  "${EMSCRIPTEN_VERSION}. The build may differ; `emsdk install ${KEFU_EMSDK_PIN}` gives the pinned one.")
else()
  message(STATUS "Emscripten ${EMSCRIPTEN_VERSION} matches emsdk-version")
endif()

# No RTTI (nothing uses typeid or dynamic_cast; exceptions still carry their types): every std::function
# and class otherwise ships its type's name and descriptor, ~8 KB gzip. embind then keys types without
# typeid (its no-RTTI library, chosen by -fno-rtti at the link too).
set(KEFU_WASM_CFLAGS -Oz -flto -fwasm-exceptions -fno-rtti -DEMSCRIPTEN_HAS_UNBOUND_TYPE_NAMES=0 ${KEFU_WASM_EXTRA_CFLAGS})
target_compile_options(kefu_core PRIVATE ${KEFU_WASM_CFLAGS})

# imgui and kefu_ui are defined in ui.cmake (shared with the native tests).
target_compile_options(imgui PRIVATE ${KEFU_WASM_CFLAGS})
target_compile_options(kefu_ui PRIVATE ${KEFU_WASM_CFLAGS})

file(GLOB KEFU_WEB_SOURCES CONFIGURE_DEPENDS ${CMAKE_SOURCE_DIR}/src/web/*.cpp)
add_executable(kefu-app ${KEFU_WEB_SOURCES})
target_link_libraries(kefu-app PRIVATE kefu_ui)
target_compile_options(kefu-app PRIVATE ${KEFU_WASM_CFLAGS})
set(KEFU_DIST "${CMAKE_SOURCE_DIR}/web/dist")
set_target_properties(kefu-app PROPERTIES SUFFIX ".js" RUNTIME_OUTPUT_DIRECTORY "${KEFU_DIST}")
target_link_options(kefu-app PRIVATE
  -Oz -flto -fwasm-exceptions -fno-rtti --bind
  -sMODULARIZE=1 -sEXPORT_NAME=KefuModule -sENVIRONMENT=web
  -sDYNAMIC_EXECUTION=0                      # no eval/new Function: strict CSP pages
  -sDISABLE_DEPRECATED_FIND_EVENT_TARGET_BEHAVIOR=0  # "#canvas" = Module.canvas, which lives in a shadow root
  -sFILESYSTEM=0 -sALLOW_MEMORY_GROWTH=1 -sINITIAL_MEMORY=16MB -sMALLOC=emmalloc
  -sMIN_WEBGL_VERSION=1 -sMAX_WEBGL_VERSION=2  # WebGL1 where WebGL2 is missing
  -sGL_TRACK_ERRORS=0 -sGL_SUPPORT_AUTOMATIC_ENABLE_EXTENSIONS=0 -sSUPPORT_LONGJMP=0  # none used: glue code saved
  -sTOTAL_STACK=262144 -sINCOMING_MODULE_JS_API=[canvas,locateFile,onAbort,instantiateWasm]
  "SHELL:--extern-pre-js ${CMAKE_SOURCE_DIR}/web/shadow_css.js"  # Kefu.__css: a stylesheet into the shadow root
  "SHELL:--extern-pre-js ${CMAKE_SOURCE_DIR}/web/away.js"  # branding and the 留言 card, called by glue.js
  "SHELL:--extern-pre-js ${CMAKE_SOURCE_DIR}/web/media.js"  # getUserMedia, streams, RTCPeerConnection handles
  "SHELL:--extern-pre-js ${CMAKE_SOURCE_DIR}/web/text_layer.js"  # the DOM text and twins over the canvas
  "SHELL:--extern-post-js ${CMAKE_SOURCE_DIR}/web/glue.js"  # SHELL: the repeated flag is not deduplicated
  "SHELL:--extern-post-js ${CMAKE_SOURCE_DIR}/web/call_extras.js"
  "SHELL:--extern-post-js ${CMAKE_SOURCE_DIR}/web/selection.js"
  "SHELL:--extern-post-js ${CMAKE_SOURCE_DIR}/web/placement.js"    # CSS zoom on the host page
  "SHELL:--extern-post-js ${CMAKE_SOURCE_DIR}/web/status_text.js"  # header and notice text, twins' reasons
  "SHELL:--extern-post-js ${CMAKE_SOURCE_DIR}/web/touch_select.js"      # long press
  "SHELL:--extern-post-js ${CMAKE_SOURCE_DIR}/web/launcher_preview.js" ${KEFU_WASM_EXTRA_LDFLAGS})  # replies by the closed launcher
set_property(TARGET kefu-app APPEND PROPERTY LINK_DEPENDS ${CMAKE_SOURCE_DIR}/web/shadow_css.js ${CMAKE_SOURCE_DIR}/web/away.js ${CMAKE_SOURCE_DIR}/web/media.js ${CMAKE_SOURCE_DIR}/web/text_layer.js
                                                          ${CMAKE_SOURCE_DIR}/web/kefu-away.js
                                                          ${CMAKE_SOURCE_DIR}/web/kefu-canvas2d.js)
set_property(TARGET kefu-app APPEND PROPERTY LINK_DEPENDS ${CMAKE_SOURCE_DIR}/web/glue.js
                                                          ${CMAKE_SOURCE_DIR}/web/call_extras.js
                                                          ${CMAKE_SOURCE_DIR}/web/selection.js
                                                          ${CMAKE_SOURCE_DIR}/web/placement.js
                                                          ${CMAKE_SOURCE_DIR}/web/status_text.js
                                                          ${CMAKE_SOURCE_DIR}/web/touch_select.js
                                                          ${CMAKE_SOURCE_DIR}/web/launcher_preview.js)

# emcc's own wasm-opt runs -Oz once; running it to a fixed point afterwards saves ~2 KB gzip more. The
# features are the ones the build emits (wasm-opt refuses, failing the build, if that ever changes).
find_program(KEFU_WASM_OPT wasm-opt)
if(KEFU_WASM_OPT)
  add_custom_command(TARGET kefu-app POST_BUILD
    COMMAND ${KEFU_WASM_OPT} -Oz --converge --mvp-features --enable-exception-handling --enable-sign-ext
            --enable-mutable-globals ${KEFU_DIST}/kefu-app.wasm -o ${KEFU_DIST}/kefu-app.wasm)
endif()

# The app script, glue included, minified (cmake/minify-js.js; skipped without node or terser).
find_program(KEFU_NODE NAMES node nodejs)
if(KEFU_NODE)
  add_custom_command(TARGET kefu-app POST_BUILD
    COMMAND ${KEFU_NODE} ${CMAKE_SOURCE_DIR}/cmake/minify-js.js ${KEFU_DIST}/kefu-app.js)
endif()

# The loader ships as written (it is small by hand).
add_custom_command(TARGET kefu-app POST_BUILD
  COMMAND ${CMAKE_COMMAND} -E copy ${CMAKE_SOURCE_DIR}/web/kefu.js ${KEFU_DIST}/kefu.js)
# The 留言 card, fetched by the app only when nobody can answer (web/away.js).
add_custom_command(TARGET kefu-app POST_BUILD
  COMMAND ${CMAKE_COMMAND} -E copy ${CMAKE_SOURCE_DIR}/web/kefu-away.js ${KEFU_DIST}/kefu-away.js)
# The Canvas 2D renderer, fetched by the app only when the browser has no WebGL at all (web/glue.js).
add_custom_command(TARGET kefu-app POST_BUILD
  COMMAND ${CMAKE_COMMAND} -E copy ${CMAKE_SOURCE_DIR}/web/kefu-canvas2d.js ${KEFU_DIST}/kefu-canvas2d.js)
if(KEFU_NODE)
  add_custom_command(TARGET kefu-app POST_BUILD
    COMMAND ${KEFU_NODE} ${CMAKE_SOURCE_DIR}/cmake/minify-js.js ${KEFU_DIST}/kefu-canvas2d.js)
endif()
