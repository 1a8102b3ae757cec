#include "media_connection.hpp"

#include "messages.hpp"
#include "options.hpp"

namespace kefu::peerjs {

const char* toString(MediaConnection::State state) {
    switch (state) {
    case MediaConnection::State::New: return "new";
    case MediaConnection::State::Offering: return "offering";
    case MediaConnection::State::Answered: return "answered";
    case MediaConnection::State::Connected: return "connected";
    case MediaConnection::State::Closed: return "closed";
    case MediaConnection::State::Failed: return "failed";
    }
    return "new";
}

const char* toString(MediaConnection::Reason reason) {
    switch (reason) {
    case MediaConnection::Reason::None: return "none";
    case MediaConnection::Reason::LocalHangup: return "hangup";
    case MediaConnection::Reason::RemoteLeave: return "remote-leave";
    case MediaConnection::Reason::RemoteClose: return "remote-close";
    case MediaConnection::Reason::PeerUnavailable: return "peer-unavailable";
    case MediaConnection::Reason::ConnectionLost: return "connection-lost";
    case MediaConnection::Reason::NegotiationFailed: return "negotiation-failed";
    case MediaConnection::Reason::SignalingLost: return "network";
    }
    return "none";
}

MediaConnection::MediaConnection(Signaling& signaling, Scheduler& scheduler, std::unique_ptr<RtcPeerConnection> pc)
    : MediaConnection(signaling, scheduler, std::move(pc), Config{}) {}

MediaConnection::MediaConnection(Signaling& signaling, Scheduler& scheduler, std::unique_ptr<RtcPeerConnection> pc,
                                 Config config)
    : signaling_(signaling), scheduler_(scheduler), pc_(std::move(pc)), config_(std::move(config)),
      connectionId_("mc_" + randomToken()) {}

MediaConnection::~MediaConnection() {
    if (!isTerminal()) cleanup(false);
}

bool MediaConnection::call(const std::string& peer, const Media& media, const std::string& metadataJson) {
    if (state_ != State::New || peer.empty()) return false;
    if (!prepared_ && !prepare(media)) return false;
    return dial(peer, metadataJson);
}

bool MediaConnection::prepare(const Media& media) {
    if (!warm(media)) return false;
    attachLocal(media.localStream);
    startOffer();
    return true;
}

bool MediaConnection::warm(const Media& media) {
    if (state_ != State::New || !pc_ || prepared_) return false;
    prepared_ = true;
    pc_->onLocalCandidate(alive_.guard([this](const std::string& c) { handleLocalCandidate(c); }));
    pc_->onIceConnectionState(alive_.guard([this](const std::string& s) { handleTransport(s); }));
    pc_->onConnectionState(alive_.guard([this](const std::string& s) { handleTransport(s); }));
    pc_->onRemoteTrack(alive_.guard([this](MediaKind kind, int handle) {
        if (isTerminal()) return;
        remoteStream_ = handle;
        if (trackCb_) {
            auto cb = trackCb_;
            cb(kind, handle);
        }
    }));
    pc_->onDataChannelOpen(alive_.guard([this] { dataChannelOpen_ = true; }));
    pc_->onDataChannelClose(alive_.guard([this] {
        // peerjs closes the call when the auxiliary channel closes; before it opened, a close means nothing.
        if (dataChannelOpen_ && !isTerminal()) finish(State::Closed, Reason::RemoteClose, false);
    }));

    // Same construction order as peerjs: media, then the auxiliary channel, so m-lines are media first.
    if (media.sendAudio || media.sendVideo) pc_->addSendSlots(media.sendAudio, media.sendVideo);
    if (media.receiveAudio && !media.sendAudio) pc_->addRecvOnly(MediaKind::Audio);
    if (media.receiveVideo && !media.sendVideo) pc_->addRecvOnly(MediaKind::Video);
    pc_->createDataChannel(config_.dataChannelLabel, false);

    // The offer does not depend on who answers it, nor on the tracks that will fill the slots: it is made
    // ahead, set when the call starts (ICE gathers then), and goes out the moment dial() names the agent.
    pc_->createOffer(alive_.guard([this](bool ok, const std::string& sdp, const std::string&) {
        if (isTerminal()) return;
        if (!ok || sdp.empty()) {
            fail(Reason::NegotiationFailed);
            return;
        }
        offerSdp_ = sdp;
        if (offerWanted_) setOffer();
    }));
    return true;
}

void MediaConnection::attachLocal(int streamHandle) {
    if (streamHandle >= 0 && pc_ && !isTerminal()) pc_->fillSendSlots(streamHandle);
}

void MediaConnection::startOffer() {
    if (!prepared_ || isTerminal() || offerWanted_) return;
    offerWanted_ = true;
    if (!offerSdp_.empty()) setOffer();
}

void MediaConnection::setOffer() {
    const std::string sdp = offerSdp_;
    // The SDP is final once made: a dialled offer goes out now, while setLocalDescription runs (an early
    // answer waits for it in handleAnswer). Its candidates still follow it.
    if (state_ == State::Offering && !offerSent_) sendOffer(sdp);
    if (isTerminal()) return;
    pc_->setLocalDescription("offer", sdp, alive_.guard([this](bool done, const std::string&) {
        if (isTerminal()) return;
        if (!done) {
            fail(Reason::NegotiationFailed);
            return;
        }
        localDescriptionSet_ = true;
        if (pendingAnswer_) {
            const std::string answer = *pendingAnswer_;
            pendingAnswer_.reset();
            applyAnswer(answer);
        }
    }));
}

bool MediaConnection::dial(const std::string& peer, const std::string& metadataJson) {
    if (state_ != State::New || !prepared_ || peer.empty()) return false;
    startOffer();
    if (isTerminal()) return true;
    peer_ = peer;
    metadataJson_ = metadataJson;
    route_ =
        signaling_.attach(peer_, connectionId_, alive_.guard([this](const ServerMessage& m) { handleMessage(m); }));
    setState(State::Offering);
    if (state_ != State::Offering) return true; // a handler hung up already
    // Set ahead (or being set): it goes now. Not made yet: setOffer() sends it once it is.
    if (!offerSent_ && !offerSdp_.empty()) sendOffer(offerSdp_);
    return true;
}

void MediaConnection::sendOffer(const std::string& sdp) {
    if (!signaling_.send(encodeOffer(peer_, connectionId_, sdp, metadataJson_))) {
        fail(Reason::SignalingLost);
        return;
    }
    offerSent_ = true;
    // The agent must see the OFFER before our candidates: it has no PeerConnection to add them to before.
    auto queued = std::move(localCandidates_);
    localCandidates_.clear();
    for (const auto& c : queued) {
        const std::string frame = encodeCandidate(peer_, connectionId_, c);
        if (!frame.empty()) signaling_.send(frame);
    }
}

void MediaConnection::handleLocalCandidate(const std::string& candidateJson) {
    if (isTerminal()) return;
    if (!offerSent_) {
        localCandidates_.push_back(candidateJson);
        return;
    }
    const std::string frame = encodeCandidate(peer_, connectionId_, candidateJson);
    // If signalling dropped meanwhile the candidate is lost; ICE often succeeds with the ones already sent.
    if (!frame.empty()) signaling_.send(frame);
}

void MediaConnection::handleMessage(const ServerMessage& m) {
    if (isTerminal()) return;
    switch (m.type) {
    case MessageType::Answer: handleAnswer(m); break;
    case MessageType::Candidate:
        if (remoteDescriptionSet_)
            addRemoteCandidate(m.candidateJson);
        else
            remoteCandidates_.push_back(m.candidateJson); // addIceCandidate would reject without it
        break;
    case MessageType::Expire:
        // Our OFFER sat on the server unclaimed: the agent's peer id is not connected. After an answer an
        // EXPIRE only concerns late candidates and the media path may well be fine.
        if (state_ == State::Offering) fail(Reason::PeerUnavailable);
        break;
    case MessageType::Leave: finish(State::Closed, Reason::RemoteLeave, false); break;
    default: break; // a re-OFFER on our connection would be renegotiation, which stock peerjs never does
    }
}

void MediaConnection::handleAnswer(const ServerMessage& m) {
    if (state_ != State::Offering || answerSeen_ || m.sdpType != "answer") return;
    answerSeen_ = true;
    // The offer went out before its own setLocalDescription finished: the answer waits for it.
    if (!localDescriptionSet_) {
        pendingAnswer_ = m.sdp;
        return;
    }
    applyAnswer(m.sdp);
}

void MediaConnection::applyAnswer(const std::string& sdp) {
    pc_->setRemoteDescription("answer", sdp, alive_.guard([this](bool ok, const std::string&) {
        if (isTerminal()) return;
        if (!ok) {
            fail(Reason::NegotiationFailed);
            return;
        }
        remoteDescriptionSet_ = true;
        if (state_ == State::Offering) setState(State::Answered);
        if (isTerminal()) return;
        auto queued = std::move(remoteCandidates_);
        remoteCandidates_.clear();
        for (const auto& c : queued) addRemoteCandidate(c);
    }));
}

void MediaConnection::addRemoteCandidate(const std::string& candidateJson) {
    // A rejected candidate is not fatal (peerjs only reports it); the other candidates may still work.
    pc_->addIceCandidate(candidateJson, [](bool, const std::string&) {});
}

void MediaConnection::handleTransport(const std::string& state) {
    if (isTerminal()) return;
    if (state == "connected" || state == "completed") {
        if (graceTimer_) scheduler_.cancel(graceTimer_);
        graceTimer_ = 0;
        if (state_ == State::Answered) {
            setState(State::Connected);
        } else if (transportDown_) {
            transportDown_ = false;
            if (transportCb_) {
                auto cb = transportCb_;
                cb(true);
            }
        }
    } else if (state == "disconnected") {
        if (!graceTimer_ && (state_ == State::Answered || state_ == State::Connected)) {
            graceTimer_ = scheduler_.after(config_.disconnectGraceMs, alive_.guard([this] {
                graceTimer_ = 0;
                fail(Reason::ConnectionLost);
            }));
            if (state_ == State::Connected && !transportDown_) {
                transportDown_ = true;
                if (transportCb_) {
                    auto cb = transportCb_;
                    cb(false);
                }
            }
        }
    } else if (state == "failed") {
        fail(Reason::ConnectionLost);
    }
}

void MediaConnection::hangup() {
    if (isTerminal()) return;
    finish(State::Closed, Reason::LocalHangup, true);
}

void MediaConnection::fail(Reason reason) {
    // Tell the agent unless it cannot hear us anyway (an unknown peer, no signalling), or another
    // connection with the same peer must live on (setLeaveOnFailure(false)).
    const bool leave = leaveOnFailure_ && reason != Reason::PeerUnavailable && reason != Reason::SignalingLost;
    finish(State::Failed, reason, leave);
}

void MediaConnection::finish(State terminal, Reason reason, bool sendLeave) {
    if (isTerminal()) return;
    cleanup(sendLeave);
    setState(terminal, reason);
}

void MediaConnection::close() {
    if (isTerminal()) return;
    finish(State::Closed, Reason::LocalHangup, false);
}

void MediaConnection::cleanup(bool sendLeave) {
    if (graceTimer_) scheduler_.cancel(graceTimer_);
    graceTimer_ = 0;
    // LEAVE closes every connection the agent's peerjs has with us.
    if (sendLeave && offerSent_) signaling_.send(encodeLeave(peer_));
    if (route_) signaling_.detach(route_);
    route_ = 0;
    if (pc_) pc_->close();
    localCandidates_.clear();
    remoteCandidates_.clear();
}

void MediaConnection::setState(State s, Reason r) {
    state_ = s;
    reason_ = r;
    if (stateCb_) {
        auto cb = stateCb_;
        cb(s, r);
    }
}

} // namespace kefu::peerjs
