// A Widget wired to the fakes (fakes.hpp, call_fakes.hpp) with the steps most widget tests share: the
// config answered, the chat socket authenticated, an intent applied, the state read back.
#pragma once

#include <nlohmann/json.hpp>

#include <memory>
#include <string>
#include <vector>

#include "call_fakes.hpp"
#include "core/widget.hpp"
#include "fakes.hpp"

namespace kefu::test {

struct WidgetRig {
    FakeScheduler clock;
    FakeSocketHub sockets;
    FakeHttp http;
    calltest::FakeMediaDevices devices;
    calltest::FakeRtc rtc;
    std::unique_ptr<Widget> widget;
    std::vector<std::string> callEvents; // every `call` event's JSON

    // A returning visitor (token and id stored) on https://chat.example.com.
    static WidgetSettings returning(const char* lang = "en") {
        WidgetSettings s;
        s.server = "https://chat.example.com";
        s.token = "tok1";
        s.visitorId = "v_1";
        s.lang = lang;
        return s;
    }

    explicit WidgetRig(WidgetSettings s = returning()) {
        widget = std::make_unique<Widget>(std::move(s), Widget::Platform{clock, sockets.factory(), http.fn(), devices,
                                                                         rtc.factory(), sequenceRandom()});
        widget->onEvent([this](const std::string& name, const std::string& j) {
            if (name == "call") callEvents.push_back(j);
        });
    }

    // Started: /api/config answered with `config`, the chat socket's hello names `kefu` as the agent.
    void online(const std::string& config, const std::string& kefu = R"({"id":"kefu1","name":"小美","online":true})") {
        widget->start();
        ASSERT_TRUE(http.reply("GET", "/api/config", 200, config));
        FakeConnection* c = socket("/ws/visitor");
        ASSERT_NE(c, nullptr);
        c->accept();
        c->receive(R"({"type":"hello","data":{"visitorId":"v_1","kefu":)" + kefu +
                   R"(,"lastSeq":0,"visitorReadSeq":0,"agentReadSeq":0}})");
    }

    // The newest socket whose URL holds `part`, or null.
    FakeConnection* socket(const std::string& part) {
        for (auto it = sockets.connections.rbegin(); it != sockets.connections.rend(); ++it)
            if ((*it)->url.find(part) != std::string::npos) return it->get();
        return nullptr;
    }
    bool httpTo(const std::string& part) const {
        for (const auto& r : http.requests)
            if (r->url.find(part) != std::string::npos) return true;
        return false;
    }
    void apply(const Intents& in) {
        bool clear = false;
        widget->apply(in, "", clear);
    }
    nlohmann::json state() const { return nlohmann::json::parse(widget->stateJson()); }
};

} // namespace kefu::test
