// Line breaking for chat bubbles, following UAX #14 closely enough for Chinese, English and mixed text:
// breaks between CJK characters, none before closing punctuation (，。、！？）」 and ASCII ,.!?;:) or after
// opening punctuation (（「《), Latin words and numbers kept whole, emoji clusters kept whole. Inside
// links a URL too long for a line breaks after / ? & = # rather than wherever it is full. A word wider than the line breaks where it overflows,
// like CSS `overflow-wrap: break-word`. Spaces at a break hang at the end of the line, as in CSS
// `white-space: pre-wrap`.
#pragma once

#include <cstddef>
#include <functional>
#include <string_view>
#include <utility>
#include <vector>

namespace kefu {

enum class Break { None, Allowed, Mandatory };

// Byte offset where each grapheme cluster starts, and whether a line may (or must) break before it.
// The first cluster is always Break::None.
struct BreakPoint {
    std::size_t pos = 0;
    Break kind = Break::None;
    bool closing = false; // closing punctuation and the like: should not start a line
    bool opening = false; // opening punctuation: should not end a line
    bool url = false;     // after / ? & = # inside a link: where a URL too long for a line breaks
};
// `urls`: byte ranges [begin, end) of links in `text` (see linkify.hpp), which get the URL breaks.
std::vector<BreakPoint> breakOpportunities(std::string_view text,
                                           const std::vector<std::pair<std::size_t, std::size_t>>& urls = {});

struct Line {
    std::size_t begin = 0, end = 0; // bytes of `text` drawn on this line (no trailing spaces or newline)
    std::size_t next = 0;           // where the next line starts
    float width = 0;                // sum of the widths of its clusters
};

// Greedy fill: as many clusters per line as fit in `maxWidth`. `width` gives the advance of one cluster.
// Always at least one line (an empty text gives one empty line).
std::vector<Line> breakLines(std::string_view text, float maxWidth,
                             const std::function<float(std::string_view cluster)>& width,
                             const std::vector<std::pair<std::size_t, std::size_t>>& urls = {});

} // namespace kefu
