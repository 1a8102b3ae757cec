// Local capture devices, as seen by the call core. The browser bridge implements MediaDevices over
// navigator.mediaDevices; streams stay in JavaScript and the core only holds integer handles to them.
#pragma once

#include <functional>
#include <string>

namespace kefu {

enum class MediaKind { Audio, Video };

inline const char* toString(MediaKind kind) {
    return kind == MediaKind::Audio ? "audio" : "video";
}

// Accepts the strings MediaStreamTrack.kind uses; anything else is rejected.
inline bool parseMediaKind(const std::string& text, MediaKind& out) {
    if (text == "audio") {
        out = MediaKind::Audio;
        return true;
    }
    if (text == "video") {
        out = MediaKind::Video;
        return true;
    }
    return false;
}

struct MediaResult {
    bool ok = false;
    // DOMException name when !ok: "NotAllowedError", "NotFoundError", "NotReadableError", "OverconstrainedError",
    // "SecurityError", "AbortError", "TypeError", or "Unsupported" when navigator.mediaDevices is missing
    // (old browser or an insecure http:// page).
    std::string errorName;
    bool hasAudio = false; // the stream has at least one audio track
    bool hasVideo = false; // the stream has at least one video track
    int streamHandle = -1; // valid when ok; release it with stopStream()
};

enum class Permission { Granted, Prompt, Denied };

class MediaDevices {
  public:
    using Callback = std::function<void(MediaResult)>;

    virtual ~MediaDevices() = default;

    // getUserMedia({audio, video}). The bridge always asks for audio with
    // {noiseSuppression: true, echoCancellation: true}: a visitor on laptop speakers would otherwise feed the
    // agent's voice back. `done` runs exactly once, asynchronously.
    virtual void getUserMedia(bool audio, bool video, Callback done) = 0;

    // Stops every track of the stream (turns the camera light off) and forgets the handle.
    // Unknown or already stopped handles are a no-op.
    virtual void stopStream(int streamHandle) = 0;

    // track.enabled = enabled for every track of that kind: mute, camera off. No renegotiation needed.
    virtual void setTrackEnabled(int streamHandle, MediaKind kind, bool enabled) = 0;

    // What getUserMedia will do for the microphone (and the camera too when `video`), as the Permissions
    // API says: Granted, no prompt; Denied, it fails (or the page can never have media: an insecure
    // context); Prompt, the browser asks the visitor, also when the state is unknown.
    virtual Permission permission(bool video) const {
        (void)video;
        return Permission::Prompt;
    }
};

} // namespace kefu
