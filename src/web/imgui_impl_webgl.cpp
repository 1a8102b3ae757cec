// WebGL renderer backend: see imgui_impl_webgl.hpp for what it implements.
#include "web/imgui_impl_webgl.hpp"

#include <GLES3/gl3.h>
#include <emscripten/html5.h>
#include <imgui.h>

namespace {

GLuint gProgram = 0, gVbo = 0, gEbo = 0;
GLint gLocTex = -1, gLocProj = -1;
int gVersion = 0;

// GLSL ES 1.00 runs on WebGL1 and WebGL2 alike, so one pair of shaders serves both.
const char* kVertex = R"(precision highp float;
attribute vec2 Position;
attribute vec2 UV;
attribute vec4 Color;
uniform mat4 ProjMtx;
varying vec2 Frag_UV;
varying vec4 Frag_Color;
void main() {
    Frag_UV = UV;
    Frag_Color = Color;
    gl_Position = ProjMtx * vec4(Position.xy, 0, 1);
})";

// Glyphs come from the browser's canvas as straight (non-premultiplied) RGBA; the page composites
// our canvas as premultiplied, so the fragment premultiplies.
const char* kFragment = R"(precision mediump float;
uniform sampler2D Texture;
varying vec2 Frag_UV;
varying vec4 Frag_Color;
void main() {
    vec4 c = Frag_Color * texture2D(Texture, Frag_UV.st);
    gl_FragColor = vec4(c.rgb * c.a, c.a);
})";

GLuint compile(GLenum type, const char* src) {
    GLuint s = glCreateShader(type);
    glShaderSource(s, 1, &src, nullptr);
    glCompileShader(s);
    return s;
}

bool linked() {
    if (gLocProj >= 0) return true;
    GLint ok = 0;
    glGetProgramiv(gProgram, GL_LINK_STATUS, &ok);
    if (!ok) return false;
    gLocTex = glGetUniformLocation(gProgram, "Texture");
    gLocProj = glGetUniformLocation(gProgram, "ProjMtx");
    return gLocProj >= 0;
}

} // namespace

int ImGui_ImplWebGL_CreateContext(const char* target, int* version) {
    EmscriptenWebGLContextAttributes attrs;
    emscripten_webgl_init_context_attributes(&attrs);
    attrs.alpha = true;
    attrs.premultipliedAlpha = true;
    attrs.antialias = false;
    attrs.depth = false;
    attrs.stencil = false;
    attrs.preserveDrawingBuffer = true; // frames are rare: the last one must stay on screen
    for (int v = 2; v >= 1; --v) {
        attrs.majorVersion = v;
        const int ctx = emscripten_webgl_create_context(target, &attrs);
        if (ctx <= 0) continue;
        emscripten_webgl_make_context_current(ctx);
        gVersion = v;
        // WebGL1 draws 32-bit indices (ImDrawIdx) only with this extension; nearly every WebGL1 has it.
        if (ImGui_ImplWebGL_Init()) {
            *version = v;
            return ctx;
        }
        emscripten_webgl_destroy_context(ctx);
    }
    *version = 0;
    return 0;
}

bool ImGui_ImplWebGL_Init() {
    ImGuiIO& io = ImGui::GetIO();
    io.BackendRendererName = "kefu_webgl";
    // ImDrawIdx is 32-bit (ui/imconfig_kefu.h): no vertex offsets needed, WebGL has no base-vertex draws.
    if (gVersion == 1 &&
        !emscripten_webgl_enable_extension(emscripten_webgl_get_current_context(), "OES_element_index_uint"))
        return false;

    GLuint vs = compile(GL_VERTEX_SHADER, kVertex);
    GLuint fs = compile(GL_FRAGMENT_SHADER, kFragment);
    gProgram = glCreateProgram();
    glAttachShader(gProgram, vs);
    glAttachShader(gProgram, fs);
    glBindAttribLocation(gProgram, 0, "Position");
    glBindAttribLocation(gProgram, 1, "UV");
    glBindAttribLocation(gProgram, 2, "Color");
    glLinkProgram(gProgram);
    glDeleteShader(vs);
    glDeleteShader(fs);
    // The link's result and the uniforms are asked for at the first draw (linked()): asking now would wait
    // for the GPU side to compile, which meanwhile overlaps the first frame's glyph work.
    gLocTex = gLocProj = -1;

    glGenBuffers(1, &gVbo);
    glGenBuffers(1, &gEbo);
    return true;
}

void ImGui_ImplWebGL_Shutdown() {
    if (gVbo) glDeleteBuffers(1, &gVbo);
    if (gEbo) glDeleteBuffers(1, &gEbo);
    if (gProgram) glDeleteProgram(gProgram);
    gVbo = gEbo = gProgram = 0;
}

unsigned ImGui_ImplWebGL_CreateTexture(int w, int h, const std::uint8_t* rgba) {
    GLuint tex = 0;
    glGenTextures(1, &tex);
    glBindTexture(GL_TEXTURE_2D, tex);
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MIN_FILTER, GL_LINEAR);
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MAG_FILTER, GL_LINEAR);
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_WRAP_S, GL_CLAMP_TO_EDGE);
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_WRAP_T, GL_CLAMP_TO_EDGE);
    glPixelStorei(GL_UNPACK_ALIGNMENT, 1);
    glTexImage2D(GL_TEXTURE_2D, 0, GL_RGBA, w, h, 0, GL_RGBA, GL_UNSIGNED_BYTE, rgba);
    return tex;
}

