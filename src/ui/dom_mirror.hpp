// What the DOM layer over the canvas mirrors (web/glue.js builds it): each message's text where the canvas
// draws it, so the browser's own selection, copy, find-in-page and screen readers work on real text, and a
// twin for every control drawn, so Tab, Enter and Space reach them. CSS px; list items in list content
// coordinates (the layer scrolls with the list), the rest in panel coordinates.
#pragma once

#include "core/layout.hpp"
#include "core/linkify.hpp"

#include <string>
#include <vector>

namespace kefu::ui {

struct DomRun {
    std::string id, text;
    int from = 0;       // 0 visitor, 1 agent, 2 system (as MessageView)
    float x = 0, y = 0; // top-left of the first line
    float wrap = 0;     // the width the text was broken at: the browser breaks it the same way
    int lines = 0;
    std::vector<Link> links;
};

enum DomZone { kZoneTop = 0, kZoneList = 1, kZoneComposer = 2, kZoneSend = 3 };

struct DomControl {
    std::string key, label;
    int zone = kZoneTop;
    bool enabled = true;
    Rect r;
    std::string why; // disabled: the reason, said as the twin's description
};

// A line of text drawn outside the list (the header's presence line, the notice strip), wrapped at r.w from
// (r.x, r.y), panel coordinates; r.h unused.
struct DomNote {
    std::string key, text;
    Rect r;
};

struct DomMirror {
    std::vector<DomRun> runs;
    std::vector<DomControl> controls;
    std::vector<DomNote> notes;
    Rect list;          // the message list in the panel
    float contentH = 0; // its scrollable height
    float lineH = 0;    // one line of message text
    // Equal within a pixel: list positions wobble by rounding as the list scrolls.
    bool sameAs(const DomMirror& o) const;
};

} // namespace kefu::ui
