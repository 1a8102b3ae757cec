// The widget as a whole, without a browser: chat session + call controller + open/unread state, turned
// into a ViewModel for the UI and into events for the public JavaScript API. The bridge (src/web) feeds
// it platform objects and forwards its outputs to the page.
#pragma once

#include "core/call.hpp"
#include "core/call_quality.hpp"
#include "core/chat_session.hpp"
#include "core/i18n.hpp"
#include "core/ice_servers.hpp"
#include "core/layout.hpp"
#include "core/view_model.hpp"

#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace kefu {

struct WidgetSettings {
    std::string server; // absolute backend URL, no trailing slash
    std::string kefu;   // agent or group id (data-kefu); empty = the server's default
    std::string lang = "en";
    Side side = Side::Right;
    std::string token, visitorId; // saved identity, if any
    std::int64_t readSeq = 0;
    int tzOffsetMin = 0;  // -new Date().getTimezoneOffset()
    bool hasMedia = true; // navigator.mediaDevices.getUserMedia exists
    bool hasRtc = true;   // window.RTCPeerConnection exists
    bool secure = true;   // window.isSecureContext
    // Site-owner overrides of what GET /api/config says (empty / 0 = keep the server's).
    std::string peerHost, peerPath, peerKey, iceServersJson;
    int peerPort = 0;
    int peerSecure = -1;   // -1 keep, 0 ws, 1 wss
    int ringTimeoutS = 30; // give up ringing after this long (data-ring-timeout)
    int sendTimeoutS = 60; // unacknowledged this long on a live connection: failed (data-send-timeout)
    std::string userJson;
    std::string outboxJson;            // messages an earlier page could not deliver (SavedMessage)
    std::string callJson;              // the call the page before this one ran (CallController::resumeRecord)
    std::vector<std::string> warnings; // settings left out as unusable, reported once the widget starts
};

// Reads the loader's settings object (JSON); unknown keys are ignored, bad values keep the defaults.
WidgetSettings parseWidgetSettings(const std::string& json);

struct SendOutcome {
    bool ok = false;
    std::string id, errorCode, message;
};

class Widget {
  public:
    struct Platform {
        Scheduler& scheduler;
        SocketFactory sockets;
        HttpFn http;
        MediaDevices& media;
        RtcPeerConnectionFactory rtc;
        RandomFn random;
    };

    Widget(WidgetSettings settings, Platform platform);
    ~Widget();

    void start();
    void shutdown(); // page is going away: end a call on the agent's side too

    bool isOpen() const { return mOpen; }
    void setOpen(bool open);
    void setPageFocused(bool focused);
    void setViewport(float w, float h);
    const PanelLayout& layout() const { return mLayout; }

    SendOutcome send(const std::string& text);
    // A failed message: send it again under its id, or drop it (also from the saved outbox). False if `id`
    // is not a failed message.
    bool retryMessage(const std::string& id);
    bool discardMessage(const std::string& id);
    void composerChanged(const std::string& text);
    void apply(const Intents& intents, const std::string& composerText, bool& clearComposer);
    bool startCall(bool video, std::string& errorCode);
    // Why this browser cannot make calls at all ("no-webrtc", "insecure-context", "no-media"), or empty.
    const std::string& callUnsupported() const { return mCallUnsupported; }
    std::string callUnsupportedText() const; // the same, as the visitor reads it
    void hangup();
    // Voice <-> video in a call in progress. False (with "not-in-call" or "busy") when it cannot start;
    // the outcome arrives as a `callswitch` event {ok, video, reason}.
    bool switchCall(bool video, std::string& errorCode);
    // An agent's call-back ringing (chat `ring`, which opens the panel): 接听 starts an ordinary call that
    // answers it (the devices start only now), 拒绝 declines it. No-ops when nothing rings.
    void answerIncoming();
    void declineIncoming();
    // The figures of the running call's connection (from getStats, negative when not known): returns the
    // level shown, which redraws the panel only when it changes.
    CallQuality callStats(const CallStats& s);
    void setUser(const std::string& json);
    void setLocale(const std::string& lang);

    const ViewModel& view(); // rebuilt when something changed
    std::uint64_t revision() const { return mRevision; }
    std::string stateJson() const;
    std::string messagesJson() const; // the conversation as the public API shows it
    int unread() const;

    // Outputs.
    void onEvent(std::function<void(const std::string& name, const std::string& json)> cb) { mEvent = std::move(cb); }
    void onStore(std::function<void(const std::string& key, const std::string& value)> cb) { mStore = std::move(cb); }
    void onChange(std::function<void()> cb) { mChange = std::move(cb); }
    void onAttach(std::function<void(const char* role, int stream)> cb) { mAttach = std::move(cb); }
    void onWarning(std::function<void(const std::string&)> cb) { mWarn = std::move(cb); }
    void onAttention(std::function<void(int unread)> cb) { mAttention = std::move(cb); }

    ChatSession& session() { return *mSession; }
    CallController& call() { return *mCall; }

  private:
    void changed();
    void ensureStarted();
    void startPendingCall(bool withoutRelay = false);
    void emit(const char* name, const std::string& json);
    void configureCall();
    void callStateChanged(CallState s, CallEndReason r);
    void callSwitched(bool ok, CallEndReason why);
    void updateMedia();
    void tickCall();
    void saveOutbox();
    void resumeCall();
    void setNotice(const std::string& text);
    void readIfVisible();
    void publishUnread(); // an `unread` event when the count changed
    void emitCall(const char* state, CallEndReason reason);
    void ring(const frame::Ring& r);
    void endIncoming(CallEndReason why); // the call-back stopped ringing here
    void buildView();
    std::string callStatus() const;

    WidgetSettings mSettings;
    Platform mPlatform;
    Locale mLocale;
    std::unique_ptr<ChatSession> mSession;
    std::unique_ptr<CallController> mCall;
    std::unique_ptr<IceCredentials> mIce; // goes before mCall: its callback reconfigures the call
    PanelLayout mLayout;
    std::string mCallUnsupported; // decided once, from what the page reported at start
    bool mOpen = false;
    bool mPageFocused = true;
    bool mComposerEmpty = true;
    bool mShowCallStatus = false;
    bool mPrepared = false;
    bool mStarted = false;
    int mPendingCall = -1; // -1 none, 0 voice, 1 video: waiting for config and token
    std::string mIncoming; // the call id of an agent's call-back ringing here
    bool mIncomingVideo = false;
    TimerId mPendingCallTimer = 0;
    bool mIceWait = false; // the pending call waits only for its TURN credentials (kIceWaitMs)
    std::string mNotice;
    TimerId mNoticeTimer = 0, mCallStatusTimer = 0, mTickTimer = 0;
    CallQuality mQuality = CallQuality::Unknown;
    int mBetterRun = 0;
    std::int64_t mRingStartMs = 0; // the ringing time shown next to 正在呼叫…
    std::int64_t mDividerSeq = -1; // the read mark when the panel opened with unread messages (delivery.hpp)
    std::int64_t mMarkWake = 0;    // when a waiting message's 发送中… is due
    TimerId mMarkTimer = 0;
    std::uint64_t mRevision = 1, mBuilt = 0;
    int mLastUnread = 0;
    std::string mSavedOutbox;
    ViewModel mView;

    std::function<void(const std::string&, const std::string&)> mEvent, mStore;
    std::function<void()> mChange;
    std::function<void(const char*, int)> mAttach;
    std::function<void(const std::string&)> mWarn;
    std::function<void(int)> mAttention;
};

} // namespace kefu