void ImGui_ImplWebGL_UpdateTexture(unsigned tex, int x, int y, int w, int h, int stride, const std::uint8_t* rgba) {
    glBindTexture(GL_TEXTURE_2D, tex);
    glPixelStorei(GL_UNPACK_ALIGNMENT, 1);
    // WebGL1 has no UNPACK_ROW_LENGTH: there, whole rows go up (the atlas updates whole rows anyway).
    if (gVersion == 1) {
        x = 0;
        w = stride;
    } else {
        glPixelStorei(GL_UNPACK_ROW_LENGTH, stride);
    }
    glTexSubImage2D(GL_TEXTURE_2D, 0, x, y, w, h, GL_RGBA, GL_UNSIGNED_BYTE, rgba + (y * stride + x) * 4);
    if (gVersion != 1) glPixelStorei(GL_UNPACK_ROW_LENGTH, 0);
}

void ImGui_ImplWebGL_DestroyTexture(unsigned tex) {
    GLuint t = tex;
    glDeleteTextures(1, &t);
}

void ImGui_ImplWebGL_RenderDrawData(ImDrawData* dd, int fbW, int fbH) {
    glViewport(0, 0, fbW, fbH);
    glClearColor(0, 0, 0, 0);
    glClear(GL_COLOR_BUFFER_BIT);
    if (!dd || fbW <= 0 || fbH <= 0 || !linked()) return;

    glEnable(GL_BLEND);
    glBlendEquation(GL_FUNC_ADD);
    // The fragment already premultiplied colour by alpha.
    glBlendFuncSeparate(GL_ONE, GL_ONE_MINUS_SRC_ALPHA, GL_ONE, GL_ONE_MINUS_SRC_ALPHA);
    glDisable(GL_CULL_FACE);
    glDisable(GL_DEPTH_TEST);
    glEnable(GL_SCISSOR_TEST);

    const float L = dd->DisplayPos.x, R = dd->DisplayPos.x + dd->DisplaySize.x;
    const float T = dd->DisplayPos.y, B = dd->DisplayPos.y + dd->DisplaySize.y;
    const float proj[4][4] = {
        {2.0f / (R - L), 0, 0, 0},
        {0, 2.0f / (T - B), 0, 0},
        {0, 0, -1, 0},
        {(R + L) / (L - R), (T + B) / (B - T), 0, 1},
    };
    glUseProgram(gProgram);
    glUniform1i(gLocTex, 0);
    glUniformMatrix4fv(gLocProj, 1, GL_FALSE, &proj[0][0]);
    glActiveTexture(GL_TEXTURE0);
    // No vertex array object (WebGL2 only): the default one's attributes are set here, every frame.
    glBindBuffer(GL_ARRAY_BUFFER, gVbo);
    glBindBuffer(GL_ELEMENT_ARRAY_BUFFER, gEbo);
    glEnableVertexAttribArray(0);
    glEnableVertexAttribArray(1);
    glEnableVertexAttribArray(2);
    glVertexAttribPointer(0, 2, GL_FLOAT, GL_FALSE, sizeof(ImDrawVert), (void*)IM_OFFSETOF(ImDrawVert, pos));
    glVertexAttribPointer(1, 2, GL_FLOAT, GL_FALSE, sizeof(ImDrawVert), (void*)IM_OFFSETOF(ImDrawVert, uv));
    glVertexAttribPointer(2, 4, GL_UNSIGNED_BYTE, GL_TRUE, sizeof(ImDrawVert), (void*)IM_OFFSETOF(ImDrawVert, col));

    const float sx = dd->FramebufferScale.x, sy = dd->FramebufferScale.y;
    for (int n = 0; n < dd->CmdListsCount; n++) {
        const ImDrawList* cl = dd->CmdLists[n];
        glBufferData(GL_ARRAY_BUFFER, (GLsizeiptr)cl->VtxBuffer.Size * (int)sizeof(ImDrawVert), cl->VtxBuffer.Data,
                     GL_STREAM_DRAW);
        glBufferData(GL_ELEMENT_ARRAY_BUFFER, (GLsizeiptr)cl->IdxBuffer.Size * (int)sizeof(ImDrawIdx),
                     cl->IdxBuffer.Data, GL_STREAM_DRAW);
        for (const ImDrawCmd& cmd : cl->CmdBuffer) {
            if (cmd.UserCallback) continue;
            const float x0 = (cmd.ClipRect.x - L) * sx, y0 = (cmd.ClipRect.y - T) * sy;
            const float x1 = (cmd.ClipRect.z - L) * sx, y1 = (cmd.ClipRect.w - T) * sy;
            if (x1 <= x0 || y1 <= y0) continue;
            glScissor((int)x0, (int)((float)fbH - y1), (int)(x1 - x0), (int)(y1 - y0));
            glBindTexture(GL_TEXTURE_2D, (GLuint)(intptr_t)cmd.GetTexID());
            glDrawElements(GL_TRIANGLES, (GLsizei)cmd.ElemCount,
                           sizeof(ImDrawIdx) == 2 ? GL_UNSIGNED_SHORT : GL_UNSIGNED_INT,
                           (void*)(intptr_t)(cmd.IdxOffset * sizeof(ImDrawIdx)));
        }
    }
    glDisable(GL_SCISSOR_TEST);
}
