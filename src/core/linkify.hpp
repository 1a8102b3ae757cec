// Links in message text: http(s) URLs, www. addresses, e-mail addresses and phone numbers (Chinese mobile
// and landline numbers, 400/800 hotlines, +86 and other international forms). Built for mixed Chinese
// text: CJK characters and full-width punctuation end a link (`请看https://example.com/a?b=1，谢谢`), trailing
// ASCII punctuation is left out unless it closes a parenthesis opened inside the link, and order numbers
// (QS20250412), dates and times (10:30) are not phone numbers.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace kefu {

enum class LinkKind { Web, Email, Phone };

struct Link {
    std::size_t begin = 0, end = 0; // bytes of the text shown as the link
    LinkKind kind = LinkKind::Web;
    std::string href; // what opening it opens: https://…, mailto:…, tel:…
};

// The links of `text`, in order, not overlapping.
std::vector<Link> findLinks(std::string_view text);

// True only for what the widget may ever open: http(s) URLs with a host, mailto: with an address,
// tel: with digits. Nothing with spaces, controls or any other scheme.
bool isOpenableHref(std::string_view href);

} // namespace kefu
