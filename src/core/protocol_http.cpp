// The visitor's HTTP bodies: visitor creation, history pages, single messages, user patches and API errors.
#include "core/protocol.hpp"

#include "core/protocol_fields.hpp"

namespace kefu {

using namespace protocol_fields;

Parsed<VisitorCreated> parseVisitorCreated(std::string_view body) {
    Parsed<VisitorCreated> r;
    try {
        const json j = parseJson(body);
        if (!j.is_object() || !reqString(j, "token", r.value.token) || r.value.token.empty() ||
            !optString(j, "visitorId", r.value.visitorId)) {
            r.error = "visitor response without a token";
            return r;
        }
        r.ok = true;
    } catch (const std::exception& e) {
        r.error = e.what();
    }
    return r;
}

std::string encodeCreateVisitor(std::string_view lang, std::string_view name, std::string_view kefu) {
    json j = json::object();
    if (!lang.empty()) j["lang"] = safe(lang);
    if (!name.empty()) j["name"] = safe(name);
    if (!kefu.empty()) j["kefu"] = safe(kefu);
    return dump(j);
}

Parsed<HistoryPage> parseHistoryPage(std::string_view body) {
    Parsed<HistoryPage> r;
    try {
        std::string why;
        const json j = parseJson(body, &why);
        if (!j.is_object()) {
            r.error = why.empty() ? "history page is not a JSON object" : "history page " + why;
            return r;
        }
        auto messages = j.find("messages");
        if (messages == j.end() || !messages->is_array()) {
            r.error = "history page without a messages array";
            return r;
        }
        if (!optBool(j, "hasMore", r.value.hasMore)) {
            r.error = "history hasMore is not a boolean";
            return r;
        }
        for (const auto& item : *messages) {
            Message m;
            std::string error;
            if (readMessage(item, m, error))
                r.value.messages.push_back(std::move(m));
            else
                ++r.value.skipped;
        }
        r.ok = true;
    } catch (const std::exception& e) {
        r.error = e.what();
    }
    return r;
}

Parsed<Message> parseMessage(std::string_view text) {
    Parsed<Message> r;
    try {
        std::string why;
        const json j = parseJson(text, &why);
        r.ok = readMessage(j, r.value, r.error);
        if (!why.empty()) r.error = "message " + why;
    } catch (const std::exception& e) {
        r.error = e.what();
    }
    return r;
}

Parsed<std::string> encodeUserPatch(std::string_view userJson) {
    Parsed<std::string> r;
    try {
        std::string why;
        const json j = parseJson(userJson, &why);
        if (!j.is_object()) {
            r.error = why.empty() ? "user must be a JSON object" : "user " + why;
            return r;
        }
        json out = json::object();
        for (const char* key : {"name", "email", "phone"}) {
            auto it = j.find(key);
            if (it == j.end() || it->is_null()) continue;
            if (it->is_string())
                out[key] = *it;
            else if (it->is_number())
                out[key] = it->dump();
            else {
                r.error = std::string("user ") + key + " must be a string";
                return r;
            }
        }
        auto attrs = j.find("attrs");
        if (attrs != j.end() && !attrs->is_null()) {
            if (!attrs->is_object()) {
                r.error = "user attrs must be an object";
                return r;
            }
            out["attrs"] = *attrs;
        }
        r.value = dump(out);
        r.ok = true;
    } catch (const std::exception& e) {
        r.error = e.what();
    }
    return r;
}

std::string userName(std::string_view userJson) {
    try {
        const json j = parseJson(userJson);
        std::string name;
        if (j.is_object() && optString(j, "name", name)) return name;
    } catch (...) {
    }
    return std::string();
}

ApiError parseApiError(int status, std::string_view body) {
    ApiError e;
    try {
        const json j = parseJson(body);
        if (j.is_object()) {
            auto err = j.find("error");
            if (err != j.end() && err->is_object()) {
                optString(*err, "code", e.code);
                optString(*err, "message", e.message);
            }
        }
    } catch (...) {
    }
    if (e.code.empty()) {
        if (status == 0)
            e.code = "network";
        else if (status == 400)
            e.code = "bad_request";
        else if (status == 401)
            e.code = "unauthorized";
        else if (status == 403)
            e.code = "forbidden";
        else if (status == 404)
            e.code = "not_found";
        else if (status == 409)
            e.code = "conflict";
        else if (status == 413)
            e.code = "too_large";
        else if (status == 429)
            e.code = "rate_limited";
        else
            e.code = "internal";
    }
    return e;
}

} // namespace kefu
