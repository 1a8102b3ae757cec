#include "core/widget.hpp"

#include "core/delivery.hpp"
#include "core/text.hpp"
#include "core/untrusted_json.hpp"
#include "core/widget_detail.hpp"

#include <cstdlib>
#include <limits>

#include <nlohmann/json.hpp>

namespace kefu {
using namespace widget_detail;
namespace {

constexpr int kNoticeMs = 6000; // a refused message's reason stays this long

std::string str(const json& j, const char* k) {
    auto it = j.find(k);
    if (it == j.end()) return {};
    if (it->is_string()) return it->get<std::string>();
    if (it->is_number_integer() || it->is_boolean()) return it->dump();
    return {};
}

// A numeric setting (a number, or the string of a data attribute) within [lo, hi], else `fallback`.
// strtoll saturates where atoi would overflow.
std::int64_t intSetting(const json& j, const char* k, std::int64_t lo, std::int64_t hi, std::int64_t fallback) {
    const std::string s = str(j, k);
    char* end = nullptr;
    const long long v = std::strtoll(s.c_str(), &end, 10);
    if (end == s.c_str() || v < lo || v > hi) return fallback;
    return v;
}

// Why calls cannot work in this browser, most fundamental first: without RTCPeerConnection no page can
// fix it; without a secure context the site can (https); getUserMedia alone missing is a browser setting.
std::string unsupportedReason(const WidgetSettings& s) {
    if (!s.hasRtc) return "no-webrtc";
    if (!s.secure) return "insecure-context";
    if (!s.hasMedia) return "no-media";
    return {};
}

std::string messageJson(const Message& m, Locale locale) {
    return dumpJson(messageObject(m, locale));
}

} // namespace

namespace widget_detail {

// Events and storage must not fail on text that is not valid UTF-8 (the page API hands us what it got).
std::string dumpJson(const json& j) {
    return j.dump(-1, ' ', false, json::error_handler_t::replace);
}

Key reasonKey(CallEndReason r) {
    switch (r) {
    case CallEndReason::PermissionDenied: return Key::CallErrPermissionDenied;
    case CallEndReason::NoCamera: return Key::CallErrNoCamera;
    case CallEndReason::NoMicrophone: return Key::CallErrNoMicrophone;
    case CallEndReason::InsecureContext: return Key::CallErrInsecureContext;
    case CallEndReason::DeviceBusy: return Key::CallErrNoMicrophone;
    case CallEndReason::ServerUnreachable: return Key::CallErrServerUnreachable;
    case CallEndReason::IdTaken: return Key::CallErrIdTaken;
    case CallEndReason::AgentUnreachable: return Key::CallErrAgentUnreachable;
    case CallEndReason::NoAnswer: return Key::CallErrNoAnswer;
    case CallEndReason::Rejected: return Key::CallErrRejected;
    case CallEndReason::AgentOffline: return Key::CallErrAgentOffline;
    case CallEndReason::Busy: return Key::CallErrBusy;
    case CallEndReason::ConnectionLost: return Key::CallErrConnectionLost;
    case CallEndReason::Cancelled: return Key::CallCancelled;
    default: return Key::CallEnded;
    }
}

Key errorKey(const std::string& code) {
    if (code == "too_long") return Key::ErrorTooLong;
    if (code == "bad_request" || code == "empty") return Key::ErrorEmpty;
    if (code == "rate_limited") return Key::ErrorRateLimited;
    if (code == "timeout") return Key::ErrorTimeout;
    return Key::ErrorSendFailed;
}

json messageObject(const Message& m, Locale locale) {
    json j = {{"id", m.id},
              {"from", toString(m.from)},
              {"text", m.kind == "call" && m.call ? callLine(locale, *m.call) : m.text},
              {"time", m.timeMs},
              {"status", m.delivery == Delivery::Pending  ? "pending"
                         : m.delivery == Delivery::Failed ? "failed"
                                                          : "sent"}};
    if (m.seq) j["seq"] = m.seq;
    if (m.kind == "call" && m.call)
        j["call"] = {{"video", m.call->video}, {"duration", m.call->durationS}, {"outcome", m.call->outcome}};
    return j;
}

} // namespace widget_detail

WidgetSettings parseWidgetSettings(const std::string& text) {
    WidgetSettings s;
    // Each setting stands alone: one nested absurdly deep (user, iceServers…) is left out, not all of them.
    std::size_t pruned = 0;
    const json j = parseUntrustedPruned(text, pruned).value;
    if (pruned > 0)
        s.warnings.push_back("ignored " + std::to_string(pruned) + " setting(s) nested deeper than " +
                             std::to_string(kMaxJsonDepth) + " levels");
    if (!j.is_object()) return s;
    s.server = str(j, "server");
    while (!s.server.empty() && s.server.back() == '/') s.server.pop_back();
    s.kefu = str(j, "kefu");
    if (!str(j, "lang").empty()) s.lang = str(j, "lang");
    s.side = str(j, "position") == "left" ? Side::Left : Side::Right;
    s.token = str(j, "token");
    s.visitorId = str(j, "visitorId");
    s.readSeq = intSetting(j, "readSeq", 0, std::numeric_limits<std::int64_t>::max(), 0);
    // Real offsets lie within ±14 h; anything else is not a time zone.
    s.tzOffsetMin = static_cast<int>(intSetting(j, "tzOffsetMin", -1440, 1440, 0));
    for (auto [key, flag] :
         {std::pair<const char*, bool*>{"hasMedia", &s.hasMedia}, {"hasRtc", &s.hasRtc}, {"secure", &s.secure}}) {
        auto it = j.find(key);
        if (it != j.end() && it->is_boolean()) *flag = it->get<bool>();
    }
    s.peerHost = str(j, "peerHost");
    s.peerPath = str(j, "peerPath");
    s.peerKey = str(j, "peerKey");
    s.peerPort = static_cast<int>(intSetting(j, "peerPort", 0, 65535, 0));
    s.ringTimeoutS = static_cast<int>(intSetting(j, "ringTimeout", 1, 600, s.ringTimeoutS));
    s.sendTimeoutS = static_cast<int>(intSetting(j, "sendTimeout", 1, 600, s.sendTimeoutS));
    const std::string sec = str(j, "peerSecure");
    if (!sec.empty()) s.peerSecure = (sec == "true" || sec == "1") ? 1 : 0;
    auto ice = j.find("iceServers");
    if (ice != j.end()) {
        if (ice->is_array())
            s.iceServersJson = dumpJson(*ice);
        else if (ice->is_string()) {
            const JsonInput parsed = parseUntrusted(ice->get<std::string>());
            if (parsed.value.is_array())
                s.iceServersJson = dumpJson(parsed.value);
            else
                s.warnings.push_back(parsed.tooDeep ? "iceServers ignored: nested too deep"
                                                    : "iceServers ignored: not a JSON array");
        }
    }
    auto outbox = j.find("outbox");
    if (outbox != j.end() && outbox->is_string()) s.outboxJson = outbox->get<std::string>();
    auto call = j.find("call");
    if (call != j.end() && call->is_string()) s.callJson = call->get<std::string>();
    auto user = j.find("user");
    if (user != j.end() && user->is_object()) s.userJson = dumpJson(*user);
    return s;
}

Widget::Widget(WidgetSettings settings, Platform platform)
    : mSettings(std::move(settings)), mPlatform(std::move(platform)), mLocale(parseLocale(mSettings.lang)),
      mCallUnsupported(unsupportedReason(mSettings)) {
    SessionConfig sc;
    sc.serverUrl = mSettings.server;
    sc.token = mSettings.token;
    sc.visitorId = mSettings.visitorId;
    sc.locale = localeTag(mLocale);
    sc.userJson = mSettings.userJson;
    sc.kefu = mSettings.kefu;
    sc.readSeq = mSettings.readSeq;
    sc.sendTimeoutMs = mSettings.sendTimeoutS * 1000;
    mSession =
        std::make_unique<ChatSession>(sc, mPlatform.sockets, mPlatform.http, mPlatform.scheduler, mPlatform.random);
    mCall = std::make_unique<CallController>(CallConfig{}, mPlatform.scheduler, mPlatform.sockets, mPlatform.http,
                                             mPlatform.media, mPlatform.rtc);
    mIce = std::make_unique<IceCredentials>(mPlatform.scheduler, mPlatform.http);
    mIce->onChange([this] {
        configureCall(); // fresh credentials: the next connection is made with them
        startPendingCall();
    });
    mIce->onWarning([this](const std::string& w) {
        if (mWarn) mWarn(w);
        startPendingCall(); // none coming: a call that waited for them goes without
    });

    const std::string base = mSettings.server;
    mSession->onToken([this, base](const std::string& id, const std::string& token) {
        if (mStore) {
            mStore(base + ":token", token);
            mStore(base + ":visitor", id);
        }
        configureCall();
        startPendingCall();
        changed();
    });
    mSession->onReadMark([this, base](std::int64_t seq) {
        if (mStore) mStore(base + ":read", std::to_string(seq));
    });
    mSession->onMessage([this](const Message& m) {
        emit("message", messageJson(m, mLocale));
        readIfVisible();
        if (m.from != Sender::Visitor && (!mOpen || !mPageFocused) && mAttention) mAttention(unread());
    });
    mSession->onAck([this](const std::string& id, std::int64_t seq) {
        emit("sent", dumpJson(json{{"id", id}, {"seq", seq}}));
    });
    mSession->onSendFailed([this](const std::string& id, const std::string& code, const std::string& message) {
        setNotice(tr(mLocale, errorKey(code)));
        emit("sendfailed",
             dumpJson(json{
                 {"id", id}, {"error", code}, {"message", message.empty() ? tr(mLocale, errorKey(code)) : message}}));
    });
    mSession->onUnread([this](int) { publishUnread(); });
    mSession->onConnection([this](ConnectionState s) {
        emit("connection", dumpJson(json{{"state", toString(s)}, {"connected", s == ConnectionState::Online}}));
        changed();
    });
    mSession->onChange([this] {
        saveOutbox();
        changed();
    });
    mSession->onConfig([this](const ServerConfig&) {
        configureCall();
        // Before a held or resumed call goes: asked for now, its TURN credentials are waited for.
        if (mOpen && !mPrepared && mCallUnsupported.empty()) {
            mPrepared = true;
            mCall->prepare();
            mIce->refresh();
        }
        resumeCall();
        startPendingCall();
        changed();
    });
    mSession->onCallFrame([this](const CallFrame& f) {
        if (auto a = std::get_if<frame::Accept>(&f))
            mCall->onAccept(a->peerId);
        else if (auto r = std::get_if<frame::Reject>(&f))
            mCall->onReject(r->reason);
        else if (auto h = std::get_if<frame::Hangup>(&f))
            mCall->onRemoteHangup(h->reason);
        else if (auto g = std::get_if<frame::Ring>(&f))
            ring(*g);
        else if (auto s = std::get_if<frame::SwitchReply>(&f)) {
            if (!s->accepted) mCall->onSwitchDeclined();
        }
    });
    mSession->onStandingPeer([this](const std::string& peer) { mCall->setStandingPeer(peer); });
    mSession->onWarning([this](const std::string& w) {
        if (mWarn) mWarn(w);
    });
    mCall->onStateChange([this](CallState s, CallEndReason r) { callStateChanged(s, r); });
    mCall->onChange([this] { changed(); });
    mCall->onRemoteStream([this](int, bool) { updateMedia(); });
    mCall->onSwitch([this](bool ok, CallEndReason why) { callSwitched(ok, why); });
    mCall->onPathLost([this] { mSession->probe(); }); // else the server may drop it first, and the call with it
}

Widget::~Widget() {
    Scheduler& s = mPlatform.scheduler;
    s.cancel(mNoticeTimer);
    s.cancel(mCallStatusTimer);
    s.cancel(mTickTimer);
    s.cancel(mPendingCallTimer);
    s.cancel(mMarkTimer);
}

void Widget::start() {
    // A returning visitor reconnects at once (unread replies, the badge). A new one gets no identity and
    // no stored token until it opens the chat or the page uses the API: nothing is created for a page
    // view alone.
    if (mWarn)
        for (const std::string& w : mSettings.warnings) mWarn(w);
    if (!mSettings.token.empty()) ensureStarted();
}

void Widget::ensureStarted() {
    if (mStarted) return;
    mStarted = true;
    mSession->start();
    // What an earlier page typed but could not deliver goes out now, under its original ids.
    const SavedOutbox saved = parseSavedOutbox(mSettings.outboxJson);
    for (const SavedMessage& m : saved.messages) {
        if (m.failed.empty())
            mSession->restorePending(m.id, m.text, m.timeMs);
        else
            mSession->restoreFailed(m.id, m.text, m.timeMs, m.failed, m.error);
    }
    if (mWarn && !saved.error.empty()) mWarn(saved.error + "; its messages are lost");
    if (mWarn && saved.dropped > 0)
        mWarn("ignored " + std::to_string(saved.dropped) + " unreadable message(s) of the saved outbox");
    mSavedOutbox = mSettings.outboxJson;
    saveOutbox();
}

void Widget::shutdown() {
    // A running call goes on on the next page of the site (within the server's grace for the visitor's
    // sockets): it is stored, not hung up. A closed tab ends it there, as visitor_left.
    const std::string running = mCall->resumeRecord();
    if (!running.empty() && mStore) {
        mStore(mSettings.server + ":call", running);
        mCall->suspend();
        return;
    }
    mCall->shutdown();
}

void Widget::resumeCall() {
    if (mSettings.callJson.empty()) return;
    const std::string stored = std::move(mSettings.callJson);
    mSettings.callJson.clear();
    if (mStore) mStore(mSettings.server + ":call", ""); // once: another tab must not take it up too
    ResumeInfo info;
    // Checked strictly: the storage belongs to the host page's origin and may hold anything.
    if (!mCallUnsupported.empty() || !parseResumeRecord(stored, mPlatform.scheduler.nowMs(), info)) return;
    mIce->want(); // a re-dial behind a NAT only a relay crosses needs them
    if (mCall->resume(info)) {
        mPrepared = true; // the registration is under way
        changed();
    }
}

void Widget::saveOutbox() {
    // Undelivered messages survive a reload or a navigation on the same site; failed ones too, with their
    // reason, until the visitor retries or discards them.
    std::vector<SavedMessage> a;
    for (const OutboxEntry& e : mSession->outbox().entries()) {
        const Message* m = mSession->store().find(e.id);
        SavedMessage saved{e.id, e.text, m ? m->timeMs : e.queuedMs, {}, {}};
        if (e.failed) {
            saved.failed = e.errorCode.empty() ? "send_failed" : e.errorCode;
            saved.error = e.errorMessage;
        }
        a.push_back(std::move(saved));
    }
    const std::string now = encodeSavedOutbox(a);
    if (now == mSavedOutbox) return;
    mSavedOutbox = now;
    if (mStore) mStore(mSettings.server + ":outbox", now);
}

void Widget::changed() {
    ++mRevision;
    if (mChange) mChange();
}

void Widget::emit(const char* name, const std::string& j) {
    if (mEvent) mEvent(name, j);
}

int Widget::unread() const {
    return mSession->unread();
}

void Widget::configureCall() {
    CallConfig c = mCall->config();
    c.apiBase = mSettings.server;
    c.visitorToken = mSession->token();
    c.visitorId = mSession->visitorId();
    const ServerConfig& sc = mSession->serverConfig();
    c.kefuId = !mSettings.kefu.empty() ? mSettings.kefu : sc.kefuId;
    c.peer.host = !mSettings.peerHost.empty() ? mSettings.peerHost : sc.peer.host;
    c.peer.port = mSettings.peerPort > 0 ? mSettings.peerPort : sc.peer.port;
    c.peer.path = !mSettings.peerPath.empty() ? mSettings.peerPath : sc.peer.path;
    c.peer.key = !mSettings.peerKey.empty() ? mSettings.peerKey : sc.peer.key;
    c.peer.secure = mSettings.peerSecure >= 0 ? mSettings.peerSecure == 1 : sc.peer.secure;
    // The backend's own PeerJS server registers only ids it issued to this visitor; a server the site names
    // (data-peer-*) is a stock one, where the widget chooses its id as before.
    const bool siteServer = !mSettings.peerHost.empty() || mSettings.peerPort > 0 || !mSettings.peerPath.empty() ||
                            !mSettings.peerKey.empty();
    const bool issued = sc.peer.auth == "kefu" && !siteServer;
    c.peer.credentialsUrl = issued ? mSettings.server + "/api/peer-credentials" : std::string();
    c.peer.credentialsBearer = issued ? mSession->token() : std::string();
    // Servers the site gives (data-ice-servers) replace the backend's, TURN credentials included.
    const bool siteServers = !mSettings.iceServersJson.empty();
    mIce->configure(mSettings.server, mSession->token(), !siteServers && sc.turnCredentials);
    c.iceServersJson = siteServers ? mSettings.iceServersJson : mIce->iceServersJson(sc.iceServersJson);
    c.ringTimeoutMs = mSettings.ringTimeoutS * 1000;
    mCall->setConfig(c);
}

void Widget::setOpen(bool open) {
    if (open == mOpen) return;
    mOpen = open;
    emit(open ? "open" : "close", "{}");
    if (open) {
        ensureStarted();
        mDividerSeq = unread() > 0 ? mSession->store().readSeq() : -1; // before reading marks them read
        readIfVisible();
        // Register with the PeerJS server as soon as a call becomes likely: the click on 语音 then
        // only has to ask for the microphone and ring the agent.
        if (!mPrepared && mSession->hasServerConfig() && mCallUnsupported.empty()) {
            mPrepared = true;
            mCall->prepare();
            mIce->refresh();
        }
    }
    changed();
}

void Widget::setPageFocused(bool focused) {
    mPageFocused = focused;
    if (focused) readIfVisible();
}

void Widget::setViewport(float w, float h) {
    mLayout = computePanel(w, h, mSettings.side);
    changed();
}

void Widget::readIfVisible() {
    // Read means seen: the panel is open and the page has the focus (not a background tab).
    if (mOpen && mPageFocused && mSession->unread() > 0) mSession->markRead();
    publishUnread();
}

void Widget::publishUnread() {
    const int n = unread();
    if (n == mLastUnread) return;
    mLastUnread = n;
    emit("unread", dumpJson(json{{"count", n}}));
}

void Widget::emitCall(const char* state, CallEndReason reason) {
    emit("call", dumpJson(json{{"state", state}, {"reason", toString(reason)}}));
}

void Widget::setNotice(const std::string& text) {
    mNotice = text;
    mPlatform.scheduler.cancel(mNoticeTimer);
    mNoticeTimer = mPlatform.scheduler.after(kNoticeMs, [this] {
        mNoticeTimer = 0;
        mNotice.clear();
        changed();
    });
    changed();
}

SendOutcome Widget::send(const std::string& text) {
    ensureStarted();
    SendOutcome o;
    const SendResult r = mSession->send(text);
    if (!r.ok) {
        o.errorCode = r.errorCode.empty() ? "bad_request" : r.errorCode;
        o.message = tr(mLocale, errorKey(o.errorCode));
        setNotice(o.message);
        return o;
    }
    o.ok = true;
    o.id = r.id;
    if (const Message* m = mSession->store().find(r.id)) emit("message", messageJson(*m, mLocale));
    mSession->setTyping(false);
    return o;
}

void Widget::composerChanged(const std::string& text) {
    const bool empty = trim(text).empty();
    if (empty != mComposerEmpty) {
        mComposerEmpty = empty;
        changed();
    }
    mSession->setTyping(!empty);
}

bool Widget::retryMessage(const std::string& id) {
    return mSession->retry(id); // the session's change saves the outbox
}

bool Widget::discardMessage(const std::string& id) {
    return mSession->discard(id);
}

void Widget::apply(const Intents& in, const std::string& composerText, bool& clearComposer) {
    clearComposer = false;
    if (in.close) setOpen(false);
    if (in.send) {
        const SendOutcome o = send(composerText);
        clearComposer = o.ok;
        if (o.ok) composerChanged("");
    }
    if (in.loadOlder) mSession->loadOlder();
    if (!in.retryId.empty()) retryMessage(in.retryId);
    if (!in.discardId.empty()) discardMessage(in.discardId);
    std::string err;
    // 语音 / 视频 tapped while nobody can answer (the pills are dimmed): the reason, not a failed call.
    const bool away = mSession->state() == ConnectionState::Online && !mSession->agentOnline() && mIncoming.empty() &&
                      !mCall->isActive() && mCallUnsupported.empty();
    if ((in.startVoice || in.startVideo) && away)
        setNotice(tr(mLocale, mSession->outsideHours() ? Key::CallsUnavailableHours : Key::CallsUnavailableAway));
    else if (in.startVoice)
        startCall(false, err);
    else if (in.primeVoice && !away)
        mCall->primeVoice();
    if (in.startVideo && !away) startCall(true, err);
    if (in.hangup) hangup();
    if (in.toggleMute) mCall->setMuted(!mCall->muted());
    if (in.toggleCamera) mCall->setCameraEnabled(!mCall->cameraEnabled());
    if (in.switchKind) switchCall(!mCall->isVideo(), err);
    if (in.answer) answerIncoming();
    if (in.decline) declineIncoming();
    if (in.scrolledToBottom) readIfVisible();
}

} // namespace kefu
