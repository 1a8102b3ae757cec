// What the widget offers when the browser cannot make calls at all (no RTCPeerConnection, an http page,
// no getUserMedia): 语音/视频 shown as unavailable with the reason, Kefu.call refused at once with it, and
// nothing asked of the browser or the servers for a call that cannot happen. Chat is unaffected.
#include <gtest/gtest.h>

#include <string>

#include "widget_rig.hpp"

using namespace kefu;

namespace {

const char* kConfig = R"({"kefu":{"id":"kefu1","name":"小美"},
    "peer":{"host":"chat.example.com","port":443,"path":"/peerjs","key":"peerjs","secure":true},
    "iceServers":[]})";

// The panel open once the chat is authenticated.
struct Rig : test::WidgetRig {
    using WidgetRig::WidgetRig;
    void online() {
        WidgetRig::online(kConfig);
        widget->setOpen(true);
    }
};

WidgetSettings browser(bool rtc, bool secure, bool media, const char* lang = "en") {
    WidgetSettings s = test::WidgetRig::returning(lang);
    s.hasRtc = rtc;
    s.secure = secure;
    s.hasMedia = media;
    return s;
}

TEST(WidgetCallSupport, ABrowserWithoutRtcPeerConnectionOffersNoCallsAndSaysWhy) {
    Rig r(browser(false, true, true));
    r.online();
    EXPECT_EQ(r.state()["callSupport"], "no-webrtc");
    const ViewModel& v = r.widget->view();
    EXPECT_EQ(v.call.unavailable, "This browser can't make voice or video calls. You can still chat.");
    EXPECT_EQ(r.socket("/peerjs?"), nullptr) << "no PeerJS registration for calls that cannot happen";

    for (bool video : {false, true}) {
        std::string err;
        EXPECT_FALSE(r.widget->startCall(video, err));
        EXPECT_EQ(err, "no-webrtc");
    }
    EXPECT_TRUE(r.devices.requests.empty()) << "never asks for a microphone it cannot use";
    EXPECT_EQ(r.rtc.size(), 0u);
    EXPECT_FALSE(r.httpTo("/callKefu")) << "the agent is never rung";
    EXPECT_TRUE(r.callEvents.empty());
    EXPECT_EQ(r.state()["call"], "idle");
    EXPECT_EQ(r.widget->view().notice, v.call.unavailable) << "a click shows the reason";
    EXPECT_EQ(r.widget->callUnsupportedText(), v.call.unavailable);
}

TEST(WidgetCallSupport, TheClickOnADimmedButtonShowsTheReasonAsANotice) {
    Rig r(browser(false, true, true, "zh-CN"));
    r.online();
    Intents in;
    in.startVoice = true;
    bool clear = false;
    r.widget->apply(in, "", clear);
    const ViewModel& v = r.widget->view();
    // Full-width punctuation in Chinese.
    EXPECT_EQ(v.call.unavailable, "此浏览器不支持语音和视频通话，可以继续文字聊天");
    EXPECT_EQ(v.notice, v.call.unavailable);
    EXPECT_TRUE(r.devices.requests.empty());
    EXPECT_EQ(v.call.state, "idle");
}

TEST(WidgetCallSupport, AnInsecurePageSaysHttpsIsNeeded) {
    // http:// on a public host: browsers hide navigator.mediaDevices there.
    Rig r(browser(true, false, false));
    r.online();
    EXPECT_EQ(r.state()["callSupport"], "insecure-context");
    EXPECT_EQ(r.widget->view().call.unavailable, "Calls need a secure (HTTPS) page");
    std::string err;
    EXPECT_FALSE(r.widget->startCall(true, err));
    EXPECT_EQ(err, "insecure-context");
    EXPECT_TRUE(r.devices.requests.empty());
}

TEST(WidgetCallSupport, NoGetUserMediaInASecurePage) {
    Rig r(browser(true, true, false, "zh-CN"));
    r.online();
    EXPECT_EQ(r.state()["callSupport"], "no-media");
    EXPECT_EQ(r.widget->view().call.unavailable, "此浏览器无法使用麦克风和摄像头，暂时不能通话");
    std::string err;
    EXPECT_FALSE(r.widget->startCall(false, err));
    EXPECT_EQ(err, "no-media");
}

TEST(WidgetCallSupport, WithoutWebRtcThatIsTheReasonEvenOnAnInsecurePage) {
    // The site could fix https, but not the browser: the reason the visitor can act on comes first.
    Rig r(browser(false, false, false));
    r.online();
    EXPECT_EQ(r.state()["callSupport"], "no-webrtc");
}

TEST(WidgetCallSupport, ACapableBrowserOffersCallsAsBefore) {
    Rig r(browser(true, true, true));
    r.online();
    EXPECT_EQ(r.state()["callSupport"], "ok");
    EXPECT_TRUE(r.widget->view().call.unavailable.empty());
    EXPECT_NE(r.socket("/peerjs?"), nullptr) << "registers ahead of the first call";
    std::string err;
    EXPECT_TRUE(r.widget->startCall(false, err)) << err;
    EXPECT_EQ(r.devices.requests.size(), 1u);
}

TEST(WidgetCallSupport, TheFlagsComeFromTheSettingsAndOnlyBooleansCount) {
    const WidgetSettings s = parseWidgetSettings(R"({"hasRtc":false,"secure":false,"hasMedia":true})");
    EXPECT_FALSE(s.hasRtc);
    EXPECT_FALSE(s.secure);
    EXPECT_TRUE(s.hasMedia);
    const WidgetSettings d = parseWidgetSettings(R"({"hasRtc":"no","secure":0})");
    EXPECT_TRUE(d.hasRtc);
    EXPECT_TRUE(d.secure);
}

} // namespace
