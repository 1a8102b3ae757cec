#include "ui/theme.hpp"

namespace kefu::ui::theme {

void apply(float scale) {
    ImGuiStyle style;
    style.WindowPadding = ImVec2(0, 0);
    style.WindowBorderSize = 0;
    style.WindowRounding = 0;
    style.ChildBorderSize = 0;
    style.FramePadding = ImVec2(10, 6);
    style.FrameRounding = 8;
    style.ItemSpacing = ImVec2(8, 6);
    style.ScrollbarSize = 6;
    style.ScrollbarRounding = 3;
    style.PopupRounding = 10;
    style.PopupBorderSize = 1;
    ImVec4* c = style.Colors;
    c[ImGuiCol_WindowBg] = ImGui::ColorConvertU32ToFloat4(kBackground);
    c[ImGuiCol_ChildBg] = ImVec4(0, 0, 0, 0);
    c[ImGuiCol_PopupBg] = ImVec4(1, 1, 1, 1);
    c[ImGuiCol_Text] = ImGui::ColorConvertU32ToFloat4(kAgentText);
    c[ImGuiCol_Border] = ImGui::ColorConvertU32ToFloat4(kBorder);
    c[ImGuiCol_ScrollbarBg] = ImVec4(0, 0, 0, 0);
    c[ImGuiCol_ScrollbarGrab] = ImVec4(0, 0, 0, 0.18f);
    c[ImGuiCol_ScrollbarGrabHovered] = ImVec4(0, 0, 0, 0.3f);
    c[ImGuiCol_ScrollbarGrabActive] = ImVec4(0, 0, 0, 0.4f);
    c[ImGuiCol_Button] = ImVec4(0, 0, 0, 0);
    c[ImGuiCol_ButtonHovered] = ImVec4(0, 0, 0, 0.06f);
    c[ImGuiCol_ButtonActive] = ImVec4(0, 0, 0, 0.12f);
    c[ImGuiCol_NavHighlight] = ImGui::ColorConvertU32ToFloat4(kBrand);
    style.ScaleAllSizes(scale);
    ImGui::GetStyle() = style;
}

void setBrand(unsigned rgb) {
    const unsigned r = (rgb >> 16) & 255, g = (rgb >> 8) & 255, b = rgb & 255;
    kBrand = IM_COL32(r, g, b, 255);
    kBrandDark = IM_COL32(r * 3 / 4, g * 3 / 4, b * 3 / 4, 255); // darker still: more contrast on white
}

} // namespace kefu::ui::theme
