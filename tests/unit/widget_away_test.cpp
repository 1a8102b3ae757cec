// While nobody of the visitor's group can answer (status/hello `online:false`, `unavailable` "nobody" or
// "hours"): 语音 and 视频 are shown unavailable with the reason instead of failing after a click, and the
// welcome says nobody is there. They come back as soon as an agent signs in.
#include <gtest/gtest.h>

#include <string>

#include "widget_rig.hpp"

using namespace kefu;

namespace {

const char* kConfig = R"({"kefu":{"id":"kefu1","name":"小美"},"welcome":{"zh-CN":"您好，有什么可以帮您？"},
    "peer":{"host":"chat.example.com","port":443,"path":"/peerjs","key":"peerjs","secure":true},"iceServers":[]})";

// A Chinese visitor with the panel open, once the hello named `kefu`.
struct Rig : test::WidgetRig {
    test::FakeConnection* chat = nullptr;
    Rig() : WidgetRig(returning("zh-CN")) {}
    void online(const std::string& kefu) {
        WidgetRig::online(kConfig, kefu);
        chat = socket("/ws/visitor");
        widget->setOpen(true);
    }
    void tapVoice() {
        Intents in;
        in.startVoice = true;
        apply(in);
    }
};

} // namespace

TEST(WidgetAway, NobodyOnlineDimsTheCallButtonsWithTheReason) {
    Rig r;
    r.online(R"({"id":"kefu1","name":"小美","online":false,"unavailable":"nobody"})");
    const ViewModel& v = r.widget->view();
    EXPECT_EQ(v.call.unavailable, "客服不在线，暂时无法通话");
    EXPECT_EQ(v.welcome, "客服暂时不在线，留言后会尽快回复您") << "no 您好 from nobody";
    r.tapVoice();
    EXPECT_EQ(r.widget->view().notice, "客服不在线，暂时无法通话");
    EXPECT_EQ(r.widget->view().call.state, "idle");
    EXPECT_TRUE(r.devices.requests.empty()) << "no microphone asked for a call nobody answers";

    // An agent signs in: the buttons and the configured welcome are back.
    r.chat->receive(R"({"type":"status","data":{"online":true,"unavailable":null}})");
    EXPECT_EQ(r.widget->view().call.unavailable, "");
    EXPECT_EQ(r.widget->view().welcome, "您好，有什么可以帮您？");
}

TEST(WidgetAway, OutsideBusinessHoursSaysSo) {
    Rig r;
    r.online(R"({"id":"kefu1","name":"小美","online":true})");
    EXPECT_EQ(r.widget->view().call.unavailable, "");
    r.chat->receive(R"({"type":"status","data":{"online":false,"unavailable":"hours"}})");
    EXPECT_EQ(r.widget->view().call.unavailable, "现在不是服务时间，暂时无法通话");
    r.chat->receive(R"({"type":"status","data":{"online":false,"unavailable":"nobody"}})");
    EXPECT_EQ(r.widget->view().call.unavailable, "客服不在线，暂时无法通话");
}

TEST(WidgetAway, WhileConnectingTheButtonsStayUsable) {
    // A first click right after opening is held until the server answers (widget.cpp startCall).
    Rig r;
    r.widget->start();
    r.widget->setOpen(true);
    EXPECT_EQ(r.widget->view().call.unavailable, "");
}

TEST(WidgetAway, AHostileReasonOfTheWrongTypeIsRefused) {
    Rig r;
    r.online(R"({"id":"kefu1","name":"小美","online":true})");
    r.chat->receive(R"({"type":"status","data":{"online":false,"unavailable":42}})");
    EXPECT_EQ(r.widget->view().call.unavailable, "") << "a malformed frame changes nothing";
}
