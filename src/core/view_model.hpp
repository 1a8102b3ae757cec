// What the chat panel shows, as plain data, and what the visitor asked for in return. The UI (src/ui)
// reads a ViewModel and fills Intents; it owns no protocol or call logic.
#pragma once

#include "core/layout.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace kefu {

inline bool operator==(const Rect& a, const Rect& b) {
    return a.x == b.x && a.y == b.y && a.w == b.w && a.h == b.h;
}
inline bool operator!=(const Rect& a, const Rect& b) {
    return !(a == b);
}

struct MessageView {
    std::string id;
    int from = 0;          // 0 visitor, 1 agent, 2 system
    std::string text;      // already localized for system lines
    std::string time;      // "14:05"
    std::string separator; // non-empty: a day/time separator shown above ("今天 14:05")
    bool grouped = false;  // same sender as the previous bubble: no repeated header
    bool pending = false;  // not yet acknowledged by the server
    bool failed = false;
    std::string error;       // visible reason when failed
    bool minuteEnds = false; // inside a group, the next bubble's minute differs: the time goes here too
    std::string mark;        // the visitor's own: "发送中…", "已送达", "已读" under it, or nothing
    bool divider = false;    // the unread divider goes above it
};

struct CallView {
    std::string state;   // "idle", "requesting", "ringing", "connecting", "in-call", "ended", "failed"
    bool active = false; // requesting..in-call
    bool video = false;
    bool muted = false;
    bool cameraOff = false;
    std::string status;      // localized status line ("正在呼叫…", "通话中 01:02", a failure reason)
    std::string statusShort; // what the status line shrinks to when the bar is crowded ("01:02")
    bool offerVoice = false; // failed for lack of a camera: offer a voice call instead
    bool incoming = false;   // an agent's call-back rings: 接听 / 拒绝
    bool canSwitch = false;  // in a call and not switching: offer voice <-> video
    bool showRemoteVideo = false, showLocalVideo = false;
    int quality = 0;         // a running call's connection: 0 not known, 1 good, 2 fair, 3 poor (call_quality.hpp)
    std::string unavailable; // non-empty: this browser cannot make calls, and why (语音/视频 dimmed, this as tip)
};

struct ViewModel {
    std::uint64_t revision = 0;
    std::string title;    // agent name
    std::string subtitle; // online / offline / connecting
    int connection = 0;   // 0 online, 1 connecting, 2 offline
    bool agentOnline = false;
    std::string welcome;
    std::vector<MessageView> messages;
    bool hasMoreHistory = false;
    bool loadingHistory = false;
    bool agentTyping = false;
    std::string typingText;
    std::string notice; // a transient problem to show above the composer (e.g. too long)
    std::string placeholder;
    std::string loadOlderLabel;
    std::string voiceLabel, videoLabel, hangupLabel, cancelLabel, muteLabel, unmuteLabel, cameraOnLabel, cameraOffLabel,
        sendLabel, closeLabel, emojiLabel, voiceInsteadLabel, toVideoLabel, toVoiceLabel, enlargeLabel;
    std::string sendHint; // why 发送 is disabled while the composer is empty
    std::string retryLabel, discardLabel;      // the actions under a failed message
    std::string newMessageLabel, dividerLabel; // "新消息 ↓" pill, "以下为新消息" divider
    // 接听 / 拒绝 an agent's call-back
    std::string answerLabel, declineLabel;
    bool composerEmpty = true;
    bool fullscreen = false;
    CallView call;
};

struct Intents {
    bool close = false;
    bool send = false;
    bool loadOlder = false;
    bool startVoice = false, startVideo = false;
    bool primeVoice = false; // the pointer is on 语音: a click may follow (CallController::primeVoice)
    bool hangup = false;
    bool answer = false, decline = false; // 接听 / 拒绝 an agent's call-back
    bool toggleMute = false, toggleCamera = false;
    bool switchKind = false; // voice <-> video
    // The call bar's enlarge control: the remote video full screen (else Picture-in-Picture).
    bool enlargeVideo = false;
    bool focusComposer = false;
    bool scrolledToBottom = true;   // the visitor sees the newest message
    std::string insertText;         // emoji picked
    std::string retryId, discardId; // the visitor chose to send a failed message again, or to drop it
    std::string openLink;           // a link in a message was clicked: its href (see linkify.hpp)
    // Where the UI placed the DOM elements this frame (panel-local CSS px).
    Rect composer, remoteVideo, localVideo;
};

} // namespace kefu
