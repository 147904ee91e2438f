#include "record.hpp"

#include <nlohmann/json.hpp>

namespace nnlab::grading {

using nlohmann::json;

bool is_record_status(const std::string& status) {
    return status == "passed" || status == "failed" || status == "blocked" || status == "skipped" || status == "todo";
}

std::string valid_utf8(const std::string& text) {
    // dump() with the replace handler turns invalid bytes into U+FFFD; reading it back
    // gives the cleaned string.
    return json::parse(json(text).dump(-1, ' ', false, json::error_handler_t::replace)).get<std::string>();
}

std::string to_json_line(const Record& r, const std::string& nonce) {
    const json j = {{"nonce", nonce},   {"lab", r.lab},           {"test", r.test},
                    {"points", r.points}, {"max", r.max},         {"status", r.status},
                    {"blocked_by", r.blocked_by}, {"message", r.message}, {"where", r.where}};
    return j.dump(-1, ' ', false, json::error_handler_t::replace);
}

std::optional<Record> parse_record_line(const std::string& line, const std::string& nonce, std::string& error) {
    const json j = json::parse(line, nullptr, /*allow_exceptions=*/false);
    if (j.is_discarded() || !j.is_object()) {
        error = "a record line is not a JSON object";
        return std::nullopt;
    }
    auto text = [&](const char* key, std::string& out) {
        const auto it = j.find(key);
        if (it == j.end() || !it->is_string()) {
            error = std::string("a record has no text field \"") + key + "\"";
            return false;
        }
        out = it->get<std::string>();
        return true;
    };
    std::string got_nonce;
    Record r;
    if (!text("nonce", got_nonce)) return std::nullopt;
    if (got_nonce != nonce) {
        error = "a record does not carry this run's nonce (forged?)";
        return std::nullopt;
    }
    if (!text("lab", r.lab) || !text("test", r.test) || !text("status", r.status) || !text("blocked_by", r.blocked_by) ||
        !text("message", r.message) || !text("where", r.where))
        return std::nullopt;
    if (!is_record_status(r.status)) {
        error = "a record has an unknown status";
        return std::nullopt;
    }
    return r;
}

}  // namespace nnlab::grading
