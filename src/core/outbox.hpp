// The visitor's messages the server has not acknowledged yet, in send order. Every (re)connection writes
// each live entry once (paced by the caller); the server stores a message id once and acknowledges repeats
// with the same seq, so resending after a drop is safe and delivery is exactly-once. A message the server
// refuses stays here as failed, with the reason, until the visitor retries or discards it: never resent on
// its own. A message refused only for the rate is taken back (unwrite) and written again later.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace kefu {

using RandomFn = std::function<std::uint64_t()>;

// A client message id: "m_" + base-36 time + base-36 random. Unique enough per conversation.
std::string newClientId(std::int64_t nowMs, const RandomFn& random);

struct OutboxEntry {
    std::string id;
    std::string text;
    std::int64_t queuedMs = 0;   // when it was (re)queued
    std::uint64_t writtenOn = 0; // connection it was last written to; 0 = not written yet
    std::int64_t writtenMs = 0;  // when it was last written: the delivery deadline counts from here
    int writes = 0;              // how many times it went on the wire
    bool failed = false;
    std::string errorCode;
    std::string errorMessage;
};

// What a page could not deliver, saved in localStorage for the next page:
// [{"id","text","time","failed"?,"error"?}]; "failed" (the error code) marks one the visitor must retry or
// discard, which the next page shows failed again instead of sending it.
struct SavedMessage {
    std::string id, text;
    std::int64_t timeMs = 0; // 0: unknown
    std::string failed;      // error code; empty: still to be sent
    std::string error;       // the server's message for it, if any
};
struct SavedOutbox {
    std::vector<SavedMessage> messages;
    std::size_t dropped = 0; // entries that could not be read (no string id or text, nested too deep)
    std::string error;       // the whole value was unusable (not a JSON array); empty otherwise
};
// Any script of the host page's origin can write localStorage: each entry is checked on its own, so a bad
// one is dropped (and counted) without losing the others. A time that is not a non-negative integer is 0;
// a "failed" that is not a non-empty string leaves the entry to be sent, an "error" that is not a string is
// empty.
SavedOutbox parseSavedOutbox(std::string_view json);
// The inverse; "" for no messages. Text that is not valid UTF-8 is stored with U+FFFD in its place.
std::string encodeSavedOutbox(const std::vector<SavedMessage>& messages);

class Outbox {
  public:
    // False if `id` is already queued.
    bool enqueue(std::string id, std::string text, std::int64_t nowMs);

    // Writes, in order, the first `maxWrites` live entries not yet written on `connection` (a number that
    // changes with every new socket). Returns how many were written.
    int flush(std::uint64_t connection, std::int64_t nowMs, int maxWrites,
              const std::function<void(const OutboxEntry&)>& write);
    // Live entries still to be written on `connection`.
    std::size_t unwrittenCount(std::uint64_t connection) const;
    // The server did not take `id` for now (rate): it counts as not written and goes out again in order.
    bool unwrite(const std::string& id);

    // The server acknowledged `id`: it leaves the outbox. False for an unknown id (e.g. a repeated ack).
    bool ack(const std::string& id);
    // The server refused `id` (or it timed out): kept, marked failed, no longer written.
    bool fail(const std::string& id, std::string code, std::string message);
    // The visitor retries a failed entry: it is live again and will be written on the next flush.
    bool retry(const std::string& id, std::int64_t nowMs);
    bool remove(const std::string& id);

    // Live entries written on `connection` at or before `nowMs - maxAgeMs` and still not acknowledged
    // become failed with code "timeout"; returns their ids. Time spent waiting offline never counts.
    std::vector<std::string> expire(std::uint64_t connection, std::int64_t nowMs, std::int64_t maxAgeMs);
    // The earliest writtenMs of a live entry written on `connection`, or -1 when there is none.
    std::int64_t oldestWrittenMs(std::uint64_t connection) const;
    // Every live entry becomes failed with `code` (the chat gave up); returns their ids.
    std::vector<std::string> failAll(const std::string& code, const std::string& message);

    const OutboxEntry* find(const std::string& id) const;
    const std::vector<OutboxEntry>& entries() const { return entries_; }
    std::size_t size() const { return entries_.size(); }
    std::size_t liveCount() const;
    bool empty() const { return entries_.empty(); }

  private:
    OutboxEntry* findMutable(const std::string& id);
    std::vector<OutboxEntry> entries_;
};

} // namespace kefu
