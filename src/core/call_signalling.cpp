// CallController, the ring and its answers: POST callpeer, the chat socket's accept/reject/hangup, the
// PeerJS registration's changes, and the reports (cancel, hangup, end) to the backend (docs/PROTOCOL.md §5).
#include "call.hpp"
#include "call_detail.hpp"

#include <nlohmann/json.hpp>

#include "core/untrusted_json.hpp"

namespace kefu {

using call_detail::dump;
using call_detail::Json;
using call_detail::withCallId;
using MC = peerjs::MediaConnection;

namespace {

std::string callIdFrom(const std::string& body) {
    const nlohmann::json j = parseUntrusted(body).value;
    if (!j.is_object()) return {};
    auto it = j.find("callId");
    return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}

// The agent console's standing peer, when the backend named exactly one (docs/PROTOCOL.md §5).
std::string standingPeerFrom(const std::string& body) {
    const nlohmann::json j = parseUntrusted(body).value;
    if (!j.is_object()) return {};
    auto it = j.find("peer");
    if (it == j.end() || !it->is_string()) return {};
    std::string peer = it->get<std::string>();
    return peerjs::isValidId(peer) ? peer : std::string();
}

std::string errorCodeFrom(const std::string& body) {
    const nlohmann::json j = parseUntrusted(body).value;
    if (!j.is_object()) return {};
    auto err = j.find("error");
    if (err == j.end() || !err->is_object()) return {};
    auto code = err->find("code");
    return code != err->end() && code->is_string() ? code->get<std::string>() : std::string();
}

} // namespace

void CallController::proceed() {
    // The ring names our peer id: once registered, or as soon as the backend issued it (no ID-TAKEN possible).
    if (state_ != CallState::Requesting || callpeerSent_ || !(signaling_.isOpen() || signaling_.idIssued())) return;
    if (!mediaReady_ && !fastRing_) return;
    const unsigned gen = generation_;
    if (!announcedPeer_.empty()) {
        // The offer travels with the ring, just ahead of it: the server holds it until the ring and hands
        // it to the console first, so the console answers it as its ring comes in (and holds the answer's
        // media until the agent accepts). An offer that cannot go leaves the ring to go alone.
        standingPeer_ = announcedPeer_;
        dialStanding();
        if (gen != generation_ || state_ != CallState::Requesting) return;
    }
    postCallpeer();
    if (gen != generation_ || state_ != CallState::Requesting) return;
    prepareMedia(); // see handleMedia()
}

void CallController::postCallpeer() {
    callpeerSent_ = true;
    Json body;
    body["action"] = "callpeer";
    body["kefu_id"] = config_.kefuId;
    body["visitor_id"] = config_.visitorId;
    body["video"] = video_;
    body["peer_id"] = signaling_.id();
    if (!answering_.empty()) body["call_id"] = answering_;
    if (asking_ && !mediaReady_) {
        body["mic"] = "asking"; // the browser's prompt is open: the console shows it until reportMicReady()
        askingSent_ = true;
    }
    boundPeer_ = signaling_.id();
    const unsigned gen = generation_;
    if (!http_) {
        finish(CallState::Failed, CallEndReason::ServerUnreachable);
        return;
    }
    http_("POST", config_.apiBase + "/2/callKefu", dump(body), config_.visitorToken,
          alive_.guard([this, gen](HttpResponse r) { handleCallpeer(gen, r); }));
}

void CallController::handleCallpeer(unsigned gen, const HttpResponse& r) {
    const std::string callId = r.status == 200 ? callIdFrom(r.body) : std::string();
    if (gen == generation_ && (state_ == CallState::Connecting || state_ == CallState::InCall)) {
        // The console answered the offer that went with the ring before this response came back.
        if (r.status == 200) {
            callId_ = callId;
            if (muted_) setMuted(true);
            reportMicReady();
        } else {
            finish(CallState::Failed, r.status == 409 ? CallEndReason::Busy : CallEndReason::ServerUnreachable);
        }
        return;
    }
    if (gen != generation_ || state_ != CallState::Requesting) {
        // Given up while the request was in flight: the agents are ringing now, stop them.
        // Or ended before its id was known: the report waits for it (see report()).
        if (gen == cancelGeneration_ && !callId.empty()) {
            const auto late = lateReport_.empty() ? Json{{"action", "cancel"}} : parseUntrusted(lateReport_).value;
            if (late.is_object()) postAction(dump(withCallId(late, callId)));
        }
        return;
    }
    if (r.status == 200) {
        callId_ = callId;
        if (muted_) setMuted(true); // muted before the server named the call: tell the console now
        reportMicReady();           // the same for a prompt answered meanwhile
        ringTimer_ = scheduler_.after(config_.ringTimeoutMs, alive_.guard([this, gen] {
            ringTimer_ = 0;
            if (gen != generation_ || state_ != CallState::Ringing) return;
            postEnd("missed");
            finish(CallState::Failed, CallEndReason::NoAnswer);
        }));
        setState(CallState::Ringing);
        if (gen != generation_ || state_ != CallState::Ringing) return;
        if (!pendingAgentPeer_.empty()) {
            accept(std::string(pendingAgentPeer_)); // accept() clears it
            return;
        }
        const std::string named = standingPeerFrom(r.body);
        if (!named.empty()) {
            voidEarlyOfferUnlessTo(named); // sent with the ring to a console that has since gone
            standingPeer_ = named;
        }
        prepareMedia(); // the agent takes a moment to pick up: build the connection and its offer meanwhile
        dialEarly();
        return;
    }
    if (r.status == 409) {
        finish(CallState::Failed, CallEndReason::Busy);
    } else if (r.status == 503 && (errorCodeFrom(r.body) == "offline" || r.body.empty())) {
        finish(CallState::Failed, CallEndReason::AgentOffline);
    } else {
        finish(CallState::Failed, CallEndReason::ServerUnreachable);
    }
}

void CallController::onAccept(const std::string& agentPeerId) {
    if (state_ == CallState::Requesting && callpeerSent_) {
        pendingAgentPeer_ = agentPeerId; // the chat socket overtook our HTTP response
        return;
    }
    if (state_ == CallState::Ringing) accept(agentPeerId);
}

void CallController::accept(const std::string& agentPeerId) {
    pendingAgentPeer_.clear();
    agentPeer_ = agentPeerId;
    if (!peerjs::isValidId(agentPeerId)) {
        // Stock peerjs on the agent side would never have registered such an id.
        postEnd("failed");
        finish(CallState::Failed, CallEndReason::AgentUnreachable);
        return;
    }
    voidEarlyOfferUnlessTo(agentPeerId); // another console took the call
    standingPeer_.clear();
    const unsigned gen = generation_;
    enterConnecting();
    if (gen != generation_ || state_ != CallState::Connecting) return;
    const MC::State early = media_ ? media_->state() : MC::State::New;
    if (media_) {
        takeUpEarlyMedia(); // built (maybe dialled, answered, connected) while it rang
        // Answered already: the media path no longer needs the signalling server.
        const bool answered = early == MC::State::Answered || early == MC::State::Connected;
        if (answered || gen != generation_ || state_ != CallState::Connecting) return;
    }
    if (signaling_.isOpen()) {
        placeCall();
    } else if (!reopenSignaling()) {
        postEnd("failed");
        finish(CallState::Failed, CallEndReason::ServerUnreachable);
    }
    // otherwise placeCall() runs when the registration is back (handleSignalingState)
}

// The accept, with a connection built while it rang (its offer maybe out, answered, even connected): the
// granted tracks go into its slots, the agent's stream is handed out, and a connected path is the call.
void CallController::takeUpEarlyMedia() {
    if (mediaReady_) media_->attachLocal(localStream_);
    remoteStream_ = media_->remoteStream();
    remoteHasVideo_ = earlyRemoteVideo_;
    if (remoteStream_ >= 0) call_detail::fire(remoteCb_, remoteStream_, remoteHasVideo_);
    if (media_ && media_->state() == MC::State::Connected)
        handleMediaState(MC::State::Connected, MC::Reason::None);
    else
        changed();
}

void CallController::enterConnecting() {
    if (ringTimer_) scheduler_.cancel(ringTimer_);
    ringTimer_ = 0;
    const unsigned gen = generation_;
    connectTimer_ = scheduler_.after(config_.connectTimeoutMs, alive_.guard([this, gen] {
        connectTimer_ = 0;
        if (gen != generation_ || state_ != CallState::Connecting) return;
        postEnd("failed");
        finish(CallState::Failed, CallEndReason::ConnectionLost);
    }));
    setState(CallState::Connecting);
}

bool CallController::reopenSignaling() {
    using S = peerjs::Signaling::State;
    const S s = signaling_.state();
    if (s == S::Connecting || s == S::FetchingId) return true;
    if (signalingRetried_) return false;
    signalingRetried_ = true;
    signaling_.open();
    return true;
}

void CallController::handleSignalingState(peerjs::Signaling::State s) {
    using S = peerjs::Signaling::State;
    const bool lost = s == S::Failed || s == S::Closed;
    switch (state_) {
    case CallState::Requesting:
        if (s == S::Open && callpeerSent_) {
            dialEarly(); // the ring went out with the issued id before the registration was complete
        } else if (s == S::Open || s == S::Connecting) {
            proceed();
        } else if (lost) {
            postCancel();
            finish(CallState::Failed, signaling_.errorType() == "unavailable-id" ? CallEndReason::IdTaken
                                                                                 : CallEndReason::ServerUnreachable);
        }
        break;
    case CallState::Ringing:
        // Only an early offer depends on our id before the accept: register again (new id), offer again
        // from it, and keep ringing. The console keeps the newest offer for a ring.
        if (s == S::Open) {
            dialEarly();
        } else if (lost) {
            if (media_ && media_->state() != MC::State::New) teardownMedia();
            if (!reopenSignaling()) {
                postCancel();
                finish(CallState::Failed, CallEndReason::ServerUnreachable);
            }
        }
        break;
    case CallState::Connecting:
        if (s == S::Open) {
            placeCall();
        } else if (lost) {
            // Once answered the media path no longer needs the signalling server.
            if (media_ && (media_->state() == MC::State::Answered || media_->state() == MC::State::Connected)) break;
            if (media_) {
                teardownMedia(); // its offer went to a dead registration; start over on a new one
            }
            if (!reopenSignaling()) {
                postEnd("failed");
                finish(CallState::Failed, CallEndReason::ServerUnreachable);
            }
        }
        break;
    case CallState::InCall:
        if (recovering_ && s == S::Open && recoverWaitsSignal_) attemptRecovery();
        break; // a registration lost otherwise is taken up again by the next recovery attempt
    case CallState::Idle:
    case CallState::Ended:
    case CallState::Failed: break; // between calls the registration is renewed lazily by start()/prepare()
    }
}

void CallController::onReject(const std::string& reason) {
    if (state_ != CallState::Ringing && !(state_ == CallState::Requesting && callpeerSent_)) return;
    CallEndReason r = CallEndReason::Rejected;
    if (reason == "busy")
        r = CallEndReason::Busy;
    else if (reason == "offline")
        r = CallEndReason::AgentOffline;
    finish(CallState::Failed, r);
}

void CallController::onRemoteHangup(const std::string& reason) {
    if (!isActive()) return;
    if (state_ == CallState::Requesting && !callpeerSent_) return; // not our call yet
    if ((state_ == CallState::Requesting || state_ == CallState::Ringing) && reason == "timeout") {
        finish(CallState::Failed, CallEndReason::NoAnswer);
        return;
    }
    finish(CallState::Ended, CallEndReason::HungUpRemote);
}

void CallController::postAction(const std::string& bodyJson) {
    if (!http_) return;
    // Fire and forget: the outcome of these requests changes nothing on our side.
    http_("POST", config_.apiBase + "/2/callKefu", bodyJson, config_.visitorToken, [](HttpResponse) {});
}

void CallController::report(const Json& body) {
    if (!callId_.empty()) {
        postAction(dump(withCallId(body, callId_)));
    } else if (callpeerSent_) {
        // The ring is still in flight (the agent may even have answered an offer sent with it): the
        // report goes out with the call id when the server's reply arrives (handleCallpeer).
        cancelGeneration_ = generation_;
        lateReport_ = dump(body);
    } else if (!answering_.empty()) {
        postAction(dump(withCallId(body, answering_))); // a call-back's answer that failed before its callpeer
    }
}

void CallController::reportHangup() {
    Json body;
    body["action"] = "hangup";
    body["duration"] = durationSeconds();
    report(body);
}

namespace {
// The visitor's devices ended a call that went ahead of them: the console shows why it stopped.
void addDeviceReason(Json& body, CallEndReason why) {
    if (why == CallEndReason::PermissionDenied || why == CallEndReason::NoMicrophone ||
        why == CallEndReason::NoCamera || why == CallEndReason::DeviceBusy)
        body["reason"] = toString(why);
}
} // namespace

void CallController::postCancel(CallEndReason why) {
    Json body{{"action", "cancel"}};
    addDeviceReason(body, why);
    report(body);
}

void CallController::reportMicReady() {
    if (!askingSent_ || !mediaReady_ || callId_.empty()) return; // the call id: handleCallpeer() calls again
    askingSent_ = false;
    postAction(dump(Json{{"action", "mic"}, {"call_id", callId_}}));
}

void CallController::postEnd(const char* outcome, CallEndReason why) {
    Json body;
    body["action"] = "end";
    body["outcome"] = outcome;
    addDeviceReason(body, why);
    if (startMs_ != 0) body["duration"] = durationSeconds();
    report(body);
}

} // namespace kefu
