#include "core/i18n.hpp"

#include <cstddef>
#include <cstdio>

namespace kefu {

namespace {

struct Entry {
    Key key;
    const char* zh;
    const char* en;
};

// In the order of enum class Key; checked at compile time below.
constexpr Entry kStrings[] = {
    {Key::Title, "在线客服", "Customer service"},
    {Key::Subtitle, "我们通常几分钟内回复", "We usually reply within minutes"},
    {Key::Online, "在线", "Online"},
    {Key::Offline, "离线", "Offline"},
    {Key::Connecting, "连接中…", "Connecting…"},
    {Key::Reconnecting, "正在重新连接…", "Reconnecting…"},
    {Key::AgentOffline, "客服暂时不在线，留言后会尽快回复您",
     "We're away right now. Leave a message and we'll reply soon."},
    {Key::Close, "关闭", "Close"},
    {Key::Minimize, "最小化", "Minimize"},
    {Key::OpenChat, "打开客服聊天", "Open chat"},
    {Key::WelcomeFallback, "您好，有什么可以帮您？", "Hi! How can we help you?"},
    {Key::Placeholder, "输入消息…", "Type a message…"},
    {Key::Send, "发送", "Send"},
    {Key::AgentTyping, "对方正在输入…", "typing…"},
    {Key::LoadOlder, "查看更早的消息", "Load older messages"},
    {Key::Loading, "加载中…", "Loading…"},
    {Key::NoMoreHistory, "没有更早的消息了", "No older messages"},
    {Key::Today, "今天", "Today"},
    {Key::Yesterday, "昨天", "Yesterday"},
    {Key::You, "我", "You"},
    {Key::AgentFallbackName, "客服", "Support"},
    {Key::Sending, "发送中…", "Sending…"},
    {Key::ReadByAgent, "已读", "Read"},
    {Key::Delivered, "已送达", "Sent"},
    {Key::NewMessagePill, "新消息 ↓", "New message ↓"},
    {Key::UnreadDivider, "以下为新消息", "New messages"},
    {Key::ErrorTooLong, "消息过长（最多 2000 字）", "Message too long (2000 characters max)"},
    {Key::ErrorEmpty, "不能发送空白消息", "Can't send an empty message"},
    {Key::ErrorRateLimited, "发送太频繁，请稍后再试", "You're sending too fast. Try again in a moment."},
    {Key::ErrorSendFailed, "发送失败", "Not sent"},
    {Key::ErrorTimeout, "网络不佳，消息未能送达", "Couldn't deliver the message: poor connection"},
    {Key::ErrorOffline, "无法连接到客服", "Can't reach the support service"},
    {Key::Retry, "重试", "Retry"},
    {Key::Discard, "删除", "Delete"},
    {Key::Voice, "语音", "Voice"},
    {Key::Video, "视频", "Video"},
    {Key::VoiceCall, "语音通话", "Voice call"},
    {Key::VideoCall, "视频通话", "Video call"},
    {Key::CallRequestingDevices, "正在请求麦克风/摄像头权限…", "Requesting microphone/camera access…"},
    {Key::CallRinging, "正在呼叫客服…", "Calling support…"},
    {Key::CallConnecting, "正在连接…", "Connecting…"},
    {Key::CallInCall, "通话中", "In call"},
    {Key::CallEnded, "通话已结束", "Call ended"},
    {Key::CallFailed, "通话失败", "Call failed"},
    {Key::CallErrPermissionDenied, "未获得麦克风/摄像头权限，请在浏览器设置中允许后重试",
     "Microphone/camera access was denied. Allow it in your browser settings and try again."},
    {Key::CallErrNoCamera, "未检测到摄像头，可以改用语音通话", "No camera found. You can make a voice call instead."},
    {Key::CallErrNoMicrophone, "未检测到麦克风", "No microphone found"},
    {Key::CallErrInsecureContext, "当前页面不是安全连接（HTTPS），无法发起通话", "Calls need a secure (HTTPS) page"},
    {Key::CallErrServerUnreachable, "无法连接通话服务器", "Can't reach the call server"},
    {Key::CallErrIdTaken, "通话标识冲突，请重试", "Call id already in use. Please try again."},
    {Key::CallErrAgentUnreachable, "无法连接到客服", "Can't reach the agent"},
    {Key::CallErrAgentOffline, "客服暂时不在线", "No agent is available right now"},
    {Key::CallErrBusy, "客服正忙，请稍后再试", "The agent is busy. Please try again later."},
    {Key::CallErrNoAnswer, "客服未接听", "No answer"},
    {Key::CallErrRejected, "客服拒绝了通话", "The agent declined the call"},
    {Key::CallErrConnectionLost, "通话连接已断开", "Call connection lost"},
    {Key::CallsUnavailableNoWebRtc, "此浏览器不支持语音和视频通话，可以继续文字聊天",
     "This browser can't make voice or video calls. You can still chat."},
    {Key::CallsUnavailableNoMedia, "此浏览器无法使用麦克风和摄像头，暂时不能通话",
     "This browser gives no access to a microphone or camera, so calls are unavailable."},
    {Key::CallsUnavailableAway, "客服不在线，暂时无法通话", "No agent is online, so calls are unavailable right now."},
    {Key::CallsUnavailableHours, "现在不是服务时间，暂时无法通话",
     "We're outside our opening hours: no calls right now."},
    {Key::SendNeedsText, "请先输入消息", "Type a message first"},
    {Key::UseVoiceInstead, "改用语音通话", "Use voice instead"},
    {Key::SwitchToVideo, "转视频", "Video"},
    {Key::SwitchToVoice, "转语音", "Voice"},
    {Key::EnlargeVideo, "全屏显示对方画面", "Show the video full screen"},
    {Key::CallSwitching, "正在切换…", "Switching…"},
    {Key::CallReconnecting, "正在重新连接…", "Reconnecting…"},
    {Key::CallPoorConnection, "网络较差，通话可能不清晰", "Poor connection: the call may break up."},
    {Key::SwitchErrNoCamera, "未检测到摄像头，继续语音通话", "No camera found. The call stays voice only."},
    {Key::SwitchErrDenied, "未获得摄像头权限，继续语音通话", "Camera access was denied. The call stays voice only."},
    {Key::SwitchErrFailed, "切换失败，通话继续", "Couldn't switch. The call goes on."},
    {Key::SwitchErrDeclined, "客服暂不方便视频，继续语音通话", "The agent declined video. The call stays voice only."},
    {Key::Mute, "静音", "Mute"},
    {Key::Unmute, "取消静音", "Unmute"},
    {Key::CameraOn, "开摄像头", "Camera on"},
    {Key::CameraOff, "关摄像头", "Camera off"},
    {Key::HangUp, "挂断", "Hang up"},
    {Key::Cancel, "取消", "Cancel"},
    {Key::Answer, "接听", "Answer"},
    {Key::Decline, "拒绝", "Decline"},
    {Key::CallIncomingVoice, "客服来电（语音）", "Support is calling (voice)"},
    {Key::CallIncomingVideo, "客服来电（视频）", "Support is calling (video)"},
    {Key::CallLineVoice, "语音通话 %s", "Voice call %s"},
    {Key::CallLineVideo, "视频通话 %s", "Video call %s"},
    {Key::CallMissed, "未接通", "Missed call"},
    {Key::CallDeclined, "已拒绝", "Declined"},
    {Key::CallCancelled, "已取消", "Cancelled"},
    {Key::CallLineFailed, "通话失败", "Call failed"},
    {Key::UnreadBadge, "%d 条未读消息", "%d unread messages"},
};

constexpr std::size_t kKeyCount = static_cast<std::size_t>(Key::Count);
static_assert(sizeof(kStrings) / sizeof(kStrings[0]) == kKeyCount, "one entry per Key");

constexpr bool inKeyOrder() {
    for (std::size_t i = 0; i < kKeyCount; ++i)
        if (static_cast<std::size_t>(kStrings[i].key) != i) return false;
    return true;
}
static_assert(inKeyOrder(), "kStrings must follow the order of enum class Key");

char lower(char c) {
    return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
}

std::string twoDigits(std::int64_t v) {
    char buf[8];
    std::snprintf(buf, sizeof buf, "%02d", static_cast<int>(v % 100));
    return buf;
}

std::int64_t floorDiv(std::int64_t a, std::int64_t b) {
    std::int64_t q = a / b;
    if ((a % b != 0) && ((a < 0) != (b < 0))) --q;
    return q;
}

// Local time in ms: both inputs clamped (see clampTimeMs), so the sum cannot overflow.
std::int64_t localMs(std::int64_t ms, int tzOffsetMin) {
    const std::int64_t tz = tzOffsetMin < -1440 ? -1440 : tzOffsetMin > 1440 ? 1440 : tzOffsetMin;
    return clampTimeMs(ms) + tz * 60000;
}

struct Civil {
    std::int64_t year;
    int month; // 1..12
    int day;   // 1..31
};

// Days since 1970-01-01 → proleptic Gregorian date (H. Hinnant's algorithm).
Civil civilFromDays(std::int64_t z) {
    z += 719468;
    const std::int64_t era = floorDiv(z, 146097);
    const std::int64_t doe = z - era * 146097;
    const std::int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    const std::int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    const std::int64_t mp = (5 * doy + 2) / 153;
    const std::int64_t d = doy - (153 * mp + 2) / 5 + 1;
    const std::int64_t m = mp < 10 ? mp + 3 : mp - 9;
    return Civil{yoe + era * 400 + (m <= 2 ? 1 : 0), static_cast<int>(m), static_cast<int>(d)};
}

std::string replaceFirstPlaceholder(const char* pattern, std::string_view arg) {
    std::string s(pattern);
    for (const char* ph : {"%s", "%d"}) {
        const auto pos = s.find(ph);
        if (pos != std::string::npos) {
            s.replace(pos, 2, arg.data(), arg.size());
            break;
        }
    }
    return s;
}

} // namespace

Locale parseLocale(std::string_view tag) {
    if (tag.size() >= 2 && lower(tag[0]) == 'z' && lower(tag[1]) == 'h' &&
        (tag.size() == 2 || tag[2] == '-' || tag[2] == '_'))
        return Locale::ZhCN;
    return Locale::En;
}

const char* localeTag(Locale locale) {
    return locale == Locale::ZhCN ? "zh-CN" : "en";
}

const char* tr(Locale locale, Key key) {
    const auto i = static_cast<std::size_t>(key);
    if (i >= kKeyCount) return "?";
    return locale == Locale::ZhCN ? kStrings[i].zh : kStrings[i].en;
}

std::string trf(Locale locale, Key key, std::string_view arg) {
    return replaceFirstPlaceholder(tr(locale, key), arg);
}

std::string formatDuration(int seconds) {
    if (seconds < 0) seconds = 0;
    const int h = seconds / 3600;
    const int m = (seconds / 60) % 60;
    const int s = seconds % 60;
    if (h > 0) return std::to_string(h) + ":" + twoDigits(m) + ":" + twoDigits(s);
    return twoDigits(m) + ":" + twoDigits(s);
}

std::int64_t clampTimeMs(std::int64_t ms) {
    return ms < -kMaxTimeMs ? -kMaxTimeMs : ms > kMaxTimeMs ? kMaxTimeMs : ms;
}

std::int64_t localDay(std::int64_t ms, int tzOffsetMin) {
    return floorDiv(localMs(ms, tzOffsetMin), 86400000);
}

std::string formatTime(std::int64_t ms, int tzOffsetMin) {
    const std::int64_t local = localMs(ms, tzOffsetMin);
    const std::int64_t minuteOfDay = floorDiv(local, 60000) - floorDiv(local, 86400000) * 1440;
    return twoDigits(minuteOfDay / 60) + ":" + twoDigits(minuteOfDay % 60);
}

std::string dayLabel(Locale locale, std::int64_t ms, std::int64_t nowMs, int tzOffsetMin) {
    const std::int64_t day = localDay(ms, tzOffsetMin);
    const std::int64_t today = localDay(nowMs, tzOffsetMin);
    if (day == today) return tr(locale, Key::Today);
    if (day == today - 1) return tr(locale, Key::Yesterday);
    const Civil c = civilFromDays(day);
    const bool sameYear = civilFromDays(today).year == c.year;
    if (locale == Locale::ZhCN) {
        std::string s = sameYear ? std::string() : std::to_string(c.year) + "年";
        return s + std::to_string(c.month) + "月" + std::to_string(c.day) + "日";
    }
    static const char* const months[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                         "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    std::string s = std::string(months[c.month - 1]) + " " + std::to_string(c.day);
    if (!sameYear) s += ", " + std::to_string(c.year);
    return s;
}

std::string separatorLabel(Locale locale, std::int64_t ms, std::int64_t nowMs, int tzOffsetMin) {
    const std::string time = formatTime(ms, tzOffsetMin);
    if (localDay(ms, tzOffsetMin) == localDay(nowMs, tzOffsetMin)) return time;
    return dayLabel(locale, ms, nowMs, tzOffsetMin) + " " + time;
}

std::string callLine(Locale locale, const CallInfo& call) {
    const Key kind = call.video ? Key::VideoCall : Key::VoiceCall;
    if (call.outcome == "completed" || call.outcome.empty()) {
        if (call.durationS <= 0) return tr(locale, kind);
        return trf(locale, call.video ? Key::CallLineVideo : Key::CallLineVoice, formatDuration(call.durationS));
    }
    Key outcome = Key::CallLineFailed;
    if (call.outcome == "missed")
        outcome = Key::CallMissed;
    else if (call.outcome == "rejected")
        outcome = Key::CallDeclined;
    else if (call.outcome == "cancelled")
        outcome = Key::CallCancelled;
    return std::string(tr(locale, kind)) + " · " + tr(locale, outcome);
}

std::string unreadLabel(Locale locale, int unread) {
    return trf(locale, Key::UnreadBadge, std::to_string(unread < 0 ? 0 : unread));
}

} // namespace kefu
