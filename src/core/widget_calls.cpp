// Widget: the visitor's calls — starting one (and why this browser cannot), the agent's call-back ringing,
// hang-up, voice/video switches, the call's states as the panel and the page see them, its media elements.
#include "core/widget.hpp"
#include "core/widget_detail.hpp"

namespace kefu {
using namespace widget_detail;

std::string Widget::callUnsupportedText() const {
    if (mCallUnsupported.empty()) return {};
    const Key k = mCallUnsupported == "no-webrtc"          ? Key::CallsUnavailableNoWebRtc
                  : mCallUnsupported == "insecure-context" ? Key::CallErrInsecureContext
                                                           : Key::CallsUnavailableNoMedia;
    return tr(mLocale, k);
}

bool Widget::startCall(bool video, std::string& errorCode) {
    setOpen(true); // the call's controls and video live in the panel
    if (!mCallUnsupported.empty()) {
        // Said before anything is asked of the browser, rather than a misleading device error after it.
        errorCode = mCallUnsupported;
        setNotice(callUnsupportedText());
        return false;
    }
    if (!mIncoming.empty()) {
        answerIncoming(); // 语音 / 视频 while the agent's call-back rings answers it
        return true;
    }
    if (mCall->isActive()) {
        errorCode = "busy";
        return false; // a second click during a call does nothing
    }
    if (mPendingCall >= 0) {
        errorCode = "busy";
        return false;
    }
    mIce->want(); // normally asked for at the panel's opening; a click before the config came is not
    if (!mSession->hasServerConfig() || mSession->token().empty() || mIce->awaited()) {
        // The PeerJS address and the visitor's token are not known yet (a first click right after
        // opening): hold the call until they are, or give up if the backend does not answer. Its TURN
        // credentials on their way are waited for too (startPendingCall): behind a NAT that only a relay
        // crosses, a connection made without them cannot connect.
        mPendingCall = video ? 1 : 0;
        mIceWait = false;
        emitCall("requesting", CallEndReason::None);
        mPendingCallTimer = mPlatform.scheduler.after(kPendingCallMs, [this] {
            mPendingCallTimer = 0;
            if (mPendingCall < 0) return;
            mPendingCall = -1;
            emitCall("failed", CallEndReason::ServerUnreachable);
            changed();
        });
        startPendingCall(); // config and token known: a short wait for the credentials only
        changed();
        return true;
    }
    configureCall();
    if (!mCall->start(video)) {
        errorCode = "unavailable";
        return false;
    }
    return true;
}

void Widget::startPendingCall(bool withoutRelay) {
    if (mPendingCall < 0 || !mSession->hasServerConfig() || mSession->token().empty()) return;
    configureCall();              // asks for the credentials once the token is there
    if (mPendingCall < 0) return; // started meanwhile (fresh credentials told during configureCall)
    if (!withoutRelay && mIce->awaited()) {
        if (!mIceWait) { // only they are missing now: a short wait, then the call goes without them
            mIceWait = true;
            mPlatform.scheduler.cancel(mPendingCallTimer);
            mPendingCallTimer = mPlatform.scheduler.after(kIceWaitMs, [this] {
                mPendingCallTimer = 0;
                startPendingCall(true);
            });
        }
        return;
    }
    mIceWait = false;
    const bool video = mPendingCall == 1;
    mPendingCall = -1;
    mPlatform.scheduler.cancel(mPendingCallTimer);
    mPendingCallTimer = 0;
    if (!mCall->start(video)) emitCall("failed", CallEndReason::ServerUnreachable);
}

void Widget::ring(const frame::Ring& r) {
    if (r.end) {
        if (r.callId == mIncoming) endIncoming(CallEndReason::Cancelled);
        return;
    }
    if (mCall->isActive() || mPendingCall >= 0 || !mIncoming.empty()) return; // the server checked: a stale ring
    if (!mCallUnsupported.empty()) {
        mIncoming = r.callId; // no call possible in this browser: refused at once rather than left to ring
        declineIncoming();
        return;
    }
    mIncoming = r.callId;
    mIncomingVideo = r.video;
    setOpen(true);
    emitCall("incoming", CallEndReason::None);
    changed();
}

void Widget::endIncoming(CallEndReason why) {
    mIncoming.clear();
    emitCall("ended", why);
    changed();
}

void Widget::answerIncoming() {
    if (mIncoming.empty()) return;
    const std::string id = std::move(mIncoming);
    mIncoming.clear();
    configureCall();
    if (!mCall->start(mIncomingVideo, id)) emitCall("failed", CallEndReason::ServerUnreachable);
    changed();
}

void Widget::declineIncoming() {
    if (mIncoming.empty()) return;
    // The id has the server's form (protocol_frames.cpp): no escaping needed.
    if (mPlatform.http)
        mPlatform.http("POST", mSettings.server + "/2/callKefu",
                       "{\"action\":\"decline\",\"call_id\":\"" + mIncoming + "\"}", mSession->token(),
                       [](HttpResponse) {});
    endIncoming(CallEndReason::Rejected);
}

void Widget::hangup() {
    declineIncoming();
    if (mPendingCall >= 0) {
        mPendingCall = -1;
        mPlatform.scheduler.cancel(mPendingCallTimer);
        mPendingCallTimer = 0;
        emitCall("ended", CallEndReason::Cancelled);
        changed();
        return;
    }
    mCall->hangup();
}

void Widget::setUser(const std::string& j) {
    mSession->setUser(j); // before starting, so that a new visitor is created with its name
    ensureStarted();
}

void Widget::setLocale(const std::string& lang) {
    mLocale = parseLocale(lang);
    changed();
}

void Widget::callStateChanged(CallState s, CallEndReason r) {
    emitCall(toString(s), r);
    Scheduler& sch = mPlatform.scheduler;
    sch.cancel(mTickTimer);
    mTickTimer = 0;
    mQuality = CallQuality::Unknown; // each state's connection is measured anew
    mBetterRun = 0;
    if (s == CallState::Ringing) mRingStartMs = sch.nowMs();
    if (s == CallState::InCall || s == CallState::Ringing) {
        // The elapsed (or ringing) time in the call bar: one redraw a second, only then.
        tickCall();
    }
    mShowCallStatus = true;
    sch.cancel(mCallStatusTimer);
    mCallStatusTimer = 0;
    if (s == CallState::Ended || s == CallState::Failed) {
        if (mPrepared) mIce->refresh(); // for the connection made ahead of the next call
        mCallStatusTimer = sch.after(kCallStatusMs, [this] {
            mCallStatusTimer = 0;
            mShowCallStatus = false;
            changed();
        });
    }
    updateMedia();
    changed();
}

bool Widget::switchCall(bool video, std::string& errorCode) {
    if (mCall->state() != CallState::InCall) {
        errorCode = "not-in-call";
        return false;
    }
    if (mCall->switching()) {
        errorCode = "busy";
        return false;
    }
    if (mCall->isVideo() == video) return true; // already so
    if (!mCall->switchMedia(video)) {
        errorCode = "busy";
        return false;
    }
    changed();
    return true;
}

void Widget::callSwitched(bool ok, CallEndReason why) {
    emit("callswitch", dumpJson(json{{"ok", ok}, {"video", mCall->isVideo()}, {"reason", toString(why)}}));
    if (!ok) {
        const Key k = why == CallEndReason::NoCamera           ? Key::SwitchErrNoCamera
                      : why == CallEndReason::PermissionDenied ? Key::SwitchErrDenied
                      : why == CallEndReason::Rejected         ? Key::SwitchErrDeclined
                                                               : Key::SwitchErrFailed;
        setNotice(tr(mLocale, k));
    }
    updateMedia();
    changed();
}

void Widget::tickCall() {
    mTickTimer = mPlatform.scheduler.after(1000, [this] {
        mTickTimer = 0;
        changed();
        if (mCall->state() == CallState::InCall || mCall->state() == CallState::Ringing) tickCall();
    });
}

CallQuality Widget::callStats(const CallStats& s) {
    if (mCall->state() != CallState::InCall) return CallQuality::Unknown;
    const CallQuality q = steadyCallQuality(mQuality, classifyCallQuality(s), mBetterRun);
    if (q != mQuality) {
        mQuality = q;
        changed();
    }
    return q;
}

void Widget::updateMedia() {
    if (!mAttach) return;
    const bool live = mCall->isActive();
    const int remote = live ? mCall->remoteStream() : -1;
    const bool video = mCall->isVideo() && mCall->remoteHasVideo();
    mAttach("remote", video ? remote : -1);
    mAttach("audio", video ? -1 : remote);
    mAttach("local", live && mCall->isVideo() ? mCall->localStream() : -1);
}

} // namespace kefu
