// Widget: what the panel shows (the ViewModel built from the session, the call and the settings) and what
// the page reads (Kefu.state() and the messages as JSON).
#include "core/delivery.hpp"
#include "core/text.hpp"
#include "core/widget.hpp"
#include "core/widget_detail.hpp"

namespace kefu {
using namespace widget_detail;

std::string Widget::callStatus() const {
    const CallState s = mCall->state();
    switch (s) {
    case CallState::Idle: return {};
    case CallState::Requesting: return tr(mLocale, Key::CallRequestingDevices);
    case CallState::Ringing:
        return std::string(tr(mLocale, Key::CallRinging)) + " " +
               formatDuration(static_cast<int>((mPlatform.scheduler.nowMs() - mRingStartMs) / 1000));
    case CallState::Connecting: return tr(mLocale, Key::CallConnecting);
    case CallState::InCall:
        if (mCall->reconnecting()) return tr(mLocale, Key::CallReconnecting);
        if (mCall->switching()) return tr(mLocale, Key::CallSwitching);
        return std::string(tr(mLocale, Key::CallInCall)) + " " + formatDuration(mCall->elapsedSeconds());
    case CallState::Ended:
        if (mCall->reason() == CallEndReason::Cancelled) return tr(mLocale, Key::CallCancelled);
        return std::string(tr(mLocale, Key::CallEnded)) + " " + formatDuration(mCall->elapsedSeconds());
    case CallState::Failed: return tr(mLocale, reasonKey(mCall->reason()));
    }
    return {};
}

const ViewModel& Widget::view() {
    if (mBuilt != mRevision) {
        buildView();
        mBuilt = mRevision;
    }
    return mView;
}

void Widget::buildView() {
    ViewModel& v = mView;
    const Locale L = mLocale;
    v.revision = mRevision;
    // Text from the agent, the server or the visitor is shown without bidi controls (see text.hpp).
    const std::string name = stripBidiControls(mSession->kefuName());
    v.title = name.empty() ? tr(L, Key::Title) : name;
    const ConnectionState cs = mSession->state();
    v.agentOnline = cs == ConnectionState::Online && mSession->agentOnline();
    v.connection = cs == ConnectionState::Online ? 0 : cs == ConnectionState::Offline ? 2 : 1;
    switch (cs) {
    case ConnectionState::Online: v.subtitle = tr(L, mSession->agentOnline() ? Key::Online : Key::AgentOffline); break;
    case ConnectionState::Idle:
    case ConnectionState::Connecting: v.subtitle = tr(L, Key::Connecting); break;
    case ConnectionState::Reconnecting: v.subtitle = tr(L, Key::Reconnecting); break;
    case ConnectionState::Offline: v.subtitle = tr(L, Key::Offline); break;
    }
    v.welcome = stripBidiControls(mSession->welcome(L));
    if (v.welcome.empty()) v.welcome = tr(L, Key::WelcomeFallback);
    // Nobody there to answer: the welcome says so rather than "您好，有什么可以帮您？".
    const bool away = cs == ConnectionState::Online && !mSession->agentOnline();
    if (away) v.welcome = tr(L, Key::AgentOffline);

    const auto& msgs = mSession->store().messages();
    const std::int64_t now = mPlatform.scheduler.nowMs();
    v.messages.clear();
    v.messages.reserve(msgs.size());
    for (std::size_t i = 0; i < msgs.size(); ++i) {
        const Message& m = msgs[i];
        MessageView mv;
        mv.id = m.id;
        mv.from = m.from == Sender::Visitor ? 0 : m.from == Sender::Agent ? 1 : 2;
        mv.text = m.kind == "call" && m.call ? callLine(L, *m.call) : stripBidiControls(m.text);
        mv.time = formatTime(m.timeMs, mSettings.tzOffsetMin);
        if (i == 0 || needsTimeSeparator(msgs[i - 1], m, mSettings.tzOffsetMin))
            mv.separator = separatorLabel(L, m.timeMs, now, mSettings.tzOffsetMin);
        mv.grouped = i > 0 && mv.separator.empty() && sameGroup(msgs[i - 1], m, mSettings.tzOffsetMin);
        mv.pending = m.delivery == Delivery::Pending;
        mv.failed = m.delivery == Delivery::Failed;
        if (mv.failed) mv.error = tr(L, errorKey(m.errorCode));
        v.messages.push_back(std::move(mv));
    }
    const std::int64_t wake =
        annotateMessages(v.messages, msgs, {mSession->agentReadSeq(), now, mDividerSeq, mSettings.tzOffsetMin}, L);
    if (wake != mMarkWake) { // 发送中… appears under a message still waiting at `wake`
        mMarkWake = wake;
        mPlatform.scheduler.cancel(mMarkTimer);
        mMarkTimer = wake ? mPlatform.scheduler.after(static_cast<int>(wake - now),
                                                      [this] {
                                                          mMarkTimer = mMarkWake = 0;
                                                          changed();
                                                      })
                          : 0;
    }
    v.hasMoreHistory = mSession->store().hasMoreHistory();
    v.loadingHistory = mSession->loadingOlder();
    v.agentTyping = mSession->agentTyping();
    v.typingText = tr(L, Key::AgentTyping);
    v.notice = mNotice;
    if (v.notice.empty() && cs == ConnectionState::Offline) v.notice = tr(L, Key::ErrorOffline);
    v.placeholder = tr(L, Key::Placeholder);
    v.loadOlderLabel = tr(L, v.loadingHistory ? Key::Loading : Key::LoadOlder);
    v.voiceLabel = tr(L, Key::Voice);
    v.videoLabel = tr(L, Key::Video);
    v.hangupLabel = tr(L, Key::HangUp);
    v.cancelLabel = tr(L, Key::Cancel);
    v.muteLabel = tr(L, Key::Mute);
    v.unmuteLabel = tr(L, Key::Unmute);
    v.cameraOnLabel = tr(L, Key::CameraOn);
    v.cameraOffLabel = tr(L, Key::CameraOff);
    v.sendLabel = tr(L, Key::Send);
    v.sendHint = tr(L, Key::SendNeedsText);
    v.closeLabel = tr(L, Key::Close);
    v.emojiLabel = L == Locale::ZhCN ? "表情" : "Emoji";
    v.voiceInsteadLabel = tr(L, Key::UseVoiceInstead);
    v.toVideoLabel = tr(L, Key::SwitchToVideo);
    v.toVoiceLabel = tr(L, Key::SwitchToVoice);
    v.enlargeLabel = tr(L, Key::EnlargeVideo);
    v.retryLabel = tr(L, Key::Retry);
    v.discardLabel = tr(L, Key::Discard);
    v.newMessageLabel = tr(L, Key::NewMessagePill);
    v.dividerLabel = tr(L, Key::UnreadDivider);
    v.answerLabel = tr(L, Key::Answer);
    v.declineLabel = tr(L, Key::Decline);
    v.composerEmpty = mComposerEmpty;
    v.fullscreen = mLayout.fullscreen;

    CallView& c = v.call;
    const CallState st = mCall->state();
    c.state = toString(st);
    c.active = mCall->isActive();
    c.video = mCall->isVideo();
    c.muted = mCall->muted();
    c.cameraOff = !mCall->cameraEnabled();
    c.status = (c.active || mShowCallStatus) ? callStatus() : std::string();
    c.statusShort = st == CallState::InCall && !mCall->switching() && !mCall->reconnecting()
                        ? formatDuration(mCall->elapsedSeconds())
                        : c.status;
    c.offerVoice = st == CallState::Failed && mCall->canFallbackToVoice();
    c.incoming = !mIncoming.empty();
    if (c.incoming) c.status = tr(L, mIncomingVideo ? Key::CallIncomingVideo : Key::CallIncomingVoice);
    c.canSwitch = st == CallState::InCall && !mCall->switching() && !mCall->reconnecting();
    c.showRemoteVideo = st == CallState::InCall && c.video;
    c.showLocalVideo = c.showRemoteVideo && mCall->localStream() >= 0;
    c.unavailable = callUnsupportedText();
    if (c.unavailable.empty() && away && !c.incoming)
        c.unavailable = tr(L, mSession->outsideHours() ? Key::CallsUnavailableHours : Key::CallsUnavailableAway);
    c.quality = st == CallState::InCall ? static_cast<int>(mQuality) : 0;
    if (c.quality == static_cast<int>(CallQuality::Poor) && v.notice.empty()) v.notice = tr(L, Key::CallPoorConnection);
}

std::string Widget::messagesJson() const {
    json a = json::array();
    for (const Message& m : mSession->store().messages()) a.push_back(messageObject(m, mLocale));
    return dumpJson(a);
}

std::string Widget::stateJson() const {
    const ConnectionState cs = mSession->state();
    json j = {{"ready", true},
              {"open", mOpen},
              {"connected", cs == ConnectionState::Online},
              {"connection", toString(cs)},
              {"agentOnline", mSession->agentOnline()},
              {"agentTyping", mSession->agentTyping()},
              {"unread", unread()},
              {"visitorId", mSession->visitorId().empty() ? json(nullptr) : json(mSession->visitorId())},
              {"call", !mIncoming.empty()  ? "incoming"
                       : mPendingCall >= 0 ? "requesting"
                                           : toString(mCall->state())},
              {"callReason", toString(mCall->reason())},
              {"callVideo", mCall->isVideo()},
              {"callSwitching", mCall->switching()},
              {"callReconnecting", mCall->reconnecting()},
              {"callStatus", (mCall->isActive() || mShowCallStatus) ? callStatus() : std::string()},
              {"callQuality", toString(mCall->state() == CallState::InCall ? mQuality : CallQuality::Unknown)},
              {"callSupport", mCallUnsupported.empty() ? std::string("ok") : mCallUnsupported},
              {"delivery", toString(newestMark(mSession->store().messages(), mSession->agentReadSeq(),
                                               mPlatform.scheduler.nowMs()))},
              {"unreadDivider", mDividerSeq >= 0 && unreadDividerAt(mSession->store().messages(), mDividerSeq) <
                                                        mSession->store().size()},
              {"messages", mSession->store().size()},
              {"pending", mSession->outbox().size()},
              {"revision", mRevision}};
    return dumpJson(j);
}

} // namespace kefu
