// json_escape.hpp — a string as the inside of a JSON string literal (quotes, backslashes
// and control characters escaped). For the few JSON files nnlab writes by hand.
#pragma once

#include <cstdio>
#include <string>

namespace nnlab {

inline std::string json_escape(const std::string& s) {
    std::string out;
    for (unsigned char c : s) {
        if (c == '"' || c == '\\') {
            out += '\\';
            out += static_cast<char>(c);
        } else if (c == '\n') {
            out += "\\n";
        } else if (c == '\t') {
            out += "\\t";
        } else if (c < 0x20) {
            char buf[8];
            std::snprintf(buf, sizeof buf, "\\u%04x", c);
            out += buf;
        } else {
            out += static_cast<char>(c);
        }
    }
    return out;
}

}  // namespace nnlab
