#include "ui/dom_mirror.hpp"

#include <cmath>

namespace kefu::ui {
namespace {

bool near(float a, float b) {
    return std::fabs(a - b) < 1.5f;
}
bool near(const Rect& a, const Rect& b) {
    return near(a.x, b.x) && near(a.y, b.y) && near(a.w, b.w) && near(a.h, b.h);
}

} // namespace

bool DomMirror::sameAs(const DomMirror& o) const {
    if (runs.size() != o.runs.size() || controls.size() != o.controls.size() || notes.size() != o.notes.size() ||
        !near(list, o.list) || !near(contentH, o.contentH) || lineH != o.lineH)
        return false;
    for (std::size_t i = 0; i < runs.size(); ++i) {
        const DomRun &a = runs[i], &b = o.runs[i];
        if (a.id != b.id || a.text != b.text || a.from != b.from || a.lines != b.lines || !near(a.x, b.x) ||
            !near(a.y, b.y) || !near(a.wrap, b.wrap))
            return false;
    }
    for (std::size_t i = 0; i < controls.size(); ++i) {
        const DomControl &a = controls[i], &b = o.controls[i];
        if (a.key != b.key || a.label != b.label || a.zone != b.zone || a.enabled != b.enabled || !near(a.r, b.r) ||
            a.why != b.why)
            return false;
    }
    for (std::size_t i = 0; i < notes.size(); ++i)
        if (notes[i].key != o.notes[i].key || notes[i].text != o.notes[i].text || !near(notes[i].r, o.notes[i].r))
            return false;
    return true;
}

} // namespace kefu::ui
