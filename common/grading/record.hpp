// record.hpp — the one structured record a graded test program writes per test, and how
// nnlab-grade reads it back. No English text is parsed: the grader reads these fields.
//
// One record is one line of JSON on the file descriptor the grader passed
// (--nnlab-record-fd=N), carrying the per-run nonce the grader put in the environment
// (NNLAB_RECORD_NONCE, erased from the environment at startup):
//
//   {"nonce":"…","lab":"lab02","test":"Lab02Linear.BackwardHandValues","points":0,"max":20,
//    "status":"failed","blocked_by":"","message":"Expected equality…","where":"tests/labs/…:95"}
//
// status is one of passed, failed, blocked (blocked_by names the unfinished lab), skipped,
// todo (this lab's own function is still a stub). "points" and "max" are informative only:
// the grader takes points from its own table, never from the record.
#pragma once

#include <optional>
#include <string>

namespace nnlab::grading {

struct Record {
    std::string lab, test, status, blocked_by, message, where;
    int points = 0, max = 0;
};

// One line of JSON (no newline inside), valid UTF-8 (invalid bytes replaced).
std::string to_json_line(const Record& record, const std::string& nonce);

// The record in `line`, or nullopt with `error` saying why (not JSON, wrong nonce, a field
// missing or of the wrong type, an unknown status).
std::optional<Record> parse_record_line(const std::string& line, const std::string& nonce, std::string& error);

// True for passed, failed, blocked, skipped, todo.
bool is_record_status(const std::string& status);

// `text` with every invalid UTF-8 sequence replaced by U+FFFD, so any JSON writer accepts it.
std::string valid_utf8(const std::string& text);

}  // namespace nnlab::grading
