// One browser RTCPeerConnection, as seen by the call core. The bridge forwards method calls to the JS object
// and forwards its events back through the emit*() methods; every decision (ordering, queueing, timeouts)
// stays in C++ so that the glue has no logic of its own.
#pragma once

#include "media.hpp"

#include <functional>
#include <memory>
#include <string>

namespace kefu {

class RtcPeerConnection {
  public:
    using DoneCallback = std::function<void(bool ok, const std::string& error)>;
    using SdpCallback = std::function<void(bool ok, const std::string& sdp, const std::string& error)>;

    virtual ~RtcPeerConnection() = default;

    // pc.addTransceiver(kind, {direction: "sendrecv", streams: [s]}) for each kind we will send, with one
    // placeholder MediaStream s per connection: the offer can then be made before the microphone is granted.
    // The stream matters: without it the SDP carries no msid and the agent's peerjs emits `stream` with an
    // undefined stream.
    virtual void addSendSlots(bool audio, bool video) = 0;
    // sender.replaceTrack(track) of the local stream's first track of each kind into the slots above; no
    // renegotiation is needed for that.
    virtual void fillSendSlots(int streamHandle) = 0;
    // pc.addTransceiver(kind, {direction: "recvonly"}) for a kind we want to receive but do not send;
    // stock peerjs on the agent side only sends what the offer contains.
    virtual void addRecvOnly(MediaKind kind) = 0;
    // pc.createDataChannel(label, {ordered}). Its only purpose is the close event on both sides (hang-up).
    // The bridge reports dc.onopen/onclose through emitDataChannelOpen()/emitDataChannelClose().
    virtual void createDataChannel(const std::string& label, bool ordered) = 0;
    // pc.createOffer(); `done` gets offer.sdp.
    virtual void createOffer(SdpCallback done) = 0;
    virtual void setLocalDescription(const std::string& type, const std::string& sdp, DoneCallback done) = 0;
    virtual void setRemoteDescription(const std::string& type, const std::string& sdp, DoneCallback done) = 0;
    // pc.addIceCandidate(JSON.parse(candidateJson)).
    virtual void addIceCandidate(const std::string& candidateJson, DoneCallback done) = 0;
    // Closes the data channel and the connection. After close() the bridge must not emit anything and must
    // drop pending callbacks (the core tolerates late ones, but they are pointless).
    virtual void close() = 0;

    // JSON.stringify(event.candidate) (its toJSON: candidate, sdpMid, sdpMLineIndex, usernameFragment).
    // The bridge skips the null end-of-candidates event and empty candidates.
    void onLocalCandidate(std::function<void(const std::string& candidateJson)> cb) { localCandidate_ = std::move(cb); }
    // pc.iceConnectionState: "new", "checking", "connected", "completed", "disconnected", "failed", "closed".
    void onIceConnectionState(std::function<void(const std::string&)> cb) { iceState_ = std::move(cb); }
    // pc.connectionState (same vocabulary, aggregates ICE and DTLS).
    void onConnectionState(std::function<void(const std::string&)> cb) { connState_ = std::move(cb); }
    // pc.ontrack: the track's kind and a handle to event.streams[0], ready to become a srcObject.
    void onRemoteTrack(std::function<void(MediaKind kind, int remoteStreamHandle)> cb) { remoteTrack_ = std::move(cb); }
    void onDataChannelOpen(std::function<void()> cb) { dcOpen_ = std::move(cb); }
    void onDataChannelClose(std::function<void()> cb) { dcClose_ = std::move(cb); }

    // Called by the bridge. A copy of the callback runs, so a handler may replace itself safely.
    void emitLocalCandidate(const std::string& candidateJson) { fire(localCandidate_, candidateJson); }
    void emitIceConnectionState(const std::string& state) { fire(iceState_, state); }
    void emitConnectionState(const std::string& state) { fire(connState_, state); }
    void emitRemoteTrack(MediaKind kind, int remoteStreamHandle) { fire(remoteTrack_, kind, remoteStreamHandle); }
    void emitDataChannelOpen() { fire(dcOpen_); }
    void emitDataChannelClose() { fire(dcClose_); }

  private:
    template <class F, class... A> static void fire(const F& f, A&&... args) {
        if (f) {
            F copy = f;
            copy(std::forward<A>(args)...);
        }
    }

    std::function<void(const std::string&)> localCandidate_;
    std::function<void(const std::string&)> iceState_;
    std::function<void(const std::string&)> connState_;
    std::function<void(MediaKind, int)> remoteTrack_;
    std::function<void()> dcOpen_;
    std::function<void()> dcClose_;
};

// new RTCPeerConnection({iceServers: JSON.parse(iceServersJson)}). Returns nullptr when the browser has no
// WebRTC (the call then fails instead of crashing).
using RtcPeerConnectionFactory = std::function<std::unique_ptr<RtcPeerConnection>(const std::string& iceServersJson)>;

} // namespace kefu
