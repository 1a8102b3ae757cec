// The chat client as a state machine: the input is a script of what the server, the network, the clock
// and the visitor do, in any order (frames, drops, HTTP answers out of order, timers, sends, retries).
#include <cstdint>
#include <memory>
#include <string>

#include "core/chat_session.hpp"
#include "fakes.hpp"
#include "fuzz_input.hpp"

using namespace kefu;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    fuzz::Script s(data, size);
    test::FakeScheduler clock;
    test::FakeSocketHub sockets;
    test::FakeHttp http;
    SessionConfig config;
    config.serverUrl = "https://chat.test";
    if (s.flip()) {
        config.token = "tok1";
        config.visitorId = "v_1";
    }
    if (s.flip()) config.userJson = s.text(40);
    config.readSeq = s.anyInt();
    auto session = std::make_unique<ChatSession>(config, sockets.factory(), http.fn(), clock, test::sequenceRandom());
    std::int64_t seq = 0;
    std::string lastId;

    for (int step = 0; step < 400 && s.more(); ++step) {
        ChatSession& c = *session;
        switch (s.pick(16)) {
        case 0: c.start(); break;
        case 1: c.stop(); break;
        case 2: c.reconnectNow(); break;
        case 3: {
            const SendResult r = c.send(s.pick(4) ? "你好" : s.text(80));
            if (r.ok) lastId = r.id;
            break;
        }
        case 4:
            if (sockets.count()) sockets.last().accept();
            break;
        case 5:
            if (sockets.count()) sockets.last().receive(fuzz::chatFrame(s, seq));
            break;
        case 6:
            if (sockets.count()) sockets.last().drop(fuzz::closeCode(s));
            break;
        case 7: {
            if (http.requests.empty()) break;
            const std::shared_ptr<test::FakeRequest> r = http.requests[s.pick(unsigned(http.requests.size()))];
            if (r->answered) break;
            r->answered = true;
            const int status = fuzz::httpStatus(s);
            r->done(HttpResponse{status, fuzz::httpBody(s, r->url, seq)});
            break;
        }
        case 8: clock.advance(s.delay()); break;
        case 9: c.setTyping(s.flip()); break;
        case 10: c.loadOlder(); break;
        case 11: c.markRead(); break;
        case 12: c.retry(s.flip() ? lastId : s.text(8)); break;
        case 13: c.discard(s.flip() ? lastId : s.text(8)); break;
        case 14: c.setUser(s.flip() ? R"({"name":"Ann","attrs":{"plan":"gold"}})" : s.text(60)); break;
        case 15: c.restorePending(s.flip() ? "m_saved" : s.text(8), s.text(40), s.anyInt()); break;
        }
        if (c.unread() < 0) __builtin_trap();
    }
    session.reset(); // destroyed with requests and timers still pending, as when the page goes away
    clock.advance(120000);
    return 0;
}
