// CallController, the voice <-> video switch of a call in progress (see switchMedia() in call.hpp and
// docs/PROTOCOL.md §6 "Switching"): a second connection to the same agent peer for the same call.
#include "call.hpp"
#include "call_detail.hpp"

namespace kefu {

using call_detail::fire;
using call_detail::mediaError;
using call_detail::Json;
using MC = peerjs::MediaConnection;

void CallController::onSwitchDeclined() {
    if (switching_ && state_ == CallState::InCall) abandonSwitch(CallEndReason::Rejected);
}

bool CallController::switchMedia(bool video) {
    // Not before the first grant nor before the call id: the switch offer and its report need both.
    if (state_ != CallState::InCall || switching_ || video == video_ || !peerjs::isValidId(agentPeer_) ||
        !mediaReady_ || callId_.empty())
        return false;
    switching_ = true;
    switchTo_ = video;
    switchError_ = CallEndReason::None;
    oldGone_ = false;
    nextRemote_ = -1;
    nextRemoteVideo_ = false;
    const unsigned gen = generation_;
    // Going to video waits for the agent's consent (their camera turns on), as long as a ring.
    switchTimer_ = scheduler_.after(video ? config_.ringTimeoutMs : config_.connectTimeoutMs, alive_.guard([this, gen] {
        switchTimer_ = 0;
        if (gen == generation_ && switching_) abandonSwitch(CallEndReason::ConnectionLost);
    }));
    changed();
    devices_.getUserMedia(true, video, alive_.guard([this, gen](MediaResult r) { handleSwitchMedia(gen, r); }));
    return true;
}

void CallController::handleSwitchMedia(unsigned gen, const MediaResult& r) {
    if (gen != generation_ || !switching_ || next_ || nextStream_ >= 0) {
        if (r.ok && r.streamHandle >= 0) devices_.stopStream(r.streamHandle);
        return;
    }
    if (!r.ok) {
        abandonSwitch(mediaError(r.errorName, switchTo_));
        return;
    }
    nextStream_ = r.streamHandle;
    if (!r.hasAudio) {
        abandonSwitch(CallEndReason::NoMicrophone);
        return;
    }
    if (switchTo_ && !r.hasVideo) {
        abandonSwitch(CallEndReason::NoCamera);
        return;
    }
    if (muted_) devices_.setTrackEnabled(nextStream_, MediaKind::Audio, false);
    next_ = newMedia(nextStream_, true, switchTo_);
    if (!next_) {
        abandonSwitch(CallEndReason::ConnectionLost);
        return;
    }
    // Two connections with the agent's peer now: a failing one must not send LEAVE (it would take the
    // other down at the agent). hangup()/finish() still do.
    next_->setLeaveOnFailure(false);
    if (media_) media_->setLeaveOnFailure(false);
    next_->onStateChange(alive_.guard([this](MC::State s, MC::Reason) { handleSwitchState(s); }));
    next_->onRemoteTrack(alive_.guard([this](MediaKind kind, int handle) {
        nextRemote_ = handle;
        if (kind == MediaKind::Video) nextRemoteVideo_ = true;
    }));
    next_->dial(agentPeer_, metadata(switchTo_)); // the kind the console answers with
}

void CallController::handleSwitchState(MC::State s) {
    if (!switching_) return;
    switch (s) {
    case MC::State::Connected: commitSwitch(); break;
    case MC::State::Closed:
    case MC::State::Failed:
        if (oldGone_) {
            postEnd("failed");
            finish(CallState::Failed, CallEndReason::ConnectionLost);
        } else {
            abandonSwitch(CallEndReason::ConnectionLost);
        }
        break;
    default: break;
    }
}

void CallController::commitSwitch() {
    if (switchTimer_) scheduler_.cancel(switchTimer_);
    switchTimer_ = 0;
    if (media_) retire(std::move(media_), false);
    if (localStream_ >= 0) devices_.stopStream(localStream_); // the camera light follows the call's kind
    media_ = std::move(next_);
    media_->setLeaveOnFailure(false); // a lost path is recovered (call_recover.cpp)
    wireMedia();
    localStream_ = nextStream_;
    nextStream_ = -1;
    video_ = switchTo_;
    hasVideo_ = switchTo_;
    cameraEnabled_ = true;
    remoteStream_ = nextRemote_ >= 0 ? nextRemote_ : media_->remoteStream();
    remoteHasVideo_ = nextRemoteVideo_;
    switching_ = false;
    oldGone_ = false;
    report(Json{{"action", "switch"}, {"video", video_}});
    fire(remoteCb_, remoteStream_, remoteHasVideo_);
    fire(switchCb_, true, CallEndReason::None);
    changed();
}

void CallController::abandonSwitch(CallEndReason why) {
    if (switchTimer_) scheduler_.cancel(switchTimer_);
    switchTimer_ = 0;
    if (next_) retire(std::move(next_), false);
    if (nextStream_ >= 0) devices_.stopStream(nextStream_);
    nextStream_ = -1;
    nextRemote_ = -1;
    const bool wasSwitching = switching_;
    switching_ = false;
    switchError_ = why;
    if (oldGone_ && state_ == CallState::InCall) {
        oldGone_ = false;
        postEnd("failed");
        finish(CallState::Failed, CallEndReason::ConnectionLost);
        return;
    }
    if (!wasSwitching) return;
    fire(switchCb_, false, why);
    changed();
}

} // namespace kefu
